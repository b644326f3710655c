"""The denormalised columns of a workflow: `state`, `last_execution_id`, `scheduled`,
`next_execution_at`. Kept current on every write so the list endpoint never computes them."""

from datetime import datetime

from .models import Execution, Workflow
from .schedules import next_execution_at

LIVE_STATES = ("running", "queued")


def workflow_state(scheduled: bool, latest_state: str | None, any_live: bool) -> str:
    """`running` if any execution runs, else the latest execution's state; never run:
    `scheduled` when scheduled, else `idle` (SIMULATOR.md, guess for the last two)."""
    if any_live:
        return "running"
    if latest_state:
        return latest_state
    return "scheduled" if scheduled else "idle"


def refresh_workflow_state(workflow: Workflow, at: datetime, save: bool = True) -> None:
    latest = workflow.executions.order_by("-id").values("id", "state").first()
    any_live = workflow.executions.filter(state__in=LIVE_STATES).exists()
    workflow.scheduled = bool((workflow.schedule or {}).get("scheduled"))
    workflow.state = workflow_state(workflow.scheduled, latest and latest["state"], any_live)
    workflow.last_execution_id = latest and latest["id"]
    workflow.next_execution_at = next_execution_at(workflow.schedule or {}, workflow.time_zone, at)
    if save:
        Workflow.objects.filter(id=workflow.id).update(
            state=workflow.state,
            last_execution_id=workflow.last_execution_id,
            scheduled=workflow.scheduled,
            next_execution_at=workflow.next_execution_at,
        )


def refresh_from_execution(execution: Execution, at: datetime) -> None:
    refresh_workflow_state(execution.workflow, at)
