"""The permission matrix: for every reference method, what the owner, a writer, a reader, a
stranger and an admin get. Each case works on a fresh workflow owned by Ada and shared with
Bruno (write) and Chiara (read); Dmitri has no access; the admin sees everything."""

from dataclasses import dataclass

import pytest

from .helpers import DEFINITION, FAILING, PAUSING, Api

OWNER, WRITER, READER, STRANGER, ADMIN = "owner", "writer", "reader", "stranger", "admin"
USERNAMES = {OWNER: "aokafor", WRITER: "blindqvist", READER: "cbellini", STRANGER: "dvolkov"}
TRANSFER_TARGET = "egarcia"


@dataclass
class Case:
    """A fresh workflow and what a method needs around it."""

    workflow_id: int
    execution_id: int | None = None
    commit: str | None = None
    file_hash: str | None = None
    project_id: int | None = None
    user_id: int | None = None
    group_id: int | None = None


def _needs(method: str) -> tuple[str, bool]:
    if method == "post_executions_resume":
        return PAUSING, True
    if method == "post_executions_retry":
        return FAILING, True
    return DEFINITION, method in {"get_executions", "get_executions_tasks",
                                  "post_executions_cancel"}  # fmt: skip


def prepare(owner: Api, actor: Api, admin: Api, method: str) -> Case:
    definition, with_execution = _needs(method)
    created = owner.post("/workflows", json={"name": f"Matrix {method}", "definition": definition})
    case = Case(created.json()["id"])
    path = f"/workflows/{case.workflow_id}"
    for username, level in ((USERNAMES[WRITER], "write"), (USERNAMES[READER], "read")):
        share = {"user_ids": [owner.user_id(username)], "permission_level": level}
        owner.put(path + "/shares/users", json=share)
    if with_execution:
        case.execution_id = owner.post(path + "/executions").json()["id"]
    if "git" in method:
        owner.put(path + "/git", json={"git_branch": "main", "git_path": "wf.yml"})
        (head,) = owner.get(path + "/git/commits").json()
        case.commit = head["commitHash"]
        case.file_hash = owner.get(path + f"/git/commits/{case.commit}").json()["fileHash"]
    if method in {"put_projects", "delete_projects"}:
        case.project_id = actor.post("/projects", json={"name": "Mine", "description": ""}).json()[
            "id"
        ]
        if method == "delete_projects":
            admin.put(path + f"/projects/{case.project_id}")
    if "shares_users" in method or method in {"put_transfer", "list_dependencies"}:
        case.user_id = owner.user_id(TRANSFER_TARGET)
    if "shares_groups" in method:
        case.group_id = admin.get("/groups").json()[0]["id"]
    return case


def call(api: Api, method: str, c: Case):
    path = f"/workflows/{c.workflow_id}"
    execution = f"{path}/executions/{c.execution_id}"
    calls = {
        "get": lambda: api.get(path),
        "list": lambda: api.get("/workflows"),
        "post": lambda: api.post("/workflows", json={"name": "New", "definition": DEFINITION}),
        "put": lambda: api.put(path, json={"name": "Renamed", "definition": DEFINITION}),
        "patch": lambda: api.patch(path, json={"description": "Patched"}),
        "post_clone": lambda: api.post(path + "/clone"),
        "put_archive": lambda: api.put(path + "/archive", json={"status": True}),
        "list_shares": lambda: api.get(path + "/shares"),
        "put_shares_users": lambda: api.put(
            path + "/shares/users", json={"user_ids": [c.user_id], "permission_level": "read"}
        ),
        "delete_shares_users": lambda: api.delete(path + f"/shares/users/{c.user_id}"),
        "put_shares_groups": lambda: api.put(
            path + "/shares/groups", json={"groupIds": [c.group_id], "permissionLevel": "read"}
        ),
        "delete_shares_groups": lambda: api.delete(path + f"/shares/groups/{c.group_id}"),
        "list_dependencies": lambda: api.get(path + "/dependencies", params={"user_id": c.user_id}),
        "put_transfer": lambda: api.put(
            path + "/transfer", json={"user_id": c.user_id, "include_dependencies": True}
        ),
        "list_projects": lambda: api.get(path + "/projects"),
        "put_projects": lambda: api.put(path + f"/projects/{c.project_id}"),
        "delete_projects": lambda: api.delete(path + f"/projects/{c.project_id}"),
        "list_git": lambda: api.get(path + "/git"),
        "put_git": lambda: api.put(path + "/git", json={"git_branch": "dev"}),
        "patch_git": lambda: api.patch(path + "/git", json={"git_path": "other.yml"}),
        "list_git_commits": lambda: api.get(path + "/git/commits"),
        "get_git_commits": lambda: api.get(path + f"/git/commits/{c.commit}"),
        "post_git_commits": lambda: api.post(
            path + "/git/commits",
            json={"content": DEFINITION, "message": "m", "file_hash": c.file_hash},
        ),
        "post_git_checkout": lambda: api.post(path + "/git/checkout"),
        "post_git_checkout_latest": lambda: api.post(path + "/git/checkout-latest"),
        "list_executions": lambda: api.get(path + "/executions"),
        "post_executions": lambda: api.post(path + "/executions"),
        "get_executions": lambda: api.get(execution),
        "get_executions_tasks": lambda: api.get(execution + "/tasks/load"),
        "post_executions_cancel": lambda: api.post(execution + "/cancel"),
        "post_executions_resume": lambda: api.post(execution + "/resume"),
        "post_executions_retry": lambda: api.post(execution + "/retry", json={"taskName": "boom"}),
    }
    return calls[method]()


READ = {"get": 200, "list_shares": 200, "list_dependencies": 200, "list_projects": 200,
        "list_git": 200, "list_git_commits": 200, "get_git_commits": 200,
        "list_executions": 200, "get_executions": 200, "get_executions_tasks": 200,
        "post_clone": 201}  # fmt: skip
WRITE = {"put": 200, "patch": 200, "put_git": 200, "patch_git": 200, "post_git_commits": 200,
         "post_git_checkout": 200, "post_git_checkout_latest": 200, "post_executions": 201,
         "post_executions_cancel": 202, "post_executions_resume": 202,
         "post_executions_retry": 202, "put_projects": 204, "delete_projects": 204}  # fmt: skip
MANAGE = {"put_shares_users": 200, "put_shares_groups": 200, "delete_shares_users": 204,
          "delete_shares_groups": 204, "put_transfer": 200, "put_archive": 200}  # fmt: skip
ANYONE = {"list": 200, "post": 201}


def expected(method: str, actor: str) -> int:
    if method in ANYONE:
        return ANYONE[method]
    if actor == STRANGER:
        return 404
    for needed, table in ((READER, READ), (WRITER, WRITE), (OWNER, MANAGE)):
        if method in table:
            allowed = {READER: {OWNER, WRITER, READER, ADMIN}, WRITER: {OWNER, WRITER, ADMIN},
                       OWNER: {OWNER, ADMIN}}[needed]  # fmt: skip
            return table[method] if actor in allowed else 403
    raise AssertionError(method)


METHODS = sorted({**READ, **WRITE, **MANAGE, **ANYONE})


def test_the_matrix_covers_all_32_reference_methods():
    assert len(METHODS) == 32


@pytest.mark.parametrize("actor", [OWNER, WRITER, READER, STRANGER, ADMIN])
@pytest.mark.parametrize("method", METHODS)
def test_permission_matrix(method, actor, admin, as_user):
    owner = as_user(USERNAMES[OWNER])
    api = admin if actor == ADMIN else as_user(USERNAMES[actor])
    case = prepare(owner, api, admin, method)
    response = call(api, method, case)
    assert response.status_code == expected(method, actor), response.text[:300]
    if response.status_code >= 400:
        body = response.json()
        assert body["code"] == response.status_code and body["errorDescription"]


@pytest.mark.parametrize("actor", [OWNER, WRITER, READER, ADMIN])
def test_my_permission_level_is_the_callers(actor, admin, as_user):
    owner = as_user(USERNAMES[OWNER])
    api = admin if actor == ADMIN else as_user(USERNAMES[actor])
    case = prepare(owner, api, admin, "get")
    level = api.get(f"/workflows/{case.workflow_id}").json()["myPermissionLevel"]
    assert level == {OWNER: "manage", WRITER: "write", READER: "read", ADMIN: "manage"}[actor]


def test_lists_hide_what_the_caller_cannot_read(admin, as_user):
    owner, stranger = as_user(USERNAMES[OWNER]), as_user(USERNAMES[STRANGER])
    case = prepare(owner, stranger, admin, "get")
    author = owner.user_id(USERNAMES[OWNER])
    params = {"author": str(author), "limit": 50}
    visible = [w["id"] for w in as_user(USERNAMES[READER]).get("/workflows", params=params).json()]
    hidden = [w["id"] for w in stranger.get("/workflows", params=params).json()]
    assert case.workflow_id in visible
    assert case.workflow_id not in hidden


def test_a_group_share_grants_its_members_and_the_highest_level_wins(admin, as_user):
    owner = as_user(USERNAMES[OWNER])
    stranger = as_user(USERNAMES[STRANGER])
    case = prepare(owner, stranger, admin, "get")
    path = f"/workflows/{case.workflow_id}"
    assert stranger.get(path).status_code == 404
    groups = admin.get("/groups", params={"include_members": "true"}).json()
    dmitri = owner.user_id(USERNAMES[STRANGER])
    group = next(g for g in groups if dmitri in [m["id"] for m in g["members"]])
    owner.put(
        path + "/shares/groups", json={"group_ids": [group["id"]], "permission_level": "write"}
    )
    owner.put(path + "/shares/users", json={"user_ids": [dmitri], "permission_level": "read"})
    assert stranger.get(path).json()["myPermissionLevel"] == "write"
