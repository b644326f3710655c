"""Forms for sharing, ownership transfer and the people/group picker.

Picker results are radio buttons whose values name their kind: `user:7` or `group:3`, so one
field can hold a person or a group. `PersonChoiceField` (a person only) and `GranteeChoiceField`
(a person or a group) read them back; other pages that embed the picker use them too.
"""

from __future__ import annotations

from django import forms

from workflows_app.pickers.values import KINDS, parse_choice
from workflows_app.words.access import LEVEL_CHOICES

MAX_MESSAGE = 2000
# Where an error in the summary takes you: the first control of each field on our pages.
ERROR_ANCHORS = {
    "grantee": "grantee-q",
    "user_id": "owner-q",
    "level": "level-read",
    "send_email": "id_send_email",
    "message": "id_message",
}


class ErrorLinks(forms.Form):
    """`form.error_links`: (anchor, message) pairs for the error summary at the top."""

    def error_links(self) -> list[tuple[str, str]]:
        links = [("", str(e)) for e in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name != "__all__":
                links += [(ERROR_ANCHORS.get(name, f"id_{name}"), str(e)) for e in errors]
        return links


class GranteeChoiceField(forms.CharField):
    """A person or a group chosen in the picker: cleans to `(kind, id)`."""

    kinds: tuple[str, ...] = KINDS
    default_error_messages = {
        "required": "Choose a person or a group",
        "invalid": "Choose a person or a group from the list",
    }

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        choice = parse_choice(value, self.kinds)
        if choice is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return choice


class PersonChoiceField(GranteeChoiceField):
    """A person chosen in the picker: cleans to their Civis user id."""

    kinds = ("user",)
    default_error_messages = {
        "required": "Choose a person",
        "invalid": "Choose a person from the list",
    }

    def clean(self, value):
        choice = super().clean(value)
        return None if choice is None else choice[1]


class PickerSearchForm(forms.Form):
    """What the picker's search box sends: the text, and the name its results' radios take."""

    q = forms.CharField(required=False, max_length=100, strip=True)
    field = forms.RegexField(
        required=False, regex=r"^[a-z][a-z_]{0,30}$", max_length=31, initial="grantee"
    )
    names = forms.BooleanField(required=False)  # each result sends its name (picker_names)

    def query(self) -> str:
        self.is_valid()  # each field is read on its own: a bad `field` keeps the query
        return self.cleaned_data.get("q") or ""

    def field_name(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("field") or "grantee"

    def keeps_names(self) -> bool:
        self.is_valid()
        return bool(self.cleaned_data.get("names"))


class EmailFields(ErrorLinks, forms.Form):
    """An optional email to the person, with an optional message in it."""

    send_email = forms.BooleanField(required=False, label="Send them an email about it")
    message = forms.CharField(
        required=False,
        max_length=MAX_MESSAGE,
        strip=True,
        label="Message (optional)",
        help_text="Added to the email. Leave it empty to send the standard email.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("message") and not data.get("send_email"):
            self.add_error("send_email", "Tick this box to send your message, or clear it")
        return data


class AddAccessForm(EmailFields):
    """Give a person or a group access to one workflow at one level."""

    grantee = GranteeChoiceField(label="Person or group")
    level = forms.ChoiceField(
        choices=LEVEL_CHOICES,
        label="What can they do?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what they can do"},
    )

    def api_params(self) -> dict:
        """Keyword arguments for `put_shares_users` / `put_shares_groups`."""
        data = self.cleaned_data
        params: dict = {"permission_level": data["level"]}
        if data.get("send_email"):
            params["send_shared_email"] = True
            if data.get("message"):
                params["share_email_body"] = data["message"]
        return params


class TransferForm(EmailFields):
    """Make someone else the owner, with or without the things the workflow uses."""

    user_id = PersonChoiceField(label="New owner")
    include_dependencies = forms.BooleanField(
        required=False, label="Also give them access to these things (can manage)"
    )

    def api_params(self) -> dict:
        """Keyword arguments for `put_transfer`."""
        data = self.cleaned_data
        params: dict = {
            "user_id": data["user_id"],
            "include_dependencies": bool(data.get("include_dependencies")),
        }
        if data.get("send_email"):
            params["send_email"] = True
            if data.get("message"):
                params["email_body"] = data["message"]
        return params


class ChooseOwnerForm(ErrorLinks, forms.Form):
    """The first step of a transfer: who should own it (in the query string)."""

    user_id = PersonChoiceField(label="New owner")
