"""Health for load balancers and people.

GET /healthz/live: the process answers (no dependency is asked; for a liveness probe).
GET /healthz/ready (and /healthz): is every part the console needs answering (the database,
Redis, a Celery worker on each queue, the upstream API)? 200 only when all are."""

import time

import redis
import requests
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import ping


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # any driver error means the database is not usable
        return False, f"database error: {type(exc).__name__}"


def _check_redis() -> tuple[bool, str]:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return True, "ok"
    except redis.RedisError as exc:
        return False, f"Redis did not answer: {type(exc).__name__}"


def _check_workers() -> dict[str, tuple[bool, str]]:
    """A ping through each queue (`live`, `bulk`), sent at once and awaited together."""
    started = time.monotonic()
    sent = {}
    answers: dict[str, tuple[bool, str]] = {}
    for queue in _queues():
        try:
            sent[queue] = ping.apply_async(args=["healthz"], queue=queue, retry=False)
        except Exception as exc:  # broker error: no worker can be reached
            answers[queue] = (False, f"no Celery worker answered: {type(exc).__name__}")
    for queue, result in sent.items():
        left = max(0.1, 5 - (time.monotonic() - started))
        try:
            answer = result.get(timeout=left)
        except Exception:  # timeout, broker error: either way no worker answered
            answers[queue] = (False, f"no Celery worker on the {queue} queue answered")
            continue
        if answer != "healthz":
            answers[queue] = (False, "a Celery worker answered wrongly")
        else:
            answers[queue] = (True, f"ok in {int((time.monotonic() - started) * 1000)} ms")
    return {f"worker_{queue}": answers[queue] for queue in _queues()}


def _queues() -> tuple[str, str]:
    return settings.LIVE_QUEUE, settings.BULK_QUEUE


def _check_upstream() -> tuple[bool, str]:
    try:
        response = requests.get(settings.CIVIS_API_ENDPOINT, timeout=(1, 3))
    except requests.RequestException as exc:
        return False, f"the Civis API did not answer: {type(exc).__name__}"
    if response.status_code >= 500:
        return False, f"the Civis API answered {response.status_code}"
    return True, "ok"


_last: dict[str, object] = {"at": 0.0, "answer": None}


@never_cache
def live(request):
    """The process answers: nothing else is asked, so a slow dependency never gets a healthy
    web process restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    """Anyone may ask, so the answer is reused for HEALTHZ_CACHE_SECONDS: a flood of probes costs
    one round of checks (and one Celery task) per interval, not one per request."""
    now = time.monotonic()
    if _last["answer"] is not None and now - float(_last["at"]) < settings.HEALTHZ_CACHE_SECONDS:
        body, status = _last["answer"]
        return JsonResponse(body, status=status)
    body, status = _check_all()
    _last.update(at=now, answer=(body, status))
    return JsonResponse(body, status=status)


def _check_all() -> tuple[dict, int]:
    checks = {"database": _check_database(), "redis": _check_redis()}
    if checks["redis"][0]:
        checks.update(_check_workers())
    else:
        skipped = (False, "skipped: Redis is down, so no worker can be reached")
        checks.update({f"worker_{queue}": skipped for queue in _queues()})
    checks["upstream"] = _check_upstream()
    healthy = all(ok for ok, _ in checks.values())
    body = {
        "status": "ok" if healthy else "failing",
        "failing": [name for name, (ok, _) in checks.items() if not ok],
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    return body, 200 if healthy else 503
