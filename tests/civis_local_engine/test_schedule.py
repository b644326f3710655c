"""Schedules (SIMULATOR.md "Schedules and notifications"): nextExecutionAt in the workflow's
time zone, DST changes, due firings and concurrency."""

from datetime import UTC, datetime

import pytest

from civis_local import engine
from civis_local.engine import EngineError

from .helpers import host, job, workflow


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def schedule(**keys):
    return {"scheduled": True, **keys}


def test_not_scheduled_has_no_next_execution():
    assert engine.next_execution_at(None, "UTC", utc(2026, 1, 1)) is None
    assert engine.next_execution_at({"scheduled": False}, "UTC", utc(2026, 1, 1)) is None
    assert engine.next_execution_at(schedule(scheduledDays=[1]), "UTC", utc(2026, 1, 1)) is None


def test_next_execution_is_strictly_after_now_on_a_listed_day_hour_and_minute():
    weekly = schedule(scheduledDays=[1, 3], scheduledHours=[6, 18], scheduledMinutes=[30])
    # 2026-01-05 is a Monday.
    monday_0630 = utc(2026, 1, 5, 6, 30)
    assert engine.next_execution_at(weekly, "UTC", utc(2026, 1, 5)) == monday_0630
    assert engine.next_execution_at(weekly, "UTC", monday_0630) == utc(2026, 1, 5, 18, 30)
    assert engine.next_execution_at(weekly, "UTC", utc(2026, 1, 5, 19)) == utc(2026, 1, 7, 6, 30)


def test_sunday_is_day_zero():
    sundays = schedule(scheduledDays=[0], scheduledHours=[9])
    assert engine.next_execution_at(sundays, "UTC", utc(2026, 1, 5)) == utc(2026, 1, 11, 9)


def test_days_of_month_skip_short_months():
    monthly = schedule(scheduledDaysOfMonth=[31], scheduledHours=[0], scheduledMinutes=[0])
    assert engine.next_execution_at(monthly, "UTC", utc(2026, 2, 1)) == utc(2026, 3, 31)


def test_the_local_time_zone_is_used():
    morning = schedule(scheduledDays=[1], scheduledHours=[8], scheduledMinutes=[0])
    # 08:00 in Chicago in January is 14:00 UTC.
    assert engine.next_execution_at(morning, "America/Chicago", utc(2026, 1, 5)) == utc(
        2026, 1, 5, 14
    )


def test_runs_per_hour_spreads_minutes_when_none_are_given():
    quarter = schedule(scheduledDays=[1], scheduledHours=[10], scheduledRunsPerHour=4)
    firings = engine.due_firings(quarter, "UTC", utc(2026, 1, 5), utc(2026, 1, 5, 11))
    assert [f.minute for f in firings] == [0, 15, 30, 45]


def test_spring_forward_skips_the_missing_local_time():
    # 2026-03-08 02:30 does not exist in New York; the next valid 02:30 is the next day.
    nightly = schedule(scheduledDays=list(range(7)), scheduledHours=[2], scheduledMinutes=[30])
    before = utc(2026, 3, 8, 5)  # 00:00 EST on the day of the change
    assert engine.next_execution_at(nightly, "America/New_York", before) == utc(2026, 3, 9, 6, 30)


def test_fall_back_fires_once_at_the_earlier_instant():
    # 2026-11-01 01:30 happens twice in New York: 05:30 UTC (EDT) and 06:30 UTC (EST).
    nightly = schedule(scheduledDays=list(range(7)), scheduledHours=[1], scheduledMinutes=[30])
    firings = engine.due_firings(
        nightly, "America/New_York", utc(2026, 11, 1, 0), utc(2026, 11, 2, 12)
    )
    assert firings == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(EngineError):
        engine.next_execution_at(
            schedule(scheduledDays=[1], scheduledHours=[1]), "Mars/Base", utc(2026, 1, 1)
        )


HOURLY = schedule(scheduledDays=list(range(7)), scheduledHours=list(range(24)))
LONG = workflow("work:\n  action: civis.scripts.python3\n")


def test_a_firing_while_another_execution_runs_is_skipped_without_concurrency():
    h = host(work=job(90 * 60))  # 90 minutes: overlaps the next hourly firing
    started = engine.fire_schedule(
        h,
        workflow_id=1,
        definition=LONG,
        schedule=HOURLY,
        time_zone="UTC",
        allow_concurrent=False,
        after=utc(2026, 1, 5),
        until=utc(2026, 1, 5, 4, 30),
        active=[],
    )
    assert [s["startedAt"] for s in started] == [
        "2026-01-05T01:00:00.000Z",
        "2026-01-05T03:00:00.000Z",
    ]


def test_with_concurrency_every_firing_starts():
    h = host(work=job(90 * 60))
    started = engine.fire_schedule(
        h,
        workflow_id=1,
        definition=LONG,
        schedule=HOURLY,
        time_zone="UTC",
        allow_concurrent=True,
        after=utc(2026, 1, 5),
        until=utc(2026, 1, 5, 4, 30),
        active=[],
    )
    assert len(started) == 4


def test_an_already_running_execution_blocks_the_first_firing():
    h = host(work=job(90 * 60))
    running = engine.start_execution(h, definition=LONG, now=utc(2026, 1, 5, 0, 10))
    started = engine.fire_schedule(
        h,
        workflow_id=1,
        definition=LONG,
        schedule=HOURLY,
        time_zone="UTC",
        allow_concurrent=False,
        after=utc(2026, 1, 5),
        until=utc(2026, 1, 5, 2, 0),
        active=[running],
    )
    assert [s["startedAt"] for s in started] == ["2026-01-05T02:00:00.000Z"]


def test_a_manual_run_while_running_is_refused_without_concurrency():
    with pytest.raises(EngineError) as refused:
        engine.ensure_can_start(False, ["success", "running"])
    assert refused.value.status == 409
    engine.ensure_can_start(True, ["running"])
    engine.ensure_can_start(False, ["success", "error"])
