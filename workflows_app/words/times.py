"""Times and durations in plain words.

Exact times are shown in the viewer's zone, which is Django's current time zone (activated per
person by the console); relative times ("12 minutes ago", "in 3 hours") are for the recent past
and near future only, beyond which the exact date says more.
"""

import datetime as dt

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from workflows_app.words.counts import plural

RELATIVE_LIMIT = dt.timedelta(days=7)


def _nearest_unit(seconds: float) -> tuple[int, str]:
    """The unit that fits after rounding: 59 min 50 s is '1 hour', not '60 minutes'."""
    minutes = int(seconds / 60 + 0.5)
    if minutes < 60:
        return max(minutes, 1), "minute"
    hours = int(seconds / 3600 + 0.5)
    if hours < 24:
        return hours, "hour"
    return int(seconds / 86400 + 0.5), "day"


def relative_time(moment: dt.datetime, now: dt.datetime | None = None) -> str | None:
    """'just now', '12 minutes ago', 'in 3 hours', or None when further than a week away."""
    now = now or timezone.now()
    delta = moment - now
    seconds = abs(delta.total_seconds())
    if delta > RELATIVE_LIMIT or -delta > RELATIVE_LIMIT:
        return None
    if seconds < 45:
        return "just now" if delta.total_seconds() <= 0 else "in less than a minute"
    amount, unit = _nearest_unit(seconds)
    words = plural(amount, unit)
    return f"{words} ago" if delta.total_seconds() < 0 else f"in {words}"


def exact_time(moment: dt.datetime) -> str:
    """'Sat 28 Nov 2026, 16:17 CST' in the viewer's zone."""
    local = timezone.localtime(moment)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname() or ''}".rstrip()


def clock_time(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """'09:12 CST' today in the viewer's zone, else the exact date and time."""
    local = timezone.localtime(moment)
    if local.date() != timezone.localtime(now or timezone.now()).date():
        return exact_time(moment)
    return f"{local:%H:%M} {local.tzname() or ''}".rstrip()


def day_time(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """'06:10 CST' today, 'yesterday 22:40 CST', 'Monday 06:10 CST' within the last week, in
    the viewer's zone; else the exact date and time. Reads after 'since'."""
    local = timezone.localtime(moment)
    days = (timezone.localtime(now or timezone.now()).date() - local.date()).days
    zone = f" {local.tzname()}" if local.tzname() else ""
    if days == 0:
        return f"{local:%H:%M}{zone}"
    if days == 1:
        return f"yesterday {local:%H:%M}{zone}"
    if 1 < days < 7:
        return f"{local:%A %H:%M}{zone}"
    return exact_time(moment)


def duration_words(value: dt.timedelta | float | int | None) -> str:
    """'less than a second', '42 s', '4 min 12 s', '2 h 5 min', '3 days 4 h'."""
    if value is None:
        return ""
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    seconds = max(seconds, 0.0)
    if seconds < 1:
        return "less than a second"
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        parts = [plural(days, "day"), f"{hours} h" if hours else ""]
    elif hours:
        parts = [f"{hours} h", f"{minutes} min" if minutes else ""]
    elif minutes:
        parts = [f"{minutes} min", f"{secs} s" if secs else ""]
    else:
        parts = [f"{secs} s"]
    return " ".join(part for part in parts if part)


def duration_between(
    start: dt.datetime | None, finish: dt.datetime | None, now: dt.datetime | None = None
) -> str:
    """How long something took, or has taken so far when it has not finished (aware datetimes,
    as the service module's objects and the console's models hold them)."""
    if not isinstance(start, dt.datetime):
        return ""
    ended = finish if isinstance(finish, dt.datetime) else now or timezone.now()
    return duration_words(ended - start)


def retried_took(own: str, total: str, at: SafeString | str, still_going: bool) -> SafeString:
    """A retried run's time: its last attempt's own first, then the whole span, which counts
    the hours it sat failed before someone retried it ("Took 4 min on its retry at 09:12;
    7 h 57 min since it first started")."""
    so_far = " so far" if still_going else ""
    return format_html("{}{} on its retry at {}; {} since it first started", own, so_far, at, total)


def retried_bar(run_id: int, state: str, own: str) -> str:
    """The duration chart's title for a retried run's bar (it is drawn with the retry's time)."""
    return f"Run {run_id}: {state}, {own} on its retry"
