"""Chromium (issue 10, item 8): on the schedule page a field's hint is its accessible
description, a refused value's error is added to it, and a set of boxes (a fieldset) is
described by its own hint and error the same way."""

import re

import pytest
from playwright.sync_api import expect

from tests.changing import new_workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONE_HINT = "The city whose time the schedule follows, such as Chicago"
DAYS_HINT = 'For "On the days of the week I choose"'


def test_hints_and_errors_are_read_with_their_fields(console_server, page, actor):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    page.goto(console_server.url + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(ada.key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{console_server.url}/workflows/{workflow.id}/schedule/")

    zone = page.get_by_label("Whose clock? Type a city")
    expect(zone).to_have_accessible_description(re.compile("^" + re.escape(ZONE_HINT)))
    page.get_by_label("On the days of the week I choose").check()  # shows its days
    days = page.get_by_role("group", name="Days of the week")
    expect(days).to_have_accessible_description(re.compile("^" + re.escape(DAYS_HINT)))

    zone.fill("Atlantis")
    page.get_by_label("Every weekday (Monday to Friday)").check()
    page.get_by_label("At what times?").fill("07:00")
    page.get_by_role("button", name="Show the next runs").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    expect(page.get_by_label("Whose clock? Type a city")).to_have_accessible_description(
        re.compile(re.escape(ZONE_HINT) + ".*Error: We don.t know a time zone for .Atlantis.")
    )
    # The summary's link leads to the field.
    page.get_by_role("link", name=re.compile("We don.t know a time zone")).click()
    expect(page.get_by_label("Whose clock? Type a city")).to_be_focused()
