"""The official `civis` client (PyPI), pointed at a live civis_local, builds itself from
GET /endpoints and calls every reference method; every answer matches the spec's schema."""

import civis
import pytest
import requests

from .helpers import DEFINITION, FAILING, PAUSING, assert_matches_spec, demo_key

REFERENCE_METHODS = {
    "delete_projects", "delete_shares_groups", "delete_shares_users", "get", "get_executions",
    "get_executions_tasks", "get_git_commits", "list", "list_dependencies", "list_executions",
    "list_git", "list_git_commits", "list_projects", "list_shares", "patch", "patch_git", "post",
    "post_clone", "post_executions", "post_executions_cancel", "post_executions_resume",
    "post_executions_retry", "post_git_checkout", "post_git_checkout_latest", "post_git_commits",
    "put", "put_archive", "put_git", "put_projects", "put_shares_groups", "put_shares_users",
    "put_transfer",
}  # fmt: skip


@pytest.fixture
def client(local_api, monkeypatch):
    monkeypatch.setenv("CIVIS_API_ENDPOINT", local_api.url)
    return civis.APIClient(api_key=local_api.admin_key, return_type="raw")


class Recorder:
    """Calls client.workflows methods, checks each raw answer against the spec, and remembers
    which reference methods were exercised."""

    def __init__(self, workflows):
        self.workflows = workflows
        self.called: set[str] = set()

    def __call__(self, method: str, *args, **kwargs) -> requests.Response:
        response = getattr(self.workflows, method)(*args, **kwargs)
        assert isinstance(response, requests.Response)
        assert_matches_spec(response)
        self.called.add(method)
        return response


def test_client_builds_its_workflows_class_from_endpoints(local_api, monkeypatch):
    monkeypatch.setenv("CIVIS_API_ENDPOINT", local_api.url)
    requests.post(local_api.url + "_local/requests/reset", timeout=5)
    client = civis.APIClient(
        api_key=local_api.admin_key, return_type="raw", force_refresh_api_spec=True
    )
    methods = {name for name in dir(client.workflows) if not name.startswith("_")}
    assert methods >= REFERENCE_METHODS
    log = requests.get(local_api.url + "_local/requests", timeout=5).json()
    assert log["byRoute"].get("GET /endpoints", 0) >= 1


def test_every_reference_method_answers_in_the_spec_shape(client, local_api):
    call = Recorder(client.workflows)
    ada = next(u for u in client.users.list(query="aokafor").json() if u["user"] == "aokafor")
    group_id = client.groups.list().json()[0]["id"]
    project_id = client.projects.list().json()[0]["id"]

    created = call("post", "Client walk-through", definition=DEFINITION, description="<b>x</b>")
    assert created.status_code == 201
    workflow_id = created.json()["id"]
    assert created.json()["valid"] is True and created.json()["myPermissionLevel"] == "manage"
    assert call("get", workflow_id).json()["name"] == "Client walk-through"
    call("list", limit=5)
    call("put", workflow_id, "Client walk-through (renamed)", definition=DEFINITION,
         schedule={"scheduled": True, "scheduled_days": [1], "scheduled_hours": [2],
                   "scheduled_minutes": [30]}, time_zone="Europe/London")  # fmt: skip
    patched = call("patch", workflow_id, description="Patched")
    assert patched.json()["description"] == "Patched"
    assert patched.json()["nextExecutionAt"] is not None

    shares = call("put_shares_users", workflow_id, [ada["id"]], "write")
    assert {"id": ada["id"], "name": ada["name"]} in shares.json()["writers"]["users"]
    call("put_shares_groups", workflow_id, [group_id], "read")
    listed = call("list_shares", workflow_id).json()[0]
    assert [g["id"] for g in listed["readers"]["groups"]] == [group_id]
    assert call("delete_shares_users", workflow_id, ada["id"]).status_code == 204
    assert call("delete_shares_groups", workflow_id, group_id).status_code == 204

    assert call("put_projects", workflow_id, project_id).status_code == 204
    assert [p["id"] for p in call("list_projects", workflow_id).json()] == [project_id]
    assert call("delete_projects", workflow_id, project_id).status_code == 204

    call("put_git", workflow_id, git_ref="main", git_branch="main", git_path="wf.yml",
         git_repo_url="https://github.com/example-org/wf.git", git_ref_type="branch")  # fmt: skip
    call("patch_git", workflow_id, git_path="flows/wf.yml")
    assert call("list_git", workflow_id).json()["gitPath"] == "flows/wf.yml"
    (head,) = call("list_git_commits", workflow_id).json()
    first = call("get_git_commits", workflow_id, head["commitHash"][:8]).json()
    new_content = DEFINITION.replace("std.noop", "std.echo")
    committed = call("post_git_commits", workflow_id, new_content, "Echo", first["fileHash"])
    assert committed.json()["content"] == new_content
    assert call("post_git_checkout_latest", workflow_id).json()["content"] == new_content
    assert call("post_git_checkout", workflow_id).json()["fileHash"] == committed.json()["fileHash"]

    clone = call("post_clone", workflow_id, clone_schedule=True, clone_notifications=False)
    assert clone.status_code == 201 and clone.json()["schedule"]["scheduled"] is True

    started = call("post_executions", workflow_id)
    assert started.status_code == 201
    execution_id = started.json()["id"]
    call("list_executions", workflow_id, limit=10)
    assert call("get_executions", workflow_id, execution_id).json()["id"] == execution_id
    task = call("get_executions_tasks", workflow_id, execution_id, "load").json()
    assert task["name"] == "load" and task["runs"][0]["jobId"] == 1
    cancelled = call("post_executions_cancel", workflow_id, execution_id)
    assert cancelled.status_code == 202 and cancelled.json()["state"] == "cancelled"

    call("patch", workflow_id, definition=PAUSING)
    paused = call("post_executions", workflow_id).json()
    assert paused["mistralState"] == "paused"
    resumed = call("post_executions_resume", workflow_id, paused["id"])
    assert resumed.status_code == 202 and resumed.json()["mistralState"] != "paused"

    call("patch", workflow_id, definition=FAILING)
    failed = call("post_executions", workflow_id).json()
    assert failed["state"] == "failed"
    retried = call("post_executions_retry", workflow_id, failed["id"], task_name="boom")
    assert retried.status_code == 202
    assert retried.json()["state"] in {"running", "failed"}  # std.fail fails again at once

    call("list_dependencies", workflow_id)
    call("list_dependencies", workflow_id, user_id=ada["id"])
    archived = call("put_archive", workflow_id, True)
    assert archived.json()["archived"] is True
    call("put_archive", workflow_id, False)
    transferred = call("put_transfer", workflow_id, ada["id"], True)
    assert transferred.json() == {"dependencies": []}  # the definition names no job now

    assert call.called == REFERENCE_METHODS


def test_iterator_walks_every_page(client, local_api, monkeypatch):
    total = int(client.workflows.list(limit=1).headers["X-Pagination-Total-Entries"])
    seen = [item["id"] for item in client.workflows.list(iterator=True)]
    assert len(seen) == len(set(seen)) == total
    assert total > 50  # more than one page of the maximum size


def test_client_sees_only_what_its_key_may_read(local_api, monkeypatch):
    monkeypatch.setenv("CIVIS_API_ENDPOINT", local_api.url)
    owner = civis.APIClient(api_key=demo_key("egarcia"))
    stranger = civis.APIClient(api_key=demo_key("fhaddad"))
    mine = owner.workflows.post("Private to Elena", definition=DEFINITION)
    with pytest.raises(civis.base.CivisAPIError) as raised:
        stranger.workflows.get(mine.id)
    assert raised.value.status_code == 404
    assert mine.id not in [w.id for w in stranger.workflows.list(iterator=True)]
    assert owner.workflows.get(mine.id).my_permission_level == "manage"
