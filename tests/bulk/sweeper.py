"""The sweeper as beat runs it, for tests and benches that start their own workers: a thread
calling `bulk.sweep` every few seconds and kicking dead chains onto the caller's own queue."""

import threading

from tests.bulk.conftest import send
from workflows_app.bulk import runner
from workflows_app.bulk.tasks import run_bulk_job


class Sweeper:
    """`runner.sweep` every `every` seconds (beat's schedule is 10 s), kicking dead chains onto
    `queue` (through the Redis at `broker` when the workers use their own)."""

    def __init__(self, queue: str, broker: str | None = None, every: float = 2.0) -> None:
        self.stop = threading.Event()

        def kick(job_id: int, chain: str) -> None:
            if broker:
                send(run_bulk_job, (job_id, chain), queue=queue, broker=broker)
            else:
                run_bulk_job.apply_async((job_id, chain), queue=queue)

        def loop() -> None:
            while not self.stop.wait(every):
                try:
                    runner.sweep(kick=kick)
                except Exception:  # a broker down for a moment: the next sweep tries again
                    continue

        self.thread = threading.Thread(target=loop, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
