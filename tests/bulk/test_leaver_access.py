"""Offboarding's last, optional step over a live private local API: "Remove <name>'s access
everywhere" (their share on each moved workflow, which the platform keeps after a transfer,
and on other people's workflows the viewer manages) in the same resumable job; the check page
names and counts the things the new owner can't open yet; the summary says what the leaver can
still open through a group, with the next step."""

import pytest

from tests.bulk.test_pages import confirm, select_only, start_wizard
from workflows_app.bulk import runner
from workflows_app.models.bulk import BulkDraft, BulkItem, BulkJob

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def enqueued(monkeypatch):
    """The job is run by the test itself, not a worker."""
    from workflows_app.bulk.tasks import run_bulk_job

    sent = []
    monkeypatch.setattr(run_bulk_job, "delay_on_commit", lambda job_id, chain: sent.append(job_id))
    return sent


def _users(api, workflow_id: int) -> set[int]:
    return {g.id for g in api.admin.list_shares(workflow_id).users}


def test_one_workflow_moved_reads_as_the_workflow(client, bulk_api, reads_here):
    """'the workflow moved', not 'the 1 workflow moved' (words.counts.the)."""
    leaver, heir = bulk_api.people["imoreau"], bulk_api.people["fhaddad"]
    (plain,) = bulk_api.make_workflows("imoreau", 1, "Leaver only one")
    assert client.post("/sign-in/", {"api_key": bulk_api.admin_key}).status_code == 302
    draft = start_wizard(client, leaver)
    select_only(client, draft, [plain])
    chosen = client.post(
        f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{heir.id}"}
    )
    step = client.get(chosen["Location"]).content.decode()
    assert "Isabel Moreau can still manage the workflow you move" in step
    skipped = client.get(f"/transfers/new/{draft.id}/check/").content.decode()
    assert "Kept: they can still manage the workflow moved" in skipped
    assert client.post(chosen["Location"], {"remove_access": "on"}).status_code == 302
    check = client.get(f"/transfers/new/{draft.id}/check/").content.decode()
    assert "Removed everywhere: on the workflow after it is moved" in check
    assert "the 1 workflow" not in skipped + step + check


def test_offboarding_removes_the_leavers_access_everywhere(client, bulk_api, enqueued, reads_here):
    leaver, heir = bulk_api.people["imoreau"], bulk_api.people["fhaddad"]
    admin = bulk_api.admin
    as_leaver = bulk_api.client_of("imoreau")
    child = as_leaver.post_workflow(
        "Leaver child step", definition="version: '2.0'\nmain:\n  tasks: {}\n"
    )
    parent = as_leaver.post_workflow(
        "Leaver parent",
        definition=(
            "version: '2.0'\nmain:\n  tasks:\n    run_child:\n"
            "      action: civis.workflows.execute\n"
            f"      input:\n        workflow_id: {child.id}\n"
        ),
    )
    (plain,) = bulk_api.make_workflows("imoreau", 1, "Leaver plain")
    (theirs,) = bulk_api.make_workflows("aokafor", 1, "Shared with the leaver")
    admin.put_shares_users(theirs, [leaver.id], "write")
    services = next(g for g in admin.search_groups(limit=50).items if g.name == "Client Services")
    admin.put_shares_groups(theirs, [services.id], "read")
    assert client.post("/sign-in/", {"api_key": bulk_api.admin_key}).status_code == 302

    draft = start_wizard(client, leaver)
    select_only(client, draft, [parent.id, plain])
    chosen = client.post(
        f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{heir.id}"}
    )
    assert chosen["Location"] == f"/transfers/new/{draft.id}/access/"
    step = client.get(chosen["Location"]).content.decode()
    assert "Remove Isabel Moreau's access everywhere" in step
    assert "Shared with the leaver 000" in step
    skipped = client.get(f"/transfers/new/{draft.id}/check/").content.decode()
    assert "Kept: they can still manage the 2 workflows moved" in skipped

    assert client.post(chosen["Location"], {"remove_access": "on"}).status_code == 302
    check = client.get(f"/transfers/new/{draft.id}/check/").content.decode()

    others = len(BulkDraft.objects.get(id=draft.id).choices["leaver_shares"])
    assert others >= 1
    assert "Things they use that the new owner can't open yet" in check
    assert "1 thing in 1 workflow (named below)" in check and "Leaver child step" in check
    assert f"Removed everywhere: on the 2 workflows after each move, and on {others} other" in check
    job = confirm(client, draft)
    assert job.total == 2 + others
    assert BulkItem.objects.get(job=job, workflow_id=theirs).params == {
        "item_kind": "remove_access"
    }

    for _ in range(10):  # a slice is a minute at most; one is enough unless the machine is slow
        runner.run_slice(job.id)
        if not BulkJob.objects.get(id=job.id).is_active:
            break

    job.refresh_from_db()
    assert job.state == "finished" and job.done_count == job.total, list(
        job.items.values_list("workflow_name", "outcome")
    )
    assert {bulk_api.owner_of(i) for i in (parent.id, plain)} == {heir.id}
    for workflow_id in (parent.id, plain, theirs):
        assert leaver.id not in _users(bulk_api, workflow_id)
    assert services.id in {g.id for g in admin.list_shares(theirs).groups}
    page = client.get(f"/transfers/{job.id}/").content.decode()
    assert "What Isabel Moreau can still open" in page
    assert "through the group Client Services" in page and "Next step" in page
    assert "Isabel Moreau&#x27;s own access removed." in page
