"""The Celery wiring: JSON only, late acks, and a task proven through a real worker."""

import pytest
from django.conf import settings

from webui.celery import app, ping


@pytest.mark.django_db(transaction=True)
def test_a_task_runs_on_a_real_worker(celery_worker):
    assert ping.delay("hello").get(timeout=10) == "hello"


def test_celery_speaks_json_only_and_acks_late():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_visibility_timeout_outlasts_every_task():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
