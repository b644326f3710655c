"""`nextExecutionAt` of a workflow schedule, in the workflow's IANA time zone (SIMULATOR.md):
the first local time strictly after now whose day matches and whose hour × minute is listed.
Non-existent local times (DST gaps) are skipped; ambiguous ones take the earlier (fold 0)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SEARCH_DAYS = 400


def valid_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _minutes(schedule: dict) -> list[int]:
    minutes = schedule.get("scheduled_minutes") or []
    per_hour = schedule.get("scheduled_runs_per_hour")
    if not minutes and per_hour:
        step = max(1, 60 // int(per_hour))
        minutes = list(range(0, 60, step))
    return sorted(set(minutes)) or [0]


def _day_matches(day: datetime, schedule: dict) -> bool:
    weekdays = schedule.get("scheduled_days") or []
    month_days = schedule.get("scheduled_days_of_month") or []
    if weekdays:
        return (day.isoweekday() % 7) in weekdays  # 0 = Sunday
    if month_days:
        return day.day in month_days
    return True


def next_execution_at(schedule: dict, time_zone: str, after: datetime) -> datetime | None:
    if not schedule.get("scheduled"):
        return None
    hours = sorted(set(schedule.get("scheduled_hours") or []))
    if not hours:
        return None
    minutes = _minutes(schedule)
    zone = ZoneInfo(time_zone) if valid_time_zone(time_zone) else ZoneInfo("UTC")
    start = after.astimezone(zone).date()
    for offset in range(SEARCH_DAYS):
        day = datetime.combine(start + timedelta(days=offset), datetime.min.time())
        if not _day_matches(day, schedule):
            continue
        for hour in hours:
            for minute in minutes:
                local = day.replace(hour=hour, minute=minute, tzinfo=zone, fold=0)
                at = local.astimezone(UTC)
                if at.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
                    continue  # inside a DST gap: this wall-clock time does not exist
                if at > after:
                    return at
    return None
