"""Wire conventions: auth spellings, trailing slashes, array parameters, body spellings,
pagination, filters, ordering, errors and validation of definitions."""

import requests

from .helpers import DEFINITION, Api


def test_bearer_and_basic_auth_are_accepted_anything_else_is_401(local_api):
    bearer = requests.get(local_api.url + "users/me", timeout=5,
                          headers={"Authorization": f"Bearer {local_api.admin_key}"})  # fmt: skip
    basic = requests.get(local_api.url + "users/me", auth=(local_api.admin_key, ""), timeout=5)
    wrong = requests.get(local_api.url + "users/me", auth=("nope", ""), timeout=5)
    missing = requests.get(local_api.url + "workflows", timeout=5)
    assert bearer.json()["username"] == basic.json()["username"] == "admin"
    for refused in (wrong, missing):
        assert refused.status_code == 401
        assert refused.json()["error"] == "unauthorized"
        assert refused.json()["code"] == 401


def test_paths_answer_with_or_without_trailing_slash(admin):
    plain = admin.get("/workflows", params={"limit": 3})
    slashed = admin.get("/workflows/", params={"limit": 3})
    assert plain.status_code == slashed.status_code == 200
    assert [w["id"] for w in plain.json()] == [w["id"] for w in slashed.json()]


def test_state_filter_accepts_rails_and_repeated_spellings(admin):
    rails = admin.get("/workflows?state[]=failed&state[]=cancelled&limit=50")
    repeated = admin.get("/workflows?state=failed&state=cancelled&limit=50")
    assert rails.json() == repeated.json()
    assert rails.json(), "the demo seed has failed and cancelled workflows"
    assert {w["state"] for w in rails.json()} <= {"failed", "cancelled"}
    total = int(rails.headers["X-Pagination-Total-Entries"])
    failed = int(admin.get("/workflows?state=failed").headers["X-Pagination-Total-Entries"])
    assert 0 < failed < total


def test_bodies_may_be_snake_or_camel_case(admin):
    camel = admin.post("/workflows", json={"name": "Camel", "definition": DEFINITION,
                                          "allowConcurrentExecutions": False,
                                          "timeZone": "Europe/Paris"})  # fmt: skip
    snake = admin.post("/workflows", json={"name": "Snake", "definition": DEFINITION,
                                          "allow_concurrent_executions": False,
                                          "time_zone": "Europe/Paris"})  # fmt: skip
    for created in (camel.json(), snake.json()):
        assert created["allowConcurrentExecutions"] is False
        assert created["timeZone"] == "Europe/Paris"


def test_pagination_headers_limits_and_order(admin):
    page = admin.get("/workflows", params={"limit": 7, "page_num": 2, "order": "name",
                                           "order_dir": "asc"})  # fmt: skip
    assert page.headers["X-Pagination-Current-Page"] == "2"
    assert page.headers["X-Pagination-Per-Page"] == "7"
    total = int(page.headers["X-Pagination-Total-Entries"])
    assert page.headers["X-Pagination-Total-Pages"] == str(-(-total // 7))
    names = [w["name"] for w in page.json()]
    assert names == sorted(names) and len(names) == 7
    default = admin.get("/workflows")
    assert default.headers["X-Pagination-Per-Page"] == "20" and len(default.json()) == 20
    updated = [w["updatedAt"] for w in default.json()]
    assert updated == sorted(updated, reverse=True)
    too_many = admin.get("/workflows", params={"limit": 51}, check=False)
    assert too_many.status_code == 400 and too_many.json()["code"] == 400


def test_filters_author_scheduled_archived_hidden(admin, as_user):
    elena = as_user("egarcia")
    elena_id = admin.user_id("egarcia")
    mine = elena.post("/workflows", json={"name": "Archive me", "definition": DEFINITION}).json()
    elena.put(f"/workflows/{mine['id']}/archive", json={"status": True})
    authored = admin.get("/workflows", params={"author": str(elena_id), "limit": 50}).json()
    assert authored and {w["user"]["id"] for w in authored} == {elena_id}
    assert mine["id"] not in [w["id"] for w in authored]
    archived = admin.get("/workflows", params={"archived": "true", "author": str(elena_id)})
    assert mine["id"] in [w["id"] for w in archived.json()]
    scheduled = admin.get("/workflows", params={"scheduled": "true", "limit": 50}).json()
    assert scheduled and all(w["schedule"]["scheduled"] for w in scheduled)
    hidden = elena.post("/workflows", json={"name": "Hidden", "definition": DEFINITION,
                                            "hidden": True}).json()  # fmt: skip
    shown = admin.get("/workflows", params={"author": str(elena_id), "limit": 50}).json()
    assert hidden["id"] not in [w["id"] for w in shown]
    only_hidden = admin.get("/workflows", params={"hidden": "true", "author": str(elena_id)})
    assert [w["id"] for w in only_hidden.json()] == [hidden["id"]]


def test_definitions_are_validated_by_the_civis_validator(admin):
    recorded = DEFINITION.replace("version: '2.0'", "version: 2")  # as in the spec's example
    invalid = admin.post("/workflows", json={"name": "Bad", "definition": recorded})
    assert invalid.status_code == 201
    body = invalid.json()
    assert body["valid"] is False and "'2.0' was expected" in body["validationErrors"]
    refused = admin.post(f"/workflows/{body['id']}/executions", check=False)
    assert refused.status_code == 422 and refused.json()["code"] == 422
    fixed = admin.patch(f"/workflows/{body['id']}", json={"definition": DEFINITION}).json()
    assert fixed["valid"] is True and fixed["validationErrors"] is None


def test_errors_are_json_with_code(admin, local_api):
    missing = admin.get("/workflows/987654321", check=False)
    assert missing.status_code == 404
    assert set(missing.json()) == {"error", "errorDescription", "code"}
    nameless = admin.post("/workflows", json={"definition": DEFINITION}, check=False)
    assert nameless.status_code == 400
    unknown = admin.get("/no/such/route", check=False)
    assert unknown.status_code == 404 and unknown.json()["code"] == 404
    not_json = admin.post("/workflows", data="{", check=False)
    assert not_json.status_code == 400


def test_html_and_non_ascii_names_come_back_verbatim(admin):
    name = "<script>alert('x')</script> Zürich — 日本"
    created = admin.post("/workflows", json={"name": name, "definition": DEFINITION}).json()
    assert admin.get(f"/workflows/{created['id']}").json()["name"] == name


def test_users_search_groups_and_projects(admin, as_user):
    found = admin.get("/users", params={"query": "Okafor"}).json()
    assert [u["user"] for u in found] == ["aokafor"]
    group = admin.get("/groups").json()[0]
    detail = admin.get(f"/groups/{group['id']}").json()
    assert detail["memberCount"] == len(detail["members"]) > 0
    bruno = as_user("blindqvist")
    project = bruno.post("/projects", json={"name": "Bruno's", "description": "d"}).json()
    assert project["author"]["username"] == "blindqvist"
    assert bruno.get(f"/projects/{project['id']}").json()["myPermissionLevel"] == "manage"
    assert project["id"] in [p["id"] for p in bruno.get("/projects").json()]
    assert as_user("cbellini").get(f"/projects/{project['id']}", check=False).status_code == 404


def test_api_keys_self_service_and_admin(admin, as_user, local_api):
    chiara, bruno = as_user("cbellini"), as_user("blindqvist")
    chiara_id = admin.user_id("cbellini")
    minted = chiara.post("/users/me/api_keys", json={"name": "laptop", "expires_in": 3600})
    assert minted.status_code == 200
    token = minted.json()["token"]
    assert Api(local_api.url, token).get("/users/me").json()["username"] == "cbellini"
    assert chiara.get(f"/users/{chiara_id}/api_keys").json()[0]["name"]
    assert bruno.get(f"/users/{chiara_id}/api_keys", check=False).status_code == 403
    refused = bruno.post(f"/users/{chiara_id}/api_keys", json={"name": "x", "expires_in": 60},
                         check=False)  # fmt: skip
    assert refused.status_code == 403
    by_admin = admin.post(f"/users/{chiara_id}/api_keys", json={"name": "ops", "expiresIn": 60})
    assert Api(local_api.url, by_admin.json()["token"]).get("/users/me").json()["id"] == chiara_id
