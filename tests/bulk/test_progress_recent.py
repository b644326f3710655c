"""A job's page tells the truth while it waits: a silent runner reads "waiting for a worker",
and the rate and time left come from the last minute, not from the job's start."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from workflows_app.bulk.progress import progress_of
from workflows_app.models.bulk import BulkItem, BulkJob
from workflows_app.words import bulk as bulk_words


def _job(db_user, *, heartbeat_ago: float, started_ago: float, done_recently: int, left: int):
    now = timezone.now()
    job = BulkJob.objects.create(
        kind="transfer",
        started_by=db_user,
        title="Recent",
        total=done_recently + left,
        started_at=now - timedelta(seconds=started_ago),
        heartbeat_at=now - timedelta(seconds=heartbeat_ago),
    )
    BulkItem.objects.bulk_create(
        [
            BulkItem(
                job=job,
                workflow_id=n,
                workflow_name=f"w{n}",
                state="done",
                finished_at=now - timedelta(seconds=10 * n / done_recently),
            )
            for n in range(done_recently)
        ]
        + [BulkItem(job=job, workflow_id=1000 + n, workflow_name="x") for n in range(left)]
    )
    return job


def test_a_silent_runner_reads_waiting_for_a_worker(db):
    user = get_user_model().objects.create(username="p1")
    job = _job(user, heartbeat_ago=25, started_ago=60, done_recently=5, left=20)
    progress = progress_of(job)
    assert progress.waiting == bulk_words.PAUSED_FOR_WORKER
    assert "left" not in progress.sentence  # no promise of a time while nothing moves

    alive = _job(user, heartbeat_ago=1, started_ago=60, done_recently=5, left=20)
    assert progress_of(alive).waiting == ""


def test_rate_and_time_left_come_from_the_last_minute(db):
    user = get_user_model().objects.create(username="p2")
    # An hour-old job (a retry of failed items) that did 40 items in the last 10 s.
    job = _job(user, heartbeat_ago=0, started_ago=3600, done_recently=40, left=40)
    progress = progress_of(job)
    assert progress.per_second is not None and progress.per_second >= 3
    assert progress.rate_words.endswith("a second")
    assert "less than a minute left" in progress.sentence
