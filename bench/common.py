"""What every console bench needs: a fresh civis_local on the demo seed and a throw-away console
database, with the environment pointing Django at both."""

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import LocalApi  # noqa: E402 (needs the path above)


@contextmanager
def console_against_local_api(
    api_args: tuple[str, ...] = (), **environment: str
) -> Iterator[tuple[LocalApi, Path]]:
    """`api_args` go to `runlocalapi` (e.g. `("--latency-ms", "100")`)."""
    if not os.environ.get("REDIS_URL"):
        print("REDIS_URL is not set: run under `python -m webui.embedded_redis exec --`")
        raise SystemExit(2)
    # Each bench starts on an empty Redis, as a fresh deployment would: `make bench` runs every
    # bench on one embedded Redis, and counters an earlier bench left (sign-ins per person in
    # the last 15 minutes, say) would otherwise refuse a later bench's sign-ins.
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp_dir / 'console.sqlite3'}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "webui.settings"
        os.environ.setdefault("DEBUG", "1")
        os.environ.update(environment)
        api = LocalApi(tmp_dir, extra=api_args)
        os.environ["CIVIS_API_ENDPOINT"] = api.url
        try:
            yield api, tmp_dir
        finally:
            api.stop()
