"""GET /healthz tells which part of the console is failing, with the real parts underneath."""

import os
import socket

import pytest

from webui.embedded_redis import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_answers(settings):
    settings.HEALTHZ_CACHE_SECONDS = 0  # each test changes what is healthy


def test_the_answer_is_reused_for_a_few_seconds(client, settings):
    settings.HEALTHZ_CACHE_SECONDS = 60
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    first = client.get("/healthz")
    settings.CIVIS_API_ENDPOINT = f"http://127.0.0.1:{free_port()}/"

    second = client.get("/healthz")

    assert second.json() == first.json()


def test_healthz_is_green_with_real_redis_worker_and_upstream(client, celery_worker, use_local_api):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "redis", "worker_live", "worker_bulk", "upstream"}
    assert body["checks"]["worker_live"]["detail"].startswith("ok in")
    assert body["checks"]["worker_bulk"]["detail"].startswith("ok in")
    assert client.get("/healthz/ready").json()["status"] == "ok"


def test_ready_names_the_queue_no_worker_takes(client, settings, celery_worker, use_local_api):
    """A worker on `live` only (as a machine running just the live workers would be): the
    bulk queue is named, and the live one is fine."""
    from webui.celery import app

    worker = [f"test-{os.getpid()}@{socket.gethostname()}"]
    assert app.control.cancel_consumer("bulk", destination=worker, reply=True)
    try:
        response = client.get("/healthz/ready")
    finally:
        app.control.add_consumer("bulk", destination=worker, reply=True)

    assert response.status_code == 503
    assert response.json()["failing"] == ["worker_bulk"]
    assert response.json()["checks"]["worker_live"]["ok"] is True


def test_live_answers_with_every_dependency_down(client, settings, django_assert_num_queries):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.CIVIS_API_ENDPOINT = f"http://127.0.0.1:{free_port()}/"

    with django_assert_num_queries(0):
        response = client.get("/healthz/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.get("/healthz/ready").status_code == 503


def test_healthz_names_redis_when_redis_is_down(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert "redis" in body["failing"]
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_names_the_upstream_when_it_does_not_answer(client, settings, celery_worker):
    settings.CIVIS_API_ENDPOINT = f"http://127.0.0.1:{free_port()}/"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["upstream"]
