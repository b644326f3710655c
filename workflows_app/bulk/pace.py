"""Job-wide pacing from the platform's rate-limit headers.

Every thread of a job's runner goes through one `Pace`. A 429 pauses all of them until its
`Retry-After` has passed (and the pause is written on the job row, so a runner started later,
in another process, waits too). When `X-RateLimit-Remaining` runs low, calls go one at a time
until the budget is healthy again, so a job spends its last requests slowly instead of firing
a burst of calls that would all come back 429. Once only people's share is left, the job holds
its calls until the platform's window renews (`Window` learns when).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from workflows_app.civis import RateLimit

# The share of the platform's request budget (X-RateLimit-Limit) a bulk job leaves to people:
# while no more than this is left, the job holds its calls until the window renews.
HEADROOM = 0.2
# The platform says what is left of its window, not when it renews: before the job has seen
# a window renew, a hold lasts half as long again as the window is known to last (each hold
# too short costs one request of people's share, each too long the rest of a window's calls),
# and at least FIRST_HOLD.
FIRST_HOLD = 1.0
GROWTH = 1.5
# Close enough: once when the window renews is known to within this share of its length, holds
# end at the known bound and no early call spends people's share to find out more.
PRECISION = 0.03


class Window:
    """When the platform's request window renews, learned from when the job's calls were sent,
    when their answers came back and what they said was left.

    The budget falls with each request and comes back whole when the window renews. A call
    is counted at some moment between its sending and its answer, so: a call sent `t` after
    the answer of the window's first call, and still counted in it, shows the window lasts
    longer than `t`; a fresh budget answered `t` after the sending of a call that began the
    window itself (its answer said the limit less one: nobody else had called) shows it lasts
    no longer than `t`, if windows begin with a call (a platform whose windows keep to the
    clock may renew earlier). Both hold however slow the answers are.

    A hold ends half way between the two while they are far apart, then at the bound; until
    the job has seen a window renew, each hold is longer by half (GROWTH). A call that comes
    too early costs one request of people's share: the first hold of a window may try early,
    a later one waits until the window has surely renewed.
    """

    def __init__(self) -> None:
        self.start: float | None = None  # the first call seen in this window was sent then
        self.began_by = 0.0  # and answered then: the window began before
        self.own_start = False  # the job's call began it
        self.floor = 0  # the least left seen in the current window
        self.floor_seen = 0.0  # when that answer came back
        self.longer_than = 0.0
        self.at_most: float | None = None
        self.hold_end: float | None = None  # the latest hold of this window ends then
        self.missed = 0  # calls of this window sent once a hold had ended, still counted in it

    def observe(self, remaining: int, limit: int, sent: float, now: float) -> None:
        """An answer: the call was sent at `sent` and answered at `now`."""
        if self.start is not None and sent < self.start:
            return  # sent before the current window was seen: an earlier window's news
        if self.start is None or (remaining > self.floor and sent >= self.floor_seen):
            # More left than an answer that came back before this call was sent: renewed.
            if self.start is not None and self.own_start:
                self._bound(now - self.start)
            self.start, self.began_by = sent, now
            self.own_start = remaining == limit - 1
            self.floor, self.floor_seen = remaining, now
            self.hold_end, self.missed = None, 0
            return
        if remaining <= self.floor:
            self.floor, self.floor_seen = remaining, now
        self.longer_than = max(self.longer_than, sent - self.began_by)
        if self.hold_end is not None and sent >= self.hold_end:
            self.missed += 1

    def learned(self) -> tuple[float, float | None]:
        """What is known of the window's length (to carry over to the job's next slice)."""
        return self.longer_than, self.at_most

    def knowing(self, learned: tuple[float, float | None]) -> None:
        """Start from what an earlier slice of the job learned (see `learned`)."""
        self.longer_than, self.at_most = learned

    def _bound(self, seconds: float) -> None:
        if seconds <= self.longer_than:
            return
        if self.at_most is None or self.at_most <= self.longer_than:
            self.at_most = seconds  # the first bound, or one that a later call disproved
        else:
            self.at_most = min(self.at_most, seconds)

    def hold_until(self, now: float) -> float:
        """When the window has likely renewed: the end of a hold starting `now`."""
        if self.start is None:
            return now + FIRST_HOLD
        lo, hi = self.longer_than, self.at_most
        # How long the window's first call took: nothing is known more closely than that.
        slack = self.began_by - self.start
        if hi is None:
            end = self.start + max(GROWTH * lo, FIRST_HOLD)
        elif hi > lo and self.missed:
            end = self.began_by + hi  # surely renewed, if windows begin with a call
        elif hi > lo and hi - lo > PRECISION * hi + 2 * slack:
            end = self.start + (lo + hi) / 2
        elif hi > lo:
            end = self.start + hi
        else:  # the bound did not hold (a platform whose windows keep to the clock)
            end = self.began_by + lo * (1 + PRECISION * 2**self.missed)
        self.hold_end = end
        return end


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
        self.window = Window()
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
        limit = info.limit or 0
        reserve = math.ceil(limit * HEADROOM)
        low_water = max(self.width, math.ceil(limit * 0.05)) + reserve
        now = self._clock()
        sent = info.sent_at if info.sent_at is not None else now
        with self._lock:
            self.window.observe(info.remaining, limit, sent, now)
            self.narrow = info.remaining <= low_water
            if limit and info.remaining <= reserve:
                # Leave the last requests of the window to people's own pages: hold (quietly:
                # this is the job being polite, not the platform refusing) until the window
                # renews, then one call at a time until an answer says it has.
                held = self.window.hold_until(now)
                self._paused_until = max(self._paused_until, held)

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
