"""One graph from a universal resolution's forks, and the markers under which each node is
reachable (uv's ``ResolverOutput::from_state`` graph and ``marker_reachability``), for
``pip compile --universal``: each edge's marker is AND-ed with its fork's markers and OR-ed over
the forks that have it; a node's marker is the union over every path from the root.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prong.pep508.markers import MarkerTree
    from prong.resolver.universal_result import Node, UniversalResolution

__all__ = ["ResolutionGraph", "merge_forks"]


@dataclass(slots=True)
class ResolutionGraph:
    """Nodes (projects, their extras and groups; the root is ``Node(None, None)``) and edges
    ``parent -> child -> marker``; ``markers`` is each node's reachability."""

    nodes: dict[Node, None] = field(default_factory=dict)
    edges: dict[Node, dict[Node, MarkerTree]] = field(default_factory=dict)
    markers: dict[Node, MarkerTree] = field(default_factory=dict)
    fork_markers: tuple[MarkerTree, ...] = ()

    def parents(self) -> Mapping[Node, list[Node]]:
        out: dict[Node, list[Node]] = {}
        for parent, children in self.edges.items():
            for child in children:
                out.setdefault(child, []).append(parent)
        return out


def merge_forks(resolution: UniversalResolution) -> ResolutionGraph:
    from prong.pep508.markers import FALSE, TRUE
    from prong.resolver.universal_result import Node

    graph = ResolutionGraph()
    root = Node(None, None)
    graph.nodes[root] = None
    forks = resolution.forks
    for fork in forks:
        fork_marker = fork.env.markers
        for node in fork.nodes:
            graph.nodes.setdefault(node, None)
        for edge in fork.edges:
            parent = edge.parent if edge.parent.name is not None else root
            graph.nodes.setdefault(parent, None)
            graph.nodes.setdefault(edge.child, None)
            out = graph.edges.setdefault(parent, {})
            marker = edge.marker.and_(fork_marker)
            previous = out.get(edge.child)
            out[edge.child] = marker if previous is None else previous.or_(marker)
    if len(forks) == 1 and forks[0].env.markers.is_true():
        graph.fork_markers = ()
    else:
        graph.fork_markers = tuple(f.env.markers for f in forks)
    start = FALSE
    for m in graph.fork_markers:
        start = start.or_(m)
    if not graph.fork_markers:
        start = TRUE
    reach: dict[Node, MarkerTree] = {root: start}
    queue = [root]
    while queue:
        parent = queue.pop()
        here = reach[parent]
        for child, marker in graph.edges.get(parent, {}).items():
            value = marker.and_(here)
            old = reach.get(child)
            if old is not None:
                value = value.or_(old)
                if value == old:
                    continue
            reach[child] = value
            queue.append(child)
    graph.markers = reach
    return graph
