"""Test levers outside the Civis paths, on a private server (they are process-wide): the
request budget with 429 + Retry-After (and the official client getting through it), the
request log, injected latency and failures, rate-limit headers on every answer."""

import time

import civis
import pytest
import requests

from .helpers import DEFINITION, Api, demo_key


@pytest.fixture
def levers(private_api):
    """POST /_local/config; every lever is put back afterwards."""

    def configure(**changes):
        response = requests.post(private_api.url + "_local/config", json=changes, timeout=5)
        assert response.status_code == 200, response.text
        return response.json()

    yield configure
    configure(latency_ms=0, error_rate=0, rate_limit=None)


def request_log(api) -> dict:
    return requests.get(api.url + "_local/requests", timeout=5).json()


def reset_log(api) -> None:
    requests.post(api.url + "_local/requests/reset", timeout=5).raise_for_status()


def test_every_answer_carries_rate_limit_headers(private_api, levers):
    api = Api(private_api.url, private_api.admin_key)
    levers(rate_limit="100/60")
    first = api.get("/workflows")
    second = api.get("/workflows/999999")
    unauthenticated = requests.get(private_api.url + "users/me", timeout=5)
    assert first.headers["X-RateLimit-Limit"] == "100"
    assert int(second.headers["X-RateLimit-Remaining"]) == (
        int(first.headers["X-RateLimit-Remaining"]) - 1
    )
    assert unauthenticated.status_code == 401
    assert "X-RateLimit-Remaining" in unauthenticated.headers
    assert unauthenticated.json()["code"] == 401


def test_over_budget_answers_429_with_retry_after(private_api, levers):
    api = Api(private_api.url, private_api.admin_key)
    levers(rate_limit="2/30")
    answers = [api.get("/users/me", check=False) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.json() == {
        "error": "too_many_requests",
        "errorDescription": "Rate limit exceeded. Retry later.",
        "code": 429,
    }


def test_the_budget_is_per_person(private_api, levers):
    """(guess) Each person has a budget of their own: one person spending theirs to zero
    leaves another person's untouched, and every key of one person spends the same budget."""
    admin = Api(private_api.url, private_api.admin_key)
    other = Api(private_api.url, demo_key("dvolkov"))
    second_key = admin.post("/users/me/api_keys", json={"name": "second", "expires_in": 3600})
    admin_again = Api(private_api.url, second_key.json()["token"])
    levers(rate_limit="3/30")
    assert [admin.get("/users/me", check=False).status_code for _ in range(2)] == [200, 200]
    assert admin_again.get("/users/me", check=False).status_code == 200  # the third, same person
    assert admin.get("/users/me", check=False).status_code == 429
    assert admin_again.get("/users/me", check=False).status_code == 429
    answers = [other.get("/users/me", check=False) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert requests.get(private_api.url + "users/me", timeout=5).status_code == 401  # anyone's


def test_official_client_retries_through_the_budget(private_api, levers, monkeypatch):
    monkeypatch.setenv("CIVIS_API_ENDPOINT", private_api.url)
    client = civis.APIClient(api_key=private_api.admin_key)
    workflow = client.workflows.post("Budgeted", definition=DEFINITION)
    levers(rate_limit="3/2")
    reset_log(private_api)
    names = [client.workflows.get(workflow.id).name for _ in range(8)]
    assert names == ["Budgeted"] * 8
    log = request_log(private_api)
    assert log["byStatus"].get("429", 0) >= 1  # the client met the budget and waited it out
    assert log["byStatus"]["200"] == 8
    assert log["byRoute"]["GET /workflows/{id}"] == 8 + log["byStatus"]["429"]


def test_request_log_counts_by_method_and_route_since_reset(private_api):
    api = Api(private_api.url, private_api.admin_key)
    reset_log(private_api)
    assert request_log(private_api) == {"total": 0, "byRoute": {}, "byStatus": {}}
    created = api.post("/workflows/", json={"name": "Logged", "definition": DEFINITION})
    workflow_id = created.json()["id"]
    api.get(f"/workflows/{workflow_id}")
    api.get(f"/workflows/{workflow_id}/")
    api.get(f"/workflows/{workflow_id}/executions")
    log = request_log(private_api)
    assert log["total"] == 4
    assert log["byRoute"] == {
        "POST /workflows": 1,
        "GET /workflows/{id}": 2,
        "GET /workflows/{id}/executions": 1,
    }


def test_latency_is_added_to_every_civis_request(private_api, levers):
    api = Api(private_api.url, private_api.admin_key)
    # A wait far longer than the request itself takes on a busy machine (a loaded CI shard
    # once took 0.8 s for /users/me), so the second check does not depend on how busy it is.
    levers(latency_ms=2500)
    started = time.perf_counter()
    api.get("/users/me")
    assert time.perf_counter() - started >= 2.5
    levers(latency_ms=0)
    started = time.perf_counter()
    api.get("/users/me")
    assert time.perf_counter() - started < 2.5


def test_error_rate_fails_requests_with_json_5xx(private_api, levers):
    api = Api(private_api.url, private_api.admin_key)
    levers(error_rate=1.0)
    failed = api.get("/users/me", check=False)
    assert failed.status_code == 503
    assert failed.json()["code"] == 503
    levers(error_rate=0)
    assert api.get("/users/me").status_code == 200


def test_parallel_requests_are_served_in_parallel(private_api, levers):
    from concurrent.futures import ThreadPoolExecutor

    api = Api(private_api.url, private_api.admin_key)
    # A long injected wait, so that one at a time (12 s at least) stays far from side by side
    # (2 s and the server's own work) however busy the machine is.
    levers(latency_ms=2000)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: api.get("/workflows", params={"limit": 5}), range(6)))
    elapsed = time.perf_counter() - started
    assert [a.status_code for a in answers] == [200] * 6
    assert elapsed < 6 * 2.0 / 2


def test_the_latency_of_many_more_calls_than_the_console_makes_overlaps(private_api, levers):
    """The console makes 12 calls at once per bulk job; twice that still wait side by side
    (the injected sleep holds no lock, the server's thread pool is larger)."""
    from concurrent.futures import ThreadPoolExecutor

    api = Api(private_api.url, private_api.admin_key)
    levers(latency_ms=1000)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(lambda _: api.get("/users/me", check=False), range(24)))
    elapsed = time.perf_counter() - started
    assert [a.status_code for a in answers] == [200] * 24
    assert elapsed < 24 * 1.0 / 4  # one at a time takes at least 24 s
