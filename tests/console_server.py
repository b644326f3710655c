"""The console the browser journeys talk to (the `console_server` fixture in conftest.py).

On the newcomer path it is pytest-django's `live_server`: a threaded wsgiref server inside the
test process, with the test's settings. With CONSOLE_TEST_SERVER=gunicorn (CI's production
path) it is gunicorn as `make serve` runs it (webui.serve's command, gthread), with production
settings: DEBUG off, hashed static files collected into a folder of the run's own and served by
whitenoise. It shares the run's test database and Redis, and has the test process's SECRET_KEY
and encryption key, so what the tests write (sessions, jobs, stored keys) it can read.

A subprocess cannot see settings a test changes in-process. The few a journey changes that the
server reads are handed to gunicorn through its environment (PASSED_SETTINGS): one gunicorn per
set of their values, started the first time a test asks for it and kept for the session.
Journeys that need anything else (DEBUG on, a patched module) stay on `live_server`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.conftest import ROOT, free_port, worker_environment

# Settings a journey may change with pytest-django's `settings` fixture that the server itself
# reads (the upstream the session's fixtures point at; how often the nav asks for its count).
PASSED_SETTINGS = ("CIVIS_API_ENDPOINT", "NOTIFICATION_COUNT_POLL_SECONDS")


def passed_settings() -> tuple[tuple[str, str], ...]:
    from django.conf import settings

    return tuple((name, str(getattr(settings, name))) for name in PASSED_SETTINGS)


def production_environment(static_root: Path, port: int) -> dict[str, str]:
    """What the test gunicorn (and its collectstatic) run with: production settings on this
    run's test database and Redis."""
    from django.conf import settings

    from workflows_app.core.crypto import encryption_key

    return worker_environment(
        DEBUG="false",
        SECRET_KEY=settings.SECRET_KEY,
        CONSOLE_ENCRYPTION_KEY=encryption_key(),
        # Plain HTTP on the loopback: no TLS proxy in front to redirect to.
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(static_root),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        WEB_THREADS="4",
    )


class Gunicorn:
    """One gunicorn of the session, for one set of PASSED_SETTINGS values."""

    def __init__(self, static_root: Path, passed: tuple[tuple[str, str], ...]) -> None:
        from webui.serve import processes

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"  # as live_server.url: no trailing slash
        self.log = ROOT / "var" / f"test-gunicorn-{os.getpid()}-{self.port}.log"
        self.log.parent.mkdir(exist_ok=True)
        env = {**production_environment(static_root, self.port), **dict(passed)}
        # The very command `make serve` runs.
        command = processes(env)["web"]
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env,
            stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self._wait_live()

    def _wait_live(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the test gunicorn exited; see {self.log}")
            try:
                if requests.get(self.url + "/healthz/live", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the test gunicorn did not answer in {seconds} s; {self.log}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Gunicorns:
    """The session's gunicorns, by the PASSED_SETTINGS values they were started with."""

    def __init__(self, tmp_dir: Path) -> None:
        self.static_root = tmp_dir / "static"
        self._collected = False
        self._running: dict[tuple[tuple[str, str], ...], Gunicorn] = {}

    def for_settings(self, passed: tuple[tuple[str, str], ...]) -> Gunicorn:
        if passed not in self._running:
            self._collect_static()
            self._running[passed] = Gunicorn(self.static_root, passed)
        return self._running[passed]

    def _collect_static(self) -> None:
        """Once a session, as `make serve` does before it serves (hashed names, a manifest)."""
        if self._collected:
            return
        env = production_environment(self.static_root, 0)
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT, env=env, check=True, timeout=300,
        )  # fmt: skip
        self._collected = True

    def stop(self) -> None:
        for server in self._running.values():
            server.stop()


class ConsoleServer:
    """What `console_server` gives a test on the gunicorn path: `.url`, like live_server's.

    The gunicorn is chosen when a test first reads `.url`, by PASSED_SETTINGS as they are then,
    so the fixtures that point the console somewhere (`use_local_api`, `bulk_api`) have run and
    a test sets those settings before it reads the address (a later change is refused: that
    server would not see it)."""

    def __init__(self, gunicorns: Gunicorns) -> None:
        self._gunicorns = gunicorns
        self._passed: tuple[tuple[str, str], ...] | None = None
        self.server: Gunicorn | None = None

    @property
    def url(self) -> str:
        passed = passed_settings()
        if self.server is None:
            self._passed, self.server = passed, self._gunicorns.for_settings(passed)
        elif passed != self._passed:
            raise AssertionError(
                f"{PASSED_SETTINGS} changed after console_server.url was read; the test "
                "gunicorn cannot see that: change them before reading the address"
            )
        return self.server.url
