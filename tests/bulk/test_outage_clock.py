"""A long outage does not use up the items' time of trying: while the platform does not answer
at all the job is paused, and that time does not count towards giving up on an item
(runner.GIVE_UP_AFTER, 10 minutes of trying)."""

from datetime import timedelta

from django.utils import timezone

from tests.bulk.conftest import start_transfer
from webui.embedded_redis import free_port
from workflows_app.bulk import runner
from workflows_app.models.bulk import BulkItem, BulkJob


def test_items_are_not_given_up_for_time_the_platform_did_not_answer(bulk_api, console_admin):
    ids = bulk_api.make_workflows("cbellini", 2, "Long outage")
    nobody = f"http://127.0.0.1:{free_port()}/"  # nothing listens: no answer at all
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["dvolkov"])
    answering = job.parameters["endpoint"]
    BulkJob.objects.filter(id=job.id).update(parameters={**job.parameters, "endpoint": nobody})
    # The items had been tried for 2 minutes when the platform stopped answering, 9 minutes
    # ago: 11 minutes since they began, 2 of them trying.
    now = timezone.now()
    BulkItem.objects.filter(job=job).update(trying_since=now - timedelta(minutes=11), attempts=3)
    BulkJob.objects.filter(id=job.id).update(unreachable_since=now - timedelta(minutes=9))

    runner.run_slice(job.id, seconds=3)

    assert runner.state_counts(job.id) == {"pending": 2}  # still trying, not "failed"
    assert BulkJob.objects.get(id=job.id).unreachable_since == now - timedelta(minutes=9)

    # The platform answers again: the job carries on and the outage is over.
    BulkJob.objects.filter(id=job.id).update(
        parameters={**job.parameters, "endpoint": answering}, paused_until=None
    )
    BulkItem.objects.filter(job=job).update(not_before=None)
    runner.run_slice(job.id, seconds=30)

    assert runner.state_counts(job.id) == {"done": 2}
    assert BulkJob.objects.get(id=job.id).unreachable_since is None


def test_the_end_of_an_outage_moves_the_items_time_of_trying_on_by_its_length(
    bulk_api, console_admin
):
    ids = bulk_api.make_workflows("cbellini", 2, "Outage ends")
    job = start_transfer(bulk_api, console_admin, ids, bulk_api.people["dvolkov"])
    now = timezone.now()
    began = now - timedelta(minutes=9)
    before, during = BulkItem.objects.filter(job=job).order_by("id")
    # One item began trying 2 minutes before the outage, the other during it.
    BulkItem.objects.filter(id=before.id).update(trying_since=now - timedelta(minutes=11))
    BulkItem.objects.filter(id=during.id).update(trying_since=now - timedelta(minutes=5))
    BulkJob.objects.filter(id=job.id).update(unreachable_since=began)
    assert runner.gave_up(before)  # 11 minutes, counted as before

    runner.outage_ended(job.id, began)

    before.refresh_from_db()
    during.refresh_from_db()
    assert timedelta(minutes=1, seconds=55) <= timezone.now() - before.trying_since
    assert timezone.now() - before.trying_since <= timedelta(minutes=2, seconds=5)
    assert timezone.now() - during.trying_since <= timedelta(seconds=5)
    assert not runner.gave_up(before) and not runner.gave_up(during)
    assert BulkJob.objects.get(id=job.id).unreachable_since is None
    # Ended once: a second runner ending the same outage moves nothing again.
    runner.outage_ended(job.id, began)
    assert BulkItem.objects.get(id=before.id).trying_since == before.trying_since
