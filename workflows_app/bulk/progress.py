"""A job's progress in words: "128 of 500 done, 2 failed, about 3 minutes left", its rate,
and the look (word + icon + tone) of each item's state."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from workflows_app.bulk.runner import GIVE_UP_MINUTES, SILENT_AFTER, problem_count, state_counts
from workflows_app.models.bulk import BulkItem, BulkJob
from workflows_app.words import bulk as bulk_words
from workflows_app.words.states import (
    BULK_JOB_LOOKS,
    DONE_WITH_PROBLEMS,
    FINISHED_WITH_FAILURES,
    NOT_STARTED,
    StateLook,
)

Item = BulkItem.State


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    failed: int
    skipped: int
    pending: int
    running: int
    per_second: float | None
    seconds_left: float | None
    active: bool
    # Why nothing moves right now, in words ("" when it is working or over).
    waiting: str = ""
    # Done items where something asked for did not happen (runner.problem_count).
    problems: int = 0

    @property
    def settled(self) -> int:
        return self.done + self.failed + self.skipped

    @property
    def percent(self) -> int:
        return 100 if not self.total else math.floor(100 * self.settled / self.total)

    @property
    def sentence(self) -> str:
        words = f"{self.settled} of {self.total} done"
        if self.failed:
            words += f", {self.failed} failed"
        if self.problems:
            words += f", {bulk_words.with_problems(self.problems)}"
        if self.skipped:
            words += f", {self.skipped} {NOT_STARTED.label.lower()}"
        if self.active and self.seconds_left is not None and not self.waiting:
            words += f", {time_left_words(self.seconds_left)}"
        return words

    @property
    def rate_words(self) -> str:
        if self.per_second is None:
            return ""
        if self.per_second >= 1:
            return f"about {round(self.per_second)} a second"
        return f"about {max(1, round(self.per_second * 60))} a minute"


def progress_of(job: BulkJob, now: datetime | None = None) -> Progress:
    counts = state_counts(job.id)
    done = counts.get(Item.DONE, 0)
    failed = counts.get(Item.FAILED, 0)
    skipped = counts.get(Item.SKIPPED, 0)
    pending = counts.get(Item.PENDING, 0)
    running = counts.get(Item.RUNNING, 0)
    now = now or timezone.now()
    per_second = seconds_left = None
    # The rate of the last minute (of the job's working life), not since its start: after
    # a pause or a retry of failed items, the old pace says nothing about the new one.
    end = job.finished_at or now
    recent = BulkItem.objects.filter(
        job_id=job.id,
        state__in=[Item.DONE, Item.FAILED],
        finished_at__gt=end - RECENT,
        finished_at__lte=end,
    ).values_list("finished_at", flat=True)
    finish_times = [at for at in recent if at is not None]
    if finish_times:
        since = min(finish_times)
        elapsed = max((end - since).total_seconds(), 1.0)
        per_second = len(finish_times) / elapsed
        seconds_left = (pending + running) / per_second
    return Progress(
        total=job.total,
        done=done,
        failed=failed,
        skipped=skipped,
        pending=pending,
        running=running,
        per_second=per_second,
        seconds_left=seconds_left,
        active=job.is_active,
        waiting=waiting_words(job, now) if job.is_active else "",
        problems=problem_count(job.id) if done else 0,
    )


RECENT = timedelta(minutes=1)


def waiting_words(job: BulkJob, now: datetime) -> str:
    """Why a running job is not moving, if it is not: its person's earlier job is running, no
    worker beating, or a pause."""
    if job.state == BulkJob.State.WAITING:
        return bulk_words.WAITING_FOR_EARLIER_JOB
    if job.paused_until and job.paused_until > now:
        if job.pause_reason == "unreachable":
            return bulk_words.PAUSED_UNREACHABLE.format(minutes=GIVE_UP_MINUTES)
        return bulk_words.PAUSED_RATE
    beat = job.heartbeat_at or job.created_at
    if beat and now - beat > SILENT_AFTER:
        return bulk_words.PAUSED_FOR_WORKER
    return ""


def time_left_words(seconds: float) -> str:
    if seconds < 60:
        return "less than a minute left"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} minute{'s' if minutes != 1 else ''} left"
    hours = round(minutes / 60)
    return f"about {hours} hour{'s' if hours != 1 else ''} left"


def job_look(job: BulkJob, progress: Progress) -> StateLook:
    if job.state == BulkJob.State.FINISHED and progress.failed:
        return FINISHED_WITH_FAILURES
    if job.state == BulkJob.State.FINISHED and progress.problems:
        return DONE_WITH_PROBLEMS
    return BULK_JOB_LOOKS.get(job.state, BULK_JOB_LOOKS[BulkJob.State.RUNNING])
