"""The next runs of a schedule: weekdays, days of the month, every few minutes, and the clock
changes (a skipped spring-forward time, a repeated fall-back time, the viewer's zone)."""

import datetime as dt
from zoneinfo import ZoneInfo

from workflows_app.civis.types import Schedule
from workflows_app.schedules.next_runs import (
    moved_soon,
    next_clock_change,
    next_instants,
    next_runs,
)
from workflows_app.schedules.zones import find_zone

CHICAGO, LONDON, UTC = ZoneInfo("America/Chicago"), ZoneInfo("Europe/London"), dt.UTC


def at(*parts, tz=UTC):
    return dt.datetime(*parts, tzinfo=tz)


def weekdays_at_seven():
    return Schedule(scheduled=True, days=[1, 2, 3, 4, 5], hours=[7], minutes=[0])


def test_weekdays_at_seven_chicago_across_the_spring_change_seen_from_london():
    runs = next_runs(weekdays_at_seven(), CHICAGO, LONDON, at(2027, 3, 11, 20))
    assert [r.local.strftime("%a %d %H:%M %Z") for r in runs] == [
        "Fri 12 07:00 CST", "Mon 15 07:00 CDT", "Tue 16 07:00 CDT", "Wed 17 07:00 CDT",
        "Thu 18 07:00 CDT",
    ]  # fmt: skip
    assert [r.viewer.strftime("%H:%M") for r in runs] == ["13:00", "12:00", "12:00", "12:00",
                                                          "12:00"]  # fmt: skip
    assert [r.clocks_changed for r in runs] == [(), ("workflow",), (), (), ()]


def test_days_of_month_skip_a_month_without_the_day():
    schedule = Schedule(scheduled=True, days_of_month=[1, 15, 31], hours=[2], minutes=[30])
    days = [m.astimezone(UTC).date() for m in next_instants(schedule, UTC, at(2027, 1, 20), 5)]
    assert days == [dt.date(2027, 1, 31), dt.date(2027, 2, 1), dt.date(2027, 2, 15),
                    dt.date(2027, 3, 1), dt.date(2027, 3, 15)]  # fmt: skip


def test_every_fifteen_minutes_between_hours():
    schedule = Schedule(scheduled=True, hours=list(range(8, 18)), minutes=[0, 15, 30, 45])
    moments = next_instants(schedule, UTC, at(2027, 1, 4, 17, 40), 3)
    assert [m.strftime("%d %H:%M") for m in moments] == ["04 17:45", "05 08:00", "05 08:15"]


def test_a_time_the_clocks_skip_does_not_run_and_a_repeated_one_runs_once():
    schedule = Schedule(scheduled=True, hours=[2], minutes=[30])
    spring = [m.astimezone(CHICAGO).date() for m in next_instants(schedule, CHICAGO,
                                                                   at(2027, 3, 13), 2)]  # fmt: skip
    assert spring == [dt.date(2027, 3, 13), dt.date(2027, 3, 15)]  # 14 March has no 02:30
    autumn = Schedule(scheduled=True, hours=[1], minutes=[30])
    moments = next_instants(autumn, CHICAGO, at(2027, 11, 7, 0), 2)
    assert moments[0] == at(2027, 11, 7, 6, 30)  # the earlier 01:30 (CDT)
    assert moments[1].astimezone(CHICAGO).date() == dt.date(2027, 11, 8)


def test_not_scheduled_or_without_hours_has_no_runs():
    assert next_instants(Schedule(scheduled=False, hours=[7]), UTC, at(2027, 1, 1)) == []
    assert next_instants(Schedule(scheduled=True, hours=[]), UTC, at(2027, 1, 1)) == []


def test_runs_per_hour_spreads_runs_when_no_minutes():
    schedule = Schedule(scheduled=True, hours=[9], runs_per_hour=4)
    moments = next_instants(schedule, UTC, at(2027, 1, 1), 4)
    assert [m.minute for m in moments] == [0, 15, 30, 45]


def test_next_clock_change():
    assert next_clock_change(CHICAGO, at(2026, 11, 30)) == at(2027, 3, 14, 8)
    assert next_clock_change(LONDON, at(2026, 11, 30)) == at(2027, 3, 28, 1)
    assert next_clock_change(ZoneInfo("UTC"), at(2026, 11, 30)) is None


def test_moved_soon_lists_runs_within_the_hour_that_change():
    now = at(2027, 1, 4, 6, 30)
    before = [at(2027, 1, 4, 7), at(2027, 1, 5, 7)]
    after = [at(2027, 1, 4, 8), at(2027, 1, 5, 8)]
    assert moved_soon(before, after, now, dt.timedelta(hours=1)) == [at(2027, 1, 4, 7)]
    assert moved_soon(before, before, now, dt.timedelta(hours=1)) == []


def test_zones_by_city():
    assert find_zone("Chicago") == "America/Chicago"
    assert find_zone("new york") == "America/New_York"
    assert find_zone("Europe/London") == "Europe/London"
    assert find_zone("UTC") == "UTC"
    assert find_zone("Atlantis") is None
    assert find_zone("../../etc/passwd") is None
    assert find_zone("x" * 5000) is None
