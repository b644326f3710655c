"""Keeping revisions: what each save through the console replaced, who saved it, and what it
said; and who made the change a person finds when someone saved before them."""

from __future__ import annotations

from django.utils import timezone

from workflows_app.editing.changes import Version
from workflows_app.models import WorkflowRevision


def record(request, saved, kind: str, before: Version, summary: list[str], restored_from=None):
    """Keep `before` (the version this save replaced) with who saved it and the summary."""
    account = getattr(request.user, "civis", None)
    return WorkflowRevision.objects.create(
        workflow_id=saved.id,
        kind=kind,
        actor=request.user,
        actor_civis_id=account.civis_user_id if account else None,
        actor_name=account.name if account else request.user.get_username(),
        summary="\n".join(summary),
        name_before=before.name[:255],
        description_before=before.description,
        definition_before=before.definition,
        updated_at_after=saved.updated_at,
        restored_from=restored_from,
    )


def version_before(revision: WorkflowRevision) -> Version:
    return Version(
        name=revision.name_before,
        description=revision.description_before,
        definition=revision.definition_before,
    )


def who_saved(workflow) -> dict:
    """Who made the workflow what it is now, when the console knows: the save through the
    console that produced its `updatedAt`; otherwise someone outside the console."""
    revision = WorkflowRevision.objects.filter(
        workflow_id=workflow.id, updated_at_after=workflow.updated_at
    ).first()
    return {
        "name": revision.actor_name if revision else None,
        "at": workflow.updated_at or timezone.now(),
        "through_console": revision is not None,
    }


def label(key: str, kept: list[WorkflowRevision]) -> str:
    """How the history page names a version: 'now', or the one a save replaced."""
    if key == "now":
        return "As it is now"
    for revision in kept:
        if str(revision.id) == key:
            when = timezone.localtime(revision.saved_at).strftime("%-d %b %Y %H:%M")
            return f"Before {revision.actor_name or 'someone'}’s change of {when}"
    return key
