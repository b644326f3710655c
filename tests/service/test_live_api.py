"""Every method of the service module against a live civis_local over real HTTP, checking the
typed results. Each test makes the workflows it changes (as Ada, a demo person), so tests do
not depend on each other's writes; reads of seeded data find their subjects rather than
assuming ids."""

import time
import uuid
from datetime import datetime

import pytest
import requests

from workflows_app.civis import (
    REFERENCE_METHODS,
    CivisClient,
    Forbidden,
    Invalid,
    NotFound,
    Page,
    Unauthorized,
    gather,
)
from workflows_app.civis import types as t

SIMPLE = """\
version: '2.0'
workflow:
  type: direct
  tasks:
    extract:
      action: std.noop
      on-success:
        - load
    load:
      action: std.noop
"""
RUNS_FOREVER = """\
version: '2.0'
workflow:
  type: direct
  tasks:
    wait_for_ever:
      action: std.async_noop
"""
PAUSES = """\
version: '2.0'
workflow:
  type: direct
  tasks:
    approve:
      action: std.noop
      pause-before: true
"""
FAILS = """\
version: '2.0'
workflow:
  type: direct
  tasks:
    broken:
      action: std.fail
"""
RUNS_A_SCRIPT = """\
version: '2.0'
workflow:
  type: direct
  tasks:
    score:
      action: civis.scripts.python3
      input:
        source: print('hello')
"""


def person(local_api, username: str) -> CivisClient:
    """A demo person's client (keys are `demo-key-<username>`, see civis_local/README.md)."""
    return CivisClient(f"demo-key-{username}", endpoint=local_api.url)


@pytest.fixture
def ada(local_api):
    return person(local_api, "aokafor")


@pytest.fixture
def bruno(local_api):
    return person(local_api, "blindqvist")


@pytest.fixture
def admin(local_api):
    return CivisClient(local_api.admin_key, endpoint=local_api.url)


@pytest.fixture
def new_workflow(ada):
    """Make a fresh workflow owned by Ada with the given definition."""

    def make(definition: str = SIMPLE, **options) -> t.Workflow:
        name = f"Service test {uuid.uuid4().hex[:8]}"
        return ada.post_workflow(name, definition=definition, **options)

    return make


def wait_for(read, done, seconds: float = 15.0):
    """Read until `done(result)`; the local engine advances executions on its clock."""
    deadline = time.monotonic() + seconds
    while True:
        result = read()
        if done(result) or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_the_client_has_every_reference_method():
    assert len(REFERENCE_METHODS) == 32
    for ours in REFERENCE_METHODS.values():
        method = getattr(CivisClient, ours)
        assert method.__doc__ and "reference" in method.__doc__


# -- people, groups, projects ----------------------------------------------------------------


def test_users_me_names_the_key_holder(ada):
    me = ada.users_me()

    assert isinstance(me, t.Person)
    assert me.username == "aokafor" and me.name == "Ada Okafor"
    assert all(isinstance(g, t.GroupRef) for g in me.groups)


def test_a_wrong_key_is_unauthorized(local_api):
    with pytest.raises(Unauthorized):
        CivisClient("not-a-key", endpoint=local_api.url).users_me()


def test_an_admin_mints_a_key_that_works(admin, bruno, local_api, audit_events):
    bruno_id = bruno.users_me().id

    token = admin.create_api_key(bruno_id, name="service test", expires_in=600)

    assert CivisClient(token, endpoint=local_api.url).users_me().id == bruno_id
    assert audit_events[-1].action == "post_api_keys" and audit_events[-1].outcome == "success"
    assert token not in repr(audit_events)


def test_a_person_cannot_mint_a_key_for_someone_else(ada, bruno):
    with pytest.raises((Forbidden, NotFound)):
        ada.create_api_key(bruno.users_me().id, name="not mine")


def test_search_users_and_get_user(ada):
    page = ada.search_users("Lindqvist")

    assert isinstance(page, Page)
    assert [p.username for p in page] == ["blindqvist"]
    assert page.total_entries == 1
    bruno = ada.get_user(page.items[0].id)
    assert isinstance(bruno, t.Person) and bruno.name == "Bruno Lindqvist"


def test_iter_users_walks_every_page(admin):
    first = admin.search_users(limit=5)
    everyone = list(admin.iter_users())

    assert len(everyone) == first.total_entries
    assert len({p.id for p in everyone}) == len(everyone)


def test_search_groups_and_get_group_with_members(ada):
    page = ada.search_groups("Data")

    assert page.items and all(isinstance(g, t.Group) for g in page)
    group = ada.get_group(page.items[0].id)
    assert group.members and all(isinstance(m, t.Person) for m in group.members)
    assert group.member_count in (None, len(group.members))


def test_list_projects(ada):
    page = ada.list_projects(limit=5)

    assert isinstance(page, Page)
    assert all(isinstance(p, t.Project) for p in page)
    assert page.total_entries >= len(page.items)


# -- workflows -------------------------------------------------------------------------------


def test_list_workflows_pages_and_filters(ada):
    me = ada.users_me()
    page = ada.list_workflows(author=[me.id], limit=5, order="name", order_dir="asc")

    assert all(isinstance(w, t.WorkflowSummary) for w in page)
    assert all(w.owner is not None and w.owner.id == me.id for w in page)
    assert [w.name for w in page] == sorted(w.name for w in page)
    assert page.per_page == 5 and page.total_pages * 5 >= page.total_entries


def test_iter_workflows_yields_what_the_totals_announce(ada):
    total = ada.list_workflows(limit=1).total_entries
    seen = [w.id for w in ada.iter_workflows()]

    assert len(seen) == total and len(set(seen)) == total


def test_list_workflows_by_state(ada):
    for summary in ada.list_workflows(state=["failed", "succeeded"], limit=20):
        assert summary.state in ("failed", "succeeded")


def test_post_get_put_patch_workflow(ada, new_workflow):
    created = new_workflow(description="made by the service tests", time_zone="Europe/London")

    assert isinstance(created, t.Workflow) and created.valid is True
    fetched = ada.get_workflow(created.id)
    assert fetched.id == created.id and fetched.my_permission_level == "manage"
    assert fetched.definition and "extract" in fetched.definition
    assert isinstance(fetched.created_at, datetime) and fetched.created_at.tzinfo is not None
    assert fetched.time_zone == "Europe/London"

    schedule = t.Schedule(scheduled=True, days=(1,), hours=(6,), minutes=(30,))
    replaced = ada.put_workflow(
        created.id, "Replaced name", definition=SIMPLE, schedule=schedule, time_zone="UTC"
    )
    assert replaced.name == "Replaced name" and replaced.schedule.scheduled
    assert replaced.schedule.hours == (6,) and replaced.next_execution_at is not None
    assert replaced.next_execution_at.tzinfo is not None

    notifications = t.Notifications(failure_email_addresses=("ops@example.com",), failure_on=True)
    patched = ada.patch_workflow(created.id, name="Patched", notifications=notifications)
    assert patched.name == "Patched" and patched.schedule.hours == (6,)
    assert patched.notifications.failure_email_addresses == ("ops@example.com",)


def test_get_workflow_of_a_stranger_is_not_found(bruno, new_workflow):
    private = new_workflow()

    with pytest.raises(NotFound):
        bruno.get_workflow(private.id)


def test_post_clone(ada, new_workflow):
    original = new_workflow()

    clone = ada.post_clone(original.id, clone_schedule=True, clone_notifications=True)

    assert isinstance(clone, t.Workflow) and clone.id != original.id
    assert clone.definition == original.definition


def test_put_archive(ada, new_workflow):
    workflow = new_workflow()

    archived = ada.put_archive(workflow.id, True)
    assert archived.archived is True
    assert ada.put_archive(workflow.id, False).archived is False


# -- sharing, dependencies, transfer --------------------------------------------------------


def test_share_with_users_then_revoke(ada, bruno, new_workflow):
    workflow = new_workflow()
    bruno_id = bruno.users_me().id

    shares = ada.put_shares_users(workflow.id, [bruno_id], "write", send_shared_email=False)
    assert isinstance(shares, t.Share) and shares.level_of_user(bruno_id) == "write"
    assert bruno.get_workflow(workflow.id).my_permission_level == "write"
    assert ada.list_shares(workflow.id).level_of_user(bruno_id) == "write"

    ada.delete_shares_users(workflow.id, bruno_id)
    assert ada.list_shares(workflow.id).level_of_user(bruno_id) is None
    with pytest.raises(NotFound):
        bruno.get_workflow(workflow.id)


def test_share_with_groups_then_revoke(ada, new_workflow):
    workflow = new_workflow()
    group = ada.search_groups("Field Analytics").items[0]

    shares = ada.put_shares_groups(workflow.id, [group.id], "read")
    assert shares.level_of_group(group.id) == "read"

    ada.delete_shares_groups(workflow.id, group.id)
    assert ada.list_shares(workflow.id).level_of_group(group.id) is None


def test_a_reader_cannot_share(ada, bruno, new_workflow):
    workflow = new_workflow()
    bruno_id = bruno.users_me().id
    ada.put_shares_users(workflow.id, [bruno_id], "read")

    with pytest.raises(Forbidden):
        bruno.put_shares_users(workflow.id, [bruno_id], "manage")


def test_list_dependencies(ada, new_workflow):
    workflow = new_workflow(definition=RUNS_A_SCRIPT)

    dependencies = ada.list_dependencies(workflow.id, user_id=ada.users_me().id)

    assert isinstance(dependencies, tuple)
    assert all(isinstance(d, t.Dependency) for d in dependencies)


def test_put_transfer_makes_the_target_the_owner(ada, bruno, new_workflow, audit_events):
    workflow = new_workflow()
    bruno_id = bruno.users_me().id
    audit_events.clear()

    lacking = ada.put_transfer(workflow.id, bruno_id, include_dependencies=True, send_email=False)

    assert isinstance(lacking, tuple) and all(isinstance(d, t.Dependency) for d in lacking)
    now_owned = bruno.get_workflow(workflow.id)
    assert now_owned.owner is not None and now_owned.owner.id == bruno_id
    assert now_owned.my_permission_level == "manage"
    (event,) = audit_events
    assert (event.action, event.object_id, event.outcome, event.upstream_status) == (
        "put_transfer",
        workflow.id,
        "success",
        200,
    )


# -- projects of a workflow -----------------------------------------------------------------


def test_put_and_delete_projects(ada, local_api, new_workflow):
    workflow = new_workflow()
    # A project of Ada's own, made directly (the console only picks projects, never makes them).
    made = requests.post(
        local_api.url + "projects",
        json={"name": f"Service test project {uuid.uuid4().hex[:6]}"},
        headers={"Authorization": "Bearer demo-key-aokafor"},
        timeout=10,
    )
    made.raise_for_status()
    project = next(p for p in ada.iter_projects() if p.id == made.json()["id"])

    ada.put_projects(workflow.id, project.id)
    listed = ada.list_workflow_projects(workflow.id)
    assert project.id in [p.id for p in listed]
    assert all(isinstance(p, t.Project) for p in listed)

    ada.delete_projects(workflow.id, project.id)
    assert project.id not in [p.id for p in ada.list_workflow_projects(workflow.id)]


# -- git -------------------------------------------------------------------------------------


def test_git_attach_commit_and_checkout(ada, new_workflow):
    workflow = new_workflow()
    assert not ada.list_git(workflow.id).attached

    attached = ada.put_git(
        workflow.id,
        git_repo_url="https://github.com/example/pipelines.git",
        git_branch="main",
        git_path="workflows/nightly.yml",
    )
    assert isinstance(attached, t.GitMetadata) and attached.attached
    assert attached.git_path == "workflows/nightly.yml"
    patched = ada.patch_git(workflow.id, git_path="workflows/renamed.yml")
    assert patched.git_path == "workflows/renamed.yml" and patched.git_branch == "main"
    assert ada.list_git(workflow.id).git_repo_url == "https://github.com/example/pipelines.git"

    (head,) = ada.list_git_commits(workflow.id)
    assert isinstance(head, t.GitCommit) and head.commit_hash
    first = ada.get_git_commits(workflow.id, head.commit_hash)
    assert isinstance(first, t.GitFileContent) and first.content == SIMPLE

    changed = SIMPLE.replace("load", "publish")
    committed = ada.post_git_commits(workflow.id, changed, "Rename load", first.file_hash or "")
    assert isinstance(committed, t.GitFileContent) and committed.content == changed

    latest = ada.post_git_checkout_latest(workflow.id)
    assert latest.content == changed
    assert ada.get_workflow(workflow.id).definition == changed
    checked_out = ada.post_git_checkout(workflow.id)
    assert isinstance(checked_out, t.GitFileContent) and checked_out.content == changed


# -- executions ------------------------------------------------------------------------------


def test_run_list_and_read_executions(ada, new_workflow):
    workflow = new_workflow()

    started = ada.post_executions(workflow.id)
    assert isinstance(started, t.Execution) and started.workflow_id == workflow.id

    finished = wait_for(
        lambda: ada.get_executions(workflow.id, started.id), lambda e: e.is_terminal
    )
    assert finished.state == "succeeded"
    assert {task.name for task in finished.tasks} == {"extract", "load"}
    assert finished.finished_at is not None and finished.finished_at.tzinfo is not None

    task = ada.get_executions_tasks(workflow.id, started.id, "load")
    assert isinstance(task, t.Task) and task.mistral_state == "success"

    page = ada.list_executions(workflow.id, limit=10)
    assert [e.id for e in page] == [started.id] and page.total_entries == 1
    assert (
        isinstance(page.items[0], t.ExecutionSummary) and page.items[0].workflow_id == workflow.id
    )
    assert [e.id for e in ada.iter_executions(workflow.id)] == [started.id]


def test_run_with_included_tasks(ada, new_workflow):
    workflow = new_workflow()

    execution = ada.post_executions(workflow.id, included_tasks=["extract"])

    assert execution.included_tasks == ("extract",)


def test_cancel_a_running_execution(ada, new_workflow):
    workflow = new_workflow(definition=RUNS_FOREVER)
    execution = ada.post_executions(workflow.id)

    cancelled = ada.post_executions_cancel(workflow.id, execution.id)

    assert isinstance(cancelled, t.Execution)
    assert ada.get_executions(workflow.id, execution.id).state == "cancelled"


def test_resume_a_paused_execution(ada, new_workflow):
    workflow = new_workflow(definition=PAUSES)
    execution = ada.post_executions(workflow.id)
    paused = wait_for(
        lambda: ada.get_executions(workflow.id, execution.id),
        lambda e: e.mistral_state == "paused",
    )
    assert paused.mistral_state == "paused"

    resumed = ada.post_executions_resume(workflow.id, execution.id)

    assert resumed.mistral_state != "paused"
    done = wait_for(lambda: ada.get_executions(workflow.id, execution.id), lambda e: e.is_terminal)
    assert done.state == "succeeded"


def test_retry_a_failed_task(ada, new_workflow):
    workflow = new_workflow(definition=FAILS)
    execution = ada.post_executions(workflow.id)
    failed = wait_for(
        lambda: ada.get_executions(workflow.id, execution.id), lambda e: e.is_terminal
    )
    assert failed.state == "failed"
    assert failed.tasks[0].mistral_state == "error"

    retried = ada.post_executions_retry(workflow.id, execution.id, task_name="broken")

    # std.fail fails again at once, so the answer may already be failed once more.
    assert isinstance(retried, t.Execution) and retried.id == execution.id
    assert retried.state in ("running", "failed")
    assert retried.updated_at is not None and failed.updated_at is not None
    assert retried.updated_at >= failed.updated_at


def test_retry_of_a_succeeded_execution_is_invalid(ada, new_workflow, audit_events):
    workflow = new_workflow()
    execution = ada.post_executions(workflow.id)
    wait_for(lambda: ada.get_executions(workflow.id, execution.id), lambda e: e.is_terminal)

    with pytest.raises(Invalid) as refused:
        ada.post_executions_retry(workflow.id, execution.id)

    assert refused.value.status in (400, 409, 422) and refused.value.message
    assert audit_events[-1].outcome == "failure"
    assert audit_events[-1].upstream_status == refused.value.status


# -- jobs and runs ---------------------------------------------------------------------------


def test_job_runs_and_their_logs(ada, new_workflow):
    workflow = new_workflow(definition=RUNS_A_SCRIPT)
    execution = ada.post_executions(workflow.id)
    done = wait_for(
        lambda: ada.get_executions(workflow.id, execution.id),
        lambda e: bool(e.tasks and e.tasks[0].runs),
    )
    (run, *_) = done.tasks[0].runs
    assert isinstance(run, t.TaskRun) and run.job_id is not None

    job_run = ada.get_job_run(run.job_id, run.id)
    assert isinstance(job_run, t.JobRun) and job_run.id == run.id
    runs = ada.list_job_runs(run.job_id)
    assert run.id in [r.id for r in runs] and all(isinstance(r, t.JobRun) for r in runs)
    logs = ada.list_job_run_logs(run.job_id, run.id)
    assert all(isinstance(line, t.RunLog) for line in logs)
    if logs:
        later = ada.list_job_run_logs(run.job_id, run.id, last_id=logs[0].id)
        assert [line.id for line in later] == [line.id for line in logs[1:]]


# -- the wire: rate-limit headers, latency, budgets ------------------------------------------


def test_rate_limit_headers_are_exposed(ada):
    ada.users_me()

    assert ada.rate_limit is not None
    assert ada.rate_limit.limit is not None and ada.rate_limit.remaining is not None


@pytest.fixture
def levers(local_api):
    """Turn civis_local's test levers, and put them back afterwards."""

    def set_levers(**changes):
        answer = requests.post(local_api.url + "_local/config", json=changes, timeout=5)
        answer.raise_for_status()

    yield set_levers
    set_levers(latency_ms=0, rate_limit=None)


def test_gather_overlaps_calls_against_a_slow_api(ada, new_workflow, levers):
    workflow = new_workflow()
    latency = 0.3
    levers(latency_ms=int(latency * 1000))

    started = time.monotonic()
    ada.get_workflow(workflow.id)
    ada.list_shares(workflow.id)
    ada.list_executions(workflow.id)
    ada.list_git(workflow.id)
    sequential = time.monotonic() - started

    started = time.monotonic()
    detail, shares, runs, git = gather(
        lambda: ada.get_workflow(workflow.id),
        lambda: ada.list_shares(workflow.id),
        lambda: ada.list_executions(workflow.id),
        lambda: ada.list_git(workflow.id),
    )
    concurrent = time.monotonic() - started

    assert detail.id == workflow.id and isinstance(shares, t.Share) and isinstance(runs, Page)
    assert sequential >= 4 * latency
    assert concurrent < 2 * latency, f"sequential {sequential:.2f}s, gathered {concurrent:.2f}s"
    print(
        f"\n4 calls at {latency}s latency: sequential {sequential:.2f}s, gather {concurrent:.2f}s"
    )


def test_the_retry_gets_through_a_request_budget(ada, levers):
    levers(rate_limit="2/1")
    worker = CivisClient("demo-key-aokafor", endpoint=ada.endpoint, profile="worker")

    names = [worker.users_me().username for _ in range(5)]

    assert names == ["aokafor"] * 5
