"""Celery's time limits hold on the prefork pool (`make serve`, `make run`), with tiny limits:
a bulk slice past its soft limit stops cleanly and hands its items back, and a hung slice past
its hard limit is killed and its job finished by another worker; each workflow moves once."""

from datetime import timedelta

import pytest

from tests.bulk.conftest import start_transfer, wait_until
from workflows_app.bulk import runner
from workflows_app.bulk.tasks import run_bulk_job
from workflows_app.models.bulk import BulkItem, BulkJob

pytestmark = pytest.mark.celery


def owned_by(api, person) -> set[int]:
    return {w.id for w in api.admin.iter_workflows(author=str(person.id), archived="all")}


def test_a_slice_past_its_soft_time_limit_stops_cleanly_and_hands_its_items_back(
    bulk_api, console_admin, start_worker, bulk_queue
):
    source, target = bulk_api.people["htanaka"], bulk_api.people["jwashington"]
    ids = bulk_api.make_workflows(source.username, 40, "Soft limit")
    bulk_api.configure(latency_ms=600)  # 40 items, 4 at a time: ~6 s of calls
    # A limit a slice always makes some progress within, even on a busy machine.
    worker = start_worker(
        "soft", pool="prefork", CELERY_TASK_SOFT_TIME_LIMIT="4", CELERY_TASK_TIME_LIMIT="60"
    )
    bulk_api.reset_requests()

    job = start_transfer(bulk_api, console_admin, ids, target, queue=bulk_queue, concurrency=4)

    # No sweeper runs: the chain carries on by itself after each stopped slice.
    wait_until(lambda: BulkJob.objects.get(id=job.id).state == "finished", 240, step=0.2)
    log = worker.log.read_text()
    assert "Soft time limit (4s) exceeded" in log
    assert "slice stopped at the soft time limit" in log
    assert runner.state_counts(job.id) == {"done": 40}
    # Handed back untried (the attempt undone), never tried twice; each workflow moved once.
    assert not BulkItem.objects.filter(job=job).exclude(attempts=1).exists()
    bulk_api.configure(latency_ms=0)
    assert bulk_api.requests_by_route()["PUT /workflows/{id}/transfer"] == 40
    assert set(ids) <= owned_by(bulk_api, target)


def test_a_hung_slice_is_killed_at_its_hard_limit_and_another_worker_finishes_the_job(
    bulk_api, console_admin, start_worker, bulk_queue
):
    source, target = bulk_api.people["aokafor"], bulk_api.people["jwashington"]
    ids = bulk_api.make_workflows(source.username, 30, "Hard limit")
    hung = start_worker(
        "hung", pool="prefork", CELERY_TASK_SOFT_TIME_LIMIT="1", CELERY_TASK_TIME_LIMIT="3"
    )
    bulk_api.reset_requests()
    job = start_transfer(bulk_api, console_admin, ids, target, concurrency=4)
    # Every call hangs for 10 s: at the soft limit the slice stops starting calls, but those in
    # flight do not come back, so it is still there at the hard limit, and killed.
    bulk_api.configure(latency_ms=10_000)
    run_bulk_job.apply_async((job.id,), queue=bulk_queue)

    wait_until(lambda: "Hard time limit (3s) exceeded" in hung.log.read_text(), 60, step=0.2)
    hung.stop()
    in_flight = BulkItem.objects.filter(job=job, state="running").count()
    assert in_flight > 0, "the kill should leave items claimed by the dead process"
    assert BulkJob.objects.get(id=job.id).state == "running"
    assert not BulkItem.objects.filter(job=job, state="done").exists()

    bulk_api.configure(latency_ms=0)
    start_worker("second", pool="prefork")
    # As beat would, once the killed runner has been silent a while.
    wait_until(
        lambda: runner.sweep(
            older_than=timedelta(seconds=1),
            kick=lambda job_id, chain: run_bulk_job.apply_async((job_id, chain), queue=bulk_queue),
        ),
        30,
        step=0.5,
    )

    wait_until(lambda: BulkJob.objects.get(id=job.id).state == "finished", 120, step=0.2)
    assert runner.state_counts(job.id) == {"done": 30}
    assert set(ids) <= owned_by(bulk_api, target)
    transfers = bulk_api.requests_by_route()["PUT /workflows/{id}/transfer"]
    # Each workflow once, plus at most the calls the killed process had in flight.
    assert 30 <= transfers <= 30 + in_flight
