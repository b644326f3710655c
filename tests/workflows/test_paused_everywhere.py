"""A paused run reads the same on every page (issue 10, item 1): Civis calls the workflow and
the run `running`, the console says "Paused: waiting for someone to resume it" in the
workflow list, on the workflow's page and in its recent runs, and the list's last-run filter
offers "Waiting for approval"."""

import pytest
from playwright.sync_api import expect

from workflows_app.words.states import PAUSED, WAITING_FOR_APPROVAL, execution_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_paused_workflow(admin_api):
    """(workflow, its paused run) of the demo seed, found as the admin."""
    for workflow in admin_api.iter_workflows(state=["running"]):
        for run in admin_api.list_executions(workflow.id, limit=5).items:
            if execution_state(run.state, run.mistral_state) == "paused":
                return workflow, run
    raise AssertionError("the demo seed has no paused run")


def test_a_paused_run_reads_paused_on_the_list_the_workflow_and_its_runs(
    console_server, page, admin_api, actor
):
    workflow, run = a_paused_workflow(admin_api)
    owner = actor(workflow.owner.username)
    page.goto(console_server.url + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(owner.key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(console_server.url + "/workflows/")
    page.get_by_text("Filter and sort").click()
    page.get_by_role("checkbox", name=WAITING_FOR_APPROVAL).check()
    # By its address: other tests make workflows with the same name.
    link = page.locator(f"a[href='/workflows/{workflow.id}/']")
    row = page.locator("tr", has=link)
    expect(row).to_be_visible()
    expect(row.locator("[data-label='Last run']")).to_contain_text(PAUSED.label)
    # (Other tests' workflows of the same person may be listed too, with what the console has
    # seen of their runs: only the seeded paused one is checked here.)

    # Running only: the paused workflow is not among them.
    page.get_by_role("checkbox", name=WAITING_FOR_APPROVAL).uncheck()
    page.get_by_role("checkbox", name="Running", exact=True).check()
    expect(page.locator(".wf-count")).to_be_visible()
    expect(link).to_have_count(0)

    page.goto(f"{console_server.url}/workflows/{workflow.id}/")
    expect(page.locator(".wf-tags")).to_contain_text(PAUSED.label)
    recent = page.locator(
        "#recent-runs + table tr", has=page.get_by_role("link", name=f"Run {run.id}")
    )
    expect(recent.locator("[data-label='Outcome']")).to_contain_text(PAUSED.label)

    page.goto(f"{console_server.url}/workflows/{workflow.id}/executions/?state=paused")
    history = page.locator("tr", has=page.get_by_role("link", name=f"Run {run.id}", exact=True))
    expect(history.locator("[data-label='Outcome']")).to_contain_text(PAUSED.label)
