"""A Celery worker killed with SIGKILL in the middle of a 200-item transfer: a new worker and
the sweeper finish the job, every workflow moves exactly once in effect, nothing is stuck."""

import time
from datetime import timedelta

import pytest

from tests.bulk.conftest import start_transfer, wait_until
from workflows_app.bulk import runner
from workflows_app.bulk.tasks import run_bulk_job
from workflows_app.models.bulk import BulkItem, BulkJob

pytestmark = pytest.mark.celery


def test_killing_the_worker_mid_job_loses_nothing_and_moves_each_workflow_once(
    bulk_api, console_admin, start_worker, bulk_queue
):
    source, target = bulk_api.people["htanaka"], bulk_api.people["jwashington"]
    ids = bulk_api.make_workflows(source.username, 200, "Killed worker")
    bulk_api.configure(latency_ms=120)  # long enough to kill it half way
    first = start_worker("first")
    bulk_api.reset_requests()
    job = start_transfer(bulk_api, console_admin, ids, target, queue=bulk_queue)

    wait_until(lambda: BulkItem.objects.filter(job=job, state="done").count() >= 60, 60)
    first.kill()
    killed_at = time.monotonic()
    in_flight = BulkItem.objects.filter(job=job, state="running").count()
    done_before = BulkItem.objects.filter(job=job, state="done").count()
    assert in_flight > 0, "the kill should catch items in flight"
    assert done_before < 200

    start_worker("second")
    time.sleep(max(0.0, 1.5 - (time.monotonic() - killed_at)))
    kicked = runner.sweep(
        older_than=timedelta(seconds=1),
        kick=lambda job_id, chain: run_bulk_job.apply_async((job_id, chain), queue=bulk_queue),
    )
    assert kicked == 1

    wait_until(lambda: BulkJob.objects.get(id=job.id).state == "finished", 120, step=0.2)
    assert runner.state_counts(job.id) == {"done": 200}
    bulk_api.configure(latency_ms=0)
    owned = {w.id for w in bulk_api.admin.iter_workflows(author=str(target.id), archived="all")}
    assert set(ids) <= owned
    transfers = bulk_api.requests_by_route()["PUT /workflows/{id}/transfer"]
    # Each workflow once, plus at most the calls the dead worker had in flight.
    assert 200 <= transfers <= 200 + in_flight
    retried = BulkItem.objects.filter(job=job, attempts__gt=1)
    assert retried.count() >= in_flight
    job.refresh_from_db()
    assert job.encrypted_key == "" and job.done_count == 200
