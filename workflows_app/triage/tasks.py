"""Celery tasks of triage (thin: plain ids in, the engine does the work)."""

from celery import shared_task

from workflows_app.triage import engine


@shared_task(name="triage.refresh", ignore_result=True)
def refresh() -> int:
    """Periodic (beat, every TRIAGE_TICK_SECONDS): read the workflows of interest that are due,
    each once, and tell the people watching them what changed."""
    return engine.refresh_due()
