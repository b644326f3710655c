"""Forms of the bulk wizards (offboarding transfer, bulk share). People and groups arrive from
the picker as `user:7` / `group:3`."""

from __future__ import annotations

from django import forms

from workflows_app.pickers.values import parse_choice
from workflows_app.words.access import LEVEL_CHOICES

PER_PAGE = 25


class PickedField(forms.CharField):
    """A picker choice: cleans to ("user" | "group", id)."""

    def __init__(self, *, kinds: tuple[str, ...] = ("user",), **kwargs) -> None:
        self.kinds = kinds
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        picked = parse_choice(value, self.kinds)
        if picked is None:
            raise forms.ValidationError("Choose someone from the list.")
        return picked


class StartForm(forms.Form):
    """Step 1: whose workflows."""

    person = PickedField(
        label="Whose workflows?",
        widget=forms.HiddenInput(attrs={"id": "person-q"}),
        error_messages={"required": "Search for a person and choose them from the list."},
    )


class SelectionForm(forms.Form):
    """Step 2, one page of checkboxes: the ids shown and the ids ticked. What is ticked on
    other pages is kept in the draft, so paging loses nothing."""

    shown = forms.TypedMultipleChoiceField(coerce=int, required=False)
    chosen = forms.TypedMultipleChoiceField(coerce=int, required=False)
    action = forms.ChoiceField(
        choices=[("save", "save"), ("all", "all"), ("none", "none"), ("continue", "continue")],
        required=False,
    )
    goto = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, candidate_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        options = [(i, str(i)) for i in candidate_ids]
        for name in ("shown", "chosen"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options

    def apply(self, selected: list[int], all_ids: list[int]) -> list[int]:
        """The selection after this submission, in the candidates' order."""
        action = self.cleaned_data.get("action") or "save"
        if action == "all":
            return list(all_ids)
        if action == "none":
            return []
        keep = (set(selected) - set(self.cleaned_data["shown"])) | set(self.cleaned_data["chosen"])
        return [i for i in all_ids if i in keep]


class EmailMixin(forms.Form):
    send_email = forms.BooleanField(
        required=False, label="Email them about it (the platform sends the email)"
    )
    email_body = forms.CharField(
        required=False,
        label="Message for the email (optional)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransferChoicesForm(EmailMixin):
    """Step 3 of offboarding: who owns each workflow next."""

    mode = forms.ChoiceField(
        label="Who should own them?",
        choices=[
            ("one", "One person for all of them"),
            ("suggested", "For each workflow, someone who can already manage it"),
        ],
        widget=forms.RadioSelect,
        initial="one",
    )
    new_owner = PickedField(
        label="New owner",
        widget=forms.HiddenInput(attrs={"id": "owner-q"}),
        error_messages={"required": "Search for the new owner and choose them from the list."},
    )
    include_dependencies = forms.BooleanField(
        required=False,
        initial=True,
        label="Also share the things these workflows use that the new owner can't open yet",
    )

    def clean(self):
        data = super().clean()
        if not data.get("send_email"):
            data["email_body"] = ""
        return data


class ShareChoicesForm(EmailMixin):
    """Step 3 of bulk sharing: who, and give or remove access."""

    action = forms.ChoiceField(
        label="What should happen?",
        choices=[("share", "Give access"), ("revoke", "Remove access")],
        widget=forms.RadioSelect,
        initial="share",
    )
    grantee = PickedField(
        kinds=("user", "group"),
        label="Person or group",
        widget=forms.HiddenInput(attrs={"id": "grantee-q"}),
        error_messages={"required": "Search for a person or group and choose from the list."},
    )
    level = forms.ChoiceField(
        label="Access to give", choices=LEVEL_CHOICES, initial="read", widget=forms.RadioSelect
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "revoke" or not data.get("send_email"):
            data["send_email"] = False
            data["email_body"] = ""
        return data


class LeaverAccessForm(forms.Form):
    """Offboarding's last, optional step: also remove the leaver's own access everywhere."""

    remove_access = forms.BooleanField(required=False)
