"""What hostile content and a whole crawl cost: the slowest page that shows a workflow whose
definition is an alias bomb (nested YAML aliases that expand into billions of items), and the
most upstream calls any one page makes over a crawl of every page one person can reach.

Starts its own civis_local (demo seed), signs one demo person in, and drives the console
in-process with Django's test client. Prints `name: value` lines (and `#` notes); it asserts
nothing.

    .venv/bin/python -m webui.embedded_redis exec -- .venv/bin/python bench/bench_hostile.py
"""

import os
import re
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import requests

# common.py imports tests.conftest, which imports the console's models: Django must be set up
# first, on a throw-away database (never the development one).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_DB_DIR = tempfile.mkdtemp(prefix="bench-hostile-")
os.environ["DATABASE_URL"] = f"sqlite:///{_DB_DIR}/console.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "webui.settings"
os.environ.setdefault("DEBUG", "1")
import django  # noqa: E402

django.setup()
from common import LocalApi, console_against_local_api  # noqa: E402

PERSON = "mwebb"
MAX_PAGES = 200
SKIP = re.compile(r"^/(static/|sign-out|sign-in|healthz|_)")
LINK = re.compile(r'(?:href|hx-get)="(/[^"]*)"')


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["version: '2.0'", "nightly:", "  type: direct", "  tasks:", "    extract:",
             "      action: std.noop", "  input:"]  # fmt: skip
    lines.append(f"    - l0: &l0 [{', '.join(['lol'] * width)}]")
    for i in range(1, levels):
        lines.append(f"    - l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def main() -> int:
    with console_against_local_api() as (api, tmp_dir):
        try:
            return measure(api)
        finally:
            api.stop()


def measure(api: LocalApi) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from workflows_app.civis import CivisClient
    from workflows_app.pictures import definition

    settings.CIVIS_API_ENDPOINT = api.url  # set up before common.py started the API
    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    admin = CivisClient(api.admin_key, endpoint=api.url)
    person = next(p for p in admin.search_users(PERSON).items if p.username == PERSON)
    key = admin.create_api_key(person.id, name="bench hostile")
    me = CivisClient(key, endpoint=api.url)
    browser = Client(raise_request_exception=False)
    if browser.post("/sign-in/", {"api_key": key}).status_code != 302:
        print("# sign-in refused")
        return 1

    bomb = me.post_workflow("Alias bomb (bench)", definition=alias_bomb(levels=7))
    pages = [
        f"/workflows/{bomb.id}/",
        f"/workflows/{bomb.id}/run/",
        f"/workflows/{bomb.id}/executions/",
        f"/workflows/{bomb.id}/edit/",
        f"/workflows/{bomb.id}/history/",
        f"/workflows/{bomb.id}/sharing/",
        f"/workflows/{bomb.id}/transfer/",
    ]
    ordinary = next(me.iter_workflows(author=str(person.id)))
    for page in pages:  # warm the process (templates, connections) on an ordinary workflow
        browser.get(page.replace(f"/{bomb.id}/", f"/{ordinary.id}/"))
    worst, worst_page = 0.0, ""
    for page in pages:
        definition._cache.clear()  # cold: the page parses the definition itself
        started = time.perf_counter()
        status = browser.get(page).status_code
        seconds = time.perf_counter() - started
        print(f"# {page}: {status} in {seconds * 1000:.0f} ms")
        if status < 400 and seconds > worst:
            worst, worst_page = seconds, page
    print(f"# slowest page showing the alias bomb: {worst_page}")
    print(f"worst_page_seconds_hostile_definition: {worst:.3f}")

    reset = api.url + "_local/requests/reset"
    seen: set[str] = set()
    queue: deque[str] = deque(["/"])
    most, most_page, crawled = 0, "", 0
    while queue and crawled < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        requests.post(reset, timeout=5).raise_for_status()
        response = browser.get(url)
        crawled += 1
        log = requests.get(api.url + "_local/requests", timeout=5).json()["byRoute"]
        calls = sum(n for route, n in log.items() if "_local" not in route)
        if calls > most:
            most, most_page = calls, url
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode()):
            link = urldefrag(link.replace("&amp;", "&"))[0]
            path = urlsplit(link).path
            if (
                link not in seen
                and not SKIP.match(path)
                and not path.endswith(
                    ("/cancel/", "/retry/", "/resume/", "/run-again/", "/restore/")
                )
            ):
                queue.append(link)
    print(f"# crawled {crawled} pages as {PERSON}; most upstream calls: {most} on {most_page}")
    print(f"upstream_calls_per_request_max: {most}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
