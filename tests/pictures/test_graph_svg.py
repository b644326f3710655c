"""The task graph picture: well-formed, accessible, escaped, readable and deterministic."""

import itertools
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.utils.safestring import SafeString

from workflows_app.pictures.graph_svg import render_task_graph_svg
from workflows_app.pictures.task_graph import parse_task_graph

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]

PIPELINE = """
version: '2.0'
nightly_load:
  tasks:
    extract_sales:
      on-success: [clean_sales, extract_returns]
      on-error: [notify_failure]
    extract_returns:
      on-success: [merge]
      on-error:
        - extract_returns: <% $.retries < 3 %>
    clean_sales:
      on-success: [merge]
      on-error: [notify_failure]
    merge:
      join: all
      on-complete: [publish_dashboard]
    publish_dashboard:
      on-error: [notify_failure, fail]
    notify_failure: {}
    standalone_check: {}
"""


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def boxes(root: ET.Element) -> list[tuple[float, float, float, float]]:
    return [
        tuple(float(rect.get(key)) for key in ("x", "y", "width", "height"))
        for rect in root.iter(f"{SVG}rect")
    ]


def test_the_picture_is_an_accessible_image_with_a_title():
    svg = render_task_graph_svg(PIPELINE)
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.get("role") == "img"
    assert "7 tasks" in root.get("aria-label")
    assert "nightly_load" in root.find(f"{SVG}title").text


def test_every_task_has_a_box_with_its_name():
    root = parse(render_task_graph_svg(PIPELINE))
    names = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "task-graph__name"]
    assert names == [n.name for n in parse_task_graph(PIPELINE).nodes]
    assert len(boxes(root)) == 7


def test_boxes_do_not_overlap_and_stay_inside_the_picture():
    root = parse(render_task_graph_svg(PIPELINE))
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    placed = boxes(root)
    for x, y, w, h in placed:
        assert x >= 0 and y >= 0
        assert x + w <= width and y + h <= height
    for (ax, ay, aw, ah), (bx, by, bw, bh) in itertools.combinations(placed, 2):
        apart = ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay
        assert apart, "two task boxes overlap"


def test_links_have_arrowheads_and_error_links_are_dashed():
    root = parse(render_task_graph_svg(PIPELINE))
    paths = [p for p in root.iter(f"{SVG}path") if "task-graph__edge" in (p.get("class") or "")]
    assert len(paths) == len(parse_task_graph(PIPELINE).edges)
    marker_ids = {m.get("id") for m in root.iter(f"{SVG}marker")}
    dashes = {"success": None, "error": "7 4", "complete": "2 3"}
    for path in paths:
        assert path.get("marker-end")[5:-1] in marker_ids
        kind = path.get("class").rsplit("--", 1)[1]
        assert path.get("stroke-dasharray") == dashes[kind]


def test_a_script_in_a_task_name_is_drawn_as_text():
    svg = render_task_graph_svg(
        "wf:\n  tasks:\n    '<script>alert(1)</script>':\n      on-success: ['b\" onload=\"x']\n"
        "    'b\" onload=\"x': {}\n"
    )
    assert "<script>" not in svg
    assert 'onload="x"' not in svg
    root = parse(svg)
    assert not list(root.iter(f"{SVG}script"))
    names = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "task-graph__name"]
    assert names == ["<script>alert(1)</script>", 'b" onload="x']


def test_no_inline_style_attributes_because_the_csp_forbids_them():
    svg = render_task_graph_svg(PIPELINE, {"extract_sales": "success"})
    assert all(el.get("style") is None for el in parse(svg).iter())


def test_task_states_colour_the_boxes_with_icon_and_word():
    svg = render_task_graph_svg(PIPELINE, {"extract_sales": "success", "clean_sales": "error"})
    root = parse(svg)
    groups = {
        g.find(f"{SVG}text").text: g
        for g in root.iter(f"{SVG}g")
        if "task-graph__node" in (g.get("class") or "").split()
    }
    assert "task-graph__node--good" in groups["extract_sales"].get("class")
    assert "task-graph__node--bad" in groups["clean_sales"].get("class")
    state_text = "".join(
        groups["clean_sales"].find(f"{SVG}text[@class='task-graph__state']").itertext()
    )
    assert state_text == "✕ Failed"
    assert groups["merge"].get("class") == "task-graph__node"


@pytest.mark.parametrize(
    "definition",
    [
        "wf:\n  tasks:\n    only_task: {action: std.noop}\n",
        "wf:\n  tasks:\n    a: {on-success: [b]}\n    b: {on-success: [c]}\n"
        "    c: {on-success: [a]}\n",
        "wf:\n  tasks:\n    a: {on-error: [a]}\n",
        "wf:\n  tasks:\n    a: {}\n    b: {}\n    c: {}\n",
        "wf:\n  tasks:\n    a: {on-success: [b], on-error: [b], on-complete: [b]}\n    b: {}\n",
    ],
    ids=["single", "cycle", "self-loop", "disconnected", "parallel-links"],
)
def test_awkward_shapes_still_draw(definition):
    root = parse(render_task_graph_svg(definition))
    assert len(boxes(root)) == len(parse_task_graph(definition).nodes)


def test_parallel_links_between_two_tasks_do_not_lie_on_top_of_each_other():
    svg = render_task_graph_svg(
        "wf:\n  tasks:\n    a: {on-success: [b], on-error: [b]}\n    b: {}\n"
    )
    paths = [p.get("d") for p in parse(svg).iter(f"{SVG}path") if p.get("marker-end")]
    assert len(paths) == 2 and paths[0] != paths[1]


@pytest.mark.parametrize("definition", ["wf: [unclosed", "", "wf:\n  tasks: {}\n", None])
def test_definitions_we_cannot_draw_give_none(definition):
    assert render_task_graph_svg(definition) is None


def test_the_same_definition_gives_the_same_picture_in_another_process():
    script = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from workflows_app.pictures.graph_svg import render_task_graph_svg\n"
        "sys.stdout.write(render_task_graph_svg(sys.stdin.read(), {'merge': 'running'}))\n"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "DJANGO_SETTINGS_MODULE": "webui.settings"}
        result = subprocess.run(
            [sys.executable, "-c", script],
            input=PIPELINE,
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=60,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert outputs.pop() == str(render_task_graph_svg(PIPELINE, {"merge": "running"}))
