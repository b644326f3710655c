"""Ownership transfer as on the platform, and what the demo seed contains."""

from .helpers import DEFINITION

SCRIPT = (
    "version: '2.0'\nwf:\n  tasks:\n    build:\n      action: civis.scripts.python3\n"
    "      input:\n        source: print(1)\n"
)


def run_job_definition(job_id: int) -> str:
    return DEFINITION.replace("job_id: 1", f"job_id: {job_id}")


def test_transfer_makes_the_target_owner_and_shares_missing_dependencies(admin, as_user):
    ada, elena = as_user("aokafor"), as_user("egarcia")
    ada_id, elena_id = admin.user_id("aokafor"), admin.user_id("egarcia")
    script = ada.post("/workflows", json={"name": "Builds a job", "definition": SCRIPT}).json()
    run = ada.post(f"/workflows/{script['id']}/executions").json()
    job_id = run["tasks"][0]["runs"][0]["jobId"]
    body = {"name": "Handed over", "definition": run_job_definition(job_id)}
    workflow = ada.post("/workflows", json=body).json()
    path = f"/workflows/{workflow['id']}"
    before = ada.get(path + "/dependencies", params={"user_id": elena_id}).json()
    assert [(d["id"], d["permissionLevel"]) for d in before] == [(job_id, None)]
    assert elena.get(f"/jobs/{job_id}", check=False).status_code == 404

    transferred = ada.put(path + "/transfer", json={"userId": elena_id,
                                                   "includeDependencies": True})  # fmt: skip
    assert len(transferred.json()["dependencies"]) == 1
    dependency = transferred.json()["dependencies"][0]
    assert (dependency["id"], dependency["permissionLevel"], dependency["shared"]) == (
        job_id,
        "manage",
        True,
    )
    assert elena.get(path).json()["user"]["id"] == elena_id
    assert elena.get(path).json()["myPermissionLevel"] == "manage"
    assert elena.get(f"/jobs/{job_id}").json()["myPermissionLevel"] == "manage"
    # The previous owner keeps manage through a share (decision in views/sharing.transfer).
    assert ada.get(path).json()["myPermissionLevel"] == "manage"
    owners = ada.get(path + "/shares").json()[0]["owners"]["users"]
    assert {u["id"] for u in owners} == {ada_id, elena_id}


def test_transfer_without_dependencies_reports_what_the_target_lacks(admin, as_user):
    ada, gwen_id = as_user("aokafor"), admin.user_id("gthompson")
    script = ada.post("/workflows", json={"name": "Job maker", "definition": SCRIPT}).json()
    job_id = ada.post(f"/workflows/{script['id']}/executions").json()["tasks"][0]["runs"][0][
        "jobId"
    ]
    body = {"name": "Kept deps", "definition": run_job_definition(job_id)}
    workflow = ada.post("/workflows", json=body).json()
    result = ada.put(f"/workflows/{workflow['id']}/transfer",
                     json={"user_id": gwen_id, "include_dependencies": False}).json()  # fmt: skip
    assert [(d["id"], d["shared"], d["permissionLevel"]) for d in result["dependencies"]] == [
        (job_id, False, None)
    ]
    assert as_user("gthompson").get(f"/jobs/{job_id}", check=False).status_code == 404


def test_demo_seed_has_people_groups_and_a_leaver(admin, as_user):
    users = admin.get("/users", params={"limit": 100}).json()
    assert len(users) >= 13 and any(u["user"] == "admin" for u in users)
    assert len(admin.get("/groups").json()) == 5  # the four teams and IT Operations
    marcus = admin.user_id("mwebb")
    owned = admin.get("/workflows", params={"author": str(marcus), "archived": "all"})
    assert int(owned.headers["X-Pagination-Total-Entries"]) >= 30
    assert as_user("mwebb").get("/users/me").json()["name"] == "Marcus Webb"
    # Priya Shah of IT Operations can manage every one of them, through her group's share.
    for workflow in owned.json():
        seen = as_user("pshah").get(f"/workflows/{workflow['id']}").json()
        assert seen["myPermissionLevel"] == "manage", workflow["name"]


def test_demo_seed_has_every_state_live_executions_and_tricky_names(admin):
    oldest = {"limit": 50, "order": "created_at", "order_dir": "asc"}  # seeded before tests
    workflows = admin.get("/workflows", params=oldest).json()
    workflows += admin.get("/workflows", params={**oldest, "page_num": 2}).json()
    workflows = workflows[:60]
    names = " ".join(w["name"] for w in workflows)
    assert "<script>" in names and "São Paulo" in names
    states = {w["state"] for w in workflows}
    assert {"succeeded", "failed", "running", "idle"} <= states
    running = admin.get("/workflows", params={**oldest, "state": "running"}).json()
    mistral = set()
    for workflow in running:
        for execution in admin.get(f"/workflows/{workflow['id']}/executions").json():
            mistral.add(execution["mistralState"])
    assert {"running", "paused"} <= mistral
    sizes = []
    for workflow in workflows:
        page = admin.get(f"/workflows/{workflow['id']}/executions", params={"limit": 1})
        sizes.append(int(page.headers["X-Pagination-Total-Entries"]))
    assert min(sizes) == 0 and max(sizes) >= 140
    failed = next(w for w in workflows if w["state"] == "failed")
    execution = admin.get(f"/workflows/{failed['id']}/executions", params={"limit": 1}).json()[0]
    assert execution["mistralStateInfo"].startswith("Failure caused by error in tasks")
