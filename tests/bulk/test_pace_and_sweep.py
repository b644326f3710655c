"""Job-wide pacing from rate-limit headers, and the sweeper that recovers abandoned work."""

from datetime import UTC, datetime, timedelta

from django.core import mail
from django.utils import timezone

from tests.bulk.conftest import start_transfer
from tests.helpers import FakeClock
from workflows_app.bulk import runner
from workflows_app.bulk.pace import Pace
from workflows_app.civis import RateLimit
from workflows_app.models.bulk import BulkDraft, BulkItem, BulkJob, Notification


def headers(remaining: int, limit: int = 100) -> RateLimit:
    return RateLimit(limit, remaining, None, datetime.now(UTC))


def test_a_429_holds_every_call_of_the_job_until_retry_after_has_passed():
    clock = FakeClock()
    paused = []
    pace = Pace(8, on_pause=paused.append, clock=clock, sleep=clock.sleep)

    pace.pause(3.0)

    assert paused == [3.0]
    with pace.call(deadline=clock.now + 10) as may_call:
        assert may_call
    assert clock.now >= 103.0
    clock.now = 200.0
    pace.pause(5.0)
    with pace.call(deadline=clock.now + 2) as may_call:
        assert not may_call  # the pause outlasts the slice: give the item back instead
    assert clock.now == 200.0


def test_calls_go_one_at_a_time_while_the_remaining_budget_is_low():
    pace = Pace(8)
    pace.observe(headers(remaining=500, limit=1000))
    assert not pace.narrow
    pace.observe(headers(remaining=40, limit=1000))  # 5% of the limit left
    assert pace.narrow
    pace.observe(headers(remaining=7, limit=50))  # fewer left than calls at once
    assert pace.narrow
    pace.observe(headers(remaining=49, limit=50))
    assert not pace.narrow


def test_a_job_leaves_a_fifth_of_the_budget_to_people():
    clock = FakeClock()
    pace = Pace(4, clock=clock, sleep=clock.sleep)
    pace.observe(headers(remaining=21, limit=100))
    assert pace.pause_left() == 0 and pace.narrow  # close: one call at a time
    pace.observe(headers(remaining=20, limit=100))  # a fifth left: hold, people first
    assert pace.pause_left() > 0
    started = clock.now
    with pace.call(deadline=clock.now + 10) as may_call:
        assert may_call
    assert clock.now >= started + 1.0


def test_the_sweeper_requeues_a_dead_runners_items_and_restarts_the_job(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 4, "Sweep dead")
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["gthompson"])
    long_ago = timezone.now() - timedelta(minutes=10)
    BulkJob.objects.filter(id=job.id).update(created_at=long_ago, heartbeat_at=long_ago)
    BulkItem.objects.filter(job=job, workflow_id__in=ids[:2]).update(
        state="running", claimed_at=long_ago, claimed_by="dead:1:2", attempts=1
    )
    kicked = []

    assert runner.sweep(kick=lambda job_id, chain: kicked.append(job_id)) == 1

    assert kicked == [job.id]
    assert runner.state_counts(job.id) == {"pending": 4}
    runner.run_slice(job.id)
    assert runner.state_counts(job.id) == {"done": 4}


def test_the_sweeper_leaves_a_live_runner_alone(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 2, "Sweep live")
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["gthompson"])
    BulkItem.objects.filter(job=job).update(
        state="running", claimed_at=timezone.now(), claimed_by="live:1:2"
    )
    BulkJob.objects.filter(id=job.id).update(heartbeat_at=timezone.now())
    kicked = []

    assert runner.sweep(kick=lambda job_id, chain: kicked.append(job_id)) == 0

    assert kicked == [] and runner.state_counts(job.id) == {"running": 2}


def test_the_sweeper_forgets_wizards_abandoned_a_day_ago(console_admin):
    old, fresh = (
        BulkDraft.objects.create(
            owner=console_admin, kind="transfer", source_id=1, source_name="Someone"
        )
        for _ in range(2)
    )
    BulkDraft.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=2))

    runner.sweep(kick=lambda job_id, chain: None)

    assert list(BulkDraft.objects.values_list("id", flat=True)) == [fresh.id]


def test_the_sweeper_leaves_a_job_waiting_out_a_retry_after_alone(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 1, "Sweep paused")
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["gthompson"])
    long_ago = timezone.now() - timedelta(minutes=10)
    BulkJob.objects.filter(id=job.id).update(
        created_at=long_ago, paused_until=timezone.now() + timedelta(minutes=1)
    )
    kicked = []

    assert runner.sweep(kick=lambda job_id, chain: kicked.append(job_id)) == 0

    assert kicked == []


def test_a_summary_lost_with_its_worker_is_sent_by_the_sweeper(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 1, "Sweep summary")
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["gthompson"])
    long_ago = timezone.now() - timedelta(minutes=10)
    BulkItem.objects.filter(job=job).update(state="done", outcome="Done before the crash.")
    BulkJob.objects.filter(id=job.id).update(
        state="finished", finished_at=long_ago, created_at=long_ago, encrypted_key=""
    )

    runner.sweep(kick=lambda job_id, chain: None)
    runner.sweep(kick=lambda job_id, chain: None)

    note = Notification.objects.get(user=console_admin)
    assert note.text == "Test transfer has finished: 1 of 1 done."
    assert [m.to for m in mail.outbox] == [["admin@civis-local.test"]]
    assert "1 of 1 done" in mail.outbox[0].body
