"""Archive in bulk: a new kind of bulk job (bulk/kinds/archive.py), reached from the bulk
wizard ("Archive someone's workflows"), run by the same runner as transfers and shares."""

import pytest

from tests.bulk.test_pages import confirm, select_only
from workflows_app.bulk import runner
from workflows_app.bulk.kinds import ACTIONS
from workflows_app.models.bulk import BulkDraft, BulkJob

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def enqueued(monkeypatch):
    """The job's first slice is run by the test itself, not a worker."""
    from workflows_app.bulk.tasks import run_bulk_job

    sent = []
    monkeypatch.setattr(run_bulk_job, "delay_on_commit", lambda job_id, chain: sent.append(job_id))
    return sent


def test_archive_many_workflows_from_the_wizard(client, bulk_api, enqueued, reads_here):
    assert "archive" in ACTIONS and BulkJob.Kind.ARCHIVE == "archive"
    owner = bulk_api.people["aokafor"]
    ids = bulk_api.make_workflows(owner.username, 3, "Bulk archive")
    assert client.post("/sign-in/", {"api_key": bulk_api.admin_key}).status_code == 302
    assert "?kind=archive" in client.get("/transfers/").content.decode()
    assert (
        "Archive someone's workflows" in client.get("/transfers/new/?kind=archive").content.decode()
    )

    response = client.post("/transfers/new/?kind=archive", {"person": f"user:{owner.id}"})
    assert response.status_code == 302
    draft = BulkDraft.objects.latest("id")
    assert draft.kind == "archive"
    select_only(client, draft, ids)
    assert client.get(f"/transfers/new/{draft.id}/choices/")["Location"] == (
        f"/transfers/new/{draft.id}/check/"
    )
    check = client.get(f"/transfers/new/{draft.id}/check/").content.decode()
    assert "Archive 3 workflows" in check and "each stops running on its schedule" in check
    job = confirm(client, draft)
    assert job.kind == "archive" and job.total == 3 and job.title.startswith("Archive 3 workflows")

    runner.run_slice(job.id)

    assert {bulk_api.admin.get_workflow(i).archived for i in ids} == {True}
    page = client.get(f"/transfers/{job.id}/").content.decode()
    assert "3 of 3 done" in page and "Archived: it no longer runs on its schedule." in page
