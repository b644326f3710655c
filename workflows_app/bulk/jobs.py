"""Starting, cancelling and retrying bulk jobs: what views (and the bench) call.

A job is enqueued only after its rows are committed (`delay_on_commit`), and its Celery
message carries the job id alone: the key is stored encrypted on the row and the runner
decrypts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from workflows_app.bulk import notify, turns
from workflows_app.bulk.runner import CANCELLED_WORDS, count_fields, new_chain, state_counts
from workflows_app.core import crypto
from workflows_app.models.bulk import BulkItem, BulkJob


class StillRunning(Exception):
    """The job is still working: its failed items are retried by asking again once it ends
    (putting them back now would start a second chain beside the running one)."""


@dataclass(frozen=True)
class ItemSpec:
    """One workflow to work on, with the owner seen when it was listed and its own params."""

    workflow_id: int
    name: str
    known_owner_id: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


def default_concurrency() -> int:
    return int(getattr(settings, "BULK_CONCURRENCY", 12))


def start_job(
    *,
    kind: str,
    user,
    actor_civis_id: int | None,
    api_key: str,
    title: str,
    parameters: Mapping[str, Any],
    items: Iterable[ItemSpec],
    concurrency: int | None = None,
    console_url: str = "",
    enqueue: bool = True,
) -> BulkJob:
    """Create the job and its items, and enqueue its runner once they are committed
    (`enqueue=False` leaves running it to the caller, e.g. a test calling the runner).
    `console_url` (the console's address as the person sees it) makes the email's link whole.
    While another job of the same person runs (or waits), this one waits its turn: no chain,
    nothing enqueued; `turns` starts it when the earlier ones have ended."""
    from workflows_app.bulk.tasks import run_bulk_job

    specs = list(items)
    with transaction.atomic():
        waits = turns.must_wait(user.pk)
        chain = new_chain() if enqueue and not waits else ""
        job = BulkJob.objects.create(
            kind=kind,
            state=BulkJob.State.WAITING if waits else BulkJob.State.RUNNING,
            started_by=user,
            actor_civis_id=actor_civis_id,
            title=title[:300],
            # The API the key belongs to: whichever worker runs the job calls that one.
            parameters={
                **parameters,
                "endpoint": settings.CIVIS_API_ENDPOINT,
                "console_url": console_url,
            },
            encrypted_key=crypto.encrypt(api_key),
            concurrency=concurrency or default_concurrency(),
            total=len(specs),
            chain=chain,
        )
        BulkItem.objects.bulk_create(
            [
                BulkItem(
                    job=job,
                    workflow_id=spec.workflow_id,
                    workflow_name=spec.name[:500],
                    known_owner_id=spec.known_owner_id,
                    params=dict(spec.params),
                )
                for spec in specs
            ],
            batch_size=500,
        )
        if chain:
            run_bulk_job.delay_on_commit(job.id, chain)
    return job


def cancel(job: BulkJob) -> bool:
    """Stop a running (or waiting) job: items not started are skipped, the key is deleted at
    once. Items already in flight finish and are recorded. The person's next waiting job, if
    any, starts. True when this call cancelled it."""
    with transaction.atomic():
        active = [BulkJob.State.RUNNING, BulkJob.State.WAITING]
        cancelled = BulkJob.objects.filter(id=job.id, state__in=active).update(
            state=BulkJob.State.CANCELLED,
            finished_at=timezone.now(),
            encrypted_key="",
            paused_until=None,
        )
        if not cancelled:
            return False
        BulkItem.objects.filter(job=job, state=BulkItem.State.PENDING).update(
            state=BulkItem.State.SKIPPED, outcome=CANCELLED_WORDS, finished_at=timezone.now()
        )
        BulkJob.objects.filter(id=job.id).update(**count_fields(state_counts(job.id)))
        transaction.on_commit(lambda: notify.send_summary(job.id))
        transaction.on_commit(lambda: _start_next_after(job.id))
    return True


def _start_next_after(job_id: int) -> None:
    from workflows_app.bulk.tasks import run_bulk_job

    if (turn := turns.start_next_after(job_id)) is not None:
        run_bulk_job.delay(*turn)


def retry_failed(job: BulkJob, api_key: str) -> int:
    """Put the job's failed items back to work, acting with `api_key` (the person's current
    session key, stored encrypted again for the life of the job) under a new chain. Returns
    how many. Raises `StillRunning` while the job is running or waiting; it waits its turn
    again when another job of the person runs."""
    from workflows_app.bulk.tasks import run_bulk_job

    with transaction.atomic():
        # Locked, and the state re-read under the lock: two retries (or a retry and the
        # job's own end) cannot both pass this check.
        state = BulkJob.objects.select_for_update().values_list("state", flat=True).get(id=job.id)
        if state in (BulkJob.State.RUNNING, BulkJob.State.WAITING):
            raise StillRunning
        # attempts=1: the next claim counts as a retry, so a transfer re-checks the owner
        # first, and the item gets a fresh allowance of transient failures.
        again = BulkItem.objects.filter(job=job, state=BulkItem.State.FAILED).update(
            state=BulkItem.State.PENDING,
            outcome="",
            upstream_status=None,
            attempts=1,
            claimed_at=None,
            claimed_by="",
            finished_at=None,
        )
        if not again:
            return 0
        waits = turns.must_wait(job.started_by_id)
        chain = "" if waits else new_chain()
        BulkJob.objects.filter(id=job.id).update(
            state=BulkJob.State.WAITING if waits else BulkJob.State.RUNNING,
            chain=chain,
            encrypted_key=crypto.encrypt(api_key),
            finished_at=None,
            summary_sent_at=None,
            heartbeat_at=None,
            **count_fields(state_counts(job.id)),
        )
        if chain:
            run_bulk_job.delay_on_commit(job.id, chain)
    return again
