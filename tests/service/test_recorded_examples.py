"""The typed results parse the platform's own recorded answers (the `x-examples` of the spec),
nulls and all, served through the client so headers and paging are exercised too."""

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
import responses

from workflows_app.civis import CivisClient, Page
from workflows_app.civis import types as t

SPEC = Path("/work/shared/civis-api/openapi-subset.json")
if not SPEC.exists():
    SPEC = Path(__file__).resolve().parents[2] / "civis_local" / "api" / "openapi-subset.json"
BASE = "http://api.civis.test/"

# (HTTP method, spec path) -> how the client asks for it, given the recorded URL's ids.
CALLS = {
    ("GET", "/workflows/"): lambda c, ids: c.list_workflows(),
    ("GET", "/workflows/{id}"): lambda c, ids: c.get_workflow(ids[0]),
    ("GET", "/workflows/{id}/dependencies"): lambda c, ids: c.list_dependencies(ids[0]),
    ("PUT", "/workflows/{id}/transfer"): lambda c, ids: c.put_transfer(ids[0], 1, False),
    ("POST", "/workflows/{id}/clone"): lambda c, ids: c.post_clone(ids[0]),
    ("GET", "/workflows/{id}/executions"): lambda c, ids: c.list_executions(ids[0]),
    ("POST", "/workflows/{id}/executions"): lambda c, ids: c.post_executions(ids[0]),
    ("GET", "/workflows/{id}/executions/{execution_id}"): lambda c, ids: c.get_executions(*ids),
    ("POST", "/workflows/{id}/executions/{execution_id}/cancel"): lambda c, ids: (
        c.post_executions_cancel(*ids)
    ),
    ("POST", "/workflows/{id}/executions/{execution_id}/resume"): lambda c, ids: (
        c.post_executions_resume(*ids)
    ),
    ("POST", "/workflows/{id}/executions/{execution_id}/retry"): lambda c, ids: (
        c.post_executions_retry(*ids)
    ),
    ("GET", "/workflows/{id}/executions/{execution_id}/tasks/{task_name}"): lambda c, ids: (
        c.get_executions_tasks(ids[0], ids[1], "load")
    ),
    ("GET", "/users/"): lambda c, ids: c.search_users(),
    ("GET", "/users/me"): lambda c, ids: c.users_me(),
    ("GET", "/users/{id}"): lambda c, ids: c.get_user(ids[0]),
    ("GET", "/groups/"): lambda c, ids: c.search_groups(),
    ("GET", "/groups/{id}"): lambda c, ids: c.get_group(ids[0]),
    ("GET", "/projects/"): lambda c, ids: c.list_projects(),
    ("GET", "/jobs/{id}/runs"): lambda c, ids: c.list_job_runs(ids[0]),
    ("GET", "/jobs/{id}/runs/{run_id}"): lambda c, ids: c.get_job_run(*ids),
    ("GET", "/jobs/{id}/runs/{run_id}/logs"): lambda c, ids: c.list_job_run_logs(*ids),
}
KEEP_HEADERS = re.compile(r"^X-(Pagination|RateLimit)-", re.I)


def recorded_examples():
    spec = json.loads(SPEC.read_text())
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if (method.upper(), path) not in CALLS:
                continue
            for example in operation.get("x-examples") or []:
                for request in example.get("requests") or []:
                    if 200 <= request["response_status"] < 300 and request["response_body"]:
                        yield pytest.param(
                            method.upper(), path, request, id=f"{method} {request['request_path']}"
                        )


@pytest.mark.parametrize(("method", "path", "recorded"), list(recorded_examples()))
def test_recorded_answer_parses_into_typed_results(method, path, recorded):
    url = recorded["request_path"].split("?")[0]
    ids = [int(part) for part in url.split("/") if part.isdigit()]
    headers = {k: v for k, v in recorded["response_headers"].items() if KEEP_HEADERS.match(k)}
    raw = json.loads(recorded["response_body"])
    api = CivisClient("sk-example", endpoint=BASE)

    with responses.RequestsMock() as mocked:
        mocked.add(
            method,
            re.compile(re.escape(url) + r"/?(\?.*)?$"),
            body=recorded["response_body"],
            status=recorded["response_status"],
            headers=headers,
            content_type="application/json",
        )
        result = CALLS[(method, path)](api, ids)

    items = list(result) if isinstance(result, Page | tuple) else [result]
    raw_items = raw if isinstance(raw, list) else raw.get("dependencies", [raw])
    assert len(items) == len(raw_items)
    for item, data in zip(items, raw_items, strict=True):
        if "id" in data:
            assert item.id == data["id"]
        for camel, value in data.items():
            snake = re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()
            if hasattr(item, snake) and isinstance(value, str) and snake.endswith("_at"):
                assert isinstance(getattr(item, snake), datetime)
                assert getattr(item, snake).tzinfo is not None
    if isinstance(result, Page) and "X-Pagination-Total-Entries" in headers:
        assert result.total_entries == int(headers["X-Pagination-Total-Entries"])


def test_a_workflow_answer_becomes_snake_case_fields():
    spec = json.loads(SPEC.read_text())
    body = spec["paths"]["/workflows/{id}"]["get"]["x-examples"][0]["requests"][0]
    workflow = t.Workflow.from_json(json.loads(body["response_body"]))

    assert workflow.owner is not None and workflow.owner.username == "devuserfactory3238"
    assert workflow.my_permission_level == "manage" and workflow.can_manage
    assert workflow.notifications.success_on is True
    assert workflow.schedule.scheduled is False  # "scheduled": null
    assert workflow.archived is False and workflow.next_execution_at is None


def test_unknown_fields_and_nulls_are_tolerated():
    workflow = t.WorkflowSummary.from_json(
        {"id": 1, "name": None, "schedule": None, "user": None, "brandNewField": {"x": 1},
         "archived": "true", "nextExecutionAt": "2026-04-20T07:00:00.000Z"}
    )  # fmt: skip

    assert workflow.name == "" and workflow.owner is None and workflow.archived is True
    assert workflow.next_execution_at is not None
    assert workflow.next_execution_at.utcoffset().total_seconds() == 0


def test_shares_flatten_to_one_level_per_grantee():
    share = t.Share.from_json(
        {
            "readers": {"users": [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bo"}], "groups": []},
            "writers": {"users": [{"id": 2, "name": "Bo"}], "groups": [{"id": 9, "name": "Ops"}]},
            "owners": {"users": [{"id": 3, "name": "Cy"}], "groups": None},
            "totalUserShares": 3,
            "totalGroupShares": 1,
        }
    )

    assert {(g.id, g.level) for g in share.users} == {(1, "read"), (2, "write"), (3, "manage")}
    assert share.level_of_group(9) == "write" and share.level_of_user(4) is None
