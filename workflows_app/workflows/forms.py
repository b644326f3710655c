"""The workflow pages' forms. Each list's filter form *is* its query: it validates what the URL
says and emits the API's parameters, so the page, its htmx fragment and a shared link all ask
the platform the same question."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from workflows_app.civis.pagination import MAX_PER_PAGE
from workflows_app.words.states import RUN_STATE_CHOICES, WORKFLOW_STATE_CHOICES
from workflows_app.workflows.input_values import as_typed, hint_for, read_as, typed
from workflows_app.workflows.run_inputs import DeclaredInput, RunChoices

PAGE_SIZES = (10, 20, 50)
DEFAULT_PAGE_SIZE = 20

# Sort choice -> the API's `order`; the console's word is what the URL carries.
ORDERS = {"updated": "updated_at", "name": "name", "created": "created_at"}
OWNER_CHOICES = [("", "Anyone"), ("mine", "Me"), ("named", "Someone else (name below)")]
YES_NO_ANY = [("", "Either"), ("yes", "Yes"), ("no", "No")]
ARCHIVED_CHOICES = [("no", "Not archived"), ("yes", "Archived only"), ("all", "Both")]


class _PagingMixin(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    per_page = forms.TypedChoiceField(
        required=False,
        label="Show",
        coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,  # type: ignore[arg-type]  # an int, as coerce gives
        choices=[(n, f"{n} a page") for n in PAGE_SIZES],
    )

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and not data.get("per_page"):
            # Shown as chosen in the select, so changing a filter keeps the page size.
            data = data.copy()
            data["per_page"] = str(DEFAULT_PAGE_SIZE)
        super().__init__(data, *args, **kwargs)

    def page_params(self) -> dict[str, int]:
        data = self.cleaned_data if self.is_valid() else {}
        per_page = min(data.get("per_page") or DEFAULT_PAGE_SIZE, MAX_PER_PAGE)
        return {"limit": per_page, "page_num": data.get("page") or 1}


class WorkflowFilterForm(_PagingMixin):
    """`/workflows/`'s filters, search, sort and paging, read from the query string."""

    q = forms.CharField(required=False, max_length=200, label="Name contains", strip=True)
    state = forms.MultipleChoiceField(
        required=False,
        label="Last run",
        choices=WORKFLOW_STATE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ChoiceField(required=False, label="Owner", choices=OWNER_CHOICES)
    owner_name = forms.CharField(required=False, max_length=100, label="Owner's name", strip=True)
    scheduled = forms.ChoiceField(required=False, label="Scheduled", choices=YES_NO_ANY)
    archived = forms.ChoiceField(required=False, label="Archived", choices=ARCHIVED_CHOICES)
    hidden = forms.BooleanField(required=False, label="Show hidden workflows only")
    sort = forms.ChoiceField(
        required=False,
        label="Sort by",
        choices=[("updated", "Last changed"), ("name", "Name"), ("created", "Created")],
    )
    dir = forms.ChoiceField(
        required=False,
        label="Order",
        choices=[("", "Default"), ("asc", "Ascending"), ("desc", "Descending")],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("owner") == "named" and not data.get("owner_name"):
            self.add_error("owner_name", "Enter part of the owner's name")
        if data.get("owner_name") and data.get("owner") != "named":
            # Typing a name is enough to ask for it; the select is for keyboards without JS.
            data["owner"] = "named"
        return data

    @property
    def owner_name_wanted(self) -> str | None:
        """The name to look people up by, when the owner filter names someone."""
        data = self.cleaned_data
        return data["owner_name"] if data.get("owner") == "named" else None

    @property
    def search(self) -> str:
        return (self.cleaned_data.get("q") or "").strip()

    @property
    def shown_states(self) -> frozenset[str]:
        """The last-run states asked for, as the list shows them (paused apart from running)."""
        return frozenset(self.cleaned_data.get("state") or ())

    @property
    def sort_key(self) -> str:
        return self.cleaned_data.get("sort") or "updated"

    @property
    def sort_dir(self) -> str:
        """Names read A to Z by default; dates newest first."""
        chosen = self.cleaned_data.get("dir")
        return chosen or ("asc" if self.sort_key == "name" else "desc")

    def api_params(self, *, me: int, owner_ids: list[int] | None = None) -> dict[str, Any]:
        """Keyword arguments for `CivisClient.list_workflows` (call after `is_valid()`).

        `me` is the viewer's Civis user id; `owner_ids` the people found by name.
        """
        data = self.cleaned_data
        params: dict[str, Any] = {
            "order": ORDERS[self.sort_key],
            "order_dir": self.sort_dir,
            **self.page_params(),
        }
        if data.get("state"):
            # Civis calls a workflow whose run is paused `running`; the list tells them apart.
            asked = {"running" if state == "paused" else state for state in data["state"]}
            params["state"] = sorted(asked)
        if data.get("owner") == "mine":
            params["author"] = [me]
        elif data.get("owner") == "named" and owner_ids is not None:
            params["author"] = owner_ids
        if data.get("scheduled"):
            params["scheduled"] = data["scheduled"] == "yes"
        archived = data.get("archived") or "no"
        params["archived"] = {"no": False, "yes": True, "all": "all"}[archived]
        if data.get("hidden"):
            params["hidden"] = True
        return params

    def sort_link(self, key: str) -> dict[str, str]:
        """Query values for a sortable header: the other direction when already sorted by it."""
        if self.sort_key == key:
            return {"sort": key, "dir": "asc" if self.sort_dir == "desc" else "desc"}
        return {"sort": key, "dir": ""}


class RunHistoryFilterForm(_PagingMixin):
    """A workflow's run history: a state filter and paging."""

    state = forms.ChoiceField(
        required=False, label="Outcome", choices=[("", "Any"), *RUN_STATE_CHOICES]
    )

    @property
    def wanted_state(self) -> str:
        return self.cleaned_data.get("state") or "" if self.is_valid() else ""


class RunWorkflowForm(forms.Form):
    """Built from the definition: one field per declared input, the target task of a reverse
    workflow, and which tasks to include. Emits `post_executions`' arguments."""

    def __init__(self, choices: RunChoices, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.input_fields: list[tuple[str, DeclaredInput]] = []
        for index, declared in enumerate(choices.inputs):
            name = f"input_{index}"
            self.fields[name] = forms.CharField(
                label=declared.name,
                required=declared.required,
                initial="" if declared.required else as_typed(declared.default),
                strip=False,
                help_text="Needed: it has no default."
                if declared.required
                else hint_for(declared.default),
                error_messages={"required": f"Enter a value for {declared.name}"},
            )
            self.input_fields.append((name, declared))
        tasks = [(task, task) for task in choices.task_names]
        if choices.reverse and tasks:
            self.fields["target_task"] = forms.ChoiceField(
                label="Run up to this task",
                choices=[("", "Choose a task"), *tasks],
                help_text="A reverse workflow runs the tasks this one needs, then this one.",
                error_messages={"required": "Choose the task to run up to"},
            )
        if tasks:
            self.fields["included_tasks"] = forms.MultipleChoiceField(
                label="Run only these tasks",
                required=False,
                choices=tasks,
                widget=forms.CheckboxSelectMultiple,
                help_text="Leave all unticked to run every task.",
            )

    @property
    def input_boxes(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in self.input_fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values: dict[str, Any] = {}
        for name, declared in self.input_fields:
            if name not in data:
                continue
            text = data[name]
            if typed(declared.default) and not text.strip():
                continue  # empty: the platform uses the default written in the workflow
            try:
                values[declared.name] = read_as(text, declared.default)
            except ValueError as exc:
                self.add_error(name, str(exc))
        data["input_values"] = values
        return data

    def api_params(self) -> dict[str, Any]:
        """Keyword arguments for `CivisClient.post_executions` (after `is_valid()`)."""
        data = self.cleaned_data
        params: dict[str, Any] = {}
        if data["input_values"]:
            params["input"] = data["input_values"]
        if data.get("target_task"):
            params["target_task"] = data["target_task"]
        if data.get("included_tasks"):
            params["included_tasks"] = list(data["included_tasks"])
        return params

    def show_upstream_errors(self, field_errors: dict[str, tuple[str, ...]], message: str) -> None:
        """Put the platform's refusal by the field it names (`targetTask` or `target_task`),
        or at the top of the form when it names no field shown here."""
        placed = False
        for api_name, texts in field_errors.items():
            name = re.sub(r"(?<!^)(?=[A-Z])", "_", api_name).lower()
            if name in ("target_task", "included_tasks") and name in self.fields:
                for text in texts:
                    self.add_error(name, text)
                placed = True
        if not placed:
            self.add_error(None, message)
