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
from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from prong.errors import ProngError
from prong.lock.model import Lock, LockDependency, LockedPackage, LockRequirement, PackageId


class SelectionError(ProngError):
    """A selection the lock cannot serve: an unknown extra or group, or extras that conflict."""

    exit_code = 2  # a usage/configuration error (docs/exit-codes.md)

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
    #: groups of a workspace root without ``[project]`` (the lock's ``[manifest.dependency-groups]``)
    manifest_groups: frozenset[str] = frozenset()


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

    # The graph: node -> [(child, edge marker)]; None is the virtual root, whose children (the roots
    # and the groups' packages) have it as no dependent.
    edges: dict[PackageId | None, list[tuple[PackageId, str | None]]] = {None: []}
    pending: deque[tuple[PackageId, str | None]] = deque()
    seen: set[tuple[PackageId, str | None]] = set()

    def add(parent: PackageId | None, dep: LockDependency) -> None:
        if dep.name in selection.prune:
            return
        edges.setdefault(parent, []).append((dep.package, dep.marker))
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
            edges[None].append((root.id, None))
            for key in ((root.id, None), *((root.id, e) for e in root_extras[root.id])):
                seen.add(key)
                pending.append(key)
        for group, deps in root.dev_dependencies.items():
            if group in selection.groups:
                for dep in deps:
                    add(None, dep)
    for group, requirements in lock.manifest.dependency_groups.items():
        if group in selection.manifest_groups:
            for req in requirements:
                for package in _matching(lock, req):
                    if package.name in selection.prune:
                        continue
                    add(None, LockDependency(package.id, tuple(req.get("extras") or ()), _and(
                        req.marker, package.resolution_markers)))
    while pending:
        pid, extra = pending.popleft()
        package = by_id[pid]
        deps = package.dependencies if extra is None else package.optional_dependencies.get(extra, ())
        for dep in deps:
            add(pid, dep)

    parsed: dict[str | None, MarkerTree] = {None: TRUE}
    decide = _conflict_decider(active)

    def edge_marker(text: str | None) -> MarkerTree:
        tree = parsed.get(text)
        if tree is None:
            tree = parsed[text] = parse_marker(text or "").assign_extras(decide)
        return tree

    # The lock's supported environments (``[tool.uv] environments``) bound every dependency, as in
    # uv's export; the roots themselves stay unconditional.
    environments = FALSE if lock.supported_markers else TRUE
    for text in lock.supported_markers:
        environments = environments.or_(parse_marker(text))
    root_ids = {r.id for r in roots}

    # Reachability: each node's marker is the union over its incoming paths, to a fixed point.
    reach: dict[PackageId | None, MarkerTree] = {None: TRUE}
    queue: list[PackageId | None] = [None]
    while queue:
        parent = queue.pop()
        base = reach[parent]
        for child, text in edges.get(parent, ()):
            if parent is None and text is None and child in root_ids:
                marker = base
            else:
                marker = base.and_(edge_marker(text)).and_(environments)
            before = reach.get(child)
            after = marker if before is None else before.or_(marker)
            if after is not before:
                reach[child] = after
                queue.append(child)

    dependents: dict[PackageId, set[str]] = {}
    for parent, children in edges.items():
        if parent is not None:
            for child, _ in children:
                dependents.setdefault(child, set()).add(by_id[parent].name)
    out = []
    for package in lock.packages:
        marker = reach.get(package.id, FALSE)
        if marker.is_false():
            continue
        out.append(Selected(package, str(marker), tuple(sorted(dependents.get(package.id, ())))))
    return out


def _matching(lock: Lock, req: LockRequirement) -> list[LockedPackage]:
    """The packages of ``lock`` a manifest requirement names (its version in the specifier)."""
    found = lock.find(req.name)
    if len(found) <= 1 or not req.specifier:
        return list(found)
    from prong.pep440.specifiers import parse_specifiers

    spec = parse_specifiers(req.specifier)
    return [p for p in found if p.version is None or spec.contains(p.version, prereleases=True)] or list(found)


def _and(marker: str | None, resolution_markers: tuple[str, ...]) -> str | None:
    """``marker`` and the union of a forked package's ``resolution-markers`` (which fork it is)."""
    forks = " or ".join(f"({m})" for m in resolution_markers)
    if marker and forks:
        return f"({marker}) and ({forks})"
    return marker or forks or None


def _conflict_decider(active: Collection[tuple[str, str, str]]) -> Callable[[str], bool | None]:
    """For :meth:`MarkerTree.assign_extras`: a conflict pseudo-extra (``extra-<n>-<package>-<name>``,
    ``group-…``) is true when the selection activates it; other extras are left alone."""

    def decide(name: str) -> bool | None:
        m = _CONFLICT_VAR.match(name)
        if m is None:
            return None
        length, rest = int(m.group(2)), m.group(3)
        return (m.group(1), rest[:length], rest[length + 1:]) in active

    return decide


def _check_conflicts(lock: Lock, active: Iterable[tuple[str, str, str]]) -> None:
    chosen = set(active)
    for conflict_set in lock.conflicts:
        hits = [c for c in conflict_set
                if (("extra", c.package, c.extra) if c.extra is not None else ("group", c.package, c.group)) in chosen]
        if len(hits) > 1:
            names = " and ".join(f"`{c.extra or c.group}`" for c in hits)
            kind = "Extras" if all(c.extra for c in hits) else "Extras and groups"
            declared = ", ".join(f"`{c.package}[{c.extra}]`" if c.extra is not None else f"`{c.package}:{c.group}`"
                                 for c in conflict_set)
            raise SelectionError(f"{kind} {names} are incompatible with the declared conflicts: {{{declared}}}",
                                 "Pick one of them: the project's [tool.uv] conflicts says they cannot be "
                                 "installed together.")


__all__ = ["Selected", "Selection", "SelectionError", "select"]
