"""`{% load triage %}`: the watch control of a workflow's page, and an execution's failure
episode (with its acknowledgement) on the execution pages."""

from typing import Any

from django import template

from workflows_app.models import Watch
from workflows_app.triage import episodes
from workflows_app.triage import watch as watching
from workflows_app.triage.forms import WatchForm
from workflows_app.words.triage import WATCH_MODE_HINTS, WATCH_MODES, failed_in_a_row

register = template.Library()


@register.inclusion_tag("triage/_watch.html", takes_context=True)
def watch_control(context: Any, workflow: Any, owned: bool = False) -> dict[str, Any]:
    """How the viewer watches this workflow, and the form to change it. A person's own
    workflow is watched (failures and recovery) until they turn it off."""
    request = context["request"]
    account = getattr(request.user, "civis", None)
    if account is None:
        return {"show": False}
    found = watching.watch_of(account, workflow.id)
    if found is None and owned:
        watching.watch_owned(account, [workflow])
        found = watching.watch_of(account, workflow.id)
    mode = found.mode if found is not None and found.access_lost_at is None else Watch.Mode.NOTHING
    return {
        "show": True,
        "workflow": workflow,
        "mode": mode,
        "mode_words": WATCH_MODES[mode],
        "by_default": bool(found and found.by_default),
        "choices": [(value, WATCH_MODES[value], WATCH_MODE_HINTS[value]) for value in WATCH_MODES],
        "form": WatchForm(initial={"mode": mode}),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("triage/_episode_note.html")
def episode_note(workflow_id: int, execution_id: int) -> dict[str, Any]:
    return {"episode": episodes.for_execution(workflow_id, execution_id)}


@register.filter
def in_a_row(count: int) -> str:
    """'1 failed run', '3 failed runs in a row'."""
    return failed_in_a_row(int(count or 0))
