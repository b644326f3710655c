"""The workflow list's rows and filter form are rendered once per what they show (issue 13,
item 8; workflows/rendered.py): the same page again renders neither, and a row kept for one
set of values is never shown for another (another person's access, another zone, time
passing, a changed workflow)."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.template.loader import render_to_string
from django.test.utils import override_settings
from django.utils import timezone

from workflows_app.civis.types import Person, Schedule, WorkflowSummary
from workflows_app.core import fragments
from workflows_app.workflows import rendered

NOW = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def nothing_kept():
    fragments.forget_all()
    yield
    fragments.forget_all()


def templates_used(response) -> list[str]:
    return [t.name for t in response.templates]


@pytest.mark.django_db
def test_the_same_page_again_renders_no_row_nor_the_form(client, marcus):
    url = "/workflows/?owner=mine&per_page=50&sort=name"
    first = client.get(url)
    rows = len(first.context["rows"])
    assert rows > 10
    assert templates_used(first).count("workflows/_workflow_row.html") == rows
    assert "workflows/_workflow_filters.html" in templates_used(first)
    again = client.get(url)
    assert "workflows/_workflow_row.html" not in templates_used(again)
    assert "workflows/_workflow_filters.html" not in templates_used(again)
    assert parts(again) == parts(first)


def parts(response) -> tuple[str, str]:
    """The filter form and the rows (the page around them carries a nonce and a token that
    are new on every answer)."""
    html = response.content.decode()
    form = re.search(r'<form method="get".*?</form>', html, re.S).group(0)
    rows = re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
    return form, rows


BASE_WORKFLOW = WorkflowSummary(
    id=101,
    name="Nightly <b>refresh</b>",
    owner=Person(7, "Ada Okafor"),
    state="succeeded",
    schedule=Schedule(scheduled=True, days=(1,), hours=(6,), minutes=(30,)),
    time_zone="America/Chicago",
    archived=False,
    hidden=False,
    valid=True,
    updated_at=NOW - dt.timedelta(minutes=12),
)
BASE_ROW = {
    "workflow": BASE_WORKFLOW,
    "owned": False,
    "level": "read",
    "last_run_at": NOW - dt.timedelta(hours=3),
    "state": "succeeded",
}


def changed_workflow(**fields):
    return {**BASE_ROW, "workflow": BASE_WORKFLOW.model_copy(update=fields)}


VARIANTS = {
    "name": changed_workflow(name="Nightly refresh (new)"),
    "archived": changed_workflow(archived=True),
    "hidden": changed_workflow(hidden=True),
    "definition errors": changed_workflow(valid=False),
    "owner": changed_workflow(owner=Person(8, "Bruno Lindqvist")),
    "no owner": changed_workflow(owner=None),
    "schedule": changed_workflow(schedule=Schedule(scheduled=True, days=(2,), hours=(6,))),
    "not scheduled": changed_workflow(schedule=Schedule()),
    "schedule zone": changed_workflow(time_zone="Europe/Paris"),
    "changed at": changed_workflow(updated_at=NOW - dt.timedelta(days=30)),
    "owned": {**BASE_ROW, "owned": True},
    "level": {**BASE_ROW, "level": "manage"},
    "level unknown": {**BASE_ROW, "level": None},
    "state": {**BASE_ROW, "state": "paused"},
    "last run": {**BASE_ROW, "last_run_at": NOW - dt.timedelta(days=2)},
    "never ran": {**BASE_ROW, "last_run_at": None},
}


def as_now(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@override_settings(TIME_ZONE="UTC")
@pytest.mark.parametrize("what", sorted(VARIANTS))
def test_a_kept_row_is_never_shown_for_other_values(what):
    """The base row is kept first; a row differing in one value the template shows must
    read as the template writes it, not as the kept one."""
    row = VARIANTS[what]
    with as_now(NOW):
        kept = rendered.render_row(BASE_ROW)
        assert rendered.render_row(BASE_ROW) is kept  # the same values: the kept text
        fresh = render_to_string(rendered.ROW, {"row": row})
        assert fresh != kept, f"{what} is not shown by the row: the test checks nothing"
        assert rendered.render_row(row) == fresh


@override_settings(TIME_ZONE="UTC")
def test_a_kept_row_follows_the_viewers_zone_and_the_clock():
    with as_now(NOW):
        in_utc = rendered.render_row(BASE_ROW)
        with timezone.override("Asia/Tokyo"):
            in_tokyo = rendered.render_row(BASE_ROW)
            assert in_tokyo == render_to_string(rendered.ROW, {"row": BASE_ROW})
        assert in_tokyo != in_utc
    later = NOW + dt.timedelta(minutes=5)  # "12 minutes ago" is now "17 minutes ago"
    with as_now(later):
        assert rendered.render_row(BASE_ROW) == render_to_string(rendered.ROW, {"row": BASE_ROW})
        assert rendered.render_row(BASE_ROW) != in_utc


@pytest.mark.django_db
def test_the_kept_form_shows_what_each_url_asked_for(client, marcus):
    named = client.get("/workflows/?q=voter&sort=name").content.decode()
    other = client.get("/workflows/?q=report&sort=name").content.decode()
    assert 'value="voter"' in named and 'value="report"' not in named
    assert 'value="report"' in other and 'value="voter"' not in other


@pytest.mark.django_db
def test_a_filter_form_its_fields_refuse_is_rendered_each_time_and_not_kept(client, marcus):
    """Its values are whatever was typed: kept, they would let anyone fill the store."""
    url = "/workflows/?q=" + "🙂" * 3900
    first = client.get(url)
    assert "workflows/_workflow_filters.html" in templates_used(first)
    assert not any(key[0] == rendered.FILTERS for key in fragments._kept)
    again = client.get(url)
    assert "workflows/_workflow_filters.html" in templates_used(again)


def test_the_store_keeps_to_its_total_counting_keys_too(monkeypatch):
    monkeypatch.setattr(fragments, "MAX_TOTAL_CHARS", 10_000)
    for n in range(100):
        fragments.kept(("long key", n, "k" * 900), lambda: "<p>row</p>")
        assert fragments.kept_chars() <= 10_000
    assert ("long key", 99, "k" * 900) in fragments._kept  # the newest stay, the oldest went
    assert ("long key", 0, "k" * 900) not in fragments._kept
    assert fragments.kept_chars() == sum(size for _, size in fragments._kept.values())
