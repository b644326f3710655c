"""The audit log in Chromium: names and people's words, not ids and API fields."""

import re

import pytest
from playwright.sync_api import expect

from workflows_app.civis.client import CivisClient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_audit_page_speaks_in_names_and_words(console_server, page, actor):
    ada, jamal = actor("aokafor"), actor("jwashington")
    page.goto(console_server.url + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(ada.key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    client = CivisClient(ada.key, actor_id=ada.person.id)
    workflow = client.post_workflow(
        name="Quarterly <b>totals</b>", definition="version: '2.0'\nwf:\n  tasks: {}\n"
    )
    client.get_user(jamal.person.id)
    client.put_shares_users(workflow.id, [jamal.person.id], "write")
    client.put_transfer(workflow.id, jamal.person.id, include_dependencies=True)

    page.goto(console_server.url + "/audit/")
    rows = page.locator("tbody tr")
    transfer = rows.filter(has_text="Made someone else the owner")
    expect(transfer.get_by_role("link", name="“Quarterly <b>totals</b>”")).to_be_visible()
    transfer.get_by_text("Details").click()
    expect(
        transfer.get_by_text(f"With the things it uses; new owner {jamal.person.name}")
    ).to_be_visible()
    shared = rows.filter(has_text="Gave people access")
    shared.get_by_text("Details").click()
    expect(shared.get_by_text(f"{jamal.person.name} can edit")).to_be_visible()
    body = page.locator("main").inner_text()
    assert f"Workflow {workflow.id}" not in body
    assert not re.search(r"user_id|include_dependencies|permission_level", body)

    page.get_by_label("Workflow name").fill("quarterly")
    page.get_by_label("What they did").select_option(label="Made someone else the owner")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_label("Workflow ID")).to_have_count(0)
