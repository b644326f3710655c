"""Retention: what the console's own tables keep, and for how long (settings RETAIN_*; the
defaults are in .env.example). Beat runs `prune` (task `retention.prune`) every
RETENTION_EVERY_SECONDS. Rows go in batches of RETENTION_BATCH_SIZE, each its own short
statement, so a large backlog never holds a long lock. The audit log is kept for ever unless
RETAIN_AUDIT_DAYS says otherwise.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from workflows_app.models import AuditEntry
from workflows_app.models.bulk import BulkItem, BulkJob, Notification
from workflows_app.models.runs import IndexedExecution


def delete_in_batches(rows: QuerySet[Model], batch: int) -> int:
    """Delete `rows` `batch` at a time (by primary key); how many went."""
    model = rows.model
    deleted = 0
    while True:
        keys = list(rows.order_by("pk").values_list("pk", flat=True)[:batch])
        if not keys:
            return deleted
        _, by_model = model._default_manager.filter(pk__in=keys).delete()
        deleted += by_model.get(model._meta.label, 0)
        if len(keys) < batch:
            return deleted


def _days(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def expired(now=None) -> dict[str, QuerySet]:
    """What `prune` deletes now, by name (a setting of 0 days keeps that kind for ever)."""
    now = now or timezone.now()
    ago = {
        name: now - timedelta(days=days)
        for name, days in {
            "notifications": _days("RETAIN_READ_NOTIFICATIONS_DAYS", 90),
            "bulk_items": _days("RETAIN_BULK_ITEMS_DAYS", 90),
            "index_rows": _days("RETAIN_INDEX_DAYS", 30),
            "audit": _days("RETAIN_AUDIT_DAYS", 0),
        }.items()
        if days > 0
    }
    found: dict[str, QuerySet] = {"sessions": Session.objects.filter(expire_date__lt=now)}
    if "notifications" in ago:
        found["notifications"] = Notification.objects.filter(read_at__lt=ago["notifications"])
    if "bulk_items" in ago:
        ended = [BulkJob.State.FINISHED, BulkJob.State.CANCELLED]
        found["bulk_items"] = BulkItem.objects.filter(
            job__state__in=ended, job__finished_at__lt=ago["bulk_items"]
        )
    if "index_rows" in ago:
        cutoff = ago["index_rows"]
        found["index_rows"] = IndexedExecution.objects.filter(
            Q(created_at__lt=cutoff) | Q(created_at__isnull=True, seen_at__lt=cutoff)
        )
    if "audit" in ago:
        found["audit"] = AuditEntry.objects.filter(at__lt=ago["audit"])
    return found


def prune(now=None) -> dict[str, int]:
    """Delete what has outlived its retention; how many rows of each kind went."""
    batch = int(getattr(settings, "RETENTION_BATCH_SIZE", 1000))
    return {name: delete_in_batches(rows, batch) for name, rows in expired(now).items()}
