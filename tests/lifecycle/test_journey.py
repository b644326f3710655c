"""Chromium: copy a workflow (named as chosen, the copy opens), archive the copy through the
check page, and restore it."""

import re

import pytest
from playwright.sync_api import expect

from tests.changing import new_workflow
from tests.schedules.test_journey import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_copy_archive_restore(console_server, page, actor):
    ada = actor("aokafor")
    workflow = new_workflow(ada, label="Weekly export")
    sign_in_page(page, console_server.url, ada.key)
    page.goto(f"{console_server.url}/workflows/{workflow.id}/")
    page.get_by_role("link", name="Make a copy").click()
    expect(page.get_by_label("Name of the copy")).to_have_value(f"Copy of {workflow.name}")
    page.get_by_label("Name of the copy").fill(f"{workflow.name} for Bruno")
    page.get_by_role("button", name="Make the copy").click()
    expect(page.get_by_role("heading", name=f"{workflow.name} for Bruno", level=1)).to_be_visible()
    expect(page.get_by_text(f"This is your copy of “{workflow.name}”")).to_be_visible()
    copy_id = int(re.search(r"/workflows/(\d+)/", page.url).group(1))

    page.get_by_role("link", name="Archive it").click()
    expect(page.get_by_role("heading", name="Archive this workflow?")).to_be_visible()
    expect(page.get_by_text("Its run history, who has access")).to_be_visible()
    page.get_by_role("button", name="Archive it").click()
    expect(page.get_by_text(re.compile(r"^Archived “"))).to_be_visible()
    assert ada.api.get_workflow(copy_id).archived is True

    page.get_by_role("link", name="Restore it").click()
    page.get_by_role("button", name="Restore it").click()
    expect(page.get_by_text(re.compile(r"^Restored “"))).to_be_visible()
    expect(page.get_by_role("link", name="Archive it")).to_be_visible()
    assert ada.api.get_workflow(copy_id).archived is False
