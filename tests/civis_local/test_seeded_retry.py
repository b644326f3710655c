"""The demo seed's Monday morning: every workflow whose latest execution failed can be retried
("Retry failed tasks"), and the retried executions finish as the clock moves on: most succeed,
some fail again. On a private server, since the test moves its clock."""

import pytest
import requests

from .helpers import Api

TERMINAL = {"succeeded", "failed", "cancelled"}


@pytest.fixture
def api(private_api) -> Api:
    return Api(private_api.url, private_api.admin_key)


@pytest.fixture
def clock(private_api):
    def move(**body):
        response = requests.post(private_api.url + "_local/clock", json=body, timeout=30)
        assert response.status_code == 200, response.text

    move(frozen=True)
    yield move
    move(frozen=False)


def all_workflow_ids(api: Api) -> list[int]:
    ids, page = [], 1
    while True:
        batch = api.get("/workflows", params={"limit": 50, "page_num": page}).json()
        ids += [workflow["id"] for workflow in batch]
        if len(batch) < 50:
            return ids
        page += 1


def latest_failed(api: Api) -> dict[int, int]:
    """workflow id -> its latest execution's id, for the workflows whose latest one failed."""
    failed = {}
    for workflow_id in all_workflow_ids(api):
        latest = api.get(f"/workflows/{workflow_id}/executions", params={"limit": 1}).json()
        if latest and latest[0]["state"] == "failed":
            failed[workflow_id] = latest[0]["id"]
    return failed


def test_every_latest_failure_of_the_demo_retries_and_finishes(api, clock):
    failed = latest_failed(api)
    assert len(failed) >= 5, failed  # the demo has a Monday morning's worth of failures

    for workflow_id, execution_id in failed.items():
        path = f"/workflows/{workflow_id}/executions/{execution_id}"
        retried = api.post(path + "/retry", check=False)
        assert retried.status_code == 202, (path, retried.text)
        assert retried.json()["state"] == "running", path

    clock(advance_seconds=2 * 3600)
    outcomes = {}
    for workflow_id, execution_id in failed.items():
        path = f"/workflows/{workflow_id}/executions/{execution_id}"
        execution = api.get(path).json()
        if execution["mistralState"] == "paused":  # an approval step after the retried one
            assert api.post(path + "/resume").status_code == 202
            clock(advance_seconds=3600)
            execution = api.get(path).json()
        assert execution["state"] in TERMINAL, (path, execution["state"])
        outcomes[path] = execution["state"]

    assert "succeeded" in outcomes.values(), outcomes
    assert "failed" in outcomes.values(), outcomes  # the demo shows both
