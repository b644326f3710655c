"""Celery beat task of the notification centre (thin: the work is in `email`)."""

from celery import shared_task

from workflows_app.notifications import email


@shared_task(name="notifications.send_digests", ignore_result=True)
def send_digests() -> int:
    """Periodic (beat, every minute): send the daily digests that are due."""
    return email.send_digests()
