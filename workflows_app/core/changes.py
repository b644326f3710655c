"""What every page that changes a workflow shares: read it, and refuse before any change is
asked of the platform when the viewer's level is not enough (view < edit < manage).

The platform stays the authority (it refuses too); the console refuses first so a person is
told in words what they would need, and no change call leaves for a refusal it can foresee.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpResponse
from django.shortcuts import render

from workflows_app.civis import CivisClient, Forbidden, NotFound, gather
from workflows_app.civis.types import Workflow
from workflows_app.core.accounts import client_for
from workflows_app.words.access import LEVEL_CHOICES, access_verb

LEVEL_WORDS = dict(LEVEL_CHOICES)
T = TypeVar("T")


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
    client, workflow, _, refusal = load_with(request, workflow_id, what, need=need)
    return client, workflow, refusal


def load_with(
    request,
    workflow_id: int,
    what: str,
    *reads: Callable[[CivisClient], Any],
    need: str = "write",
) -> tuple[CivisClient, Workflow, list[Any], HttpResponse | None]:
    """As `load`, with the page's other reads (each given the client) made at the same time
    as the workflow's: (client, workflow, their answers in order, refusal or None)."""
    client = client_for(request)
    workflow, *answers = gather(
        lambda: client.get_workflow(workflow_id), *(_given(read, client) for read in reads)
    )
    refusal = None if allowed(workflow, need) else refused(request, workflow, what, need)
    return client, workflow, answers, refusal


def _given(read: Callable[[CivisClient], T], client: CivisClient) -> Callable[[], T]:
    return lambda: read(client)


def unless_refused(call: Callable[[], T]) -> T | None:
    """`call()`, or None when the platform refuses the viewer that part (403) or hides it from
    them (404): for the parts of a page that not everyone who opens the workflow may read."""
    try:
        return call()
    except (Forbidden, NotFound):
        return None
