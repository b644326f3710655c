"""The tasks of a workflow definition and the links between them (Mistral workflow language v2).

A definition is YAML: `version: '2.0'` and one workflow, either under its name or with its keys
at the top level. Direct workflows link tasks with `on-success` / `on-error` / `on-complete`
(a name, a list of names, or a list of `{name: guard}`); reverse workflows with `requires`.
Engine commands (`fail`, `succeed`, `pause`, `noop`) end or hold the workflow and are not tasks.
Upstream YAML is untrusted: it is only ever read through `definition.parse_definition` (the safe
loader, bounded in size and alias expansion), never run.
"""

from dataclasses import dataclass
from typing import Any

from workflows_app.pictures.definition import DefinitionError, parse_definition

TRANSITIONS = (("on-success", "success"), ("on-error", "error"), ("on-complete", "complete"))
ENGINE_COMMANDS = frozenset({"fail", "succeed", "pause", "noop"})
WORKFLOW_KEYS = frozenset({"tasks", "type"})


class TaskGraphError(ValueError):
    """The definition is not YAML, or not a workflow with tasks we can read."""


@dataclass(frozen=True)
class TaskEdge:
    source: str
    target: str
    kind: str  # success | error | complete | requires
    guard: str | None = None


@dataclass(frozen=True)
class TaskNode:
    name: str
    action: str | None
    workflow: str | None
    join: str | None
    description: str | None
    starts: bool
    outgoing: tuple[TaskEdge, ...]
    requires: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskGraph:
    name: str | None
    type: str  # direct | reverse
    nodes: tuple[TaskNode, ...]
    edges: tuple[TaskEdge, ...]


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _find_workflow(document: Any) -> tuple[str | None, dict]:
    """The one workflow in a document: keys at the top level, under its name, or in a
    workbook's `workflows` section (the first in the order written)."""
    if not isinstance(document, dict):
        raise TaskGraphError("The definition is not a YAML mapping.")
    if WORKFLOW_KEYS & set(document):
        return _text(document.get("name")), document
    workbook = document.get("workflows")
    candidates = workbook.items() if isinstance(workbook, dict) else document.items()
    for name, body in candidates:
        if isinstance(body, dict) and "tasks" in body:
            return str(name), body
    raise TaskGraphError("The definition has no workflow with tasks.")


def _target_name(entry: str, task_names: set[str]) -> str | None:
    """The task an entry names; `fail msg='x'` or `pause` name an engine command instead."""
    entry = entry.strip()
    if entry in task_names:
        return entry
    word = entry.split("(", 1)[0].split(None, 1)[0] if entry else ""
    if word in ENGINE_COMMANDS or word not in task_names:
        return None
    return word


def _transition_entries(value: Any) -> list[tuple[str, str | None]]:
    """(name, guard) pairs from any of the shapes a transition list may take."""
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return [(str(value), None)]
    if isinstance(value, dict):
        if "next" in value:
            return _transition_entries(value["next"])
        return [(str(name), _text(guard)) for name, guard in value.items()]
    if isinstance(value, list):
        entries: list[tuple[str, str | None]] = []
        for item in value:
            entries.extend(_transition_entries(item))
        return entries
    return []


def _is_number(value: Any) -> bool:
    """YAML numbers only: `true` is an int to Python, and `<% expr %>` is decided at run time."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _notes(spec: dict) -> tuple[str, ...]:
    """Policies that change how a task runs, in words for the task list."""
    notes = []
    if spec.get("pause-before"):
        notes.append("pauses for someone to resume it before it starts")
    if _is_number(spec.get("wait-before")):
        notes.append(f"waits {spec['wait-before']} s before it starts")
    retry = spec.get("retry")
    count = retry.get("count") if isinstance(retry, dict) else None
    if isinstance(count, int | float) and not isinstance(count, bool) and count > 0:
        notes.append(
            "tries again once if it fails"
            if count == 1
            else f"tries again up to {count} times if it fails"
        )
    if _is_number(spec.get("timeout")):
        notes.append(f"stops with an error after {spec['timeout']} s")
    if spec.get("with-items") is not None:
        notes.append("runs once for each item")
    return tuple(notes)


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value if isinstance(item, str | int)]
    return [str(value)] if isinstance(value, str | int) else []


def parse_task_graph(definition: str) -> TaskGraph:
    """The tasks and links of a workflow definition, in the order the definition lists them.

    Raises TaskGraphError when the text is not YAML or holds no workflow with tasks.
    """
    try:
        document = parse_definition(definition)
    except DefinitionError as error:
        raise TaskGraphError(str(error)) from error
    name, workflow = _find_workflow(document)
    tasks = workflow.get("tasks")
    if not isinstance(tasks, dict) or not tasks:
        raise TaskGraphError("The workflow has no tasks.")
    kind = "reverse" if str(workflow.get("type", "direct")).strip() == "reverse" else "direct"
    specs = {str(task): (spec if isinstance(spec, dict) else {}) for task, spec in tasks.items()}
    known = set(specs)

    edges: list[TaskEdge] = []
    seen: set[tuple[str, str, str]] = set()

    def add(source: str, target: str, edge_kind: str, guard: str | None = None) -> None:
        if (source, target, edge_kind) not in seen:
            seen.add((source, target, edge_kind))
            edges.append(TaskEdge(source, target, edge_kind, guard))

    for task, spec in specs.items():
        for key, edge_kind in TRANSITIONS:
            for entry, guard in _transition_entries(spec.get(key)):
                target = _target_name(entry, known)
                if target is not None:
                    add(task, target, edge_kind, guard)
        for required in _names(spec.get("requires")):
            if required in known:
                add(required, task, "requires")

    targeted = {edge.target for edge in edges}
    nodes = tuple(
        TaskNode(
            name=task,
            action=_text(spec.get("action")),
            workflow=_text(spec.get("workflow")),
            join=_text(spec.get("join")),
            description=_text(spec.get("description")),
            starts=task not in targeted,
            outgoing=tuple(edge for edge in edges if edge.source == task),
            requires=tuple(_names(spec.get("requires"))),
            notes=_notes(spec),
        )
        for task, spec in specs.items()
    )
    return TaskGraph(name=name, type=kind, nodes=nodes, edges=tuple(edges))
