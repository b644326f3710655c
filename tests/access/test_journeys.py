"""Chromium journeys over the live console and a live civis_local: share a workflow with a
group, see it listed, remove it; make someone else the owner, including what it uses."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/pages_sharing"


def sign_in_page(page, base: str, key: str) -> None:
    page.goto(base + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_share_with_a_group_see_it_listed_then_remove_it(
    console_server, page, actor, new_workflow, group_named, tmp_path
):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    analytics = group_named("Field Analytics")
    sign_in_page(page, console_server.url, ada.key)
    page.goto(f"{console_server.url}/workflows/{workflow.id}/sharing/")
    expect(page.get_by_role("heading", name="Who has access", level=1)).to_be_visible()

    page.get_by_label("Find a person or group").press_sequentially("Field", delay=40)
    choice = page.get_by_role("radio", name=re.compile(r"^Field Analytics"))
    expect(choice).to_be_visible(timeout=15_000)  # swapped in by htmx as we typed
    choice.check()
    page.screenshot(path=f"{SHOTS}-picker.png", full_page=True)
    page.get_by_label("Can edit").check()
    page.get_by_role("button", name="Give access").click()

    expect(page.get_by_text("Field Analytics can edit")).to_be_visible()
    editors = page.locator("h3:has-text('Can edit') + table")
    expect(editors.get_by_text("Field Analytics", exact=True)).to_be_visible()
    expect(editors.get_by_text("Group of 4 people")).to_be_visible()
    assert ada.api.list_shares(workflow.id).level_of_group(analytics.id) == "write"
    page.screenshot(path=f"{SHOTS}-shared.png", full_page=True)

    page.get_by_role("link", name="Remove Field Analytics's access").click()
    expect(page.get_by_role("heading", name="Remove Field Analytics's access?")).to_be_visible()
    expect(page.get_by_text("These people will not be able to open it any more")).to_be_visible()
    assert ada.api.list_shares(workflow.id).level_of_group(analytics.id) == "write"
    page.screenshot(path=f"{SHOTS}-remove-check.png", full_page=True)
    page.get_by_role("button", name="Remove Field Analytics's access").click()

    expect(page.get_by_text("Removed Field Analytics's access")).to_be_visible()
    expect(
        page.locator("#who-has-access").get_by_text("Field Analytics", exact=True)
    ).to_have_count(0)
    assert ada.api.list_shares(workflow.id).level_of_group(analytics.id) is None


def test_make_someone_else_the_owner_with_what_it_uses(console_server, page, actor, new_workflow):
    ada, jamal = actor("aokafor"), actor("jwashington")
    child = new_workflow(ada, label="Journey child")
    parent = new_workflow(ada, child_id=child.id, label="Journey parent")
    sign_in_page(page, console_server.url, ada.key)
    page.goto(f"{console_server.url}/workflows/{parent.id}/sharing/")
    page.get_by_role("link", name="Make someone else the owner").click()

    page.get_by_label("Find the new owner").press_sequentially("Washing", delay=40)
    page.get_by_role("radio", name=re.compile(r"^Jamal Washington")).check()
    page.screenshot(path=f"{SHOTS}-transfer-choose.png", full_page=True)
    page.get_by_role("button", name="Continue").click()

    expect(
        page.get_by_role("heading", name="Things this workflow uses that Jamal Washington")
    ).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile(re.escape(child.name)))).to_be_visible()
    expect(page.get_by_label(re.compile("Also give Jamal Washington access"))).to_be_checked()
    page.screenshot(path=f"{SHOTS}-transfer-check.png", full_page=True)
    assert ada.api.get_workflow(parent.id).owner.id == ada.person.id  # nothing yet
    page.get_by_role("button", name="Make Jamal Washington the owner").click()

    expect(page.get_by_role("heading", name="Jamal Washington is now the owner")).to_be_visible()
    expect(page.locator(".outcomes").get_by_text(child.name)).to_be_visible()
    expect(page.locator(".outcomes .tag--ok")).to_have_text(re.compile("Shared"))
    page.screenshot(path=f"{SHOTS}-transfer-done.png", full_page=True)
    assert jamal.api.get_workflow(parent.id).owner.id == jamal.person.id
    assert jamal.api.get_workflow(child.id).my_permission_level == "manage"

    page.get_by_role("link", name="See this change in the audit log").click()
    expect(page.get_by_role("cell", name=re.compile("Made someone else the owner"))).to_be_visible()


def test_a_viewer_reads_the_list_on_a_narrow_screen_without_change_controls(
    console_server, page, actor, new_workflow, group_named
):
    ada, chiara = actor("aokafor"), actor("cbellini")
    workflow = new_workflow(ada)
    ada.api.put_shares_users(workflow.id, [chiara.person.id], "read")
    ada.api.put_shares_groups(workflow.id, [group_named("Data Science").id], "write")
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in_page(page, console_server.url, chiara.key)

    page.goto(f"{console_server.url}/workflows/{workflow.id}/sharing/")

    expect(page.get_by_text("you can see who has access but not change it")).to_be_visible()
    expect(page.get_by_role("cell", name="Data Science")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Remove"))).to_have_count(0)
    expect(page.get_by_role("button", name="Give access")).to_have_count(0)
    page.get_by_text(re.compile("^Everyone who can open it")).click()
    expect(page.get_by_text("Member of Data Science (can edit)").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # nothing sideways
    page.screenshot(path=f"{SHOTS}-viewer-narrow.png", full_page=True)


def test_giving_access_with_nobody_chosen_says_so_at_the_top_with_focus_on_it(
    console_server, page, actor, new_workflow
):
    ada = actor("aokafor")
    workflow = new_workflow(ada)
    sign_in_page(page, console_server.url, ada.key)
    sharing = f"{console_server.url}/workflows/{workflow.id}/sharing/"
    page.goto(sharing)
    page.get_by_role("button", name="Give access").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Choose a person or a group")).to_be_visible()
    assert page.url == sharing  # the page's own address, not /sharing/add/
    top = summary.evaluate("e => e.getBoundingClientRect().top + window.scrollY")
    assert top < 400, top  # under the heading, in the first screen
    before_list = summary.evaluate(
        "e => !!(e.compareDocumentPosition(document.getElementById('give-access'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    assert before_list
