"""Workflow pages: the list, one workflow, its run history, and running it.

Each page and its htmx fragment share one URL; the fragment is what a filter, search or pager
swaps in, and the full page (same query string) is what back, refresh and a shared link get.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from workflows_app.access import backfill
from workflows_app.bulk.left_closed import left_closed
from workflows_app.civis import errors
from workflows_app.civis.concurrency import gather
from workflows_app.core.accounts import client_for, signed_in
from workflows_app.core.changes import unless_refused
from workflows_app.core.rendering import page_or_fragment
from workflows_app.models import SessionKey
from workflows_app.pickers import lookup as people_lookup
from workflows_app.pictures.duration_chart import render_duration_chart, success_rate
from workflows_app.runs import retries
from workflows_app.words.access import BEING_CHECKED
from workflows_app.words.counts import all_of
from workflows_app.words.notifications import describe_notifications
from workflows_app.words.states import workflow_state
from workflows_app.workflows import seen as seen_workflows
from workflows_app.workflows.forms import RunHistoryFilterForm, RunWorkflowForm, WorkflowFilterForm
from workflows_app.workflows.listing import (
    forget_paused,
    list_runs,
    list_workflows,
    remember_paused,
)
from workflows_app.workflows.run_inputs import run_choices

RECENT_RUNS = 10
SORTS = ("name", "updated", "created")


def execution_path(workflow_id: int, execution_id: int) -> str:
    """Where an execution's own page lives (served by the execution pages)."""
    return reverse("runs:execution", args=[workflow_id, execution_id])


def _viewer_id(request) -> int:
    return request.user.civis.civis_user_id


@signed_in
def workflow_list(request):
    form = WorkflowFilterForm(request.GET)
    listing, seen, nobody_named = None, {}, False
    if form.is_valid():
        client = client_for(request)
        owner_ids = None
        if form.owner_name_wanted:
            people = people_lookup.people_named(client, form.owner_name_wanted)
            owner_ids = [person_id for person_id, _ in people]
            nobody_named = not owner_ids
        if not nobody_named:
            params = form.api_params(me=_viewer_id(request), owner_ids=owner_ids)
            listing = list_workflows(
                client,
                params,
                form.search,
                viewer_id=_viewer_id(request),
                shown_states=form.shown_states,
            )
            seen = seen_workflows.recall(request.user.civis, [w.id for w in listing.page])
    rows = _rows(listing, seen, _viewer_id(request))
    checking = _check_unknown_levels(request, rows)
    context = {
        "form": form,
        "listing": listing,
        "rows": rows,
        "checking": checking,  # rows whose level a worker is reading now
        "nobody_named": nobody_named,
        "sort_links": {key: form.sort_link(key) for key in SORTS} if form.is_valid() else {},
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
    }
    status = 200 if form.is_valid() else 400
    return page_or_fragment(
        request, "workflows/workflow_list.html", "workflows/_workflow_results.html", context, status
    )


def _check_unknown_levels(request, rows: list[dict]) -> int:
    """Ask a worker for the viewer's level on the rows that do not know it (access/backfill.py)
    and say so in those rows ("being checked…" where "—" was); returns how many are."""
    unknown = [row["workflow"].id for row in rows if not row["level"]]
    if not unknown:
        return 0
    session_key_id = (
        SessionKey.objects.filter(session_key=request.session.session_key, user=request.user)
        .values_list("pk", flat=True)
        .first()
    )
    being_checked = backfill.ask(_viewer_id(request), session_key_id, unknown)
    for row in rows:
        if row["workflow"].id in being_checked:
            row["level"] = BEING_CHECKED
    return len(being_checked)


def _rows(listing, seen: dict, me: int) -> list[dict]:
    """Each workflow with what the console knows of the viewer's access and its last run."""
    if listing is None:
        return []
    rows = []
    for workflow in listing.page:
        known = seen.get(workflow.id)
        owned = workflow.owner is not None and workflow.owner.id == me
        rows.append(
            {
                "workflow": workflow,
                "owned": owned,
                "level": "manage" if owned else (known.level if known else None),
                "last_run_at": known.last_run_at if known else None,
                "state": "paused" if workflow.id in listing.paused else workflow.state,
            }
        )
    return rows


@signed_in
def workflow_detail(request, workflow_id: int):
    client = client_for(request)
    workflow, runs, shares, projects, git = gather(
        lambda: client.get_workflow(workflow_id),
        lambda: client.list_executions(workflow_id, limit=RECENT_RUNS),
        lambda: unless_refused(lambda: client.list_shares(workflow_id)),
        lambda: unless_refused(lambda: client.list_workflow_projects(workflow_id)),
        lambda: unless_refused(lambda: client.list_git(workflow_id)),
    )
    seen_workflows.remember(request.user.civis, workflow, runs.items)
    remember_paused(client.endpoint, workflow_id, workflow.state, runs.items)
    owner_id = workflow.owner.id if workflow.owner else None
    context = {
        "workflow": workflow,
        # What a bulk move to the viewer left closed to them (the console's rows, no call).
        "left_closed": left_closed(workflow_id, _viewer_id(request), owner_id),
        "runs": runs,
        "shares": shares,
        "shared_with": _besides_owner(shares, workflow),
        "projects": projects,
        "git": git if git is not None and git.attached else None,
        "notifications": describe_notifications(workflow.notifications),
        "owned": workflow.owner is not None and workflow.owner.id == _viewer_id(request),
        "state": workflow_state(workflow.state, runs.items),
        "see_all_runs": all_of(runs.total_entries or 0, "run"),
        "retried": retries.remembered(run.id for run in runs.items),  # timed from their retry
    }
    return render(request, "workflows/workflow_detail.html", context)


def _besides_owner(shares, workflow) -> list:
    """The people a workflow is shared with; the owner is listed among them upstream."""
    if shares is None:
        return []
    owner_id = workflow.owner.id if workflow.owner else None
    return [grantee for grantee in shares.users if grantee.id != owner_id]


@signed_in
def workflow_executions(request, workflow_id: int):
    client = client_for(request)
    form = RunHistoryFilterForm(request.GET)
    params = form.page_params()
    viewer_id = _viewer_id(request)
    workflow, listing = gather(
        lambda: client.get_workflow(workflow_id),
        lambda: list_runs(client, workflow_id, params, form.wanted_state, viewer_id=viewer_id),
    )
    seen_workflows.remember(request.user.civis, workflow, listing.page.items)
    succeeded, finished = success_rate(listing.page)
    retried = retries.remembered(run.id for run in listing.page)  # drawn from their retry
    context = {
        "workflow": workflow,
        "form": form,
        "listing": listing,
        "chart": render_duration_chart(
            listing.page, described_by="run-history-caption", retried=retried
        ),
        "retried": retried,
        "succeeded": succeeded,
        "finished": finished,
        "rate": round(100 * succeeded / finished) if finished else None,
    }
    return page_or_fragment(
        request,
        "workflows/workflow_executions.html",
        "workflows/_execution_results.html",
        context,
    )


@signed_in
def run_workflow(request, workflow_id: int):
    client = client_for(request)
    workflow = client.get_workflow(workflow_id)
    if not workflow.can_write:
        context = {"workflow": workflow}
        return render(request, "workflows/workflow_run_refused.html", context, status=403)
    bound = request.POST if request.method == "POST" else None
    choices = run_choices(workflow.definition)
    form = RunWorkflowForm(choices, bound)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                execution = client.post_executions(workflow_id, **form.api_params())
            except errors.Invalid as refusal:
                form.show_upstream_errors(refusal.field_errors, str(refusal))
            else:
                forget_paused(client.endpoint, workflow_id)
                messages.success(request, "The run has started.")
                return redirect(execution_path(workflow_id, execution.id))
        status = 400
    page = {"workflow": workflow, "form": form, "definition_problem": choices.problem}
    return render(request, "workflows/workflow_run.html", page, status=status)
