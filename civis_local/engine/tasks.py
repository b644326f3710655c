"""One task's life: pause-before, wait-before, the action attempts, wait-after, retry, timeout.

A task moves through ``phase`` values; each timed phase sets ``wakeAt`` and the runner calls
``on_clock`` when the clock reaches it. While the execution is paused, in-flight actions still
finish, but nothing new starts: a timer that expires then leaves the task ``held`` until
resume.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civis_local.engine import actions, flow
from civis_local.engine.context import Execution
from civis_local.engine.state import ACTIVE_TASK_STATES, after, iso, parse_time

TIMED_PHASES = ("wait-before", "wait-after", "retry-delay")


def new_task(ex: Execution, name: str, moment: datetime, state: str = "idle") -> dict[str, Any]:
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
    spec = ex.graph.tasks[task["name"]]
    task.update(phase="action", mistralState="running", mistralStateInfo=None, wakeAt=None)
    task["held"] = False
    task["startedAt"] = task["startedAt"] or iso(moment)
    # The timeout is armed once, at the first start; policy retries do not re-arm it.
    if spec.timeout and not task["timeoutArmed"]:
        task["timeoutAt"] = iso(after(moment, spec.timeout, ex.speed))
        task["timeoutArmed"] = True
    task["attempts"] += 1
    # Every attempt runs all its items again, with-items included (guess).
    task["outcome"] = None
    task["errorInfo"] = None
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


def attempt_done(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    failed = [item for item in task["items"] if item["status"] != "success"]
    task["outcome"] = "error" if failed else "success"
    task["errorInfo"] = failed[0].get("info") if failed else None
    spec = ex.graph.tasks[task["name"]]
    if spec.wait_after > 0:
        _delay(ex, task, "wait-after", spec.wait_after, moment)
        return
    _after_action(ex, task, moment)


def _after_action(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    spec = ex.graph.tasks[task["name"]]
    retry_left = task["retriesUsed"] < spec.retry_count
    if task["outcome"] == "error" and retry_left and not task["timedOut"]:
        task["retriesUsed"] += 1
        if spec.retry_delay > 0:
            _delay(ex, task, "retry-delay", spec.retry_delay, moment, label="retry")
        elif ex.paused:
            _delay(ex, task, "retry-delay", 0, moment, label="retry")
            task["held"] = True
        else:
            start_attempt(ex, task, moment)
        return
    finish(ex, task, task["outcome"], moment, task["errorInfo"])


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
        _after_action(ex, task, moment)
    elif ex.paused:
        task["held"] = True  # starts again on resume
    else:
        start_attempt(ex, task, moment)


def release_held(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """On resume: a timer that expired while paused starts its attempt now."""
    task["held"] = False
    start_attempt(ex, task, moment)


def _time_out(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    spec = ex.graph.tasks[task["name"]]
    actions.cancel_items(ex, task, moment)
    task["timedOut"] = True
    finish(ex, task, "error", moment, f"Task timed out [timeout(s)={_number(spec.timeout)}].")


def finish(
    ex: Execution, task: dict[str, Any], outcome: str, moment: datetime, info: str | None
) -> None:
    task.update(mistralState=outcome, mistralStateInfo=info, phase="done")
    task.update(finishedAt=iso(moment), wakeAt=None, timeoutAt=None, held=False)
    ex.touch(moment)
    flow.task_finished(ex, task, moment)


def cancel_task(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """Execution cancelled (or ended by an engine command): no transitions fire."""
    actions.cancel_items(ex, task, moment)
    task.update(mistralState="cancelled", phase="done", finishedAt=iso(moment))
    task.update(wakeAt=None, timeoutAt=None, held=False)


def rerun(ex: Execution, task: dict[str, Any], moment: datetime) -> None:
    """Execution retry: the task runs again with a new run and a fresh retry counter.

    The timeout is re-armed for the new run (guess: a manual retry is a fresh start)."""
    task.update(retriesUsed=0, handled=False, timedOut=False, joinFailed=False)
    task.update(timeoutAt=None, timeoutArmed=False, finishedAt=None, held=False)
    start_attempt(ex, task, moment)


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
