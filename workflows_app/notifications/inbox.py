"""Making, counting and reading notices. Every notice for a person is a `Notification` row."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from workflows_app.models import Notification

Reason = Notification.Reason
LEVELS: dict[str, str] = {
    Reason.FAILED: Notification.Level.ERROR,
    Reason.RECOVERED: Notification.Level.SUCCESS,
    Reason.FINISHED: Notification.Level.INFO,
    Reason.WAITING: Notification.Level.WARNING,
    Reason.DID_NOT_START: Notification.Level.WARNING,
    Reason.RUNNING_LONG: Notification.Level.WARNING,
}
# Notices worth an email (the rest wait in the inbox): something needs someone.
EMAILED: frozenset[str] = frozenset(
    {Reason.FAILED, Reason.WAITING, Reason.DID_NOT_START, Reason.RUNNING_LONG}
)


def notify(
    users: Iterable,
    reason: str,
    text: str,
    link: str = "",
    *,
    workflow_id: int | None = None,
    execution_id: int | None = None,
    episode=None,
) -> list[Notification]:
    """One notice for each of `users` (inbox only, never a toast), then its email as each
    person asked (at once, in their digest, or never)."""
    from workflows_app.notifications import email

    made = Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                reason=reason,
                level=LEVELS.get(reason, Notification.Level.INFO),
                text=text[:500],
                link=link[:300],
                workflow_id=workflow_id,
                execution_id=execution_id,
                episode=episode,
                toast=False,
                email_wanted=reason in EMAILED,
            )
            for user in users
        ]
    )
    for notification in made:
        if notification.email_wanted:
            email.deliver(notification)
    return made


def inbox(user, reason: str | None = None) -> QuerySet[Notification]:
    """The person's notices, newest first, of one reason when given."""
    rows = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    return rows.filter(reason=reason) if reason else rows


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int]) -> int:
    return Notification.objects.filter(user=user, id__in=list(ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _toasts(user) -> list[Notification]:
    found = list(Notification.objects.filter(user=user, toast=True, seen_at__isnull=True)[:5])
    if found:
        Notification.objects.filter(id__in=[n.id for n in found]).update(seen_at=timezone.now())
    return found


def _counts(user) -> dict[str, int]:
    """The unread count and how many toasts wait, in one query."""
    return Notification.objects.filter(user=user).aggregate(
        unread=Count("id", filter=Q(read_at__isnull=True)),
        toasts=Count("id", filter=Q(toast=True, seen_at__isnull=True)),
    )


def notifications(request) -> dict:
    """Context processor: `console_notifications` (bulk summaries shown once on the next page,
    fetched and marked seen only when a template shows them, so htmx fragments never swallow
    one) and `unread_notifications` (the nav count), both lazy. A page showing both asks the
    database once (both counts together); the toasts themselves only when some wait."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"console_notifications": (), "unread_notifications": 0}
    counts = SimpleLazyObject(lambda: _counts(user))
    return {
        "console_notifications": SimpleLazyObject(
            lambda: _toasts(user) if counts["toasts"] else []
        ),
        "unread_notifications": SimpleLazyObject(lambda: counts["unread"]),
        "unread_poll_seconds": settings.NOTIFICATION_COUNT_POLL_SECONDS,
    }
