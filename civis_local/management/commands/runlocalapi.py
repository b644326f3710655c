"""`manage.py runlocalapi`: start the local Civis API in its own process and settings.

The console's settings list civis_local only so that this command exists; the API itself
runs under civis_local.settings with its own database, so this command re-executes
`python -m civis_local.server` with the same options instead of importing it here.
"""

import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the local Civis-compatible API (its own SQLite file, seeded when empty)."
    requires_system_checks = []  # the console's checks say nothing about the API process

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--db", default="var/civis_local.sqlite3")
        parser.add_argument("--seed", choices=["demo", "scale", "none"], default="demo")
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument("--error-rate", type=float, default=0.0)
        parser.add_argument("--rate-limit", default=None, help="N/SECONDS answered with 429")
        parser.add_argument("--speed", type=float, default=1.0, help="demo speed factor")

    def handle(self, *args, **options):
        argv = [
            sys.executable, "-m", "civis_local.server",
            "--addr", options["addr"], "--port", str(options["port"]),
            "--db", options["db"], "--seed", options["seed"],
            "--latency-ms", str(options["latency_ms"]),
            "--error-rate", str(options["error_rate"]),
            "--speed", str(options["speed"]),
        ]  # fmt: skip
        if options["rate_limit"]:
            argv += ["--rate-limit", options["rate_limit"]]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "civis_local.settings"}
        sys.stdout.flush()
        os.execve(sys.executable, argv, env)  # noqa: S606 - our own interpreter and module
