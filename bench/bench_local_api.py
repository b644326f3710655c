"""Median time of `GET /workflows?limit=50` as the admin on a `--seed scale` civis_local
(10,000 workflows, 100,000 executions). Prints the figure; the target is under 50 ms.

    .venv/bin/python bench/bench_local_api.py [--requests 200] [--db PATH]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import free_port, stop, wait_for_http  # noqa: E402

ADMIN_KEY = "local-admin-key"
STAFF_KEY = "demo-key-aokafor"  # sees owned and shared workflows: the visibility query


def measure(url: str, count: int, key: str = ADMIN_KEY) -> list[float]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"
    timings = []
    for index in range(count + 10):
        started = time.perf_counter()
        response = session.get(url + "workflows", params={"limit": 50}, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        assert len(response.json()) == 50
        if index >= 10:  # the first requests warm caches and connections
            timings.append(elapsed)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", help="reuse a scale database (seeded on first use)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "scale.sqlite3")
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115 - closed below
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runlocalapi", "--port", str(port), "--db", db,
             "--seed", "scale"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for_http(url + "_local/requests", seconds=300, process=process)
            ready = time.perf_counter() - started
            timings = measure(url, args.requests)
            staff = measure(url, args.requests // 2, STAFF_KEY)
        finally:
            stop(process)
            log.close()
    print(f"local_api_scale_ready_seconds: {ready:.1f}")
    print(f"local_api_list_workflows_p90_ms: {statistics.quantiles(timings, n=10)[-1]:.1f}")
    print(f"local_api_list_workflows_staff_median_ms: {statistics.median(staff):.1f}")
    print(f"local_api_list_workflows_median_ms: {statistics.median(timings):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
