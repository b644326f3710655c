"""The production profile under load: `python -m webui.serve` (gunicorn, prefork Celery workers,
beat; DEBUG off) on a fresh PostgreSQL database and the Redis of REDIS_URL, over a civis_local
that adds 50 ms to every call.

Prints (issue 13's targets in brackets):
- console_pages_per_second_10_people [>= 150]: ten signed-in people each browsing the list,
  a workflow's page and its run history as fast as the pages come back;
- console_overhead_p95_ms_10_people [<= 50]: their page p95 minus one upstream call;
- list_page_console_cpu_ms_50_rows [<= 8]: CPU of one 50-row list page, in-process, DEBUG off;
- detail_page_console_cpu_ms, history_page_console_cpu_ms (no target): the same for a
  workflow's page and its run history;
- status_fragment_median_ms_20_watchers [<= 10]: the live status fragment of a running
  execution with 20 watchers asking every second.

Needs PostgreSQL (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres);
without it it says so and prints nothing else.

    .venv/bin/python -m webui.embedded_redis exec -- .venv/bin/python bench/bench_serve.py
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid

import requests
from common import ROOT, console_against_local_api  # puts the repo on sys.path
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from tests.conftest import free_port  # noqa: E402

LATENCY_MS = 50
PEOPLE = 10
WATCHERS = 20
PG = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DEFINITION = """version: '2.0'
keeps_going:
  type: direct
  tasks:
    listen_for_changes:
      action: std.async_noop
"""


class PlainSession(requests.Session):
    """The console marks its cookies Secure (DEBUG off); this bench talks plain HTTP to it.
    A GET sent on a kept-alive connection just as gunicorn closed it (its keep-alive is 2 s)
    is sent once more on a new one, as a browser does, instead of ending the thread."""

    def __init__(self) -> None:
        super().__init__()
        again = Retry(total=1, connect=1, read=1, status=0, allowed_methods={"GET"})
        self.mount("http://", HTTPAdapter(max_retries=again))

    def request(self, *args, **kwargs):
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)


def signed_in(base: str, api_key: str) -> PlainSession:
    session = PlainSession()
    page = session.get(base + "/sign-in/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        base + "/sign-in/",
        data={"csrfmiddlewaretoken": token, "api_key": api_key},
        headers={"Referer": base + "/sign-in/"},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in refused: {answer.status_code}")
    return session


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def database() -> tuple[str, object] | None:
    import psycopg

    name = f"console_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(PG, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"# bench_serve skipped: no PostgreSQL at {PG} ({type(exc).__name__})")
        return None

    def drop() -> None:
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return PG.rsplit("/", 1)[0] + "/" + name, drop


def production_env(database_url: str, api_url: str, port: int) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=uuid.uuid4().hex * 2,
        CONSOLE_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DATABASE_URL=database_url,
        CIVIS_API_ENDPOINT=api_url,
        PORT=str(port),
        HOST="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    return env


def cpu_probe(api_key: str, rounds: int = 20) -> None:
    """In this process (run with the production environment): CPU ms of a 50-row list page,
    then of a workflow's page and its run history (the listed workflow with the most runs)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings")
    django.setup()
    from django.test import Client

    from workflows_app.civis import CivisClient
    from workflows_app.core.accounts import signins_by_account

    api = CivisClient(api_key)
    signins_by_account.reset(str(api.users_me().id))  # see measure()
    client = Client()
    token_page = client.get("/sign-in/")
    assert token_page.status_code == 200, token_page.status_code
    answer = client.post("/sign-in/", {"api_key": api_key})
    assert answer.status_code == 302, answer.status_code
    url = "/workflows/?sort=name&dir=asc&per_page=50"
    first = client.get(url)
    rows = first.content.count(b'<tr class="workflow-row') or first.content.count(b"<tr")
    listed = sorted({int(i) for i in re.findall(rb'href="/workflows/(\d+)/"', first.content)})
    busiest = max(listed[:10], key=lambda i: api.list_executions(i, limit=1).total_entries or 0)
    pages = {
        "list_page_console_cpu_ms_50_rows": url,
        "detail_page_console_cpu_ms": f"/workflows/{busiest}/",
        "history_page_console_cpu_ms": f"/workflows/{busiest}/executions/",
    }
    for page in pages.values():
        assert client.get(page).status_code == 200, page  # each page's first view is not timed
    for name, page in pages.items():
        samples = []
        for _ in range(rounds):
            started = time.process_time()
            assert client.get(page).status_code == 200
            samples.append((time.process_time() - started) * 1000)
        print(f"{name}: {statistics.median(samples):.1f}")
        print(f"# {page}: CPU ms min {min(samples):.1f}, max {max(samples):.1f}")
    print(f"# list page rows seen: {rows}; detail and history of workflow {busiest}")


def browse(session, base, ids, until, times, errors):
    n = 0
    while time.monotonic() < until:
        workflow = ids[n % len(ids)]
        pages = ("/workflows/", f"/workflows/{workflow}/", f"/workflows/{workflow}/executions/")
        for path in pages:
            started = time.monotonic()
            answer = session.get(base + path, timeout=60)
            (times if answer.status_code == 200 else errors).append(time.monotonic() - started)
        n += 1


def watch(session, url, until, times, errors):
    """A watcher's browser: the live region's refresh (htmx, with the poll header its element
    sends), here every second."""
    headers = {"HX-Request": "true", "X-Console-Poll": "1"}
    while time.monotonic() < until:
        started = time.monotonic()
        answer = session.get(url, headers=headers, timeout=30)
        if answer.status_code == 200 and 'id="execution-live"' in answer.text:
            times.append(time.monotonic() - started)
        else:
            errors.append(answer.status_code)
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


def run_threads(target, arguments) -> None:
    threads = [threading.Thread(target=target, args=a) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each load lasts")
    parser.add_argument("--cpu-probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cpu_probe:
        cpu_probe(args.cpu_probe)
        return 0
    made = database()
    if made is None:
        return 0
    database_url, drop = made
    served = None
    try:
        with console_against_local_api(("--latency-ms", str(LATENCY_MS))) as (api, tmp_dir):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            env = production_env(database_url, api.url, port)
            log = tmp_dir / "serve.log"
            served = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "webui.serve"],
                env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
            deadline = time.monotonic() + 240
            while True:
                try:
                    if requests.get(base + "/healthz/ready", timeout=10).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if served.poll() is not None or time.monotonic() > deadline:
                    print(f"# make serve did not become ready; see {log}")
                    print(log.read_text()[-3000:])
                    return 1
                time.sleep(1)
            measure(api, base, env, args.seconds)
    finally:
        if served is not None and served.poll() is None:
            served.send_signal(signal.SIGTERM)
            try:
                served.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(served.pid, signal.SIGKILL)
        drop()
    return 0


def measure(api, base: str, env: dict[str, str], seconds: float) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from workflows_app.civis import CivisClient
    from workflows_app.core.accounts import signins_by_account

    call_command("migrate", verbosity=0, interactive=False)  # this process's own audit rows
    admin = CivisClient(api.admin_key, endpoint=api.url)
    me = admin.users_me()
    everyone = [p for p in admin.search_users(limit=50).items if p.id != me.id]
    people = everyone[:PEOPLE]
    sessions, visible = [], []
    for person in people:
        key = admin.create_api_key(person.id, name="bench serve")
        # Benches before this one (same Redis) sign the same demo people in: start each one's
        # sign-in count again, or the 21st sign-in in 15 minutes is refused (429).
        signins_by_account.reset(str(person.id))
        session = signed_in(base, key)
        page = session.get(base + "/workflows/", timeout=60).text
        ids = sorted({int(i) for i in re.findall(r'href="/workflows/(\d+)/"', page)})[:10]
        if ids:
            sessions.append(session)
            visible.append(ids)
    one_call = []
    for _ in range(20):
        started = time.monotonic()
        admin.get_workflow(visible[0][0])
        one_call.append((time.monotonic() - started) * 1000)
    upstream_ms = statistics.median(one_call)

    times: list[float] = []
    errors: list[float] = []
    until = time.monotonic() + seconds
    started = time.monotonic()
    people_pages = zip(sessions, visible, strict=True)
    run_threads(browse, [(s, base, ids, until, times, errors) for s, ids in people_pages])
    elapsed = time.monotonic() - started
    page_ms = [t * 1000 for t in times]
    print(f"console_pages_per_second_10_people: {len(times) / elapsed:.1f}")
    print(f"console_overhead_p95_ms_10_people: {p(page_ms, 0.95) - upstream_ms:.0f}")
    print(f"# {len(sessions)} people, {len(times)} pages, {len(errors)} not 200")
    print(f"# page p50 {p(page_ms, 0.5):.0f} ms, p95 {p(page_ms, 0.95):.0f} ms")
    print(f"# one upstream call (median): {upstream_ms:.0f} ms")

    person = people[0]
    owner = CivisClient(admin.create_api_key(person.id, name="bench owner"), endpoint=api.url)
    workflow = owner.post_workflow("Bench: keeps going", definition=DEFINITION)
    execution = owner.post_executions(workflow.id)
    url = f"{base}/workflows/{workflow.id}/executions/{execution.id}/"
    watchers = []
    for n in range(WATCHERS):
        signins_by_account.reset(str(person.id))  # one person, twenty sign-ins
        session = signed_in(base, admin.create_api_key(person.id, name=f"bench watcher {n}"))
        session.get(url, timeout=60).raise_for_status()
        watchers.append(session)
    fragment: list[float] = []
    failed: list[float] = []
    until = time.monotonic() + seconds
    run_threads(watch, [(s, url, until, fragment, failed) for s in watchers])
    owner.post_executions_cancel(workflow.id, execution.id)
    median = statistics.median(fragment) * 1000 if fragment else float("nan")
    print(f"status_fragment_median_ms_20_watchers: {median:.1f}")
    print(f"# {len(fragment)} fragments, {len(failed)} not served")

    probe_key = admin.create_api_key(me.id, name="bench cpu")
    subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--cpu-probe", probe_key], env=env, cwd=ROOT, check=True
    )


if __name__ == "__main__":
    sys.exit(main())
