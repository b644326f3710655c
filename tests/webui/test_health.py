"""GET /healthz tells which part of the console is failing, with the real parts underneath."""

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
    assert set(body["checks"]) == {"database", "redis", "worker", "upstream"}
    assert body["checks"]["worker"]["detail"].startswith("ok in")


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
