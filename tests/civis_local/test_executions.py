"""Executions over HTTP on a frozen, test-set clock (a private server): they advance when the
clock moves, cancel/resume/retry change them as SIMULATOR.md says, schedules fire at
nextExecutionAt, terminal states land in the outbox, and job runs follow their tasks."""

import pytest
import requests

from .helpers import FAILING, PAUSING, Api

SCRIPTED = (
    "version: '2.0'\nwf:\n  tasks:\n    build:\n      action: civis.scripts.python3\n"
    "      input:\n        source: print(1)\n      on-success:\n        - publish\n"
    "    publish:\n      action: std.noop\n"
)
MONDAY_0159 = "2030-01-07T01:59:00Z"


@pytest.fixture
def clock(private_api):
    def move(**body):
        response = requests.post(private_api.url + "_local/clock", json=body, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()["now"]

    move(now=MONDAY_0159, frozen=True)
    yield move
    move(frozen=False)


@pytest.fixture
def api(private_api) -> Api:
    return Api(private_api.url, private_api.admin_key)


def create(api: Api, definition: str, **extra) -> int:
    return api.post(
        "/workflows", json={"name": "Clocked", "definition": definition, **extra}
    ).json()["id"]


def test_an_execution_advances_with_the_clock(api, clock):
    workflow_id = create(api, SCRIPTED, notifications={"success_email_addresses": ["a@b.test"]})
    started = api.post(f"/workflows/{workflow_id}/executions").json()
    path = f"/workflows/{workflow_id}/executions/{started['id']}"
    assert started["state"] == "running" and started["startedAt"] == "2030-01-07T01:59:00.000Z"
    run = started["tasks"][0]["runs"][0]
    assert api.get(f"/jobs/{run['jobId']}/runs/{run['id']}").json()["state"] == "running"
    assert api.get(f"/workflows/{workflow_id}").json()["state"] == "running"

    clock(advance_seconds=31)
    finished = api.get(path).json()
    assert finished["state"] == "succeeded" and finished["mistralState"] == "success"
    assert [t["mistralState"] for t in finished["tasks"]] == ["success", "success"]
    assert api.get(f"/jobs/{run['jobId']}/runs/{run['id']}").json()["state"] == "succeeded"
    logs = api.get(f"/jobs/{run['jobId']}/runs/{run['id']}/logs").json()
    assert logs[-1]["message"] == "Process finished with exit code 0."
    assert api.get(f"/workflows/{workflow_id}").json()["state"] == "succeeded"
    outbox = requests.get(api.base + "/_local/outbox", timeout=5).json()
    mine = [m for m in outbox if m["executionId"] == started["id"]]
    assert [(m["kind"], m["event"]["to"]) for m in mine] == [("email", ["a@b.test"])]


def test_cancel_stops_the_execution_and_its_runs_now(api, clock):
    workflow_id = create(api, SCRIPTED)
    started = api.post(f"/workflows/{workflow_id}/executions").json()
    clock(advance_seconds=10)
    cancelled = api.post(f"/workflows/{workflow_id}/executions/{started['id']}/cancel")
    assert cancelled.status_code == 202
    body = cancelled.json()
    assert body["state"] == "cancelled" and body["finishedAt"] == "2030-01-07T01:59:10.000Z"
    assert body["tasks"][0]["runs"][0]["state"] == "cancelled"
    again = api.post(f"/workflows/{workflow_id}/executions/{started['id']}/cancel").json()
    assert again["finishedAt"] == body["finishedAt"]  # terminal: no change


def test_resume_continues_a_paused_execution(api, clock):
    workflow_id = create(api, PAUSING)
    paused = api.post(f"/workflows/{workflow_id}/executions").json()
    assert paused["mistralState"] == "paused" and paused["state"] == "running"
    assert paused["tasks"][0]["mistralStateInfo"] == "Set by 'pause-before' policy"
    resumed = api.post(f"/workflows/{workflow_id}/executions/{paused['id']}/resume").json()
    assert resumed["mistralState"] == "success"


def test_retry_reruns_a_failed_task_and_refuses_a_running_execution(api, clock):
    workflow_id = create(api, FAILING)
    failed = api.post(f"/workflows/{workflow_id}/executions").json()
    assert failed["state"] == "failed"
    assert failed["mistralStateInfo"] == (
        "Failure caused by error in tasks: boom\n\n  boom -> Fail action expected exception.\n"
    )
    retried = api.post(f"/workflows/{workflow_id}/executions/{failed['id']}/retry")
    assert retried.status_code == 202
    assert retried.json()["state"] == "failed"  # std.fail fails again, at once
    scripted_id = create(api, SCRIPTED)
    running = api.post(f"/workflows/{scripted_id}/executions").json()
    refused = api.post(f"/workflows/{scripted_id}/executions/{running['id']}/retry", check=False)
    assert 400 <= refused.status_code < 500 and refused.json()["errorDescription"]


def test_manual_run_is_refused_while_running_without_concurrency(api, clock):
    workflow_id = create(api, SCRIPTED, allow_concurrent_executions=False)
    api.post(f"/workflows/{workflow_id}/executions")
    refused = api.post(f"/workflows/{workflow_id}/executions", check=False)
    assert refused.status_code == 409 and refused.json()["code"] == 409
    clock(advance_seconds=60)
    assert api.post(f"/workflows/{workflow_id}/executions").status_code == 201


def test_a_schedule_fires_at_next_execution_at(api, clock):
    schedule = {"scheduled": True, "scheduledDays": [1], "scheduledHours": [2],
                "scheduledMinutes": [0]}  # fmt: skip
    workflow_id = create(api, SCRIPTED, schedule=schedule, time_zone="UTC")
    workflow = api.get(f"/workflows/{workflow_id}").json()
    assert workflow["nextExecutionAt"] == "2030-01-07T02:00:00.000Z"
    assert workflow["state"] == "scheduled"
    assert api.get(f"/workflows/{workflow_id}/executions").json() == []
    clock(advance_seconds=120)
    executions = api.get(f"/workflows/{workflow_id}/executions").json()
    assert [e["startedAt"] for e in executions] == ["2030-01-07T02:00:00.000Z"]
    assert api.get(f"/workflows/{workflow_id}").json()["nextExecutionAt"] == (
        "2030-01-14T02:00:00.000Z"
    )


def test_a_child_workflow_runs_as_its_own_execution(api, clock):
    child_id = create(api, SCRIPTED)
    parent_definition = (
        "version: '2.0'\nwf:\n  tasks:\n    kid:\n      action: civis.workflows.execute\n"
        f"      input:\n        workflow_id: {child_id}\n"
    )
    parent_id = create(api, parent_definition)
    started = api.post(f"/workflows/{parent_id}/executions").json()
    child = started["tasks"][0]["executions"][0]
    assert child["workflowId"] == child_id and child["myPermissionLevel"] == "manage"
    child_path = f"/workflows/{child_id}/executions/{child['id']}"
    assert api.get(child_path).json()["state"] == "running"
    assert api.get(f"/workflows/{child_id}").json()["state"] == "running"
    clock(advance_seconds=31)
    assert api.get(child_path).json()["state"] == "succeeded"
    parent = api.get(f"/workflows/{parent_id}/executions/{started['id']}").json()
    assert parent["state"] == "succeeded"
    assert parent["tasks"][0]["executions"][0]["state"] == "succeeded"
