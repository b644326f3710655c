"""Job-wide pacing from the platform's rate-limit headers.

Every thread of a job's runner goes through one `Pace`. A 429 pauses all of them until its
`Retry-After` has passed (and the pause is written on the job row, so a runner started later,
in another process, waits too). When `X-RateLimit-Remaining` runs low, calls go one at a time
until the budget is healthy again, so a job spends its last requests slowly instead of firing
a burst of calls that would all come back 429.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from workflows_app.civis import RateLimit

# The share of the platform's request budget (X-RateLimit-Limit) a bulk job leaves to people:
# while no more than this is left, the job holds its calls for a moment at a time.
HEADROOM = 0.2
HEADROOM_HOLD = 1.0


class Pace:
    def __init__(
        self,
        width: int,
        *,
        on_pause: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.width = width
        self._on_pause = on_pause
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._gate = threading.Lock()
        self._paused_until = 0.0
        self.narrow = False
        # Why the latest pause: "rate" (a 429) or "unreachable" (no answer at all).
        self.reason = ""

    def pause_left(self) -> float:
        """Seconds until calls may go again (0 when not paused)."""
        return max(0.0, self._paused_until - self._clock())

    def pause(self, seconds: float, reason: str = "rate") -> None:
        """Hold every call of the job for `seconds` (a 429's Retry-After, or a wait while the
        platform does not answer); then calls go one at a time until one succeeds."""
        seconds = max(1.0, seconds)
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self.narrow = True
            self.reason = reason
        if self._on_pause is not None:
            self._on_pause(seconds)

    def observe(self, info: RateLimit) -> None:
        """The rate-limit headers of an answer (the client's `on_rate_limit` hook)."""
        if info.remaining is None:
            return
        reserve = math.ceil((info.limit or 0) * HEADROOM)
        low_water = max(self.width, math.ceil((info.limit or 0) * 0.05)) + reserve
        with self._lock:
            self.narrow = info.remaining <= low_water
            if info.limit and info.remaining <= reserve:
                # Leave the last requests of the window to people's own pages: hold (quietly:
                # this is the job being polite, not the platform refusing) and go one at a time.
                self._paused_until = max(self._paused_until, self._clock() + HEADROOM_HOLD)

    def answered(self) -> None:
        """A call came back with an answer after the platform had not answered: calls may go
        side by side again (a low budget narrows them again through `observe`)."""
        with self._lock:
            if self.reason == "unreachable":
                self.reason = ""
                self.narrow = False

    @contextmanager
    def call(self, deadline: float) -> Iterator[bool]:
        """Wait for the pause (if any) and, when the budget is low, for the one-at-a-time gate.
        Yields False when `deadline` (monotonic) came first: the caller should not call."""
        if not self._wait(deadline):
            yield False
            return
        if not self.narrow:
            yield True
            return
        # The gate is waited for until the deadline only: a thread queued behind many
        # one-at-a-time calls gives its item back rather than outlive its slice.
        left = deadline - self._clock()
        if left <= 0 or not self._gate.acquire(timeout=left):
            yield False
            return
        try:
            yield self._wait(deadline)
        finally:
            self._gate.release()

    def _wait(self, deadline: float) -> bool:
        while True:
            left = self.pause_left()
            if left <= 0:
                return True
            if self._clock() + left > deadline:
                return False
            self._sleep(min(left, 0.5))
