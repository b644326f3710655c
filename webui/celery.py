"""The Celery app. Configuration lives in settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings")

app = Celery("webui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="webui.ping")
def ping(value: str = "pong") -> str:
    """Round trip used by /healthz and the skeleton tests to prove a worker answers."""
    return value
