"""Who watches which workflow, and how. Watching is personal and needs only read access."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from workflows_app.civis.client import CivisClient
from workflows_app.models import CivisAccount, TrackedWorkflow, Watch
from workflows_app.words.access import at_least

OWNED_RELIST_SECONDS = 30 * 60  # how often a person's own workflows are listed again
OWNED_LIMIT = 50  # one page: the most recently updated


def watch_of(account: CivisAccount, workflow_id: int) -> Watch | None:
    return Watch.objects.filter(account=account, workflow_id=workflow_id).first()


def set_mode(
    account: CivisAccount, workflow_id: int, mode: str, name: str = "", level: str = ""
) -> Watch:
    """Watch a workflow as `mode` (or stop, with `none`); the engine tracks it from now on."""
    watch, _ = Watch.objects.update_or_create(
        account=account,
        workflow_id=workflow_id,
        defaults={
            "mode": mode,
            "workflow_name": name[:255],
            "level": level or "",
            "access_lost_at": None,
            "access_checked_at": timezone.now(),
        },
    )
    if watch.active:
        track(workflow_id, name)
    return watch


def track(workflow_id: int, name: str = "") -> TrackedWorkflow:
    """Make sure the engine reads this workflow; read soon if it never was."""
    tracked, _ = TrackedWorkflow.objects.get_or_create(
        workflow_id=workflow_id, defaults={"name": name[:255]}
    )
    return tracked


def watch_owned(account: CivisAccount, workflows: Iterable) -> int:
    """Watch (failures and recovery) the person's own workflows they have not decided about:
    a row made by default is never made again once they changed or turned it off."""
    rows = [
        Watch(
            account=account,
            workflow_id=w.id,
            workflow_name=(w.name or "")[:255],
            mode=Watch.Mode.FAILURES,
            by_default=True,
            level="manage",
            access_checked_at=timezone.now(),
        )
        for w in workflows
    ]
    made = Watch.objects.bulk_create(rows, ignore_conflicts=True)
    for w in workflows:
        track(w.id, w.name or "")
    return len(made)


def list_owned(client: CivisClient, account: CivisAccount) -> tuple:
    """The person's most recently updated own workflows (one call, as them)."""
    return client.list_workflows(
        author=[account.civis_user_id], limit=OWNED_LIMIT, order="updated_at", order_dir="desc"
    ).items


def watchers(workflow_id: int, reason: str) -> list[Watch]:
    """Active watches of a workflow whose mode wants notices of this reason."""
    rows = Watch.objects.filter(workflow_id=workflow_id, access_lost_at__isnull=True).exclude(
        mode=Watch.Mode.NOTHING
    )
    if reason == "finished":
        rows = rows.filter(mode=Watch.Mode.EVERY_FINISH)
    watches = list(rows.select_related("account__user"))
    if reason == "waiting":  # only people who can resume a run are asked to
        watches = [w for w in watches if at_least(w.level or None, "write")]
    return watches


def watched_ids(account: CivisAccount) -> list[int]:
    return list(
        Watch.objects.filter(account=account, access_lost_at__isnull=True)
        .exclude(mode=Watch.Mode.NOTHING)
        .values_list("workflow_id", flat=True)
    )


def workflows_of_interest() -> list[int]:
    """Every workflow somebody watches (their own, by default, included)."""
    return list(
        Watch.objects.filter(access_lost_at__isnull=True)
        .exclude(mode=Watch.Mode.NOTHING)
        .values_list("workflow_id", flat=True)
        .distinct()
    )
