"""Chromium: offboarding with its last step, "Remove <name>'s access everywhere", on a private
local API, through to the summary of what the leaver can still open through a group."""

import re

import pytest
from playwright.sync_api import expect

from tests.bulk.conftest import BulkWorker
from tests.bulk.test_journey import choose

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/bulk-leaver"


@pytest.fixture
def bulk_queue_worker(bulk_api):
    from django.conf import settings

    worker = BulkWorker(settings.BULK_QUEUE, "leaver-journey")
    yield worker
    worker.stop()


def test_offboarding_then_remove_the_leavers_access_everywhere(
    console_server, page, bulk_api, bulk_queue_worker
):
    admin = bulk_api.admin
    leaver, heir = bulk_api.people["htanaka"], bulk_api.people["blindqvist"]
    moved = bulk_api.make_workflows("htanaka", 2, "Leaver journey own")
    (theirs,) = bulk_api.make_workflows("aokafor", 1, "Leaver journey shared")
    admin.put_shares_users(theirs, [leaver.id], "write")
    engineering = next(
        g for g in admin.search_groups(limit=50).items if g.name == "Data Engineering"
    )
    admin.put_shares_groups(theirs, [engineering.id], "read")
    base = console_server.url

    page.goto(base + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(bulk_api.admin_key)
    page.get_by_role("button", name="Sign in").click()
    page.goto(base + "/transfers/new/")
    choose(page, "Whose workflows?", "Tanaka", "Hiroshi Tanaka")
    page.get_by_role("button", name="List their workflows").click()
    page.get_by_role("button", name="Continue with the ticked workflows").click()
    choose(page, "New owner", "Lindq", heir.name)
    page.get_by_role("button", name="Next: Hiroshi Tanaka's access").click()

    expect(
        page.get_by_role("heading", name="Remove Hiroshi Tanaka's access everywhere?")
    ).to_be_visible(timeout=60_000)
    expect(
        page.get_by_text(re.compile(r"has access of their own to \d+ other workflows?"))
    ).to_be_visible()
    page.screenshot(path=f"{SHOTS}-access.png", full_page=True)
    page.get_by_label("Remove Hiroshi Tanaka's access everywhere").check()
    page.get_by_role("button", name="Check your choices").click()

    expect(
        page.get_by_text(re.compile(r"^Removed everywhere: on the \d+ workflows? after each move"))
    ).to_be_visible()
    expect(page.get_by_text("Things they use that the new owner can't open yet")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-check.png", full_page=True)
    assert leaver.id in {g.id for g in admin.list_shares(theirs).users}  # nothing changed yet
    page.get_by_role("button", name=re.compile("and remove Hiroshi Tanaka's access$")).click()

    expect(page.get_by_text("All done.")).to_be_visible(timeout=120_000)
    page.reload()  # the summary of what they can still open is on the finished job's page
    expect(page.get_by_role("heading", name="What Hiroshi Tanaka can still open")).to_be_visible()
    expect(page.get_by_text(re.compile("through the groups? .*Data Engineering"))).to_be_visible()
    expect(page.get_by_text("Next step:")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-summary.png", full_page=True)
    for workflow_id in (*moved, theirs):
        assert leaver.id not in {g.id for g in admin.list_shares(workflow_id).users}
    assert {bulk_api.owner_of(i) for i in moved} == {heir.id}
    assert engineering.id in {g.id for g in admin.list_shares(theirs).groups}
