"""The denormalised columns of a workflow: `state`, `last_execution_id`, `scheduled`,
`next_execution_at`. Kept current on every write so the list endpoint never computes them."""

from datetime import datetime

from civis_local import engine

from . import render
from .models import Execution, Workflow

LIVE_STATES = ("running", "queued")


def workflow_state(scheduled: bool, latest_state: str | None, any_live: bool) -> str:
    """The engine's rule (running if any execution runs, else the latest one's state, else
    scheduled / idle), fed with only what it needs so no workflow's history is loaded."""
    states = ["running"] if any_live else [latest_state] if latest_state else []
    return engine.workflow_state(states, scheduled)


def refresh_workflow_state(workflow: Workflow, at: datetime, save: bool = True) -> None:
    latest, any_live = None, False
    if workflow.id is not None:  # a workflow being created has no executions yet
        executions = Execution.objects.filter(workflow_id=workflow.id)
        latest = executions.order_by("-id").values("id", "state").first()
        any_live = executions.filter(state__in=LIVE_STATES).exists()
    workflow.scheduled = bool((workflow.schedule or {}).get("scheduled"))
    workflow.state = workflow_state(workflow.scheduled, latest and latest["state"], any_live)
    workflow.last_execution_id = latest and latest["id"]
    zone = workflow.time_zone
    workflow.next_execution_at = engine.next_execution_at(render.schedule(workflow), zone, at)
    if save:
        Workflow.objects.filter(id=workflow.id).update(
            state=workflow.state,
            last_execution_id=workflow.last_execution_id,
            scheduled=workflow.scheduled,
            next_execution_at=workflow.next_execution_at,
        )
