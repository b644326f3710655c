"""Copy a workflow, archive it and restore it.

Copying needs only view access (the platform lets anyone who can open a workflow clone it;
the copy is theirs). Archiving and restoring need manage (civis_local's reading; the
platform does not document the level: a guess). What archiving stops (its schedule) and what
stays (history, shares, projects) is civis_local's behaviour and a guess for the platform.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from workflows_app.civis import OutcomeUnknown
from workflows_app.civis.types import Workflow
from workflows_app.core import changes
from workflows_app.core.accounts import signed_in
from workflows_app.lifecycle.forms import CopyForm, default_name
from workflows_app.words import copies as words
from workflows_app.words.schedules import describe_schedule

logger = logging.getLogger(__name__)


def _detail(workflow_id: int) -> str:
    return reverse("workflows:detail", args=[workflow_id])


def _copy_page_again(request, workflow) -> tuple[str, dict]:
    """The page when the platform did not answer the copy (or the read before it): the name
    and choices kept, and no copy made (words.NO_COPY_MADE)."""
    return "lifecycle/copy.html", {"workflow": workflow, "form": CopyForm(request.POST)}


def _no_copy_made(exc: Exception) -> str:
    return words.COPY_MAYBE_MADE if isinstance(exc, OutcomeUnknown) else words.NO_COPY_MADE


@signed_in
@require_http_methods(["GET", "POST"])
@changes.form_again_when_unanswered(_copy_page_again, _no_copy_made)
def copy_workflow(request, workflow_id: int):
    """`post_clone` makes the copy; `patch_workflow` then gives it the name chosen. Unanswered
    at the first, the form again (no copy made); at the second, what was made and not done."""
    client, workflow, refusal = changes.load(request, workflow_id, "copying it", need="read")
    if refusal:
        return refusal
    form = CopyForm(request.POST or None, initial={"name": default_name(workflow)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        copy = client.post_clone(
            workflow_id,
            clone_schedule=data["clone_schedule"],
            clone_notifications=data["clone_notifications"],
        )
        if copy.name != data["name"]:  # the platform names it "Clone of Workflow <id> <name>"
            try:
                copy = client.patch_workflow(copy.id, name=data["name"])
            except changes.UNANSWERED as exc:
                return _made_not_renamed(request, workflow, copy, data["name"], exc)
        messages.success(request, f"This is your copy of “{workflow.name}”. Change it as you like.")
        return redirect(_detail(copy.id))
    status = 400 if form.errors else 200
    context = {"workflow": workflow, "form": form}
    return render(request, "lifecycle/copy.html", context, status=status)


def _made_not_renamed(request, workflow: Workflow, copy: Workflow, chosen: str, exc: Exception):
    """The copy exists but the rename went unanswered: say so, with a link to it (never the
    form again, which would make a second copy)."""
    logger.warning("copy %s made, rename unanswered: %s", copy.id, type(exc).__name__)
    unknown = isinstance(exc, OutcomeUnknown)
    context = {
        "workflow": workflow,
        "copy": copy,
        "copy_url": _detail(copy.id),
        "rename_url": reverse("editing:edit", args=[copy.id]),
        "title": words.MADE_NOT_RENAMED_TITLE,
        "what_happened": words.made_not_renamed(workflow.name, copy.name, chosen, unknown=unknown),
        "what_to_do": words.RENAME_IT,
        "open_it": words.OPEN_IT,
        "rename_it": words.RENAME_LINK,
    }
    return render(request, "lifecycle/copy_made.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def archive_workflow(request, workflow_id: int):
    """A check page (what stops, what stays); POST archives."""
    return _archive_or_restore(request, workflow_id, archive=True)


@signed_in
@require_http_methods(["GET", "POST"])
def restore_workflow(request, workflow_id: int):
    """A check page (its schedule comes back); POST restores."""
    return _archive_or_restore(request, workflow_id, archive=False)


def _archive_or_restore(request, workflow_id: int, *, archive: bool):
    """The one way both go: manage needed, nothing done when it is already so, else a check
    page, and on POST `put_archive` with what the person asked."""
    what = "archiving it" if archive else "restoring it"
    client, workflow, refusal = changes.load(request, workflow_id, what, "manage")
    if refusal:
        return refusal
    if workflow.archived == archive:
        messages.info(request, "It is already archived." if archive else "It is not archived.")
        return redirect(_detail(workflow_id))
    if request.method == "POST":
        done = client.put_archive(workflow_id, archive)
        if archive:
            messages.success(request, f"Archived “{workflow.name}”. It no longer runs on its "
                             "schedule; restore it to bring it back.")  # fmt: skip
        else:
            sentence = describe_schedule(done.schedule, done.time_zone)
            messages.success(request, f"Restored “{workflow.name}”. Schedule: {sentence}.")
        return redirect(_detail(workflow_id))
    context = {
        "workflow": workflow,
        "schedule": describe_schedule(workflow.schedule, workflow.time_zone),
    }
    template = "lifecycle/archive_check.html" if archive else "lifecycle/restore_check.html"
    return render(request, template, context)
