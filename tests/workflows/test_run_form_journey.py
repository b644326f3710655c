"""The Run form in Chromium (issue 10, item 3): a list input is read from commas or brackets,
a half-written list is explained in words by its field, and the run's page shows the inputs
as they were typed."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BY_STATE = """\
version: '2.0'
by_state:
  type: direct
  input:
    - states: [IA]
    - days: 7
  tasks:
    each_state:
      with-items: state in <% $.states %>
      action: std.echo
      input:
        output: <% $.state %>
"""


def test_a_list_input_typed_with_commas_starts_a_run_that_shows_it_as_typed(
    console_server, page, actor
):
    owner = actor("mwebb")
    workflow = owner.api.post_workflow("Run form test: by state", definition=BY_STATE)
    page.goto(console_server.url + "/sign-in/")
    page.get_by_label("Your Civis API key").fill(owner.key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(f"{console_server.url}/workflows/{workflow.id}/run/")
    states = page.get_by_label("states")
    expect(states).to_have_value("IA")  # the default as a person types it, not ["IA"]
    hint = "A list: separate the items with commas, like IA, NH."
    expect(states).to_have_accessible_description(hint)  # item 8: the hint is announced
    states.fill("[IA, NH")
    page.get_by_label("days").fill("a week")
    page.get_by_role("button", name="Start the run").click()
    expect(page.locator(".field", has=states)).to_contain_text("add the closing ]")
    # item 8: the error is linked to its field, after the hint
    expect(page.get_by_label("states")).to_have_accessible_description(
        re.compile(re.escape(hint) + r".*add the closing \]")
    )
    expect(page.locator(".field", has=page.get_by_label("days"))).to_contain_text(
        "Enter a whole number, like 14"
    )

    page.get_by_label("states").fill("IA, NH")
    page.get_by_label("days").fill("14")
    page.get_by_role("button", name="Start the run").click()
    expect(page.locator(".execution-state")).to_be_visible()
    inputs = page.locator(".input-list")
    expect(inputs).to_contain_text("IA, NH")
    expect(inputs).not_to_contain_text("['IA'")
    run_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    execution = owner.api.get_executions(workflow.id, run_id)
    assert dict(execution.input) == {"states": ["IA", "NH"], "days": 14}
    assert execution.state != "failed", execution.mistral_state_info

    # item 9: the workflow's page counts its one run in words; the nav says Runs
    page.goto(f"{console_server.url}/workflows/{workflow.id}/")
    expect(
        page.get_by_role(
            "link", name=re.compile("^See the only run, with a chart of how long it took")
        )
    ).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Runs")
    ).to_be_visible()
