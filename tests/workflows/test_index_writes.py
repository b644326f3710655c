"""A workflow's page read again writes nothing to the run index when its runs read the same
(issue 13, item 8: no database write on a read); a run that changed is written at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows_app.civis.types import ExecutionSummary, Person, WorkflowSummary
from workflows_app.models import CivisAccount
from workflows_app.models.runs import IndexedExecution
from workflows_app.workflows import seen

pytestmark = pytest.mark.django_db


def index_writes(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in queries
        if "workflows_app_indexedexecution" in q["sql"] and q["sql"].lstrip().startswith("INSERT")
    )


def test_the_same_page_again_writes_no_runs(client, marcus):
    html = client.get("/workflows/?owner=mine&state=succeeded").content.decode()
    workflow_id = re.search(r'href="/workflows/(\d+)/"', html).group(1)
    for path in (f"/workflows/{workflow_id}/", f"/workflows/{workflow_id}/executions/"):
        assert index_writes(client, path) == 1
        assert index_writes(client, path) == 0
    assert IndexedExecution.objects.filter(workflow_id=workflow_id).exists()


def test_a_run_that_changed_is_written_at_once(client, marcus):
    account = CivisAccount.objects.get(civis_user_id=marcus.id)
    workflow = WorkflowSummary(id=424242, name="Index check")

    def run(state: str) -> ExecutionSummary:
        return ExecutionSummary(
            id=990001, workflow_id=workflow.id, state=state, user=Person(id=3, name="Ada")
        )

    seen.remember(account, workflow, [run("running")])
    seen.remember(account, workflow, [run("succeeded")])
    assert IndexedExecution.objects.get(execution_id=990001).state == "succeeded"
