"""The console's own /healthz, asked again and again from a process of its own until it
answers 200: for a test whose workers use a Redis of their own (REDIS_URL in the environment),
which the test's process, its Celery app bound to the session's Redis, cannot see.

    python -m tests.bulk.healthz_probe QUEUE SECONDS

The environment is a test worker's (tests.conftest.worker_environment: the test database, the
private Redis, the upstream). Pings go through QUEUE (the test's workers listen on it only).
Prints one JSON line: `green_at` (time.monotonic(), the same clock in every process on the
machine; null when not green within SECONDS) and the last answer. Exit 0 when green."""

import json
import os
import sys
import time


def main(queue: str, seconds: float) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host is allowed
    settings.HEALTHZ_CACHE_SECONDS = 0  # every request a fresh round of checks
    settings.LIVE_QUEUE = settings.BULK_QUEUE = queue
    client = Client()
    deadline = time.monotonic() + seconds
    while True:
        response = client.get("/healthz")
        green = response.status_code == 200
        if green or time.monotonic() > deadline:
            at = time.monotonic() if green else None
            print(json.dumps({"green_at": at, "answer": response.json()}), flush=True)
            return 0 if green else 1
        time.sleep(0.5)  # a probe's pace


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
