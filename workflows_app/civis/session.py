"""HTTP to the Civis API: pooled sessions per key, timeouts, retries, and status -> error.

One `requests.Session` per (endpoint, key) is kept in a small LRU, so the requests of one
person in one process reuse their TLS connections, and the concurrent calls of one page share
one connection pool. The LRU is keyed by a SHA-256 of the key: the key itself is never a name,
a log field or part of a message.

Retries follow the official client: 429/502/503/504 for GET/PUT/DELETE, only 429/503 for
POST and PATCH (which may not be safe to repeat). Each wait is at least `Retry-After`, at least
an exponential backoff with jitter, and at most the profile's cap; a `Retry-After` beyond the
cap is not waited for at all: the caller gets `RateLimited` with the wait and decides (a web
page says "busy", a Celery task retries with that countdown). Connection failures (nothing
reached the server) are retried for idempotent methods; a read timeout is never retried.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .errors import CivisError, OutcomeUnknown, Unavailable, redact, retry_after_seconds

logger = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
UNSAFE_RETRY_STATUSES = frozenset({429, 503})
POOL_CONNECTIONS = 16
MAX_SESSIONS = 64


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: `max_retries` extra attempts, each wait capped at `max_wait` seconds."""

    name: str
    max_retries: int
    max_wait: float
    backoff: float

    def backoff_wait(self, attempt: int) -> float:
        """Exponential backoff with full jitter for retry number `attempt` (0-based)."""
        return random.uniform(0, self.backoff * (2**attempt))

    def with_retries(self, max_retries: int) -> RetryPolicy:
        return RetryPolicy(self.name, max_retries, self.max_wait, self.backoff)


# Inside a web request: one quick retry at most, so a page answers or fails fast.
WEB = RetryPolicy("web", max_retries=1, max_wait=2.0, backoff=0.25)
# Inside a Celery task: keep trying for a while, yet five capped waits (150 s) stay inside the
# soft time limit (CELERY_TASK_SOFT_TIME_LIMIT, 240 s); a longer Retry-After is the task's to
# schedule (RateLimited.retry_after as the countdown).
WORKER = RetryPolicy("worker", max_retries=5, max_wait=30.0, backoff=1.0)
PROFILES = {"web": WEB, "worker": WORKER}


@dataclass(frozen=True)
class RateLimit:
    """The rate-limit headers of the latest answer (None where a header was absent), and when
    the request that got it went out (`sent_at`, time.monotonic(); None when not known): the
    platform says how much of its window is left, not when the window renews, so a job that
    paces itself learns that from when its calls were sent (bulk/pace.py)."""

    limit: int | None
    remaining: int | None
    retry_after: float | None
    observed_at: datetime
    sent_at: float | None = None

    @classmethod
    def from_headers(
        cls, headers: Mapping[str, str], sent_at: float | None = None
    ) -> RateLimit | None:
        names = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "Retry-After")
        if not any(name in headers for name in names):
            return None
        return cls(
            limit=_int_or_none(headers.get("X-RateLimit-Limit")),
            remaining=_int_or_none(headers.get("X-RateLimit-Remaining")),
            retry_after=retry_after_seconds(headers) if "Retry-After" in headers else None,
            observed_at=datetime.now(UTC),
            sent_at=sent_at,
        )


def key_fingerprint(api_key: str) -> str:
    """A short, stable, non-reversible name for a key, for logs and cache keys."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:12]


class _SessionPool:
    """A bounded LRU of sessions keyed by (endpoint, key hash). Thread-safe."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._sessions: OrderedDict[str, requests.Session] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, endpoint: str, api_key: str) -> requests.Session:
        name = hashlib.sha256(f"{endpoint}\0{api_key}".encode()).hexdigest()
        with self._lock:
            session = self._sessions.get(name)
            if session is None:
                session = _new_session(api_key)
                self._sessions[name] = session
                # An evicted session is not closed: a thread may still be using it; it is
                # garbage once the last client holding it goes away.
                while len(self._sessions) > self._size:
                    self._sessions.popitem(last=False)
            else:
                self._sessions.move_to_end(name)
            return session

    def clear(self) -> None:
        with self._lock:
            self._sessions.clear()


def _new_session(api_key: str) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=POOL_CONNECTIONS, pool_maxsize=POOL_CONNECTIONS)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update(
        {
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": "workflows-console",
        }
    )
    return session


sessions = _SessionPool(MAX_SESSIONS)


@dataclass(frozen=True)
class Answer:
    """A successful response: parsed JSON (None for an empty body), status and headers."""

    data: Any
    status: int
    headers: Mapping[str, str]


class Transport:
    """Sends one logical call (with its retries) and returns an `Answer` or raises a
    `CivisError`. Knows nothing of workflows."""

    def __init__(
        self,
        api_key: str,
        endpoint: str,
        *,
        policy: RetryPolicy,
        timeout: tuple[float, float],
        on_rate_limit: Callable[[RateLimit], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not api_key:
            raise ValueError("an API key is required")
        self._api_key = api_key
        self.endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
        self.policy = policy
        self.timeout = timeout
        self.fingerprint = key_fingerprint(api_key)
        self.rate_limit: RateLimit | None = None
        self._on_rate_limit = on_rate_limit
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"<Transport {self.endpoint} key={self.fingerprint} policy={self.policy.name}>"

    @property
    def session(self) -> requests.Session:
        return sessions.get(self.endpoint, self._api_key)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Answer:
        method = method.upper()
        url = self.endpoint + path.lstrip("/")
        retry_statuses = RETRY_STATUSES if method in IDEMPOTENT_METHODS else UNSAFE_RETRY_STATUSES
        attempt = 0
        while True:
            started = time.monotonic()
            try:
                response = self.session.request(
                    method, url, params=params, json=json, timeout=self.timeout
                )
            except requests.Timeout as exc:
                connect = isinstance(exc, requests.ConnectTimeout)
                if connect and self._may_retry(method, attempt, None, path, "connect timeout"):
                    attempt += 1
                    continue
                error = self._unavailable(method, path, "timed out", exc)
                if not connect and method not in IDEMPOTENT_METHODS:
                    error = OutcomeUnknown(method=method, path=path)
                raise error from None
            except requests.ConnectionError as exc:
                if self._may_retry(method, attempt, None, path, "connection error"):
                    attempt += 1
                    continue
                raise self._unavailable(method, path, "could not be reached", exc) from None
            except requests.RequestException as exc:
                raise self._unavailable(method, path, "failed", exc) from None

            self._note_rate_limit(response.headers, started)
            elapsed_ms = (time.monotonic() - started) * 1000
            logger.debug(
                "civis %s %s -> %s in %.0f ms (key %s)",
                method,
                path,
                response.status_code,
                elapsed_ms,
                self.fingerprint,
            )
            if response.status_code in retry_statuses and self._may_retry(
                method, attempt, response, path, f"status {response.status_code}"
            ):
                attempt += 1
                continue
            if response.status_code >= 400:
                raise self._scrubbed(CivisError.from_response(response, path=path))
            return Answer(
                self._decode(response, method, path), response.status_code, response.headers
            )

    def _may_retry(
        self,
        method: str,
        attempt: int,
        response: requests.Response | None,
        path: str,
        reason: str,
    ) -> bool:
        """Whether to try again; if so, waits first. Connection failures only for idempotent
        methods (a POST that may have arrived is not sent twice)."""
        if attempt >= self.policy.max_retries:
            return False
        if response is None and method not in IDEMPOTENT_METHODS:
            return False
        retry_after = retry_after_seconds(response.headers) if response is not None else 0.0
        if retry_after > self.policy.max_wait:
            return False
        wait = min(self.policy.max_wait, max(retry_after, self.policy.backoff_wait(attempt)))
        logger.info(
            "civis %s %s: %s, retry %d/%d in %.2f s (key %s)",
            method,
            path,
            reason,
            attempt + 1,
            self.policy.max_retries,
            wait,
            self.fingerprint,
        )
        self._sleep(wait)
        return True

    def _note_rate_limit(self, headers: Mapping[str, str], sent_at: float) -> None:
        info = RateLimit.from_headers(headers, sent_at)
        if info is None:
            return
        self.rate_limit = info
        if self._on_rate_limit is not None:
            self._on_rate_limit(info)

    def _unavailable(self, method: str, path: str, what: str, exc: Exception) -> Unavailable:
        detail = redact(f"{type(exc).__name__}: {exc}", self._api_key)
        logger.warning("civis %s %s %s (key %s): %s", method, path, what, self.fingerprint, detail)
        return Unavailable(
            f"The Civis API {what}. Please try again shortly.", method=method, path=path
        )

    def _scrubbed(self, error: CivisError) -> CivisError:
        """The error with the key removed from the text upstream sent (belt and braces)."""
        error.message = redact(error.message, self._api_key)
        if error.upstream_message:
            error.upstream_message = redact(error.upstream_message, self._api_key)
        error.args = (error.message,)
        return error

    @staticmethod
    def _decode(response: requests.Response, method: str, path: str) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            logger.warning(
                "civis %s %s answered %s with malformed JSON", method, path, response.status_code
            )
            raise Unavailable(
                "The Civis API sent an answer the console cannot read.",
                status=response.status_code,
                method=method,
                path=path,
            ) from None


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
