"""`python -m civis_local.server`: the local Civis API process that `manage.py runlocalapi`
starts. It runs under civis_local.settings (its own SQLite file), migrates, seeds an empty
database, and serves with a pool of threads so parallel requests are answered in parallel.
/_local/requests answers as soon as it is ready."""

import argparse
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

SEEDS = ("demo", "scale", "none")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="runlocalapi", description=__doc__)
    parser.add_argument("--addr", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--db", default="var/civis_local.sqlite3")
    parser.add_argument("--seed", choices=SEEDS, default="demo")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--error-rate", type=float, default=0.0)
    parser.add_argument("--rate-limit", default=None, help="N/SECONDS, e.g. 100/60")
    parser.add_argument("--speed", type=float, default=1.0, help="demo speed factor")
    parser.add_argument("--tick-seconds", type=float, default=2.0,
                        help="how often live executions and schedules advance")  # fmt: skip
    return parser.parse_args(argv)


class PooledWSGIServer(WSGIServer):
    """Each request runs on one of up to POOL_THREADS reused threads: as many requests (and
    their injected latency, a plain sleep) overlap, and each thread keeps its database
    connection (CONN_MAX_AGE) instead of opening one per request."""

    POOL_THREADS = 128
    request_queue_size = 128

    def server_activate(self):
        super().server_activate()
        self.pool = ThreadPoolExecutor(self.POOL_THREADS, thread_name_prefix="civis_local")

    def process_request(self, request, client_address):
        self.pool.submit(self._serve, request, client_address)

    def _serve(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def server_close(self):
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is wsgiref's
        pass


def setup(db: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "civis_local.settings"
    os.environ["CIVIS_LOCAL_DB"] = os.path.abspath(db)
    os.makedirs(os.path.dirname(os.path.abspath(db)), exist_ok=True)
    import django

    django.setup()


def prepare(seed: str) -> None:
    from django.core.management import call_command

    from civis_local.api.seeds import seed_if_empty

    call_command("migrate", verbosity=0, interactive=False)
    seed_if_empty(seed)


def ticker(seconds: float, stop: threading.Event) -> None:
    """Advance live executions and fire due schedules in the background (the platform does
    this without anyone asking); reads also advance what they show."""
    from django.db import close_old_connections

    from civis_local.api.execution_host import tick_all

    while not stop.wait(seconds):
        try:
            tick_all()
        except Exception as exc:  # keep serving; report and try again next tick
            print(f"civis_local tick failed: {exc!r}", file=sys.stderr, flush=True)
        finally:
            close_old_connections()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.db)
    from django.core.wsgi import get_wsgi_application

    from civis_local.api.levers import LEVERS

    LEVERS.configure(
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        rate_limit=args.rate_limit,
        speed=args.speed,
    )
    prepare(args.seed)
    stop = threading.Event()
    if args.tick_seconds > 0:
        threading.Thread(target=ticker, args=(args.tick_seconds, stop), daemon=True).start()
    server = make_server(
        args.addr, args.port, get_wsgi_application(), PooledWSGIServer, QuietHandler
    )
    signal.signal(signal.SIGTERM, interrupt)  # stop like Ctrl-C: key uses are written first
    print(f"civis_local serving http://{args.addr}:{args.port}/ (db {args.db})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        from civis_local.api.keys import USAGE

        USAGE.flush()
    return 0


def interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
