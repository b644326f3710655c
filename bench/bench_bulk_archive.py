"""Archiving 500 workflows through the console's bulk job (a real Celery worker, threads pool,
concurrency 8) against a sequential loop of the official `civis` client's
`workflows.put_archive`, both over the same civis_local with 50 ms latency added: the approach
of bench_bulk.py, whose helpers it uses.

Prints `bulk_archive_speedup_vs_sequential_client` (target >= 6) and
`bulk_archive_upstream_calls` (target <= items + concurrency).

    .venv/bin/python -m webui.embedded_redis exec -- .venv/bin/python bench/bench_bulk_archive.py
"""

import argparse
import os
import sys
import time

import requests
from bench_bulk import (
    ADMIN_KEY,
    LATENCY_MS,
    SOURCE,
    lever,
    make_workflows,
    request_count,
    start_worker,
)
from common import console_against_local_api  # puts the repo on sys.path

from tests.conftest import stop  # noqa: E402


def console_archive(user, ids: list[int]) -> dict:
    """Start an archive job for the workflows and wait for it to finish."""
    from workflows_app.bulk import jobs
    from workflows_app.bulk.tasks import run_bulk_job
    from workflows_app.models.bulk import BulkJob

    started = time.perf_counter()
    job = jobs.start_job(
        kind="archive",
        user=user,
        actor_civis_id=None,
        api_key=ADMIN_KEY,
        title=f"Bench: archive {len(ids)} workflows",
        parameters={},
        items=[jobs.ItemSpec(i, f"Bench {i}", None) for i in ids],
        enqueue=False,
    )
    run_bulk_job.apply_async((job.id,), queue=os.environ["BENCH_QUEUE"])
    while BulkJob.objects.get(id=job.id).is_active:  # running, or waiting its turn
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    return {"seconds": seconds, "job": job}


def sequential_official_client(url: str, ids: list[int]) -> float:
    import civis

    os.environ["CIVIS_API_ENDPOINT"] = url
    client = civis.APIClient(api_key=ADMIN_KEY)
    client.workflows.get(ids[0])  # builds its classes from /endpoints before timing
    started = time.perf_counter()
    for workflow_id in ids:
        client.workflows.put_archive(workflow_id, status=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2, help="best of N (the machine is shared)")
    args = parser.parse_args()
    with console_against_local_api(BENCH_QUEUE=f"bench-{os.getpid()}") as (api, tmp_dir):
        worker = None
        try:
            import django

            django.setup()
            from django.conf import settings
            from django.contrib.auth import get_user_model
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
            ids = make_workflows(api.url, args.items)
            user = get_user_model().objects.create(username="bench")
            worker = start_worker(dict(os.environ), tmp_dir / "worker.log")
            console_runs, official_runs = [], []
            for _ in range(args.rounds):
                lever(api.url, latency_ms=LATENCY_MS, rate_limit=None)
                requests.post(api.url + "_local/requests/reset", timeout=5)
                result = console_archive(user, ids)
                if result["job"].done_count != args.items:
                    print(f"# the console job did {result['job'].done_count} of {args.items}")
                    return 1
                result["calls"], result["routes"] = request_count(api.url)
                console_runs.append(result)
                official_runs.append(sequential_official_client(api.url, ids))
        finally:
            if worker is not None:
                stop(worker)
            api.stop()
    concurrency = settings.BULK_CONCURRENCY
    best = min(console_runs, key=lambda run: run["seconds"])
    sequential = min(official_runs)
    print(f"# {args.items} archives of {SOURCE}'s workflows, {LATENCY_MS} ms latency added, "
          f"best of {args.rounds} rounds")  # fmt: skip
    print("# console job, each round: "
          + ", ".join("{:.2f} s".format(run["seconds"]) for run in console_runs))  # fmt: skip
    print("# official client, sequential put_archive, each round: "
          + ", ".join(f"{seconds:.2f} s" for seconds in official_runs))  # fmt: skip
    print(f"# upstream calls by route: {best['routes']}")
    print(f"bulk_archive_speedup_vs_sequential_client: {sequential / best['seconds']:.2f}")
    print(f"bulk_archive_upstream_calls: {best['calls']}")
    return 0 if best["calls"] <= args.items + concurrency else 1


if __name__ == "__main__":
    sys.exit(main())
