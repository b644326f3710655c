"""Every URL of the console, found by walking the URL resolver, with every form and query
parameter the console has, sent with wrong types, huge values, NUL bytes, Unicode digits, far
dates, and with hostile cookies and headers: no answer is a 500, and nothing changes upstream
(civis_local's count of non-GET requests is the same before and after). Issue 10, "Done when".

The person is a read-only viewer of the workflow the URLs name, so no well-formed request
could change it either: the workflow, its run and the viewer's own workflows are compared
before and after (civis_local's counts of non-GET requests say what was tried)."""

from __future__ import annotations

import importlib
import itertools
import pkgutil
import re

import pytest
import requests
from django import forms
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import workflows_app
from tests.runs.conftest import RUNS_UNTIL_CANCELLED
from workflows_app.core import accounts

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = [
    "",
    "x" * 10_000,
    "\x00",
    "a\x00b",
    "²",
    "١٢",
    "１２",
    "user:²",
    "user:١٢",
    "group:" + "9" * 40,
    "-1",
    "9" * 30,
    "1e309",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "[",
    "{{ 7|add:7 }}",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "true",
]
EXTRA_PARAMS = [
    "q", "page", "sort", "order", "state", "since", "until", "change", "next", "kind", "name",
    "task_name", "user_id", "person", "grantee", "level", "action", "workflow", "date_from",
    "date_to", "shown", "chosen", "mode", "new_owner", "who", "group", "revision", "cursor",
]  # fmt: skip
UNNAMEABLE = {"", "\x00", "a\x00b", "x" * 10_000}
HUGE_ID = 10**19  # more than a 64-bit integer
BAD_COOKIES = {
    "tz": ["America", "x" * 5000, "..%2F..%2Fetc", "%00"],
    "csrftoken": ["x" * 5000, "\x7f"],
}
BAD_HEADERS = {
    "HX-Request": "true",
    "HX-Current-URL": "javascript:alert(1)",
    "HX-Target": "x" * 2000,
    "X-Forwarded-For": "1.2.3.4, " * 200,
    "X-Forwarded-Proto": "https",
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _form_fields() -> set[str]:
    """The field names of every form class in the console."""
    names: set[str] = set()
    for module_info in pkgutil.walk_packages(workflows_app.__path__, "workflows_app."):
        if "migrations" in module_info.name or "management" in module_info.name:
            continue
        try:
            module = importlib.import_module(module_info.name)
        except Exception:  # noqa: S112 (a module that needs a worker or an app registry)
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                names.update(getattr(value, "base_fields", {}))
    return names


def _fill(route: str, ids: dict[str, object]) -> str:
    def one(match: re.Match) -> str:
        return str(ids.get(match.group(2), 1))

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", one, route)


def _non_get(api_url: str) -> dict[str, int]:
    counts = requests.get(api_url + "_local/requests", timeout=10).json()["byRoute"]
    return {r: n for r, n in counts.items() if not r.upper().startswith(("GET", "HEAD"))}


@pytest.mark.timeout(900)  # some 400 requests, on a shared machine
def test_no_hostile_input_gives_a_500_or_changes_anything_upstream(admin_api, actor, use_local_api):
    owner, viewer = actor("aokafor"), actor("blindqvist")
    workflow = owner.api.post_workflow("Hostile input target", definition=RUNS_UNTIL_CANCELLED)
    execution = owner.api.post_executions(workflow.id)
    owner.api.put_shares_users(workflow.id, [viewer.person.id], "read")
    client = Client(raise_request_exception=False)
    assert client.post("/sign-in/", {"api_key": viewer.key}).status_code == 302
    routes = [r for r in _walk(get_resolver().url_patterns) if not r.startswith("sign-out")]
    params = sorted(_form_fields() | set(EXTRA_PARAMS))
    real = {
        "workflow_id": workflow.id,
        "execution_id": execution.id,
        "task_name": "listen_for_changes",
        "action": "cancel",
        "kind": "user",
        "grantee_id": viewer.person.id,
    }
    failures: list[str] = []

    raised: list[str] = []

    def note(sender, request=None, **kwargs):
        import sys
        import traceback

        raised.append("".join(traceback.format_exception(*sys.exc_info())[-3:]))

    got_request_exception.connect(note)

    def check(method: str, url: str, **kwargs) -> None:
        raised.clear()
        response = getattr(client, method)(url, **kwargs)
        if response.status_code == 500:
            failures.append(" | ".join(raised)[-600:])
            failures.append(
                f"{method.upper()} {url[:120]} {str(kwargs)[:160]}: {response.status_code}"
            )

    def upstream_state():
        seen = owner.api.get_workflow(workflow.id)
        run = owner.api.get_executions(workflow.id, execution.id)
        mine = sum(1 for _ in viewer.api.iter_workflows(author=str(viewer.person.id)))
        return (seen.name, seen.definition, seen.owner.id, run.state, mine)

    before = upstream_state()
    tried = _non_get(use_local_api.url)
    try:
        values = itertools.cycle(HOSTILE)
        for route in routes:
            url = _fill(route, real)
            for _ in range(2):  # every parameter, a different hostile value each time
                data = {name: next(values) for name in params}
                check("get", url, data=data)
                if route.endswith("copy/"):
                    # A viewer may copy a workflow, and "true" or "-1" is a fine name for the
                    # copy: post only values no name may have, which must change nothing.
                    data = {**data, "name": next(v for v in values if v in UNNAMEABLE)}
                check("post", url, data=data)
            check("get", url, data=data, headers=BAD_HEADERS)
            if "<" in route:  # hostile path parts: huge ids, Unicode, huge names
                hostile_ids = {
                    **real,
                    "workflow_id": HUGE_ID,
                    "execution_id": HUGE_ID,
                    "grantee_id": HUGE_ID,
                    "draft_id": HUGE_ID,
                    "job_id": HUGE_ID,
                    "revision_id": HUGE_ID,
                    "episode_id": HUGE_ID,
                    "task_name": "x" * 3000,
                    "kind": "١٢",
                    "action": "x" * 300,
                }
                check("get", _fill(route, hostile_ids))
                check("post", _fill(route, hostile_ids))
        for name, bad in BAD_COOKIES.items():
            for value in bad:
                client.cookies[name] = value
                check("get", "/")
                check("get", f"/workflows/{workflow.id}/")
                check("post", f"/workflows/{workflow.id}/sharing/add/", data={"grantee": "user:1"})
            client.cookies.pop(name, None)
        accounts.failures_by_address.reset("127.0.0.1")
        for value in HOSTILE:
            check("post", "/sign-in/", data={"api_key": value})
        accounts.failures_by_address.reset("127.0.0.1")
        after = upstream_state()
        tried = {r: n - tried.get(r, 0) for r, n in _non_get(use_local_api.url).items()}
    finally:
        owner.api.post_executions_cancel(workflow.id, execution.id)

    assert failures == []
    # Writes the console forwarded (the platform refuses them for a viewer) are allowed; a
    # change is not: the run still runs, the workflow is as it was, the viewer made nothing.
    assert after == before, f"hostile input changed something upstream (tried: {tried})"
