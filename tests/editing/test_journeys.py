"""Changing workflows in real Chromium against the live console and civis_local: create from a
template, fix the problem the page explains, save and run it; edit, read the plain summary on
the check page and save (at 320 px); two people in two browsers edit the same workflow and the
second save shows the first person's change; restore an earlier version."""

import re

import pytest
from playwright.sync_api import expect

from workflows_app.models import WorkflowRevision

from .conftest import DEFINITION

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/editing"


def sign_in_page(page, base: str, key: str) -> None:
    page.goto(base + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_create_from_a_template_fix_the_explained_problem_save_and_run(console_server, page, owner):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_page(page, console_server.url, owner.key)
    page.goto(console_server.url + "/workflows/")
    page.get_by_role("link", name="New workflow").click()
    page.get_by_role("link", name="Three steps, one after another").click()
    definition = page.get_by_label("Definition (YAML)")
    expect(definition).to_have_value(re.compile(r"extract:"))
    # The preview redraws the graph as the definition changes (htmx).
    definition.fill(definition.input_value().replace("- load", "- lod"))
    expect(page.locator("#graph-preview")).to_contain_text("no task called “lod”")
    page.get_by_label("Name").fill("Weekly donor scores")
    page.get_by_role("button", name="Check and create").click()

    summary = page.get_by_role("alert").filter(has_text="problem")
    expect(summary).to_contain_text("Line 11, task clean")
    expect(summary).to_contain_text("Did you mean load?")
    expect(page.get_by_role("button", name="Save anyway; it won't run until fixed")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-create-problem.png", full_page=True)
    summary.get_by_role("link").first.click()
    expect(definition).to_be_focused()
    definition.fill(definition.input_value().replace("- lod", "- load"))
    page.get_by_role("button", name="Check and create").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Weekly donor scores")
    expect(page.get_by_text("Created “Weekly donor scores”.")).to_be_visible()
    workflow_id = int(re.search(r"/workflows/(\d+)/", page.url).group(1))
    assert owner.api.get_workflow(workflow_id).valid is True
    page.get_by_role("link", name="Run this workflow").click()
    page.get_by_role("button", name="Start the run").click()
    expect(page).to_have_url(re.compile(rf"/workflows/{workflow_id}/executions/\d+/"))


def test_edit_read_the_plain_summary_and_save_on_a_narrow_screen(
    console_server, page, owner, fresh_workflow
):
    workflow = fresh_workflow()
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in_page(page, console_server.url, owner.key)
    page.goto(f"{console_server.url}/workflows/{workflow.id}/")
    page.get_by_role("link", name="Change this workflow").click()
    # The edit page loaded before typing: on a loaded CI shard the change once went missing
    # ("Nothing is changed") when it was typed while the page was still arriving.
    expect(page).to_have_url(re.compile(rf"/workflows/{workflow.id}/edit/"))
    page.wait_for_load_state()
    definition = page.get_by_label("Definition (YAML)")
    chained = DEFINITION.replace("        - load_crm\n", "").replace(
        "    dedupe:\n      action: std.noop\n",
        "    dedupe:\n      action: std.noop\n      on-success:\n        - load_crm\n",
    )
    definition.fill(chained)
    expect(definition).to_have_value(chained)
    page.get_by_role("button", name="Check this change").click()

    changes = page.get_by_role("region", name="What changes")
    expect(changes).to_contain_text("load_crm now runs after dedupe")
    expect(changes).to_contain_text("load_crm no longer runs after extract")
    page.get_by_text("See the lines that change").click()
    expect(page.locator(".diff__row--added").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the check page is {width} px wide at 320"
    page.screenshot(path=f"{SHOTS}-check-320.png", full_page=True)
    page.get_by_role("button", name="Save this change").click()
    expect(page.get_by_text("Saved. load_crm now runs after dedupe")).to_be_visible()
    assert owner.api.get_workflow(workflow.id).definition == chained


def test_two_people_edit_at_once_and_the_second_sees_the_first_change(
    console_server, chromium, owner, actor, fresh_workflow
):
    workflow = fresh_workflow()
    editor = actor("gthompson")
    owner.api.put_shares_users(workflow.id, [editor.person.id], "write")
    first = chromium.new_context(viewport={"width": 1280, "height": 900})
    second = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        ada, gwen = first.new_page(), second.new_page()
        sign_in_page(ada, console_server.url, owner.key)
        sign_in_page(gwen, console_server.url, editor.key)
        for page in (ada, gwen):
            page.goto(f"{console_server.url}/workflows/{workflow.id}/edit/")
        ada.get_by_label("Description (optional)").fill("Ada's description")
        ada.get_by_role("button", name="Check this change").click()
        ada.get_by_role("button", name="Save this change").click()
        expect(ada.get_by_text("Saved. A description is added")).to_be_visible()

        gwen.get_by_label("Name").fill("Gwen's name")
        gwen.get_by_role("button", name="Check this change").click()
        expect(gwen.get_by_role("heading", level=1)).to_have_text(
            "Someone changed this workflow while you were editing it"
        )
        expect(gwen.get_by_text("Ada Okafor", exact=True)).to_be_visible()
        expect(gwen.get_by_role("region", name="What they changed")).to_contain_text(
            "A description is added"
        )
        gwen.screenshot(path=f"{SHOTS}-conflict.png", full_page=True)
        assert owner.api.get_workflow(workflow.id).description == "Ada's description"

        gwen.get_by_role("button", name="Put my change on top of theirs and check it").click()
        expect(gwen.get_by_role("region", name="What changes")).to_contain_text("Renamed from")
        gwen.get_by_role("button", name="Save this change").click()
        expect(gwen.get_by_role("heading", level=1)).to_have_text("Gwen's name")
        after = owner.api.get_workflow(workflow.id)
        assert (after.name, after.description) == ("Gwen's name", "Ada's description")
    finally:
        first.close()
        second.close()


def test_restore_an_earlier_version(console_server, page, owner, fresh_workflow):
    workflow = fresh_workflow()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_page(page, console_server.url, owner.key)
    page.goto(f"{console_server.url}/workflows/{workflow.id}/edit/")
    definition = page.get_by_label("Definition (YAML)")
    definition.fill(DEFINITION + "    publish_scores:\n      action: std.noop\n")
    page.get_by_role("button", name="Check this change").click()
    expect(page.get_by_role("region", name="What changes")).to_contain_text(
        "A new task publish_scores (does nothing yet)"
    )
    page.get_by_role("button", name="Save this change").click()
    page.get_by_role("link", name="Earlier versions").click()
    expect(page.get_by_role("cell", name="A new task publish_scores")).to_be_visible()
    page.get_by_role("button", name="Compare side by side").click()
    expect(page.locator(".change-summary")).to_contain_text("Task publish_scores is removed")
    page.get_by_role("button", name="Restore the version before this change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check before restoring an earlier version"
    )
    page.get_by_role("button", name="Restore this version").click()
    expect(page.get_by_text("Saved. Task publish_scores is removed")).to_be_visible()
    assert owner.api.get_workflow(workflow.id).definition == DEFINITION
    assert WorkflowRevision.objects.filter(workflow_id=workflow.id, kind="restored").exists()
