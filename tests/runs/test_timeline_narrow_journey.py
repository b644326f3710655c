"""Chromium (issue 10, items 8 and 9): at 320 px a seeded run with many task runs keeps the page
as wide as the screen; the timeline picture scrolls inside its own box, which the keyboard
reaches and scrolls, and its table stacks. The labels the picture draws fit their column by
Chromium's own measure, long and hostile names included."""

import pytest
from playwright.sync_api import expect

from tests.pictures.test_timeline_labels import LONG, T0, runs_of
from workflows_app.civis.types import Task, TaskRun
from workflows_app.pictures.timeline import LABEL_WIDTH, build_timeline, render_timeline_svg

from .test_journeys import TOO_WIDE, open_run, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MANY = 6


def seeded_run_with_many_task_runs(admin):
    """The first run of the demo seed (newest workflows first) with MANY task runs or more."""
    for workflow in admin.iter_workflows():
        for summary in admin.list_executions(workflow.id, limit=5).items:
            execution = admin.get_executions(workflow.id, summary.id)
            if sum(len(task.runs) + len(task.executions) for task in execution.tasks) >= MANY:
                return execution
    raise AssertionError("the demo seed has no run with that many task runs")


def test_the_timeline_scrolls_in_its_own_box_at_320_px(console_server, page, admin_api, local_api):
    execution = seeded_run_with_many_task_runs(admin_api)
    sign_in_page(page, console_server.url, local_api.admin_key)
    page.set_viewport_size({"width": 320, "height": 800})
    open_run(page, console_server.url, execution)

    box = page.locator("figure.timeline")
    expect(box.locator("svg.timeline__picture")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.evaluate(TOO_WIDE)
    widths = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert widths[0] > widths[1], widths  # the picture overflows its box, not the page
    cell = page.locator(".timeline__table td[data-label='Started']").first
    assert cell.evaluate("e => getComputedStyle(e).display") == "block"  # the table stacks

    # By keyboard: Tab from the last task link reaches the box; the arrow keys scroll it.
    page.locator(".task-table tbody th a").last.focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if box.evaluate("e => e === document.activeElement"):
            break
    expect(box).to_be_focused()
    outline = box.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"  # the focus ring shows where the keys go
    assert box.evaluate("e => e.scrollLeft") == 0
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('figure.timeline').scrollLeft > 0")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('figure.timeline').scrollLeft === 0")
    page.keyboard.press("Tab")
    expect(box).not_to_be_focused()  # and the keyboard moves on
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_drawn_labels_fit_their_column_by_chromiums_measure(page):
    tasks: list[Task] = [runs_of(name, 2) for name in LONG]
    tasks.append(Task(name="short", runs=(TaskRun(id=99, state="succeeded", started_at=T0),)))
    svg = render_timeline_svg(build_timeline(tasks, now=T0))
    page.set_content(f"<!doctype html><body>{svg}</body>")
    widths = page.evaluate(
        "[...document.querySelectorAll('.timeline__row text[x=\"0\"]')]"
        ".map(t => [t.textContent, t.getComputedTextLength()])"
    )
    assert len(widths) == 2 * len(LONG) + 1
    too_wide = [(text, width) for text, width in widths if width > LABEL_WIDTH]
    assert too_wide == []


def test_at_375_px_the_timeline_keeps_its_drawn_size_and_scrolls_to_its_end(
    console_server, page, admin_api, local_api
):
    """At a phone's 375 px the picture is not scaled down to tiny text: it keeps the size it was
    drawn at, and scrolling its box sideways reaches the newest bars and the end time."""
    execution = seeded_run_with_many_task_runs(admin_api)
    sign_in_page(page, console_server.url, local_api.admin_key)
    page.set_viewport_size({"width": 375, "height": 800})
    open_run(page, console_server.url, execution)

    box = page.locator("figure.timeline")
    picture = box.locator("svg.timeline__picture")
    expect(picture).to_be_visible()
    drawn, shown = picture.evaluate(
        "e => [e.viewBox.baseVal.width, e.getBoundingClientRect().width]"
    )
    assert shown == pytest.approx(drawn, abs=1)  # one drawn unit is one CSS pixel: 13 px text
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.evaluate(TOO_WIDE)

    box.evaluate("e => { e.scrollLeft = e.scrollWidth }")
    beyond = page.evaluate(
        """() => {
          const box = document.querySelector('figure.timeline').getBoundingClientRect();
          const drawn = [...document.querySelectorAll(
            'figure.timeline .timeline__bar, figure.timeline .timeline__axis text')];
          return drawn.map(e => e.getBoundingClientRect())
            .filter(r => r.right > box.right + 0.5).length;
        }"""
    )
    assert beyond == 0  # the newest bars and the end time can be scrolled into the box
    box.scroll_into_view_if_needed()
    expect(picture.locator(".timeline__axis text").last).to_be_in_viewport()  # the end time
