"""Faults a real server will not give on demand, faked with `responses`: each must end in the
right typed error, after exactly the retries the rules allow, without the key leaking."""

import logging
import time

import pytest
import requests
import responses

from workflows_app.civis import (
    CivisClient,
    CivisError,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from workflows_app.civis.errors import OutcomeUnknown
from workflows_app.civis.session import WORKER

BASE = "http://civis.test/"
KEY = "sk-fault-test-0123456789abcdef"
WORKFLOW = {
    "id": 7,
    "name": "Nightly load",
    "user": {"id": 3, "name": "Ada Lovelace", "username": "ada"},
    "myPermissionLevel": "manage",
    "archived": False,
}
EXECUTION = {"id": 11, "state": "running", "mistralState": "running", "tasks": []}


def client(**options) -> CivisClient:
    return CivisClient(KEY, endpoint=BASE, **options)


@pytest.fixture
def mocked():
    with responses.RequestsMock() as rsps:
        yield rsps


def test_read_timeout_is_unavailable_and_not_retried(mocked):
    mocked.get(BASE + "workflows/7", body=requests.ReadTimeout("read timed out"))

    with pytest.raises(Unavailable) as caught:
        client().get_workflow(7)

    assert "timed out" in caught.value.message
    assert len(mocked.calls) == 1


def test_a_post_that_times_out_may_have_happened(mocked):
    mocked.post(BASE + "workflows/7/executions", body=requests.ReadTimeout("read timed out"))

    with pytest.raises(OutcomeUnknown) as caught:
        client().post_executions(7)

    assert "may or may not have happened" in caught.value.message
    assert len(mocked.calls) == 1


def test_a_get_that_times_out_is_plainly_unavailable(mocked):
    mocked.get(BASE + "workflows/7", body=requests.ReadTimeout("read timed out"))

    with pytest.raises(Unavailable) as caught:
        client().get_workflow(7)

    assert not isinstance(caught.value, OutcomeUnknown)


def test_connection_reset_is_retried_once_on_the_web_then_unavailable(mocked):
    reset = requests.ConnectionError("Connection reset by peer")
    mocked.get(BASE + "workflows/7", body=reset)

    with pytest.raises(Unavailable):
        client(sleep=lambda seconds: None).get_workflow(7)

    assert len(mocked.calls) == 2


def test_connection_reset_then_success_returns_the_answer(mocked):
    mocked.get(BASE + "workflows/7", body=requests.ConnectionError("Connection reset by peer"))
    mocked.get(BASE + "workflows/7", json=WORKFLOW)

    workflow = client(sleep=lambda seconds: None).get_workflow(7)

    assert workflow.name == "Nightly load"


def test_connection_error_on_post_is_not_retried(mocked):
    mocked.post(BASE + "workflows/7/executions", body=requests.ConnectionError("reset"))

    with pytest.raises(Unavailable):
        client(sleep=lambda seconds: None).post_executions(7)

    assert len(mocked.calls) == 1


def test_429_with_retry_after_waits_then_succeeds(mocked):
    mocked.get(
        BASE + "workflows/7",
        status=429,
        json={"error": "too_many_requests", "errorDescription": "Slow down", "code": 429},
        headers={"Retry-After": "1"},
    )
    mocked.get(BASE + "workflows/7", json=WORKFLOW, headers={"X-RateLimit-Remaining": "4"})
    api = client()

    started = time.monotonic()
    workflow = api.get_workflow(7)
    waited = time.monotonic() - started

    assert workflow.id == 7
    assert waited >= 1.0
    assert len(mocked.calls) == 2
    assert api.rate_limit is not None and api.rate_limit.remaining == 4


def test_429_beyond_the_cap_is_not_waited_for(mocked):
    mocked.get(BASE + "workflows/7", status=429, headers={"Retry-After": "120"}, json={})
    waits: list[float] = []

    with pytest.raises(RateLimited) as caught:
        client(sleep=waits.append).get_workflow(7)

    assert caught.value.retry_after == 120
    assert waits == []
    assert len(mocked.calls) == 1


def test_post_is_not_retried_on_502(mocked):
    mocked.post(BASE + "workflows/7/executions", status=502, body="Bad Gateway")

    with pytest.raises(Unavailable) as caught:
        client(sleep=lambda seconds: None).post_executions(7)

    assert caught.value.status == 502
    assert len(mocked.calls) == 1


def test_patch_is_not_retried_on_502_but_is_on_503(mocked):
    mocked.patch(BASE + "workflows/7", status=502)
    with pytest.raises(Unavailable):
        client(sleep=lambda seconds: None).patch_workflow(7, name="x")
    assert len(mocked.calls) == 1

    mocked.patch(BASE + "workflows/8", status=503)
    mocked.patch(BASE + "workflows/8", json={**WORKFLOW, "id": 8})
    assert client(sleep=lambda seconds: None).patch_workflow(8, name="x").id == 8


def test_post_is_retried_on_503(mocked):
    mocked.post(BASE + "workflows/7/executions", status=503)
    mocked.post(BASE + "workflows/7/executions", status=201, json=EXECUTION)

    execution = client(sleep=lambda seconds: None).post_executions(7)

    assert execution.id == 11 and execution.workflow_id == 7
    assert len(mocked.calls) == 2


@pytest.mark.parametrize("status", [502, 503, 504, 500])
def test_5xx_ends_in_unavailable(mocked, status):
    mocked.get(BASE + "workflows/7", status=status, body="upstream trouble")

    with pytest.raises(Unavailable) as caught:
        client(sleep=lambda seconds: None).get_workflow(7)

    assert caught.value.status == status
    # 502/503/504 are retried once inside a web request; 500 is not retried at all.
    assert len(mocked.calls) == (1 if status == 500 else 2)


def test_worker_profile_retries_more(mocked):
    for _ in range(3):
        mocked.get(BASE + "workflows/7", status=503)
    mocked.get(BASE + "workflows/7", json=WORKFLOW)
    waits: list[float] = []

    workflow = client(profile="worker", sleep=waits.append).get_workflow(7)

    assert workflow.id == 7
    assert len(waits) == 3
    assert all(0 <= w <= WORKER.max_wait for w in waits)


def test_max_retries_overrides_the_profile(mocked):
    mocked.get(BASE + "workflows/7", status=503)

    with pytest.raises(Unavailable):
        client(max_retries=0).get_workflow(7)

    assert len(mocked.calls) == 1


def test_malformed_json_is_unavailable(mocked):
    mocked.get(BASE + "workflows/7", body="<html>proxy error</html>", status=200)

    with pytest.raises(Unavailable) as caught:
        client().get_workflow(7)

    assert "cannot read" in caught.value.message


def test_json_of_the_wrong_shape_is_unavailable(mocked):
    mocked.get(BASE + "workflows/7", json=[1, 2, 3])
    mocked.get(BASE + "workflows", json={"not": "a list"})

    with pytest.raises(Unavailable):
        client().get_workflow(7)
    with pytest.raises(Unavailable):
        client().list_workflows()


@pytest.mark.parametrize(
    ("status", "error_class"),
    [(401, Unauthorized), (403, Forbidden), (404, NotFound), (400, Invalid), (409, Invalid)],
)
def test_status_maps_to_the_error_the_caller_acts_on(mocked, status, error_class):
    body = {"error": "x", "errorDescription": f"upstream says {status}", "code": status}
    mocked.get(BASE + "workflows/7", status=status, json=body)

    with pytest.raises(error_class) as caught:
        client().get_workflow(7)

    assert caught.value.status == status
    assert caught.value.upstream_message == f"upstream says {status}"
    assert len(mocked.calls) == 1


def test_invalid_carries_field_messages(mocked):
    body = {
        "error": "unprocessable_entity",
        "errorDescription": "Name can't be blank",
        "code": 422,
        "errors": {"name": ["can't be blank"], "timeZone": "is not a time zone"},
    }
    mocked.patch(BASE + "workflows/7", status=422, json=body)

    with pytest.raises(Invalid) as caught:
        client().patch_workflow(7, name="")

    assert caught.value.message == "Name can't be blank"
    assert caught.value.field_errors == {
        "name": ("can't be blank",),
        "time_zone": ("is not a time zone",),  # the console's name, not the API's
    }


def test_other_4xx_is_a_plain_civis_error(mocked):
    mocked.get(BASE + "workflows/7", status=405, json={})

    with pytest.raises(CivisError) as caught:
        client().get_workflow(7)

    assert type(caught.value) is CivisError


def test_the_key_never_appears_in_errors_or_logs(mocked, caplog):
    caplog.set_level(logging.DEBUG)
    # An upstream that echoes the key back, and a transport error that mentions it.
    echo = {"error": "unauthorized", "errorDescription": f"Bad key {KEY}", "code": 401}
    mocked.get(BASE + "workflows/1", status=401, json=echo)
    mocked.get(BASE + "workflows/2", body=requests.ConnectionError(f"failed with {KEY}"))
    mocked.get(BASE + "workflows/3", status=503, headers={"Retry-After": "0"})
    api = client(sleep=lambda seconds: None)

    errors = []
    for workflow_id in (1, 2, 3):
        with pytest.raises(CivisError) as caught:
            api.get_workflow(workflow_id)
        errors.append(caught.value)

    texts = [str(e) for e in errors] + [repr(e) for e in errors] + [repr(api)]
    texts += [e.upstream_message or "" for e in errors] + [caplog.text]
    assert all(KEY not in text for text in texts)
    assert any(api.key_fingerprint in record.getMessage() for record in caplog.records)


def test_rate_limit_headers_reach_callers(mocked):
    headers = {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "42"}
    mocked.get(BASE + "workflows/7", json=WORKFLOW, headers=headers)
    seen = []
    api = client(on_rate_limit=seen.append)

    api.get_workflow(7)

    assert api.rate_limit is not None
    assert (api.rate_limit.limit, api.rate_limit.remaining) == (100, 42)
    assert seen == [api.rate_limit]


def test_messages_for_waiting_are_ours_and_for_refusals_upstreams(mocked):
    body = {"error": "x", "errorDescription": "Internal error in the API.", "code": 500}
    mocked.get(BASE + "workflows/7", status=500, json=body)
    mocked.get(BASE + "workflows/8", status=404, json={"errorDescription": "Workflow 8 not found."})

    with pytest.raises(Unavailable) as unavailable:
        client().get_workflow(7)
    with pytest.raises(NotFound) as not_found:
        client().get_workflow(8)

    assert unavailable.value.message == Unavailable.default_message
    assert unavailable.value.upstream_message == "Internal error in the API."
    assert not_found.value.message == "Workflow 8 not found."
