"""`make serve`, the production profile: what it refuses, what it runs, and (on the production
path, PostgreSQL) the whole of it answering /healthz/ready with DEBUG off."""

import os
import re
import signal
import subprocess
import sys
import uuid

import pytest
import requests
from cryptography.fernet import Fernet
from django.conf import settings

from tests.bulk.conftest import PrivateRedis
from tests.conftest import ROOT, free_port
from webui import serve

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 60,
    "CONSOLE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "DATABASE_URL": "postgres://console@db.internal/console",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "CIVIS_API_ENDPOINT": "https://api.civisanalytics.com/",
}


class PlainSession(requests.Session):
    """The console marks its cookies Secure with DEBUG off; tests talk plain HTTP to it."""

    def request(self, *args, **kwargs):
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)


def run_serve(**env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "webui.serve"],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_refuses_to_start_with_debug_on():
    done = run_serve(**{**PRODUCTION, "DEBUG": "true"})

    assert done.returncode == 2
    assert "DEBUG is on" in done.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "CONSOLE_ENCRYPTION_KEY", "DATABASE_URL"])
def test_serve_refuses_to_start_without_a_secret_or_a_database(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    done = run_serve(**env)

    assert done.returncode == 2
    assert missing in done.stderr
    assert "Set these first" in done.stderr


def test_serve_runs_gunicorn_prefork_workers_on_each_queue_and_one_beat():
    commands = serve.processes(PRODUCTION)

    assert set(commands) == {"web", "worker-live", "worker-bulk", "beat"}
    web = " ".join(commands["web"])
    assert "gunicorn webui.wsgi:application" in web
    assert "--bind 0.0.0.0:8000" in web
    assert f"--workers {2 * serve.cpus() + 1}" in web
    assert "--no-control-socket" in web  # one path per user: instances would share it
    for name, queue in (("worker-live", "live"), ("worker-bulk", "bulk")):
        command = " ".join(commands[name])
        assert "--pool prefork" in command and f"-Q {queue} " in command
    assert "--bind 127.0.0.1:9000" in " ".join(
        serve.processes({**PRODUCTION, "PORT": "9000", "HOST": "127.0.0.1"})["web"]
    )
    assert "beat" not in serve.processes({**PRODUCTION, "SERVE_BEAT": "false"})


def postgres_only():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("production path only: DATABASE_URL is not PostgreSQL")


def fresh_database() -> tuple[str, "callable"]:
    """A PostgreSQL database of this test's own on the server DATABASE_URL names."""
    import psycopg

    db = settings.DATABASES["default"]
    name = f"console_serve_{uuid.uuid4().hex[:8]}"
    server = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}"
    admin_url = f"{server}/postgres"
    with psycopg.connect(admin_url, autocommit=True, password=db.get("PASSWORD") or None) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{server}/{name}", drop


class Served:
    """One `make serve` (python -m webui.serve) of a test, stopped with SIGTERM."""

    def __init__(self, tmp_path, *, database: str, redis: str, api: str, **extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tmp_path / f"serve-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSOLE_", "DJANGO"))}
        env.update(
            {
                **PRODUCTION,
                "DATABASE_URL": database,
                "REDIS_URL": redis,
                "CIVIS_API_ENDPOINT": api,
                "PORT": str(self.port),
                "HOST": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "WEB_CONCURRENCY": "2",
                "LIVE_PROCESSES": "2",
                "BULK_PROCESSES": "2",
                **extra,
            }
        )
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "webui.serve"],
            env=env,
            cwd=ROOT,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def ready(self, seconds: float = 180) -> dict:
        from tests.bulk.conftest import wait_until

        def answer():
            if self.process.poll() is not None:
                raise AssertionError(f"make serve exited; see {self.log}")
            try:
                response = requests.get(self.url + "healthz/ready", timeout=10)
            except requests.RequestException:
                return None
            return response.json() if response.status_code == 200 else None

        return wait_until(answer, seconds, step=0.5)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def production_parts(local_api):
    postgres_only()
    database, drop = fresh_database()
    redis = PrivateRedis()
    yield database, redis.url, local_api.url
    redis.stop()
    drop()


def test_make_serve_answers_ready_with_debug_off_and_serves_hashed_static(
    production_parts, tmp_path
):
    database, redis, api = production_parts
    served = Served(tmp_path, database=database, redis=redis, api=api)
    try:
        body = served.ready()
        assert set(body["checks"]) >= {"database", "worker_live", "worker_bulk", "upstream"}

        page = requests.get(served.url + "sign-in/", timeout=10)
        assert page.status_code == 200
        assert "Traceback" not in page.text  # DEBUG is off
        css = re.search(r"/static/css/console\.[0-9a-f]{12}\.css", page.text)
        assert css, "the page links the hashed stylesheet collectstatic wrote"
        static = requests.get(served.url + css.group(0).lstrip("/"), timeout=10)
        assert static.status_code == 200
        assert "max-age=315360000" in static.headers["Cache-Control"]
        assert requests.get(served.url + "healthz/live", timeout=10).json() == {"status": "ok"}
    finally:
        served.stop()
    assert served.process.returncode == 0
