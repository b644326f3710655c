"""One task's life: pause-before, wait-before, the action attempts, wait-after, retry, timeout.

A task moves through ``phase`` values; each timed phase sets ``wakeAt`` and the runner calls
``on_clock`` when the clock reaches it. While the execution is paused, in-flight actions still
finish, but nothing new starts: a timer that expires then leaves the task ``held`` until
resume.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civis_local.engine import actions, context, expressions, flow
from civis_local.engine.context import Execution
from civis_local.engine.state import ACTIVE_TASK_STATES, after, iso, parse_time

TIMED_PHASES = ("wait-before", "wait-after", "retry-delay")


def new_task(
    ex: Execution,
    name: str,
    moment: datetime,
    state: str = "idle",
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A new task execution; ``context`` is what ``$`` holds for it (the outbound context of
    the task that triggered it; the execution input for a start task)."""
    task: dict[str, Any] = {
        "name": name,
        "mistralState": state,
        "mistralStateInfo": None,
        "runs": [],
        "executions": [],
        "createdAt": iso(moment),
        "startedAt": None,
        "finishedAt": None,
        "phase": "join" if state == "waiting" else "new",
        "wakeAt": None,
        "held": False,
        "pausedOnce": False,
        "timeoutAt": None,
        "timeoutArmed": False,
        "timedOut": False,
        "retriesUsed": 0,
        "attempts": 0,
        "items": [],
        "jobIds": {},
        "outcome": None,
        "errorInfo": None,
        "handled": False,
        "joinFailed": False,
        "output": None,
        "inContext": dict(ex.variables if context is None else context),
        "published": {},
        "result": None,
        "rerunFailed": False,
        "exprFailed": False,
    }
    ex.state["tasks"].append(task)
    return task


def begin(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """The task has been reached: apply pause-before, then carry on."""
    spec = ex.graph.tasks[task["name"]]
    if spec.pause_before and not task["pausedOnce"]:
        task.update(phase="pause-before", mistralState="idle")
        task["mistralStateInfo"] = "Set by 'pause-before' policy"
        flow.pause(ex, moment)
        return
    after_pause(ex, task, moment)


def after_pause(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """Past pause-before (or resumed from it): wait-before, then the first attempt."""
    spec = ex.graph.tasks[task["name"]]
    task["pausedOnce"] = True
    if spec.wait_before > 0:
        _delay(ex, task, "wait-before", spec.wait_before, moment)
        return
    start_attempt(ex, task, moment)


def start_attempt(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """One attempt of the action. After a failed attempt (``rerunFailed``: a policy retry or
    an execution retry) only the items that did not succeed run again."""
    spec = ex.graph.tasks[task["name"]]
    task.update(phase="action", mistralState="running", mistralStateInfo=None, wakeAt=None)
    task["held"] = False
    task["startedAt"] = task["startedAt"] or iso(moment)
    # The timeout is armed once, at the first start: a retried attempt has none left (in
    # Mistral the timeout policy is set when the task starts, not when it is retried).
    if spec.timeout and not task["timeoutArmed"]:
        task["timeoutAt"] = iso(after(moment, spec.timeout, ex.speed))
        task["timeoutArmed"] = True
    task["attempts"] += 1
    task["outcome"] = None
    task["errorInfo"] = None
    rerun = task.get("rerunFailed") and task["items"]
    task["rerunFailed"] = False
    if rerun and not any(item.get("unplanned") for item in task["items"]):
        for item in task["items"]:
            if item["status"] != "success":
                actions.reset_item(item)
    else:
        task["items"] = actions.plan_items(ex, task, moment)
    actions.fill_slots(ex, task, moment)
    if not task["items"]:  # with-items over an empty list succeeds at once
        attempt_done(ex, task, moment)


def on_clock(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """Everything due for this task at ``moment``: finished items, timers, the timeout."""
    if task["phase"] == "action":
        for item in task["items"]:
            if item["status"] == "running" and _due(item.get("finishAt"), moment):
                actions.finish_item(ex, task, item, moment)
        actions.fill_slots(ex, task, moment)
        if task["items"] and all(
            item["status"] not in ("running", "pending") for item in task["items"]
        ):
            attempt_done(ex, task, moment)
    if (
        task["phase"] in TIMED_PHASES
        and not task["held"]
        and task["mistralState"] in ACTIVE_TASK_STATES
        and _due(task["wakeAt"], moment)
    ):
        _wake(ex, task, moment)
    if task["mistralState"] in ACTIVE_TASK_STATES and _due(task["timeoutAt"], moment):
        _time_out(ex, task, moment)


# Mistral's state info of a with-items task some of whose actions failed.
WITH_ITEMS_FAILED = "One or more actions had failed."


def attempt_done(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    spec = ex.graph.tasks[task["name"]]
    failed = [item for item in task["items"] if item["status"] != "success"]
    task["outcome"] = "error" if failed else "success"
    if not failed:
        task["errorInfo"] = None
    elif spec.with_items is not None and not failed[0].get("unplanned"):
        task["errorInfo"] = WITH_ITEMS_FAILED
    else:
        task["errorInfo"] = failed[0].get("info")
    task["result"] = actions.result_of(spec, task)
    _after_attempt(ex, task, moment)


def _after_attempt(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """The retry policy on an error; else wait-after (once, after the last attempt), then
    the task completes."""
    spec = ex.graph.tasks[task["name"]]
    if task["outcome"] == "error":
        try:
            again = _retry_wanted(ex, task)
        except expressions.Unknown as error:
            task.update(errorInfo=str(error), exprFailed=True)
            again = False
        if again:
            task["retriesUsed"] += 1
            task["rerunFailed"] = True
            if spec.retry_delay > 0:
                _delay(ex, task, "retry-delay", spec.retry_delay, moment, label="retry")
            elif ex.paused:
                _delay(ex, task, "retry-delay", 0, moment, label="retry")
                task["held"] = True
            else:
                start_attempt(ex, task, moment)
            return
    if spec.wait_after > 0:
        _delay(ex, task, "wait-after", spec.wait_after, moment)
        return
    finish(ex, task, task["outcome"], moment, task["errorInfo"])


def _retry_wanted(ex: Execution, task: dict[str, Any]) -> bool:
    """Retries left, ``break-on`` not true and ``continue-on`` (if given) true. Both are
    evaluated on the task's context with ``task()`` showing this attempt (guess: Mistral's
    view also holds what publish-on-error would publish)."""
    spec = ex.graph.tasks[task["name"]]
    if task["retriesUsed"] >= spec.retry_count:
        return False
    data, lookup = context.expression_scope(ex, task, "ERROR")
    if spec.retry_break_on is not None and expressions.evaluate(spec.retry_break_on, data, lookup):
        return False
    if spec.retry_continue_on is not None:
        return bool(expressions.evaluate(spec.retry_continue_on, data, lookup))
    return True


def _delay(
    ex: Execution,
    task: dict[str, Any],
    phase: str,
    seconds: float,
    moment: datetime,
    label: str | None = None,
) -> None:
    task.update(phase=phase, mistralState="delayed")
    task["mistralStateInfo"] = f"Delayed by '{label or phase}' policy [delay={_number(seconds)}]"
    task["wakeAt"] = iso(after(moment, seconds, ex.speed))


def _wake(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    if task["phase"] == "wait-after":
        finish(ex, task, task["outcome"], moment, task["errorInfo"])
    elif ex.paused:
        task["held"] = True  # starts again on resume
    else:
        start_attempt(ex, task, moment)


def release_held(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """On resume: a timer that expired while paused starts its attempt now."""
    task["held"] = False
    start_attempt(ex, task, moment)


def _time_out(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """The timeout completes the running attempt as an error; the retry policy then applies
    to it as to any error. Firing between attempts (retry delay) it leaves the pending retry
    alone, and during wait-after it ends the task in error (guess for both)."""
    spec = ex.graph.tasks[task["name"]]
    task["timedOut"] = True
    task["timeoutAt"] = None
    info = f"Task timed out [timeout(s)={_number(spec.timeout)}]."
    if task["phase"] == "action":
        actions.cancel_items(ex, task, moment)
        task.update(outcome="error", errorInfo=info)
        task["result"] = actions.result_of(spec, task)
        _after_attempt(ex, task, moment)
    elif task["phase"] == "wait-after":
        finish(ex, task, "error", moment, info)


def finish(
    ex: Execution, task: dict[str, Any], outcome: str, moment: datetime, info: str | None
) -> None:
    """The task completes: its state, then what it publishes (``publish`` on success,
    ``publish-on-error`` on error), then its transitions. A publish that cannot be evaluated
    makes the task an error that fires no transition."""
    task.update(mistralState=outcome, mistralStateInfo=info, phase="done")
    task.update(finishedAt=iso(moment), wakeAt=None, timeoutAt=None, held=False)
    spec = ex.graph.tasks.get(task["name"])
    clause = None
    if spec is not None:
        clause = spec.publish if outcome == "success" else spec.publish_on_error
    if clause and not task.get("exprFailed"):
        data, lookup = context.expression_scope(ex, task)
        try:
            task["published"] = expressions.evaluate(clause, data, lookup)
        except expressions.Unknown as error:
            task.update(mistralState="error", mistralStateInfo=str(error), exprFailed=True)
    ex.touch(moment)
    flow.task_finished(ex, task, moment)


def cancel_task(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """Execution cancelled (or ended by an engine command): no transitions fire, and the
    task's state info (a delay, a pause-before...) no longer applies."""
    actions.cancel_items(ex, task, moment)
    task.update(mistralState="cancelled", mistralStateInfo=None, phase="done")
    task.update(finishedAt=iso(moment), wakeAt=None, timeoutAt=None, held=False)


def rerun(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """Execution retry: the task runs again as when it was first reached (pause-before,
    wait-before), with a fresh retry counter, a re-armed timeout (guess: a manual retry is a
    fresh start) and only its failed items (with-items)."""
    task.update(retriesUsed=0, handled=False, timedOut=False, joinFailed=False)
    task.update(timeoutAt=None, timeoutArmed=False, finishedAt=None, held=False)
    task.update(pausedOnce=False, rerunFailed=True, exprFailed=False, published={})
    task.update(mistralState="idle", mistralStateInfo=None, phase="new")
    begin(ex, task, moment)


def next_due(task: dict[str, Any]) -> list[datetime]:
    """The instants at which this task has something to do (not counting child executions)."""
    if task["mistralState"] not in ACTIVE_TASK_STATES:
        return []
    moments = []
    if task["phase"] in TIMED_PHASES and task["wakeAt"] and not task["held"]:
        moments.append(parse_time(task["wakeAt"]))
    if task["timeoutAt"]:
        moments.append(parse_time(task["timeoutAt"]))
    if task["phase"] == "action":
        moments.extend(
            parse_time(item["finishAt"])
            for item in task["items"]
            if item["status"] == "running" and item.get("finishAt")
        )
    return moments


def _due(when: str | None, moment: datetime) -> bool:
    return when is not None and parse_time(when) <= moment


def _number(value: float | None) -> str:
    """Mistral prints policy numbers as written: 30, not 30.0."""
    if value is None:
        return "None"
    return str(int(value)) if float(value).is_integer() else str(value)
