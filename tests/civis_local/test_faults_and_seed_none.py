"""Issue 15, item 8: a chosen workflow fails on demand through the admin-only
`/_local/faults` lever (fail, fail N times then succeed, run for a given time); invalid input
is refused with Mistral's message; `--seed none` serves its admin."""

import pytest
import requests

from tests.conftest import LocalApi

from .helpers import Api, demo_key

SCRIPTED = (
    "version: '2.0'\nwf:\n  tasks:\n    load:\n      action: civis.scripts.python3\n"
    "      retry:\n        count: 2\n        delay: 0\n      on-success:\n        - publish\n"
    "    publish:\n      action: std.noop\n"
)
WITH_INPUT = (
    "version: '2.0'\nwf:\n  input:\n    - region\n  tasks:\n    a:\n      action: std.noop\n"
)


def faults(api, key: str | None, method: str = "POST", **body) -> requests.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return requests.request(
        method, api.url + "_local/faults", json=body or None, headers=headers, timeout=30
    )


def run(admin: Api, workflow_id: int) -> dict:
    started = admin.post(f"/workflows/{workflow_id}/executions").json()
    return admin.get(f"/workflows/{workflow_id}/executions/{started['id']}").json()


def test_a_chosen_workflow_fails_on_demand_and_the_lever_is_admin_only(local_api, admin):
    workflow_id = admin.post("/workflows", json={"name": "Faulty", "definition": SCRIPTED}).json()[
        "id"
    ]
    assert faults(local_api, None, workflow_id=workflow_id).status_code == 401
    refused = faults(local_api, demo_key("aokafor"), workflow_id=workflow_id)
    assert refused.status_code == 403
    try:
        # Every attempt fails at once: three failed runs (retry count 2), the workflow fails.
        set_fault = faults(local_api, local_api.admin_key, workflow_id=workflow_id, task="load",
                           outcome="fail", duration=0)  # fmt: skip
        assert set_fault.status_code == 200, set_fault.text
        assert {"workflowId": workflow_id, "task": "load", "outcome": "fail", "fail_times": 1,
                "duration": 0.0} in set_fault.json()  # fmt: skip
        failed = run(admin, workflow_id)
        assert failed["state"] == "failed"
        assert failed["mistralStateInfo"].startswith("Failure caused by error in tasks: load\n")
        assert [r["state"] for r in failed["tasks"][0]["runs"]] == ["failed"] * 3

        # Fail twice, then succeed: the retries get it through.
        faults(local_api, local_api.admin_key, workflow_id=workflow_id, task="load",
               outcome="fail_then_succeed", fail_times=2, duration=0)  # fmt: skip
        recovered = run(admin, workflow_id)
        assert recovered["state"] == "succeeded"
        assert sorted(r["state"] for r in recovered["tasks"][0]["runs"]) == [
            "failed",
            "failed",
            "succeeded",
        ]

        # Run for a given time: an hour later it is still running.
        faults(local_api, local_api.admin_key, workflow_id=workflow_id, task="load",
               outcome="succeed", duration=3600)  # fmt: skip
        assert run(admin, workflow_id)["state"] == "running"
    finally:
        cleared = faults(local_api, local_api.admin_key, method="DELETE")
        assert cleared.status_code == 200 and cleared.json() == []


def test_invalid_input_is_refused_with_mistral_s_message(local_api, admin):
    body = {"name": "Needs a region", "definition": WITH_INPUT}
    workflow_id = admin.post("/workflows", json=body).json()["id"]
    refused = admin.post(f"/workflows/{workflow_id}/executions", json={"input": {}}, check=False)
    assert refused.status_code == 400
    assert refused.json()["errorDescription"] == (
        "Invalid input [name=wf, class=DirectWorkflowSpec, missing=['region']]"
    )
    ok = admin.post(f"/workflows/{workflow_id}/executions", json={"input": {"region": "IA"}})
    assert ok.status_code == 201 and ok.json()["state"] == "succeeded"


def test_a_definition_mistral_refuses_is_not_valid(admin):
    no_start = (
        "version: '2.0'\nwf:\n  tasks:\n    a:\n      action: std.noop\n      on-success: [b]\n"
        "    b:\n      action: std.noop\n      on-error: [a]\n"
    )
    created = admin.post("/workflows", json={"name": "Loop only", "definition": no_start}).json()
    assert created["valid"] is False
    assert created["validationErrors"].startswith("Failed to find start tasks")


@pytest.mark.upstream  # starts a civis_local of its own
def test_seed_none_serves_its_admin(tmp_path):
    api = LocalApi(tmp_path, seed="none")
    try:
        me = Api(api.url, api.admin_key).get("/users/me")
        assert me.status_code == 200
        assert me.json()["username"] == "admin"
        assert Api(api.url, api.admin_key).get("/workflows").json() == []
    finally:
        api.stop()
