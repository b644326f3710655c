"""Running a workflow: a form from its declared input, target task and included tasks; the
new execution's page after; refusals by the field or at the top."""

import re

import pytest

pytestmark = pytest.mark.django_db

WITH_INPUT = """\
version: '2.0'
report:
  type: direct
  input:
    - region
    - days: 7
    - label: weekly
  tasks:
    extract:
      action: std.echo
      input:
        output: <% $.region %>
      on-success:
        - publish
    publish:
      action: std.echo
      input:
        output: done
"""


@pytest.fixture
def workflow_with_input(marcus):
    return marcus.api.post_workflow("Pages test: report with input", definition=WITH_INPUT)


def test_the_form_offers_inputs_with_defaults_and_task_choices(client, workflow_with_input):
    html = client.get(f"/workflows/{workflow_with_input.id}/run/").content.decode()
    assert ">region</label>" in html and ">days</label>" in html
    assert 'value="7"' in html and 'value="weekly"' in html
    assert 'value="extract"' in html and 'value="publish"' in html  # included tasks
    assert "Start the run" in html


def test_running_goes_to_the_new_execution(client, marcus, workflow_with_input):
    wid = workflow_with_input.id
    response = client.post(
        f"/workflows/{wid}/run/",
        {"input_0": "Midwest", "input_1": "14", "input_2": "weekly", "included_tasks": ["extract"]},
    )
    assert response.status_code == 302
    match = re.fullmatch(rf"/workflows/{wid}/executions/(\d+)/", response["Location"])
    assert match
    execution = marcus.api.get_executions(wid, int(match.group(1)))
    assert dict(execution.input) == {"region": "Midwest", "days": 14, "label": "weekly"}
    assert list(execution.included_tasks) == ["extract"]


def test_a_missing_input_is_shown_by_its_field(client, workflow_with_input):
    response = client.post(f"/workflows/{workflow_with_input.id}/run/", {"input_1": "7"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'href="#id_input_0"' in html and "Enter a value for region" in html


def test_a_reverse_workflow_asks_for_its_target_task(client, sign_in_as, admin_api):
    workflow = next(
        w
        for w in (admin_api.get_workflow(s.id) for s in admin_api.iter_workflows())
        if "type: reverse" in (w.definition or "")
    )
    sign_in_as(workflow.owner.username)
    html = client.get(f"/workflows/{workflow.id}/run/").content.decode()
    assert "Run up to this task" in html
    refused = client.post(f"/workflows/{workflow.id}/run/", {})
    assert refused.status_code == 400 and "Choose the task to run up to" in refused.content.decode()


def test_the_platforms_refusal_is_shown_on_the_form(client, marcus):
    broken = marcus.api.post_workflow(
        "Pages test: broken definition", definition="version: '2.0'\nx:\n  tasks: {}\n"
    )
    response = client.post(f"/workflows/{broken.id}/run/", {})
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "invalid definition" in html
