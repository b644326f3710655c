"""One running bulk job per person: the rest wait their turn, oldest first.

One person starting ten jobs at once would otherwise hold every bulk worker thread. A job
started while its person has one running is made `waiting` (no chain, nothing enqueued); when
the running one ends (finished or cancelled), the next waiting one is made `running` with a
new chain and enqueued. The task that ran the last slice does that at once; the sweeper does it
for any person left with waiting jobs and none running (a job finished by the sweeper, a lost
message), so a waiting job never waits for nothing.

Each decision is taken with the person's row locked (PostgreSQL; SQLite's transactions are
IMMEDIATE, one writer at a time), so two endings, or a start and an ending, cannot both decide
that it is their turn.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from workflows_app.bulk.runner import new_chain
from workflows_app.models.bulk import BulkJob

State = BulkJob.State


def _lock_person(user_id: int) -> None:
    get_user_model().objects.select_for_update().filter(pk=user_id).first()


def has_running(user_id: int) -> bool:
    return BulkJob.objects.filter(started_by_id=user_id, state=State.RUNNING).exists()


def must_wait(user_id: int) -> bool:
    """True when a job this person starts now must wait: one of theirs is running, or others
    wait already (first come, first served). Call inside a transaction: it locks the person."""
    _lock_person(user_id)
    return BulkJob.objects.filter(
        started_by_id=user_id, state__in=[State.RUNNING, State.WAITING]
    ).exists()


def start_next(user_id: int) -> tuple[int, str] | None:
    """Make this person's oldest waiting job running, under a new chain, when none of theirs
    runs; (job id, chain) for the caller to enqueue, or None."""
    with transaction.atomic():
        _lock_person(user_id)
        if has_running(user_id):
            return None
        job_id = (
            BulkJob.objects.filter(started_by_id=user_id, state=State.WAITING)
            .order_by("created_at", "id")
            .values_list("id", flat=True)
            .first()
        )
        if job_id is None:
            return None
        chain = new_chain()
        # The beat gives the first slice a claim timeout to start before the sweeper takes
        # the job for dead (its created_at may be long past).
        started = BulkJob.objects.filter(id=job_id, state=State.WAITING).update(
            state=State.RUNNING, chain=chain, heartbeat_at=timezone.now()
        )
    return (job_id, chain) if started else None


def start_next_after(job_id: int) -> tuple[int, str] | None:
    """The next job of the person whose job `job_id` is, if that job has ended."""
    row = BulkJob.objects.filter(id=job_id).values("started_by_id", "state").first()
    if row is None or row["state"] in (State.RUNNING, State.WAITING):
        return None
    return start_next(row["started_by_id"])


def start_waiting(kick: Callable[[int, str], None]) -> int:
    """The sweeper's part: everyone with a waiting job and none running gets the next one
    started (`kick(job_id, chain)` enqueues it). Returns how many were started."""
    running = BulkJob.objects.filter(state=State.RUNNING).values("started_by_id")
    people = set(
        BulkJob.objects.filter(state=State.WAITING)
        .exclude(started_by_id__in=running)
        .values_list("started_by_id", flat=True)
    )
    started = 0
    for user_id in sorted(people):
        if (turn := start_next(user_id)) is not None:
            kick(*turn)
            started += 1
    return started
