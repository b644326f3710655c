"""Between tasks: transitions and engine commands, joins, reverse dependencies, completion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civis_local.engine import notifications, tasks
from civis_local.engine.context import Execution
from civis_local.engine.expressions import guard_passes
from civis_local.engine.state import ACTIVE_TASK_STATES, RUNNING_INFO, find_task, iso


def task_finished(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    if ex.graph.spec.type == "reverse":
        if task["mistralState"] == "success":
            _start_dependents(ex, task["name"], moment)
        return
    spec = ex.graph.tasks[task["name"]]
    fired = []
    if task["mistralState"] == "error":
        fired = [t.name for t in spec.on_error if guard_passes(t.guard, ex.variables)]
        # An error is handled only if some on-error entry fired (noop included).
        task["handled"] = bool(fired)
    else:
        fired = [t.name for t in spec.on_success if guard_passes(t.guard, ex.variables)]
    fired += [t.name for t in spec.on_complete if guard_passes(t.guard, ex.variables)]
    if ex.paused:
        ex.state["deferred"].append({"task": task["name"], "entries": fired, "counted": False})
        return
    route(ex, task["name"], fired, moment)


def route(
    ex: Execution, source: str, entries: list[str], moment: datetime, counted: bool = False
) -> None:
    """Follow fired transitions in order; ``pause`` holds the rest until resume."""
    if not counted:
        _record_join_misses(ex, source, entries, moment)
    for index, name in enumerate(entries):
        if not ex.running:
            return
        if name == "noop":
            continue
        if name == "fail":
            # Wording of the execution's info after a 'fail' command is a guess.
            end(ex, "error", moment, f"Failed by 'fail' command in task {source}")
            return
        if name == "succeed":
            end(ex, "success", moment, None)
            return
        if name == "pause":
            rest = entries[index + 1 :]
            ex.state["deferred"].append({"task": source, "entries": rest, "counted": True})
            pause(ex, moment)
            return
        _trigger(ex, name, source, moment)


def _trigger(ex: Execution, name: str, source: str, moment: datetime) -> None:
    spec = ex.graph.tasks[name]
    task = find_task(ex.state, name)
    if spec.join is not None:
        book = _join_book(ex, name)
        if source not in book["triggeredBy"]:
            book["triggeredBy"].append(source)
        if task is None:
            task = tasks.new_task(ex, name, moment, state="waiting")
        if task["phase"] == "join":
            check_join(ex, task, moment)
        return
    # A task already reached is not started a second time (guess: Mistral would run a
    # second instance, which the task-by-name API could not show).
    if task is None:
        tasks.begin(ex, tasks.new_task(ex, name, moment), moment)


def _join_book(ex: Execution, name: str) -> dict[str, list[str]]:
    return ex.state["joins"].setdefault(name, {"triggeredBy": [], "missedBy": []})


def _record_join_misses(ex: Execution, source: str, entries: list[str], moment: datetime):
    """An upstream task that finished without routing to a join can no longer trigger it."""
    for name, upstream in ex.graph.upstream.items():
        if ex.graph.tasks[name].join is None or source not in upstream or name in entries:
            continue
        book = _join_book(ex, name)
        if source not in book["missedBy"]:
            book["missedBy"].append(source)
        task = find_task(ex.state, name)
        if task is not None and task["phase"] == "join":
            check_join(ex, task, moment)


def check_join(ex: Execution, task: dict[str, Any], moment: datetime, quiescent=False) -> None:
    """Start the join once enough upstream tasks triggered it, fail it once that is out of
    reach. When nothing else can run (``quiescent``), upstream tasks never reached count as
    failed too."""
    name = task["name"]
    upstream = ex.graph.upstream[name]
    join = ex.graph.tasks[name].join
    need = len(upstream) if join == "all" else int(join or 1)
    book = _join_book(ex, name)
    triggered = [u for u in upstream if u in book["triggeredBy"]]
    failed = [
        u
        for u in upstream
        if u not in triggered
        and (u in book["missedBy"] or (quiescent and find_task(ex.state, u) is None))
    ]
    if len(triggered) >= need:
        task["phase"] = "new"
        tasks.begin(ex, task, moment)
    elif len(failed) > len(upstream) - need:
        task["joinFailed"] = True
        tasks.finish(ex, task, "error", moment, f"Failed by tasks: {failed}")
    else:
        blocked = [u for u in upstream if u not in triggered and u not in failed]
        task["mistralStateInfo"] = f"Blocked by tasks: {blocked}"


def reopen_joins(ex: Execution, source: str, moment: datetime) -> None:
    """Execution retry of ``source``: joins downstream forget it and go back to waiting."""
    for name, upstream in ex.graph.upstream.items():
        if source not in upstream or ex.graph.tasks[name].join is None:
            continue
        book = _join_book(ex, name)
        book["triggeredBy"] = [u for u in book["triggeredBy"] if u != source]
        book["missedBy"] = [u for u in book["missedBy"] if u != source]
        task = find_task(ex.state, name)
        if task is not None and task["joinFailed"]:
            task.update(mistralState="waiting", phase="join", finishedAt=None, joinFailed=False)
            task["handled"] = False
            check_join(ex, task, moment)


def _start_dependents(ex: Execution, name: str, moment: datetime) -> None:
    for dependent in ex.graph.dependents[name]:
        requires = ex.graph.tasks[dependent].requires
        done = all(
            (t := find_task(ex.state, r)) is not None and t["mistralState"] == "success"
            for r in requires
        )
        if done and find_task(ex.state, dependent) is None:
            tasks.begin(ex, tasks.new_task(ex, dependent, moment), moment)


def settle(ex: Execution, moment: datetime) -> None:
    """Complete the execution once no task is idle, waiting, running or delayed."""
    if not ex.running:
        return
    active = [t for t in ex.state["tasks"] if t["mistralState"] in ACTIVE_TASK_STATES]
    if active and all(t["phase"] == "join" for t in active):
        for task in active:
            if task["phase"] == "join":
                check_join(ex, task, moment, quiescent=True)
        active = [t for t in ex.state["tasks"] if t["mistralState"] in ACTIVE_TASK_STATES]
    if active or not ex.running:
        return
    all_tasks = ex.state["tasks"]
    if any(t["mistralState"] == "cancelled" for t in all_tasks):
        end(ex, "cancelled", moment, None)
        return
    unhandled = [t["name"] for t in all_tasks if t["mistralState"] == "error" and not t["handled"]]
    if unhandled:
        end(ex, "error", moment, f"Failure caused by error in tasks: {', '.join(unhandled)}")
    else:
        end(ex, "success", moment, None)


def pause(ex: Execution, moment: datetime) -> None:
    if ex.running:
        ex.state.update(mistralState="paused", mistralStateInfo=None)
        ex.touch(moment)


def resume_running(ex: Execution, moment: datetime) -> None:
    ex.state.update(mistralState="running", mistralStateInfo=RUNNING_INFO, finishedAt=None)
    ex.touch(moment)


def end(ex: Execution, outcome: str, moment: datetime, info: str | None) -> None:
    """Terminal state. Tasks still unfinished (after a fail/succeed command, or a cancel)
    are cancelled (guess for the commands)."""
    for task in ex.state["tasks"]:
        if task["mistralState"] in ACTIVE_TASK_STATES:
            tasks.cancel_task(ex, task, moment)
    ex.state.update(mistralState=outcome, mistralStateInfo=info, finishedAt=iso(moment))
    ex.state["deferred"] = []
    ex.touch(moment)
    for event in notifications.terminal_events(ex.state, ex.notification_settings(), moment):
        ex.host.notify(event)
