"""What a run of a workflow can be given, read from its definition: the declared `input`
(names and defaults), its task names, and whether it is a reverse workflow (which runs
towards a target task). Untrusted YAML: read through `parse_definition`, only read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from workflows_app.pictures.definition import DefinitionError, DefinitionRefused, parse_definition
from workflows_app.pictures.task_graph import TaskGraphError, parse_task_graph

NO_DEFAULT = object()


@dataclass(frozen=True)
class DeclaredInput:
    name: str
    default: Any = NO_DEFAULT

    @property
    def required(self) -> bool:
        return self.default is NO_DEFAULT

    @property
    def default_text(self) -> str:
        """The default as a person would type it."""
        if self.required or self.default is None:
            return ""
        if isinstance(self.default, str):
            return self.default
        return json.dumps(self.default, ensure_ascii=False)  # JSON is YAML, read back alike


@dataclass(frozen=True)
class RunChoices:
    inputs: tuple[DeclaredInput, ...] = ()
    task_names: tuple[str, ...] = ()
    reverse: bool = False
    # Why the definition could not be read safely (too long, alias bomb), for the page.
    problem: str = ""


def run_choices(definition: str | None) -> RunChoices:
    """The choices a run form offers; an unreadable definition offers none (runs as it is)."""
    try:
        graph = parse_task_graph(definition or "")
        document = parse_definition(definition or "")
    except (TaskGraphError, DefinitionError) as error:
        refused = isinstance(error.__cause__ or error, DefinitionRefused)
        return RunChoices(problem=str(error) if refused else "")
    return RunChoices(
        inputs=_declared_inputs(_workflow_body(document)),
        task_names=tuple(node.name for node in graph.nodes),
        reverse=graph.type == "reverse",
    )


def _workflow_body(document: Any) -> dict:
    """The workflow's own mapping, found the way the task graph finds it."""
    if not isinstance(document, dict):
        return {}
    if "tasks" in document:
        return document
    workbook = document.get("workflows")
    candidates = workbook.values() if isinstance(workbook, dict) else document.values()
    return next((body for body in candidates if isinstance(body, dict) and "tasks" in body), {})


def _declared_inputs(body: dict) -> tuple[DeclaredInput, ...]:
    """`input:` is a list of names (required) and one-key mappings (name: default)."""
    declared = body.get("input")
    if not isinstance(declared, list):
        return ()
    found: list[DeclaredInput] = []
    for entry in declared:
        if isinstance(entry, str):
            found.append(DeclaredInput(entry))
        elif isinstance(entry, dict) and len(entry) == 1:
            ((name, default),) = entry.items()
            found.append(DeclaredInput(str(name), default))
    return tuple(found)


def read_value(text: str, declared: DeclaredInput) -> Any:
    """A typed value back from the form: text stays text when the default is text; otherwise
    numbers, true/false and [lists] are read as YAML (`ValueError` when that fails)."""
    if isinstance(declared.default, str):
        return text
    try:  # bounded like a definition: a typed value is untrusted YAML too
        return parse_definition(text) if text.strip() else None
    except DefinitionError as exc:
        raise ValueError("Enter a number, true or false, a [list], or plain text") from exc
