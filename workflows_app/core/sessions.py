"""Sessions kept in the database and read through the cache (Django's `cached_db`), which go on
working from the database alone when the cache does not answer: for sessions the cache is only
a cache (issue 14, item 5), so a Redis outage must not sign everyone out or fail every page.

A copy in the cache lives `COPY_SECONDS` at most, not the session's whole age: when Redis did
not take a write or a delete (a sign-out while it was slow or down: the database row is gone,
the cached copy is not), the copy that was left behind answers for a minute at most before
the database, which is the record, is read again."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.cache import caches
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

COPY_SECONDS = 60


class _ShortLivedCopies:
    """The session cache, with every copy set to expire within `COPY_SECONDS`."""

    def __init__(self, cache) -> None:
        self._cache = cache

    def set(self, key, value, timeout=None) -> None:
        seconds = COPY_SECONDS if timeout is None else min(timeout, COPY_SECONDS)
        self._cache.set(key, value, seconds)

    def __contains__(self, key) -> bool:
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None) -> None:
        super().__init__(session_key)
        self._cache: Any = _ShortLivedCopies(caches[settings.SESSION_CACHE_ALIAS])

    def load(self):
        try:
            return super().load()
        except RedisError as error:  # the read fell back to the database; keeping it failed
            logger.warning("cache unavailable (session load): %s", type(error).__name__)
            return DatabaseStore.load(self)

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except RedisError as error:
            logger.warning("cache unavailable (session exists): %s", type(error).__name__)
            return DatabaseStore.exists(self, session_key)

    def delete(self, session_key=None):
        # The database row goes first (cached_db's order), so a signed-out session is gone
        # from where the cache refills from even if the cache's copy could not be dropped.
        try:
            super().delete(session_key)
        except RedisError as error:
            logger.warning("cache unavailable (session delete): %s", type(error).__name__)
