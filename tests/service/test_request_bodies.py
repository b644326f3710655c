"""The bodies the client sends, byte for byte as JSON: snake_case names (the official client's
habit, and what the platform takes), fields left out when not given, typed schedule and
notifications in their wire form. Typed request models build them; these pin the wire."""

import json

import pytest
import responses

from workflows_app.civis import CivisClient
from workflows_app.civis import types as t

BASE = "http://civis.test/"
WORKFLOW = {"id": 7, "name": "Nightly load", "archived": False}
EXECUTION = {"id": 11, "state": "running", "tasks": []}
SCHEDULE = t.Schedule(scheduled=True, days=(1, 3), hours=(6,), minutes=(30,))
NOTIFICATIONS = t.Notifications(failure_email_addresses=("ops@example.com",), failure_on=True)
SCHEDULE_WIRE = {
    "scheduled": True,
    "scheduled_days": [1, 3],
    "scheduled_hours": [6],
    "scheduled_minutes": [30],
    "scheduled_runs_per_hour": None,
    "scheduled_days_of_month": [],
}
NOTIFICATIONS_WIRE = {
    "urls": [],
    "success_email_subject": None,
    "success_email_body": None,
    "success_email_addresses": [],
    "failure_email_addresses": ["ops@example.com"],
    "stall_warning_minutes": None,
    "success_on": None,
    "failure_on": True,
}


@pytest.fixture
def sent():
    """Call the client against a mock that answers `answer`; return the JSON body sent."""

    def send(method, path, answer, call):
        with responses.RequestsMock() as mocked:
            mocked.add(method, BASE + path, json=answer, status=200)
            call(CivisClient("sk-bodies", endpoint=BASE))
            body = mocked.calls[0].request.body
        return None if body is None else json.loads(body)

    return send


def test_post_workflow_body(sent):
    body = sent(
        "POST",
        "workflows",
        WORKFLOW,
        lambda c: c.post_workflow(
            "New", definition="version: '2.0'", schedule=SCHEDULE, hidden=False
        ),
    )
    assert body == {
        "name": "New",
        "definition": "version: '2.0'",
        "hidden": False,
        "schedule": SCHEDULE_WIRE,
    }
    assert list(body) == ["name", "definition", "hidden", "schedule"]


def test_put_workflow_body(sent):
    body = sent(
        "PUT",
        "workflows/7",
        WORKFLOW,
        lambda c: c.put_workflow(
            7, "Renamed", description="d", schedule=SCHEDULE, notifications=NOTIFICATIONS,
            time_zone="UTC", allow_concurrent_executions=False,
        ),
    )  # fmt: skip
    assert body == {
        "name": "Renamed",
        "description": "d",
        "allow_concurrent_executions": False,
        "time_zone": "UTC",
        "schedule": SCHEDULE_WIRE,
        "notifications": NOTIFICATIONS_WIRE,
    }


def test_patch_workflow_with_raw_mappings_passes_them_through(sent):
    raw_schedule = {"scheduled": False, "anything": [1]}
    body = sent(
        "PATCH",
        "workflows/7",
        WORKFLOW,
        lambda c: c.patch_workflow(7, schedule=raw_schedule, notifications={"urls": ["u"]}),
    )
    assert body == {"schedule": raw_schedule, "notifications": {"urls": ["u"]}}


def test_patch_workflow_with_nothing_sends_an_empty_object(sent):
    assert sent("PATCH", "workflows/7", WORKFLOW, lambda c: c.patch_workflow(7)) == {}


def test_clone_archive_bodies(sent):
    clone = sent(
        "POST", "workflows/7/clone", WORKFLOW, lambda c: c.post_clone(7, clone_schedule=True)
    )
    assert clone == {"clone_schedule": True}
    assert sent("POST", "workflows/7/clone", WORKFLOW, lambda c: c.post_clone(7)) == {}
    archive = sent("PUT", "workflows/7/archive", WORKFLOW, lambda c: c.put_archive(7, True))
    assert archive == {"status": True}


def test_share_bodies(sent):
    users = sent(
        "PUT",
        "workflows/7/shares/users",
        {},
        lambda c: c.put_shares_users(7, (3, "4"), "write", send_shared_email=False),
    )
    assert users == {"user_ids": [3, 4], "permission_level": "write", "send_shared_email": False}
    groups = sent(
        "PUT",
        "workflows/7/shares/groups",
        {},
        lambda c: c.put_shares_groups(7, [9], "read", share_email_body="hi"),
    )
    assert groups == {"group_ids": [9], "permission_level": "read", "share_email_body": "hi"}


def test_transfer_body(sent):
    body = sent(
        "PUT",
        "workflows/7/transfer",
        {"dependencies": []},
        lambda c: c.put_transfer(7, 5, True, email_body="yours now", send_email=True),
    )
    assert body == {
        "user_id": 5,
        "include_dependencies": True,
        "email_body": "yours now",
        "send_email": True,
    }
    bare = sent(
        "PUT", "workflows/7/transfer", {"dependencies": []}, lambda c: c.put_transfer(7, 5, False)
    )
    assert bare == {"user_id": 5, "include_dependencies": False}


def test_execution_bodies(sent):
    run = sent(
        "POST",
        "workflows/7/executions",
        EXECUTION,
        lambda c: c.post_executions(7, input={"day": "mon"}, included_tasks=("a", "b")),
    )
    assert run == {"input": {"day": "mon"}, "included_tasks": ["a", "b"]}
    assert sent("POST", "workflows/7/executions", EXECUTION, lambda c: c.post_executions(7)) == {}
    retry = sent(
        "POST",
        "workflows/7/executions/11/retry",
        EXECUTION,
        lambda c: c.post_executions_retry(7, 11, "load"),
    )
    assert retry == {"task_name": "load"}
    cancel = sent(
        "POST",
        "workflows/7/executions/11/cancel",
        EXECUTION,
        lambda c: c.post_executions_cancel(7, 11),
    )
    assert cancel is None


def test_git_and_key_bodies(sent):
    git = sent(
        "PUT",
        "workflows/7/git",
        {"gitRef": "main"},
        lambda c: c.put_git(7, git_ref="main", git_repo_url="https://g/r.git", pull_from_git=True),
    )
    assert git == {"git_ref": "main", "git_repo_url": "https://g/r.git", "pull_from_git": True}
    commit = sent(
        "POST",
        "workflows/7/git/commits",
        {"content": "x"},
        lambda c: c.post_git_commits(7, "x", "msg", "abc"),
    )
    assert commit == {"content": "x", "message": "msg", "file_hash": "abc"}
    key = sent(
        "POST",
        "users/me/api_keys",
        {"id": 1, "token": "tok"},
        lambda c: c.create_api_key("me", name="console"),
    )
    assert key == {"name": "console", "expires_in": 28800}
