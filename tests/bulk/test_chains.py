"""One chain of slices per job: a slice of a replaced chain does nothing, a job waiting out a
long Retry-After (or whose next slice waits in the queue) is not restarted beside itself,
countdowns are capped, and a slice that waits keeps its items' claims fresh."""

import threading
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from tests.bulk.conftest import start_transfer, wait_until
from workflows_app.bulk import runner
from workflows_app.bulk.pace import Pace
from workflows_app.models.bulk import BulkItem, BulkJob

TRANSFER = "PUT /workflows/{id}/transfer"


def test_a_job_started_for_a_caller_to_enqueue_gets_one_chain_only(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 2, "Chain adopt")
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["gthompson"])

    first = runner.adopt_chain(job.id)

    assert first and runner.adopt_chain(job.id) is None
    assert BulkJob.objects.get(id=job.id).chain == first


def test_a_slice_of_a_replaced_chain_does_nothing(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 3, "Chain replaced")
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["gthompson"])
    chain = runner.adopt_chain(job.id)
    bulk_api.reset_requests()

    stale = runner.run_slice(job.id, chain="an-older-chain")

    assert stale == runner.SliceResult(0, None)
    assert runner.state_counts(job.id) == {"pending": 3}
    assert TRANSFER not in bulk_api.requests_by_route()
    assert runner.run_slice(job.id, chain=chain).worked == 3


def test_a_long_retry_after_keeps_one_chain_and_a_capped_countdown(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 2, "Chain paused")
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["gthompson"])
    old = runner.adopt_chain(job.id)
    long_ago = timezone.now() - timedelta(minutes=10)
    BulkJob.objects.filter(id=job.id).update(
        created_at=long_ago, paused_until=timezone.now() + timedelta(hours=2)
    )
    kicked = []

    def kick(job_id, chain):
        kicked.append((job_id, chain))

    result = runner.run_slice(job.id, chain=old)

    # Never a countdown near the broker's visibility timeout, however long the Retry-After.
    assert result.again_in == runner.MAX_NEXT_SLICE_WAIT
    assert runner.sweep(kick=kick) == 0  # paused, and it just said it is alive

    # The pause is over but the next slice still waits in a busy queue, past the timeout:
    # the sweeper starts a new chain, and the old one ends at its next step.
    BulkJob.objects.filter(id=job.id).update(paused_until=None, heartbeat_at=long_ago)
    assert runner.sweep(kick=kick) == 1
    [(job_id, new)] = kicked
    assert job_id == job.id and new != old
    assert runner.sweep(kick=kick) == 0  # the new chain has its own time to start
    bulk_api.reset_requests()
    assert runner.run_slice(job.id, chain=old) == runner.SliceResult(0, None)
    assert TRANSFER not in bulk_api.requests_by_route()
    assert runner.run_slice(job.id, chain=new).worked == 2
    assert bulk_api.requests_by_route()[TRANSFER] == 2


def test_a_slice_waiting_on_slow_calls_keeps_its_claims_fresh(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 2, "Chain slow")
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["gthompson"])
    bulk_api.configure(latency_ms=3000)
    outcome = []

    def work():
        try:
            outcome.append(runner.run_slice(job.id))
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    wait_until(lambda: runner.state_counts(job.id).get("running") == 2, 5)
    time.sleep(1.8)

    # Claims older than 1.2 s are a dead runner's; these, in flight for longer, are not.
    runner.sweep(older_than=timedelta(seconds=1.2))

    assert runner.state_counts(job.id) == {"running": 2}
    thread.join(15)
    assert outcome and outcome[0].worked == 2
    assert BulkItem.objects.filter(job=job, attempts=1, state="done").count() == 2


def test_the_one_at_a_time_gate_is_waited_for_until_the_deadline_only():
    pace = Pace(4)
    pace.narrow = True
    answers = []

    def second_call():
        with pace.call(time.monotonic() + 0.3) as may_call:
            answers.append(may_call)

    with pace.call(time.monotonic() + 30) as first:
        assert first
        waiter = threading.Thread(target=second_call, daemon=True)
        waiter.start()
        waiter.join(3)
        assert not waiter.is_alive(), "a call waited on the gate past its deadline"
    assert answers == [False]
