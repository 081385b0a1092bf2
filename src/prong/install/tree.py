"""The dependency tree of a lock, drawn as ``uv tree`` draws it.

The graph is built from the workspace members (or the project at ``.``) down: a member's own
dependencies and every extra of it, its selected dependency groups, and the workspace's own
requirements and groups (a workspace root without ``[project]``); then each reached package's
dependencies and the extras its dependents ask for. With a marker environment, an edge whose marker
(requires-python added back, conflict pseudo-extras off) is false there is left out, so the tree is
that of one platform; without one (``--universal``) every edge stays and a package locked in two
versions shows both. ``prune`` drops packages (and what only they bring in); ``invert`` reverses the
edges, so the roots are the packages nothing else needs; ``packages`` keeps what is reachable from
those packages and makes them the roots.

The drawing is depth first, children ordered by the kind of edge (dependencies, then extras, then
groups, each by name) and then by package. A package drawn once with its children is drawn again
with ``(*)`` and without them (unless ``no_dedupe``; a cycle is always cut there). A package is one
node per set of its extras that are expanded, and, inverted, per marker of the path that reached it
(paths that cannot coexist are not joined). ``depth`` limits the levels below the roots.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from prong.lock.model import Lock, LockedPackage, PackageId
from prong.pep508.markers import MarkerTree

__all__ = ["TreeOptions", "render_tree"]

_SOURCE_ORDER = {"registry": 0, "git": 1, "url": 2, "path": 3, "directory": 4, "editable": 5, "virtual": 6}
_PROD, _OPTIONAL, _GROUP = 0, 1, 2


@dataclass(frozen=True, slots=True)
class TreeOptions:
    """What to draw. ``groups``: the dependency groups of the members that are included; ``prod``:
    whether the members' own dependencies and extras are (``False`` for ``--only-group``);
    ``extras``: the members' extras to expand (``None``: every one, as uv does); ``packages``,
    ``prune``: package names (normalized); ``depth``: levels below the roots."""

    depth: int = 255
    prune: frozenset[str] = frozenset()
    packages: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    prod: bool = True
    extras: frozenset[str] | None = None
    no_dedupe: bool = False
    invert: bool = False


@dataclass(frozen=True, slots=True)
class _Edge:
    source: int
    target: int
    kind: int
    label: str  # the extra or group of an optional or group edge
    extras: tuple[str, ...] | None  # the extras the edge asks for; None: an edge from the root
    marker: MarkerTree

    def kind_key(self) -> tuple[int, str]:
        return (self.kind, self.label)


_ROOT = 0  # the synthetic root node


class _Graph:
    def __init__(self) -> None:
        self.nodes: list[PackageId | None] = [None]
        self.index: dict[PackageId, int] = {}
        self.edges: list[_Edge] = []
        self.alive: set[int] | None = None  # None: every node

    def node(self, pid: PackageId) -> int:
        found = self.index.get(pid)
        if found is None:
            found = self.index[pid] = len(self.nodes)
            self.nodes.append(pid)
        return found

    def add(self, source: int, target: int, kind: int, label: str, extras: tuple[str, ...] | None,
            marker: MarkerTree) -> None:
        self.edges.append(_Edge(source, target, kind, label, extras, marker))

    def outgoing(self, node: int) -> list[_Edge]:
        """Outgoing edges, the newest first (the order a linked adjacency list gives)."""
        return [e for e in reversed(self.edges) if e.source == node]


def _package_key(pid: PackageId) -> tuple[object, ...]:
    from prong.pep440.version import Version

    try:
        version: tuple[int, object] = (1, Version(pid.version)) if pid.version is not None else (0, None)
    except ValueError:
        version = (2, pid.version)
    return (pid.name, version, _SOURCE_ORDER.get(pid.source.kind, 9), pid.source.value,
            pid.source.subdirectory or "")


def _members(lock: Lock) -> list[PackageId]:
    if lock.manifest.members:
        ids = [p.id for p in lock.packages if p.name in set(lock.manifest.members)]
    else:
        ids = [p.id for p in lock.packages if p.source.is_local and p.source.value in (".", "")][:1]
    return sorted(set(ids), key=_package_key)


def _conflict_marker(lock: Lock) -> MarkerTree:
    from prong.pep508.markers import TRUE, parse_marker

    def item(c: object) -> MarkerTree:
        package = c.package  # type: ignore[attr-defined]
        if c.extra is not None:  # type: ignore[attr-defined]
            name = f"extra-{len(package)}-{package}-{c.extra}"  # type: ignore[attr-defined]
        elif c.group is not None:  # type: ignore[attr-defined]
            name = f"group-{len(package)}-{package}-{c.group}"  # type: ignore[attr-defined]
        else:
            name = f"project-{len(package)}-{package}"
        return parse_marker(f"extra == '{name}'")

    marker = TRUE
    for conflict_set in lock.conflicts:
        items = list(conflict_set)
        for i, first in enumerate(items):
            for second in items[i + 1:]:
                marker = marker.and_(item(first).negate().or_(item(second).negate()))
    return marker


def _build(lock: Lock, options: TreeOptions, env: Mapping[str, str] | None) -> _Graph:
    from prong.pep508.markers import FALSE, TRUE, parse_marker

    by_id = {p.id: p for p in lock.packages}
    cache: dict[str | None, MarkerTree] = {}

    def complexified(text: str | None) -> MarkerTree:
        tree = cache.get(text)
        if tree is None:
            base = parse_marker(text) if text else TRUE
            tree = cache[text] = base.complexify_python(lock.requires_python)
        return tree

    def applies(marker: MarkerTree) -> bool:
        return env is None or marker.evaluate(env, ())

    graph = _Graph()
    queue: deque[tuple[PackageId, str | None]] = deque()
    seen: set[tuple[PackageId, str | None]] = set()

    def push(pid: PackageId, extras: tuple[str, ...]) -> None:
        for key in ((pid, None), *((pid, e) for e in extras)):
            if key not in seen:
                seen.add(key)
                queue.append(key)

    members = _members(lock)
    for pid in members:
        if pid.name in options.prune:
            continue
        package = by_id[pid]
        index = graph.node(pid)
        graph.add(_ROOT, index, _PROD, "", None, TRUE)
        if options.prod:
            extras = [e for e in package.optional_dependencies
                      if options.extras is None or e in options.extras]
            push(pid, tuple(extras))
        for group, deps in package.dev_dependencies.items():
            if group not in options.groups:
                continue
            for dep in deps:
                if dep.name in options.prune:
                    continue
                marker = complexified(dep.marker)
                if not applies(marker):
                    continue
                graph.add(index, graph.node(dep.package), _GROUP, group, dep.extras, marker)
                push(dep.package, dep.extras)

    # The workspace's own requirements and groups (a root without [project]).
    by_name: dict[str, list[LockedPackage]] = {}
    for p in lock.packages:
        by_name.setdefault(p.name, []).append(p)

    def attach(requirement: object, kind: int, label: str) -> None:
        name = requirement.name  # type: ignore[attr-defined]
        text = requirement.marker  # type: ignore[attr-defined]
        extras = tuple(requirement.extras)  # type: ignore[attr-defined]
        for package in by_name.get(name, ()):
            marker = parse_marker(text) if text else TRUE
            if package.resolution_markers:
                forks = FALSE
                for fork in package.resolution_markers:
                    forks = forks.or_(parse_marker(fork).without_extras())
                marker = forks.and_(marker)
            if marker.is_false() or not applies(marker):
                continue
            graph.add(_ROOT, graph.node(package.id), kind, label, extras, marker)
            push(package.id, extras)

    for requirement in lock.manifest.requirements:
        attach(requirement, _PROD, "")
    for group, requirements in lock.manifest.dependency_groups.items():
        if group in options.groups:
            for requirement in requirements:
                attach(requirement, _GROUP, group)

    while queue:
        pid, extra = queue.popleft()
        package = by_id[pid]
        index = graph.index[pid]
        deps = package.dependencies if extra is None else package.optional_dependencies.get(extra, ())
        for dep in deps:
            if dep.name in options.prune:
                continue
            marker = complexified(dep.marker)
            if not applies(marker):
                continue
            kind = _PROD if extra is None else _OPTIONAL
            graph.add(index, graph.node(dep.package), kind, extra or "", dep.extras, marker)
            push(dep.package, dep.extras)

    # Keep what the members (and the synthetic root) reach.
    member_set = set(members)
    start = [i for i, pid in enumerate(graph.nodes) if pid is None or pid in member_set]
    _retain(graph, _reach(graph, start))
    if options.invert:
        # Each node's outgoing edges become its former incoming ones, newest first as before.
        graph.edges = [_Edge(e.target, e.source, e.kind, e.label, e.extras, e.marker) for e in graph.edges]
    if options.packages:
        start = [i for i, pid in enumerate(graph.nodes)
                 if pid is not None and pid.name in options.packages and i in (graph.alive or ())]
        _retain(graph, _reach(graph, start))
    return graph


def _reach(graph: _Graph, start: list[int]) -> set[int]:
    out: dict[int, list[int]] = {}
    for e in graph.edges:
        out.setdefault(e.source, []).append(e.target)
    reached = set(start)
    queue = deque(start)
    while queue:
        node = queue.popleft()
        for target in out.get(node, ()):
            if target not in reached:
                reached.add(target)
                queue.append(target)
    return reached


def _retain(graph: _Graph, keep: set[int]) -> None:
    """Drop the nodes not in ``keep`` (and their edges); node numbers do not change."""
    for i, pid in enumerate(graph.nodes):
        if i not in keep and pid is not None:
            graph.index.pop(pid, None)
    graph.edges = [e for e in graph.edges if e.source in keep and e.target in keep]
    graph.alive = keep if graph.alive is None else graph.alive & keep


class _Renderer:
    def __init__(self, lock: Lock, graph: _Graph, options: TreeOptions) -> None:
        from prong.pep508.markers import TRUE

        self.by_id = {p.id: p for p in lock.packages}
        self.graph = graph
        self.options = options
        self.members = set(_members(lock))
        self.true = TRUE
        self.conflicts = _conflict_marker(lock)
        self.out: dict[int, list[_Edge]] = {}
        for e in reversed(graph.edges):
            self.out.setdefault(e.source, []).append(e)

    def expanded(self, pid: PackageId, edge: _Edge | None) -> frozenset[str]:
        package = self.by_id[pid]
        if self.options.invert:
            return frozenset((edge.label,)) if edge is not None and edge.kind == _OPTIONAL else frozenset()
        if edge is None or edge.extras is None:
            keys = set(package.optional_dependencies)
            if self.options.extras is not None and pid in self.members:
                keys &= self.options.extras
            return frozenset(keys)
        return frozenset(e for e in edge.extras if e in package.optional_dependencies)

    def visit(self, node: int, edge: _Edge | None, marker: MarkerTree,
              visited: dict[tuple[object, ...], list[int]], path: list[tuple[object, ...]]) -> list[str]:
        options = self.options
        if len(path) > options.depth:
            return []
        pid = self.graph.nodes[node]
        if pid is None:
            return []
        expanded = self.expanded(pid, edge)
        key = (pid, expanded, marker if options.invert else None)

        line = pid.name
        if edge is not None and edge.extras:
            line += "[" + ", ".join(edge.extras) + "]"
        if pid.version is not None:
            line += f" v{pid.version}"
        if edge is not None and edge.kind == _OPTIONAL:
            line += f" (extra: {edge.label})"
        elif edge is not None and edge.kind == _GROUP:
            line += f" (group: {edge.label})"

        if key in path:
            return [f"{line} (*)"]
        if not options.no_dedupe and key in visited:
            return [f"{line} (*)"] if visited[key] else [line]

        children: list[tuple[int, _Edge, MarkerTree]] = []
        if not (options.invert and edge is not None and edge.kind == _GROUP):
            for e in self.out.get(node, ()):
                if self.graph.nodes[e.target] is None:
                    continue
                if options.invert:
                    if expanded and (e.extras is None or not all(x in e.extras for x in expanded)):
                        continue
                    child_marker = marker.and_(e.marker)
                    if child_marker.is_false():
                        continue
                else:
                    if e.kind == _OPTIONAL and e.label not in expanded:
                        continue
                    child_marker = self.true
                children.append((e.target, e, child_marker))
        children.sort(key=lambda c: (c[1].kind_key(), _package_key(self.graph.nodes[c[0]])))  # type: ignore[arg-type]

        lines = [line]
        if len(path) < options.depth:
            visited[key] = [c[0] for c in children]
        path.append(key)
        for i, (target, e, child_marker) in enumerate(children):
            last = i == len(children) - 1
            top, rest = ("└── ", "    ") if last else ("├── ", "│   ")
            for j, sub in enumerate(self.visit(target, e, child_marker, visited, path)):
                lines.append((top if j == 0 else rest) + sub)
        path.pop()
        return lines

    def roots(self) -> list[int]:
        graph, options = self.graph, self.options
        alive = graph.alive if graph.alive is not None else set(range(len(graph.nodes)))
        if options.packages:
            found = [i for i in alive if graph.nodes[i] is not None and graph.nodes[i].name in options.packages]  # type: ignore[union-attr]
        elif options.invert:
            targets = {e.target for e in graph.edges}
            found = [i for i in alive if i not in targets]
        else:
            return [_ROOT] if _ROOT in alive else []

        def order(i: int) -> tuple[object, ...]:
            pid = graph.nodes[i]
            return (0,) if pid is None else (1, _package_key(pid))

        return sorted(found, key=order)

    def render(self) -> list[str]:
        visited: dict[tuple[object, ...], list[int]] = {}
        lines: list[str] = []
        for root in self.roots():
            if self.graph.nodes[root] is None:
                for e in self.out.get(root, ()):
                    lines += self.visit(e.target, e, self.conflicts, visited, [])
            else:
                lines += self.visit(root, None, self.conflicts, visited, [])
        return lines


def render_tree(lock: Lock, options: TreeOptions, env: Mapping[str, str] | None = None) -> str:
    """The tree text (each line ends with a newline; the ``(*)`` legend last when a package was
    cut). ``env``: the PEP 508 marker environment to filter for; ``None``: every platform."""
    graph = _build(lock, options, env)
    lines = _Renderer(lock, graph, options).render()
    if any("*" in line for line in lines):
        lines.append("(*) Package tree is a cycle and cannot be shown" if options.no_dedupe
                     else "(*) Package tree already displayed")
    return "".join(line + "\n" for line in lines)
