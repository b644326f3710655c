"""Reading pages does not write the session row each time: the idle clock restarts at most once
a minute (a page read a minute later writes it again, and a poll never does)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows_app.core.middleware import IDLE_CLOCK_STEP_SECONDS, IDLE_FROM

pytestmark = pytest.mark.django_db


def session_writes(client, path: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, headers=headers).status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith("UPDATE")
    )


def test_reading_pages_writes_the_session_once_a_minute_at_most(signed_in_client):
    assert session_writes(signed_in_client, "/audit/") == 0  # sign-in just started the clock
    assert session_writes(signed_in_client, "/audit/") == 0

    session = signed_in_client.session
    session[IDLE_FROM] -= IDLE_CLOCK_STEP_SECONDS + 1  # as if a minute had gone by
    session.save()

    assert session_writes(signed_in_client, "/audit/") == 1  # the idle clock restarts
    assert session_writes(signed_in_client, "/audit/") == 0
    session = signed_in_client.session
    session[IDLE_FROM] -= IDLE_CLOCK_STEP_SECONDS + 1
    session.save()
    assert session_writes(signed_in_client, "/audit/", **{"X-Console-Poll": "1"}) == 0
