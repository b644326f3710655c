"""One middleware for everything around the views: trailing slashes, the request log, the
request budget (429 + Retry-After), injected failures and latency, authentication by API key
(Bearer, or HTTP Basic with the key as user name), rate-limit headers and JSON errors."""

import base64
import re
import time

from django.db.models import F
from django.urls import Resolver404, resolve

from .levers import LEVERS, now
from .models import ApiKey
from .permissions import Caller
from .wire import ApiError, error_response

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
LOCAL_PREFIX = "/_local/"


def route_of(method: str, path: str) -> str:
    """`GET /workflows/{id}` for a request to /workflows/12/ (the key of the request log)."""
    try:
        route = resolve(path).route
    except Resolver404:
        return f"{method} {path}"
    return f"{method} /" + _CONVERTER.sub(r"{\1}", route)


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


def authenticate(request) -> Caller | None:
    token = api_key_from(request)
    if not token:
        return None
    key = ApiKey.objects.select_related("user").filter(token=token).first()
    at = now()
    if key is None or key.revoked_at is not None or key.expires_at <= at or not key.user.active:
        return None
    ApiKey.objects.filter(id=key.id).update(last_used_at=at, use_count=F("use_count") + 1)
    return Caller.of(key.user)


class LocalApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if len(path) > 1 and path.endswith("/"):
            request.path_info = path = path.rstrip("/")
        if path.startswith(LOCAL_PREFIX) or path == LOCAL_PREFIX.rstrip("/"):
            return self.get_response(request)

        allowed, limit, remaining, retry_after = LEVERS.take_budget()
        response = self._answer(request, allowed, retry_after)
        LEVERS.record(route_of(request.method, path), response.status_code)
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
