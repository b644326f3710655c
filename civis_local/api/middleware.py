"""One middleware for everything around the views: trailing slashes, the request log (with
the SQL statements each route runs), the request budget per person (429 + Retry-After;
guess), injected failures and latency, authentication by API key (Bearer, or HTTP Basic with
the key as user name), rate-limit headers and JSON errors."""

import base64
import re
import time

from django.db import connection
from django.urls import Resolver404, resolve

from .keys import KEYS, USAGE
from .levers import LEVERS, now
from .permissions import Caller
from .wire import ApiError, error_response

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
LOCAL_PREFIX = "/_local/"


def route_of(request, path: str) -> str:
    """`GET /workflows/{id}` for a request to /workflows/12/ (the key of the request log);
    the view's own resolution when it ran."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(path)
        except Resolver404:
            return f"{request.method} {path}"
    return f"{request.method} /" + _CONVERTER.sub(r"{\1}", match.route)


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_DATA = ("SELECT", "WITH", *_WRITES)


class StatementCount:
    """Counts the data statements (not transaction control) one request runs on its
    connection, and how many of them write."""

    def __init__(self):
        self.queries = 0
        self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if verb in _DATA:
            self.queries += 1
            self.writes += verb in _WRITES
        return execute(sql, params, many, context)


def api_key_from(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip() or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip()).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        return decoded.partition(":")[0] or None
    return None


def person_of(request) -> int | None:
    """Whose request budget a request spends: its key's user (guess: a platform counts per
    person, so every key of one user shares a budget), None without a known key."""
    token = api_key_from(request)
    key = KEYS.get(token) if token else None
    return key.caller.user.id if key is not None else None


def authenticate(request) -> Caller | None:
    token = api_key_from(request)
    if not token:
        return None
    key = KEYS.get(token)
    at = now()
    if key is None or not key.accepted_at(at):
        return None
    USAGE.record(key.key_id, at)
    return key.caller


class LocalApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if len(path) > 1 and path.endswith("/"):
            request.path_info = path = path.rstrip("/")
        if path.startswith(LOCAL_PREFIX) or path == LOCAL_PREFIX.rstrip("/"):
            return self.get_response(request)

        allowed, limit, remaining, retry_after = LEVERS.take_budget(person_of(request))
        statements = StatementCount()
        with connection.execute_wrapper(statements):
            response = self._answer(request, allowed, retry_after)
        LEVERS.record(
            route_of(request, path), response.status_code, statements.queries, statements.writes
        )
        response["X-RateLimit-Limit"] = str(limit)
        response["X-RateLimit-Remaining"] = str(remaining)
        return response

    def _answer(self, request, allowed: bool, retry_after: int):
        if not allowed:
            response = error_response(429, "Rate limit exceeded. Retry later.")
            response["Retry-After"] = str(retry_after)
            return response
        if LEVERS.latency_ms:
            time.sleep(LEVERS.latency_ms / 1000)
        if LEVERS.should_fail():
            status = LEVERS.error_status
            return error_response(status, "Injected failure (--error-rate).", "service_unavailable")
        caller = authenticate(request)
        if caller is None:
            response = error_response(401, "Invalid or missing API key.", "unauthorized")
            response["WWW-Authenticate"] = 'Bearer realm="civis_local"'  # the client reads it
            return response
        request.caller = caller
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ApiError):
            return error_response(exception.code, exception.description, exception.error)
        return None
