"""Signing in with a Civis API key, and signing out."""

import logging

import pytest
from celery.signals import before_task_publish

from workflows_app.civis.client import CivisClient
from workflows_app.core import accounts
from workflows_app.models import AuditEntry, CivisAccount, SessionKey

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_limits():
    accounts.failures_by_address.reset("127.0.0.1")
    yield
    accounts.failures_by_address.reset("127.0.0.1")


def test_a_wrong_key_gets_a_clear_message(client, use_local_api):
    response = client.post("/sign-in/", {"api_key": "not-a-real-key"})

    assert response.status_code == 400
    assert "This key was not accepted by the platform" in response.text
    assert "There is a problem" in response.text
    assert not SessionKey.objects.exists()


def test_an_empty_key_is_asked_for(client, use_local_api):
    response = client.post("/sign-in/", {"api_key": ""})

    assert response.status_code == 400
    assert "Enter an API key" in response.text


def test_the_eleventh_rapid_wrong_attempt_is_refused(client, use_local_api, demo_person):
    for number in range(10):  # ten different wrong keys (the same one is stopped after five)
        assert client.post("/sign-in/", {"api_key": f"wrong-{number}"}).status_code == 400

    refused = client.post("/sign-in/", {"api_key": demo_person[1]})

    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert not SessionKey.objects.exists()


def test_sign_in_rotates_the_session_and_keeps_the_key_encrypted(
    client, use_local_api, demo_person
):
    person, key = demo_person
    client.get("/sign-in/")
    before = client.cookies.get("sessionid")

    response = client.post("/sign-in/", {"api_key": key})

    assert response.status_code == 302
    assert client.cookies["sessionid"].value != (before.value if before else None)
    stored = SessionKey.objects.get()
    assert key not in stored.encrypted_key
    assert CivisAccount.objects.get().civis_user_id == person.id


def test_sign_out_deletes_the_key(signed_in_client):
    response = signed_in_client.post("/sign-out/")

    assert response.status_code == 302
    assert not SessionKey.objects.exists()
    assert signed_in_client.get("/audit/").status_code == 302


def test_sign_out_needs_post_and_csrf(use_local_api, demo_person):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.get("/sign-in/")
    assert browser.post("/sign-in/", {"api_key": demo_person[1]}).status_code == 403
    assert browser.get("/sign-out/").status_code == 405


RUNS_UNTIL_CANCELLED = """version: '2.0'
wait_here:
  tasks:
    wait:
      action: std.async_noop
"""


def _everything_in_redis() -> list[str]:
    """Every key and value in the Redis the console uses (cache, broker, results)."""
    import redis
    from django.conf import settings

    server = redis.Redis.from_url(settings.REDIS_URL)
    seen = []
    for key in server.scan_iter(count=500):
        kind = server.type(key)
        if kind == b"string":
            value = server.get(key)
        elif kind == b"list":
            value = b"".join(server.lrange(key, 0, -1))
        elif kind == b"hash":
            value = repr(server.hgetall(key)).encode()
        elif kind == b"set":
            value = repr(server.smembers(key)).encode()
        elif kind == b"zset":
            value = repr(server.zrange(key, 0, -1)).encode()
        else:
            value = b""
        seen.append(key.decode(errors="replace") + value.decode(errors="replace"))
    return seen


def test_the_key_never_leaves_the_server(client, celery_worker, demo_person, caplog, settings):
    """Sign in, browse, run a workflow, watch it live, cancel it, sign out: the key is in no
    response, header, cookie, log record, Celery message or Redis entry produced on the way."""
    person, key = demo_person
    settings.HEALTHZ_CACHE_SECONDS = 0
    workflow = CivisClient(key).post_workflow(name="Key check", definition=RUNS_UNTIL_CANCELLED)
    published = []

    def capture(body=None, headers=None, **kwargs):
        published.append(repr(body) + repr(headers))

    before_task_publish.connect(capture, weak=False)
    caplog.set_level(logging.DEBUG)
    responses = []
    try:
        responses.append(client.get("/sign-in/"))
        responses.append(client.post("/sign-in/", {"api_key": key}, follow=True))
        for url in ["/", "/audit/", "/healthz", "/workflows/", "/executions/", "/transfers/"]:
            responses.append(client.get(url, follow=True))
            responses.append(client.get(url, headers={"HX-Request": "true"}))
        responses.append(client.get(f"/workflows/{workflow.id}/"))
        started = client.post(f"/workflows/{workflow.id}/run/", follow=True)
        responses.append(started)
        execution_page = started.redirect_chain[-1][0]
        assert "/executions/" in execution_page
        responses.append(client.get(execution_page, headers={"HX-Request": "true"}))
        responses.append(client.post(execution_page + "cancel/", follow=True))
        redis_contents = _everything_in_redis()
        responses.append(client.post("/sign-out/", follow=True))
    finally:
        before_task_publish.disconnect(capture)

    seen = []
    for response in responses:
        seen.append(response.content.decode(errors="replace"))
        seen.append(repr(dict(response.headers)))
        seen.append(repr(response.cookies))
        for redirect in getattr(response, "redirect_chain", []):
            seen.append(repr(redirect))
    seen.extend(record.getMessage() + repr(record.args) for record in caplog.records)
    seen.extend(published)
    seen.extend(redis_contents)
    assert all(key not in text for text in seen)
    assert any("executions.poll" in text for text in published), "a live poll was queued"
    assert any("healthz" in text for text in published), "the health check queued a ping"
    assert AuditEntry.objects.filter(action="post_executions_cancel", outcome="succeeded").exists()


def test_keys_of_sessions_that_timed_out_are_purged(signed_in_client):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from workflows_app.core.tasks import purge_stale_keys

    assert purge_stale_keys() == 0
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))

    assert purge_stale_keys() == 1
    assert not SessionKey.objects.exists()


def test_signing_in_again_leaves_no_key_behind(signed_in_client, demo_person):
    signed_in_client.post("/sign-in/", {"api_key": demo_person[1]})

    assert SessionKey.objects.count() == 1
