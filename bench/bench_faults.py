"""Bulk jobs under faults, with a private civis_local, a real Celery worker (threads pool) on a
queue of its own, and the sweeper run every 10 s as beat runs it. Nobody clicks anything.

- `bulk_recovery_seconds_after_worker_kill` (target <= 45): a transfer runs, its worker is
  SIGKILLed mid-job and a new one is started at once; seconds from the kill to the next item
  done (the new worker's start-up included).
- `bulk_items_failed_after_10s_upstream_outage` (target 0): civis_local is killed for 10 s
  mid-job and started again on the same port and database; items failed once the job ends.
- `bulk_throughput_over_allowed_rate` (target >= 0.9): under a per-person request budget
  (civis_local's rate limit, BUDGET requests per BUDGET_SECONDS), the job's items per second
  over the rate it is allowed. The job deliberately keeps a fifth of the budget for people
  (bulk/pace.py HEADROOM): it stops at that share of each window whoever spent the rest, and
  holds until the window renews. So the allowed rate is 4/5 of the limit (one platform call
  per item), not the limit itself. Measured on a job alone (the same workflows moved back),
  from its start to its end (its first window's learning included). A `#` note gives the job
  during the page loads below, which spend the same person's budget: over 4/5 of the limit
  (as if no page had called) and over what the pages left of it (4/5 of the limit less
  every page call: as if each came out of the job's share; those made while the job held
  came out of people's fifth instead), the true figure lies between the two.
- `page_success_rate_during_bulk_under_budget` (target >= 0.99): while that job runs, its
  starter loads the workflow list and a workflow page in turn (a short pause between loads);
  the share answered normally (200, no "busy" page).

It uses the fault-matrix test's own helpers (tests/bulk/conftest.py, tests/bulk/sweeper.py).
Every wait is bounded; only loopback addresses. Prints `name: value` lines and `#` notes.
Arguments name the parts to run (`kill`, `outage`, `budget`; all when none) and only their
figures are printed.

    .venv/bin/python -m webui.embedded_redis exec -- .venv/bin/python bench/bench_faults.py
"""

import os
import sys
import time

from common import console_against_local_api  # puts the repo on sys.path

ITEMS = 24  # the worker-kill and outage jobs
LATENCY_MS = 250  # added to every platform call in those two, so the job is mid-way for a while
SWEEP_EVERY = 10.0  # beat's schedule for bulk.sweep
BUDGET, BUDGET_SECONDS = 40, 2  # per person: 20 requests a second, 16 of them the job's
BUDGET_ITEMS = 320  # about 20 s at the allowed rate
BUDGET_LATENCY_MS = 50
PAGE_PAUSE = 0.5  # between one page load and the next


PARTS = ("kill", "outage", "budget")


def main() -> int:
    parts = sys.argv[1:] or list(PARTS)
    if not set(parts) <= set(PARTS):
        print(f"parts: {', '.join(PARTS)}")
        return 2
    with console_against_local_api() as (api, tmp_dir):
        # The helpers start workers on "the test database" (CONSOLE_USE_TEST_DATABASE): make
        # that name this bench's own database file, before Django reads its settings.
        os.environ["CONSOLE_TEST_DB"] = str(tmp_dir / "console.sqlite3")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        setup_test_environment()  # the test client's host; email kept in memory
        call_command("migrate", verbosity=0, interactive=False)
        return measure(api, parts)


def measure(api, parts: list[str]) -> int:
    from django.contrib.auth import get_user_model

    from tests.bulk.conftest import BulkWorker, PrivateApi
    from tests.bulk.sweeper import Sweeper
    from workflows_app.models import CivisAccount

    platform = PrivateApi(api)
    me = platform.admin.users_me()
    user = get_user_model().objects.create(username=f"civis-{me.id}", first_name=me.name)
    CivisAccount.objects.create(
        user=user, civis_user_id=me.id, name=me.name, email="admin@civis-local.test"
    )
    queue = f"bench-faults-{os.getpid()}"
    workers = [BulkWorker(queue, f"bench-faults-{os.getpid()}-1")]
    sweeper = Sweeper(queue, every=SWEEP_EVERY)
    ok = True
    try:
        if "kill" in parts:
            recovery = worker_kill(platform, user, queue, workers)
            print(f"bulk_recovery_seconds_after_worker_kill: {recovery:.1f}")
            ok &= recovery <= 45
        if "outage" in parts:
            failed = outage(platform, user, queue)
            print(f"bulk_items_failed_after_10s_upstream_outage: {failed}")
            ok &= failed == 0
        if "budget" in parts:
            throughput, pages = under_budget(platform, user, queue)
            print(f"bulk_throughput_over_allowed_rate: {throughput:.2f}")
            print(f"page_success_rate_during_bulk_under_budget: {pages:.3f}")
            ok &= throughput >= 0.9 and pages >= 0.99
    finally:
        sweeper.close()
        for worker in workers:
            worker.stop()
    return 0 if ok else 1


def _counts(job_id: int) -> dict[str, int]:
    from workflows_app.bulk import runner

    return runner.state_counts(job_id)


def _wait_finished(job_id: int, seconds: float) -> bool:
    from workflows_app.models.bulk import BulkJob

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if BulkJob.objects.get(id=job_id).state != BulkJob.State.RUNNING:
            return True
        time.sleep(0.2)
    return False


def worker_kill(platform, user, queue: str, workers: list) -> float:
    from tests.bulk.conftest import BulkWorker, start_transfer, wait_until

    source, target = platform.people["htanaka"], platform.people["jwashington"]
    ids = platform.make_workflows(source.username, ITEMS, "Bench kill")
    platform.configure(latency_ms=LATENCY_MS, error_rate=0, rate_limit=None)
    job = start_transfer(platform, user, ids, target, queue=queue, concurrency=2)
    wait_until(lambda: _counts(job.id).get("done", 0) >= 3, 120, step=0.05)
    workers[0].kill()  # SIGKILL: no clean-up, no acks
    killed_at = time.monotonic()
    done_at_kill = _counts(job.id).get("done", 0)
    workers.append(BulkWorker(queue, f"bench-faults-{os.getpid()}-2"))
    ready = time.monotonic() - killed_at
    print(f"# worker kill: killed at {done_at_kill} of {ITEMS} done; new worker in {ready:.1f} s")
    wait_until(lambda: _counts(job.id).get("done", 0) > done_at_kill, 180, step=0.1)
    recovery = time.monotonic() - killed_at
    finished = _wait_finished(job.id, 120)
    print(f"# worker kill: job {'finished' if finished else 'NOT finished'}: {_counts(job.id)}")
    return recovery


def outage(platform, user, queue: str) -> int:
    from tests.bulk.conftest import start_transfer, wait_until

    source, target = platform.people["cbellini"], platform.people["dvolkov"]
    ids = platform.make_workflows(source.username, ITEMS, "Bench outage")
    platform.configure(latency_ms=LATENCY_MS, error_rate=0, rate_limit=None)
    job = start_transfer(platform, user, ids, target, queue=queue, concurrency=2)
    wait_until(lambda: _counts(job.id).get("done", 0) >= 3, 120, step=0.05)
    done_at_kill = _counts(job.id).get("done", 0)
    platform.restart(down_for=10)  # killed, 10 s of nothing, started on its port and database
    platform.configure(latency_ms=LATENCY_MS)
    up_at = time.monotonic()
    finished = _wait_finished(job.id, 240)
    counts = _counts(job.id)
    owners_ok = {platform.owner_of(i) for i in ids} == {target.id}
    print(
        f"# outage: down with {done_at_kill} of {ITEMS} done; job "
        f"{'finished' if finished else 'NOT finished'} {time.monotonic() - up_at:.1f} s after "
        f"the platform was back: {counts}; every owner checked upstream: {owners_ok}"
    )
    return counts.get("failed", 0) + (0 if finished else counts.get("pending", 0))


def under_budget(platform, user, queue: str) -> tuple[float, float]:
    from django.test import Client

    from tests.bulk.test_pages_under_budget import BUSY
    from tests.helpers import sign_in
    from workflows_app.models.bulk import BulkJob

    source, target = platform.people["knorgaard"], platform.people["blindqvist"]
    ids = platform.make_workflows(source.username, BUDGET_ITEMS, "Bench budget")
    browser = Client()
    sign_in(browser, platform.admin_key)  # the job's starter: same person, same budget
    platform.configure(
        latency_ms=BUDGET_LATENCY_MS, error_rate=0, rate_limit=f"{BUDGET}/{BUDGET_SECONDS}"
    )
    job = budget_job(platform, user, ids, target, queue)
    loads, normal, n, deadline = 0, 0, 0, time.monotonic() + 240
    while BulkJob.objects.get(id=job.id).state == "running" and time.monotonic() < deadline:
        path = "/workflows/" if n % 2 == 0 else f"/workflows/{ids[-1]}/"
        response = browser.get(path)
        text = response.content.decode()
        loads += 1
        normal += response.status_code == 200 and not any(b in text for b in BUSY)
        n += 1
        time.sleep(PAGE_PAUSE)
    with_pages = budget_rate(platform, job, "with the starter loading pages")
    calls = platform.requests_by_route()
    page_calls = sum(calls.values()) - calls.get("PUT /workflows/{id}/transfer", 0)
    job.refresh_from_db()
    seconds = (job.finished_at - job.started_at).total_seconds() if job.finished_at else 0.0
    print(f"# page loads while the job ran: {normal} of {loads} answered normally")
    # The same workflows moved back, nobody loading pages: the job's own pace, the figure.
    job = budget_job(platform, user, ids, source, queue)
    alone = budget_rate(platform, job, "alone")
    platform.configure(rate_limit=None, latency_ms=0)
    allowed = BUDGET / BUDGET_SECONDS * 4 / 5
    left = allowed - page_calls / seconds if seconds else 0.0
    print(
        f"# with the starter loading pages: {with_pages:.2f} of the allowed rate; the pages "
        f"spent {page_calls} calls ({page_calls / seconds if seconds else 0:.1f}/s), so at "
        f"least {left:.1f}/s was left to the job: "
        f"{with_pages * allowed / left if left > 0 else 0:.2f} of that"
    )
    return alone, (normal / loads if loads else 0.0)


def budget_job(platform, user, ids, target, queue: str):
    """A transfer of `ids` to `target` under the budget, started and under way."""
    from tests.bulk.conftest import start_transfer, wait_until

    platform.reset_requests()
    job = start_transfer(platform, user, ids, target, queue=queue)
    wait_until(lambda: _counts(job.id).get("done", 0) >= 2, 120, step=0.1)
    return job


def budget_rate(platform, job, how: str) -> float:
    """The job's items per second (from its start to its end) over its allowed rate."""
    _wait_finished(job.id, 240)
    job.refresh_from_db()
    counts = _counts(job.id)
    allowed = BUDGET / BUDGET_SECONDS * 4 / 5
    if job.started_at and job.finished_at:
        seconds = (job.finished_at - job.started_at).total_seconds()
    else:
        seconds = float("inf")
    rate = counts.get("done", 0) / seconds
    print(
        f"# budget {BUDGET} per {BUDGET_SECONDS} s per person, the job allowed {allowed:g} "
        f"calls/s; {how}: {counts} in {seconds:.1f} s = {rate:.1f} items/s; platform calls by "
        f"route: {platform.requests_by_route()}"
    )
    return rate / allowed


if __name__ == "__main__":
    sys.exit(main())
