"""Copying a workflow: the copy's name and what it takes with it."""

from django import forms

from workflows_app.civis.types import Workflow

MAX_NAME = 255


class CopyForm(forms.Form):
    name = forms.CharField(label="Name of the copy", max_length=MAX_NAME, strip=True)
    clone_schedule = forms.BooleanField(
        label="Copy its schedule", required=False,
        help_text="Without it, the copy does not run on a schedule until you give it one.",
    )  # fmt: skip
    clone_notifications = forms.BooleanField(
        label="Copy who gets its emails", required=False,
        help_text="Without it, the emails about the copy's runs go to you.",
    )  # fmt: skip


def default_name(workflow: Workflow) -> str:
    return f"Copy of {workflow.name}"[:MAX_NAME]
