"""What the workflow pages cost upstream: the detail page's time over its slowest single
upstream call (its independent calls run concurrently), and the upstream calls per list page.

Starts its own civis_local (demo seed) with 100 ms of latency added to every request through
its lever, signs one demo person in, and drives the console in-process with Django's test
client. Prints `name: value` lines (and `#` notes); it asserts nothing.

    .venv/bin/python -m webui.embedded_redis exec -- .venv/bin/python bench/bench_pages.py
"""

import statistics
import sys
import time

import requests
from common import LocalApi, console_against_local_api  # puts the repo on sys.path

PERSON = "mwebb"
LATENCY_MS = 100
ROUNDS = 7
LIST_QUERIES = (
    "",
    "?page=2",
    "?sort=name&dir=asc&per_page=50",
    "?owner=mine&state=failed&state=succeeded",
    "?scheduled=yes&archived=all",
)


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def median_time(call, rounds: int = ROUNDS) -> float:
    call()  # warm the connection pool and caches
    return statistics.median(timed(call) for _ in range(rounds))


def main() -> int:
    with console_against_local_api() as (api, tmp_dir):
        try:
            return measure(api)
        finally:
            api.stop()


def measure(api: LocalApi) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from workflows_app.civis import CivisClient

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    admin = CivisClient(api.admin_key, endpoint=api.url)
    person = next(p for p in admin.search_users(PERSON).items if p.username == PERSON)
    key = admin.create_api_key(person.id, name="bench pages")
    me = CivisClient(key, endpoint=api.url)
    browser = Client()
    if browser.post("/sign-in/", {"api_key": key}).status_code != 302:
        print("# sign-in refused")
        return 1
    workflow = next(w for w in me.iter_workflows(author=str(person.id)) if w.state == "succeeded")

    lever = requests.post(api.url + "_local/config", json={"latency_ms": LATENCY_MS}, timeout=5)
    lever.raise_for_status()
    calls = {
        "get_workflow": lambda: me.get_workflow(workflow.id),
        "list_executions": lambda: me.list_executions(workflow.id, limit=10),
        "list_shares": lambda: me.list_shares(workflow.id),
        "list_workflow_projects": lambda: me.list_workflow_projects(workflow.id),
        "list_git": lambda: me.list_git(workflow.id),
    }
    call_times = {name: median_time(call) for name, call in calls.items()}
    slowest = max(call_times.values())

    def detail_page():
        response = browser.get(f"/workflows/{workflow.id}/")
        if response.status_code != 200:
            raise RuntimeError(f"detail page answered {response.status_code}")

    page_time = median_time(detail_page)

    reset = api.url + "_local/requests/reset"
    requests.post(reset, timeout=5).raise_for_status()
    for query in LIST_QUERIES:
        if browser.get("/workflows/" + query).status_code != 200:
            raise RuntimeError(f"list page {query!r} failed")
    log = requests.get(api.url + "_local/requests", timeout=5).json()["byRoute"]
    upstream = sum(n for route, n in log.items() if "_local" not in route)

    for name, seconds in call_times.items():
        print(f"# {name}: {seconds * 1000:.0f} ms (median of {ROUNDS})")
    print(f"# latency added by civis_local: {LATENCY_MS} ms per request")
    print(f"# detail page: {page_time * 1000:.0f} ms; the same calls one after another would")
    print(f"#   take about {sum(call_times.values()) * 1000:.0f} ms")
    print(f"# list pages rendered: {len(LIST_QUERIES)}; upstream calls: {upstream} {log}")
    print(f"detail_page_over_slowest_call: {page_time / slowest:.2f}")
    print(f"upstream_calls_per_list_page: {upstream / len(LIST_QUERIES):.2f}")
    # The total's two parts: the list call itself (1.00 before issue 10, item 1), and the reads
    # of each running workflow's newest runs that tell a paused one apart (the list answer
    # does not say; each verdict is then kept 15 s for everyone, see workflows/listing.py).
    lists = log.get("GET /workflows", 0)
    print(f"upstream_list_calls_per_list_page: {lists / len(LIST_QUERIES):.2f}")
    print(f"upstream_paused_checks_per_list_page: {(upstream - lists) / len(LIST_QUERIES):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
