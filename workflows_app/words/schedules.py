"""Schedules as sentences: "Every weekday at 06:00 and 18:00 (Chicago time)".

Input is the workflow's `schedule` (the service module's `Schedule`) and its IANA time zone.
Days of the week count from 0 = Sunday; `minutes` are minutes of the hour (SIMULATOR.md).
"""

from collections.abc import Iterable

from workflows_app.civis.types import Schedule

DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
WEEK_ORDER = (1, 2, 3, 4, 5, 6, 0)  # people read weeks from Monday
WEEKDAYS = frozenset({1, 2, 3, 4, 5})
WEEKEND = frozenset({0, 6})
ALL_HOURS = frozenset(range(24))
MAX_LISTED_TIMES = 6
# civis_local computes no next run without hours (SIMULATOR.md); say so rather than guess.
NO_HOURS = "Scheduled, but no hours are chosen, so it does not run"
UTC_NAMES = frozenset({"utc", "etc/utc", "etc/uct", "uct", "etc/zulu", "zulu", "universal"})


def join_words(words: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c' (no serial comma, as GOV.UK writes)."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def zone_words(time_zone: str | None) -> str:
    """'America/Chicago' → 'Chicago time', 'UTC' → 'UTC', '' → ''."""
    name = (time_zone or "").strip()
    if not name:
        return ""
    if name.lower() in UTC_NAMES or name.upper() in {"GMT", "ETC/GMT"}:
        return "UTC"
    place = name.rsplit("/", 1)[-1].replace("_", " ")
    return f"{place} time"


def _numbers(values: Iterable[int | None], low: int, high: int) -> list[int]:
    """Sorted unique ints within [low, high]; the API may send duplicates or numbers out of
    range (the client has already dropped nulls and what is not a number)."""
    return sorted({value for value in values if value is not None and low <= value <= high})


def _days_phrases(days: list[int], days_of_month: list[int]) -> tuple[str, str] | None:
    """(an 'Every …' phrase, an 'On …' phrase) for the days, or None for every day."""
    if days_of_month:
        phrase = f"On the {join_words(ordinal(d) for d in days_of_month)} of each month"
        return phrase, phrase
    chosen = set(days)
    if not chosen or chosen == set(range(7)):
        return None
    if chosen == WEEKDAYS:
        return "Every weekday", "On weekdays"
    if chosen == WEEKEND:
        return "Every Saturday and Sunday", "On Saturdays and Sundays"
    ordered = [DAY_NAMES[d] for d in WEEK_ORDER if d in chosen]
    return f"Every {join_words(ordered)}", f"On {join_words(name + 's' for name in ordered)}"


def _clock(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


def _past_the_hour(minutes: list[int]) -> str:
    return join_words(f":{m:02d}" for m in minutes)


def _hour_range(hours: list[int]) -> str | None:
    """'from 08:00 to 17:00' when the hours are consecutive, else None."""
    if len(hours) > 2 and hours == list(range(hours[0], hours[-1] + 1)):
        return f"from {_clock(hours[0], 0)} to {_clock(hours[-1], 0)}"
    return None


def _minutes(minutes: list[int], runs_per_hour: int | None) -> list[int]:
    """The minutes past each listed hour; the deprecated runs-per-hour spreads runs evenly
    when no minutes are given (as civis_local computes `nextExecutionAt`)."""
    if not minutes and runs_per_hour:
        minutes = list(range(0, 60, max(1, 60 // runs_per_hour)))
    return minutes or [0]


def _times_phrase(hours: list[int], minutes: list[int]) -> str:
    """'at 06:00 and 18:00', 'every hour at :00 and :30', 'every hour from 08:00 to 17:00 …'."""
    if set(hours) == ALL_HOURS:
        if minutes == [0]:
            return "every hour, on the hour"
        return f"every hour at {_past_the_hour(minutes)}"
    if len(hours) * len(minutes) <= MAX_LISTED_TIMES:
        return "at " + join_words(_clock(h, m) for h in hours for m in minutes)
    span = _hour_range(hours)
    if span:
        return f"every hour {span} at {_past_the_hour(minutes)}"
    hour_list = join_words(f"{h:02d}" for h in hours)
    return f"at {_past_the_hour(minutes)} past each of these hours: {hour_list}"


def describe_schedule(schedule: Schedule | None, time_zone: str | None = None) -> str:
    """The schedule as one sentence in plain words, ending with the zone it is kept in."""
    if schedule is None or not schedule.scheduled:
        return "Not scheduled"
    days = _numbers(schedule.days, 0, 6)
    days_of_month = _numbers(schedule.days_of_month, 1, 31)
    hours = _numbers(schedule.hours, 0, 23)
    minutes = _numbers(schedule.minutes, 0, 59)
    runs = _numbers([schedule.runs_per_hour], 1, 60)
    if not hours:
        return NO_HOURS
    times = _times_phrase(hours, _minutes(minutes, runs[0] if runs else None))
    day_phrases = _days_phrases(days, days_of_month)
    if day_phrases is None:
        sentence = f"Every day {times}" if times.startswith("at ") else times.capitalize()
    elif times.startswith("at "):
        sentence = f"{day_phrases[0]} {times}"
    else:
        sentence = f"{day_phrases[1]}, {times}"
    zone = zone_words(time_zone)
    return f"{sentence} ({zone})" if zone else sentence
