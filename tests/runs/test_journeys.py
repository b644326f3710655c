"""Journeys in real Chromium against the live console, a real Celery worker (the poller) and
civis_local: read why a run failed, retry it and watch it finish without reloading, cancel a
running run, resume a paused one, and the same actions without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from workflows_app.models import AuditEntry

from .conftest import seeded_execution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp"


def sign_in_page(page, base: str, key: str) -> None:
    page.goto(base + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def open_run(page, base: str, execution) -> None:
    page.goto(f"{base}/workflows/{execution.workflow_id}/executions/{execution.id}/")
    page.evaluate("window.__samePage = true")  # gone if the browser loads a page again


def state(page):
    return page.locator(".execution-state .status-tag")


def still_same_page(page) -> bool:
    return page.evaluate("window.__samePage === true")


def test_read_why_a_run_failed_then_retry_and_watch_it_finish(
    console_server, page, owner, celery_worker
):
    execution = owner.failed(seconds=3)
    sign_in_page(page, console_server.url, owner.key)
    open_run(page, console_server.url, execution)

    expect(state(page)).to_have_text(re.compile("Failed"))
    wrong = page.locator(".what-went-wrong")
    expect(wrong.get_by_role("heading", name="What went wrong")).to_be_visible()
    expect(wrong).to_contain_text("Task wait_for_vendor failed")
    # The console's words lead; the platform's own text is under Technical details, closed.
    expect(wrong.locator(".failure__words")).to_have_text(
        "It ran longer than its limit of 3 seconds, so it was stopped."
    )
    expect(wrong.locator("details")).not_to_have_attribute("open", "")
    expect(wrong.locator("details")).to_contain_text("Task timed out [timeout(s)=3].")
    page.screenshot(path=f"{SHOTS}/execution_failed.png", full_page=True)

    page.get_by_role("link", name="Retry failed tasks").click()
    dialog = page.get_by_role("dialog", name="Retry the failed tasks?")
    expect(dialog).to_be_visible()
    page.screenshot(path=f"{SHOTS}/execution_retry_dialog.png")
    dialog.get_by_role("button", name="Yes, retry failed tasks").click()

    expect(state(page)).to_have_text(re.compile("Running"))
    expect(page.locator("#messages")).to_contain_text("The failed tasks are running again.")
    refresh = page.locator("#execution-live [data-live-refresh]")
    expect(refresh).to_have_attribute("hx-trigger", "every 3s")
    # The task times out again after 3 s; the poller notices, the fragment shows it.
    expect(state(page)).to_have_text(re.compile("Failed"), timeout=20_000)
    expect(page.locator("#execution-live [hx-trigger]")).to_have_count(0)
    assert still_same_page(page)
    page.reload()  # after the swaps, the same URL still gives the whole page
    expect(page.get_by_role("heading", name="Vendor wait", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(state(page)).to_have_text(re.compile("Failed"))
    assert AuditEntry.objects.filter(
        action="post_executions_retry", object_id=str(execution.workflow_id), outcome="succeeded"
    ).exists()


def test_cancel_a_running_run(console_server, page, owner, celery_worker):
    execution = owner.running()
    sign_in_page(page, console_server.url, owner.key)
    open_run(page, console_server.url, execution)
    expect(state(page)).to_have_text(re.compile("Running"))
    page.screenshot(path=f"{SHOTS}/execution_running.png", full_page=True)

    page.get_by_role("link", name="Cancel this run").click()
    dialog = page.get_by_role("dialog", name="Cancel this run?")
    expect(dialog).to_contain_text("These tasks stop: listen_for_changes.")
    dialog.get_by_role("button", name="No, keep it running").click()
    expect(dialog).to_be_hidden()
    assert owner.read(execution).state == "running"

    with page.expect_request(lambda r: r.headers.get("hx-request") == "true") as refresh:
        pass  # the page refreshes itself every 3 s, marked as a poll (keeps no session alive)
    assert refresh.value.method == "GET" and refresh.value.headers["x-console-poll"] == "1"

    page.get_by_role("link", name="Cancel this run").click()
    with page.expect_request(lambda r: r.method == "POST") as action:
        dialog.get_by_role("button", name="Yes, cancel this run").click()
    assert "x-console-poll" not in action.value.headers  # a person acting is not a poll
    expect(state(page)).to_have_text(re.compile("Cancelled"))
    expect(page.locator("#execution-announcer")).to_have_text(
        re.compile("^This run is now: Cancelled")
    )
    expect(page.locator("#execution-live .execution-state")).to_be_focused()
    expect(page.get_by_role("link", name="Cancel this run")).to_have_count(0)
    assert owner.read(execution).state == "cancelled"
    assert still_same_page(page)


def test_resume_a_paused_run(console_server, page, owner, celery_worker):
    execution = owner.paused()
    sign_in_page(page, console_server.url, owner.key)
    open_run(page, console_server.url, execution)
    expect(state(page)).to_have_text(re.compile("Paused: waiting for someone to resume it"))
    page.screenshot(path=f"{SHOTS}/execution_paused.png", full_page=True)

    page.get_by_role("link", name="Resume this run").click()
    page.get_by_role("dialog", name="Resume this run?").get_by_role(
        "button", name="Yes, resume this run"
    ).click()
    expect(state(page)).to_have_text(re.compile("Succeeded"), timeout=20_000)
    assert owner.read(execution).state == "succeeded"
    assert still_same_page(page)


def test_without_javascript_the_action_asks_on_its_own_page(console_server, chromium, owner):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        execution = owner.running()
        sign_in_page(page, console_server.url, owner.key)
        open_run_url = f"{console_server.url}/workflows/{execution.workflow_id}/executions/"
        page.goto(f"{open_run_url}{execution.id}/")
        page.get_by_role("link", name="Cancel this run").click()
        expect(page.get_by_role("heading", name="Cancel this run?")).to_be_visible()
        page.screenshot(path=f"{SHOTS}/execution_confirm_page.png", full_page=True)
        page.get_by_role("button", name="Yes, cancel this run").click()
        expect(page.locator(".execution-state .status-tag")).to_have_text(re.compile("Cancelled"))
        expect(page.locator("#messages")).to_contain_text("The run was cancelled.")
    finally:
        context.close()


def test_find_recent_runs_across_workflows_and_filter_them(
    console_server, page, owner, celery_worker
):
    failed, running = owner.failed(), owner.running()
    sign_in_page(page, console_server.url, owner.key)
    page.get_by_role("link", name="Runs", exact=True).click()
    page.evaluate("window.__samePage = true")
    rows = page.locator(".execution-table tbody tr")
    expect(rows.filter(has_text=f"Run {failed.id}")).to_have_count(1, timeout=30_000)
    expect(rows.filter(has_text=f"Run {running.id}")).to_have_count(1)
    expect(page.locator(".freshness")).to_contain_text("Updated")
    page.screenshot(path=f"{SHOTS}/executions_list.png", full_page=True)

    page.get_by_label("Failed").check()
    page.get_by_role("button", name="Show runs").click()
    expect(page).to_have_url(re.compile(r"state=failed"))
    expect(rows.filter(has_text=f"Run {running.id}")).to_have_count(0)
    expect(rows.filter(has_text=f"Run {failed.id}")).to_have_count(1)
    assert still_same_page(page)
    page.go_back()
    expect(rows.filter(has_text=f"Run {running.id}")).to_have_count(1)
    page.reload()
    expect(rows.filter(has_text=f"Run {running.id}")).to_have_count(1)
    owner.api.post_executions_cancel(running.workflow_id, running.id)


def test_what_went_wrong_shows_the_logs_end_and_links_the_whole_log(
    console_server, page, admin_api, local_api
):
    """Issue 10, item 2: the failed job run's error and last log lines are right there."""
    execution, task = seeded_execution(
        admin_api, lambda t: t.runs and t.mistral_state == "error", state=["failed"]
    )
    newest = task.runs[0]
    error = admin_api.get_job_run(newest.job_id, newest.id).error
    last_line = admin_api.list_job_run_logs(newest.job_id, newest.id)[-1].message
    sign_in_page(page, console_server.url, local_api.admin_key)
    open_run(page, console_server.url, execution)
    failure = page.locator(".failure", has=page.get_by_role("link", name=task.name, exact=True))
    if error:
        expect(failure.locator(".failure__error")).to_contain_text(error)
    expect(failure.locator(".run-log")).to_contain_text(last_line)
    page.screenshot(path=f"{SHOTS}/execution_seeded.png", full_page=True)
    # item 9: a task's job run in the tasks table is a link to its log
    job_run = f"Job {newest.job_id} (its run {newest.id})"
    job_runs = page.locator("[data-label='Job runs']")
    expect(job_runs.get_by_role("link", name=job_run)).to_be_visible()
    failure.get_by_role("link", name="Read the whole log").click()
    expect(page.get_by_role("heading", name=task.name, level=1)).to_be_visible()
    expect(page.locator(".run-log").first).to_contain_text(last_line)
    page.screenshot(path=f"{SHOTS}/execution_task.png", full_page=True)


TOO_WIDE = """[...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > 321)
    .map(e => e.tagName + '.' + e.className).slice(0, 8)"""


def test_pages_fit_a_narrow_screen(console_server, page, owner):
    execution = owner.failed()
    sign_in_page(page, console_server.url, owner.key)
    page.set_viewport_size({"width": 320, "height": 800})
    for path in (
        f"/workflows/{execution.workflow_id}/executions/{execution.id}/",
        f"/workflows/{execution.workflow_id}/executions/{execution.id}/tasks/wait_for_vendor/",
        f"/workflows/{execution.workflow_id}/executions/{execution.id}/retry/",
        "/executions/",
    ):
        page.goto(console_server.url + path)
        wide = page.evaluate(TOO_WIDE)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, (path, wide)
    page.goto(f"{console_server.url}/workflows/{execution.workflow_id}/executions/{execution.id}/")
    page.screenshot(path=f"{SHOTS}/execution_narrow.png", full_page=True)
    # Issue 10, item 8: the timeline's table stacks, each value under its column's name,
    # nothing clipped.
    caption = page.locator(".timeline__table caption").bounding_box()
    assert caption["width"] >= 250  # the caption reads across, not a word a line
    cell = page.locator(".timeline__table td[data-label='Took']").first
    assert cell.evaluate("e => getComputedStyle(e).display") == "block"
    box = cell.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
