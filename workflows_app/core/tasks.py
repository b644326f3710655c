"""Housekeeping of sign-in data."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from workflows_app.models import SessionKey


def purge_stale_keys() -> int:
    """Delete the encrypted keys of sessions that ended without a sign-out (idle timeout, closed
    browser): a key must not outlive the session it was given for."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    deleted, _ = SessionKey.objects.exclude(session_key__in=live).delete()
    return deleted


@shared_task(name="accounts.purge_stale_keys")
def purge_stale_keys_task() -> int:
    return purge_stale_keys()


@shared_task(name="retention.prune")
def prune_task() -> dict[str, int]:
    """Beat: delete what has outlived its retention (core/retention.py)."""
    from workflows_app.core import retention

    return retention.prune()
