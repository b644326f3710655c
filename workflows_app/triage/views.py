"""The front page, acknowledging failure episodes, and watching a workflow."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from workflows_app.core.accounts import client_for, signed_in
from workflows_app.core.rendering import page_or_fragment, wants_fragment
from workflows_app.models import AuditEntry, CivisAccount, FailureEpisode
from workflows_app.triage import episodes, sections
from workflows_app.triage import watch as watching
from workflows_app.triage.forms import AcknowledgeForm, WatchForm
from workflows_app.words.triage import WATCH_MODES


def front_page(request):
    """Signed out: what this is and the way in. Signed in: what needs you (an htmx swap gets
    its lists alone: they ask again by themselves while some workflows were never read)."""
    if not request.user.is_authenticated:
        if wants_fragment(request):  # the lists asking again after the sign-in ended
            return HttpResponseClientRefresh()
        return render(request, "triage/welcome.html")
    account = request.user.civis
    page = sections.front_page(account, client_for(request))
    return page_or_fragment(
        request,
        "triage/front_page.html",
        "triage/_sections.html",
        {"page": page, "ack_form": AcknowledgeForm(), "worse_after": episodes.WORSE_AFTER},
    )


def _audit(account: CivisAccount, action: str, workflow_id: int, detail: str) -> None:
    AuditEntry.objects.create(
        actor=account.user,
        actor_civis_id=account.civis_user_id,
        actor_name=account.name,
        action=action,
        object_type="workflow",
        object_id=str(workflow_id),
        outcome=AuditEntry.Outcome.SUCCEEDED,
        detail=detail[:2000],
    )


def _episode_for(request, episode_id: int) -> FailureEpisode:
    """The episode, if the person may still open its workflow (asked as them)."""
    episode = get_object_or_404(FailureEpisode, pk=episode_id)
    client_for(request).get_workflow(episode.workflow_id)  # 404/403 upstream: not theirs
    return episode


@signed_in
@require_POST
def acknowledge(request, episode_id: int):
    episode = _episode_for(request, episode_id)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid() or not episode.is_open:
        messages.error(request, "Write a short note for others to acknowledge this failure.")
        return redirect("core:home")
    account = request.user.civis
    episodes.acknowledge(episode, account, form.cleaned_data["note"])
    _audit(account, "acknowledge_failure", episode.workflow_id, f"note: {episode.note}")
    messages.success(
        request,
        f"Acknowledged. {episode.workflow_name} is hidden from everyone's list until it gets "
        "worse.",
    )
    return redirect("core:home")


@signed_in
@require_POST
def undo_acknowledge(request, episode_id: int):
    episode = _episode_for(request, episode_id)
    if not episode.acknowledged:
        raise Http404
    episodes.unacknowledge(episode)
    _audit(request.user.civis, "undo_acknowledgement", episode.workflow_id, "")
    messages.success(request, f"{episode.workflow_name} is back in everyone's list.")
    return redirect("core:home")


@signed_in
@require_POST
def watch(request, workflow_id: int):
    form = WatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what you want to be told about.")
        return redirect("workflows:detail", workflow_id)
    workflow = client_for(request).get_workflow(workflow_id)  # only what they can open
    mode = form.cleaned_data["mode"]
    watching.set_mode(
        request.user.civis,
        workflow_id,
        mode,
        workflow.name or "",
        workflow.my_permission_level or "",
    )
    _audit(request.user.civis, "watch_workflow", workflow_id, f"mode: {mode}")
    messages.success(request, f"Watching {workflow.name}: {WATCH_MODES[mode].lower()}.")
    return redirect("workflows:detail", workflow_id)
