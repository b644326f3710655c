"""Fixtures for the real parts: a live civis_local, a real Celery worker, real Chromium."""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests import helpers

# The console's modules are imported inside the fixtures: bench/ imports this module (for
# LocalApi) before Django is set up.

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    from webui.embedded_redis import free_port as _free_port

    return _free_port()


def wait_for_http(url: str, seconds: float = 60, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {process.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_environment(**extra: str) -> dict[str, str]:
    """The environment of a Celery worker a test starts: the test database, not the real one
    (on SQLite the file of this run; on PostgreSQL Django's test_<name>)."""
    from django.conf import settings

    env = {**os.environ, "CONSOLE_USE_TEST_DATABASE": "1", **extra}
    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if test_name:
        env["CONSOLE_TEST_DB"] = test_name
    return env


class LocalApi:
    """A running `manage.py runlocalapi` process."""

    def __init__(self, tmp_dir: Path, seed: str = "demo", extra: tuple[str, ...] = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.db = tmp_dir / f"civis_local_{self.port}.sqlite3"
        self.log = tmp_dir / f"civis_local_{self.port}.log"
        cmd = [
            sys.executable, "manage.py", "runlocalapi",
            "--addr", "127.0.0.1", "--port", str(self.port),
            "--db", str(self.db), "--seed", seed, *extra,
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603
            cmd, cwd=ROOT, stdout=self.log.open("wb"), stderr=subprocess.STDOUT
        )
        wait_for_http(self.url + "_local/requests", seconds=180, process=self.process)

    @property
    def admin_key(self) -> str:
        return os.environ.get("CIVIS_LOCAL_ADMIN_KEY", "local-admin-key")

    def stop(self) -> None:
        stop(self.process)


@pytest.fixture(scope="session")
def local_api(tmp_path_factory):
    """The demo seed, shared by the whole session. Tests must not depend on each other's writes."""
    api = LocalApi(tmp_path_factory.mktemp("civis_local"))
    yield api
    api.stop()


@pytest.fixture
def use_local_api(local_api, settings):
    settings.CIVIS_API_ENDPOINT = local_api.url
    return local_api


@pytest.fixture
def admin_api(use_local_api):
    """The local API's admin, acting through the console's own client."""
    from workflows_app.civis.client import CivisClient
    from workflows_app.core.accounts import signins_by_account

    admin = CivisClient(use_local_api.admin_key, endpoint=use_local_api.url)
    signins_by_account.reset(str(admin.users_me().id))  # tests sign the admin in many times
    return admin


@pytest.fixture
def console_calls(monkeypatch):
    """The upstream calls this test process makes, as (method, path): unlike the shared local
    API's counts, they cannot include calls of background work left by other tests (those run
    in the worker process). Filter them by the ids under test."""
    from workflows_app.civis.session import Transport

    calls: list[tuple[str, str]] = []
    send = Transport.request

    def recording(self, method, path, **kwargs):
        calls.append((method.upper(), "/" + path.lstrip("/")))
        return send(self, method, path, **kwargs)

    monkeypatch.setattr(Transport, "request", recording)
    return calls


@pytest.fixture
def demo_person(admin_api):
    """Someone from the demo seed who is not the admin, with a fresh key of their own."""
    from workflows_app.core.accounts import signins_by_account

    me = admin_api.users_me()
    person = next(p for p in admin_api.search_users(limit=50).items if p.id != me.id)
    # A name of its own, so a test may revoke this key and no other (the seed's keys stay).
    key = admin_api.create_api_key(person.id, name=f"console test {uuid.uuid4().hex[:8]}")
    signins_by_account.reset(str(person.id))  # many tests sign this person in
    return person, key


@pytest.fixture
def signed_in_client(client, demo_person):
    person, key = demo_person
    helpers.sign_in(client, key)
    client.person, client.api_key = person, key
    return client


@dataclass
class Actor:
    person: Any
    key: str
    api: Any  # a workflows_app.civis.client.CivisClient acting as them


@pytest.fixture
def actor(admin_api, use_local_api):
    """`actor("aokafor")`: that demo person, with a key minted for this test."""

    from workflows_app.civis.client import CivisClient
    from workflows_app.core.accounts import signins_by_account

    def make(username: str) -> Actor:
        person = next(p for p in admin_api.search_users(username).items if p.username == username)
        # Tests sign the same people in many times: start each test within the sign-in limit.
        signins_by_account.reset(str(person.id))
        key = admin_api.create_api_key(person.id, name="pages_sharing test")
        return Actor(person, key, CivisClient(key, endpoint=use_local_api.url))

    return make


@pytest.fixture
def sign_in():
    """Sign a Django test client in through the real sign-in page."""

    def do(client, who: Actor):
        return helpers.sign_in(client, who.key)

    return do


@pytest.fixture
def upstream_calls(use_local_api):
    """`upstream_calls()`: requests per route the local API has answered so far."""

    def counts() -> dict:
        return requests.get(use_local_api.url + "_local/requests", timeout=5).json()["byRoute"]

    return counts


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, local_api):
    """A real `celery worker` process on the test Redis, sharing the test database, whose
    tasks talk to the session's civis_local (as `use_local_api` points the web side at it)."""
    from webui.celery import app, ping

    app.control.purge()
    log = ROOT / "var" / f"test-celery-worker-{os.getpid()}.log"
    log.parent.mkdir(exist_ok=True)
    env = worker_environment(CIVIS_API_ENDPOINT=local_api.url)
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable, "-m", "celery", "-A", "webui", "worker",
            "--pool", "threads", "--concurrency", "8", "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "-n", f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            if ping.apply_async(args=["ready"], retry=False).get(timeout=2) == "ready":
                break
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the test Celery worker did not start; see " + str(log))
            time.sleep(0.2)
    yield process
    stop(process)


# The console the browser journeys talk to: `live_server` in this process, or (CI's production
# path, CONSOLE_TEST_SERVER=gunicorn) gunicorn with production settings; tests/console_server.py.
GUNICORN = os.environ.get("CONSOLE_TEST_SERVER", "").strip().lower() == "gunicorn"


@pytest.fixture(scope="session")
def test_gunicorns(django_db_setup, tmp_path_factory):
    from tests.console_server import Gunicorns

    gunicorns = Gunicorns(tmp_path_factory.mktemp("console_server"))
    yield gunicorns
    gunicorns.stop()


if GUNICORN:

    @pytest.fixture
    def console_server(transactional_db, test_gunicorns):
        """gunicorn, chosen when the test first reads `.url` (see ConsoleServer)."""
        from tests.console_server import ConsoleServer

        return ConsoleServer(test_gunicorns)

else:

    @pytest.fixture
    def console_server(live_server):
        """pytest-django's in-process server (and with it, a transactional test)."""
        return live_server


def _browser_missing_message() -> str:
    return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(_browser_missing_message() + " and REQUIRE_BROWSER=1")
        print("\n!!! SKIPPING BROWSER TESTS: " + _browser_missing_message() + " !!!\n")
        pytest.skip(_browser_missing_message())
    # Playwright's sync API runs an event loop; Django must allow ORM calls beside it, only
    # while browsers run (set here, removed at the end of the session's browser use).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(chromium):
    context = chromium.new_context(timezone_id="Europe/London", locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def pytest_report_header(config):
    browser = "found" if shutil.which(CHROMIUM) else "MISSING (browser tests skip)"
    return [f"chromium: {CHROMIUM} {browser}", f"redis: {os.environ.get('REDIS_URL', 'default')}"]


# Fixtures that bring a real browser or a real Celery worker: tests using them carry the
# matching marker whether or not they say so, so `make test-fast` can leave them out (with the
# tests that need a server of their own).
_BROWSER_FIXTURES = {"chromium", "page"}
_WORKER_FIXTURES = {"celery_worker", "start_worker"}
# Fixtures that start a server of their own (civis_local, a Redis): `upstream` tests.
_SERVER_FIXTURES = {"local_api", "private_api", "private_redis", "bulk_api", "console_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & _BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if used & _WORKER_FIXTURES:
            item.add_marker(pytest.mark.celery)
        if used & _SERVER_FIXTURES:
            item.add_marker(pytest.mark.upstream)
