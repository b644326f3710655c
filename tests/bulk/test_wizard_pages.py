"""The wizard's pages as a person reads them (usability walkthrough, session 4, screenshots
27-38): each path says truly where it is ("Step 4 of 5" once, never two pages "Step 3 of 4");
a leaver with no other access is told so in words, not "on 0 other workflows"; the check page
shows the workflows it will change before its button; a job's page shows a workflow's id only
when two share a name. Over a live private local API; the job runs on a real bulk worker."""

import re

import pytest
from django.conf import settings

from tests.bulk.conftest import BulkWorker
from tests.bulk.test_pages import select_only, start_wizard
from tests.helpers import wait_for
from workflows_app.bulk import reads
from workflows_app.bulk.candidates import shared_with
from workflows_app.models.bulk import BulkDraft, BulkJob

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_browser(client, bulk_api, reads_here):
    assert client.post("/sign-in/", {"api_key": bulk_api.admin_key}).status_code == 302
    return client


def step_of(page: str) -> str:
    (caption,) = re.findall(r'<p class="bulk-caption">([^<]+)</p>', page)
    return caption


def test_each_kind_of_wizard_numbers_its_own_steps(admin_browser, bulk_api, monkeypatch):
    owner, heir = bulk_api.people["gthompson"], bulk_api.people["htanaka"]
    ids = bulk_api.make_workflows(owner.username, 2, "Steps")
    new, choices = "/transfers/new/", "/transfers/new/{}/choices/"

    # A move: whose, which, who owns them, the leaver's own access, the check.
    assert step_of(admin_browser.get(new).content.decode()) == "Move workflows · Step 1 of 5"
    draft = start_wizard(admin_browser, owner)
    page = admin_browser.get(f"/transfers/new/{draft.id}/").content.decode()
    assert step_of(page) == "Move workflows · Step 2 of 5"
    select_only(admin_browser, draft, ids)
    page = admin_browser.get(choices.format(draft.id)).content.decode()
    assert step_of(page) == "Move workflows · Step 3 of 5"
    admin_browser.post(choices.format(draft.id), {"mode": "one", "new_owner": f"user:{heir.id}"})
    from workflows_app.bulk.tasks import read_for_wizard

    read_here = read_for_wizard.delay_on_commit
    asked: list[tuple] = []  # the look for their other access waits here, unread for now
    monkeypatch.setattr(read_for_wizard, "delay_on_commit", lambda *args: asked.append(args))
    access = f"/transfers/new/{draft.id}/access/"
    looking = admin_browser.get(access).content.decode()
    assert f"Looking for {owner.name}&#x27;s access to other workflows" in looking
    assert step_of(looking) == "Move workflows · Step 4 of 5"
    reads.run(*asked[0])
    page = admin_browser.get(access).content.decode()
    assert f"Remove {owner.name}'s access everywhere?" in page
    assert step_of(page) == "Move workflows · Step 4 of 5"
    admin_browser.post(access, {})
    page = admin_browser.get(f"/transfers/new/{draft.id}/check/").content.decode()
    assert step_of(page) == "Move workflows · Step 5 of 5"

    # Changing access: whose, which, who and what, the check.
    page = admin_browser.get(f"{new}?kind=share").content.decode()
    assert step_of(page) == "Change access · Step 1 of 4"
    monkeypatch.setattr(read_for_wizard, "delay_on_commit", read_here)  # done here again
    draft = start_wizard(admin_browser, owner, kind="share")
    page = admin_browser.get(f"/transfers/new/{draft.id}/").content.decode()
    assert step_of(page) == "Change access · Step 2 of 4"
    select_only(admin_browser, draft, ids)
    page = admin_browser.get(choices.format(draft.id)).content.decode()
    assert step_of(page) == "Change access · Step 3 of 4"
    admin_browser.post(
        choices.format(draft.id), {"action": "share", "grantee": f"user:{heir.id}", "level": "read"}
    )
    page = admin_browser.get(f"/transfers/new/{draft.id}/check/").content.decode()
    assert step_of(page) == "Change access · Step 4 of 4"

    # Archiving has nothing to choose: whose, which, the check.
    page = admin_browser.get(f"{new}?kind=archive").content.decode()
    assert step_of(page) == "Archive workflows · Step 1 of 3"
    response = admin_browser.post(f"{new}?kind=archive", {"person": f"user:{owner.id}"})
    page = admin_browser.get(response["Location"]).content.decode()
    assert step_of(page) == "Archive workflows · Step 2 of 3"
    draft = BulkDraft.objects.latest("id")
    select_only(admin_browser, draft, ids)
    page = admin_browser.get(choices.format(draft.id), follow=True).content.decode()
    assert "Archive 2 workflows" in page
    assert step_of(page) == "Archive workflows · Step 3 of 3"


def test_a_leaver_with_no_other_access_is_told_so_and_the_check_lists_before_its_button(
    admin_browser, bulk_api
):
    leaver, heir = bulk_api.people["pshah"], bulk_api.people["htanaka"]
    ids = bulk_api.make_workflows(leaver.username, 2, "No others")
    for other in shared_with(bulk_api.admin, leaver.id, skip=ids):  # none of her own elsewhere
        bulk_api.admin.delete_shares_users(other.id, leaver.id)
    draft = start_wizard(admin_browser, leaver)
    select_only(admin_browser, draft, ids)
    admin_browser.post(
        f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{heir.id}"}
    )
    access = f"/transfers/new/{draft.id}/access/"

    page = admin_browser.get(access).content.decode()

    assert "Priya Shah has no access of their own to other workflows that you can manage." in page
    assert "0 other" not in page
    assert "After each move. Access they have through a group stays" in page

    admin_browser.post(access, {"remove_access": "on"})
    page = admin_browser.get(f"/transfers/new/{draft.id}/check/").content.decode()

    assert "0 other" not in page
    assert (
        "Removed everywhere: on the 2 workflows after each move. They have no access of their"
        " own to other workflows you can manage"
    ) in page
    button = (
        f'<button type="submit" class="button">Make {heir.name} the owner of 2 workflows and'
        " remove Priya Shah's access</button>"
    )
    assert page.count(button) == 1
    for name in ("No others 000", "No others 001"):  # what will change, before the button
        assert page.index(f'<span class="bulk-name">{name}</span>') < page.index(button)
    assert page.index("<h2>The workflows</h2>") < page.index(button)


@pytest.fixture
def bulk_queue_worker(bulk_api):
    """A real worker on the bulk queue, where the job's slices go."""
    worker = BulkWorker(settings.BULK_QUEUE, "wizard-pages")
    yield worker
    worker.stop()


def test_a_finished_jobs_page_shows_an_id_only_where_two_workflows_share_a_name(
    admin_browser, bulk_api, bulk_queue_worker
):
    leaver, heir = bulk_api.people["blindqvist"], bulk_api.people["htanaka"]
    as_leaver = bulk_api.client_of(leaver.username)
    twins = bulk_api.make_workflows(leaver.username, 2, "Job page twin")
    for workflow_id in twins:
        as_leaver.patch_workflow(workflow_id, name="Job page twin")
    (single,) = bulk_api.make_workflows(leaver.username, 1, "Job page single")
    draft = start_wizard(admin_browser, leaver)
    select_only(admin_browser, draft, [*twins, single])
    admin_browser.post(
        f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{heir.id}"}
    )
    admin_browser.post(f"/transfers/new/{draft.id}/access/", {})
    started = admin_browser.post(f"/transfers/new/{draft.id}/check/")
    job = BulkJob.objects.latest("id")
    assert started["Location"] == f"/transfers/{job.id}/"
    wait_for(lambda: BulkJob.objects.get(id=job.id).state, lambda s: s == "finished", 120)

    page = admin_browser.get(f"/transfers/{job.id}/").content.decode()

    assert "All done." in page and "3 of 3 done" in page
    single_row = page.split(f'href="/workflows/{single}/"')[1].split("</td>")[0]
    assert "Job page single 000</a>" in single_row and f"#{single}" not in single_row
    for twin in twins:
        twin_row = page.split(f'href="/workflows/{twin}/"')[1].split("</td>")[0]
        assert f'Job page twin</a> <span class="hint">#{twin}</span>' in twin_row
