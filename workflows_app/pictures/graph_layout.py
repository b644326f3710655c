"""Positions for the task graph, computed by grandalf's Sugiyama (layered) layout.

Tasks flow top to bottom. Each connected part of the graph is laid out on its own and the parts
are placed side by side in the order the definition lists them. Cycles (retry loops written as
`on-error: [same_task_before]`) are broken by reversing the edges a depth-first walk finds going
backwards, chosen in definition order so that the same definition always gives the same picture.
"""

from dataclasses import dataclass

from grandalf.graphs import Edge, Graph, Vertex
from grandalf.layouts import SugiyamaLayout

from workflows_app.pictures.task_graph import TaskGraph

X_SPACE = 36
Y_SPACE = 56
COMPONENT_GAP = 48
MARGIN = 16

Point = tuple[float, float]


@dataclass(frozen=True)
class PlacedNode:
    name: str
    x: float  # centre
    y: float  # centre
    width: float
    height: float


@dataclass(frozen=True)
class GraphLayout:
    nodes: dict[str, PlacedNode]
    routes: dict[tuple[str, str], tuple[Point, ...]]  # centre-to-centre, through bends
    width: float
    height: float


class _Box:
    """The view grandalf reads sizes from and writes positions to."""

    def __init__(self, width: float, height: float):
        self.w = width
        self.h = height
        self.xy: Point = (0.0, 0.0)


class _Route:
    def __init__(self) -> None:
        self.points: list[Point] = []

    def setpath(self, points: list[Point]) -> None:
        self.points = [(float(x), float(y)) for x, y in points]


def _back_edges(names: list[str], pairs: list[tuple[str, str]], roots: list[str]) -> set:
    """Edges that close a cycle, found by an iterative depth-first walk in definition order."""
    children: dict[str, list[str]] = {name: [] for name in names}
    for source, target in pairs:
        children[source].append(target)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    back: set[tuple[str, str]] = set()
    for start in roots + names:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(children[start]))]
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(children[child])))
    return back


def layout_graph(graph: TaskGraph, sizes: dict[str, tuple[float, float]]) -> GraphLayout:
    """Place every task (sizes gives each box's width and height) and route each link."""
    names = [node.name for node in graph.nodes]
    order = {name: index for index, name in enumerate(names)}
    pairs = sorted(
        {(e.source, e.target) for e in graph.edges if e.source != e.target},
        key=lambda pair: (order[pair[0]], order[pair[1]]),
    )
    vertices = {name: Vertex(name) for name in names}
    for name, vertex in vertices.items():
        vertex.view = _Box(*sizes[name])
    edges = {}
    for source, target in pairs:
        edge = Edge(vertices[source], vertices[target])
        edge.view = _Route()
        edges[(source, target)] = edge
    whole = Graph(list(vertices.values()), list(edges.values()))
    parts = sorted(whole.C, key=lambda part: min(order[v.data] for v in part.sV))

    placed: dict[str, PlacedNode] = {}
    routes: dict[tuple[str, str], tuple[Point, ...]] = {}
    left = MARGIN
    height = 0.0
    for part in parts:
        members = sorted((v.data for v in part.sV), key=order.__getitem__)
        inside = [pair for pair in pairs if pair[0] in members and pair[1] in members]
        has_parent = {target for _, target in inside}
        roots = [name for name in members if name not in has_parent] or members[:1]
        back = _back_edges(members, inside, roots)
        layout = SugiyamaLayout(part)
        layout.xspace, layout.yspace = X_SPACE, Y_SPACE
        layout.init_all(
            roots=[vertices[name] for name in roots],
            inverted_edges=[edges[pair] for pair in inside if pair in back],
        )
        layout.draw()
        boxes = [vertices[name].view for name in members]
        min_x = min(box.xy[0] - box.w / 2 for box in boxes)
        min_y = min(box.xy[1] - box.h / 2 for box in boxes)
        max_x = max(box.xy[0] + box.w / 2 for box in boxes)
        max_y = max(box.xy[1] + box.h / 2 for box in boxes)
        dx, dy = left - min_x, MARGIN - min_y
        for name in members:
            box = vertices[name].view
            placed[name] = PlacedNode(name, box.xy[0] + dx, box.xy[1] + dy, box.w, box.h)
        for pair in inside:
            points = edges[pair].view.points
            routes[pair] = tuple((x + dx, y + dy) for x, y in points)
        left += (max_x - min_x) + COMPONENT_GAP
        height = max(height, max_y - min_y)
    width = left - COMPONENT_GAP + MARGIN
    return GraphLayout(placed, routes, width, height + 2 * MARGIN)
