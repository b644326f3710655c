"""The job's pace keeps people's share of the request budget and spends the rest: it holds at
the reserve until the platform's window renews, which it learns from its own calls (the
platform says what is left, not when the window renews). A fake platform and a fake clock:
one window of requests per person, as civis_local counts them (a window begins with the first
request after the last one ended) or on the clock's grid (as a platform might)."""

import random
from datetime import UTC, datetime

import pytest

from tests.helpers import FakeClock
from workflows_app.bulk.pace import HEADROOM, Pace
from workflows_app.civis import RateLimit

LIMIT, WINDOW = 40, 2.0  # 20 requests a second, 16 of them the job's
RESERVE = int(LIMIT * HEADROOM)
LATENCY = 0.05  # from sending a call to its answer; the platform counts it half way


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


def run_job(
    platform: Platform,
    seconds: float,
    clock: FakeClock | None = None,
    pace: Pace | None = None,
    uneven: random.Random | None = None,
) -> int:
    """One call at a time through the job's pace for `seconds`; the job's calls answered.
    `uneven`: calls take 10 to 40 ms, one in fifty 0.3 to 0.8 s (a busy machine), each
    counted at any moment of it, instead of LATENCY and half way."""
    clock = clock or FakeClock()
    pace = pace or Pace(4, clock=clock, sleep=clock.sleep)
    started, done = clock.now, 0
    while clock.now < started + seconds:
        with pace.call(deadline=started + seconds) as may_call:
            if not may_call:
                break
            sent = clock.now
            took = LATENCY
            if uneven:
                slow = uneven.random() < 0.02
                took = uneven.uniform(0.3, 0.8) if slow else uneven.uniform(0.01, 0.04)
            left = platform.take(sent + took * (uneven.random() if uneven else 0.5), "job")
            clock.now += took
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


def test_slow_and_uneven_answers_do_not_lengthen_the_holds():
    platform = Platform()
    seconds = 120.0

    done = run_job(platform, seconds, uneven=random.Random(7))

    # No hold outlasts the window by much: each bound allows for the answers' delay, so one
    # slow answer does not make every later hold longer.
    assert done / seconds >= 0.9 * (LIMIT - RESERVE) / WINDOW, done / seconds
    assert platform.refused == {"job": 0, "person": 0}
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


def test_a_slice_starts_from_what_the_jobs_earlier_slices_learned_of_the_window():
    platform, clock = Platform(), FakeClock()
    first = Pace(4, clock=clock, sleep=clock.sleep)
    run_job(platform, 30.0, clock, first)
    clock.now += first.pause_left()  # the next slice starts when the hold ends (_next_step)
    seconds = 10.0  # with a new Pace, as in a new task

    fresh = Pace(4, clock=clock, sleep=clock.sleep)
    fresh.window.knowing(first.window.learned())
    done = run_job(platform, seconds, clock, fresh)

    # From its first window on (without it, its first holds double: 0.83 of the rate).
    assert done / seconds >= 0.95 * (LIMIT - RESERVE) / WINDOW
    assert platform.refused == {"job": 0, "person": 0}
