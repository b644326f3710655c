"""A bulk job leaves room for people: under a request budget (per person in civis_local, so
the job and its starter's own pages spend the same one), the starter's workflow list and
workflow pages answer normally while their job runs."""

import time

import pytest

from tests.bulk.conftest import start_transfer, wait_until
from tests.helpers import sign_in
from workflows_app.bulk import runner
from workflows_app.models.bulk import BulkJob

pytestmark = pytest.mark.celery

ITEMS = 200
BUSY = ("asked us to slow down", "did not answer", "took too long")


def test_the_starters_pages_answer_while_their_job_runs_under_a_budget(
    bulk_api, console_admin, start_worker, bulk_queue, client
):
    source, target = bulk_api.people["knorgaard"], bulk_api.people["blindqvist"]
    ids = bulk_api.make_workflows(source.username, ITEMS, "Headroom")
    start_worker("headroom")
    sign_in(client, bulk_api.admin_key)  # the job's starter: the admin, with the same key
    # 20 requests a second for each person: the job may spend 16 of them, and a workflow page
    # alone costs 6 calls at once (the list 1 or 2).
    bulk_api.configure(rate_limit="40/2")
    bulk_api.reset_requests()

    job = start_transfer(bulk_api, console_admin, ids, target, queue=bulk_queue)
    wait_until(lambda: runner.state_counts(job.id).get("done", 0) >= 2, 60, step=0.2)

    answers, n, deadline = [], 0, time.monotonic() + 240
    while BulkJob.objects.get(id=job.id).state == "running" and time.monotonic() < deadline:
        path = "/workflows/" if n % 2 == 0 else f"/workflows/{ids[-1]}/"
        response = client.get(path)
        text = response.content.decode()
        during = BulkJob.objects.get(id=job.id).state == "running"
        answers.append((path, response.status_code, [b for b in BUSY if b in text], during))
        n += 1
        time.sleep(1.0)  # a person reading the page before the next click

    assert [a for a in answers if a[1] != 200 or a[2]] == []
    assert sum(1 for a in answers if a[3]) >= 6, answers  # loaded while the job ran
    wait_until(lambda: BulkJob.objects.get(id=job.id).state == "finished", 240, step=0.5)
    job_row = BulkJob.objects.get(id=job.id)
    assert runner.state_counts(job.id) == {"done": ITEMS}
    # The job did meet the budget: it ran at no more than the rate it is allowed.
    seconds = (job_row.finished_at - job_row.created_at).total_seconds()
    assert ITEMS / seconds <= 16 * 1.1, seconds
