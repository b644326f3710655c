"""`make serve`: the production profile on this machine.

Checks the environment (refuses to start with DEBUG on or a secret missing), runs the
deployment checks, the migrations and collectstatic, then keeps these running, each restarted
if it dies (webui.supervise), until SIGTERM or Ctrl-C stops them all:

    web          gunicorn on HOST:PORT (0.0.0.0:8000), WEB_CONCURRENCY processes
                 (2 x CPUs + 1) of WEB_THREADS threads (4)
    worker-live  Celery, prefork pool, the `live` queue (polls, refreshes),
                 LIVE_PROCESSES (2 x CPUs)
    worker-bulk  Celery, prefork pool, the `bulk` queue (bulk jobs), BULK_PROCESSES (CPUs)
    beat         Celery beat, unless SERVE_BEAT=false (run exactly one beat per deployment)

The database, Redis and Civis API are the ones DATABASE_URL, REDIS_URL and CIVIS_API_ENDPOINT
name; nothing is started in their place.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from webui.supervise import supervise

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = (
    "SECRET_KEY",
    "CONSOLE_ENCRYPTION_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "CIVIS_API_ENDPOINT",
)
_OFF = {"0", "false", "no", "off"}


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def refusal(env: dict[str, str]) -> str | None:
    """Why the production profile will not start with this environment (None: it will)."""
    if (env.get("DEBUG") or "false").strip().lower() not in _OFF:
        return "DEBUG is on: `make serve` runs only with DEBUG=false (use `make run` to try it)."
    missing = [name for name in REQUIRED if not env.get(name, "").strip()]
    if missing:
        return "Set these first (see .env.example): " + ", ".join(missing)
    return None


def processes(env: dict[str, str]) -> dict[str, list[str]]:
    """The commands `make serve` keeps running, by name."""
    bin_dir = Path(sys.executable).parent
    n = cpus()
    port = env.get("PORT") or "8000"
    celery = [str(bin_dir / "celery"), "-A", "webui"]
    worker = [*celery, "worker", "--pool", "prefork", "--loglevel", env.get("LOG_LEVEL") or "INFO"]
    commands = {
        "web": [
            str(bin_dir / "gunicorn"), "webui.wsgi:application",
            "--bind", f"{env.get('HOST') or '0.0.0.0'}:{port}",  # noqa: S104 (behind a proxy)
            "--workers", env.get("WEB_CONCURRENCY") or str(2 * n + 1),
            "--worker-class", "gthread", "--threads", env.get("WEB_THREADS") or "4",
            "--timeout", "60", "--graceful-timeout", "30", "--access-logfile", "-",
            # gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl unless told not
            # to: every instance on one machine would share that path; nothing here uses it.
            "--no-control-socket",
        ],
        "worker-live": [
            *worker, "-Q", "live", "-n", f"live-{port}@%h",
            "--concurrency", env.get("LIVE_PROCESSES") or str(2 * n),
        ],
        "worker-bulk": [
            *worker, "-Q", "bulk", "-n", f"bulk-{port}@%h",
            "--concurrency", env.get("BULK_PROCESSES") or str(n),
        ],
    }  # fmt: skip
    if (env.get("SERVE_BEAT") or "true").strip().lower() not in _OFF:
        schedule = str(ROOT / "var" / "celerybeat-schedule-serve")
        commands["beat"] = [*celery, "beat", "--loglevel", "INFO", "--schedule", schedule]
    return commands


def prepare(env: dict[str, str]) -> None:
    """Deployment checks, migrations and static files, before anything serves."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    for step in (
        ["check", "--deploy", "--fail-level", "ERROR"],
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ):
        subprocess.run([*manage, *step], env=env, cwd=ROOT, check=True)  # noqa: S603


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DEBUG", "false")
    why = refusal(env)
    if why:
        print(f"make serve: not starting. {why}", file=sys.stderr)
        return 2
    try:
        prepare(env)
    except subprocess.CalledProcessError as exc:
        print(f"make serve: not starting: {' '.join(exc.cmd[2:])} failed", file=sys.stderr)
        return 1
    os.environ.update(env)  # the children inherit it
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threads = [
        threading.Thread(target=supervise, args=(name, cmd), kwargs={"stop": stop}, name=name)
        for name, cmd in processes(env).items()
    ]
    for thread in threads:
        thread.start()
    print(f"\n  Workflows Console (production profile) on port {env.get('PORT', '8000')}\n")
    while any(thread.is_alive() for thread in threads):
        stop.wait(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
