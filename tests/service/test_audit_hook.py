"""Every mutating call reports who, what, which workflow, the outcome and the upstream status,
whether it worked or not; reads report nothing."""

import pytest
import requests
import responses

from workflows_app.civis import CivisClient, Forbidden, Unavailable, audit

BASE = "http://civis.test/"


@pytest.fixture
def events(audit_events):
    return audit_events


@pytest.fixture
def api():
    return CivisClient("sk-audit-test", endpoint=BASE, actor_id=31, sleep=lambda seconds: None)


def test_a_successful_transfer_is_recorded(events, api):
    with responses.RequestsMock() as mocked:
        mocked.put(BASE + "workflows/5/transfer", json={"dependencies": []})
        api.put_transfer(5, user_id=9, include_dependencies=True)

    assert events == [
        audit.AuditEvent(
            action="put_transfer",
            object_type="workflow",
            object_id=5,
            outcome="success",
            upstream_status=200,
            actor_id=31,
            detail={"user_id": 9, "include_dependencies": True},
        )
    ]


def test_a_refused_share_is_recorded_as_a_failure(events, api):
    with responses.RequestsMock() as mocked:
        mocked.put(BASE + "workflows/5/shares/users", status=403, json={"code": 403})
        with pytest.raises(Forbidden):
            api.put_shares_users(5, [2, 3], "write")

    (event,) = events
    assert (event.action, event.object_id, event.outcome, event.upstream_status) == (
        "put_shares_users",
        5,
        "failure",
        403,
    )
    assert event.detail == {"user_ids": [2, 3], "permission_level": "write", "error": "Forbidden"}


def test_a_cancel_that_got_no_answer_is_recorded_without_a_status(events, api):
    with responses.RequestsMock() as mocked:
        mocked.post(BASE + "workflows/5/executions/8/cancel", body=requests.ReadTimeout("slow"))
        with pytest.raises(Unavailable):
            api.post_executions_cancel(5, 8)

    (event,) = events
    assert (event.action, event.outcome, event.upstream_status) == (
        "post_executions_cancel",
        "failure",
        None,
    )
    assert event.detail["execution_id"] == 8


def test_a_created_workflow_is_recorded_under_its_new_id(events, api):
    with responses.RequestsMock() as mocked:
        mocked.post(BASE + "workflows", status=201, json={"id": 77, "name": "New"})
        api.post_workflow("New", definition="version: '2.0'")

    assert (events[0].action, events[0].object_id, events[0].upstream_status) == ("post", 77, 201)


def test_reads_are_not_audited(events, api):
    with responses.RequestsMock() as mocked:
        mocked.get(BASE + "workflows/5/shares", json={})
        api.list_shares(5)

    assert events == []


def test_a_broken_recorder_does_not_break_the_call(api, caplog):
    def broken(event):
        raise RuntimeError("audit table is locked")

    previous = audit.set_recorder(broken)
    try:
        with responses.RequestsMock() as mocked:
            mocked.put(BASE + "workflows/5/archive", json={"id": 5, "name": "W", "archived": True})
            assert api.put_archive(5, True).archived is True
    finally:
        audit.set_recorder(previous)
    assert "audit recorder failed" in caplog.text


def test_a_minted_key_is_audited_by_its_id_never_its_token(events, api):
    with responses.RequestsMock() as mocked:
        mocked.post(BASE + "users/12/api_keys", json={"id": 501, "token": "tok-SECRET-123"})
        token = api.create_api_key(12, name="demo")

    (event,) = events
    assert token == "tok-SECRET-123"
    assert (event.action, event.object_type, event.object_id) == ("post_api_keys", "user", 12)
    assert event.detail == {"result_id": 501}
    assert "tok-SECRET-123" not in repr(event)
