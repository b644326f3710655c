"""The task graph as an accessible SVG, drawn on the server.

Boxes carry the task name (and, on execution pages, the task's state as icon and word, never
colour alone); links are paths with arrowheads, solid for success, dashed for error, dotted for
"on complete", grey for `requires`. All text is escaped: task names come from upstream YAML.
Colours come from classes styled in console.css, with the same colours as presentation
attributes so that the picture still reads when it is shown without the stylesheet.
"""

import hashlib
import math
from collections import defaultdict
from collections.abc import Mapping
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from workflows_app.pictures.graph_layout import GraphLayout, PlacedNode, Point, layout_graph
from workflows_app.pictures.task_graph import TaskGraph, TaskGraphError, parse_task_graph
from workflows_app.words.counts import plural
from workflows_app.words.states import StateLook, describe_state

CHAR_WIDTH = 8.2
MAX_NAME_CHARS = 30
BOX_PADDING = 24
MIN_BOX_WIDTH = 96
BOX_HEIGHT = 40
BOX_HEIGHT_WITH_STATE = 58
PARALLEL_OFFSET = 7

# Mirrors the custom properties in console.css (a test keeps them equal).
PALETTE = {
    "text": "#1f2328",
    "muted": "#57606a",
    "surface": "#ffffff",
    "ok": "#116329",
    "ok-bg": "#dafbe1",
    "bad": "#a40e26",
    "bad-bg": "#ffebe9",
    "warn": "#7d4e00",
    "warn-bg": "#fff8c5",
    "info": "#0a3069",
    "info-bg": "#ddf4ff",
    "neutral-bg": "#eaeef2",
}
TONE_COLOURS = {  # tone → (box fill, box outline)
    "good": ("ok-bg", "ok"),
    "bad": ("bad-bg", "bad"),
    "warn": ("warn-bg", "warn"),
    "info": ("info-bg", "info"),
    "neutral": ("neutral-bg", "muted"),
}
EDGE_STYLES = {  # kind → (colour, dash pattern, words for the tooltip)
    "success": ("ok", "", "on success"),
    "error": ("bad", "7 4", "on error"),
    "complete": ("muted", "2 3", "on completion"),
    "requires": ("muted", "", "is required by"),
}


def _short(name: str) -> str:
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


def _box_size(name: str, look: StateLook | None) -> tuple[float, float]:
    chars = len(_short(name))
    if look is not None:
        chars = max(chars, len(look.label) + 2)
    width = max(MIN_BOX_WIDTH, math.ceil(chars * CHAR_WIDTH) + BOX_PADDING)
    return float(width), float(BOX_HEIGHT_WITH_STATE if look else BOX_HEIGHT)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _clip(centre: Point, towards: Point, width: float, height: float) -> Point:
    """Where the line from a box's centre towards a point leaves the box."""
    (cx, cy), (px, py) = centre, towards
    dx, dy = px - cx, py - cy
    if dx == 0 and dy == 0:
        return centre
    scale = min(
        (width / 2) / abs(dx) if dx else math.inf,
        (height / 2) / abs(dy) if dy else math.inf,
    )
    return cx + dx * scale, cy + dy * scale


def _edge_path(points: tuple[Point, ...], layout: GraphLayout, pair: tuple[str, str]) -> str:
    source, target = layout.nodes[pair[0]], layout.nodes[pair[1]]
    start = _clip(points[0], points[1], source.width, source.height)
    end = _clip(points[-1], points[-2], target.width, target.height)
    if end[1] < start[1]:  # a link back up (a loop): bow it out to the right of both boxes
        reach = max(source.x + source.width / 2, target.x + target.width / 2) + 28
        start = (source.x + source.width / 2, source.y)
        end = (target.x + target.width / 2, target.y)
        return (
            f"M{_fmt(start[0])},{_fmt(start[1])} C{_fmt(reach)},{_fmt(start[1])} "
            f"{_fmt(reach)},{_fmt(end[1])} {_fmt(end[0])},{_fmt(end[1])}"
        )
    middle = " ".join(f"L{_fmt(x)},{_fmt(y)}" for x, y in points[1:-1])
    return f"M{_fmt(start[0])},{_fmt(start[1])} {middle} L{_fmt(end[0])},{_fmt(end[1])}".replace(
        "  ", " "
    )


def _self_loop(layout: GraphLayout, name: str) -> str:
    node = layout.nodes[name]
    right, top, bottom = node.x + node.width / 2, node.y - 8, node.y + 8
    return (
        f"M{_fmt(right)},{_fmt(top)} C{_fmt(right + 34)},{_fmt(top - 14)} "
        f"{_fmt(right + 34)},{_fmt(bottom + 14)} {_fmt(right)},{_fmt(bottom)}"
    )


def _shift(points: tuple[Point, ...], offset: float) -> tuple[Point, ...]:
    return tuple((x + offset, y) for x, y in points)


@lru_cache(maxsize=64)
def _cached_graph(definition: str) -> TaskGraph | None:
    try:
        return parse_task_graph(definition)
    except TaskGraphError:
        return None


def _markers(prefix: str) -> str:
    parts = []
    for kind, (colour, _, _) in EDGE_STYLES.items():
        parts.append(
            f'<marker id="{prefix}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" '
            f'markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{PALETTE[colour]}" '
            f'class="task-graph__arrow task-graph__arrow--{kind}"/></marker>'
        )
    return "<defs>" + "".join(parts) + "</defs>"


def _node(node: PlacedNode, look: StateLook | None, name: str) -> str:
    fill, outline = TONE_COLOURS[look.tone] if look else ("surface", "muted")
    tone_class = f" task-graph__node--{look.tone}" if look else ""
    left, top = node.x - node.width / 2, node.y - node.height / 2
    hover = escape(name if look is None else f"{name}: {look.label}")
    parts = [
        f'<g class="task-graph__node{tone_class}"><title>{hover}</title>',
        f'<rect x="{_fmt(left)}" y="{_fmt(top)}" width="{_fmt(node.width)}" '
        f'height="{_fmt(node.height)}" rx="6" fill="{PALETTE[fill]}" '
        f'stroke="{PALETTE[outline]}" stroke-width="1.5"/>',
    ]
    name_y = node.y - 4 if look else node.y + 5
    parts.append(
        f'<text x="{_fmt(node.x)}" y="{_fmt(name_y)}" text-anchor="middle" '
        f'class="task-graph__name" fill="{PALETTE["text"]}">{escape(_short(name))}</text>'
    )
    if look is not None:
        parts.append(
            f'<text x="{_fmt(node.x)}" y="{_fmt(node.y + 16)}" text-anchor="middle" '
            f'class="task-graph__state" fill="{PALETTE["text"]}">'
            f'<tspan aria-hidden="true">{escape(look.icon)}</tspan> {escape(look.label)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def svg_for_graph(graph: TaskGraph, task_states: Mapping[str, str] | None = None) -> str:
    """The SVG markup (a plain string, every piece of text escaped) for a parsed graph."""
    states = dict(task_states or {})
    looks = {
        node.name: describe_state(states[node.name], "task") if node.name in states else None
        for node in graph.nodes
    }
    sizes = {name: _box_size(name, look) for name, look in looks.items()}
    layout = layout_graph(graph, sizes)
    has_loops = any(edge.source == edge.target for edge in graph.edges)
    width = layout.width + (40 if has_loops or graph.edges else 0)
    digest = hashlib.sha1(  # noqa: S324 - an id for markers, not security
        repr((graph, sorted(states.items()))).encode()
    ).hexdigest()[:10]
    prefix = f"tg-{digest}"

    kinds_by_pair: dict[tuple[str, str], list[str]] = defaultdict(list)
    for edge in graph.edges:
        kinds_by_pair[(edge.source, edge.target)].append(edge.kind)
    edge_parts = []
    for edge in graph.edges:
        pair = (edge.source, edge.target)
        colour, dash, words = EDGE_STYLES[edge.kind]
        if edge.source == edge.target:
            path = _self_loop(layout, edge.source)
        else:
            siblings = kinds_by_pair[pair]
            offset = (siblings.index(edge.kind) - (len(siblings) - 1) / 2) * PARALLEL_OFFSET
            path = _edge_path(_shift(layout.routes[pair], offset), layout, pair)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        edge_parts.append(
            f'<path class="task-graph__edge task-graph__edge--{edge.kind}" d="{path}" '
            f'fill="none" stroke="{PALETTE[colour]}" stroke-width="1.6"{dash_attr} '
            f'marker-end="url(#{prefix}-{edge.kind})">'
            f"<title>{escape(f'{edge.source} → {edge.target} ({words})')}</title></path>"
        )
    node_parts = [
        _node(layout.nodes[node.name], looks[node.name], node.name) for node in graph.nodes
    ]
    label = (
        f"Task graph of {graph.name or 'this workflow'}: {plural(len(graph.nodes), 'task')}, "
        f"{plural(len(graph.edges), 'link')}. The list of tasks next to it says the same in words."
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="task-graph__picture" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {_fmt(width)} {_fmt(layout.height)}" '
        f'width="{_fmt(width)}" height="{_fmt(layout.height)}" '
        f'font-family="system-ui, sans-serif" font-size="14">'
        f"<title>{escape(label)}</title>{_markers(prefix)}"
        f'<g class="task-graph__edges">{"".join(edge_parts)}</g>'
        f'<g class="task-graph__nodes">{"".join(node_parts)}</g></svg>'
    )


def render_task_graph_svg(
    definition_yaml: str, task_states: Mapping[str, str] | None = None
) -> SafeString | None:
    """The task graph of a definition as safe SVG markup, or None when it cannot be drawn
    (not YAML, or no tasks): the page then says so and shows the YAML instead."""
    graph = _cached_graph(definition_yaml) if isinstance(definition_yaml, str) else None
    if graph is None:
        return None
    return mark_safe(svg_for_graph(graph, task_states))  # noqa: S308 - all text escaped above
