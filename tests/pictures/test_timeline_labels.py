"""Issue 10, item 9: the timeline's labels fit their column. A long task name is cut with an
ellipsis (the run's number kept), the row's title holds it whole, and hostile names stay text.
Widths are the estimate's (workflows_app/pictures/text_width.py), which Chromium's own
measure checks in tests/runs/test_timeline_narrow_journey.py."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from workflows_app.civis.types import Task, TaskRun
from workflows_app.pictures.text_width import fit, text_width
from workflows_app.pictures.timeline import (
    FONT_PX,
    ICON_ROOM,
    LABEL_WIDTH,
    build_timeline,
    render_timeline_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
T0 = dt.datetime(2026, 11, 28, 22, 0, tzinfo=dt.UTC)
LONG = [
    "load_the_nightly_crm_extract_into_salesforce_for_the_marketing_team",
    "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
    "夜間のCRM抽出をセールスフォースに読み込む長いタスク名",
    "😀" * 40,
    "e\u0301" * 60,  # letters with combining accents: never cut between letter and accent
    "<script>alert(1)</script>" * 3,
    '"><svg onload=alert(1)>' * 3,
    "invoice\u202egnp.exe_for_every_customer_of_the_month",  # right-to-left override
]


def runs_of(name: str, count: int) -> Task:
    runs = tuple(
        TaskRun(
            id=number,
            state="failed" if number < count else "succeeded",
            started_at=T0 + dt.timedelta(minutes=2 * number),
            finished_at=T0 + dt.timedelta(minutes=2 * number + 1),
        )
        for number in range(1, count + 1)
    )
    return Task(name=name, mistral_state="success", runs=runs)


def labels(svg) -> list[tuple[str, str]]:
    """(label as drawn without its icon, the row's title) per row."""
    root = ET.fromstring(str(svg))
    rows = [g for g in root.iter(f"{SVG}g") if "timeline__row" in (g.get("class") or "")]
    found = []
    for row in rows:
        text = next(t for t in row.iter(f"{SVG}text") if t.get("x") == "0")
        icon = text.find(f"{SVG}tspan")
        drawn = (icon.tail or "").strip()
        found.append((drawn, row.find(f"{SVG}title").text))
    return found


@pytest.mark.parametrize("name", LONG)
def test_a_long_name_is_cut_to_its_column_and_titled_in_full(name):
    svg = render_timeline_svg(build_timeline([runs_of(name, 1)], now=T0))
    [(drawn, title)] = labels(svg)
    assert text_width(drawn, FONT_PX) <= LABEL_WIDTH - ICON_ROOM, drawn
    assert drawn.endswith("…")
    assert title.startswith(name + ":")  # the whole name, as it came
    assert "<script" not in str(svg) and "<svg onload" not in str(svg)
    assert not any(0x202A <= ord(char) <= 0x202E for char in drawn)
    assert drawn[-2] != "\u0301" or drawn[-3] == "e"


def test_the_run_number_of_a_long_name_is_kept():
    name = LONG[0]
    svg = render_timeline_svg(build_timeline([runs_of(name, 3)], now=T0))
    drawn = [label for label, _ in labels(svg)]
    assert [label.rsplit("… ", 1)[1] for label in drawn] == [
        "(job run 1 of 3)",
        "(job run 2 of 3)",
        "(job run 3 of 3)",
    ]
    assert all(text_width(label, FONT_PX) <= LABEL_WIDTH - ICON_ROOM for label in drawn)


def test_a_name_that_fits_is_drawn_whole():
    svg = render_timeline_svg(build_timeline([runs_of("load_crm", 2)], now=T0))
    assert [label for label, _ in labels(svg)] == [
        "load_crm (job run 1 of 2)",
        "load_crm (job run 2 of 2)",
    ]


def test_fit_cuts_only_the_text_and_never_splits_a_pair():
    assert fit("abc", 100, 13) == "abc"
    cut = fit("x" * 100, 100, 13, keep=" (run 1 of 2)")
    assert cut.endswith("… (run 1 of 2)") and text_width(cut, 13) <= 100
    assert fit("😀" * 50, 60, 13).count("\ud83d") == 0  # whole code points only
