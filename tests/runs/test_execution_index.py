"""`/executions/`: the per-person index of runs across workflows, how it is filled (pages,
sweeps, the periodic task) and what the page says about its freshness."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from workflows_app.civis.types import ExecutionSummary, Person, WorkflowSummary
from workflows_app.models import CivisAccount, SessionKey
from workflows_app.models.runs import ExecutionIndexSweep, IndexedExecution
from workflows_app.runs import index as execution_index
from workflows_app.runs import tasks as tasks_executions

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def summary(execution_id: int, state: str, started: dt.datetime) -> ExecutionSummary:
    return ExecutionSummary(
        id=execution_id,
        workflow_id=7,
        state=state,
        mistral_state={"running": "running", "failed": "error"}.get(state, "success"),
        user=Person(id=3, name="Ada Okafor"),
        started_at=started,
        created_at=started,
    )


@pytest.fixture
def account(owner_client):
    return CivisAccount.objects.get(user=owner_client.session["_auth_user_id"])


def test_indexing_twice_updates_the_row_instead_of_adding_one(account):
    workflow = WorkflowSummary(id=7, name="Nightly load")
    now = timezone.now()
    execution_index.index_executions(account, workflow, [summary(1, "running", now)])
    execution_index.index_executions(account, workflow, [summary(1, "failed", now)])
    row = IndexedExecution.objects.get(account=account, execution_id=1)
    assert row.state == "failed" and row.workflow_name == "Nightly load"
    assert row.ran_by == "Ada Okafor"
    assert IndexedExecution.objects.filter(account=account).count() == 1


def test_list_shows_only_my_runs_filtered_by_state_and_day(account, owner_client, viewer):
    workflow = WorkflowSummary(id=7, name="Nightly <b>load</b>")
    now = timezone.now()
    execution_index.index_executions(
        account,
        workflow,
        [
            summary(1, "failed", now),
            summary(2, "succeeded", now),
            summary(3, "failed", now - dt.timedelta(days=10)),
        ],
    )
    colleague = CivisAccount.objects.create(
        user=type(account.user).objects.create(username="someone-else"),
        civis_user_id=viewer.person.id,
        name="Bruno",
    )
    execution_index.index_executions(colleague, workflow, [summary(99, "failed", now)])
    ExecutionIndexSweep.objects.create(account=account, swept_at=now - dt.timedelta(minutes=2))

    everything = owner_client.get("/executions/").content.decode()
    assert "Updated <time" in everything and "2 minutes ago" in everything
    assert "Run 1<" in everything and "Run 2<" in everything and "Run 3<" in everything
    assert "Run 99<" not in everything  # another person's index
    assert "Nightly &lt;b&gt;load&lt;/b&gt;" in everything

    since = (now - dt.timedelta(days=1)).date().isoformat()
    failed_lately = owner_client.get(f"/executions/?state=failed&since={since}")
    html = failed_lately.content.decode()
    assert "Run 1<" in html and "Run 2<" not in html and "Run 3<" not in html
    assert "1 run" in html

    fragment = owner_client.get("/executions/?state=succeeded", headers={"HX-Request": "true"})
    assert "HX-Request" in fragment["Vary"]
    assert "<html" not in fragment.content.decode() and "Run 2<" in fragment.content.decode()


def test_the_execution_page_adds_the_run_to_my_index(account, owner_client, owner):
    execution = owner.failed()
    owner_client.get(f"/workflows/{execution.workflow_id}/executions/{execution.id}/")
    row = IndexedExecution.objects.get(account=account, execution_id=execution.id)
    assert row.state == "failed" and row.workflow_name == "Vendor wait"


def test_a_sweep_reads_my_workflows_as_me(account, owner):
    execution = owner.failed()
    written = execution_index.sweep(account, owner.api)
    assert written > 0
    row = IndexedExecution.objects.get(account=account, execution_id=execution.id)
    assert row.state == "failed"
    assert execution_index.last_swept(account) is not None
    assert not execution_index.needs_sweep(account)


def test_first_visit_queues_one_sweep(
    account, owner_client, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks_executions.sweep_person, "delay", lambda *a: queued.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        first = owner_client.get("/executions/").content.decode()
        owner_client.get("/executions/")
    session_key = SessionKey.objects.get(session_key=owner_client.session.session_key)
    assert queued == [(account.id, session_key.id)]
    assert "gathering the runs of your workflows" in first
    assert 'hx-trigger="every 3s"' in first


def test_the_periodic_task_sweeps_people_signed_in_now(account, owner_client, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks_executions.sweep_person, "delay", lambda *a: queued.append(a))
    # Signed in but idle (never opened /executions/): no background sweep, no upstream call.
    assert tasks_executions.refresh_execution_indexes() == 0
    ExecutionIndexSweep.objects.create(account=account, requested_at=timezone.now())
    assert tasks_executions.refresh_execution_indexes() == 1
    session_key = SessionKey.objects.get(session_key=owner_client.session.session_key)
    assert queued == [(account.id, session_key.id)]

    ExecutionIndexSweep.objects.filter(account=account).update(swept_at=timezone.now())
    assert tasks_executions.refresh_execution_indexes() == 0  # fresh: nothing queued

    ExecutionIndexSweep.objects.filter(account=account).update(
        swept_at=timezone.now() - dt.timedelta(hours=1)
    )
    owner_client.post("/sign-out/")
    assert tasks_executions.refresh_execution_indexes() == 0  # signed out: not swept


@pytest.mark.django_db(transaction=True)
def test_the_list_fills_itself_from_a_sweep_on_a_real_worker(client, owner, celery_worker):
    execution = owner.failed()
    sign_in(client, owner.key)
    client.get("/executions/")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        html = client.get("/executions/", headers={"HX-Request": "true"}).content.decode()
        # The run may be indexed (by the page or the triage engine) before the sweep ends:
        # wait for both.
        if f"Run {execution.id}<" in html and "Updated <time" in html:
            break
        time.sleep(0.5)
    assert f"Run {execution.id}<" in html
    assert "Updated <time" in html and 'hx-trigger="every 3s"' not in html


def test_the_first_gathering_gives_up_after_a_minute(account, owner_client):
    """With no worker the first sweep never comes: the page stops polling and says so."""
    ExecutionIndexSweep.objects.create(
        account=account, requested_at=timezone.now() - dt.timedelta(seconds=20)
    )
    waiting = owner_client.get("/executions/").content.decode()
    assert "gathering the runs of your workflows" in waiting
    assert 'hx-trigger="every 3s"' in waiting
    assert """hx-headers='{"X-Console-Poll": "1"}'""" in waiting  # a poll keeps no session

    ExecutionIndexSweep.objects.filter(account=account).update(
        requested_at=timezone.now() - execution_index.GATHER_PATIENCE - dt.timedelta(seconds=1)
    )
    fragment = owner_client.get("/executions/", headers={"HX-Request": "true"}).content.decode()
    assert "We couldn't gather your recent runs. Try again later." in fragment
    assert "gathering" not in fragment and "hx-trigger" not in fragment


def test_history_restore_of_the_list_gets_the_whole_page(account, owner_client):
    restore = owner_client.get(
        "/executions/?state=failed",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    html = restore.content.decode()
    assert "<html" in html and "<h1>Runs</h1>" in html
    assert "HX-Request" in restore["Vary"]


def test_the_list_says_plainly_it_is_not_every_run_and_where_every_run_is(account, owner_client):
    """Walkthrough screenshot 53: "Runs of workflows you open are added as you open them" hid
    that the list is incomplete. It says what it lists, what it leaves out, and where to see
    every run of one workflow (its run history)."""
    ExecutionIndexSweep.objects.create(account=account, swept_at=timezone.now())
    for html in (
        owner_client.get("/executions/").content.decode(),
        owner_client.get("/executions/", headers={"HX-Request": "true"}).content.decode(),
    ):
        assert "added as you open them" not in html
        assert "every workflow you can see" not in html
        assert "This is not every run." in html
        assert (
            f"latest {execution_index.EXECUTIONS_PER_WORKFLOW} runs of each of the "
            f"{execution_index.SWEEP_WORKFLOWS} workflows you can see that changed most recently"
        ) in html
        assert "To see every run of one workflow, open the workflow and choose" in html
        assert "See every run" in html
