"""What a change to a workflow does, in plain words, and its lines side by side.

`describe_change(before, after)` runs every describer in `DESCRIBERS` over two `Version`s and
returns the sentences of the check page ("load_crm now runs after dedupe", "A new task
publish_scores"). The words themselves are in `workflows_app.words.changes`.

To summarise more of a workflow (schedule, notifications, projects, git), add the attribute to
`Version` (with a default, filled by `Version.of`) and register a describer::

    @describer
    def schedule_changes(before: Version, after: Version) -> list[str]: ...
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from workflows_app.pictures.task_graph import TaskGraphError, parse_task_graph
from workflows_app.words import changes as words


@dataclass(frozen=True)
class Version:
    """The parts of a workflow a change can touch. `extra` holds what later describers need
    (schedule, notifications, ...) until they get fields of their own."""

    name: str = ""
    description: str = ""
    definition: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, workflow: Any) -> Version:
        """A `Workflow` from the client (or anything with those attributes)."""
        return cls(
            name=workflow.name or "",
            description=workflow.description or "",
            definition=workflow.definition or "",
        )

    def with_fields(self, **changes: Any) -> Version:
        return replace(self, **changes)

    def changed_fields(self, other: Version) -> list[str]:
        """The API fields whose values differ from `other`'s (for a `patch` of only those)."""
        return [f for f in ("name", "description", "definition") if getattr(self, f) != getattr(
            other, f)]  # fmt: skip


Describer = Callable[[Version, Version], list[str]]
DESCRIBERS: list[Describer] = []


def describer(function: Describer) -> Describer:
    DESCRIBERS.append(function)
    return function


def describe_change(before: Version, after: Version) -> list[str]:
    """Every sentence of the change, in the describers' order; [] when nothing changes."""
    return [sentence for describe in DESCRIBERS for sentence in describe(before, after)]


@describer
def name_and_description(before: Version, after: Version) -> list[str]:
    sentences = []
    if before.name != after.name:
        sentences.append(words.renamed(before.name, after.name))
    if (before.description or "") != (after.description or ""):
        sentences.append(words.description_changed(before.description, after.description))
    return sentences


def _graph(definition: str):
    try:
        return parse_task_graph(definition)
    except TaskGraphError:
        return None


@describer
def definition_changes(before: Version, after: Version) -> list[str]:
    if before.definition == after.definition:
        return []
    old, new = _graph(before.definition), _graph(after.definition)
    if new is None or (old is None and before.definition.strip()):
        return [words.definition_unreadable()]
    if old is None:
        return [words.definition_created(len(new.nodes))]
    old_nodes = {n.name: n for n in old.nodes}
    new_nodes = {n.name: n for n in new.nodes}
    sentences = [words.task_added(n.name, n.action) for n in new.nodes if n.name not in old_nodes]
    sentences += [words.task_removed(n.name) for n in old.nodes if n.name not in new_nodes]
    old_edges = {(e.source, e.target, e.kind) for e in old.edges}
    new_edges = {(e.source, e.target, e.kind) for e in new.edges}
    for source, target, kind in sorted(new_edges - old_edges, key=_edge_order(new)):
        if target in old_nodes or source in old_nodes:
            sentences.append(words.now_runs(target, source, kind))
    for source, target, kind in sorted(old_edges - new_edges, key=_edge_order(old)):
        if target in new_nodes and source in new_nodes:
            sentences.append(words.no_longer_runs(target, source, kind))
    for name, node in new_nodes.items():
        was = old_nodes.get(name)
        if was is None:
            continue
        if was.action != node.action:
            sentences.append(words.action_changed(name, was.action, node.action))
        elif _task_text(before.definition, name) != _task_text(after.definition, name):
            jobs = _job_ids(before.definition, name), _job_ids(after.definition, name)
            if jobs[0] != jobs[1] and jobs[0] is not None and jobs[1] is not None:
                sentences.append(words.job_changed(name, jobs[0], jobs[1]))
            else:
                sentences.append(words.settings_changed(name))
    return sentences or [words.definition_layout_only()]


def _edge_order(graph: Any) -> Callable[[tuple[str, str, str]], tuple[int, int, str]]:
    order = {n.name: i for i, n in enumerate(graph.nodes)}
    return lambda e: (order.get(e[1], 0), order.get(e[0], 0), e[2])


def _task_spec(definition: str, name: str) -> Any:
    from workflows_app.editing.checks import DefinitionError, parse_definition

    try:
        document = parse_definition(definition)
    except DefinitionError:
        return None
    if not isinstance(document, dict):
        return None
    for key, body in document.items():
        if key != "version" and isinstance(body, dict) and isinstance(body.get("tasks"), dict):
            return body["tasks"].get(name)
    return None


LINK_KEYS = frozenset({"on-success", "on-error", "on-complete", "requires"})


def _task_text(definition: str, name: str) -> str:
    """A task's settings apart from its links (links have sentences of their own)."""
    spec = _task_spec(definition, name)
    if isinstance(spec, dict):
        spec = {k: v for k, v in spec.items() if k not in LINK_KEYS}
    return repr(spec)


def _job_ids(definition: str, name: str) -> Any:
    spec = _task_spec(definition, name)
    task_input = spec.get("input") if isinstance(spec, dict) else None
    return task_input.get("job_id") if isinstance(task_input, dict) else None


# -- the lines, side by side ---------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side diff: `kind` is same, changed, added or removed. Text is
    plain (templates escape it)."""

    kind: str
    left_number: int | None
    left: str
    right_number: int | None
    right: str


MAX_DIFF_LINES = 5_000


def side_by_side(before: str, after: str, context: int = 3) -> list[DiffRow | None]:
    """Rows of the changed lines with `context` lines around them; None marks a gap."""
    old, new = (
        (before or "").splitlines()[:MAX_DIFF_LINES],
        (after or "").splitlines()[:MAX_DIFF_LINES],
    )
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    rows: list[DiffRow | None] = []
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(None)
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [DiffRow("same", i + 1, old[i], j + 1, new[j])
                         for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]  # fmt: skip
                continue
            span = max(i2 - i1, j2 - j1)
            for k in range(span):
                i, j = i1 + k, j1 + k
                left = old[i] if i < i2 else None
                right = new[j] if j < j2 else None
                kind = "changed" if left is not None and right is not None else (
                    "removed" if left is not None else "added")  # fmt: skip
                rows.append(
                    DiffRow(
                        kind,
                        i + 1 if left is not None else None,
                        left or "",
                        j + 1 if right is not None else None,
                        right or "",
                    )  # fmt: skip
                )
    return rows


@dataclass(frozen=True)
class FieldDiff:
    label: str
    rows: list[DiffRow | None]


def field_diffs(before: Version, after: Version) -> list[FieldDiff]:
    """Side-by-side lines of each text that changed (name, description, definition)."""
    labels = {"name": "Name", "description": "Description", "definition": "Definition"}
    return [
        FieldDiff(labels[f], side_by_side(getattr(before, f), getattr(after, f)))
        for f in after.changed_fields(before)
    ]
