"""The API key's form is checked before any use, and no form of it reaches a log line."""

import io
import logging

import pytest
import requests

from workflows_app.civis.errors import redact
from workflows_app.core import accounts
from workflows_app.models import SessionKey

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_limits():
    accounts.failures_by_address.reset("127.0.0.1")
    yield
    accounts.failures_by_address.reset("127.0.0.1")


@pytest.fixture
def console_log():
    """What the console's configured log handler writes (with its filters), as text."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.parametrize(
    "pasted",
    [
        "{first}\n{second}",  # pasted across two lines
        "{first}\r\n{second}",
        "{first}\u2019{second}",  # outside Latin-1: a 500 and the DEBUG page before
        "{first}\u00e9{second}",  # Latin-1 but not ASCII
        "{first} {second}",
        "{first}\x00{second}",
        "{first}" * 200,
    ],
)
def test_a_key_of_the_wrong_form_gets_the_forms_clear_error_and_no_call(
    client, use_local_api, demo_person, console_calls, console_log, pasted
):
    key = demo_person[1]
    half = len(key) // 2
    pasted = pasted.format(first=key[:half], second=key[half:])

    response = client.post("/sign-in/", {"api_key": pasted})

    assert response.status_code == 400
    assert "Copy it again from the platform" in response.text
    assert console_calls == []
    assert not SessionKey.objects.exists()
    assert key[:half] not in console_log.getvalue() and key[half:] not in console_log.getvalue()


def test_a_key_with_spaces_around_it_is_stripped_and_works(client, use_local_api, demo_person):
    response = client.post("/sign-in/", {"api_key": f"  {demo_person[1]}\n"})

    assert response.status_code == 302
    assert SessionKey.objects.exists()


def test_redact_removes_every_form_requests_prints():
    key = "demo-key-abcdef\nghijklmn"
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {key}"
        session.get("http://127.0.0.1:9/", timeout=1)
    except requests.RequestException as exc:
        printed = f"{type(exc).__name__}: {exc}"
    assert "\\n" in printed  # requests escapes the line break
    cleaned = redact(printed, key)
    assert "abcdef" not in cleaned and "ghijklmn" not in cleaned
    assert "abcdef" not in redact(repr({"Authorization": key}), key)
    assert "abcdef" not in redact(key.encode().hex() + repr(key.encode()), key)


def test_the_log_handler_scrubs_a_bearer_value_in_a_message_and_a_traceback(console_log):
    logger = logging.getLogger("some.library")
    logger.warning("header was %r", "Bearer secret-part-one\nsecret-part-two")
    try:
        raise ValueError("bad value: 'Bearer secret-part-three'")
    except ValueError:
        logger.exception("it failed")

    written = console_log.getvalue()
    assert "it failed" in written and "[api key]" in written
    for part in ("secret-part-one", "secret-part-two", "secret-part-three"):
        assert part not in written
