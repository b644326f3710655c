"""Workflow schedules: the next firing in the workflow's time zone, and due firings.

A schedule is the Civis ``schedule`` object: ``scheduled``, ``scheduledDays`` (0 = Sunday)
or ``scheduledDaysOfMonth``, ``scheduledHours``, ``scheduledMinutes`` and the deprecated
``scheduledRunsPerHour``. Local times that do not exist (spring forward) are skipped; an
ambiguous one (fall back) fires once, at the earlier instant (guess).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from civis_local.engine import runner
from civis_local.engine.errors import EngineError
from civis_local.engine.host import Host
from civis_local.engine.state import aware, is_terminal

# Days of the month can skip a month or two (the 31st); a year covers every valid schedule.
_SEARCH_DAYS = 400
# More than any DST shift (Lord Howe's is 30 minutes, the usual one 60).
_DST_SLACK_MINUTES = 180
# Safety cap for due_firings over a long span (e.g. seeding years of minute schedules).
_MAX_FIRINGS = 100_000


def next_execution_at(
    schedule: dict[str, Any] | None, time_zone: str | None, now: datetime
) -> datetime | None:
    """The first scheduled instant strictly after ``now`` (UTC), or None when not scheduled."""
    now = aware(now)
    if not schedule or not schedule.get("scheduled"):
        return None
    hours = sorted(set(schedule.get("scheduledHours") or []))
    minutes = _minutes(schedule)
    weekdays = set(schedule.get("scheduledDays") or [])
    month_days = set(schedule.get("scheduledDaysOfMonth") or [])
    if not hours:
        return None  # no hour can match (guess: the platform would not save this)
    zone = _zone(time_zone)
    local_now = now.astimezone(zone)
    # Wall times earlier today than this cannot be after now, whatever the DST offset; skip
    # them cheaply (every-minute schedules have 1,440 of them a day).
    today_floor = local_now.hour * 60 + local_now.minute - _DST_SLACK_MINUTES
    for offset in range(_SEARCH_DAYS):
        day = local_now.date() + timedelta(days=offset)
        if not _day_matches(day, weekdays, month_days):
            continue
        # With fold=0, local wall-clock order is also UTC order, so the first is the earliest.
        for hour in hours:
            for minute in minutes:
                if offset == 0 and hour * 60 + minute < today_floor:
                    continue
                moment = _local_instant(day, hour, minute, zone)
                if moment is not None and moment > now:
                    return moment
    return None


def due_firings(
    schedule: dict[str, Any] | None, time_zone: str | None, after: datetime, until: datetime
) -> list[datetime]:
    """Every firing in ``(after, until]``, oldest first."""
    firings: list[datetime] = []
    moment = next_execution_at(schedule, time_zone, after)
    until = aware(until)
    while moment is not None and moment <= until and len(firings) < _MAX_FIRINGS:
        firings.append(moment)
        moment = next_execution_at(schedule, time_zone, moment)
    return firings


def fire_schedule(
    host: Host,
    *,
    workflow_id: int,
    definition: str,
    schedule: dict[str, Any] | None,
    time_zone: str | None,
    allow_concurrent: bool,
    after: datetime,
    until: datetime,
    active: list[dict[str, Any]],
    speed: float = 1.0,
) -> list[dict[str, Any]]:
    """Start the executions due in ``(after, until]`` and return them (the caller stores
    them). ``active`` are the workflow's unfinished executions; they are advanced to each
    firing to know whether one still runs, in which case the firing is skipped unless
    ``allow_concurrent``. A firing the definition cannot start is skipped too (guess)."""
    started: list[dict[str, Any]] = []
    for moment in due_firings(schedule, time_zone, after, until):
        running = [s for s in active + started if not is_terminal(runner.advance(s, moment, host))]
        if running and not allow_concurrent:
            continue
        try:
            started.append(
                runner.start_execution(
                    host, definition=definition, now=moment, workflow_id=workflow_id, speed=speed
                )
            )
        except EngineError:
            continue
    return started


def ensure_can_start(allow_concurrent: bool, active_states: Iterable[str]) -> None:
    """A manual run while another execution runs, concurrency off: refused (409, guess).
    ``active_states`` are the mistralStates of the workflow's executions."""
    if allow_concurrent:
        return
    if any(state in ("running", "paused") for state in active_states):
        raise EngineError(
            "This workflow is already running and does not allow concurrent executions", 409
        )


def _minutes(schedule: dict[str, Any]) -> list[int]:
    minutes = schedule.get("scheduledMinutes") or []
    runs_per_hour = schedule.get("scheduledRunsPerHour")
    if not minutes and runs_per_hour:
        # Deprecated field: evenly spaced from the top of the hour (guess).
        minutes = [i * 60 // int(runs_per_hour) for i in range(int(runs_per_hour))]
    return sorted(set(minutes or [0]))  # no minutes given: on the hour (guess)


def _day_matches(day: date, weekdays: set[int], month_days: set[int]) -> bool:
    """No days at all means every day (guess; the console describes it so too)."""
    if not weekdays and not month_days:
        return True
    if weekdays:
        return (day.isoweekday() % 7) in weekdays  # isoweekday: Monday 1 .. Sunday 7
    return day.day in month_days


def _local_instant(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall time; None when the wall time does not exist."""
    local = datetime.combine(day, time(hour, minute), tzinfo=zone)  # fold=0: earlier instant
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # skipped by a spring-forward change
    return instant


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise EngineError(f"Unknown time zone: {name}", 400) from error
