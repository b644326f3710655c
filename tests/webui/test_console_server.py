"""The console the browser journeys talk to (`console_server`): on CI's production path
(CONSOLE_TEST_SERVER=gunicorn) gunicorn as `make serve` runs it, with production settings; on
the newcomer path pytest-django's server in the test process."""

import re
from pathlib import Path

import pytest
import requests

from tests.conftest import GUNICORN

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(not GUNICORN, reason="production path only: CONSOLE_TEST_SERVER=gunicorn")
def test_on_the_production_path_the_journeys_talk_to_gunicorn_with_debug_off(
    console_server, use_local_api
):
    live = requests.get(console_server.url + "/healthz/live", timeout=30)

    assert live.status_code == 200
    assert live.headers["Server"].startswith("gunicorn")
    command = Path(f"/proc/{console_server.server.process.pid}/cmdline").read_bytes().split(b"\0")
    assert b"webui.wsgi:application" in command and b"gthread" in command
    # Production settings: hashed static names from collectstatic's manifest, served by
    # whitenoise; no demo sign-in (DEBUG off).
    sign_in = requests.get(console_server.url + "/sign-in/", timeout=30)
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', sign_in.text).group(1)
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet
    css = requests.get(console_server.url + stylesheet, timeout=30)
    assert css.status_code == 200 and "immutable" in css.headers["Cache-Control"]
    assert "Sign in as " not in sign_in.text


@pytest.mark.skipif(GUNICORN, reason="newcomer path only: CONSOLE_TEST_SERVER is gunicorn")
def test_on_the_newcomer_path_the_journeys_talk_to_the_server_in_this_process(
    console_server, live_server
):
    assert console_server is live_server
    live = requests.get(console_server.url + "/healthz/live", timeout=30)
    assert live.status_code == 200 and live.headers["Server"].startswith("WSGIServer")
