"""The job's pace keeps people's share of the request budget and spends the rest: it holds at
the reserve until the platform's window renews, which it learns from its own calls (the
platform says what is left, not when the window renews). A fake platform and a fake clock:
one window of requests per person, as civis_local counts them (a window begins with the first
request after the last one ended) or on the clock's grid (as a platform might)."""

from datetime import UTC, datetime

import pytest

from workflows_app.bulk.pace import HEADROOM, Pace
from workflows_app.civis import RateLimit

LIMIT, WINDOW = 40, 2.0  # 20 requests a second, 16 of them the job's
RESERVE = int(LIMIT * HEADROOM)
LATENCY = 0.05  # from sending a call to its answer; the platform counts it half way


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class Platform:
    """One person's request budget: LIMIT requests a WINDOW. `aligned`: windows on the clock's
    grid; otherwise a window begins with the first request after the last one ended. A
    person's own page loads (`pages`: times at which 6 calls go out together) spend it too."""

    def __init__(self, aligned: bool = False, pages: tuple[float, ...] = ()) -> None:
        self.aligned = aligned
        self.start, self.count = -1e9, 0
        self.pages = sorted(pages)
        self.per_window: dict[float, dict[str, int]] = {}
        self.refused = {"job": 0, "person": 0}

    def take(self, at: float, who: str) -> int | None:
        """Count a request at `at`; what is left after it, None when refused (a 429)."""
        while self.pages and self.pages[0] <= at and who == "job":
            page = self.pages.pop(0)
            for _ in range(6):
                self.take(page, "person")
        if at - self.start >= WINDOW:
            self.start = (at // WINDOW) * WINDOW if self.aligned else at
            self.count = 0
        if self.count >= LIMIT:
            self.refused[who] += 1
            return None
        self.count += 1
        spent = self.per_window.setdefault(self.start, {"job": 0, "person": 0})
        spent[who] += 1
        return LIMIT - self.count


def run_job(platform: Platform, seconds: float) -> int:
    """One call at a time through the job's pace for `seconds`; the job's calls answered."""
    clock = FakeClock()
    pace = Pace(4, clock=clock, sleep=clock.sleep)
    started, done = clock.now, 0
    while clock.now < started + seconds:
        with pace.call(deadline=started + seconds) as may_call:
            if not may_call:
                break
            sent = clock.now
            left = platform.take(sent + LATENCY / 2, "job")
            clock.now += LATENCY
            if left is None:
                pace.pause(WINDOW)
                continue
            pace.observe(RateLimit(LIMIT, left, None, datetime.now(UTC), sent_at=sent))
            done += 1
    return done


@pytest.mark.parametrize("aligned", [False, True], ids=["window-from-first-call", "clock-grid"])
def test_the_job_spends_what_people_leave_of_each_window(aligned):
    platform = Platform(aligned=aligned)
    seconds = 120.0

    done = run_job(platform, seconds)

    allowed = (LIMIT - RESERVE) / WINDOW  # 16 a second
    assert done / seconds >= 0.9 * allowed, (done / seconds, platform.per_window)
    assert platform.refused == {"job": 0, "person": 0}
    # People's share is left alone: a window's calls beyond the job's share are its tries to
    # learn when the window renews, a few in the whole run.
    over = sum(max(0, s["job"] - (LIMIT - RESERVE)) for s in platform.per_window.values())
    assert over <= 6, platform.per_window


def test_a_persons_pages_still_load_while_the_job_holds_to_the_window():
    # A page (6 calls at once) about every 1.3 s, at times out of step with the window.
    pages = tuple(100.0 + 0.4 + 1.3 * n for n in range(90))
    platform = Platform(pages=pages)
    seconds = 120.0

    done = run_job(platform, seconds)

    assert platform.refused == {"job": 0, "person": 0}
    person = sum(s["person"] for s in platform.per_window.values())
    # The job stops at people's share whoever spent the rest: pages loaded while it spends
    # take from its part (those loaded while it holds take from people's share).
    left_to_job = seconds / WINDOW * (LIMIT - RESERVE) - person
    assert done >= 0.9 * left_to_job, (done, left_to_job, person)
