"""Celery tasks for bulk jobs. Thin: they take a job id, the runner does the work."""

from celery import shared_task
from django.db import OperationalError

from workflows_app.bulk import reads, runner, turns


@shared_task(
    bind=True,
    name="bulk.run_job",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def run_bulk_job(self, job_id: int, chain: str | None = None) -> int:
    """One slice of the job's chain `chain`; enqueues the next slice of the same chain (on the
    queue this one came from) while items are left; once the job has ended, starts the same
    person's next waiting job (on that queue too). Without `chain` (a job started with
    `enqueue=False`), the slice names the job's chain if it has none yet, else does nothing.
    Returns how many items this slice did."""
    if chain is None and (chain := runner.adopt_chain(job_id)) is None:
        return 0
    result = runner.run_slice(job_id, chain=chain)
    queue = (self.request.delivery_info or {}).get("routing_key")
    if result.again_in is not None:
        self.apply_async((job_id, chain), countdown=result.again_in, queue=queue)
    elif (turn := turns.start_next_after(job_id)) is not None:
        self.apply_async(turn, queue=queue)
    return result.worked


@shared_task(name="bulk.sweep")
def sweep_bulk_jobs() -> int:
    """Beat: re-queue items of dead runners and restart jobs with work left, each under a new
    chain token; start the next waiting job of anyone who has none running."""
    kick = lambda job_id, chain: run_bulk_job.delay(job_id, chain)  # noqa: E731
    return runner.sweep(kick=kick) + turns.start_waiting(kick)


@shared_task(name="bulk.read_for_wizard", ignore_result=True)
def read_for_wizard(
    draft_id: int, what: str, session_key_id: int, plan_key: str | None = None
) -> str:
    """One of the wizard's long reads (`reads.OWNED`, `LEAVER`, `SUGGESTED` or `CLOSED`) for
    the draft, as its owner through their SessionKey row; the page polls the read's record
    (`plan_key`: a hash of what the read depends on, no secret) for progress."""
    return reads.run(draft_id, what, session_key_id, plan_key)


@shared_task(name="bulk.read_for_job", ignore_result=True)
def read_for_job(job_id: int, session_key_id: int) -> str:
    """A finished offboarding job's read of what the leaver can still open (`reads.AFTERWARDS`),
    as who started it through their SessionKey row; the job's page polls its record."""
    return reads.run_for_job(job_id, session_key_id)
