"""The triage journey in real Chromium against the live console and civis_local: a watched
workflow is made to fail; within one refresh interval the nav count rises (without a reload),
the front page shows the episode with the error in words, the inbox lists it and one email is
sent; the person acknowledges it with a note; a retry succeeds and the episode closes as
recovered with one recovery notice. A paused run shows under "Waiting for approval" for its
owner, not for a colleague who can only view it; a schedule made to miss its time (civis_local's
clock set back) shows as "Did not start"."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.helpers import wait_for
from workflows_app.models import FailureEpisode, Notification

from .conftest import ONE_JOB, PAUSES_FIRST, beat, finished, run_and_wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HOURLY = {
    "scheduled": True,
    "scheduled_days": list(range(7)),
    "scheduled_hours": list(range(24)),
    "scheduled_minutes": [0],
}


def sign_in_page(page, base: str, key: str) -> None:
    page.goto(base + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_triage_journey(console_server, page, chromium, actor, levers, mailoutbox, settings):
    # Before the server's address is read: on gunicorn it is handed over in its environment.
    settings.NOTIFICATION_COUNT_POLL_SECONDS = 1
    settings.CONSOLE_BASE_URL = console_server.url  # the emails (sent here, by beat()) link to it
    base = console_server.url
    owner, colleague = actor("aokafor"), actor("blindqvist")
    workflow = owner.api.post_workflow("Vendor import", definition=ONE_JOB)

    # Signed out: what this is, and the way in.
    page.goto(base + "/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    sign_in_page(page, base, owner.key)

    # Watch it from its page (failures and recovery).
    page.goto(f"{base}/workflows/{workflow.id}/")
    watching = page.get_by_role("region", name="Watching")
    watching.get_by_label("Failures and recovery").check()
    watching.get_by_role("button", name="Save how I watch it").click()
    expect(page.locator("#messages")).to_contain_text("Watching Vendor import")
    page.goto(base + "/")  # also finds the rest of their own workflows, watched by default
    expect(page.get_by_role("heading", name="Needs your attention")).to_be_visible()
    beat()  # the engine's first read of each: what happened before is not news
    # A clean slate for this journey: the demo seed's own news of those workflows is read.
    Notification.objects.update(read_at=dt.datetime.now(dt.UTC))
    mailoutbox.clear()
    page.reload()
    vendor_episode = page.locator(".episode", has_text="Vendor import")
    expect(vendor_episode).to_have_count(0)
    expect(page.locator("#unread-count")).to_have_attribute("data-unread", "0")
    page.evaluate("window.__samePage = true")

    # It fails on the platform; one interval later the engine has read it.
    levers.fail(workflow.id)
    failed = run_and_wait(owner, workflow.id)
    assert failed.state == "failed"
    beat()
    expect(page.locator("#unread-count")).to_have_attribute("data-unread", "1")
    assert page.evaluate("window.__samePage === true")  # no reload: the nav polled
    assert len(mailoutbox) == 1
    assert f"{base}/workflows/{workflow.id}/executions/{failed.id}/" in mailoutbox[0].body

    page.reload()
    episode = page.locator(".episode", has_text="Vendor import")
    expect(episode).to_contain_text("These tasks failed: load.")
    expect(episode).to_contain_text("1 failed run")
    page.screenshot(path="/tmp/triage_front_page.png", full_page=True)

    page.get_by_role("link", name="Notifications").click()
    expect(page.locator(".inbox__item").first).to_contain_text("Vendor import failed")
    expect(page.locator(".inbox__item").first).to_contain_text("Failed")
    page.get_by_label("Show").select_option("recovered")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No notices of this kind.")).to_be_visible()

    # Acknowledge with a note: it leaves the list, the note shows.
    page.goto(base + "/")
    episode.get_by_text("Acknowledge").first.click()
    episode.get_by_label("Note for others").fill("expected, the vendor file is late")
    episode.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#messages")).to_contain_text("Acknowledged.")
    expect(vendor_episode).to_have_count(0)
    acknowledged = page.locator("li", has_text="expected, the vendor file is late")
    expect(acknowledged).to_be_visible()

    # Retry; it succeeds; the episode closes as recovered, with one recovery notice.
    levers.succeed(workflow.id)
    acknowledged.get_by_role("link", name=re.compile("^Retry")).click()
    page.get_by_role("button", name="Yes, retry failed tasks").click()
    expect(page.locator("#messages")).to_contain_text("The failed tasks are running again.")
    assert finished(owner, workflow.id, failed.id).state == "succeeded"
    beat()
    closed = FailureEpisode.objects.get(workflow_id=workflow.id)
    assert closed.closed_at is not None and closed.recovered_execution_id == failed.id
    recovered = Notification.objects.filter(workflow_id=workflow.id, reason="recovered")
    assert recovered.count() == 1
    page.goto(base + "/")
    expect(vendor_episode).to_have_count(0)
    expect(page.locator("li", has_text="vendor file is late")).to_have_count(0)
    recent = page.get_by_role("region", name="Recently finished")
    expect(recent.get_by_role("row", name=re.compile("Vendor import"))).to_contain_text("Succeeded")
    page.goto(base + "/notifications/?reason=recovered")
    expect(page.locator(".inbox__item")).to_have_count(1)
    expect(page.locator(".inbox__item")).to_contain_text("Vendor import recovered at")
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#unread-count")).to_have_attribute("data-unread", "0")
    assert len(mailoutbox) == 1  # one email per episode

    # A paused run: waiting for its owner (who can resume it), not for a viewer.
    approval = owner.api.post_workflow("Board report approval", definition=PAUSES_FIRST)
    owner.api.put_shares_users(approval.id, [colleague.person.id], "read")
    page.goto(f"{base}/workflows/{approval.id}/")  # own workflow: watched by default
    expect(page.get_by_role("region", name="Watching")).to_contain_text("you own it")
    viewer = chromium.new_context(timezone_id="Europe/London", locale="en-GB").new_page()
    sign_in_page(viewer, base, colleague.key)
    viewer.goto(f"{base}/workflows/{approval.id}/")
    viewer.get_by_label("Failures and recovery").check()
    viewer.get_by_role("button", name="Save how I watch it").click()
    paused = owner.api.post_executions(approval.id)
    wait_for(
        lambda: owner.api.get_executions(approval.id, paused.id),
        lambda e: e.mistral_state == "paused",
    )
    beat()
    page.goto(base + "/")
    waiting = page.locator("li", has_text="Board report approval")
    expect(waiting).to_contain_text("Paused: waiting for someone to resume it")
    expect(waiting).to_contain_text("You can resume it.")
    viewer.goto(base + "/")
    expect(viewer.get_by_text("No run is waiting for you.")).to_be_visible()
    expect(viewer.get_by_text("Board report approval")).to_have_count(0)
    viewer.context.close()

    # A schedule that did not start: civis_local's clock is two hours behind, so the platform
    # has not fired what was due an hour ago.
    real_now = dt.datetime.now(dt.UTC)
    levers.clock(now=(real_now - dt.timedelta(hours=2)).isoformat())
    try:
        nightly = owner.api.post_workflow("Hourly export", definition=ONE_JOB)
        owner.api.patch_workflow(nightly.id, schedule=HOURLY)
        page.goto(f"{base}/workflows/{nightly.id}/")  # watched by default
        beat()
        page.goto(base + "/")
        missed = page.locator("li", has_text="Hourly export")
        expect(missed).to_contain_text("did not start")
        page.screenshot(path="/tmp/triage_did_not_start.png", full_page=True)
        assert Notification.objects.filter(workflow_id=nightly.id, reason="did_not_start").count()
    finally:
        levers.clock(now=dt.datetime.now(dt.UTC).isoformat())
