"""The task graph as an accessible SVG, drawn on the server.

Boxes carry the task name (and, on execution pages, the task's state as icon and word, never
colour alone); links are paths with arrowheads, solid for success, dashed for error, dotted for
"on complete", grey for `requires`. Every value goes in through `format_html` /
`format_html_join`, which escape it, so no text can slip in unescaped: task names come from
upstream YAML. Colours come from classes styled in console.css, with the same colours as
presentation attributes so that the picture still reads when it is shown without the stylesheet.
"""

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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


def join_markup(parts: Iterable[SafeString]) -> SafeString:
    """Pieces of markup (each built by `format_html`) as one piece; text is never joined in
    unescaped, because only markup passes through `format_html` untouched."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _markers(prefix: str) -> SafeString:
    return format_html(
        "<defs>{}</defs>",
        format_html_join(
            "",
            '<marker id="{}-{}" viewBox="0 0 10 10" refX="9" refY="5" '
            'markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
            '<path d="M0,0 L10,5 L0,10 z" fill="{}" '
            'class="task-graph__arrow task-graph__arrow--{}"/></marker>',
            ((prefix, kind, PALETTE[colour], kind) for kind, (colour, _, _) in EDGE_STYLES.items()),
        ),
    )


def _node(node: PlacedNode, look: StateLook | None, name: str) -> SafeString:
    fill, outline = TONE_COLOURS[look.tone] if look else ("surface", "muted")
    tone_class = f" task-graph__node--{look.tone}" if look else ""
    left, top = node.x - node.width / 2, node.y - node.height / 2
    name_y = node.y - 4 if look else node.y + 5
    state = (
        format_html(
            '<text x="{}" y="{}" text-anchor="middle" class="task-graph__state" fill="{}">'
            '<tspan aria-hidden="true">{}</tspan> {}</text>',
            _fmt(node.x),
            _fmt(node.y + 16),
            PALETTE["text"],
            look.icon,
            look.label,
        )
        if look is not None
        else ""
    )
    return format_html(
        '<g class="task-graph__node{}"><title>{}</title>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" stroke="{}" '
        'stroke-width="1.5"/>'
        '<text x="{}" y="{}" text-anchor="middle" class="task-graph__name" fill="{}">{}</text>'
        "{}</g>",
        tone_class,
        name if look is None else f"{name}: {look.label}",
        _fmt(left),
        _fmt(top),
        _fmt(node.width),
        _fmt(node.height),
        PALETTE[fill],
        PALETTE[outline],
        _fmt(node.x),
        _fmt(name_y),
        PALETTE["text"],
        _short(name),
        state,
    )


def svg_for_graph(graph: TaskGraph, task_states: Mapping[str, str] | None = None) -> SafeString:
    """The SVG markup for a parsed graph; every value is escaped as `format_html` puts it in."""
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
    edge_parts: list[SafeString] = []
    for edge in graph.edges:
        pair = (edge.source, edge.target)
        colour, dash, words = EDGE_STYLES[edge.kind]
        if edge.source == edge.target:
            path = _self_loop(layout, edge.source)
        else:
            siblings = kinds_by_pair[pair]
            offset = (siblings.index(edge.kind) - (len(siblings) - 1) / 2) * PARALLEL_OFFSET
            path = _edge_path(_shift(layout.routes[pair], offset), layout, pair)
        dash_attr = format_html(' stroke-dasharray="{}"', dash) if dash else ""
        edge_parts.append(
            format_html(
                '<path class="task-graph__edge task-graph__edge--{}" d="{}" fill="none" '
                'stroke="{}" stroke-width="1.6"{} marker-end="url(#{}-{})">'
                "<title>{} → {} ({})</title></path>",
                edge.kind,
                path,
                PALETTE[colour],
                dash_attr,
                prefix,
                edge.kind,
                edge.source,
                edge.target,
                words,
            )
        )
    node_parts = [
        _node(layout.nodes[node.name], looks[node.name], node.name) for node in graph.nodes
    ]
    label = (
        f"Task graph of {graph.name or 'this workflow'}: {plural(len(graph.nodes), 'task')}, "
        f"{plural(len(graph.edges), 'link')}. The list of tasks next to it says the same in words."
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="task-graph__picture" role="img" '
        'aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'font-family="system-ui, sans-serif" font-size="14">'
        '<title>{}</title>{}<g class="task-graph__edges">{}</g>'
        '<g class="task-graph__nodes">{}</g></svg>',
        label,
        _fmt(width),
        _fmt(layout.height),
        _fmt(width),
        _fmt(layout.height),
        label,
        _markers(prefix),
        join_markup(edge_parts),
        join_markup(node_parts),
    )


def render_task_graph_svg(
    definition_yaml: str, task_states: Mapping[str, str] | None = None
) -> SafeString | None:
    """The task graph of a definition as safe SVG markup, or None when it cannot be drawn
    (not YAML, or no tasks): the page then says so and shows the YAML instead."""
    graph = _cached_graph(definition_yaml) if isinstance(definition_yaml, str) else None
    if graph is None:
        return None
    return svg_for_graph(graph, task_states)
