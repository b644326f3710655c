"""Creating and changing a workflow: the create page, the edit page, its check page, the graph
preview, and the revision history (compare any two, restore one through the same check).

Nobody overwrites a change they have not seen: the edit form carries the `updatedAt` it started
from; the check page and, again, the save read the workflow just before writing, and if it
changed meanwhile they show who changed what instead of saving. Writes use `patch` with only
the fields the person changed; a restore replaces the workflow as a whole with `put`.
Every write needs edit access, checked on the workflow as read before any upstream write.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from workflows_app.civis import errors
from workflows_app.core import changes
from workflows_app.core.accounts import client_for, signed_in
from workflows_app.editing import revisions
from workflows_app.editing.changes import Version, describe_change, field_diffs
from workflows_app.editing.checks import (
    MAX_DEFINITION_CHARS,
    read_definition,
    too_long_message,
)
from workflows_app.editing.forms import CreateForm, EditForm, stamp
from workflows_app.editing.starters import BY_KEY, STARTERS
from workflows_app.git.views import page_url as git_url
from workflows_app.models import WorkflowRevision
from workflows_app.words import changes as change_words
from workflows_app.words.states import UNFINISHED_EXECUTION_STATES

WHAT = "changing it"

# -- create ------------------------------------------------------------------------------------


@signed_in
def create(request):
    starter = BY_KEY.get(request.GET.get("start", ""))
    if request.method != "POST":
        initial = {"definition": starter.definition} if starter else {}
        context = {"form": CreateForm(initial=initial), "starters": STARTERS, "starter": starter}
        return render(request, "editing/create.html", context)
    form = CreateForm(request.POST)
    context = {"form": form, "starters": STARTERS, "starter": None, "reading": None}
    if not form.is_valid():
        return render(request, "editing/create.html", context, status=400)
    data = form.cleaned_data
    if data.get("from_job_chain"):
        created = _post(request, form, context, from_job_chain=data["from_job_chain"])
    else:
        reading = read_definition(data["definition"])
        context["reading"] = reading
        if reading.refused or (not reading.ok and "save_anyway" not in request.POST):
            return render(request, "editing/create.html", context, status=400)
        created = _post(request, form, context, definition=data["definition"])
    if isinstance(created, HttpResponse):
        return created
    summary = [change_words.created(created.name)]
    revisions.record(request, created, WorkflowRevision.Kind.CREATED, Version(), summary)
    messages.success(request, f"Created “{created.name}”.")
    _say_platform_verdict(request, created)
    return redirect("workflows:detail", created.id)


def _post(request, form, context, **definition):
    data = form.cleaned_data
    try:
        return client_for(request).post_workflow(
            data["name"], description=data.get("description") or None, **definition
        )
    except errors.Invalid as refusal:
        form.add_error(None, f"The platform refused it: {refusal}")
        return render(request, "editing/create.html", context, status=400)


def _say_platform_verdict(request, workflow) -> None:
    if workflow.valid is False:
        messages.warning(
            request,
            "Saved, but the platform says it won't run until fixed: "
            + (workflow.validation_errors or "its definition has errors."),
        )


# -- edit, check, save -------------------------------------------------------------------------


def _edit_page_again(request, workflow) -> tuple[str, dict]:
    """The edit page when the platform did not answer a check or a save: what the person wrote
    kept, to check again in a minute."""
    context = {"workflow": workflow, "form": EditForm(request.POST), "has_history": False}
    return "editing/edit.html", context


@signed_in
@changes.form_again_when_unanswered(_edit_page_again)
def edit(request, workflow_id: int):
    """GET: the form. POST: `step` check (the check page), save (write it), back (the form
    again, with what the person wrote)."""
    if request.method != "POST":
        _, workflow, refusal = changes.load(request, workflow_id, WHAT)
        return refusal or _edit_page(request, workflow, EditForm.starting_from(workflow))
    form = EditForm(request.POST)
    step = request.POST.get("step", "check")
    if form.is_valid() and step in ("save", "save_anyway", "save_then_git"):
        return _save(request, workflow_id, form, anyway=step == "save_anyway")
    if form.is_valid() and step != "back":
        return _check(request, workflow_id, form)
    _, workflow, refusal = changes.load(request, workflow_id, WHAT)
    status = 200 if form.is_valid() else 400
    return refusal or _edit_page(request, workflow, form, status=status)


def _edit_page(request, workflow, form, status: int = 200):
    history = WorkflowRevision.objects.filter(workflow_id=workflow.id).exists()
    git = changes.unless_refused(lambda: client_for(request).list_git(workflow.id))
    linked = git if git is not None and git.attached else None
    context = {"workflow": workflow, "form": form, "has_history": history, "git": linked}
    return render(request, "editing/edit.html", context, status=status)


def _read_for_check(request, workflow_id: int, what: str):
    """(workflow, its runs still going, its git link or None, refusal or None), read at once:
    what the check page of an edit or a restore shows."""
    _, workflow, (runs, git), refusal = changes.load_with(
        request,
        workflow_id,
        what,
        lambda client: client.list_executions(workflow_id, limit=5),
        lambda client: changes.unless_refused(lambda: client.list_git(workflow_id)),
    )
    running = [run for run in runs.items if run.state in UNFINISHED_EXECUTION_STATES]
    return workflow, running, git, refusal


def _check(request, workflow_id: int, form):
    """The check page, unless the workflow changed since the form was opened."""
    workflow, running, git, refusal = _read_for_check(request, workflow_id, WHAT)
    if refusal:
        return refusal
    if stamp(workflow.updated_at) != form.cleaned_data["started_at"]:
        return _conflict(request, workflow, form)
    return _check_page(request, workflow, form, running=running, git=git)


def _check_page(request, workflow, form, *, running=(), git=None, status: int = 200):
    now, proposed = Version.of(workflow), form.version()
    # Only a definition this change touches is checked: a name change of a workflow whose
    # definition is already broken is not held up by it (the workflow page says it is broken).
    changed = proposed.definition != now.definition
    reading = read_definition(proposed.definition) if changed else None
    summary = describe_change(now, proposed)
    restore_of = form.cleaned_data.get("restore_of")
    context = {
        "workflow": workflow,
        "form": form,
        "summary": summary,
        "nothing_changed": not summary,
        "nothing_words": change_words.NOTHING_CHANGED,
        "diffs": field_diffs(now, proposed),
        "reading": reading,
        "running": running,
        "git": git if git is not None and getattr(git, "attached", False) else None,
        "restoring": WorkflowRevision.objects.filter(id=restore_of, workflow_id=workflow.id).first()
        if restore_of
        else None,
    }
    return render(request, "editing/check.html", context, status=status)


def _conflict(request, workflow, form):
    """Someone saved since this person started: what they changed, and two ways on."""
    base, mine, theirs = form.base(), form.version(), Version.of(workflow)
    mine_on_theirs = theirs.with_fields(**{f: getattr(mine, f) for f in mine.changed_fields(base)})
    again = EditForm.starting_from(workflow, mine_on_theirs, form.cleaned_data.get("restore_of"))
    context = {
        "workflow": workflow,
        "who": revisions.who_saved(workflow),
        "their_summary": describe_change(base, theirs) or [change_words.NOTHING_CHANGED],
        "their_diffs": field_diffs(base, theirs),
        "my_summary": describe_change(base, mine),
        "reapply": again,
    }
    return render(request, "editing/conflict.html", context, status=409)


def _save(request, workflow_id: int, form, anyway: bool = False):
    """Read the workflow again just before writing; write only if nobody changed it since."""
    client, workflow, refusal = changes.load(request, workflow_id, WHAT)
    if refusal:
        return refusal
    if stamp(workflow.updated_at) != form.cleaned_data["started_at"]:
        return _conflict(request, workflow, form)
    now, proposed = Version.of(workflow), form.version()
    summary = describe_change(now, proposed)
    if not summary:
        messages.info(request, change_words.NOTHING_CHANGED + ".")
        return redirect("workflows:detail", workflow_id)
    if proposed.definition != now.definition:
        reading = read_definition(proposed.definition)
        if reading.refused or (not reading.ok and not anyway):
            return _check_page(request, workflow, form, status=400)
    restoring = form.cleaned_data.get("restore_of")
    source = (
        WorkflowRevision.objects.filter(id=restoring, workflow_id=workflow_id).first()
        if restoring
        else None
    )
    try:
        if source is not None:
            # A restore replaces the workflow as a whole: every attribute is sent, the ones
            # the revision does not hold (schedule, notifications, ...) as they are now.
            saved = client.put_workflow(
                workflow_id,
                proposed.name,
                description=proposed.description,
                definition=proposed.definition,
                schedule=workflow.schedule,
                allow_concurrent_executions=workflow.allow_concurrent_executions,
                time_zone=workflow.time_zone,
                notifications=workflow.notifications,
            )
        else:
            changed = {f: getattr(proposed, f) for f in proposed.changed_fields(now)}
            saved = client.patch_workflow(workflow_id, **changed)
    except errors.Invalid as refusal:
        form.add_error(None, f"The platform refused the change: {refusal}")
        return _check_page(request, workflow, form, status=400)
    kind = WorkflowRevision.Kind.RESTORED if source else WorkflowRevision.Kind.CHANGED
    revisions.record(request, saved, kind, now, summary, restored_from=source)
    more = "…" if len(summary) > 5 else ""
    messages.success(request, "Saved. " + "; ".join(summary[:5]) + more)
    _say_platform_verdict(request, saved)
    if request.POST.get("step") == "save_then_git":  # linked to git: commit it next
        return redirect(git_url(workflow_id, message="; ".join(summary)[:2000]) + "#commit")
    return redirect("workflows:detail", workflow_id)


# -- the task graph preview ------------------------------------------------------------------


@signed_in
@require_POST
def preview(request):
    """The task graph of the posted definition (htmx, as the person types). No upstream call."""
    definition = request.POST.get("definition", "")
    if len(definition) > MAX_DEFINITION_CHARS:
        context = {"too_long": too_long_message(len(definition))}
        return render(request, "editing/_preview.html", context)
    context = {"definition": definition, "reading": read_definition(definition)}
    return render(request, "editing/_preview.html", context)


# -- history -----------------------------------------------------------------------------------


@signed_in
def history(request, workflow_id: int):
    """The revisions kept by the console, newest first, and any two side by side."""
    workflow = client_for(request).get_workflow(workflow_id)
    kept = list(WorkflowRevision.objects.filter(workflow_id=workflow_id)[:200])
    versions = {"now": Version.of(workflow)}
    for revision in kept:
        if revision.kind != WorkflowRevision.Kind.CREATED:  # nothing came before it
            versions[str(revision.id)] = revisions.version_before(revision)
    left, right = request.GET.get("a"), request.GET.get("b")
    compared = None
    if left in versions and right in versions and left != right:
        compared = {
            "left": left,
            "right": right,
            "summary": describe_change(versions[left], versions[right]),
            "diffs": field_diffs(versions[left], versions[right]),
        }
    context = {
        "workflow": workflow,
        "revisions": kept,
        "compared": compared,
        "labels": {key: revisions.label(key, kept) for key in versions},
    }
    return render(request, "editing/history.html", context)


@signed_in
@require_POST
def restore(request, workflow_id: int, revision_id: int):
    """A kept version goes through the same check page as an edit (and saves with `put`)."""
    revision = get_object_or_404(
        WorkflowRevision.objects.exclude(kind=WorkflowRevision.Kind.CREATED),
        id=revision_id,
        workflow_id=workflow_id,
    )
    workflow, running, git, refusal = _read_for_check(
        request, workflow_id, "restoring an earlier version"
    )
    if refusal:
        return refusal
    form = EditForm(
        EditForm.starting_from(workflow, revisions.version_before(revision), revision.id).initial
    )
    form.is_valid()
    return _check_page(request, workflow, form, running=running, git=git)


def edit_url(workflow_id: int) -> str:
    return reverse("editing:edit", args=[workflow_id])
