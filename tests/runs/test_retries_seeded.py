"""Issue 10, item 9, on the demo seed's own data: a Monday-morning failure retried hours later
(on a server of this module's own, whose clock the test moves) is read as retried from the
tasks' runs alone, so a retry made outside the console is timed from the retry too."""

import datetime as dt

import pytest
import requests

from tests.conftest import LocalApi
from workflows_app.civis.client import CivisClient
from workflows_app.runs import retries


@pytest.fixture(scope="module")
def private_api(tmp_path_factory):
    api = LocalApi(tmp_path_factory.mktemp("civis_local_retries"))
    yield api
    api.stop()


def move_clock(api: LocalApi, **body) -> None:
    answer = requests.post(api.url + "_local/clock", json=body, timeout=30)
    assert answer.status_code == 200, answer.text


def latest_failure_with_job_runs(admin: CivisClient):
    """A seeded workflow whose latest run failed at a task with job runs (retryable)."""
    for workflow in admin.iter_workflows():
        latest = admin.list_executions(workflow.id, limit=1).items
        if latest and latest[0].state == "failed":
            execution = admin.get_executions(workflow.id, latest[0].id)
            if any(t.mistral_state == "error" and t.runs for t in execution.tasks):
                return execution
    raise AssertionError("the demo seed has no retryable failure with job runs")


@pytest.mark.django_db
def test_a_seeded_failure_retried_hours_later_is_timed_from_its_retry(private_api):
    admin = CivisClient(private_api.admin_key, endpoint=private_api.url)
    move_clock(private_api, frozen=True)
    try:
        failed = latest_failure_with_job_runs(admin)
        assert retries.inferred(failed) is None  # one attempt so far
        move_clock(private_api, advance_seconds=3 * 3600)  # nobody looked until the afternoon
        admin.post_executions_retry(failed.workflow_id, failed.id)
        retried_at = admin.get_executions(failed.workflow_id, failed.id)
        newest = [t.runs[0] for t in retried_at.tasks if t.mistral_state != "success" and t.runs]
        move_clock(private_api, advance_seconds=2 * 3600)
        done = admin.get_executions(failed.workflow_id, failed.id)
    finally:
        move_clock(private_api, frozen=False)
    assert done.state in ("succeeded", "failed", "cancelled") or done.mistral_state == "paused"
    start = retries.inferred(done)
    assert start is not None and newest and start == min(run.started_at for run in newest)
    assert start - failed.finished_at >= dt.timedelta(hours=3)
    assert retries.last_attempt_start(done) == start
