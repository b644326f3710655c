"""The definition checks' schema is compiled ahead of time by web server processes only: a
process that merely loads the URLs (a Celery worker, a command, a test run) does not spend
seconds of CPU on it."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import threading
import django
django.setup()
from django.urls import resolve
from workflows_app.editing.checks import _schema_validator
resolve("/workflows/new/")
for thread in threading.enumerate():
    if thread.name == "schema-warm-up":
        thread.join()
print("urls:", _schema_validator.cache_info().misses)
import webui.wsgi
for thread in threading.enumerate():
    if thread.name == "schema-warm-up":
        thread.join()
print("wsgi:", _schema_validator.cache_info().misses)
"""


def test_only_the_web_servers_application_warms_the_schema_up():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "webui.settings"}
    answer = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.split() == ["urls:", "0", "wsgi:", "1"]
