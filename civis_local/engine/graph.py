"""The task graph one execution runs: the definition narrowed to includedTasks / targetTask."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from civis_local.engine.errors import EngineError
from civis_local.engine.parse import ENGINE_COMMANDS, TaskSpec, WorkflowSpec, parse_definition


@dataclass(frozen=True)
class Graph:
    spec: WorkflowSpec
    tasks: dict[str, TaskSpec]  # only the tasks this execution may run
    start: tuple[str, ...]  # started when the execution starts
    upstream: dict[str, tuple[str, ...]]  # direct: tasks whose transitions name the task
    dependents: dict[str, tuple[str, ...]]  # reverse: tasks that require the task


def build_graph(definition: str, target_task: str | None, included: tuple[str, ...]) -> Graph:
    """Raises EngineError (400) for an unknown target or included task."""
    return _build_cached(definition, target_task, included)


@lru_cache(maxsize=256)
def _build_cached(definition: str, target_task: str | None, included: tuple[str, ...]) -> Graph:
    spec = parse_definition(definition)
    unknown = [name for name in included if name not in spec.tasks]
    if unknown:
        raise EngineError(f"Included tasks not in the workflow: {', '.join(unknown)}", 400)
    if spec.type == "reverse":
        return _reverse_graph(spec, target_task, included)
    return _direct_graph(spec, included)


def _direct_graph(spec: WorkflowSpec, included: tuple[str, ...]) -> Graph:
    # With includedTasks, drop the other tasks and the transitions to them first, then
    # compute the start set on what is left (guess).
    keep = set(included) if included else set(spec.tasks)
    tasks: dict[str, TaskSpec] = {}
    for name, task in spec.tasks.items():
        if name not in keep:
            continue
        tasks[name] = replace(
            task,
            on_success=tuple(t for t in task.on_success if _kept(t.name, keep)),
            on_error=tuple(t for t in task.on_error if _kept(t.name, keep)),
            on_complete=tuple(t for t in task.on_complete if _kept(t.name, keep)),
        )
    upstream: dict[str, list[str]] = {name: [] for name in tasks}
    for name, task in tasks.items():
        for transition in task.transitions():
            if transition.name in upstream and name not in upstream[transition.name]:
                upstream[transition.name].append(name)
    start = tuple(name for name in tasks if not upstream[name])
    return Graph(
        spec=spec,
        tasks=tasks,
        start=start,
        upstream={name: tuple(names) for name, names in upstream.items()},
        dependents={},
    )


def _kept(name: str, keep: set[str]) -> bool:
    return name in ENGINE_COMMANDS or name in keep


def _reverse_graph(spec: WorkflowSpec, target: str | None, included: tuple[str, ...]) -> Graph:
    if not target:
        raise EngineError("A reverse workflow needs a target task", 400)
    if target not in spec.tasks:
        raise EngineError(f"Target task not in the workflow: {target}", 400)
    closure: list[str] = []
    pending = [target]
    while pending:
        name = pending.pop()
        if name in closure or (included and name not in included and name != target):
            continue
        closure.append(name)
        pending.extend(spec.tasks[name].requires)
    # Keep definition order so the tasks list reads like the definition.
    names = [name for name in spec.tasks if name in closure]
    tasks = {
        name: replace(spec.tasks[name], requires=_within(spec.tasks[name].requires, names))
        for name in names
    }
    dependents = {name: tuple(d for d in names if name in tasks[d].requires) for name in names}
    start = tuple(name for name in names if not tasks[name].requires)
    return Graph(spec=spec, tasks=tasks, start=start, upstream={}, dependents=dependents)


def _within(names: tuple[str, ...], keep: list[str]) -> tuple[str, ...]:
    return tuple(name for name in names if name in keep)
