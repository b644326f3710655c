"""A session's copy in the cache lives a minute at most (core/sessions.py): a sign-out whose
cache delete Redis did not take (slow or down at that moment) removes the database row, and
the copy left behind must not keep the cookie working for the session's whole age (8 h)."""

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches

from tests.helpers import sign_in
from workflows_app.core.sessions import COPY_SECONDS, SessionStore

pytestmark = pytest.mark.django_db


def seconds_left(session_key: str) -> int:
    cache = caches[settings.SESSION_CACHE_ALIAS]
    key = cache.make_and_validate_key(SessionStore.cache_key_prefix + session_key)
    return redis.Redis.from_url(settings.REDIS_URL).ttl(key)


def test_a_sessions_cached_copy_expires_within_a_minute(client, use_local_api):
    sign_in(client, use_local_api.admin_key)
    session_key = client.session.session_key
    assert client.get("/workflows/").status_code == 200
    assert 0 < seconds_left(session_key) <= COPY_SECONDS < settings.SESSION_COOKIE_AGE
    # Copied again from the database after it expired (here: dropped), for a minute again.
    caches[settings.SESSION_CACHE_ALIAS].delete(SessionStore.cache_key_prefix + session_key)
    assert client.get("/workflows/").status_code == 200
    assert 0 < seconds_left(session_key) <= COPY_SECONDS


def test_once_the_row_is_gone_the_copy_left_behind_is_all_that_answers(client, use_local_api):
    """What a sign-out leaves when Redis did not take its delete: the copy still answers until
    it expires (within the minute above), then the cookie signs nobody in."""
    sign_in(client, use_local_api.admin_key)
    session_key = client.session.session_key
    Session.objects.filter(session_key=session_key).delete()
    assert client.get("/workflows/").status_code == 200  # the copy, for under a minute
    caches[settings.SESSION_CACHE_ALIAS].delete(SessionStore.cache_key_prefix + session_key)
    answer = client.get("/workflows/")
    assert answer.status_code == 302 and answer["Location"].startswith("/sign-in/")
