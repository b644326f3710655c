"""Upstream text that looks like markup comes out as text in every picture: the task graph, the
timeline and the duration chart escape it wherever it lands (element text, titles, labels)."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
import yaml

from workflows_app.civis.types import ExecutionSummary, Task, TaskRun
from workflows_app.pictures.duration_chart import render_duration_chart
from workflows_app.pictures.graph_svg import render_task_graph_svg
from workflows_app.pictures.timeline import build_timeline, render_timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
T0 = dt.datetime(2026, 11, 28, 22, 0, tzinfo=dt.UTC)
HOSTILE = ["<script>alert(1)</script>", '"><svg onload=alert(1)>', "a' onmouseover='alert(1)"]


def _only_our_markup(svg: str) -> ET.Element:
    """The picture parses as one <svg> whose elements and attributes are all our own."""
    assert "<script" not in svg and "<svg onload" not in svg
    root = ET.fromstring(svg)
    tags = {element.tag for element in root.iter()}
    assert tags <= {
        f"{SVG}{name}"
        for name in ("svg", "g", "title", "text", "tspan", "rect", "path", "defs", "marker", "line")
    }
    assert sum(1 for element in root.iter() if element.tag == f"{SVG}svg") == 1
    attributes = {name for element in root.iter() for name in element.attrib}
    assert not any(name.startswith("on") for name in attributes)
    return root


def _texts(root: ET.Element) -> str:
    """All text and attribute values, unescaped, to find the hostile words as written."""
    pieces = ["".join(element.itertext()) for element in root.iter()]
    pieces += [value for element in root.iter() for value in element.attrib.values()]
    return "\n".join(pieces)


@pytest.mark.parametrize("name", HOSTILE)
def test_task_graph_escapes_a_hostile_task_name(name):
    definition = yaml.safe_dump(
        {"wf": {"tasks": {name: {"on-success": ["next"]}, "next": {"on-error": [name]}}}}
    )
    svg = render_task_graph_svg(definition, {name: "error", "next": name})
    assert svg is not None
    root = _only_our_markup(str(svg))
    names = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "task-graph__name"]
    assert names == [name, "next"]
    texts = _texts(root)
    assert f"{name}: Failed" in texts  # the box's title
    assert f"{name} → next (on success)" in texts  # a link's title


@pytest.mark.parametrize("name", HOSTILE)
def test_timeline_escapes_a_hostile_task_name_and_state(name):
    run = TaskRun(id=1, state=name, started_at=T0, finished_at=T0 + dt.timedelta(minutes=2))
    timeline = build_timeline(
        [Task(name=name, mistral_state="error", runs=(run,))], now=T0 + dt.timedelta(hours=1)
    )
    svg = render_timeline_svg(timeline)
    assert svg is not None
    root = _only_our_markup(str(svg))
    state_word = name[:1].upper() + name[1:]  # an unknown state is shown as written
    assert f"{name}: {state_word}, 2 min" in _texts(root)


@pytest.mark.parametrize("word", HOSTILE)
def test_duration_chart_escapes_a_hostile_state_and_caption_id(word):
    run = ExecutionSummary(
        id=7, state=word, started_at=T0, finished_at=T0 + dt.timedelta(minutes=3)
    )
    svg = render_duration_chart([run], described_by=word)
    assert svg is not None
    root = _only_our_markup(str(svg))
    assert root.get("aria-describedby") == word
    state_word = word[:1].upper() + word[1:]
    assert f"Run 7: {state_word}, 3 min" in _texts(root)
