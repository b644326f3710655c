"""The task-run timeline: positions on one time scale, labels in words, bars drawn in SVG."""

import datetime as dt
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from workflows_app.civis.types import Task, TaskRun
from workflows_app.pictures.timeline import build_timeline, render_timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
T0 = dt.datetime(2026, 11, 28, 22, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def ran(name, state, started=None, finished=None):
    """A task that ran once (its run's state and times), or, without a start, one that has not
    run (the task's own state)."""
    if started is None:
        return Task(name=name, mistral_state=state)
    return Task(
        name=name,
        mistral_state=state,
        runs=(TaskRun(id=1, state=state, started_at=started, finished_at=finished),),
    )


def test_rows_sit_on_one_scale_from_the_first_start_to_the_last_finish():
    timeline = build_timeline(
        [
            ran("load", "succeeded", at(5), at(10)),
            ran("extract", "succeeded", at(0), at(5)),
        ],
        now=at(20),
    )
    assert [row.label for row in timeline.rows] == ["extract", "load"]
    assert (timeline.start, timeline.end) == (at(0), at(10))
    assert [(row.left_pct, row.width_pct) for row in timeline.rows] == [(0, 50), (50, 50)]
    assert [row.duration for row in timeline.rows] == ["5 min", "5 min"]


def test_a_run_still_going_ends_now_and_says_so():
    timeline = build_timeline(
        [
            ran("a", "succeeded", at(0), at(2)),
            ran("b", "running", at(2), None),
        ],
        now=at(4),
    )
    row = timeline.rows[1]
    assert row.still_going and row.duration == "2 min"
    assert (row.left_pct, row.width_pct) == (50, 50)
    assert row.state.label == "Running"


def test_instant_runs_still_get_a_visible_bar_and_unstarted_tasks_come_last():
    timeline = build_timeline(
        [
            ran("waiting", "waiting"),
            ran("quick", "succeeded", at(0), at(0)),
            ran("long", "failed", at(0), at(60)),
        ],
        now=at(90),
    )
    rows = {row.label: row for row in timeline.rows}
    assert rows["quick"].width_pct > 0
    assert rows["quick"].duration == "less than a second"
    assert timeline.rows[-1].label == "waiting"
    assert rows["waiting"].started_at is None
    assert rows["waiting"].state.label == "Waiting"


def test_an_executions_tasks_spread_into_numbered_runs():
    tasks = [
        Task(
            name="extract",
            mistral_state="success",
            runs=(  # the API lists runs newest first
                TaskRun(id=2, state="succeeded", started_at=at(3), finished_at=at(4)),
                TaskRun(id=1, state="failed", started_at=at(0), finished_at=at(1)),
            ),
        ),
        Task(name="publish", mistral_state="idle"),
    ]
    timeline = build_timeline(tasks, now=at(10))
    assert [(row.label, row.state.label) for row in timeline.rows] == [
        ("extract (job run 1 of 2)", "Failed"),
        ("extract (job run 2 of 2)", "Succeeded"),
        ("publish", "Not started"),
    ]


def test_the_svg_draws_one_bar_per_started_run_with_escaped_labels():
    timeline = build_timeline(
        [
            ran("<script>alert(1)</script>", "failed", at(0), at(1)),
            ran("b", "succeeded", at(1), at(3)),
            ran("c", "queued"),
        ],
        now=at(5),
    )
    with timezone.override(ZoneInfo("America/Chicago")):
        svg = render_timeline_svg(timeline)
    assert "<script>" not in svg
    root = ET.fromstring(str(svg))
    assert root.get("role") == "img"
    assert "3 task runs" in root.get("aria-label")
    assert "16:00:00 CST" in root.get("aria-label")
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "timeline__bar"]
    assert len(bars) == 2
    assert float(bars[1].get("x")) > float(bars[0].get("x"))
    assert float(bars[1].get("width")) == pytest.approx(2 * float(bars[0].get("width")), abs=0.2)
    labels = ["".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.get("x") == "0"]
    assert labels == ["✕ <script>alert(1)</script>", "✓ b", "⋯ c"]
    assert all(el.get("style") is None for el in root.iter())


def test_nothing_to_draw_when_nothing_has_started():
    timeline = build_timeline([ran("a", "queued")])
    assert timeline.start is None
    assert render_timeline_svg(timeline) is None
    assert render_timeline_svg(build_timeline([])) is None
