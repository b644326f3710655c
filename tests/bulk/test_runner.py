"""The runner against a live local API: items done once, idempotent, outcomes as they happen,
transient failures retried, rate limits honoured, cancel and retry."""

from tests.bulk.conftest import start_transfer
from workflows_app.bulk import jobs, runner
from workflows_app.models.bulk import BulkItem, BulkJob, Notification


def test_a_transfer_job_moves_every_workflow_and_finishes_with_a_summary(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 12, "Runner basic")
    target = bulk_api.people["dvolkov"]
    job = start_transfer(bulk_api, console_admin, ids, target)
    bulk_api.reset_requests()

    result = runner.run_slice(job.id)

    job.refresh_from_db()
    assert result.again_in is None
    assert job.state == BulkJob.State.FINISHED
    assert job.encrypted_key == ""
    assert job.done_count == 12 and job.failed_count == 0
    assert {bulk_api.owner_of(i) for i in ids} == {target.id}
    assert bulk_api.requests_by_route().get("PUT /workflows/{id}/transfer") == 12
    outcomes = set(BulkItem.objects.filter(job=job).values_list("outcome", flat=True))
    assert outcomes == {"Dmitri Volkov is now the owner."}
    note = Notification.objects.get(user=console_admin)
    assert "12 of 12 done" in note.text


def test_a_workflow_the_target_already_owns_is_done_without_a_call(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 3, "Runner owned")
    target = bulk_api.people["cbellini"]
    job = start_transfer(bulk_api, console_admin, ids, target)
    bulk_api.reset_requests()

    runner.run_slice(job.id)

    assert "PUT /workflows/{id}/transfer" not in bulk_api.requests_by_route()
    assert set(BulkItem.objects.filter(job=job).values_list("state", flat=True)) == {"done"}
    assert BulkItem.objects.filter(job=job, outcome__startswith="Already owned").count() == 3


def test_transient_failures_are_retried_until_every_item_is_done(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 20, "Runner flaky")
    target = bulk_api.people["egarcia"]
    job = start_transfer(bulk_api, console_admin, ids, target)
    bulk_api.configure(error_rate=0.25, error_status=503)

    runner.run_slice(job.id)

    job.refresh_from_db()
    assert job.state == BulkJob.State.FINISHED
    assert job.failed_count == 0, list(BulkItem.objects.filter(job=job, state="failed"))
    assert BulkItem.objects.filter(job=job, attempts__gt=1).exists()
    bulk_api.configure(error_rate=0)
    assert {bulk_api.owner_of(i) for i in ids} == {target.id}


def test_a_refused_item_fails_with_the_platform_words_and_can_be_retried(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 2, "Runner refused")
    target = bulk_api.people["fhaddad"]
    job = start_transfer(bulk_api, console_admin, ids, target)
    BulkItem.objects.filter(job=job, workflow_id=ids[0]).update(params={"user_id": 999999})

    runner.run_slice(job.id)

    job.refresh_from_db()
    assert (job.done_count, job.failed_count) == (1, 1)
    failed = BulkItem.objects.get(job=job, state="failed")
    assert failed.upstream_status == 404 and failed.outcome.startswith("Not changed")

    BulkItem.objects.filter(id=failed.id).update(params={})
    assert jobs.retry_failed(job, bulk_api.admin_key) == 1
    job.refresh_from_db()
    assert job.state == BulkJob.State.RUNNING and job.encrypted_key
    runner.run_slice(job.id)
    job.refresh_from_db()
    assert (job.state, job.done_count, job.failed_count) == ("finished", 2, 0)
    assert bulk_api.owner_of(ids[0]) == target.id


def test_cancel_skips_what_has_not_started_and_deletes_the_key(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 5, "Runner cancel")
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["imoreau"])

    assert jobs.cancel(job)

    job.refresh_from_db()
    assert job.state == BulkJob.State.CANCELLED and job.encrypted_key == ""
    assert job.skipped_count == 5
    assert runner.run_slice(job.id).again_in is None
    assert {bulk_api.owner_of(i) for i in ids} == {bulk_api.people["cbellini"].id}
