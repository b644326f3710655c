"""What every page that changes a workflow shares: read it, and refuse before any change is
asked of the platform when the viewer's level is not enough (view < edit < manage).

The platform stays the authority (it refuses too); the console refuses first so a person is
told in words what they would need, and no change call leaves for a refusal it can foresee.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from workflows_app.civis import CivisClient
from workflows_app.civis.types import Workflow
from workflows_app.core.accounts import client_for
from workflows_app.words.access import LEVEL_CHOICES, access_verb

LEVEL_WORDS = dict(LEVEL_CHOICES)


def allowed(workflow: Workflow, need: str) -> bool:
    if need == "read":
        return True  # the platform answered the read, so the viewer can open it
    return workflow.can_manage if need == "manage" else workflow.can_write


def refused(request, workflow: Workflow, what: str, need: str = "write") -> HttpResponse:
    """The console's own refusal page (403), naming what was asked and the access it needs."""
    context = {"workflow": workflow, "what": what, "need": access_verb(need)}
    return render(request, "core/change_refused.html", context, status=403)


def load(
    request, workflow_id: int, what: str, need: str = "write"
) -> tuple[CivisClient, Workflow, HttpResponse | None]:
    """(client, workflow, refusal or None): read the workflow with the viewer's own key."""
    client = client_for(request)
    workflow = client.get_workflow(workflow_id)
    if not allowed(workflow, need):
        return client, workflow, refused(request, workflow, what, need)
    return client, workflow, None
