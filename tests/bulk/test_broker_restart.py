"""The broker (Redis, without persistence) restarts while a bulk slice is running: the worker
keeps running, takes new work from the restarted Redis, and the job still ends with every
workflow moved once."""

import time

import pytest

from tests.bulk.conftest import send, start_transfer, wait_until
from webui.celery import ping
from workflows_app.bulk import runner
from workflows_app.models.bulk import BulkItem, BulkJob

pytestmark = pytest.mark.faults


def test_a_redis_restart_while_a_task_runs_does_not_kill_the_worker(
    bulk_api, console_admin, start_worker, bulk_queue, private_redis
):
    source, target = bulk_api.people["htanaka"], bulk_api.people["jwashington"]
    ids = bulk_api.make_workflows(source.username, 16, "Broker restart")
    bulk_api.configure(latency_ms=400)  # the slice is still running when Redis goes
    worker = start_worker("broker", REDIS_URL=private_redis.url)
    job = start_transfer(
        bulk_api, console_admin, ids, target, queue=bulk_queue, broker=private_redis.url,
        concurrency=2,
    )  # fmt: skip
    wait_until(lambda: BulkItem.objects.filter(job=job, state="done").exists(), 60)

    private_redis.restart(down_for=1.0)  # empty: no persistence

    # The worker is still there a while after the restart, and takes new work from it.
    time.sleep(3)
    assert worker.process.poll() is None, worker.log.read_text()[-3000:]
    send(ping, ("after-restart",), queue=bulk_queue, broker=private_redis.url)
    wait_until(lambda: b"after-restart" in worker.log.read_bytes(), 60, step=0.2)
    assert worker.process.poll() is None

    wait_until(lambda: BulkJob.objects.get(id=job.id).state == "finished", 120, step=0.2)
    assert runner.state_counts(job.id) == {"done": 16}
    bulk_api.configure(latency_ms=0)
    assert {bulk_api.owner_of(i) for i in ids} == {target.id}
