"""How long each listed run took, as bars over time (oldest on the left), drawn on the server.

Bars use SVG attributes, not styles (the CSP forbids inline styles). Each bar's colour follows
the run's state and its <title> says run, state and duration; the history table next to the
chart is its text equivalent, so the picture is never the only way to read the numbers.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from workflows_app.pictures.graph_svg import PALETTE, TONE_COLOURS
from workflows_app.words.counts import plural
from workflows_app.words.fields import field
from workflows_app.words.states import (
    CANCELLED,
    FAILED,
    SUCCEEDED,
    describe_state,
    execution_state,
)
from workflows_app.words.times import as_datetime, duration_words

VIEW_WIDTH = 720
PLOT_LEFT = 30
PLOT_TOP = 28
PLOT_HEIGHT = 160
AXIS_HEIGHT = 30
MAX_BAR_WIDTH = 40


def _finished(runs: Iterable[Any]) -> list[tuple[Any, float]]:
    """(run, seconds) for runs with a start and a finish, oldest first."""
    timed = []
    for run in runs:
        started = as_datetime(field(run, "started_at"))
        finished = as_datetime(field(run, "finished_at"))
        if started and finished and finished >= started:
            timed.append((run, (finished - started).total_seconds(), started))
    timed.sort(key=lambda entry: entry[2])
    return [(run, seconds) for run, seconds, _ in timed]


def render_duration_chart(runs: Iterable[Any], described_by: str = "") -> SafeString | None:
    """The chart as an SVG image, or None when no listed run has finished."""
    timed = _finished(runs)
    if not timed:
        return None
    longest = max(seconds for _, seconds in timed) or 1.0
    plot_width = VIEW_WIDTH - PLOT_LEFT - 10
    slot = plot_width / len(timed)
    bar_width = min(MAX_BAR_WIDTH, max(slot * 0.7, 1.0))
    parts = []
    for index, (run, seconds) in enumerate(timed):
        look = describe_state(execution_state(field(run, "state"), field(run, "mistral_state")), "execution")
        fill, outline = TONE_COLOURS[look.tone]
        height = max(seconds / longest * PLOT_HEIGHT, 2.0)
        x = PLOT_LEFT + index * slot + (slot - bar_width) / 2
        y = PLOT_TOP + PLOT_HEIGHT - height
        words = f"Run {field(run, 'id')}: {look.label}, {duration_words(seconds)}"
        parts.append(
            f'<rect class="duration-chart__bar" x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" '
            f'height="{height:.1f}" fill="{PALETTE[fill]}" stroke="{PALETTE[outline]}" '
            f'stroke-width="1.5"><title>{escape(words)}</title></rect>'
        )
    base = PLOT_TOP + PLOT_HEIGHT
    muted = PALETTE["muted"]
    parts.append(
        f'<g fill="{muted}"><text x="{PLOT_LEFT}" y="{PLOT_TOP - 10}">'
        f"longest: {escape(duration_words(longest))}</text>"
        f'<text x="{PLOT_LEFT - 8}" y="{base}" text-anchor="end">0</text>'
        f'<text x="{PLOT_LEFT}" y="{base + 20}">oldest</text>'
        f'<text x="{VIEW_WIDTH - 10}" y="{base + 20}" text-anchor="end">newest</text></g>'
        f'<line x1="{PLOT_LEFT}" y1="{base}" x2="{VIEW_WIDTH - 10}" y2="{base}" '
        f'stroke="{muted}" stroke-width="1"/>'
    )
    label = (
        f"How long each of {plural(len(timed), 'finished run')} took, oldest to newest; "
        f"the longest took {duration_words(longest)}."
    )
    describedby = f' aria-describedby="{escape(described_by)}"' if described_by else ""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="duration-chart__picture" role="img" '
        f'aria-label="{escape(label)}"{describedby} '
        f'viewBox="0 0 {VIEW_WIDTH} {base + AXIS_HEIGHT}" '
        f'font-family="system-ui, sans-serif" font-size="13">'
        f"<title>{escape(label)}</title>{''.join(parts)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every piece of text is escaped above


def success_rate(runs: Iterable[Any]) -> tuple[int, int]:
    """(succeeded, finished) among the runs: the rate of what is listed."""
    finished = succeeded = 0
    for run in runs:
        look = describe_state(execution_state(field(run, "state"), field(run, "mistral_state")), "execution")
        if look in (SUCCEEDED, FAILED, CANCELLED):
            finished += 1
            succeeded += look == SUCCEEDED
    return succeeded, finished
