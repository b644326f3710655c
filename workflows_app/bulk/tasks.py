"""Celery tasks for bulk jobs. Thin: they take a job id, the runner does the work."""

from celery import shared_task
from django.db import OperationalError

from . import runner


@shared_task(
    name="bulk.run_job",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def run_bulk_job(job_id: int) -> int:
    """One slice of a job; enqueues the next slice while items are left. Returns items done."""
    result = runner.run_slice(job_id)
    if result.again_in is not None:
        run_bulk_job.apply_async((job_id,), countdown=result.again_in)
    return result.worked


@shared_task(name="bulk.sweep")
def sweep_bulk_jobs() -> int:
    """Beat: re-queue items of dead runners and restart jobs with work left."""
    return runner.sweep(kick=lambda job_id: run_bulk_job.delay(job_id))
