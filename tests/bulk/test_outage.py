"""The platform stops answering for 10 s in the middle of a job: the job pauses (and says so),
carries on by itself when the platform answers again, and no item fails."""

import threading

import pytest

from tests.bulk.conftest import start_transfer, wait_until
from workflows_app.bulk import runner
from workflows_app.bulk.progress import progress_of
from workflows_app.models.bulk import BulkItem, BulkJob

pytestmark = pytest.mark.faults


def test_a_10_second_outage_pauses_the_job_and_fails_nothing(bulk_api, console_admin):
    source, target = bulk_api.people["cbellini"], bulk_api.people["dvolkov"]
    ids = bulk_api.make_workflows(source.username, 24, "Outage")
    bulk_api.configure(latency_ms=150)
    job = start_transfer(bulk_api, console_admin, ids, target, concurrency=4)
    slice_ = threading.Thread(target=runner.run_slice, args=(job.id,), kwargs={"seconds": 90})
    slice_.start()
    try:
        wait_until(lambda: BulkItem.objects.filter(job=job, state="done").count() >= 4, 60)
        bulk_api.api.process.kill()  # no answer at all, for 10 s
        bulk_api.api.process.wait()

        def paused_with_words():
            j = BulkJob.objects.get(id=job.id)
            return j.pause_reason == "unreachable" and "not answering" in progress_of(j).waiting

        wait_until(paused_with_words, 20, step=0.1)
        bulk_api.restart(down_for=8)
    finally:
        slice_.join(timeout=120)
    assert not slice_.is_alive()

    assert runner.state_counts(job.id) == {"done": 24}
    assert BulkJob.objects.get(id=job.id).state == "finished"
    assert {bulk_api.owner_of(i) for i in ids} == {target.id}
    # Retried with a wait, not hammered: a handful of tries per item at most.
    assert max(BulkItem.objects.filter(job=job).values_list("attempts", flat=True)) <= 6
