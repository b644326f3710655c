"""Execution state -> the Civis response shapes (WorkflowExecution, WorkflowTask, runs).

The engine does not know users or permissions: the API passes the execution's ``user``
(UserSimpleUser) and, if it wants, functions giving the caller's permission level on a job
(for runs) or on a workflow (for child executions); by default "manage".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from civis_local.engine.state import aware, civis_state, parse_time

Permission = Callable[[int], str]


def render_execution(
    state: dict[str, Any],
    *,
    user: dict[str, Any],
    run_permission: Permission | None = None,
    child_permission: Permission | None = None,
) -> dict[str, Any]:
    """The WorkflowExecution shape (GET /workflows/{id}/executions/{execution_id})."""
    return {
        **render_execution_summary(state, user=user),
        "definition": state["definition"],
        "input": state["input"],
        "includedTasks": list(state.get("includedTasks") or []),
        "tasks": [
            render_task(task, run_permission=run_permission, child_permission=child_permission)
            for task in state["tasks"]
        ],
    }


def render_execution_summary(state: dict[str, Any], *, user: dict[str, Any]) -> dict[str, Any]:
    """The WorkflowExecutionSummary shape (list of executions)."""
    return {
        "id": state["id"],
        "state": civis_state(state["mistralState"]),
        "mistralState": state["mistralState"],
        "mistralStateInfo": state["mistralStateInfo"],
        "user": user,
        "startedAt": state["startedAt"],
        "finishedAt": state["finishedAt"],
        "createdAt": state["createdAt"],
        "updatedAt": state["updatedAt"],
    }


def render_task(
    task: dict[str, Any],
    *,
    run_permission: Permission | None = None,
    child_permission: Permission | None = None,
) -> dict[str, Any]:
    """The WorkflowTask / WorkflowTaskDetail shape; runs and executions newest first."""
    runs = sorted(task["runs"], key=lambda run: run["id"], reverse=True)
    children = sorted(task["executions"], key=lambda child: child["id"], reverse=True)
    return {
        "name": task["name"],
        "mistralState": task["mistralState"],
        "mistralStateInfo": task["mistralStateInfo"],
        "runs": [_run_shape(run, _level(run_permission, run["jobId"])) for run in runs],
        "executions": [
            {
                "id": child["id"],
                "workflowId": child["workflowId"],
                "myPermissionLevel": _level(child_permission, child["workflowId"]),
                "state": child.get("state", "queued"),
                "createdAt": child.get("createdAt"),
                "startedAt": child.get("startedAt"),
                "finishedAt": child.get("finishedAt"),
            }
            for child in children
        ],
    }


def render_run(run: dict[str, Any], now: datetime, permission: str = "manage") -> dict[str, Any]:
    """A stored run (as given to Host.record_run) as it stands at ``now``: its planned end
    applies once the clock passes it, even if the execution has not been read since."""
    shown = dict(run)
    planned = run.get("plannedFinishAt")
    if run["finishedAt"] is None and planned and parse_time(planned) <= aware(now):
        shown.update(state=run["plannedState"], finishedAt=run["plannedFinishAt"])
    return _run_shape(shown, permission)


def _run_shape(run: dict[str, Any], permission: str) -> dict[str, Any]:
    return {
        "id": run["id"],
        "jobId": run["jobId"],
        "myPermissionLevel": permission,
        "state": run["state"],
        "createdAt": run["createdAt"],
        "startedAt": run["startedAt"],
        "finishedAt": run["finishedAt"],
    }


def _level(permission: Permission | None, object_id: int) -> str:
    return permission(object_id) if permission else "manage"


def workflow_state(execution_states: Iterable[str], scheduled: bool) -> str:
    """A workflow's Civis ``state`` from its executions' Civis states, newest first:
    running if any runs, else the latest one's; never run: scheduled or idle (guess)."""
    states = list(execution_states)
    if "running" in states:
        return "running"
    if states:
        return states[0]
    return "scheduled" if scheduled else "idle"
