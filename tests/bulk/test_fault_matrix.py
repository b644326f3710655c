"""The fault matrix: a bulk transfer (16 items, a little latency) through one fault each, with
the sweeper running as beat runs it (every few seconds) and nobody clicking anything. Each ends
with every item done, every owner checked upstream, no workflow moved twice in effect, and
`/healthz` green within 30 s of the fault ending.

    pytest -m faults tests/bulk/test_fault_matrix.py
"""

import json
import subprocess
import sys
import time

import pytest

from tests.bulk.conftest import start_transfer, wait_until
from tests.bulk.sweeper import Sweeper
from tests.conftest import ROOT, worker_environment
from workflows_app.bulk import runner
from workflows_app.models.bulk import BulkItem, BulkJob

pytestmark = [pytest.mark.faults, pytest.mark.celery]

ITEMS = 16


def _done(job) -> int:
    return BulkItem.objects.filter(job=job, state="done").count()


def _healthz_green_within(client, since: float, seconds: float = 30.0) -> float:
    """Seconds from `since` (the fault's end) to the first 200 from /healthz; fails after
    `seconds`, naming what was still failing."""
    while True:
        response = client.get("/healthz")
        if response.status_code == 200:
            return time.monotonic() - since
        if time.monotonic() - since > seconds:
            raise AssertionError(f"/healthz not green {seconds:.0f} s on: {response.json()}")
        time.sleep(0.5)  # a probe's pace; each answer is a fresh round of checks


def _private_healthz_green_within(
    broker: str, queue: str, upstream: str, since: float, seconds: float = 30.0
) -> float:
    """The same, asked of a console process bound to the test's own Redis (this process's
    Celery app talks to the session's Redis, which the restarted workers do not use)."""
    env = worker_environment(REDIS_URL=broker, CIVIS_API_ENDPOINT=upstream)
    left = max(1.0, since + seconds - time.monotonic())
    probe = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.bulk.healthz_probe", queue, f"{left:.1f}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=left + 120,
    )  # fmt: skip
    lines = probe.stdout.strip().splitlines()
    answer = json.loads(lines[-1]) if lines else {"green_at": None, "answer": probe.stderr[-2000:]}
    if answer["green_at"] is None:
        raise AssertionError(f"/healthz not green {seconds:.0f} s on: {answer['answer']}")
    return answer["green_at"] - since


@pytest.mark.parametrize(
    "fault", ["worker_killed", "upstream_down_10s", "storm_30pct", "redis_restarted"]
)
def test_a_transfer_survives_the_fault_without_anyone_clicking(
    fault, bulk_api, console_admin, start_worker, bulk_queue, private_redis, client, settings
):
    source, target = bulk_api.people["htanaka"], bulk_api.people["jwashington"]
    ids = bulk_api.make_workflows(source.username, ITEMS, f"Matrix {fault}")
    bulk_api.configure(latency_ms=250)
    broker = private_redis.url if fault == "redis_restarted" else None
    env = {"REDIS_URL": broker} if broker else {}
    worker = start_worker(f"matrix-{fault}", **env)
    # /healthz asks afresh each time, and pings the workers of this test (the only ones).
    # With the broker restarted, the workers use a Redis of their own that this process's
    # Celery app does not talk to: a console process bound to that Redis asks it then.
    settings.HEALTHZ_CACHE_SECONDS = 0
    settings.LIVE_QUEUE = settings.BULK_QUEUE = bulk_queue
    bulk_api.reset_requests()
    sweeper = Sweeper(bulk_queue, broker)
    try:
        job = start_transfer(
            bulk_api, console_admin, ids, target, queue=bulk_queue, broker=broker, concurrency=2
        )
        wait_until(lambda: _done(job) >= 3, 60)
        if fault == "worker_killed":
            worker.kill()
            start_worker(f"matrix-{fault}-2", **env)
        elif fault == "upstream_down_10s":
            bulk_api.restart(down_for=10)
            bulk_api.configure(latency_ms=250)
        elif fault == "storm_30pct":
            bulk_api.configure(latency_ms=250, error_rate=0.3)
        elif fault == "redis_restarted":
            private_redis.restart(down_for=1.0)
        fault_over = time.monotonic()
        if fault in ("worker_killed", "upstream_down_10s"):
            healthy_after = _healthz_green_within(client, fault_over)
        elif fault == "redis_restarted":
            healthy_after = _private_healthz_green_within(
                private_redis.url, bulk_queue, bulk_api.url, fault_over
            )
        wait_until(lambda: BulkJob.objects.get(id=job.id).state == "finished", 150, step=0.3)
        took = time.monotonic() - fault_over
    finally:
        sweeper.close()

    assert runner.state_counts(job.id) == {"done": ITEMS}, fault
    assert worker.process.poll() is None or fault == "worker_killed"
    bulk_api.configure(latency_ms=0, error_rate=0)
    if fault == "storm_30pct":  # the storm lasts the whole job, and ends here
        healthy_after = _healthz_green_within(client, time.monotonic())
    assert healthy_after <= 30, fault
    assert {bulk_api.owner_of(i) for i in ids} == {target.id}
    # No workflow moved twice in effect: it has one owner (above), and at most the calls that
    # were in flight when the fault came were sent again.
    transfers = bulk_api.requests_by_route().get("PUT /workflows/{id}/transfer", 0)
    if fault != "upstream_down_10s":  # the restarted API counts from zero
        assert ITEMS <= transfers <= 3 * ITEMS, transfers
    assert took < 120, f"{fault}: {took:.0f} s from the fault to the end"
