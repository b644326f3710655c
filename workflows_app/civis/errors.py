"""Failures of the Civis API, sorted by what the caller does next.

- `Unauthorized`: the key is no longer valid; sign the person out.
- `Forbidden`, `NotFound`, `Invalid`: tell the person (the message is safe to show).
- `RateLimited`, `Unavailable`: try again later (a task retries, a page says "busy").
- `CivisError` itself (any other status): a bug on one side; log it.

No message, repr or attribute of these errors ever holds the API key: they are built from the
response status and body only, and `redact` removes the key from any text we did not write.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import requests


class CivisError(Exception):
    """An upstream call that did not give the caller what it asked for."""

    default_message: ClassVar[str] = "The Civis API refused the request."
    # Whether the upstream's own words make a better message than ours (they name the object
    # or the field); for failures the person can only wait out, ours is clearer.
    shows_upstream_message: ClassVar[bool] = True

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        upstream_message: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        shown = upstream_message if self.shows_upstream_message else None
        self.message = message or shown or self.default_message
        self.status = status
        self.upstream_message = upstream_message
        self.method = method
        self.path = path
        super().__init__(self.message)

    def __str__(self) -> str:
        where = f" ({self.method} {self.path} -> {self.status})" if self.method else ""
        return f"{self.message}{where}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.message!r})"

    @classmethod
    def from_response(cls, response: requests.Response, *, path: str | None = None) -> CivisError:
        """The error a non-2xx response stands for, with the upstream message and field errors."""
        status = response.status_code
        body = _json_or_none(response)
        upstream = _upstream_message(body)
        method = response.request.method if response.request is not None else None
        where: dict[str, Any] = {"status": status, "method": method, "path": path}
        if status == 401:
            return Unauthorized(upstream_message=upstream, **where)
        if status == 403:
            return Forbidden(upstream_message=upstream, **where)
        if status == 404:
            return NotFound(upstream_message=upstream, **where)
        if status in (400, 409, 422):
            return Invalid(upstream_message=upstream, field_errors=_field_errors(body), **where)
        if status == 429:
            wait = retry_after_seconds(response.headers)
            return RateLimited(upstream_message=upstream, retry_after=wait, **where)
        if status >= 500:
            return Unavailable(upstream_message=upstream, **where)
        return CivisError(upstream_message=upstream, **where)


class Unauthorized(CivisError):
    default_message = "Your Civis API key is not valid any more. Please sign in again."
    shows_upstream_message = False


class Forbidden(CivisError):
    default_message = "You do not have permission to do that."


class NotFound(CivisError):
    default_message = "That does not exist, or you cannot see it."


class Invalid(CivisError):
    """400/409/422: the request was understood and refused; `field_errors` says where, by the
    console's snake_case field names."""

    default_message = "The Civis API did not accept the request."

    def __init__(
        self,
        message: str | None = None,
        *,
        field_errors: Mapping[str, tuple[str, ...]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.field_errors: dict[str, tuple[str, ...]] = dict(field_errors or {})


class RateLimited(CivisError):
    """429: `retry_after` is how many seconds to wait before asking again."""

    default_message = "The Civis API is busy. Please try again in a moment."
    shows_upstream_message = False

    def __init__(self, message: str | None = None, *, retry_after: float = 0.0, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Unavailable(CivisError):
    """Timeouts, connection errors, 5xx and answers that are not the JSON we expect."""

    default_message = "The Civis API is not answering right now. Please try again shortly."
    shows_upstream_message = False


class OutcomeUnknown(Unavailable):
    """A change (POST or PATCH) was sent but no answer came back in time: it may or may not have
    happened upstream, so "nothing changed, try again" would be a false promise."""

    default_message = (
        "The Civis API did not answer in time; the change may or may not have happened."
    )


def retry_after_seconds(headers: Mapping[str, str]) -> float:
    """`Retry-After` in seconds (0 when absent or an HTTP date we do not bother to parse)."""
    raw = headers.get("Retry-After")
    if raw is None:
        return 0.0
    try:
        return max(0.0, float(raw))
    except ValueError:
        return 0.0


def key_forms(api_key: str) -> list[str]:
    """Every way the key can appear in text: as is, stripped, escaped as `repr` and `requests`
    print it (a line break as `\\n`), as bytes, URL-quoted, and each line of a key pasted across
    lines; longest first, so a longer form is replaced before a part of it."""
    from urllib.parse import quote

    if not api_key:
        return []
    forms = {api_key, api_key.strip(), repr(api_key)[1:-1], ascii(api_key)[1:-1]}
    forms.add(repr(api_key.encode("utf-8", "backslashreplace"))[2:-1])
    forms.add(quote(api_key, safe=""))
    forms.update(part.strip() for part in api_key.splitlines() if len(part.strip()) >= 4)
    return sorted((f for f in forms if f), key=len, reverse=True)


def redact(text: str, api_key: str) -> str:
    """`text` with every form of the key replaced, for messages we did not write."""
    for form in key_forms(api_key):
        text = text.replace(form, "[api key]")
    return text


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return None


def _upstream_message(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    for name in ("errorDescription", "error_description", "message", "error"):
        value = body.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _field_errors(body: Any) -> dict[str, tuple[str, ...]]:
    """Field messages from `{"errors": {"name": ["can't be blank"]}}` and similar shapes, keyed
    by the console's snake_case names (`targetTask` → `target_task`), as the typed results and
    request bodies name the fields."""
    if not isinstance(body, dict):
        return {}
    for name in ("errors", "fieldErrors", "field_errors", "validationErrors"):
        value = body.get(name)
        if isinstance(value, dict):
            return {
                _snake(str(field)): tuple(
                    str(m) for m in (msgs if isinstance(msgs, list) else [msgs])
                )
                for field, msgs in value.items()
            }
    return {}


def _snake(name: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", name).lower()


_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")


# What a Celery task may retry (`autoretry_for=TRANSIENT_ERRORS`); everything else is final.
TRANSIENT_ERRORS: tuple[type[CivisError], ...] = (RateLimited, Unavailable)
