"""The offboarding wizard with a leaver who owns many workflows, over a civis_local adding
50 ms to each call: how many upstream calls any one of the wizard's requests makes (its long
reads are a worker's since issue 10 item 11d: step 2's list, the leaver step's shares, the
check page's "things the new owner can't open yet"), and how long each read takes until the
page shows the step.

Drives the console in-process with Django's test client as the local API's admin, with a real
Celery worker (threads pool, 8) on the `bulk` queue. Prints `name: value` lines (and `#`
notes); it asserts nothing.

    .venv/bin/python -m webui.embedded_redis exec -- .venv/bin/python bench/bench_wizard_reads.py
"""

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from bench_bulk import start_worker
from common import console_against_local_api  # puts the repo on sys.path

from tests.conftest import stop  # noqa: E402

ADMIN_KEY = "local-admin-key"
LATENCY_MS = 50
LEAVER, HEIR = "cbellini", "egarcia"
DEFINITION = "version: '2.0'\nmain:\n  tasks:\n    hello:\n      action: std.noop\n"


def make_workflows(url: str, username: str, count: int) -> list[int]:
    from workflows_app.civis import CivisClient

    client = CivisClient(f"demo-key-{username}", endpoint=url)

    def one(n: int) -> int:
        return client.post_workflow(f"Wizard bench {n:03d}", definition=DEFINITION).id

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(count)))


class Counted:
    """Upstream calls this process makes (the worker's are in its own process)."""

    def __init__(self) -> None:
        from workflows_app.civis.session import Transport

        self.calls = 0
        send = Transport.request

        def counting(transport, method, path, **kwargs):
            self.calls += 1
            return send(transport, method, path, **kwargs)

        Transport.request = counting  # type: ignore[method-assign]


def until_shown(browser, counted: Counted, url: str, text: str) -> tuple[float, int, int]:
    """Seconds until the page at `url` shows `text` (asked every 0.2 s), the most calls one of
    those requests made, and how many requests it took."""
    started = time.perf_counter()
    most = asked = 0
    while True:
        before = counted.calls
        page = browser.get(url).content.decode()
        most, asked = max(most, counted.calls - before), asked + 1
        if text in page:
            return time.perf_counter() - started, most, asked
        if time.perf_counter() - started > 600:
            raise RuntimeError(f"{url} did not show {text!r} in 10 minutes")
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workflows", type=int, default=400)
    args = parser.parse_args()
    # The worker takes the `bulk` queue, where the reads go (settings.CELERY_TASK_ROUTES).
    with console_against_local_api(BENCH_QUEUE="bulk") as (api, tmp_dir):
        try:
            return measure(api, tmp_dir, args.workflows)
        finally:
            api.stop()


def measure(api, tmp_dir, count: int) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from workflows_app.civis import CivisClient
    from workflows_app.models.bulk import BulkDraft

    settings.CIVIS_API_ENDPOINT = api.url
    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    admin = CivisClient(ADMIN_KEY, endpoint=api.url)
    people = {p.username: p for p in admin.search_users(limit=50).items}
    leaver, heir = people[LEAVER], people[HEIR]
    make_workflows(api.url, LEAVER, count)
    worker = start_worker(dict(os.environ), tmp_dir / "worker.log")
    try:
        browser = Client(raise_request_exception=False)
        if browser.post("/sign-in/", {"api_key": ADMIN_KEY}).status_code != 302:
            print("# sign-in refused")
            return 1
        requests.post(api.url + "_local/config", json={"latency_ms": LATENCY_MS}, timeout=5)
        requests.post(api.url + "_local/requests/reset", timeout=5).raise_for_status()
        counted = Counted()

        before = counted.calls
        started = time.perf_counter()
        browser.post("/transfers/new/", {"person": f"user:{leaver.id}"})
        start_calls = counted.calls - before
        draft = BulkDraft.objects.latest("id")
        select = f"/transfers/new/{draft.id}/"
        _, owned_most, owned_asked = until_shown(browser, counted, select, "workflows selected")
        owned_seconds = time.perf_counter() - started  # from the POST of step 1

        browser.post(select, {"action": "continue"})
        browser.post(
            f"/transfers/new/{draft.id}/choices/", {"mode": "one", "new_owner": f"user:{heir.id}"}
        )
        access = f"/transfers/new/{draft.id}/access/"
        leaver_seconds, leaver_most, leaver_asked = until_shown(
            browser, counted, access, "access everywhere?"
        )
        browser.post(access, {})
        check = f"/transfers/new/{draft.id}/check/"
        closed_seconds, closed_most, closed_asked = until_shown(
            browser, counted, check, 'class="bulk-confirm"'
        )
        by_route = requests.get(api.url + "_local/requests", timeout=5).json()["byRoute"]
        visible = admin.list_workflows(archived="all", limit=1).total_entries
    finally:
        stop(worker)
    worker_calls = sum(n for route, n in by_route.items() if "_local" not in route)
    print(
        f"# {count} workflows owned by the leaver, {visible} visible to the admin;"
        f" {LATENCY_MS} ms a call; the step-1 POST made {start_calls} calls, the {owned_asked}"
        f" requests until step 2 showed at most {owned_most} each, the {leaver_asked} until the"
        f" leaver step showed at most {leaver_most} each, the {closed_asked} until the check"
        f" page could be confirmed at most {closed_most} each"
    )
    print(f"# upstream calls in all (requests and the worker's reads): {worker_calls}")
    most = max(start_calls, owned_most, leaver_most, closed_most)
    print(f"wizard_step_upstream_calls_max: {most}")
    print(f"wizard_owned_read_seconds_{count}_workflows: {owned_seconds:.2f}")
    print(f"wizard_leaver_read_seconds_{visible}_visible: {leaver_seconds:.2f}")
    print(f"wizard_check_page_read_seconds_{count}_moves: {closed_seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
