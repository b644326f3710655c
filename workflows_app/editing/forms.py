"""Forms of the create and edit pages. The definition is only length-checked here; what is
wrong inside it is the console's reading (`checks.read_definition`), shown with the check."""

from __future__ import annotations

from django import forms

from workflows_app.editing.changes import Version
from workflows_app.editing.checks import MAX_DEFINITION_CHARS, too_long_message

NAME_MAX = 255
DESCRIPTION_MAX = 10_000


class WorkflowFieldsForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX,
        error_messages={"required": "Give the workflow a name."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=DESCRIPTION_MAX,
        help_text="What it is for, in a sentence or two, for whoever opens it next.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    definition = forms.CharField(
        label="Definition (YAML)",
        required=False,
        strip=False,
        help_text="The tasks and the order they run in, in the workflow language (YAML).",
        widget=forms.Textarea(
            attrs={
                "rows": 22,
                "spellcheck": "false",
                "class": "code-input",
                "wrap": "off",
                # static/js/definition_editor.js: line numbers and YAML indentation.
                "data-definition-editor": "",
            }
        ),
    )

    def clean_definition(self) -> str:
        text = self.cleaned_data.get("definition") or ""
        if len(text) > MAX_DEFINITION_CHARS:
            raise forms.ValidationError(too_long_message(len(text)))
        return text.replace("\r\n", "\n")

    def version(self) -> Version:
        data = self.cleaned_data
        return Version(
            name=data["name"],
            description=data.get("description") or "",
            definition=data.get("definition") or "",
        )


class CreateForm(WorkflowFieldsForm):
    from_job_chain = forms.IntegerField(
        label="Or build it from a job chain: the job's ID (optional)",
        required=False,
        min_value=1,
        max_value=2**53,
        help_text="The platform writes the definition: one task for each job of the chain, "
        "and it keeps the chain's schedule. Leave the definition empty to use this.",
    )

    def clean(self):
        data = super().clean()
        if data.get("from_job_chain") and (data.get("definition") or "").strip():
            self.add_error(
                "from_job_chain",
                "Give a definition or a job chain, not both: empty the definition to build it "
                "from the chain.",
            )
        elif (
            not data.get("from_job_chain")
            and not (data.get("definition") or "").strip()
            and "definition" not in self.errors
        ):
            self.add_error(
                "definition",
                "Write a definition, start from a template, or give a job chain's ID.",
            )
        return data


class EditForm(WorkflowFieldsForm):
    """The edit form and the check page's hidden copy of it. `started_at` is the `updatedAt`
    the person started from; `base_*` the version they saw (to say what changed since)."""

    started_at = forms.CharField(widget=forms.HiddenInput, max_length=64)
    base_name = forms.CharField(widget=forms.HiddenInput, required=False, max_length=NAME_MAX)
    base_description = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    base_definition = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    restore_of = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    @classmethod
    def starting_from(cls, workflow, version: Version | None = None, restore_of=None):
        """A form that starts from `workflow` as it is now (`version` for what to propose)."""
        base = Version.of(workflow)
        shown = version or base
        return cls(
            initial={
                "name": shown.name,
                "description": shown.description,
                "definition": shown.definition,
                "started_at": stamp(workflow.updated_at),
                "base_name": base.name,
                "base_description": base.description,
                "base_definition": base.definition,
                "restore_of": restore_of,
            }
        )

    def base(self) -> Version:
        data = self.cleaned_data
        return Version(
            name=data.get("base_name") or "",
            description=data.get("base_description") or "",
            definition=(data.get("base_definition") or "").replace("\r\n", "\n"),
        )


def stamp(moment) -> str:
    """How an `updatedAt` travels in a form (and is compared on the way back)."""
    return moment.isoformat() if moment is not None else ""
