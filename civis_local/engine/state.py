"""The execution state: plain JSON-serialisable dicts, stored by the API in a JSONField.

Execution state (keys in camelCase where they are rendered as-is)::

    {
      "id": 12, "workflowId": 3, "parentExecutionId": None, "parentTaskName": None,
      "depth": 0,                 # nesting level of a child execution
      "definition": "<yaml>", "type": "direct" | "reverse",
      "input": {...}, "targetTask": None | "name", "includedTasks": [...],
      "mistralState": "running" | "paused" | "success" | "error" | "cancelled",
      "mistralStateInfo": str | None,
      "createdAt", "startedAt", "updatedAt": ISO 8601 UTC ("2026-04-17T18:37:38.000Z"),
      "finishedAt": ISO | None,
      "speed": 1.0,               # durations are divided by it (demo speed factor)
      "tasks": [task, ...],       # in the order they were reached (a name may repeat: loops)
      "deferred": [{"task", "entries", "counted", "context"}],  # transitions held while paused
      "joins": {name: {"triggeredBy": [...], "missedBy": [...]}},  # join bookkeeping
      "stallNotified": bool,
    }

Task (``tasks[i]``)::

    {
      "name": "load", "mistralState": "idle|waiting|running|delayed|success|error|cancelled",
      "mistralStateInfo": str | None,
      "runs": [run, ...],          # ascending by id here; render_task sorts descending
      "executions": [child, ...],  # {"id", "workflowId", "state", "createdAt", "startedAt",
                                   #  "finishedAt"} ascending by id
      "createdAt", "startedAt", "finishedAt": ISO | None,
      # internal bookkeeping:
      "phase": "new" | "join" | "pause-before" | "wait-before" | "action" | "wait-after"
               | "retry-delay" | "done",
      "wakeAt": ISO | None,        # the phase timer (wait-before, wait-after, retry delay)
      "held": bool,                # a timer expired while the execution was paused
      "pausedOnce": bool, "timeoutAt": ISO | None, "timeoutArmed": bool, "timedOut": bool,
      "retriesUsed": int, "attempts": int,
      "items": [item, ...],        # the current attempt: one per with-items item, else one
                                   # {"index", "binding", "status", "finishAt", "outcome",
                                   #  "info", "runId", "childId"}
      "outcome": "success" | "error" | None, "errorInfo": str | None,
      "handled": bool,             # some on-error entry fired
      "joinFailed": bool,          # a join that errored with "Failed by tasks"
      "jobIds": {"0": 1001},       # jobs created for script actions, per item index
      "output": any,               # std.echo output
      "inContext": {...},          # what $ holds for the task (input + what was published)
      "published": {...},          # what publish / publish-on-error gave
      "result": any,               # the action's result (a list for with-items)
      "rerunFailed": bool,         # the next attempt reruns only the items that failed
      "exprFailed": bool,          # an expression of the task could not be evaluated
    }

Run (``task["runs"][i]``, also handed to ``Host.record_run``)::

    {"id", "jobId", "state": "queued|running|succeeded|failed|cancelled",
     "createdAt", "startedAt", "finishedAt", "plannedFinishAt", "plannedState",
     "executionId", "taskName", "error": str | None}
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

TERMINAL_EXECUTION_STATES = frozenset({"success", "error", "cancelled"})
ACTIVE_TASK_STATES = frozenset({"idle", "waiting", "running", "delayed"})

# mistralState -> the Civis ``state`` word. Paused has no Civis value (guess: "running").
CIVIS_STATE = {
    "running": "running",
    "paused": "running",
    "success": "succeeded",
    "error": "failed",
    "cancelled": "cancelled",
}

RUNNING_INFO = "Execution is running"  # the platform's wording in its recorded examples


def civis_state(mistral_state: str | None) -> str:
    """The Civis ``state`` word; an execution created but not started is ``queued``."""
    return CIVIS_STATE.get(mistral_state or "", "queued")


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds, the platform's format."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def aware(moment: datetime) -> datetime:
    """Reject naive datetimes early: every clock value must be UTC-aware, rounded to ms so a
    state read back from JSON compares equal to the one computed in memory."""
    if moment.tzinfo is None:
        raise ValueError("the engine needs timezone-aware datetimes")
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def after(moment: datetime, seconds: float, speed: float) -> datetime:
    """``moment`` plus a simulated duration, shortened by the demo speed factor."""
    return aware(moment + timedelta(seconds=float(seconds) / float(speed or 1.0)))


def find_task(state: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The latest task execution of that name (a loop may run a task more than once)."""
    for task in reversed(state["tasks"]):
        if task["name"] == name:
            return task
    return None


def is_terminal(state: dict[str, Any]) -> bool:
    return state["mistralState"] in TERMINAL_EXECUTION_STATES
