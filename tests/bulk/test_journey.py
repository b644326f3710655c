"""Chromium: the offboarding wizard for the demo person who is leaving, on a private local
API, through to a progress bar at 100% with every workflow listed as done."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.bulk.conftest import BulkWorker, start_transfer

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/bulk"
LEAVING = "mwebb"  # civis_local/api/seeds/people.py: Marcus Webb owns 32 workflows


@pytest.fixture
def default_queue_worker(bulk_api):
    """A worker on the bulk queue, where the wizard's jobs go (settings.CELERY_TASK_ROUTES)."""
    from django.conf import settings

    worker = BulkWorker(settings.BULK_QUEUE, "journey")
    yield worker
    worker.stop()


def choose(page, box_label: str, typed: str, name: str) -> None:
    page.get_by_role("searchbox", name=box_label).press_sequentially(typed, delay=40)
    radio = page.get_by_role("radio", name=re.compile(rf"^{re.escape(name)}"))
    expect(radio).to_be_visible(timeout=15_000)  # swapped in by htmx as we type
    radio.check()


def test_offboarding_moves_everything_the_leaving_person_owns(
    console_server, page, bulk_api, default_queue_worker
):
    leaving = bulk_api.people[LEAVING]
    owned = [w.id for w in bulk_api.admin.iter_workflows(author=str(leaving.id), archived="all")]
    assert len(owned) == 32
    base = console_server.url

    page.goto(base + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(bulk_api.admin_key)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Transfers").click()
    page.screenshot(path=f"{SHOTS}-list-empty.png", full_page=True)
    page.get_by_role("link", name="Move someone's workflows").click()

    choose(page, "Whose workflows?", "Webb", "Marcus Webb")
    page.screenshot(path=f"{SHOTS}-new.png", full_page=True)
    page.get_by_role("button", name="List their workflows").click()

    expect(page.get_by_text("32 workflows selected")).to_be_visible()
    expect(page.get_by_text("Page 1 of 2", exact=True)).to_be_visible()
    first = page.locator("input[name=chosen]").first
    first.uncheck()
    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_text("31 workflows selected")).to_be_visible()
    page.get_by_role("button", name="Previous page").click()
    expect(page.locator("input[name=chosen]").first).not_to_be_checked()  # kept across pages
    page.screenshot(path=f"{SHOTS}-select.png", full_page=True)
    page.get_by_role("button", name="Select all 32").click()
    expect(page.get_by_text("32 workflows selected")).to_be_visible()
    page.get_by_role("button", name="Continue with the ticked workflows").click()

    choose(page, "New owner", "Thomp", "Gwen Thompson")
    expect(page.get_by_label(re.compile("Also share the things"))).to_be_checked()
    page.screenshot(path=f"{SHOTS}-choices.png", full_page=True)
    page.get_by_role("button", name="Next: Marcus Webb's access").click()

    # The last step is optional: left unticked, Marcus keeps his access.
    expect(
        page.get_by_role("heading", name="Remove Marcus Webb's access everywhere?")
    ).to_be_visible()
    expect(page.get_by_label("Remove Marcus Webb's access everywhere")).not_to_be_checked()
    page.screenshot(path=f"{SHOTS}-access.png", full_page=True)
    page.get_by_role("button", name="Check your choices").click()

    expect(page.get_by_role("heading", name="Check your choices")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(32)
    page.screenshot(path=f"{SHOTS}-check.png", full_page=True)
    assert bulk_api.owner_of(owned[0]) == leaving.id  # nothing has changed yet
    page.get_by_role("button", name="Make Gwen Thompson the owner of 32 workflows").click()

    expect(page.locator("#job-progress-words")).to_contain_text("32 of 32 done", timeout=60_000)
    expect(page.locator("#job-announce")).to_have_text("32 of 32 done. Finished.")
    expect(page.locator("progress")).to_have_attribute("value", "32")
    expect(page.locator("tr[data-state=done]")).to_have_count(32)
    expect(page.get_by_text("All done.")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-detail.png", full_page=True)
    gwen = bulk_api.people["gthompson"].id
    assert {bulk_api.owner_of(i) for i in owned} == {gwen}

    page.set_viewport_size({"width": 320, "height": 640})
    page.screenshot(path=f"{SHOTS}-detail-narrow.png")
    page.set_viewport_size({"width": 1280, "height": 720})

    page.get_by_role("link", name="All transfers and bulk changes").click()
    expect(page.locator(".toast").filter(has_text="has finished: 32 of 32 done")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-list.png", full_page=True)


def test_watch_a_job_then_cancel_it_after_checking(console_server, page, bulk_api):
    owner, target = bulk_api.people["aokafor"], bulk_api.people["dvolkov"]
    ids = bulk_api.make_workflows(owner.username, 3, "Journey cancel")
    page.goto(console_server.url + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(bulk_api.admin_key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    me = get_user_model().objects.get(civis__civis_user_id=bulk_api.admin.users_me().id)
    job = start_transfer(bulk_api, me, ids, target)  # not enqueued: it waits for us

    page.goto(f"{console_server.url}/transfers/{job.id}/")
    expect(page.locator("#job-progress-words")).to_have_text("0 of 3 done")
    refresh = page.locator("#job-progress [data-progress-refresh]")
    expect(refresh).to_have_attribute("hx-trigger", "every 2s")
    expect(refresh).to_have_attribute("hx-headers", '{"X-Console-Poll": "1"}')
    page.screenshot(path=f"{SHOTS}-running.png", full_page=True)
    page.get_by_role("link", name="Cancel this job").click()

    expect(page.get_by_role("heading", name="Cancel this job?")).to_be_visible()
    expect(page.get_by_text("3 workflows not started yet will not be touched.")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-cancel.png", full_page=True)
    page.get_by_role("button", name="Cancel this job").click()

    expect(page.get_by_text("Cancelled.", exact=False).first).to_be_visible()
    expect(page.locator("[data-progress-refresh]")).to_have_count(0)
    expect(page.locator("tr[data-state=skipped]")).to_have_count(3)
    assert {bulk_api.owner_of(i) for i in ids} == {owner.id}


def test_suggestions_arrive_while_the_check_page_polls(
    console_server, page, bulk_api, default_queue_worker
):
    viewer, owner = bulk_api.people["knorgaard"], bulk_api.people["fhaddad"]
    manager, fallback = bulk_api.people["egarcia"], bulk_api.people["htanaka"]
    ids = bulk_api.make_workflows(owner.username, 5, "Journey suggested")
    as_owner = bulk_api.client_of(owner.username)
    as_owner.put_shares_users(ids[0], [viewer.id], "read")
    for workflow_id in ids[1:]:
        as_owner.put_shares_users(workflow_id, [viewer.id], "manage")
    as_owner.put_shares_users(ids[1], [manager.id], "manage")
    page.goto(console_server.url + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(bulk_api.key_of(viewer.username))
    page.get_by_role("button", name="Sign in").click()
    page.goto(console_server.url + "/transfers/new/")

    choose(page, "Whose workflows?", owner.name.split()[-1], owner.name)
    page.get_by_role("button", name="List their workflows").click()
    expect(page.locator("#not-manageable")).to_contain_text("Ask their owner or an admin.")
    expect(page.get_by_label(f"Journey suggested {0:03d}")).to_have_count(0)
    page.screenshot(path=f"{SHOTS}-select-not-manageable.png", full_page=True)
    page.get_by_role("button", name="Continue with the ticked workflows").click()
    page.get_by_label("For each workflow, someone who can already manage it").check()
    choose(page, "New owner", fallback.name.split()[-1], fallback.name)
    page.get_by_role("button", name=re.compile("^Next: .*'s access$")).click()
    # The worker's read of who manages each takes a second or more: the page says so meanwhile.
    bulk_api.configure(latency_ms=1000)
    page.get_by_role("button", name="Check your choices").click()

    expect(page.get_by_role("status").filter(has_text="Working out")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-check-working-out.png", full_page=True)
    expect(page.get_by_role("button", name=re.compile("to their new owners"))).to_be_visible(
        timeout=30_000
    )
    row = page.locator("tr").filter(has_text=f"Journey suggested {1:03d}")
    # Someone who already manages it (the first the platform lists), not the fallback.
    expect(row).to_contain_text(re.compile(f"{viewer.name}|{manager.name}"))
    page.screenshot(path=f"{SHOTS}-check-suggested.png", full_page=True)
