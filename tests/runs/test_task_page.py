"""The task page: each job run with its job id, state, times and log, and the workflow runs a
task started (linked to their own pages). Read from the demo seed's history as the admin."""

import pytest

from .conftest import seeded_execution, sign_in

pytestmark = pytest.mark.django_db


def test_a_failed_task_lists_its_runs_with_their_logs(client, admin_api, use_local_api):
    execution, task = seeded_execution(
        admin_api, lambda t: t.mistral_state == "error" and t.runs, state=["failed"]
    )
    run = task.runs[0]
    log = admin_api.list_job_run_logs(run.job_id, run.id)
    sign_in(client, use_local_api.admin_key)

    url = f"/workflows/{execution.workflow_id}/executions/{execution.id}/tasks/{task.name}/"
    html = client.get(url).content.decode()

    assert f"Job {run.job_id} (its run {run.id})" in html
    assert "Failed" in html
    assert log and all(line.message.replace('"', "&quot;") in html for line in log)
    assert "run-log__line--error" in html
    page = client.get(f"/workflows/{execution.workflow_id}/executions/{execution.id}/")
    assert url in page.content.decode()  # the run page links to the task


def test_a_task_that_started_a_workflow_links_to_that_run(client, admin_api, use_local_api):
    execution, task = seeded_execution(admin_api, lambda t: t.executions)
    child = task.executions[0]
    sign_in(client, use_local_api.admin_key)

    url = f"/workflows/{execution.workflow_id}/executions/{execution.id}/tasks/{task.name}/"
    html = client.get(url).content.decode()
    assert f'href="/workflows/{child.workflow_id}/executions/{child.id}/"' in html
    assert "This task started no job runs." in html
    child_page = client.get(f"/workflows/{child.workflow_id}/executions/{child.id}/")
    assert child_page.status_code == 200
