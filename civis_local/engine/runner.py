"""The public operations on an execution and the clock loop behind them.

The loop is a discrete-event simulation: it repeatedly finds the earliest instant at which
something is due (a run ends, a timer fires, a child execution ends, a stall warning) and
handles it *at that instant*, not at ``now``. So advancing to ``now`` in one jump or in many
small steps gives the same state, and advancing twice to the same ``now`` changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civis_local.engine import actions, flow, notifications, tasks
from civis_local.engine.context import Execution
from civis_local.engine.errors import EngineError
from civis_local.engine.graph import build_graph
from civis_local.engine.host import Host
from civis_local.engine.state import (
    RUNNING_INFO,
    aware,
    civis_state,
    find_task,
    is_terminal,
    iso,
)

# A definition whose zero-length tasks keep triggering each other must not hang a request.
MAX_STEPS = 100_000


def start_execution(
    host: Host,
    *,
    definition: str,
    now: datetime,
    workflow_id: int | None = None,
    input: dict[str, Any] | None = None,  # the API's own name for it
    target_task: str | None = None,
    included_tasks: list[str] | None = None,
    speed: float = 1.0,
    execution_id: int | None = None,
    parent_execution_id: int | None = None,
    parent_task_name: str | None = None,
    depth: int = 0,
) -> dict[str, Any]:
    """Create an execution at ``now`` and run it up to ``now``.

    Raises EngineError for a bad definition (422) or a bad target/included task (400).
    The caller stores the returned state (child executions are stored by the engine).
    ``depth`` is the nesting level of a child execution (0 for a top-level one)."""
    now = aware(now)
    included = list(included_tasks or [])
    graph = build_graph(definition, target_task, tuple(included))
    _check_input(graph.spec, input or {})
    state: dict[str, Any] = {
        "id": execution_id if execution_id is not None else host.new_execution_id(),
        "workflowId": workflow_id,
        "parentExecutionId": parent_execution_id,
        "parentTaskName": parent_task_name,
        "depth": depth,
        "definition": definition,
        "type": graph.spec.type,
        "input": {**graph.spec.input_defaults, **(input or {})},
        "targetTask": target_task,
        "includedTasks": included,
        "mistralState": "running",
        "mistralStateInfo": RUNNING_INFO,
        "createdAt": iso(now),
        "startedAt": iso(now),
        "updatedAt": iso(now),
        "finishedAt": None,
        "speed": float(speed),
        "tasks": [],
        "deferred": [],
        "joins": {},
        "stallNotified": False,
    }
    ex = Execution(state=state, host=host, graph=graph)
    for name in graph.start:
        tasks.begin(ex, tasks.new_task(ex, name, now), now)
    _run_until(ex, now)
    return state


def _check_input(spec: Any, given: dict[str, Any]) -> None:
    """Declared inputs without a default are required; undeclared ones are refused (Mistral's
    check and wording; 400 is a guess for the status)."""
    missing = [name for name in spec.input_names if name not in spec.input_defaults
               and name not in given]  # fmt: skip
    unexpected = [name for name in given if name not in spec.input_names]
    if not missing and not unexpected:
        return
    message = f"Invalid input [name={spec.name}, class={spec.class_name}"
    if missing:
        message += f", missing={missing}"
    if unexpected:
        message += f", unexpected={unexpected}"
    raise EngineError(message + "]", 400)


def advance(state: dict[str, Any], now: datetime, host: Host) -> dict[str, Any]:
    """Bring the state up to ``now`` (advance-on-read). Mutates and returns ``state``."""
    _run_until(Execution.of(state, host), aware(now))
    return state


def cancel(state: dict[str, Any], now: datetime, host: Host) -> dict[str, Any]:
    """Cancel the execution, its unfinished tasks, runs and child executions.
    An execution already ended is left as it is."""
    now = aware(now)
    advance(state, now, host)
    if is_terminal(state):
        return state
    flow.end(Execution.of(state, host), "cancelled", now, None)
    return state


def resume(state: dict[str, Any], now: datetime, host: Host) -> dict[str, Any]:
    """Resume a paused execution (anything else is left as it is): pause-before tasks and
    timers that expired while paused proceed, deferred transitions are followed, paused
    child executions resume."""
    now = aware(now)
    advance(state, now, host)
    if state["mistralState"] != "paused":
        return state
    ex = Execution.of(state, host)
    flow.resume_running(ex, now)
    for task in list(state["tasks"]):
        if task["phase"] == "pause-before":
            tasks.after_pause(ex, task, now)
        elif task["held"]:
            tasks.release_held(ex, task, now)
    actions.resume_children(ex, now)
    deferred, state["deferred"] = state["deferred"], []
    for index, entry in enumerate(deferred):
        if not ex.running:  # a 'pause' command paused again: keep the rest for later
            state["deferred"].extend(deferred[index:])
            break
        flow.route(ex, entry["task"], entry["entries"], now, entry["counted"], entry.get("context"))
    _run_until(ex, now)
    return state


def retry(
    state: dict[str, Any], now: datetime, host: Host, task_name: str | None = None
) -> dict[str, Any]:
    """Run a failed execution's errored task (or all of them) again.

    Refused with EngineError: 409 unless the execution failed and the task is in error,
    404 for a task the execution does not have (guess for the codes and wording)."""
    now = aware(now)
    advance(state, now, host)
    if state["mistralState"] != "error":
        raise EngineError(
            f"Only a failed execution can be retried; execution {state['id']} is "
            f"{civis_state(state['mistralState'])}",
            409,
        )
    if task_name is not None:
        task = find_task(state, task_name)
        if task is None:
            raise EngineError(f"Execution {state['id']} has no task {task_name}", 404)
        if task["mistralState"] != "error":
            raise EngineError(
                f"Only a task in error can be retried; task {task_name} is {task['mistralState']}",
                409,
            )
        targets = [task]
    else:
        # With loops, the latest execution of each task name in error (guess).
        latest = {task["name"]: task for task in state["tasks"]}
        targets = [task for task in latest.values() if task["mistralState"] == "error"]
        if not targets:
            raise EngineError(f"Execution {state['id']} has no task in error to retry", 409)
    ex = Execution.of(state, host)
    flow.resume_running(ex, now)
    for task in targets:
        flow.reopen_joins(ex, task["name"], now)
    for task in targets:
        if task["mistralState"] == "error":  # a reopened join may have moved on already
            tasks.rerun(ex, task, now)
    _run_until(ex, now)
    return state


def _run_until(ex: Execution, now: datetime) -> None:
    flow.settle(ex, now)
    for _ in range(MAX_STEPS):
        moment = _next_event(ex, now)
        if moment is None:
            return
        _process(ex, moment)
    raise EngineError(f"Execution {ex.state['id']} does not settle; check its loops", 422)


def _next_event(ex: Execution, now: datetime) -> datetime | None:
    if is_terminal(ex.state):
        return None
    moments = [m for task in ex.state["tasks"] for m in tasks.next_due(task)]
    stall = notifications.stall_due_at(ex.state, ex.notification_settings())
    if stall is not None:
        moments.append(stall)
    own = min((m for m in moments if m <= now), default=None)
    # Children are advanced only as far as the next own event, so a parent that times out
    # or is cancelled first stops them at the right instant.
    actions.sync_children(ex, own or now)
    moments = [m for task in ex.state["tasks"] for m in tasks.next_due(task)]
    if stall is not None:
        moments.append(stall)
    return min((m for m in moments if m <= now), default=None)


def _process(ex: Execution, moment: datetime) -> None:
    for task in list(ex.state["tasks"]):
        if not is_terminal(ex.state):
            tasks.on_clock(ex, task, moment)
    settings = ex.notification_settings()
    stall = notifications.stall_due_at(ex.state, settings)
    if settings and stall is not None and stall <= moment:
        ex.state["stallNotified"] = True
        ex.host.notify(notifications.stall_event(ex.state, settings, moment))
    flow.settle(ex, moment)
