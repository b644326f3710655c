"""Process-wide test levers: the simulated clock, injected latency and failures, a request
budget per person (guess) and the request log. They live in memory (one server process) and
change at run time through /_local/* so that tests and benches can share one server."""

import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

NOMINAL_RATE_LIMIT = 1000  # what X-RateLimit-Limit says when no budget is enforced


@dataclass
class Clock:
    """Simulated time: `anchor` plus real seconds elapsed since `real_anchor`, times `speed`.
    Speed 0 freezes it (tests); otherwise 1. The demo speed factor is not here: the engine
    shortens the durations of executions started with it (`Levers.speed`)."""

    anchor: datetime = field(default_factory=lambda: datetime.now(UTC))
    real_anchor: float = field(default_factory=time.monotonic)
    speed: float = 1.0

    def now(self) -> datetime:
        return self.anchor + timedelta(seconds=(time.monotonic() - self.real_anchor) * self.speed)

    def rebase(self, at: datetime | None = None, speed: float | None = None) -> None:
        self.anchor = at or self.now()
        self.real_anchor = time.monotonic()
        if speed is not None:
            self.speed = speed


@dataclass
class Levers:
    latency_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 503
    rate_limit: tuple[int, float] | None = None  # (requests, seconds)
    speed: float = 1.0  # demo speed factor handed to new executions (durations / speed)
    clock: Clock = field(default_factory=Clock)
    counts: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    # (workflow id, task name or None for every task) -> a job fixture dict (POST /_local/faults)
    faults: dict = field(default_factory=dict)
    queries: Counter = field(default_factory=Counter)  # SQL data statements by route
    writes: Counter = field(default_factory=Counter)  # of which INSERT / UPDATE / DELETE
    # (guess) the budget is per person, as a platform's would be: each user's API keys share
    # one window, another person's requests never spend it. Requests without a known key
    # share one window of their own (key None).
    _windows: dict = field(default_factory=dict)  # person -> [window start, count]
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _random: random.Random = field(default_factory=lambda: random.Random(1))  # noqa: S311

    def record(self, key: str, status: int, queries: int = 0, writes: int = 0) -> None:
        with self._lock:
            self.counts[key] += 1
            self.statuses[str(status)] += 1
            self.queries[key] += queries
            self.writes[key] += writes

    def reset_counts(self) -> None:
        with self._lock:
            for counter in (self.counts, self.statuses, self.queries, self.writes):
                counter.clear()

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "total": sum(self.counts.values()),
                "byRoute": dict(self.counts),
                "byStatus": dict(self.statuses),
            }

    def query_snapshot(self) -> dict:
        """Per route: requests, the SQL data statements they ran, and how many wrote."""
        with self._lock:
            return {
                route: {
                    "requests": count,
                    "queries": self.queries[route],
                    "writes": self.writes[route],
                }
                for route, count in self.counts.items()
            }

    def take_budget(self, person: int | None = None) -> tuple[bool, int, int, int]:
        """Count one request against `person`'s budget (a user id; None for requests without
        a known key): (allowed, limit, remaining, retry_after_s)."""
        with self._lock:
            limit, seconds = self.rate_limit or (NOMINAL_RATE_LIMIT, 60.0)
            now = time.monotonic()
            window = self._windows.setdefault(person, [now, 0])
            if now - window[0] >= seconds:
                window[0], window[1] = now, 0
            retry_after = max(1, math.ceil(seconds - (now - window[0])))
            if self.rate_limit and window[1] >= limit:
                return False, limit, 0, retry_after
            window[1] += 1
            return True, limit, max(0, limit - window[1]), retry_after

    def should_fail(self) -> bool:
        with self._lock:
            return self.error_rate > 0 and self._random.random() < self.error_rate

    def configure(self, **changes) -> None:
        with self._lock:
            if "latency_ms" in changes:
                self.latency_ms = max(0, int(changes["latency_ms"] or 0))
            if "error_rate" in changes:
                self.error_rate = min(1.0, max(0.0, float(changes["error_rate"] or 0)))
            if "error_status" in changes:
                self.error_status = int(changes["error_status"] or 503)
            if "speed" in changes:
                self.speed = float(changes["speed"] or 1.0)
                if self.speed <= 0:
                    raise ValueError("speed must be positive")
            if "rate_limit" in changes:
                self.rate_limit = parse_rate_limit(changes["rate_limit"])
                self._windows.clear()

    def set_fault(self, workflow_id: int, task: str | None, fixture: dict | None) -> None:
        """Make the jobs a workflow's task runs (every task when `task` is None) behave as
        `fixture` ({"outcome", "fail_times", "duration"}); None removes the fault."""
        with self._lock:
            if fixture is None:
                self.faults.pop((workflow_id, task), None)
            else:
                self.faults[(workflow_id, task)] = dict(fixture)

    def clear_faults(self, workflow_id: int | None = None) -> None:
        with self._lock:
            for key in [k for k in self.faults if workflow_id in (None, k[0])]:
                del self.faults[key]

    def fault_for(self, workflow_id: int | None, task: str) -> dict | None:
        with self._lock:
            return self.faults.get((workflow_id, task)) or self.faults.get((workflow_id, None))

    def describe_faults(self) -> list[dict]:
        with self._lock:
            return [
                {"workflowId": workflow_id, "task": task, **fixture}
                for (workflow_id, task), fixture in sorted(
                    self.faults.items(), key=lambda item: (item[0][0], item[0][1] or "")
                )
            ]

    def describe(self) -> dict:
        limit = self.rate_limit
        return {
            "latencyMs": self.latency_ms,
            "errorRate": self.error_rate,
            "errorStatus": self.error_status,
            "rateLimit": f"{limit[0]}/{limit[1]:g}" if limit else None,
            "now": self.clock.now().isoformat(),
            "frozen": self.clock.speed == 0,
            "speed": self.speed,
        }


def parse_rate_limit(value: str | None) -> tuple[int, float] | None:
    """`"N/SECONDS"` → (N, SECONDS); empty or None → no budget."""
    if not value:
        return None
    count, _, seconds = str(value).partition("/")
    return int(count), float(seconds or 1)


LEVERS = Levers()


def now() -> datetime:
    return LEVERS.clock.now()
