"""Between tasks: transitions and engine commands, joins, reverse dependencies, completion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civis_local.engine import notifications, tasks
from civis_local.engine.context import Execution, expression_scope, outbound
from civis_local.engine.expressions import Unknown, evaluate, guard_passes
from civis_local.engine.state import ACTIVE_TASK_STATES, RUNNING_INFO, find_task, iso

# Loops may run a task again and again; an execution stops at this many task executions
# (guess: Mistral has no such limit, but a request must not run without end).
MAX_TASK_EXECUTIONS = 1000


def task_finished(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    if ex.graph.spec.type == "reverse":
        if task["mistralState"] == "success":
            _start_dependents(ex, task["name"], moment)
        return
    spec = ex.graph.tasks[task["name"]]
    context = outbound(task)
    fired: list[dict[str, Any]] = []
    if not task.get("exprFailed"):
        try:
            fired = _fired(ex, task, spec)
        except Unknown as error:
            # A guard or a command message that cannot be evaluated is an error of the task,
            # and nothing fires (guess: Mistral fails the whole execution at once).
            task.update(mistralState="error", mistralStateInfo=str(error), exprFailed=True)
            fired = []
    if task["mistralState"] == "error":
        # An error is handled only if some on-error entry fired (noop included).
        task["handled"] = any(entry["onError"] for entry in fired)
    if ex.paused:
        ex.state["deferred"].append(
            {"task": task["name"], "entries": fired, "counted": False, "context": context}
        )
        return
    route(ex, task["name"], fired, moment, context=context)


def _fired(ex: Execution, task: dict[str, Any], spec: Any) -> list[dict[str, Any]]:
    """The transitions whose guard is true, in Mistral's order, commands with their message
    evaluated: on error on-error, on success on-success, then on-complete."""
    data, lookup = expression_scope(ex, task)
    error = task["mistralState"] == "error"
    clauses = [(spec.on_error if error else spec.on_success, error), (spec.on_complete, False)]
    fired = []
    for transitions, on_error in clauses:
        for transition in transitions:
            if guard_passes(transition.guard, data, lookup):
                msg = transition.msg
                if msg is not None:
                    msg = evaluate(msg, data, lookup)
                fired.append({"name": transition.name, "msg": msg, "onError": on_error})
    return fired


def _entry(entry: Any) -> dict[str, Any]:
    """A fired transition (older stored states hold plain names)."""
    return entry if isinstance(entry, dict) else {"name": entry, "msg": None, "onError": False}


def route(
    ex: Execution,
    source: str,
    entries: list[Any],
    moment: datetime,
    counted: bool = False,
    context: dict[str, Any] | None = None,
) -> None:
    """Follow fired transitions in order; ``pause`` holds the rest until resume. Engine
    commands carry their ``msg`` to the execution's state info (none without one)."""
    entries = [_entry(entry) for entry in entries]
    if not counted:
        _record_join_misses(ex, source, [entry["name"] for entry in entries], moment)
    for index, entry in enumerate(entries):
        name = entry["name"]
        if not ex.running:
            return
        if name == "noop":
            continue
        if name == "fail":
            end(ex, "error", moment, _text(entry["msg"]))
            return
        if name == "succeed":
            end(ex, "success", moment, _text(entry["msg"]))
            return
        if name == "pause":
            rest = entries[index + 1 :]
            ex.state["deferred"].append(
                {"task": source, "entries": rest, "counted": True, "context": context}
            )
            pause(ex, moment, _text(entry["msg"]))
            return
        _trigger(ex, name, source, moment, context)


def _text(msg: Any) -> str | None:
    return None if msg is None else str(msg)


def _trigger(
    ex: Execution, name: str, source: str, moment: datetime, context: dict[str, Any] | None
) -> None:
    spec = ex.graph.tasks[name]
    if spec.join is not None:
        # A join runs once per execution: a loop through it joins the waiting one (guess).
        task = find_task(ex.state, name)
        book = _join_book(ex, name)
        if source not in book["triggeredBy"]:
            book["triggeredBy"].append(source)
        if task is None:
            task = tasks.new_task(ex, name, moment, state="waiting", context=context)
        elif task["phase"] == "join":
            task["inContext"] = {**task["inContext"], **(context or {})}
        if task["phase"] == "join":
            check_join(ex, task, moment)
        return
    # Every transition to a task runs it (again): loops and fan-in without a join make a
    # new task execution each time, as in Mistral.
    if len(ex.state["tasks"]) >= MAX_TASK_EXECUTIONS:
        end(ex, "error", moment, f"Too many task executions [limit={MAX_TASK_EXECUTIONS}] (guess)")
        return
    tasks.begin(ex, tasks.new_task(ex, name, moment, context=context), moment)


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
            context = dict(ex.variables)
            for required in requires:
                context.update(outbound(find_task(ex.state, required) or {}))
            tasks.begin(ex, tasks.new_task(ex, dependent, moment, context=context), moment)


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
    unhandled = [t for t in all_tasks if t["mistralState"] == "error" and not t["handled"]]
    if unhandled:
        end(ex, "error", moment, failure_info(unhandled))
    else:
        end(ex, "success", moment, None)


def failure_info(failed: list[dict[str, Any]]) -> str:
    """Mistral's message: the failed tasks sorted by name, then a line per task with its
    state info (Mistral also prints task and action execution ids, which this engine does not
    have: guess)."""
    ordered = sorted(failed, key=lambda task: task["name"])
    message = f"Failure caused by error in tasks: {', '.join(t['name'] for t in ordered)}\n"
    for task in ordered:
        message += f"\n  {task['name']} -> {task['mistralStateInfo']}\n"
    return message


def pause(ex: Execution, moment: datetime, info: str | None = None) -> None:
    if ex.running:
        ex.state.update(mistralState="paused", mistralStateInfo=info)
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
