"""Two machines' worth of `make serve` on one: two gunicorns and two pairs of prefork workers
(one beat between them) on one PostgreSQL and one Redis. A session started on one web instance
works on the other; one running execution watched through both instances is polled upstream by
one poller; a bulk job sent to the shared `bulk` queue finishes once, each workflow moved once
in effect, although the process working it is killed half way.

Production path only (skipped unless DATABASE_URL is PostgreSQL)."""

import os
import re
import signal
import subprocess
import sys
import textwrap

import psycopg
import pytest

from tests.bulk.conftest import PrivateApi, PrivateRedis, wait_until
from tests.conftest import ROOT, LocalApi
from tests.webui.test_serve import PRODUCTION, PlainSession, Served, fresh_database, postgres_only

pytestmark = [pytest.mark.celery, pytest.mark.timeout(900)]


@pytest.fixture
def shared_parts(tmp_path_factory):
    postgres_only()
    database, drop = fresh_database()
    redis = PrivateRedis()
    api = LocalApi(tmp_path_factory.mktemp("two_machines_api"))
    yield database, redis.url, PrivateApi(api)
    api.stop()
    redis.stop()
    drop()


def sign_in(base: str, key: str) -> PlainSession:
    session = PlainSession()
    page = session.get(base + "sign-in/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        base + "sign-in/",
        data={"csrfmiddlewaretoken": token, "api_key": key},
        headers={"Referer": base + "sign-in/"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.status_code
    return session


RUNS_UNTIL_CANCELLED = """version: '2.0'
keeps_going:
  type: direct
  tasks:
    listen_for_changes:
      action: std.async_noop
"""
EXECUTION_ROUTE = "GET /workflows/{id}/executions/{execution_id}"
POLL = {"HX-Request": "true", "X-Console-Poll": "1"}  # what the page's live refresh sends


def one_poller_at_most(seconds: float) -> int:
    """How many upstream reads one poller chain can make in `seconds` from its start: its steps
    come 1 s, then 1.2 s, 1.44 s, ... apart (the poller's own schedule)."""
    from workflows_app.runs import live_status

    steps, at, interval = 0, 0.0, None
    while True:
        interval = live_status.next_interval(interval)
        at += interval
        if at > seconds:
            return steps
        steps += 1


def watched_through_both(first, second, api, seconds: float = 12.0) -> None:
    """Watchers on both web instances refresh one running execution's live status: the platform
    is read by one poller (whichever worker takes each step), never once per instance."""
    import time

    workflow = api.admin.post_workflow("Two machines: watched", definition=RUNS_UNTIL_CANCELLED)
    execution = api.admin.post_executions(workflow.id)
    page = f"workflows/{workflow.id}/executions/{execution.id}/"
    watchers = [sign_in(first.url, api.admin_key), sign_in(second.url, api.admin_key)]
    bases = [first.url, second.url]
    try:
        started = time.monotonic()  # the first page load may start the poller
        for watcher, base in zip(watchers, bases, strict=True):
            assert watcher.get(base + page, timeout=60).status_code == 200
        api.reset_requests()  # what the pages read themselves is not the poller's
        served = [0, 0]
        while time.monotonic() - started < seconds:
            for n, (watcher, base) in enumerate(zip(watchers, bases, strict=True)):
                answer = watcher.get(base + page, headers=POLL, timeout=60)
                assert answer.status_code == 200 and 'id="execution-live"' in answer.text
                served[n] += 1
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        reads = api.requests_by_route().get(EXECUTION_ROUTE, 0)
    finally:
        api.admin.post_executions_cancel(workflow.id, execution.id)
    assert min(served) >= 5, served  # both instances served their watchers all along
    # One chain makes at most this many reads in that time; two (one per instance) twice that.
    assert 2 <= reads <= one_poller_at_most(elapsed) + 1, (reads, elapsed)


START_JOB = """
from django.contrib.auth import get_user_model
from workflows_app.bulk import jobs
from workflows_app.bulk.candidates import owned_by
from workflows_app.civis.client import CivisClient

admin = CivisClient({key!r}, endpoint={api!r})
listed, _ = owned_by(admin, {source})
wanted = set({ids!r})
job = jobs.start_job(
    kind="transfer",
    user=get_user_model().objects.get(username={username!r}),
    actor_civis_id=admin.users_me().id,
    api_key={key!r},
    title="Two machines",
    parameters={{"user_id": {target}, "user_name": "target"}},
    items=[jobs.ItemSpec(c.id, c.name, c.owner_id) for c in listed if c.id in wanted],
    concurrency=4,
)
print("JOB", job.id)
"""


def test_two_web_instances_and_two_worker_pairs_share_sessions_and_finish_a_job_once(
    shared_parts, tmp_path, transactional_db
):
    database, redis, api = shared_parts
    common = {"BULK_CLAIM_TIMEOUT_SECONDS": "5", "CIVIS_LOCAL_ADMIN_KEY": api.admin_key}
    first = Served(tmp_path, database=database, redis=redis, api=api.url, **common)
    first.ready()  # migrated before the second starts
    second = Served(
        tmp_path, database=database, redis=redis, api=api.url, SERVE_BEAT="false", **common
    )
    try:
        second.ready()

        # A session started on one web instance works on the other.
        me = api.admin.users_me()
        session = sign_in(first.url, api.admin_key)
        elsewhere = session.get(second.url + "workflows/", allow_redirects=False, timeout=60)
        assert elsewhere.status_code == 200
        assert "Sign in" not in elsewhere.text.split("<main", 1)[-1][:2000]

        # One execution watched through both instances gets one poller.
        watched_through_both(first, second, api)

        # A bulk job on the shared queue, its process killed half way.
        source, target = api.people["htanaka"], api.people["jwashington"]
        ids = api.make_workflows(source.username, 120, "Two machines")
        api.configure(latency_ms=150)
        api.reset_requests()
        code = START_JOB.format(
            key=api.admin_key, api=api.url, source=source.id, ids=ids,
            username=f"civis-{me.id}", target=target.id,
        )  # fmt: skip
        env = {**os.environ, **PRODUCTION, "DATABASE_URL": database, "REDIS_URL": redis}
        env["CIVIS_API_ENDPOINT"] = api.url
        env.pop("CONSOLE_USE_TEST_DATABASE", None)
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", textwrap.dedent(code)],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        job_id = int(done.stdout.split("JOB", 1)[1].split()[0])

        with psycopg.connect(database, autocommit=True) as conn:

            def counts() -> dict[str, int]:
                rows = conn.execute(
                    "SELECT state, count(*) FROM workflows_app_bulkitem WHERE job_id = %s "
                    "GROUP BY state",
                    [job_id],
                ).fetchall()
                return dict(rows)

            try:
                wait_until(lambda: counts().get("done", 0) >= 30, 120, step=0.2)
            except AssertionError:
                rows = conn.execute(
                    "SELECT state, attempts, upstream_status, outcome FROM "
                    "workflows_app_bulkitem WHERE job_id = %s LIMIT 5",
                    [job_id],
                ).fetchall()
                job = conn.execute(
                    "SELECT state, chain, pause_reason, paused_until, heartbeat_at FROM "
                    "workflows_app_bulkjob WHERE id = %s",
                    [job_id],
                ).fetchone()
                raise AssertionError(f"job {job}, items {rows}") from None
            holder = conn.execute(
                "SELECT claimed_by FROM workflows_app_bulkitem WHERE job_id = %s "
                "AND state = 'running' AND claimed_by <> '' LIMIT 1",
                [job_id],
            ).fetchone()
            assert holder, "items should be in flight"
            pid = int(holder[0].split(":")[1])
            os.kill(pid, signal.SIGKILL)  # the prefork child working the job
            in_flight = counts().get("running", 0)

            def finished():
                state = conn.execute(
                    "SELECT state FROM workflows_app_bulkjob WHERE id = %s", [job_id]
                ).fetchone()[0]
                return state == "finished"

            wait_until(finished, 240, step=0.5)
            assert counts() == {"done": 120}
            summaries = conn.execute(
                "SELECT count(*) FROM workflows_app_notification WHERE link LIKE %s",
                [f"%/{job_id}/%"],
            ).fetchone()[0]
            assert summaries == 1  # finished once
        api.configure(latency_ms=0)
        owned = {w.id for w in api.admin.iter_workflows(author=str(target.id), archived="all")}
        assert set(ids) <= owned
        transfers = api.requests_by_route()["PUT /workflows/{id}/transfer"]
        assert 120 <= transfers <= 120 + in_flight + 4
        logs = first.log.read_text() + second.log.read_text()
        assert "WorkerLostError" in logs or "worker lost" in logs.lower() or "SIGKILL" in logs
    finally:
        second.stop()
        first.stop()
