"""Mistral v2 workflow definitions (one workflow per document) parsed into plain specs.

Only what the engine simulates is read: the declared input, task actions and their input,
transitions (engine commands with their ``msg``), ``publish`` / ``publish-on-error``, join,
with-items, policies (pause-before, wait-before, wait-after, timeout, retry with break-on /
continue-on, concurrency) and ``requires`` for reverse workflows. As in Mistral, policies under
``task-defaults`` apply to every task that does not set its own, and each of
``on-success`` / ``on-error`` / ``on-complete`` under ``task-defaults`` to every task without
that clause of its own, less the entries naming the task itself.

The checks Mistral makes on a definition are made here too: a direct workflow needs a task
without inbound transition, and a join cannot wait for more tasks than lead to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from civis_local.engine.errors import EngineError

ENGINE_COMMANDS = frozenset({"fail", "succeed", "pause", "noop"})
# key=value pairs after an action name; a value may be an expression containing spaces.
_INLINE_PARAM = re.compile(
    r"(?P<key>[A-Za-z_]\w*)=(?P<value><%.*?%>|\{\{.*?\}\}|\"[^\"]*\"|'[^']*'|\S+)"
)
_POLICIES = ("pause-before", "wait-before", "wait-after", "timeout", "retry", "concurrency")
_CLAUSES = ("on-success", "on-error", "on-complete")


@dataclass(frozen=True)
class Transition:
    """One entry of ``on-success`` / ``on-error`` / ``on-complete``: a task or an engine
    command (with its ``msg=...`` parameter, if any), with an optional guard expression."""

    name: str
    guard: Any = None
    msg: Any = None


@dataclass(frozen=True)
class TaskSpec:
    name: str
    action: str | None = None
    workflow: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    on_success: tuple[Transition, ...] = ()
    on_error: tuple[Transition, ...] = ()
    on_complete: tuple[Transition, ...] = ()
    join: int | str | None = None
    with_items: str | list[Any] | None = None
    concurrency: int | None = None
    pause_before: bool = False
    wait_before: float = 0.0
    wait_after: float = 0.0
    timeout: float | None = None
    retry_count: int = 0
    retry_delay: float = 0.0
    retry_break_on: Any = None
    retry_continue_on: Any = None
    publish: dict[str, Any] = field(default_factory=dict)
    publish_on_error: dict[str, Any] = field(default_factory=dict)
    requires: tuple[str, ...] = ()

    def transitions(self) -> tuple[Transition, ...]:
        return self.on_success + self.on_error + self.on_complete


@dataclass(frozen=True)
class WorkflowSpec:
    name: str
    type: str
    input_defaults: dict[str, Any]
    tasks: dict[str, TaskSpec]
    input_names: tuple[str, ...] = ()  # every declared input, with or without a default

    @property
    def class_name(self) -> str:
        """What Mistral calls the spec in its input errors."""
        return "ReverseWorkflowSpec" if self.type == "reverse" else "DirectWorkflowSpec"


def parse_definition(definition: str) -> WorkflowSpec:
    """Parse and check a definition; a bad one raises EngineError (422)."""
    return _parse_cached(definition)


@lru_cache(maxsize=256)
def _parse_cached(definition: str) -> WorkflowSpec:
    try:
        document = yaml.safe_load(definition)
    except yaml.YAMLError as error:
        raise EngineError(f"Definition is not valid YAML: {error}", 422) from error
    if not isinstance(document, dict):
        raise EngineError("Definition must be a YAML mapping", 422)
    if str(document.get("version", "")) not in ("2.0", "2"):
        raise EngineError("Definition must declare version '2.0'", 422)
    workflows = {
        key: value
        for key, value in document.items()
        if key not in ("version", "name", "description") and isinstance(value, dict)
    }
    if len(workflows) != 1:
        raise EngineError("Definition must contain exactly one workflow", 422)
    name, body = next(iter(workflows.items()))
    kind = body.get("type", "direct")
    if kind not in ("direct", "reverse"):
        raise EngineError(f"Unknown workflow type: {kind}", 422)
    raw_tasks = body.get("tasks")
    if not isinstance(raw_tasks, dict) or not raw_tasks:
        raise EngineError("Workflow has no tasks", 422)
    defaults = body.get("task-defaults") or {}
    tasks = {
        str(task_name): _parse_task(str(task_name), raw or {}, defaults)
        for task_name, raw in raw_tasks.items()
    }
    _check_references(tasks)
    if kind == "direct":
        _check_direct(str(name), tasks)
    raw_input = body.get("input")
    return WorkflowSpec(
        str(name), kind, _input_defaults(raw_input), tasks, input_names=_input_names(raw_input)
    )


def _input_names(raw: Any) -> tuple[str, ...]:
    names: list[str] = []
    for entry in raw or []:
        if isinstance(entry, dict):
            names.extend(str(key) for key in entry)
        else:
            names.append(str(entry))
    return tuple(names)


def _input_defaults(raw: Any) -> dict[str, Any]:
    """``input: [a, {b: 1}]``: names without a default are absent from the result."""
    defaults: dict[str, Any] = {}
    for entry in raw or []:
        if isinstance(entry, dict):
            defaults.update(entry)
    return defaults


def _parse_task(name: str, raw: dict[str, Any], defaults: dict[str, Any]) -> TaskSpec:
    if not isinstance(raw, dict):
        raise EngineError(f"Task {name} must be a mapping", 422)
    merged = {key: defaults[key] for key in _POLICIES if key in defaults}
    merged.update(raw)
    for clause in _CLAUSES:
        if not raw.get(clause) and defaults.get(clause):
            merged[clause] = _without(defaults[clause], name)
    action, params = _split_action(merged.get("action"))
    params.update(merged.get("input") or {})
    retry = merged.get("retry") or {}
    if not isinstance(retry, dict):
        raise EngineError(f"Task {name}: retry must be a mapping", 422)
    return TaskSpec(
        name=name,
        action=action,
        workflow=merged.get("workflow"),
        params=params,
        on_success=_transitions(merged.get("on-success")),
        on_error=_transitions(merged.get("on-error")),
        on_complete=_transitions(merged.get("on-complete")),
        join=_join(name, merged.get("join")),
        with_items=merged.get("with-items"),
        concurrency=_number(name, "concurrency", merged.get("concurrency"), int),
        pause_before=bool(merged.get("pause-before", False)),
        wait_before=_number(name, "wait-before", merged.get("wait-before"), float) or 0.0,
        wait_after=_number(name, "wait-after", merged.get("wait-after"), float) or 0.0,
        timeout=_number(name, "timeout", merged.get("timeout"), float),
        retry_count=_number(name, "retry count", retry.get("count"), int) or 0,
        retry_delay=_number(name, "retry delay", retry.get("delay"), float) or 0.0,
        retry_break_on=retry.get("break-on"),
        retry_continue_on=retry.get("continue-on"),
        publish=_mapping(name, "publish", merged.get("publish")),
        publish_on_error=_mapping(name, "publish-on-error", merged.get("publish-on-error")),
        requires=_names(merged.get("requires")),
    )


def _split_action(raw: Any) -> tuple[str | None, dict[str, Any]]:
    """``civis.run_job job_id=12 name=<% $.x %>`` -> ("civis.run_job", {"job_id": 12, ...})."""
    if raw is None:
        return None, {}
    name, _, rest = str(raw).strip().partition(" ")
    params: dict[str, Any] = {}
    for match in _INLINE_PARAM.finditer(rest):
        value = match.group("value")
        params[match.group("key")] = value if value.startswith(("<%", "{{")) else _literal(value)
    return name, params


def _literal(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _transitions(raw: Any) -> tuple[Transition, ...]:
    """A string, a list of strings / {task: guard}, or the newer ``{next: ...}`` form."""
    if raw is None:
        return ()
    if isinstance(raw, dict) and "next" in raw:
        raw = raw["next"]
    if isinstance(raw, str | dict):
        raw = [raw]
    entries: list[Transition] = []
    for entry in raw:
        if isinstance(entry, dict):
            entries.extend(_transition(key, guard) for key, guard in entry.items())
        else:
            entries.append(_transition(entry))
    return tuple(entries)


def _transition(entry: Any, guard: Any = None) -> Transition:
    """``fail msg="x"`` is the command ``fail`` with its message; task names have no spaces."""
    text = str(entry).strip()
    if not text:
        return Transition(str(entry), guard)
    name, _, rest = text.partition(" ")
    msg = None
    if name in ENGINE_COMMANDS and rest:
        msg = _split_action(f"{name} {rest}")[1].get("msg")
    return Transition(name, guard, msg)


def _without(raw: Any, name: str) -> Any:
    """A ``task-defaults`` clause without the entries naming ``name`` (Mistral's rule)."""
    if isinstance(raw, dict) and "next" in raw:
        raw = raw["next"]
    entries = raw if isinstance(raw, list) else [raw]
    kept = []
    for entry in entries:
        key = next(iter(entry)) if isinstance(entry, dict) and entry else entry
        if str(key).strip().split(" ")[0] != name:
            kept.append(entry)
    return kept


def _mapping(name: str, what: str, raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise EngineError(f"Task {name}: {what} must be a mapping", 422)
    return dict(raw)


def _join(name: str, raw: Any) -> int | str | None:
    if raw is None:
        return None
    if raw in ("all", "one"):
        return "all" if raw == "all" else 1
    if isinstance(raw, int) and raw > 0:
        return raw
    raise EngineError(f"Task {name}: join must be 'all', 'one' or a positive number", 422)


def _number(name: str, what: str, raw: Any, kind: type) -> Any:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise EngineError(f"Task {name}: {what} must be a number", 422)
    return kind(raw)


def _names(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (raw,)
    return tuple(str(item) for item in raw)


def _check_references(tasks: dict[str, TaskSpec]) -> None:
    for task in tasks.values():
        for transition in task.transitions():
            if transition.name not in tasks and transition.name not in ENGINE_COMMANDS:
                raise EngineError(
                    f"Task {task.name}: transition to unknown task {transition.name}", 422
                )
        for required in task.requires:
            if required not in tasks:
                raise EngineError(f"Task {task.name} requires unknown task {required}", 422)


def inbound(tasks: dict[str, TaskSpec]) -> dict[str, list[str]]:
    """Task name -> the tasks whose transitions name it (in definition order)."""
    result: dict[str, list[str]] = {name: [] for name in tasks}
    for name, task in tasks.items():
        for transition in task.transitions():
            if transition.name in result and name not in result[transition.name]:
                result[transition.name].append(name)
    return result


def _check_direct(workflow: str, tasks: dict[str, TaskSpec]) -> None:
    """Mistral's semantic checks of a direct workflow (its wording)."""
    sources = inbound(tasks)
    if all(sources[name] for name in tasks):
        raise EngineError(
            "Failed to find start tasks in direct workflow. There must be at least one task "
            f"without inbound transition.[workflow_name={workflow}]",
            422,
        )
    problems = []
    for name, task in tasks.items():
        if task.join is None:
            continue
        count = len(sources[name])
        if task.join == "all" and count == 0:
            problems.append(f"No inbound tasks for task with 'join: all' [task_name={name}]")
        elif task.join != "all" and count < int(task.join):
            problems.append(
                "Not enough inbound tasks for task with 'join' "
                f"[task_name={name}, join={task.join}, inbound_tasks={count}]"
            )
    if problems:
        raise EngineError("\n".join(problems), 422)


def semantic_errors(definition: str) -> str | None:
    """The message of Mistral's own definition checks (no start task, an unreachable join)
    when the definition fails them, else None (other parse problems are left to the caller's
    validator)."""
    try:
        parse_definition(definition)
    except EngineError as error:
        if error.message.startswith(("Failed to find start tasks", "No inbound", "Not enough")):
            return error.message
    return None
