"""Who gets a workflow's emails: typed addresses and people chosen with the picker."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import validate_email

from workflows_app.civis.types import Notifications
from workflows_app.words.notifications import NOBODY_GETS, NOBODY_GETS_WHAT_TO_DO, nobody_listed

MAX_ADDRESSES = 50
ADD_TO = [("failure", "Failure emails"), ("success", "Success emails"), ("both", "Both")]


def split_addresses(text: str) -> list[str]:
    """One address a line (or separated by commas), in order, without repeats."""
    seen: dict[str, None] = {}
    for part in re.split(r"[\s,;]+", text or ""):
        if part:
            seen.setdefault(part, None)
    return list(seen)


class AddressesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        addresses = split_addresses(super().to_python(value) or "")
        wrong = []
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                wrong.append(address[:60])
        if wrong:
            raise forms.ValidationError(
                "These are not email addresses: " + ", ".join(f"“{w}”" for w in wrong) + "."
            )
        if len(addresses) > MAX_ADDRESSES:
            raise forms.ValidationError(f"At most {MAX_ADDRESSES} addresses, please.")
        return addresses


class NotificationsForm(forms.Form):
    failure_on = forms.BooleanField(label="Email when a run fails", required=False)
    failure_addresses = AddressesField(
        label="Who gets failure emails", required=False,
        help_text="One email address a line. They also get the warning when a run takes too long.",
    )  # fmt: skip
    stall_warning_minutes = forms.IntegerField(
        label="Warn them when a run takes longer than (minutes)", required=False,
        min_value=1, max_value=10_080, help_text="Leave empty for no warning.",
    )  # fmt: skip
    success_on = forms.BooleanField(label="Email when a run succeeds", required=False)
    success_addresses = AddressesField(label="Who gets success emails", required=False,
                                       help_text="One email address a line.")  # fmt: skip
    success_email_subject = forms.CharField(label="Subject of the success email",
                                            required=False, max_length=255)  # fmt: skip
    success_email_body = forms.CharField(
        label="Text of the success email", required=False, max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown is allowed.",
    )  # fmt: skip

    def nobody_listed(self) -> list[str]:
        """The kinds of email that are on with no address to go to, as the form stands: sent
        or not, valid or not (words.notifications.nobody_listed, the one rule)."""
        return nobody_listed(
            failure_on=bool(self["failure_on"].value()),
            failures=bool(split_addresses(self["failure_addresses"].value() or "")),
            stall=bool(str(self["stall_warning_minutes"].value() or "").strip()),
            success_on=bool(self["success_on"].value()),
            successes=bool(split_addresses(self["success_addresses"].value() or "")),
        )

    def nobody_hints(self) -> dict[str, str]:
        """The page's hint for each kind in nobody_listed(), by kind; each names its hint in
        its box's or field's aria-describedby (call once the form is checked, if sent)."""
        hints = {}
        for kind in self.nobody_listed():
            name = {"failure": "failure_on", "stall": "stall_warning_minutes",
                    "success": "success_on"}[kind]  # fmt: skip
            own = self[name].aria_describedby  # the field's hint and errors, kept first
            self.fields[name].widget.attrs["aria-describedby"] = f"{own} {kind}-nobody".strip()
            hints[kind] = f"{NOBODY_GETS[kind]} {NOBODY_GETS_WHAT_TO_DO[kind]}"
        return hints

    def notifications(self, keep: Notifications) -> Notifications:
        """The platform's notifications for what was chosen; what the page does not change
        (the web addresses told of each run) is kept as it was."""
        data = self.cleaned_data
        return Notifications(
            urls=keep.urls,
            failure_on=data["failure_on"],
            failure_email_addresses=data["failure_addresses"],
            stall_warning_minutes=data["stall_warning_minutes"],
            success_on=data["success_on"],
            success_email_addresses=data["success_addresses"],
            success_email_subject=data["success_email_subject"] or None,
            success_email_body=data["success_email_body"] or None,
        )


def initial_for(notifications: Notifications) -> dict[str, Any]:
    return {
        "failure_on": notifications.failure_on is not False,
        "failure_addresses": "\n".join(notifications.failure_email_addresses),
        "stall_warning_minutes": notifications.stall_warning_minutes,
        "success_on": bool(notifications.success_on),
        "success_addresses": "\n".join(notifications.success_email_addresses),
        "success_email_subject": notifications.success_email_subject or "",
        "success_email_body": notifications.success_email_body or "",
    }
