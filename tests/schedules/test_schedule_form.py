"""The schedule builder's words in, the platform's fields out; bad input gets a clear message."""

from workflows_app.civis.types import Schedule
from workflows_app.schedules.forms import ScheduleForm, initial_for


def form(**data):
    return ScheduleForm({"time_zone": "Chicago", **data})


def test_every_weekday_at_seven_chicago():
    built = form(pattern="weekdays", times="07:00")
    assert built.is_valid(), built.errors
    assert built.schedule() == Schedule(scheduled=True, days=[1, 2, 3, 4, 5], hours=[7],
                                        minutes=[0])  # fmt: skip
    assert built.cleaned_data["time_zone"] == "America/Chicago"


def test_first_and_fifteenth_at_half_past_two():
    built = form(pattern="monthly", days_of_month="1st and 15th", times="02:30")
    assert built.is_valid(), built.errors
    schedule = built.schedule()
    assert (schedule.days_of_month, schedule.hours, schedule.minutes, schedule.days) == (
        (1, 15), (2,), (30,), ())  # fmt: skip


def test_every_fifteen_minutes_between_eight_and_five():
    built = form(pattern="every", interval="15", first_hour="8", last_hour="17", days=["1"])
    assert built.is_valid(), built.errors
    schedule = built.schedule()
    assert schedule.hours == tuple(range(8, 18)) and schedule.minutes == (0, 15, 30, 45)
    assert schedule.days == (1,)


def test_a_thirty_second_of_the_month_is_refused_in_words():
    built = form(pattern="monthly", days_of_month="1, 32", times="02:30")
    assert not built.is_valid()
    assert built.errors["days_of_month"] == [
        "There is no 32nd day of a month. Use numbers from 1 to 31."
    ]


def test_an_unknown_time_zone_is_refused_in_words():
    built = ScheduleForm({"pattern": "daily", "times": "07:00", "time_zone": "Atlantis"})
    assert not built.is_valid()
    assert "We don't know a time zone for “Atlantis”" in built.errors["time_zone"][0]


def test_times_that_are_not_a_grid_are_explained():
    built = form(pattern="daily", times="07:00, 18:30")
    assert not built.is_valid()
    assert "07:00, 07:30, 18:00, 18:30" in built.errors["times"][0]


def test_bad_times_and_missing_days():
    assert "is not a time" in form(pattern="daily", times="25:00").errors["times"][0]
    assert form(pattern="days", times="07:00").errors["days"] == [
        "Choose at least one day of the week."
    ]


def test_initial_choices_read_back_a_schedule():
    weekly = Schedule(scheduled=True, days=[1, 2, 3, 4, 5], hours=[6], minutes=[0])
    assert initial_for(weekly, "America/Chicago") == {
        "time_zone": "Chicago", "days": [1, 2, 3, 4, 5], "times": "06:00", "pattern": "weekdays"
    }  # fmt: skip
    every = Schedule(scheduled=True, hours=list(range(8, 18)), minutes=[0, 15, 30, 45])
    assert initial_for(every, "UTC")["pattern"] == "every"
