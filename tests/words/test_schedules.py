"""Schedules as sentences, from the service module's Schedule (read from the API's camelCase
or built in Python)."""

import pytest

from workflows_app.civis.types import Schedule
from workflows_app.words.schedules import describe_schedule, ordinal, zone_words


def api(**keys):
    """A scheduled workflow's schedule as the client reads it from the API's JSON."""
    return Schedule.from_json({"scheduled": True, **keys})


@pytest.mark.parametrize(
    ("schedule", "zone", "sentence"),
    [
        (
            api(scheduledDays=[1, 2, 3, 4, 5], scheduledHours=[6, 18], scheduledMinutes=[0]),
            "America/Chicago",
            "Every weekday at 06:00 and 18:00 (Chicago time)",
        ),
        (
            api(scheduledDays=[0, 1, 2, 3, 4, 5, 6], scheduledHours=[2], scheduledMinutes=[30]),
            "UTC",
            "Every day at 02:30 (UTC)",
        ),
        (
            api(scheduledDaysOfMonth=[15, 1], scheduledHours=[2], scheduledMinutes=[30]),
            "Etc/UTC",
            "On the 1st and 15th of each month at 02:30 (UTC)",
        ),
        (
            api(scheduledDays=[5, 1, 3], scheduledHours=[9], scheduledMinutes=[15]),
            "Europe/London",
            "Every Monday, Wednesday and Friday at 09:15 (London time)",
        ),
        (
            api(scheduledDays=[0, 6], scheduledHours=[7], scheduledMinutes=[0]),
            None,
            "Every Saturday and Sunday at 07:00",
        ),
        (
            api(scheduledHours=list(range(24)), scheduledMinutes=[45, 0, 15, 30]),
            "UTC",
            "Every hour at :00, :15, :30 and :45 (UTC)",
        ),
        (
            api(
                scheduledDays=[1, 2, 3, 4, 5],
                scheduledHours=list(range(8, 18)),
                scheduledMinutes=[0, 30],
            ),
            "America/New_York",
            "On weekdays, every hour from 08:00 to 17:00 at :00 and :30 (New York time)",
        ),
        (
            api(scheduledDays=[2], scheduledHours=[1, 5, 9, 13], scheduledMinutes=[0, 30]),
            "UTC",
            "Every Tuesday at :00 and :30 past each of these hours: 01, 05, 09 and 13 (UTC)",
        ),
        (
            api(scheduledDays=[1], scheduledHours=list(range(24)), scheduledRunsPerHour=4),
            "UTC",
            "On Mondays, every hour at :00, :15, :30 and :45 (UTC)",
        ),
        (
            api(scheduledDays=[], scheduledHours=[6], scheduledRunsPerHour=2),
            "UTC",
            "Every day at 06:00 and 06:30 (UTC)",
        ),
        (
            api(scheduledDays=[3], scheduledHours=list(range(24)), scheduledMinutes=[0]),
            "UTC",
            "On Wednesdays, every hour, on the hour (UTC)",
        ),
        (api(scheduledDays=[3], scheduledHours=[23]), "UTC", "Every Wednesday at 23:00 (UTC)"),
        (
            api(scheduledDaysOfMonth=[2, 3, 22, 31], scheduledHours=[0], scheduledMinutes=[5]),
            "UTC",
            "On the 2nd, 3rd, 22nd and 31st of each month at 00:05 (UTC)",
        ),
    ],
)
def test_schedules_read_as_sentences(schedule, zone, sentence):
    assert describe_schedule(schedule, zone) == sentence


@pytest.mark.parametrize(
    "schedule",
    [None, Schedule(), Schedule.from_json({"scheduled": False, "scheduledHours": [3]})],
)
def test_unscheduled_workflows_say_so(schedule):
    assert describe_schedule(schedule, "UTC") == "Not scheduled"


def test_a_schedule_without_hours_says_it_does_not_run():
    schedule = api(scheduledDays=[1], scheduledMinutes=[0, 30])
    expected = "Scheduled, but no hours are chosen, so it does not run"
    assert describe_schedule(schedule, "UTC") == expected


def test_a_schedule_built_in_python_reads_the_same_as_one_from_the_api():
    read = api(scheduledDays=[1, 2, 3, 4, 5], scheduledHours=[6, 18], scheduledMinutes=[0])
    built = Schedule(scheduled=True, days=(1, 2, 3, 4, 5), hours=(6, 18), minutes=(0,))
    assert describe_schedule(built, "America/Chicago") == describe_schedule(read, "America/Chicago")
    schedule = Schedule(scheduled=True, days=(1, 3, 5), hours=(9,), minutes=(0,))
    assert describe_schedule(schedule, "UTC") == "Every Monday, Wednesday and Friday at 09:00 (UTC)"


def test_junk_values_in_a_schedule_are_ignored_rather_than_crashing():
    schedule = api(
        scheduledDays=[1, "x", 9, None], scheduledHours=[6, "x", 99], scheduledMinutes=None
    )
    assert describe_schedule(schedule, "UTC") == "Every Monday at 06:00 (UTC)"


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("America/Chicago", "Chicago time"),
        ("UTC", "UTC"),
        ("Etc/UTC", "UTC"),
        ("GMT", "UTC"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
        ("", ""),
        (None, ""),
    ],
)
def test_zone_names_in_plain_words(zone, words):
    assert zone_words(zone) == words


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (31, "31st"),
    ],
)
def test_ordinals(number, text):
    assert ordinal(number) == text
