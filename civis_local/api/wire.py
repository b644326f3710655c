"""Wire conventions of the Civis API: JSON in (snake_case or camelCase), camelCase JSON out,
errors as {"error", "errorDescription", "code"}, pagination headers, Rails-style arrays."""

import json
import math
import re
from datetime import datetime

from django.http import HttpResponse

_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")


class ApiError(Exception):
    """Raised anywhere in a view; the middleware answers it as the platform does."""

    NAMES = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
        422: "unprocessable_entity",
        429: "too_many_requests",
    }

    def __init__(self, code: int, description: str, error: str | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.error = error or self.NAMES.get(code, "error")


def not_found(what: str = "The requested resource could not be found.") -> ApiError:
    return ApiError(404, what)


def error_response(code: int, description: str, error: str | None = None) -> HttpResponse:
    err = ApiError(code, description, error)
    return json_response({"error": err.error, "errorDescription": description, "code": code}, code)


def json_response(body, status: int = 200, headers: dict | None = None) -> HttpResponse:
    if status == 204:
        response = HttpResponse(status=204)
    else:
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=status,
            content_type="application/json; charset=utf-8",
        )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def paginated(items: list, total: int, page: int, per_page: int) -> HttpResponse:
    return json_response(
        items,
        headers={
            "X-Pagination-Current-Page": str(page),
            "X-Pagination-Per-Page": str(per_page),
            "X-Pagination-Total-Entries": str(total),
            "X-Pagination-Total-Pages": str(max(1, math.ceil(total / per_page))),
        },
    )


def timestamp(value: datetime | None) -> str | None:
    """The platform's time format: `2026-04-17T18:37:30.000Z`."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def snake(name: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def snake_keys(value):
    """Request bodies arrive in either spelling; views read snake_case only."""
    if isinstance(value, dict):
        return {snake(key): snake_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [snake_keys(item) for item in value]
    return value


def read_body(request) -> dict:
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"The request body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return snake_keys(body)


def query_list(request, name: str) -> list[str]:
    """`state[]=a&state[]=b`, `state=a&state=b` and `state=a,b` all mean [a, b]."""
    values = request.GET.getlist(name) + request.GET.getlist(name + "[]")
    return [part for value in values for part in value.split(",") if part]


def query_bool(request, name: str) -> bool | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in {"true", "1", "yes"}:
        return True
    if raw.lower() in {"false", "0", "no"}:
        return False
    raise ApiError(400, f"{name} must be true or false, not {raw!r}.")


def query_int(request, name: str, default: int | None = None) -> int | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ApiError(400, f"{name} must be an integer, not {raw!r}.") from exc


def body_bool(body: dict, name: str, default: bool | None = None) -> bool | None:
    value = body.get(name, default)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise ApiError(400, f"{name} must be a boolean.")


def require(body: dict, *names: str) -> None:
    missing = [name for name in names if body.get(name) is None]
    if missing:
        raise ApiError(400, "Missing required parameter(s): " + ", ".join(missing))


class Page:
    """limit / page_num / order / order_dir of a list request, validated."""

    def __init__(self, request, orders: dict[str, str], default_order: str, max_limit: int = 50,
                 default_limit: int = 20, default_dir: str = "desc"):  # fmt: skip
        self.limit = query_int(request, "limit", default_limit)
        if self.limit < 1 or self.limit > max_limit:
            raise ApiError(400, f"limit must be between 1 and {max_limit}.")
        self.page = query_int(request, "page_num", 1)
        if self.page < 1:
            raise ApiError(400, "page_num must be 1 or more.")
        order = request.GET.get("order") or default_order
        if order not in orders:
            raise ApiError(400, "order must be one of: " + ", ".join(orders) + ".")
        direction = (request.GET.get("order_dir") or default_dir).lower()
        if direction not in {"asc", "desc"}:
            raise ApiError(400, "order_dir must be asc or desc.")
        prefix = "-" if direction == "desc" else ""
        self.ordering = [prefix + orders[order], prefix + "id"]

    def apply(self, queryset) -> tuple[list, int]:
        total = queryset.count()
        start = (self.page - 1) * self.limit
        return list(queryset.order_by(*self.ordering)[start : start + self.limit]), total

    def respond(self, rows: list, total: int, render) -> HttpResponse:
        return paginated([render(row) for row in rows], total, self.page, self.limit)
