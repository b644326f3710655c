"""A run retried hours after it failed is timed from its retry, not from its first start: the
walkthrough's "Running long" notice for a run 6 minutes into its retry, counted from a first
start 6 h 44 min before. Over live civis_local (its clock set back for the first attempt) and
the engine run as beat runs it, with its clock moved on."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.helpers import wait_for
from workflows_app.models import Notification

from .conftest import ONE_JOB, beat, run_and_wait

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("retried", ["through the console", "on the platform"])
def test_a_retried_run_is_timed_from_its_retry_not_its_first_start(
    actor, signed_in_as, levers, retried
):
    owner = actor("aokafor")
    client = signed_in_as(owner)
    workflow = owner.api.post_workflow("Per-state exports", definition=ONE_JOB)
    client.get(f"/workflows/{workflow.id}/")  # their own: watched by default
    beat()  # the first read: nothing has run yet
    # This morning, 7 hours ago: three quick runs (its usual time), then a failure.
    levers.clock(now=(dt.datetime.now(dt.UTC) - dt.timedelta(hours=7)).isoformat())
    try:
        levers.succeed(workflow.id)
        for _ in range(3):
            assert run_and_wait(owner, workflow.id).state == "succeeded"
        levers.fail(workflow.id)
        failed = run_and_wait(owner, workflow.id)
        assert failed.state == "failed"
    finally:
        levers.clock(now=dt.datetime.now(dt.UTC).isoformat())
    beat()

    # Now: retried, and this attempt takes an hour.
    levers._post("_local/faults", workflow_id=workflow.id, outcome="succeed", duration=3600)
    if retried == "through the console":
        page = f"/workflows/{workflow.id}/executions/{failed.id}/"
        assert client.post(page + "retry/").status_code == 302
    else:
        owner.api.post_executions_retry(workflow.id, failed.id)
    running = wait_for(
        lambda: owner.api.get_executions(workflow.id, failed.id), lambda e: e.state == "running"
    )
    assert timezone.now() - running.started_at > dt.timedelta(hours=6)  # its first start
    try:
        long_notices = Notification.objects.filter(workflow_id=workflow.id, reason="running_long")
        beat(timezone.now() + dt.timedelta(minutes=6))
        assert not long_notices.exists()  # 6 minutes into its retry: not long yet
        # Nor does the front page list it as running far longer than usual (seconds into it).
        front = client.get("/").content.decode()
        assert 'id="long-heading"' in front
        assert f"run {failed.id}</a> has been running" not in front
        beat(timezone.now() + dt.timedelta(minutes=11))
        assert long_notices.count() == 1  # 11 minutes into it: far longer than its seconds
        assert long_notices.get().execution_id == failed.id
    finally:
        owner.api.post_executions_cancel(workflow.id, failed.id)
