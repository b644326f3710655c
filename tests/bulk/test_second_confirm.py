"""A second confirm of a wizard says the job already started and leads to it (issue 10,
item 17): a double click or the back button is not a 404."""

import pytest

from tests.bulk.test_pages import (  # noqa: F401 (fixtures)
    admin_browser,
    choose_one_owner,
    confirm,
    enqueued,
    select_only,
    start_wizard,
)
from workflows_app.models.bulk import BulkJob

pytestmark = pytest.mark.django_db(transaction=True)


def test_confirming_again_leads_to_the_job_already_started(admin_browser, bulk_api, enqueued):  # noqa: F811
    owner, target = bulk_api.people["dvolkov"], bulk_api.people["imoreau"]
    ids = bulk_api.make_workflows(owner.username, 1, "Confirm twice")
    draft = start_wizard(admin_browser, owner)
    select_only(admin_browser, draft, ids)
    choose_one_owner(admin_browser, draft, target)
    job = confirm(admin_browser, draft)
    jobs = BulkJob.objects.count()

    again = admin_browser.post(f"/transfers/new/{draft.id}/check/")

    assert again.status_code == 302 and again["Location"] == f"/transfers/{job.id}/"
    page = admin_browser.get(again["Location"]).content.decode()
    assert "This job has already been started." in page
    assert BulkJob.objects.count() == jobs and enqueued == [job.id]
    assert admin_browser.post("/transfers/new/999999/check/").status_code == 404
