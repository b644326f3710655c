"""A timeline (Gantt) of the task runs of one execution.

`build_timeline` turns an execution's tasks (the service module's `Task`, with their runs and
child executions) into rows with left% / width% on a shared time scale; the SVG is
drawn with x / width attributes because the CSP forbids the inline styles that sized divs would
need. Each row says its task, state (icon and word) and duration in text, so the bars are never
the only way to read it; the partial adds the same facts as a table.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from workflows_app.civis.types import ChildExecution, Task, TaskRun
from workflows_app.pictures.graph_svg import PALETTE, TONE_COLOURS, join_markup
from workflows_app.pictures.text_width import fit
from workflows_app.words.counts import plural
from workflows_app.words.runs import which_run
from workflows_app.words.states import StateLook, describe_state
from workflows_app.words.times import duration_words

MIN_WIDTH_PCT = 0.6
VIEW_WIDTH = 800
LABEL_WIDTH = 230
BAR_LEFT = LABEL_WIDTH + 10
BAR_SPACE = VIEW_WIDTH - BAR_LEFT - 120  # room on the right for the duration
ROW_HEIGHT = 30
AXIS_HEIGHT = 28
FONT_PX = 13
ICON_ROOM = 20  # the state's icon and a space, before the name


@dataclass(frozen=True)
class TimelineRow:
    label: str
    state: StateLook
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    left_pct: float
    width_pct: float
    duration: str
    still_going: bool
    name: str = ""  # the task's name, and which job run this is when it ran more than once
    run_words: str = ""


@dataclass(frozen=True)
class Timeline:
    rows: tuple[TimelineRow, ...]
    start: dt.datetime | None
    end: dt.datetime | None


Entry = tuple[str, str, str | None, dt.datetime | None, dt.datetime | None]
NOT_STARTED_LAST = dt.datetime.max.replace(tzinfo=dt.UTC)


def _entries(tasks: Iterable[Task]) -> list[Entry]:
    """(name, which run, state, started, finished) per run. An execution's tasks (with `runs`
    and child `executions`) are spread into one entry per run, numbered when a task ran more
    than once; a task with neither gets one entry without times (it has not started)."""
    entries: list[Entry] = []
    for task in tasks:
        name = task.name or "Task"
        runs: list[TaskRun | ChildExecution] = [*task.runs, *task.executions]
        if not runs:
            entries.append((name, "", task.mistral_state, None, None))
            continue
        runs.sort(key=lambda run: run.started_at or NOT_STARTED_LAST)
        for number, run in enumerate(runs, start=1):
            which = which_run(number, len(runs), of_job=isinstance(run, TaskRun))
            entries.append((name, which, run.state, run.started_at, run.finished_at))
    return entries


def build_timeline(tasks: Iterable[Task], now: dt.datetime | None = None) -> Timeline:
    """Rows in start order (runs not started yet last) for an execution's tasks; runs not
    finished yet end now."""
    now = now or timezone.now()
    items = [
        ((name, which), describe_state(state, "task"), started, finished)
        for name, which, state, started, finished in _entries(tasks)
    ]
    timed = [(s, f or max(now, s)) for _, _, s, f in items if s is not None]
    if not timed:
        waiting = (
            TimelineRow(name + which, look, s, f, 0.0, 0.0, "", False, name, which)
            for (name, which), look, s, f in items
        )
        return Timeline(tuple(waiting), None, None)
    start = min(s for s, _ in timed)
    end = max(f for _, f in timed)
    span = max((end - start).total_seconds(), 1.0)
    rows: list[TimelineRow] = []
    for (name, which), look, started, finished in items:
        label = name + which
        if started is None:
            rows.append(TimelineRow(label, look, None, finished, 0.0, 0.0, "", False, name, which))
            continue
        until = finished or max(now, started)
        left = (started - start).total_seconds() / span * 100
        width = max((until - started).total_seconds() / span * 100, MIN_WIDTH_PCT)
        width = min(width, 100 - left) if left < 100 else MIN_WIDTH_PCT
        rows.append(
            TimelineRow(
                label,
                look,
                started,
                finished,
                round(left, 3),
                round(width, 3),
                duration_words(until - started),
                finished is None,
                name,
                which,
            )
        )
    rows.sort(key=lambda row: (row.started_at is None, row.started_at or start))
    return Timeline(tuple(rows), start, end)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _clock(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M:%S} {local.tzname() or ''}".rstrip()


def render_timeline_svg(timeline: Timeline) -> SafeString | None:
    """The timeline as an SVG image (role="img" with a label), or None with nothing to draw."""
    if not timeline.rows or timeline.start is None or timeline.end is None:
        return None
    height = len(timeline.rows) * ROW_HEIGHT + AXIS_HEIGHT
    parts: list[SafeString] = []
    for index, row in enumerate(timeline.rows):
        top = index * ROW_HEIGHT
        # Cut to the label column (the run's number kept); the row's title has it whole.
        name = fit(row.name or row.label, LABEL_WIDTH - ICON_ROOM, FONT_PX, row.run_words)
        bar: SafeString | str = ""
        if row.started_at is not None:
            fill, outline = TONE_COLOURS[row.state.tone]
            x = BAR_LEFT + row.left_pct / 100 * BAR_SPACE
            width = row.width_pct / 100 * BAR_SPACE
            bar = format_html(
                '<rect class="timeline__bar" x="{}" y="{}" width="{}" height="{}" rx="3" '
                'fill="{}" stroke="{}" stroke-width="1.5"/>'
                '<text x="{}" y="{}" class="timeline__duration" fill="{}">{}{}</text>',
                _fmt(x),
                top + 6,
                _fmt(width),
                ROW_HEIGHT - 12,
                PALETTE[fill],
                PALETTE[outline],
                _fmt(x + width + 6),
                top + 20,
                PALETTE["muted"],
                row.duration,
                " so far" if row.still_going else "",
            )
        parts.append(
            format_html(
                '<g class="timeline__row timeline__row--{}"><title>{}</title>'
                '<text x="0" y="{}" fill="{}"><tspan aria-hidden="true">{}</tspan> {}</text>'
                "{}</g>",
                row.state.tone,
                f"{row.label}: {row.state.label}, {row.duration}".rstrip(", "),
                top + 20,
                PALETTE["text"],
                row.state.icon,
                name,
                bar,
            )
        )
    axis_y = len(timeline.rows) * ROW_HEIGHT + 18
    parts.append(
        format_html(
            '<g class="timeline__axis" fill="{}"><text x="{}" y="{}">{}</text>'
            '<text x="{}" y="{}" text-anchor="end">{}</text></g>',
            PALETTE["muted"],
            BAR_LEFT,
            axis_y,
            _clock(timeline.start),
            BAR_LEFT + BAR_SPACE,
            axis_y,
            _clock(timeline.end),
        )
    )
    label = (
        f"Timeline of {plural(len(timeline.rows), 'task run')} from {_clock(timeline.start)} "
        f"to {_clock(timeline.end)}. The table below lists the same runs."
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="timeline__picture" role="img" '
        'aria-label="{}" width="{}" height="{}" viewBox="0 0 {} {}" '
        'font-family="system-ui, sans-serif" font-size="{}"><title>{}</title>{}</svg>',
        label,
        VIEW_WIDTH,  # its drawn size, which a narrow screen keeps (console.css) and scrolls
        height,
        VIEW_WIDTH,
        height,
        FONT_PX,
        label,
        join_markup(parts),
    )
