"""Chromium: change a schedule to every weekday at 07:00 Chicago time and see the next five
runs, a clock change included, in Chicago time and the viewer's (London); at 320 px wide."""

import re

import pytest
from playwright.sync_api import expect

from tests.changing import new_workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_page(page, base: str, key: str) -> None:
    page.goto(base + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_every_weekday_at_seven_chicago_with_a_clock_change(console_server, page, actor):
    ada = actor("aokafor")
    workflow = new_workflow(ada, label="Monday report", time_zone="America/New_York")
    sign_in_page(page, console_server.url, ada.key)
    page.goto(f"{console_server.url}/workflows/{workflow.id}/")
    page.get_by_role("link", name="Change the schedule").click()
    expect(page.get_by_role("heading", name="When it runs")).to_be_visible()

    page.set_viewport_size({"width": 320, "height": 800})
    page.get_by_label("Every weekday (Monday to Friday)").check()
    page.get_by_label("At what times?").fill("07:00")
    page.get_by_label("Whose clock? Type a city").fill("Chicago")
    page.get_by_role("button", name="Show the next runs").click()
    preview = page.locator("#preview")
    expect(preview.get_by_text("Every weekday at 07:00 (Chicago time)")).to_be_visible()
    expect(preview.locator("tbody tr")).to_have_count(5)
    preview.get_by_role("button", name="See the runs around that change").click()
    preview = page.locator("#preview")
    rows = preview.locator("tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.nth(0)).to_contain_text("Thu 11 Mar 2027")
    expect(rows.nth(0)).to_contain_text("07:00 CST")
    expect(rows.nth(0)).to_contain_text("13:00 GMT")  # the viewer is in London
    expect(rows.nth(2)).to_contain_text("Mon 15 Mar 2027")
    expect(rows.nth(2)).to_contain_text("07:00 CDT")
    expect(rows.nth(2)).to_contain_text("12:00 GMT")
    expect(rows.nth(2)).to_contain_text("The clocks in Chicago changed before this run")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path="/tmp/schedule-320.png", full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(
        page.get_by_text("Schedule saved: Every weekday at 07:00 (Chicago time).")
    ).to_be_visible()
    saved = ada.api.get_workflow(workflow.id)
    assert saved.time_zone == "America/Chicago" and saved.schedule.days == (1, 2, 3, 4, 5)


def test_show_the_next_runs_puts_focus_on_them_and_a_mistake_on_the_summary(
    console_server, page, actor
):
    """By keyboard: the preview is swapped into the page and focus goes to it (not to the top
    of a new page); with a mistake, to the error summary, the choices kept."""
    ada = actor("aokafor")
    workflow = new_workflow(ada, time_zone="UTC")
    sign_in_page(page, console_server.url, ada.key)
    page.goto(f"{console_server.url}/workflows/{workflow.id}/schedule/")
    page.evaluate("window.__samePage = true")  # gone if the browser loads a page again
    page.get_by_label("Every weekday (Monday to Friday)").check()
    page.get_by_label("At what times?").fill("07:00")
    page.get_by_role("button", name="Show the next runs").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="With this change")).to_be_focused()
    expect(page.locator("#preview tbody tr")).to_have_count(5)
    assert page.evaluate("window.__samePage === true")

    page.get_by_label("At what times?").fill("25:00")
    page.get_by_role("button", name="Show the next runs").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_label("At what times?")).to_have_value("25:00")
    assert page.evaluate("window.__samePage === true")


def test_every_weekday_shows_only_its_fields_and_tab_skips_the_others(console_server, page, actor):
    """Choosing how often shows only the fields that choice uses: the others are hidden (the
    hidden attribute), so Tab goes past them; choosing by keyboard shows a choice's fields at
    once, and the preview's swap keeps them as chosen."""
    ada = actor("aokafor")
    workflow = new_workflow(ada, time_zone="UTC")
    sign_in_page(page, console_server.url, ada.key)
    page.goto(f"{console_server.url}/workflows/{workflow.id}/schedule/")
    month_days, days = page.locator("#id_days_of_month"), page.locator("#id_days")
    minutes = [page.locator(f"#id_{name}") for name in ("interval", "first_hour", "last_hour")]

    page.get_by_label("On days of the month (such as the 1st and 15th)").check()
    expect(month_days).to_be_visible()
    page.get_by_label("Every weekday (Monday to Friday)").check()
    for field in [month_days, days, *minutes]:
        expect(field).to_be_hidden()
    group = month_days.locator("xpath=ancestor::div[@data-shown-by]")
    expect(group).to_have_attribute("hidden", "")
    times = page.get_by_label("At what times?")
    expect(times).to_be_visible()
    times.fill("07:00")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Whose clock? Type a city")).to_be_focused()

    page.get_by_role("button", name="Show the next runs").click()
    expect(page.get_by_role("heading", name="With this change")).to_be_focused()
    for field in [month_days, days, *minutes]:
        expect(field).to_be_hidden()

    page.get_by_label("Every weekday (Monday to Friday)").focus()
    page.keyboard.press("ArrowDown")  # "On the days of the week I choose"
    expect(page.get_by_label("On the days of the week I choose")).to_be_checked()
    expect(days).to_be_visible()
    expect(month_days).to_be_hidden()
    page.keyboard.press("Tab")
    expect(times).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Monday")).to_be_focused()
