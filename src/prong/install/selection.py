"""Which packages of a lock a selection of the project needs, and under which markers.

A selection is roots (the project, or workspace members), the extras and dependency groups asked
for, and whether the roots' own dependencies count (``--only-group`` leaves them out). The walk
follows uv's (``uv export``, ``uv sync``): one node per package of the lock; the roots' own
dependencies and their selected extras hang from the roots, the selected groups' dependencies hang
from a virtual root directly (so a group's packages are reached "via" nobody); an edge that asks
for extras of its package enables that package's ``optional-dependencies`` for those extras. A
package's marker is the union, over every path that reaches it, of the conjunction of the markers
on that path (the lock's edge markers as written, already simplified against ``requires-python``),
computed to a fixed point; conflict markers (``extra == 'extra-3-app-cpu'``) are decided by what
the selection activates.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from prong.errors import ProngError
from prong.lock.model import Lock, LockDependency, LockedPackage, PackageId


class SelectionError(ProngError):
    """A selection the lock cannot serve: an unknown extra or group, or extras that conflict."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(message)

    def hints(self) -> tuple[str, ...]:
        return (self.hint,) if self.hint else ()


@dataclass(frozen=True, slots=True)
class Selection:
    """What to take from the lock: ``roots`` by name; ``extras`` of the roots (``all_extras``: every
    one the lock has for them); ``groups`` of the roots; ``prod``: whether the roots themselves and
    their dependencies are included (False for ``--only-group``); ``prune``: packages left out with
    everything only they bring in."""

    roots: tuple[str, ...]
    extras: frozenset[str] = frozenset()
    all_extras: bool = False
    groups: frozenset[str] = frozenset()
    prod: bool = True
    prune: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Selected:
    """A package the selection needs: its marker (``""``: everywhere) and the packages that depend
    on it in the walk, by name, sorted (roots and group edges are not dependents)."""

    package: LockedPackage
    marker: str
    dependents: tuple[str, ...]


_CONFLICT_VAR = re.compile(r"^(extra|group)-(\d+)-(.*)$")


def select(lock: Lock, selection: Selection) -> list[Selected]:
    """The packages of ``lock`` that ``selection`` needs, in lock order (the roots included)."""
    from prong.pep508.markers import FALSE, TRUE, MarkerTree, parse_marker

    by_id = {p.id: p for p in lock.packages}
    roots = []
    for name in selection.roots:
        found = lock.find(name)
        if len(found) != 1:
            raise SelectionError(f"the lock has {len(found)} packages named `{name}` where the project needs one",
                                 "Lock again (`uv lock`): uv.lock does not match the project.")
        roots.append(found[0])

    # Which extras and groups the selection activates: the conflict markers' truth values.
    active: set[tuple[str, str, str]] = set()
    root_extras: dict[PackageId, list[str]] = {}
    for root in roots:
        if selection.all_extras:
            extras = list(root.optional_dependencies)
        else:
            extras = [e for e in root.optional_dependencies if e in selection.extras]
        root_extras[root.id] = extras if selection.prod else []
        active.update(("extra", root.name, e) for e in root_extras[root.id])
        active.update(("group", root.name, g) for g in root.dev_dependencies if g in selection.groups)
    _check_conflicts(lock, active)

    # The graph: node -> [(child, edge marker, counts as a dependent)].
    edges: dict[PackageId | None, list[tuple[PackageId, str | None, bool]]] = {None: []}
    pending: list[tuple[PackageId, str | None]] = []
    seen: set[tuple[PackageId, str | None]] = set()

    def add(parent: PackageId | None, dep: LockDependency, dependent: bool) -> None:
        if dep.name in selection.prune:
            return
        edges.setdefault(parent, []).append((dep.package, dep.marker, dependent))
        for key in ((dep.package, None), *((dep.package, e) for e in dep.extras)):
            if key not in seen:
                seen.add(key)
                pending.append(key)
                if key[1] is not None:
                    active.add(("extra", dep.name, key[1]))

    for root in roots:
        if root.name in selection.prune:
            continue
        if selection.prod:
            edges[None].append((root.id, None, False))
            for key in ((root.id, None), *((root.id, e) for e in root_extras[root.id])):
                seen.add(key)
                pending.append(key)
        for group, deps in root.dev_dependencies.items():
            if group in selection.groups:
                for dep in deps:
                    add(None, dep, False)
    while pending:
        pid, extra = pending.pop(0)
        package = by_id[pid]
        deps = package.dependencies if extra is None else package.optional_dependencies.get(extra, ())
        for dep in deps:
            add(pid, dep, True)

    parsed: dict[str | None, MarkerTree] = {None: TRUE}

    def edge_marker(text: str | None) -> MarkerTree:
        tree = parsed.get(text)
        if tree is None:
            tree = parsed[text] = _decide_conflicts(parse_marker(text or ""), active)
        return tree

    # Reachability: each node's marker is the union over its incoming paths, to a fixed point.
    reach: dict[PackageId | None, MarkerTree] = {None: TRUE}
    queue: list[PackageId | None] = [None]
    while queue:
        parent = queue.pop()
        base = reach[parent]
        for child, text, _ in edges.get(parent, ()):
            marker = base.and_(edge_marker(text))
            before = reach.get(child)
            after = marker if before is None else before.or_(marker)
            if after is not before:
                reach[child] = after
                queue.append(child)

    dependents: dict[PackageId, set[str]] = {}
    for parent, children in edges.items():
        for child, _, counts in children:
            if counts and parent is not None:
                dependents.setdefault(child, set()).add(by_id[parent].name)
    out = []
    for package in lock.packages:
        marker = reach.get(package.id, FALSE)
        if marker.is_false():
            continue
        out.append(Selected(package, str(marker), tuple(sorted(dependents.get(package.id, ())))))
    return out


def _decide_conflicts(marker: object, active: Collection[tuple[str, str, str]]) -> object:
    """``marker`` with each conflict pseudo-extra (``extra-<n>-<package>-<name>``, ``group-…``) set to
    whether the selection activates it; other extras stay as they are."""
    from prong.pep508 import _marker_algebra as A
    from prong.pep508.markers import MarkerTree

    assert isinstance(marker, MarkerTree)
    node = marker._node
    decided = False
    for var in set(A.node_vars(node)):
        if var[0] != A.K_EXTRA:
            continue
        m = _CONFLICT_VAR.match(var[1])
        if m is None:
            continue
        kind, length, rest = m.group(1), int(m.group(2)), m.group(3)
        package, name = rest[:length], rest[length + 1:]
        value = (kind, package, name) in active
        node = A.and_(node, A.bool_node(var, value))
        decided = True
    if not decided:
        return marker
    return MarkerTree(node).without_extras() if _only_conflict_extras(node) else MarkerTree(node)


def _only_conflict_extras(node: int) -> bool:
    from prong.pep508 import _marker_algebra as A

    return all(_CONFLICT_VAR.match(v[1]) for v in A.node_vars(node) if v[0] == A.K_EXTRA)


def _check_conflicts(lock: Lock, active: Iterable[tuple[str, str, str]]) -> None:
    chosen = set(active)
    for conflict_set in lock.conflicts:
        hits = [c for c in conflict_set
                if (("extra", c.package, c.extra) if c.extra is not None else ("group", c.package, c.group)) in chosen]
        if len(hits) > 1:
            names = " and ".join(f"`{c.extra or c.group}`" for c in hits)
            kind = "Extras" if all(c.extra for c in hits) else "Extras and groups"
            raise SelectionError(f"{kind} {names} are incompatible with the declared conflicts",
                                 "Pick one of them: the project's [tool.uv] conflicts says they cannot be "
                                 "installed together.")


__all__ = ["Selected", "Selection", "SelectionError", "select"]
