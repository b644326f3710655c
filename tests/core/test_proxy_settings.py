"""X-Forwarded-Proto is believed only when a setting says a proxy is in front (issue 10,
item 17)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _setting(name: str, **env: str) -> str:
    code = f"from webui import settings; print(repr(settings.{name}))"
    environment = {**os.environ, **env}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("count", ["", "0"])
def test_with_no_proxy_the_forwarded_proto_header_is_not_believed(count):
    assert _setting("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT=count) == "None"


def test_with_a_proxy_in_front_it_is():
    assert "HTTP_X_FORWARDED_PROTO" in _setting("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT="1")


def test_env_example_says_how_to_set_the_proxy_count():
    text = (ROOT / ".env.example").read_text()
    assert "TRUSTED_PROXY_COUNT=0" in text and "X-Forwarded-For" in text


@pytest.mark.django_db
def test_a_forged_forwarded_proto_does_not_make_a_request_secure(rf, settings):
    from django.conf import settings as live

    assert live.SECURE_PROXY_SSL_HEADER is None or live.TRUSTED_PROXY_COUNT
    request = rf.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert not request.is_secure()
