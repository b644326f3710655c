"""The schedule builder: choices in words in, the platform's schedule fields out."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms

from workflows_app.civis.types import Schedule
from workflows_app.schedules.next_runs import minutes_of
from workflows_app.schedules.zones import city_of, find_zone
from workflows_app.words.schedules import DAY_NAMES, WEEK_ORDER, WEEKDAYS, ordinal

PATTERNS = [
    ("daily", "Every day"),
    ("weekdays", "Every weekday (Monday to Friday)"),
    ("days", "On the days of the week I choose"),
    ("monthly", "On days of the month (such as the 1st and 15th)"),
    ("every", "Every few minutes, between two hours"),
]
INTERVALS = [(5, "5 minutes"), (10, "10 minutes"), (15, "15 minutes"), (20, "20 minutes"),
             (30, "30 minutes"), (60, "hour")]  # fmt: skip
HOURS = [(h, f"{h:02d}:00") for h in range(24)]
DAY_CHOICES = [(d, DAY_NAMES[d]) for d in WEEK_ORDER]
# Which choices of "When should it run?" use each group of the builder's fields. Without
# JavaScript the page shows every group, its hint saying which choices it is for; with it,
# only the chosen choice's groups (console.js, data-shown-for).
USED_BY = {
    "times": ("daily", "weekdays", "days", "monthly"),
    "days": ("days", "every"),
    "days_of_month": ("monthly",),
    "every": ("every",),
}
EVERY_FOR = 'For "Every few minutes, between two hours".'
TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")


def _times(text: str) -> list[tuple[int, int]]:
    """'07:00, 18:30' → [(7, 0), (18, 30)]; a clear error for anything else."""
    found = []
    for part in re.split(r"[,;\s]+(?:and\s+)?|\s+and\s+", text.strip()):
        if not part or part == "and":
            continue
        match = TIME.match(part)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError(
                f"“{part[:20]}” is not a time. Write times as hours and minutes, such as 07:00."
            )
        found.append((int(match[1]), int(match[2])))
    if not found:
        raise forms.ValidationError("Enter at least one time, such as 07:00.")
    return sorted(set(found))


def _month_days(text: str) -> list[int]:
    days = []
    for part in re.split(r"[,;\s]+(?:and\s+)?|\s+and\s+", text.strip().lower()):
        part = re.sub(r"(st|nd|rd|th)$", "", part)
        if not part or part == "and":
            continue
        if not part.isascii() or not part.isdigit() or len(part) > 3:
            raise forms.ValidationError(
                f"“{part[:20]}” is not a day of the month. Use numbers such as 1, 15."
            )
        if not 1 <= int(part) <= 31:
            raise forms.ValidationError(
                f"There is no {ordinal(int(part))} day of a month. Use numbers from 1 to 31."
            )
        days.append(int(part))
    if not days:
        raise forms.ValidationError("Enter at least one day of the month, such as 1 or 15.")
    return sorted(set(days))


class ScheduleForm(forms.Form):
    pattern = forms.ChoiceField(label="When should it run?", choices=PATTERNS,
                                widget=forms.RadioSelect)  # fmt: skip
    days = forms.TypedMultipleChoiceField(
        label="Days of the week", coerce=int, choices=DAY_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text='For "On the days of the week I choose", and for "Every few minutes" '
        "(none chosen: every day).",
    )  # fmt: skip
    days_of_month = forms.CharField(
        label="Days of the month", required=False, max_length=200,
        help_text='For "On days of the month". Numbers from 1 to 31, such as 1, 15. A month '
        "without that day is skipped.",
    )  # fmt: skip
    times = forms.CharField(
        label="At what times?", required=False, max_length=200,
        help_text='For each choice but "Every few minutes". Hours and minutes on a 24-hour '
        "clock, such as 07:00 or 06:00, 18:00.",
    )  # fmt: skip
    interval = forms.TypedChoiceField(label="Every", coerce=int, choices=INTERVALS,
                                      required=False, initial=15)  # fmt: skip
    first_hour = forms.TypedChoiceField(label="From", coerce=int, choices=HOURS,
                                        required=False, initial=8)  # fmt: skip
    last_hour = forms.TypedChoiceField(
        label="Until the hour starting at", coerce=int, choices=HOURS, required=False,
        initial=17,
    )  # fmt: skip
    time_zone = forms.CharField(
        label="Whose clock? Type a city", max_length=64,
        help_text="The city whose time the schedule follows, such as Chicago, London or "
        "New York. The runs move with that city's clock changes.",
        # The page's datalist of cities offers suggestions; the browser's own would not.
        widget=forms.TextInput(attrs={"list": "zone-cities", "autocomplete": "off"}),
    )  # fmt: skip
    preview_from = forms.DateField(
        label="Show the runs after this day (optional)", required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="To see what happens around a date, such as a clock change.",
    )  # fmt: skip

    shown_for = {group: " ".join(patterns) for group, patterns in USED_BY.items()}
    every_for = EVERY_FOR

    def clean_time_zone(self) -> str:
        typed = self.cleaned_data["time_zone"]
        zone = find_zone(typed)
        if zone is None:
            raise forms.ValidationError(
                f"We don't know a time zone for “{typed[:40]}”. Type a city, such as Chicago, "
                "London or New York, or a zone such as America/Chicago."
            )
        return zone

    def clean_preview_from(self) -> dt.date | None:
        day = self.cleaned_data.get("preview_from")
        if day and not dt.date(1970, 1, 1) <= day <= dt.date(2199, 12, 31):
            raise forms.ValidationError("Choose a day between 1970 and 2199.")
        return day

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        pattern = data.get("pattern")
        if pattern in ("daily", "weekdays", "days", "monthly"):
            try:
                times = _times(self.data.get("times", ""))
            except forms.ValidationError as error:
                self.add_error("times", error)
            else:
                hours = sorted({h for h, _ in times})
                minutes = sorted({m for _, m in times})
                if len(times) != len(hours) * len(minutes):
                    self.add_error("times", self._grid_error(hours, minutes))
                data["hours"], data["minutes"] = hours, minutes
        if pattern == "days" and not data.get("days"):
            self.add_error("days", "Choose at least one day of the week.")
        if pattern == "monthly":
            try:
                data["month_days"] = _month_days(self.data.get("days_of_month", ""))
            except forms.ValidationError as error:
                self.add_error("days_of_month", error)
        if pattern == "every":
            first, last = data.get("first_hour"), data.get("last_hour")
            if first is None or last is None or data.get("interval") is None:
                self.add_error("interval", "Choose how often, and between which hours.")
            elif last < first:
                self.add_error("last_hour", "The last hour must come after the first.")
            else:
                data["hours"] = list(range(first, last + 1))
                data["minutes"] = list(range(0, 60, data["interval"]))
        return data

    @staticmethod
    def _grid_error(hours: list[int], minutes: list[int]) -> str:
        every = ", ".join(f"{h:02d}:{m:02d}" for h in hours for m in minutes)
        return (
            "The platform runs at each chosen minute of each chosen hour, so these times "
            f"would also run at others: {every}. Choose times that share their minutes, "
            "such as 06:00 and 18:00, or make two workflows."
        )

    def schedule(self, scheduled: bool = True) -> Schedule:
        """The platform's schedule fields for what was chosen (call when valid)."""
        data = self.cleaned_data
        pattern = data["pattern"]
        days: list[int] = []
        if pattern == "weekdays":
            days = sorted(WEEKDAYS)
        elif pattern in ("days", "every"):
            days = sorted(data.get("days") or [])
        return Schedule(
            scheduled=scheduled,
            days=days,
            hours=data["hours"],
            minutes=data["minutes"],
            days_of_month=data.get("month_days", []) if pattern == "monthly" else [],
        )


def initial_for(schedule: Schedule, time_zone: str | None) -> dict[str, Any]:
    """The builder's choices that describe a workflow's schedule now."""
    hours = sorted(schedule.hours)
    minutes = minutes_of(schedule)
    days = sorted(schedule.days)
    zone = time_zone or "America/Chicago"
    initial: dict[str, Any] = {"time_zone": city_of(zone) if find_zone(city_of(zone)) == zone
                               else zone, "days": days}  # fmt: skip
    step = minutes[1] - minutes[0] if len(minutes) > 1 else None
    if len(hours) > 1 and step and minutes == list(range(0, 60, step)) and 60 % step == 0:
        initial.update(pattern="every", interval=step, first_hour=hours[0], last_hour=hours[-1])
        return initial
    initial["times"] = ", ".join(f"{h:02d}:{m:02d}" for h in hours for m in minutes)
    if schedule.days_of_month:
        initial.update(pattern="monthly",
                       days_of_month=", ".join(str(d) for d in schedule.days_of_month))  # fmt: skip
    elif set(days) == set(WEEKDAYS):
        initial["pattern"] = "weekdays"
    elif days and set(days) != set(range(7)):
        initial["pattern"] = "days"
    else:
        initial["pattern"] = "daily"
    if not hours:
        initial["times"] = "07:00"
    return initial
