"""Chromium: add a workflow to a project found with the project picker, see the project on the
workflow page, and take it out again."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.changing import new_workflow
from tests.projects.test_projects_page import new_project
from tests.schedules.test_journey import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_to_a_project_and_take_it_out(console_server, page, actor):
    ada = actor("aokafor")
    workflow = new_workflow(ada, label="Gift aid claim")
    label = f"Year end {uuid.uuid4().hex[:6]}"
    project_id = new_project(ada, label)
    sign_in_page(page, console_server.url, ada.key)
    page.goto(f"{console_server.url}/workflows/{workflow.id}/")
    page.get_by_role("link", name="Change its projects").click()
    expect(page.get_by_text("It is in no project.")).to_be_visible()
    page.get_by_label("Find a project").fill(label[-6:])
    page.get_by_role("button", name="Find").click()
    page.get_by_label(label).check()
    page.get_by_role("button", name="Add it to the chosen project").click()
    expect(page.get_by_text(f"Added “{workflow.name}” to {label}.")).to_be_visible()
    expect(page.get_by_role("row", name=label)).to_be_visible()

    page.get_by_role("link", name=f"Back to {workflow.name}").click()
    page.get_by_role("link", name=label).click()  # the workflow page links to its project
    expect(page.locator(f"#project-{project_id}")).to_be_visible()
    page.get_by_role("button", name=f"Take it out of {label}").click()
    expect(page.get_by_text(f"Took “{workflow.name}” out of {label}.")).to_be_visible()
    expect(page.get_by_text("It is in no project.")).to_be_visible()
    assert ada.api.list_workflow_projects(workflow.id) == ()
