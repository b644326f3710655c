import datetime

from django import forms
from django.db.models import Q

# A Civis API key is a short run of printable ASCII letters, digits and punctuation; anything
# else (a line break from a key pasted across two lines, a curly quote, a space) cannot be one,
# and must never reach an HTTP header, where it fails with the key printed in the error.
KEY_MIN_LENGTH = 4
KEY_MAX_LENGTH = 256


KEY_WRONG_CHARACTERS = (
    "An API key has only letters, digits and punctuation, on one line. Copy it again from the "
    "platform, without spaces or line breaks."
)


def key_form_problem(key: str) -> str | None:
    """Why `key` cannot be an API key, in words for the person who pasted it; None if it can."""
    if not KEY_MIN_LENGTH <= len(key) <= KEY_MAX_LENGTH:
        return (
            f"An API key is between {KEY_MIN_LENGTH} and {KEY_MAX_LENGTH} characters long. "
            "Copy it again from the platform."
        )
    if not all("!" <= ch <= "~" for ch in key):
        return KEY_WRONG_CHARACTERS
    return None


class DayField(forms.DateField):
    """A day in a filter: only years a run can have, so a far date (9999-12-31, 0001-01-01)
    gets a message instead of overflowing when a page adds a day or converts a time zone."""

    FIRST = datetime.date(1970, 1, 1)
    LAST = datetime.date(2199, 12, 31)

    def validate(self, value):
        super().validate(value)
        if value and not self.FIRST <= value <= self.LAST:
            raise forms.ValidationError(
                f"Choose a day between {self.FIRST.year} and {self.LAST.year}", code="range"
            )


class SignInForm(forms.Form):
    api_key = forms.CharField(
        label="Your Civis API key",
        help_text="Make one in the platform under your name, then API keys.",
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter an API key",
            "null_characters_not_allowed": KEY_WRONG_CHARACTERS,
        },
    )

    def clean_api_key(self) -> str:
        key = self.cleaned_data["api_key"]
        problem = key_form_problem(key)
        if problem:
            raise forms.ValidationError(problem)
        return key


class AuditFilterForm(forms.Form):
    """The audit log's filters; they live in the query string."""

    person = forms.CharField(required=False, label="Person")
    action = forms.ChoiceField(required=False, label="What they did", choices=())
    workflow = forms.CharField(
        required=False, label="Workflow name", help_text="Part of its name when changed"
    )
    date_from = DayField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DayField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from workflows_app.audit.record import ACTION_WORDS

        super().__init__(*args, **kwargs)
        # The console's own actions only, one choice per wording ("Changed a workflow" is
        # both put and patch).
        by_words: dict[str, list[str]] = {}
        for action, words in ACTION_WORDS.items():
            by_words.setdefault(words, []).append(action)
        self.fields["action"].choices = [("", "Anything")] + [
            (",".join(actions), words) for words, actions in sorted(by_words.items())
        ]

    def filter(self, entries):
        data = self.cleaned_data
        if data.get("person"):
            entries = entries.filter(actor_name__icontains=data["person"])
        if data.get("action"):
            entries = entries.filter(action__in=data["action"].split(","))
        if data.get("workflow", "").strip():
            name = data["workflow"].strip()
            matches = Q(object_name__icontains=name)
            if name.isascii() and name.isdigit():  # "See this change in the audit log" links
                matches |= Q(object_id=name)  # by the workflow's number
            entries = entries.filter(matches, object_type="workflow")
        if data.get("date_from"):
            entries = entries.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            entries = entries.filter(at__date__lte=data["date_to"])
        return entries
