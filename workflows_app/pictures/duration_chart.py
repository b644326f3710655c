"""How long each listed run took, as bars over time (oldest on the left), drawn on the server.

Bars use SVG attributes, not styles (the CSP forbids inline styles). Each bar's colour follows
the run's state and its <title> says run, state and duration; the history table next to the
chart is its text equivalent, so the picture is never the only way to read the numbers.
"""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from workflows_app.civis.types import Execution, ExecutionSummary
from workflows_app.pictures.graph_svg import PALETTE, TONE_COLOURS, join_markup
from workflows_app.words.counts import plural
from workflows_app.words.states import (
    CANCELLED,
    FAILED,
    SUCCEEDED,
    describe_state,
    execution_state,
)
from workflows_app.words.times import duration_words, retried_bar

Run = ExecutionSummary | Execution

VIEW_WIDTH = 720
PLOT_LEFT = 30
PLOT_TOP = 28
PLOT_HEIGHT = 160
AXIS_HEIGHT = 30
MAX_BAR_WIDTH = 40


def _finished(
    runs: Iterable[Run], retried: Mapping[int, dt.datetime]
) -> list[tuple[Run, float, bool]]:
    """(run, seconds, retried) for runs with a start and a finish, oldest first. A retried run
    counts from its retry: the hours it sat failed before it would flatten every other bar."""
    timed = []
    for run in runs:
        started, finished = run.started_at, run.finished_at
        if started and finished and finished >= started:
            at = retried.get(run.id)
            again = at is not None and started < at <= finished
            own = (finished - (at if again and at else started)).total_seconds()
            timed.append((run, own, again, started))
    timed.sort(key=lambda entry: entry[3])
    return [(run, seconds, again) for run, seconds, again, _ in timed]


def render_duration_chart(
    runs: Iterable[Run],
    described_by: str = "",
    retried: Mapping[int, dt.datetime] | None = None,
) -> SafeString | None:
    """The chart as an SVG image, or None when no listed run has finished. `retried`: when
    the last attempt of a retried run started (runs/retries.py); its bar is that attempt's,
    drawn with a dashed outline and titled so."""
    timed = _finished(runs, retried or {})
    if not timed:
        return None
    longest = max(seconds for _, seconds, _ in timed) or 1.0
    plot_width = VIEW_WIDTH - PLOT_LEFT - 10
    slot = plot_width / len(timed)
    bar_width = min(MAX_BAR_WIDTH, max(slot * 0.7, 1.0))
    parts: list[SafeString] = []
    for index, (run, seconds, again) in enumerate(timed):
        look = describe_state(execution_state(run.state, run.mistral_state), "execution")
        fill, outline = TONE_COLOURS[look.tone]
        height = max(seconds / longest * PLOT_HEIGHT, 2.0)
        x = PLOT_LEFT + index * slot + (slot - bar_width) / 2
        y = PLOT_TOP + PLOT_HEIGHT - height
        parts.append(
            format_html(
                '<rect class="duration-chart__bar" x="{}" y="{}" width="{}" height="{}" '
                'fill="{}" stroke="{}" stroke-width="1.5"{}><title>{}</title></rect>',
                f"{x:.1f}",
                f"{y:.1f}",
                f"{bar_width:.1f}",
                f"{height:.1f}",
                PALETTE[fill],
                PALETTE[outline],
                mark_safe(' stroke-dasharray="4 3"') if again else "",
                retried_bar(run.id, look.label, duration_words(seconds))
                if again
                else f"Run {run.id}: {look.label}, {duration_words(seconds)}",
            )
        )
    base = PLOT_TOP + PLOT_HEIGHT
    muted = PALETTE["muted"]
    parts.append(
        format_html(
            '<g fill="{}"><text x="{}" y="{}">longest: {}</text>'
            '<text x="{}" y="{}" text-anchor="end">0</text>'
            '<text x="{}" y="{}">oldest</text>'
            '<text x="{}" y="{}" text-anchor="end">newest</text></g>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            muted,
            PLOT_LEFT,
            PLOT_TOP - 10,
            duration_words(longest),
            PLOT_LEFT - 8,
            base,
            PLOT_LEFT,
            base + 20,
            VIEW_WIDTH - 10,
            base + 20,
            PLOT_LEFT,
            base,
            VIEW_WIDTH - 10,
            base,
            muted,
        )
    )
    label = (
        f"How long each of {plural(len(timed), 'finished run')} took, oldest to newest; "
        f"the longest took {duration_words(longest)}."
    )
    describedby = format_html(' aria-describedby="{}"', described_by) if described_by else ""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="duration-chart__picture" role="img" '
        'aria-label="{}"{} viewBox="0 0 {} {}" '
        'font-family="system-ui, sans-serif" font-size="13">'
        "<title>{}</title>{}</svg>",
        label,
        describedby,
        VIEW_WIDTH,
        base + AXIS_HEIGHT,
        label,
        join_markup(parts),
    )


def success_rate(runs: Iterable[Run]) -> tuple[int, int]:
    """(succeeded, finished) among the runs: the rate of what is listed."""
    finished = succeeded = 0
    for run in runs:
        look = describe_state(execution_state(run.state, run.mistral_state), "execution")
        if look in (SUCCEEDED, FAILED, CANCELLED):
            finished += 1
            succeeded += look == SUCCEEDED
    return succeeded, finished
