"""Working the items of a bulk job: claim, act, record; finish once; recover from dead workers.

A runner works one job for one *slice* (a minute at most, well inside Celery's time limits)
with `job.concurrency` threads. Each thread claims one pending item at a time with a
conditional UPDATE (`... WHERE state = 'pending'`) and proceeds only if it changed one row, so
two runners of the same job never work the same item. Outcomes are written as they happen,
again conditionally (`WHERE state = 'running' AND claimed_by = me`), so an item that the
sweeper handed to someone else is recorded once. When pending items remain after the slice,
the task runs again; when none are left, the job is finished by whoever gets there first.

`sweep` is the safety net (Celery beat): items claimed longer ago than the claim timeout by a
runner that stopped beating go back to pending, and jobs with work left but no live runner are
started again. Nothing is lost (every item ends done, failed or skipped) and nothing is stuck.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Count, F, Q
from django.utils import timezone

from .. import crypto
from ..civis import CivisClient, CivisError, RateLimited, RetryPolicy, Unavailable
from ..models_bulk import BulkItem, BulkJob
from . import notify
from .actions import ACTIONS, Work
from .pace import Pace

logger = logging.getLogger(__name__)

Item = BulkItem.State
# Transient failures (5xx, timeouts) are retried this many times in all, then reported.
MAX_ATTEMPTS = 5
SLICE_SECONDS = 60.0
# Calls go out once each: retries are the runner's (the item goes back to pending), so that a
# 429 pauses the whole job instead of one thread, and every attempt is counted on the item.
ONE_SHOT = RetryPolicy("bulk", max_retries=0, max_wait=0.0, backoff=0.0)


def claim_timeout() -> timedelta:
    return timedelta(seconds=getattr(settings, "BULK_CLAIM_TIMEOUT_SECONDS", 120))


@dataclass(frozen=True)
class SliceResult:
    """How a slice ended: `again_in` seconds until the job's next slice, or None when the
    job needs no more slices (finished, cancelled, or left to another runner)."""

    worked: int
    again_in: float | None


def run_slice(
    job_id: int,
    *,
    seconds: float = SLICE_SECONDS,
    client_factory: Callable[..., CivisClient] = CivisClient,
) -> SliceResult:
    """Work the job's pending items for up to `seconds`; finish the job if nothing is left."""
    job = BulkJob.objects.filter(id=job_id).first()
    if job is None or job.state != BulkJob.State.RUNNING:
        return SliceResult(0, None)
    key = crypto.decrypt(job.encrypted_key) if job.encrypted_key else None
    if key is None:
        _fail_pending(job, "The console no longer holds a key to act with. Retry the job.")
        finish_if_settled(job.id)
        return SliceResult(0, None)
    BulkJob.objects.filter(id=job.id, started_at__isnull=True).update(started_at=timezone.now())

    def remember_pause(seconds: float) -> None:
        until = timezone.now() + timedelta(seconds=seconds)
        BulkJob.objects.filter(id=job.id).update(paused_until=until)

    pace = Pace(job.concurrency, on_pause=remember_pause)
    if job.paused_until and job.paused_until > timezone.now():
        pace.pause((job.paused_until - timezone.now()).total_seconds())
    client = client_factory(
        key,
        profile=ONE_SHOT,
        actor_id=job.actor_civis_id,
        on_rate_limit=pace.observe,
    )
    worker = _Worker(job, client, pace, deadline=time.monotonic() + seconds)
    threads = [
        threading.Thread(target=worker.loop, name=f"bulk-{job.id}-{n}", daemon=True)
        for n in range(job.concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return SliceResult(worker.worked, _next_step(job.id, pace))


def _next_step(job_id: int, pace: Pace) -> float | None:
    counts = state_counts(job_id)
    if BulkJob.objects.filter(id=job_id, state=BulkJob.State.RUNNING).exists():
        if counts.get(Item.PENDING):
            return pace.pause_left()
        if not counts.get(Item.RUNNING):
            finish_if_settled(job_id)
    return None


class _Worker:
    """The loop each thread of a slice runs."""

    def __init__(self, job: BulkJob, client: CivisClient, pace: Pace, deadline: float) -> None:
        self.job = job
        self.client = client
        self.pace = pace
        self.deadline = deadline
        self.action = ACTIONS[job.kind]
        self.worked = 0
        self._lock = threading.Lock()
        self._beat_at = 0.0

    def loop(self) -> None:
        me = f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"
        try:
            while time.monotonic() < self.deadline and self.pace.pause_left() < (
                self.deadline - time.monotonic()
            ):
                item = claim(self.job.id, me, spread=self.job.concurrency)
                if item is None:
                    return
                self._heartbeat()
                self._work(item, me)
        finally:
            connection.close()  # each thread has its own connection; leave none behind

    def _heartbeat(self) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._beat_at < 1.0:
                return
            self._beat_at = now
        BulkJob.objects.filter(id=self.job.id).update(heartbeat_at=timezone.now())

    def _work(self, item: BulkItem, me: str) -> None:
        work = Work(
            workflow_id=item.workflow_id,
            known_owner_id=item.known_owner_id,
            params={**self.job.parameters, **item.params},
            retried=item.attempts > 1,
        )
        with self.pace.call(self.deadline) as may_call:
            if not may_call:
                release(item, me, undo_attempt=True)
                return
            try:
                outcome = self.action(self.client, work)
            except RateLimited as exc:
                self.pace.pause(exc.retry_after or 1.0)
                release(item, me, undo_attempt=True)
                return
            except Unavailable as exc:
                if item.attempts < MAX_ATTEMPTS:
                    release(item, me)
                    return
                record(item, me, Item.FAILED, _failure_words(exc), exc.status)
                return
            except CivisError as exc:
                record(item, me, Item.FAILED, _failure_words(exc), exc.status)
                return
        record(item, me, Item.DONE, outcome.message, outcome.upstream_status)
        with self._lock:
            self.worked += 1


def claim(job_id: int, me: str, *, spread: int = 1) -> BulkItem | None:
    """Take one pending item of the job for `me`, or None when there is none left.

    Candidates are the first few pending items (fewest attempts first, so items that failed
    transiently wait behind fresh ones); threads pick among them at random to collide less."""
    while True:
        candidates = list(
            BulkItem.objects.filter(job_id=job_id, state=Item.PENDING)
            .order_by("attempts", "id")
            .values_list("id", flat=True)[: max(1, spread * 2)]
        )
        if not candidates:
            return None
        random.shuffle(candidates)
        for item_id in candidates:
            taken = BulkItem.objects.filter(id=item_id, state=Item.PENDING).update(
                state=Item.RUNNING,
                attempts=F("attempts") + 1,
                claimed_at=timezone.now(),
                claimed_by=me,
            )
            if taken == 1:
                return BulkItem.objects.get(id=item_id)


def release(item: BulkItem, me: str, *, undo_attempt: bool = False) -> None:
    """Put a claimed item back for a later attempt (`undo_attempt`: nothing was sent)."""
    changes = {"state": Item.PENDING, "claimed_at": None, "claimed_by": ""}
    if undo_attempt:
        changes["attempts"] = F("attempts") - 1
    BulkItem.objects.filter(id=item.id, state=Item.RUNNING, claimed_by=me).update(**changes)


def record(item: BulkItem, me: str, state: str, message: str, status: int | None) -> bool:
    """Write an item's outcome, unless it was taken from `me` meanwhile (then the new holder
    records it). True when written."""
    written = BulkItem.objects.filter(id=item.id, state=Item.RUNNING, claimed_by=me).update(
        state=state, outcome=message[:2000], upstream_status=status, finished_at=timezone.now()
    )
    return written == 1


def _failure_words(exc: CivisError) -> str:
    what = exc.upstream_message or exc.message
    return f"Not changed: {what}"


def _fail_pending(job: BulkJob, message: str) -> None:
    BulkItem.objects.filter(job=job, state=Item.PENDING).update(
        state=Item.FAILED, outcome=message, finished_at=timezone.now()
    )


def state_counts(job_id: int) -> dict[str, int]:
    rows = BulkItem.objects.filter(job_id=job_id).values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


def finish_if_settled(job_id: int) -> bool:
    """Mark the job finished when no item is pending or running; the one caller that makes
    the change sends the summary. True when this call finished it."""
    counts = state_counts(job_id)
    if counts.get(Item.PENDING) or counts.get(Item.RUNNING):
        return False
    finished = BulkJob.objects.filter(id=job_id, state=BulkJob.State.RUNNING).update(
        state=BulkJob.State.FINISHED,
        finished_at=timezone.now(),
        encrypted_key="",
        paused_until=None,
        **count_fields(counts),
    )
    if finished:
        notify.send_summary(job_id)
    return bool(finished)


def count_fields(counts: dict[str, int]) -> dict[str, int]:
    return {
        "done_count": counts.get(Item.DONE, 0),
        "failed_count": counts.get(Item.FAILED, 0),
        "skipped_count": counts.get(Item.SKIPPED, 0),
    }


def sweep(older_than: timedelta | None = None, kick: Callable[[int], None] | None = None) -> int:
    """Re-queue items claimed by runners that stopped beating and restart their jobs.

    Returns how many jobs were kicked. `kick(job_id)` enqueues a runner (the task module
    passes its own), so this stays a plain function a test can call."""
    close_old_connections()
    cutoff = timezone.now() - (older_than or claim_timeout())
    BulkItem.objects.filter(
        state=Item.RUNNING, claimed_at__lt=cutoff, job__state=BulkJob.State.RUNNING
    ).update(state=Item.PENDING, claimed_at=None, claimed_by="")
    abandoned = Q(state=Item.PENDING) | Q(state=Item.RUNNING, claimed_at__lt=cutoff)
    BulkItem.objects.filter(abandoned, job__state=BulkJob.State.CANCELLED).update(
        state=Item.SKIPPED, outcome=CANCELLED_WORDS, finished_at=timezone.now()
    )
    kicked = 0
    idle = BulkJob.objects.filter(state=BulkJob.State.RUNNING, created_at__lt=cutoff).exclude(
        heartbeat_at__gte=cutoff
    )
    for job in idle:
        counts = state_counts(job.id)
        if counts.get(Item.PENDING):
            if kick is not None:
                kick(job.id)
                kicked += 1
        elif not counts.get(Item.RUNNING):
            finish_if_settled(job.id)
    for job_id in BulkJob.objects.filter(
        state__in=[BulkJob.State.FINISHED, BulkJob.State.CANCELLED],
        summary_sent_at__isnull=True,
        finished_at__lt=cutoff,
    ).values_list("id", flat=True):
        notify.send_summary(job_id)
    return kicked


CANCELLED_WORDS = "Not changed: the job was cancelled before this one started."
