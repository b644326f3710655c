"""Outcomes in words that are true (issue 14, item 6): a transfer whose answer did not come in
time (a real read timeout: civis_local answers slower than the console waits) is checked, not
called unavailable; after a retry, a workflow this job had moved says so; an item whose last
try failed after one that may have changed it is never reported "Not changed"."""

from datetime import timedelta

from django.utils import timezone

from tests.bulk.conftest import start_transfer
from workflows_app.bulk import runner
from workflows_app.models.bulk import BulkItem

SLOW_MS = 2500  # civis_local answers after this ...
WAIT_S = 1  # ... and the console waits this long for an answer


def items(job) -> list[BulkItem]:
    return list(BulkItem.objects.filter(job=job).order_by("id"))


def test_a_transfer_that_timed_out_is_checked_and_reported_moved(bulk_api, console_admin, settings):
    ids = bulk_api.make_workflows("cbellini", 2, "Timed out")
    target = bulk_api.people["dvolkov"]
    job = start_transfer(bulk_api, console_admin, ids, target)
    settings.CIVIS_READ_TIMEOUT = WAIT_S
    bulk_api.configure(latency_ms=SLOW_MS)
    bulk_api.reset_requests()

    runner.run_slice(job.id, seconds=6)

    # The platform did the transfers after the console stopped waiting; the look (a GET)
    # timed out too, so the items wait to be looked at again: not failed, not "not changed".
    assert {bulk_api.owner_of(i) for i in ids} == {target.id}
    assert [i.state for i in items(job)] == ["pending", "pending"]
    assert not any(i.outcome.startswith("Not changed") for i in items(job))

    bulk_api.configure(latency_ms=0)
    BulkItem.objects.filter(job=job).update(not_before=None)  # their wait is over
    runner.run_slice(job.id, seconds=30)

    assert [(i.state, i.outcome) for i in items(job)] == [
        ("done", "Moved to Dmitri Volkov (confirmed on retry).")
    ] * 2
    assert bulk_api.requests_by_route()["PUT /workflows/{id}/transfer"] == 2  # never sent again


def test_a_last_try_that_could_not_look_is_not_reported_not_changed(
    bulk_api, console_admin, settings
):
    ids = bulk_api.make_workflows("cbellini", 1, "Unknown")
    target = bulk_api.people["egarcia"]
    job = start_transfer(bulk_api, console_admin, ids, target)
    settings.CIVIS_READ_TIMEOUT = WAIT_S
    bulk_api.configure(latency_ms=SLOW_MS)
    runner.run_slice(job.id, seconds=6)
    # Ten minutes of trying have passed, and the platform is still too slow to look.
    long_ago = timezone.now() - timedelta(minutes=11)
    BulkItem.objects.filter(job=job).update(not_before=None, trying_since=long_ago)

    runner.run_slice(job.id, seconds=10)

    (item,) = items(job)
    assert item.state == "failed"
    assert item.outcome.startswith("Not known whether it changed"), item.outcome
    assert "Check the workflow before trying again" in item.outcome
    bulk_api.configure(latency_ms=0)
    assert bulk_api.owner_of(ids[0]) == target.id  # it had changed: "Not changed" was false
