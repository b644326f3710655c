"""What every page that changes a workflow shares: read it, and refuse before any change is
asked of the platform when the viewer's level is not enough (view < edit < manage).

The platform stays the authority (it refuses too); the console refuses first so a person is
told in words what they would need, and no change call leaves for a refusal it can foresee.

When the platform does not answer a change (`form_again_when_unanswered`), the page shows its
form again, filled in with what the person chose, and what happened and what to do at the top
of it, instead of an error page that loses their choices.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import HttpResponse
from django.shortcuts import render

from workflows_app.civis import CivisClient, Forbidden, NotFound, RateLimited, Unavailable, gather
from workflows_app.civis.types import Workflow
from workflows_app.core.accounts import client_for
from workflows_app.core.middleware import describe
from workflows_app.words.access import LEVEL_CHOICES, access_verb

LEVEL_WORDS = dict(LEVEL_CHOICES)
T = TypeVar("T")
logger = logging.getLogger(__name__)
# The platform did not answer (OutcomeUnknown, a write sent with no answer, is one of these,
# with its own words) or asked us to slow down: the person's choices are worth keeping.
UNANSWERED = (Unavailable, RateLimited)


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
    keep_for_again(request, workflow)
    return client, workflow, answers, refusal


def keep_for_again(request, read: T) -> T:
    """Keep what a change page read before its change, for the page again should the change
    go unanswered (`form_again_when_unanswered`): `load` keeps the workflow; a page that needs
    more to draw itself (who has access, its git link) keeps that instead."""
    request.change_read = read
    return read


def _given(read: Callable[[CivisClient], T], client: CivisClient) -> Callable[[], T]:
    return lambda: read(client)


def unless_refused(call: Callable[[], T]) -> T | None:
    """`call()`, or None when the platform refuses the viewer that part (403) or hides it from
    them (404): for the parts of a page that not everyone who opens the workflow may read."""
    try:
        return call()
    except (Forbidden, NotFound):
        return None


@dataclass(frozen=True)
class UnreadWorkflow:
    """The workflow of a change page whose read went unanswered: its id, and words for it."""

    id: int
    name: str = "this workflow"
    unread: bool = True


def form_again_when_unanswered(
    again: Callable[[Any, Any], tuple[str, dict]],
    advice: Callable[[Exception], str | None] | None = None,
):
    """For a change page's view (`request, workflow_id, ...`): when the platform does not
    answer a POST (the workflow's read or the change itself), the page again, from
    `again(request, read)`: (template, context with the bound `form`). `read` is what the page
    kept (`keep_for_again`; the workflow `load` read) before the change went unanswered, else
    an UnreadWorkflow (`unread`, for the template to leave out what needs a read). The form
    keeps what was posted, and its error summary says what happened and what to do, in the
    error page's words ("The platform did not answer. Nothing was changed. Try again in a
    minute."); `advice(exc)`, when given and not None, says the second part in the page's own
    words (a copy says no copy was made)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, workflow_id: int, *args, **kwargs):
            try:
                return view(request, workflow_id, *args, **kwargs)
            except UNANSWERED as exc:
                if request.method != "POST":
                    raise  # nothing chosen to keep: the error page says it
                logger.warning("upstream failure on %s: %s", request.path, type(exc).__name__)
                status, title, said = describe(exc)
                said = (advice(exc) if advice else None) or said
                read = getattr(request, "change_read", None)
                template, context = again(request, read or UnreadWorkflow(workflow_id))
                context["form"].add_error(None, f"{title}. {said}")
                # htmx swaps only a 2xx answer (a preview asking for the page, hx-select).
                return render(request, template, context, status=200 if request.htmx else status)

        return wrapper

    return decorate
