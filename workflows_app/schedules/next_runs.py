"""When a schedule runs next: pure arithmetic on the platform's schedule fields.

Wall-clock times are in the workflow's zone (documented). As civis_local does, and marked as a
guess since the platform does not say: no days at all means every day; no minutes means on the
hour; the deprecated runs-per-hour spreads runs evenly from the top of the hour; a wall time
that a spring-forward change skips does not run; one that a fall-back change repeats runs
once, at the earlier instant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from workflows_app.civis.types import Schedule

SEARCH_DAYS = 400  # the 31st skips months; a year and a bit covers every valid schedule


@dataclass(frozen=True)
class Run:
    """One coming run: the instant, and that instant in the workflow's and the viewer's zone;
    `clocks_changed` names the zones whose UTC offset differs from the run before."""

    at: dt.datetime
    local: dt.datetime
    viewer: dt.datetime
    clocks_changed: tuple[str, ...] = ()


def minutes_of(schedule: Schedule) -> list[int]:
    minutes = sorted({m for m in schedule.minutes if 0 <= m <= 59})
    if not minutes and schedule.runs_per_hour:
        per_hour = max(1, min(60, schedule.runs_per_hour))
        minutes = [i * 60 // per_hour for i in range(per_hour)]
    return minutes or [0]


def _day_matches(day: dt.date, schedule: Schedule) -> bool:
    if schedule.days:
        return day.isoweekday() % 7 in schedule.days  # the platform counts 0 = Sunday
    if schedule.days_of_month:
        return day.day in schedule.days_of_month
    return True


def _instant(day: dt.date, hour: int, minute: int, zone: ZoneInfo) -> dt.datetime | None:
    """The UTC instant of a wall time in `zone`; None when the clocks skip it."""
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)  # fold=0: earlier
    instant = local.astimezone(dt.UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def next_instants(
    schedule: Schedule,
    zone: ZoneInfo,
    after: dt.datetime,
    count: int = 5,
    until: dt.datetime | None = None,
) -> list[dt.datetime]:
    """The first `count` UTC instants strictly after `after` (aware) at which it runs, none
    later than `until` when given."""
    if not schedule.scheduled:
        return []
    hours = sorted({h for h in schedule.hours if 0 <= h <= 23})
    if not hours:
        return []
    minutes = minutes_of(schedule)
    start = after.astimezone(zone).date() - dt.timedelta(days=1)  # DST slack
    found: list[dt.datetime] = []
    for offset in range(SEARCH_DAYS):
        day = start + dt.timedelta(days=offset)
        if not _day_matches(day, schedule):
            continue
        for hour in hours:
            for minute in minutes:
                moment = _instant(day, hour, minute, zone)
                if until is not None and moment is not None and moment > until:
                    return found
                if moment is not None and moment > after:
                    found.append(moment)
                    if len(found) == count:
                        return found
    return found


def next_runs(
    schedule: Schedule,
    zone: ZoneInfo,
    viewer_zone: dt.tzinfo,
    after: dt.datetime,
    count: int = 5,
) -> list[Run]:
    """The next runs with their wall times in both zones, marking where a clock changed."""
    runs: list[Run] = []
    previous: dt.datetime | None = None
    for moment in next_instants(schedule, zone, after, count):
        changed: list[str] = []
        if previous is not None:
            for name, tz in (("workflow", zone), ("viewer", viewer_zone)):
                if moment.astimezone(tz).utcoffset() != previous.astimezone(tz).utcoffset():
                    changed.append(name)
        runs.append(Run(moment, moment.astimezone(zone), moment.astimezone(viewer_zone),
                        tuple(changed)))  # fmt: skip
        previous = moment
    return runs


def next_clock_change(zone: dt.tzinfo, after: dt.datetime, days: int = 400) -> dt.datetime | None:
    """The first instant after `after` at which `zone`'s UTC offset changes, to the half hour
    (every zone in use changes on a half hour in UTC)."""
    moment = after.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    offset = moment.astimezone(zone).utcoffset()
    for _ in range(days):
        if (moment + dt.timedelta(days=1)).astimezone(zone).utcoffset() != offset:
            for _ in range(48):
                moment += dt.timedelta(minutes=30)
                if moment.astimezone(zone).utcoffset() != offset:
                    return moment
        moment += dt.timedelta(days=1)
    return None


def moved_soon(
    before: list[dt.datetime], after: list[dt.datetime], now: dt.datetime, within: dt.timedelta
) -> list[dt.datetime]:
    """Runs due within `within` of `now` that the change removes or adds (sorted)."""
    limit = now + within
    old = {m for m in before if now < m <= limit}
    new = {m for m in after if now < m <= limit}
    return sorted(old ^ new)
