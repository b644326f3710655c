"""Chromium (issue 10, item 9): the news of a retry does not outlive the run. After "Retry
failed tasks" the page says the tasks are running again; once the run has finished (the
poller's refresh shows it), that news gives way to the outcome, in the same place."""

import re

import pytest
from playwright.sync_api import expect

from .test_journeys import open_run, sign_in_page, state, still_same_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_retry_news_turns_into_the_outcome_when_the_run_finishes(
    console_server, page, owner, celery_worker
):
    execution = owner.failed(seconds=3)
    sign_in_page(page, console_server.url, owner.key)
    open_run(page, console_server.url, execution)
    expect(state(page)).to_have_text(re.compile("Failed"))

    page.get_by_role("link", name="Retry failed tasks").click()
    page.get_by_role("dialog", name="Retry the failed tasks?").get_by_role(
        "button", name="Yes, retry failed tasks"
    ).click()
    messages = page.locator("#messages")
    expect(messages).to_contain_text("The failed tasks are running again.")
    expect(state(page)).to_have_text(re.compile("Running"))

    # The task times out again after 3 s; the refresh that shows it replaces the news.
    expect(state(page)).to_have_text(re.compile("Failed"), timeout=30_000)
    expect(messages).to_contain_text("This run has finished: Failed.")
    expect(messages).not_to_contain_text("running again")
    expect(messages.locator(".toast--error")).to_have_count(1)
    assert still_same_page(page)


def test_after_retry_focus_is_on_the_runs_state_and_stays_over_the_refreshes(
    console_server, page, owner, celery_worker
):
    """A keyboard user who confirms "Retry failed tasks" lands on the run's new state, not on
    the page's body, also once the page has refreshed itself (the region is swapped whole)."""
    execution = owner.failed(seconds=3)
    sign_in_page(page, console_server.url, owner.key)
    open_run(page, console_server.url, execution)
    expect(state(page)).to_have_text(re.compile("Failed"))

    page.get_by_role("link", name="Retry failed tasks").click()
    dialog = page.get_by_role("dialog", name="Retry the failed tasks?")
    dialog.get_by_role("button", name="Yes, retry failed tasks").focus()
    page.keyboard.press("Enter")
    news = page.locator("#execution-live .execution-state")
    expect(state(page)).to_have_text(re.compile("Running"))
    expect(news).to_be_focused()

    news.evaluate("e => { e.dataset.before = 'refresh' }")
    expect(page.locator(".execution-state[data-before]")).to_have_count(0)  # swapped by a refresh
    expect(news).to_be_focused()
    assert still_same_page(page)
