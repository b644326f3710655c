"""Chromium: link a workflow to a file in git, change its definition and commit the change to
git from the check page, then load the latest version someone else committed, through the
check page that says what changes."""

import re

import pytest
from playwright.sync_api import expect

from tests.changing import DEFINITION, new_workflow
from tests.schedules.test_journey import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THEIRS = DEFINITION + "    tell_the_team:\n      action: std.noop\n"


def test_link_to_git_commit_and_check_out_the_latest(console_server, page, actor):
    ada = actor("aokafor")
    workflow = new_workflow(ada, label="Donor scores")
    sign_in_page(page, console_server.url, ada.key)
    page.goto(f"{console_server.url}/workflows/{workflow.id}/")
    page.get_by_role("link", name="Git").click()
    expect(page.get_by_text("It is not linked to a file in git.")).to_be_visible()
    page.get_by_label("Repository address").fill("https://github.com/example-team/flows.git")
    page.get_by_label("File in the repository").fill("flows/donor_scores.yml")
    page.get_by_role("button", name="Link it to this file").click()
    expect(page.locator("#git-link")).to_contain_text(
        "Linked to flows/donor_scores.yml in https://github.com/example-team/flows.git, on "
        "branch main"
    )
    expect(page.get_by_role("row", name=re.compile("Initial commit"))).to_be_visible()

    # An edit here: the edit page says a checkout would replace it, and offers to commit it.
    page.get_by_role("link", name=f"Back to {workflow.name}").click()
    page.get_by_role("link", name="Change this workflow").click()
    expect(page.locator("#git-note")).to_contain_text(
        "Checking out from git will replace edits made here."
    )
    page.get_by_label("Description (optional)").fill("Scores for the donor team")
    page.get_by_role("button", name="Check this change").click()
    page.get_by_role("button", name="Save, then commit this change to git").click()
    message = page.get_by_label("Commit message")
    expect(message).to_have_value("A description is added")
    message.fill("")
    page.get_by_role("button", name="Commit to git").click()
    expect(page.get_by_role("alert")).to_contain_text("Write a commit message")
    page.get_by_label("Commit message").fill("Describe the scores for the donor team")
    page.get_by_role("button", name="Commit to git").click()
    expect(page.get_by_text("Committed to git: “Describe the scores")).to_be_visible()
    newest = page.get_by_role("row").nth(1)
    expect(newest).to_contain_text("Describe the scores for the donor team")
    expect(newest).to_contain_text("Ada Okafor")

    # Someone commits in git meanwhile (civis_local loads it too), then an edit here undoes it.
    head = ada.api.list_git_commits(workflow.id)[0]
    file_hash = ada.api.get_git_commits(workflow.id, head.commit_hash).file_hash
    ada.api.post_git_commits(workflow.id, THEIRS, "Tell the team when it is done", file_hash)
    ada.api.patch_workflow(workflow.id, definition=DEFINITION)

    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("link", name="Check out the latest on branch main").click()
    expect(page.get_by_role("heading", name="Check before loading from git")).to_be_visible()
    expect(page.get_by_text("“Tell the team when it is done” by Ada Okafor")).to_be_visible()
    expect(page.locator(".change-summary")).to_contain_text("A new task tell_the_team")
    page.get_by_text("See the lines that change").click()
    expect(page.locator("table.diff")).to_contain_text("tell_the_team:")
    page.get_by_role("button", name="Load it from git").click()
    expect(page.get_by_role("heading", name=workflow.name, level=1)).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"^Loaded from git: commit \w{7}; A new task"))
    ).to_be_visible()
    assert ada.api.get_workflow(workflow.id).definition == THEIRS
