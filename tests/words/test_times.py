"""Relative and exact times in the viewer's zone, durations and counts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from workflows_app.words.counts import plural
from workflows_app.words.times import (
    duration_between,
    duration_words,
    exact_time,
    relative_time,
)

NOW = dt.datetime(2026, 11, 28, 22, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (-10, "just now"),
        (20, "in less than a minute"),
        (-50, "1 minute ago"),
        (-12 * 60, "12 minutes ago"),
        (-(59 * 60 + 50), "1 hour ago"),
        (-5400, "2 hours ago"),
        (3 * 3600, "in 3 hours"),
        (-(86400 - 1), "1 day ago"),
        (-2 * 86400, "2 days ago"),
        (6 * 86400, "in 6 days"),
    ],
)
def test_recent_and_near_moments_read_relative(offset, words):
    assert relative_time(NOW + dt.timedelta(seconds=offset), NOW) == words


def test_moments_more_than_a_week_away_have_no_relative_words():
    assert relative_time(NOW - dt.timedelta(days=8), NOW) is None
    assert relative_time(NOW + dt.timedelta(days=8), NOW) is None


def test_exact_time_is_in_the_viewers_zone():
    with timezone.override(ZoneInfo("America/Chicago")):
        assert exact_time(NOW) == "Sat 28 Nov 2026, 16:00 CST"
    with timezone.override(ZoneInfo("Europe/Berlin")):
        assert exact_time(NOW) == "Sat 28 Nov 2026, 23:00 CET"
    with timezone.override(ZoneInfo("UTC")):
        assert exact_time(NOW) == "Sat 28 Nov 2026, 22:00 UTC"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "less than a second"),
        (0.4, "less than a second"),
        (1, "1 s"),
        (42, "42 s"),
        (240, "4 min"),
        (252, "4 min 12 s"),
        (3600, "1 h"),
        (7500, "2 h 5 min"),
        (86400 + 3600, "1 day 1 h"),
        (3 * 86400 + 4 * 3600 + 5, "3 days 4 h"),
        (-5, "less than a second"),
    ],
)
def test_durations(seconds, words):
    assert duration_words(seconds) == words
    assert duration_words(dt.timedelta(seconds=seconds)) == words


def test_duration_between_uses_now_for_unfinished_work():
    start = NOW - dt.timedelta(minutes=4, seconds=12)
    assert duration_between(start, None, now=NOW) == "4 min 12 s"
    assert duration_between(start, NOW + dt.timedelta(hours=2)) == "2 h 4 min"
    assert duration_between(None, NOW) == ""


@pytest.mark.parametrize(
    ("count", "words"),
    [(0, "0 workflows"), (1, "1 workflow"), (24, "24 workflows"), (1024, "1,024 workflows")],
)
def test_counts_use_plural_words(count, words):
    assert plural(count, "workflow") == words


def test_irregular_plurals_can_be_given():
    assert plural(2, "person", "people") == "2 people"
    assert plural(1, "person", "people") == "1 person"
