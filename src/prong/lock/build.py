"""A universal resolution's forks in, the ``uv.lock`` uv 0.13.9 writes out.

Two steps, as uv takes them:

1. The forks become one graph (uv's ``ResolverOutput::from_state``): every edge's marker is AND-ed
   with its fork's *universal* marker (the fork's PEP 508 markers and its conflict items written
   as uv's pseudo-extras, ``extra == 'extra-3-xxx-cpu'``) and OR-ed over the forks that have it;
   each node's marker is its reachability from the root; the declared conflicts are imbibed
   (``conflicts => marker``) and then simplified away where every path to an edge already
   decides them (``simplify_conflict_markers``).
2. The graph becomes the lock (uv's ``Lock::from_resolution``): one package per project node
   (with ``resolution-markers`` when a name has several versions), its wheels without those no
   environment of the lock can use, its dependency edges with markers simplified against
   ``requires-python`` and the lock's environments, its extras' and groups' edges, and, for the
   project itself, the requirements it was locked from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from prong.lock.model import (
    Conflict,
    InlineTable,
    Lock,
    LockArtifact,
    LockDependency,
    LockedPackage,
    LockManifest,
    LockOptions,
    LockRequirement,
    LockSource,
    PackageId,
    PackageMetadata,
)

if TYPE_CHECKING:
    from prong.dists import IndexFile
    from prong.pep508.markers import MarkerTree
    from prong.resolver.universal import LocalProject, LoweredRequirement
    from prong.resolver.universal_result import ConflictItemRef, ForkEnv, Node, UniversalResolution

__all__ = ["build_lock", "merge_graph", "options_of"]


# -- markers -----------------------------------------------------------------------------------------


def _pseudo(item: ConflictItemRef) -> str:
    if item.extra is not None:
        return f"extra-{len(item.package)}-{item.package}-{item.extra}"
    if item.group is not None:
        return f"group-{len(item.package)}-{item.package}-{item.group}"
    return f"project-{len(item.package)}-{item.package}"


def _extra_marker(name: str) -> MarkerTree:
    from prong.pep508.markers import parse_marker

    return parse_marker(f"extra == '{name}'")


def _universal(env: ForkEnv) -> MarkerTree:
    """A fork's markers with its conflict items as pseudo-extras (uv's ``try_universal_markers``)."""
    marker = env.markers
    for item in env.excluded:
        marker = marker.and_(_extra_marker(_pseudo(item)).negate())
    for item in env.included:
        marker = marker.and_(_extra_marker(_pseudo(item)))
    return marker


def _conflict_marker(conflicts: Sequence[Sequence[ConflictItemRef]]) -> MarkerTree:
    """uv's ``ConflictMarker::from_conflicts``: no two items of a set at once."""
    from prong.pep508.markers import TRUE

    marker = TRUE
    for cset in conflicts:
        for i, a in enumerate(cset):
            for b in cset[i + 1:]:
                pair = _extra_marker(_pseudo(a)).negate().or_(_extra_marker(_pseudo(b)).negate())
                marker = marker.and_(pair)
    return marker


def _imbibe(marker: MarkerTree, conflicts: MarkerTree) -> MarkerTree:
    if conflicts.is_true():
        return marker
    return conflicts.negate().or_(marker)


def _assume(marker: MarkerTree, extra: str, value: bool) -> MarkerTree:
    return marker.assign_extras(lambda e: value if e == extra else None)


def _evaluate_only_extras(marker: MarkerTree, active: set[str]) -> bool:
    """uv's ``evaluate_only_extras``: true in every environment once these extras are on and
    every other extra off."""
    return marker.assign_extras(lambda e: e in active).is_true()


# -- the graph ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Graph:
    nodes: dict[Node, MarkerTree] = field(default_factory=dict)  # node -> reachability marker
    order: list[Node] = field(default_factory=list)
    out: dict[Node | None, dict[Node, MarkerTree]] = field(default_factory=dict)  # None: the root
    fork_markers: list[MarkerTree] = field(default_factory=list)


def merge_graph(resolution: UniversalResolution, conflicts: Sequence[Sequence[ConflictItemRef]] = ()) -> _Graph:
    """The forks as one graph with reachability markers (also ``pip compile --universal``'s)."""
    from prong.pep508.markers import FALSE, TRUE

    g = _Graph()
    for fork in resolution.forks:
        for node in fork.nodes:
            if node not in g.nodes:
                g.nodes[node] = TRUE
                g.order.append(node)
    for fork in resolution.forks:
        um = _universal(fork.env)
        seen: set[tuple[Node, Node, MarkerTree]] = set()
        for edge in fork.edges:
            parent = None if edge.parent.name is None else edge.parent
            key = (edge.parent, edge.child, edge.marker)
            if key in seen:
                continue
            seen.add(key)
            marker = edge.marker.and_(um)
            targets = g.out.setdefault(parent, {})
            previous = targets.get(edge.child)
            targets[edge.child] = marker if previous is None else previous.or_(marker)
    forks = resolution.forks
    if len(forks) == 1:
        um = _universal(forks[0].env)
        g.fork_markers = [] if um.is_true() else [um]
    else:
        g.fork_markers = [_universal(f.env) for f in forks]
    # reachability (uv's marker_reachability), from every node without incoming edges
    incoming = {child for targets in g.out.values() for child in targets}
    start = TRUE
    if g.fork_markers:
        start = FALSE
        for m in g.fork_markers:
            start = start.or_(m)
    reach: dict[Node | None, MarkerTree] = {None: start}
    queue: list[Node | None] = [None]
    for node in g.order:
        if node not in incoming:
            reach[node] = start
            queue.append(node)
    while queue:
        parent = queue.pop()
        here = reach[parent]
        for child, marker in g.out.get(parent, {}).items():
            value = marker.and_(here)
            old = reach.get(child)
            if old is not None:
                value = value.or_(old)
                if value == old:
                    continue
            reach[child] = value
            queue.append(child)
    cm = _conflict_marker(conflicts)
    for node in g.order:
        g.nodes[node] = _imbibe(reach.get(node, FALSE), cm)
    for targets in g.out.values():
        for child in targets:
            targets[child] = _imbibe(targets[child], cm)
    if conflicts:
        _simplify_conflict_markers(g, conflicts)
    dead = {n for n, m in g.nodes.items() if m.is_false()}
    if dead:
        g.order = [n for n in g.order if n not in dead]
        for n in dead:
            del g.nodes[n]
            g.out.pop(n, None)
        for targets in g.out.values():
            for n in dead:
                targets.pop(n, None)
    return g


def _simplify_conflict_markers(g: _Graph, conflicts: Sequence[Sequence[ConflictItemRef]]) -> None:
    """uv's ``simplify_conflict_markers``: where every path into an edge's parent has settled a
    conflict set's items, the edge's marker takes them as settled."""
    from prong.resolver.universal_result import ConflictItemRef

    activated: dict[Node | None, list[frozenset[ConflictItemRef]]] = {}
    incoming = {child for targets in g.out.values() for child in targets}
    queue: list[Node | None] = [None] + [n for n in g.order if n not in incoming]
    seen: set[Node] = set()
    while queue:
        parent = queue.pop()
        if parent is not None and (parent.extra is not None or parent.group is not None):
            item = ConflictItemRef(parent.name, extra=parent.extra) if parent.extra is not None \
                else ConflictItemRef(parent.name, group=parent.group)  # type: ignore[arg-type]
            sets = activated.setdefault(parent, [frozenset()])
            activated[parent] = [s | {item} for s in sets]
        sets = activated.get(parent) or [frozenset()]
        for child in g.out.get(parent, {}):
            change = False
            existing = activated.setdefault(child, [])
            for s in sets:
                if s not in existing:
                    existing.append(s)
                    change = True
            if child not in seen or change:
                seen.add(child)
                queue.append(child)
    inferences: dict[Node | None, list[list[tuple[ConflictItemRef, bool]]]] = {}
    for node, sets in activated.items():
        new_sets = []
        for s in sets:
            new: dict[tuple[ConflictItemRef, bool], None] = {}
            for item in s:
                for cset in conflicts:
                    if item not in cset:
                        continue
                    for other in cset:
                        if other != item:
                            new[(other, False)] = None
                new[(item, True)] = None
            new_sets.append(sorted(new, key=lambda x: (x[0].package, x[0].extra or "", x[0].group or "", x[1])))
        inferences[node] = new_sets
    for parent, targets in g.out.items():
        sets = inferences.get(parent)
        if sets is None:
            continue
        names: dict[str, int] = {}
        for child in targets:
            names[child.name] = names.get(child.name, 0) + 1  # type: ignore[index]
        for child, marker in list(targets.items()):
            if names[child.name] > 1:  # type: ignore[index]
                continue
            if all(_evaluate_only_extras(marker, {_pseudo(i) for i, inc in s if inc}) for s in sets):
                for s in sets:
                    for item, included in s:
                        marker = _assume(marker, _pseudo(item), included)
                targets[child] = marker
            else:
                previous = None
                for s in sets:
                    m = marker
                    for item, included in s:
                        m = _assume(m, _pseudo(item), included)
                    if previous is not None and previous != m:
                        break
                    previous = m
                else:
                    if previous is not None:
                        targets[child] = previous


# -- the lock ----------------------------------------------------------------------------------------


_PLATFORM_MARKERS: dict[str, str] = {
    "linux": "os_name == 'posix' and sys_platform == 'linux'",
    "windows": "os_name == 'nt' and sys_platform == 'win32'",
    "macos": "os_name == 'posix' and sys_platform == 'darwin'",
    "android": "sys_platform == 'android'",
    "arm": "platform_machine == 'aarch64' or platform_machine == 'arm64' or platform_machine == 'ARM64'",
    "x86_64": "platform_machine == 'x86_64' or platform_machine == 'amd64' or platform_machine == 'AMD64'",
    "x86": "platform_machine == 'i686' or platform_machine == 'i386' or platform_machine == 'win32' "
           "or platform_machine == 'x86'",
    "ppc64le": "platform_machine == 'ppc64le'",
    "ppc64": "platform_machine == 'ppc64'",
    "s390x": "platform_machine == 's390x'",
    "riscv64": "platform_machine == 'riscv64'",
    "loongarch64": "platform_machine == 'loongarch64'",
    "armv7l": "platform_machine == 'armv7l' or platform_machine == 'armv8l'",
    "armv6l": "platform_machine == 'armv6l'",
}
_MARKER_CACHE: dict[str, MarkerTree] = {}


def _pm(*keys: str) -> MarkerTree:
    from prong.pep508.markers import TRUE, parse_marker

    key = "|".join(keys)
    hit = _MARKER_CACHE.get(key)
    if hit is None:
        hit = TRUE
        for k in keys:
            hit = hit.and_(parse_marker(_PLATFORM_MARKERS[k]))
        _MARKER_CACHE[key] = hit
    return hit


def _os(tag: str) -> str | None:
    if tag.startswith(("manylinux", "musllinux", "linux")):
        return "linux"
    if tag in ("win32", "win_amd64", "win_arm64", "win_ia64"):
        return "windows"
    if tag.startswith("macosx"):
        return "macos"
    if tag.startswith("android"):
        return "android"
    return None


def _arch(tag: str) -> str | None:
    if tag == "win_arm64" or tag == "win_amd64" or tag == "win32":
        return {"win_arm64": "arm", "win_amd64": "x86_64", "win32": "x86"}[tag]
    if tag.startswith("macosx"):
        fmt = tag.rsplit("_", 1)[-1]
        return {"arm64": "arm", "x86_64": "x86_64", "i386": "x86"}.get(fmt)
    if tag.startswith("android"):
        return "arm" if tag.endswith("arm64_v8a") else None
    if _os(tag) == "linux":
        arch = tag.split("_", 3)[-1] if tag.startswith(("manylinux_", "musllinux_")) else tag.split("_", 1)[-1]
        return {"aarch64": "arm", "x86_64": "x86_64", "i686": "x86", "ppc64le": "ppc64le", "ppc64": "ppc64",
                "s390x": "s390x", "riscv64": "riscv64", "loongarch64": "loongarch64", "armv7l": "armv7l",
                "armv6l": "armv6l"}.get(arch)
    return None


def _wheel_unreachable(filename: str, target: Any, marker: MarkerTree) -> bool:
    """uv's ``is_wheel_unreachable_for_marker``: the wheel's tags cannot suit the lock's Pythons,
    or its platforms cannot meet ``marker``."""
    from prong.filenames import WheelFilename

    try:
        wheel = WheelFilename.parse(filename)
    except Exception:
        return False
    if not any(target.matches_wheel_tag(py, abi) for py in wheel.python_tags for abi in wheel.abi_tags):
        return True
    plats = wheel.platform_tags
    if all(p == "any" for p in plats):
        return False
    oses = {_os(p) for p in plats}
    arches = {_arch(p) for p in plats}
    one_arch = next(iter(arches)) if len(arches) == 1 else None
    if len(oses) == 1 and None not in oses:
        os_name = next(iter(oses))
        if os_name == "linux":
            key = ("linux", one_arch) if one_arch in ("arm", "x86_64", "x86", "ppc64le", "ppc64", "s390x",
                                                      "riscv64", "loongarch64", "armv7l", "armv6l") else ("linux",)
        elif os_name in ("windows", "macos", "android"):
            key = (os_name, one_arch) if one_arch in ("arm", "x86_64", "x86") else (os_name,)
        else:
            key = (os_name,)  # type: ignore[assignment]
        if marker.is_disjoint(_pm(*key)):  # type: ignore[arg-type]
            return True
    if one_arch is not None and marker.is_disjoint(_pm(one_arch)):
        return True
    return False


_HASH_RANK = {"md5": 0, "sha256": 1, "sha384": 2, "sha512": 3, "blake2b": 4}


def _hash(file: IndexFile) -> str | None:
    best = None
    for algo, digest in file.hashes:
        rank = _HASH_RANK.get(algo)
        if rank is None:
            continue
        if best is None or (rank, digest) > best[0]:
            best = ((rank, digest), f"{algo}:{digest}")
    return best[1] if best else None


def _upload_time(text: str | None) -> str | None:
    """uv keeps upload times to the millisecond and prints them without trailing zeros."""
    from prong.resolver.selector import parse_upload_time

    value = parse_upload_time(text)
    return None if value is None else _timestamp(value)


def _url(file: IndexFile) -> str:
    return file.url.split("#", 1)[0]


def _is_sdist(name: str) -> bool:
    return name.endswith((".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar"))


def _artifact(file: IndexFile) -> LockArtifact:
    return LockArtifact(url=_url(file), hash=_hash(file), size=file.size, upload_time=_upload_time(file.upload_time))


# -- ordering as uv's Ord ------------------------------------------------------------------------------


def _source_key(source: LockSource) -> tuple[int, str]:
    order = ("registry", "git", "url", "path", "directory", "editable", "virtual")
    return (order.index(source.kind) if source.kind in order else 9, source.value)


def _version_key(text: str | None) -> tuple[Any, ...]:
    from packaging.version import InvalidVersion, Version

    if text is None:
        return (0,)
    try:
        return (1, Version(text))
    except InvalidVersion:
        return (2, text)


def _id_key(pid: PackageId) -> tuple[Any, ...]:
    return (pid.name, _version_key(pid.version), _source_key(pid.source))


# -- requirements as [package.metadata] records them ----------------------------------------------------


_SPEC_SPLIT = re.compile(r"\s*,\s*")


def _specifier_text(req: Any) -> str | None:
    """The requirement's specifiers in the order written, each normalised (uv keeps the order)."""
    from packaging.specifiers import InvalidSpecifier, Specifier

    raw = getattr(req, "_raw_specifier", None)
    parts = [str(s) for s in req.specifier] if raw is None else [p for p in _SPEC_SPLIT.split(raw) if p]
    out = []
    for p in parts:
        try:
            out.append(str(Specifier(p)))
        except InvalidSpecifier:
            out.append(p)
    return ",".join(out) or None


def lock_requirement(lr: LoweredRequirement, *, raw_specifier: str | None = None) -> LockRequirement:
    """A lowered requirement as ``requires-dist`` / ``requires-dev`` records it."""
    req = lr.requirement
    fields: list[tuple[str, Any]] = [("name", req.name)]
    if req.extras:
        fields.append(("extras", tuple(sorted(req.extras))))
    marker = str(lr.marker)
    if marker:
        fields.append(("marker", marker))
    if lr.source is not None:
        fields.append((lr.source[0], lr.source[1]))
        if lr.source[0] == "url" and len(lr.source) > 2 and lr.source[2]:
            fields.append(("subdirectory", lr.source[2]))
    elif req.url is not None:
        fields.append(("url", req.url))
    else:
        spec = _normalise_specifiers(raw_specifier) if raw_specifier is not None else _specifier_text(req)
        if spec:
            fields.append(("specifier", spec))
        if lr.index is not None:
            fields.append(("index", lr.index))
        if lr.conflict is not None:
            c = lr.conflict
            table = [("package", c.package)]
            if c.extra is not None:
                table.append(("extra", c.extra))
            elif c.group is not None:
                table.append(("group", c.group))
            fields.append(("conflict", InlineTable(tuple(table))))
    return LockRequirement(tuple(fields))


def _normalise_specifiers(raw: str) -> str | None:
    """A requirement's specifiers as ``[package.metadata]`` records them: each normalised,
    ordered by version as uv orders them, joined by a bare comma (``>=1.8,<8.2.0``)."""
    return ",".join(_sorted_specifiers(raw)) or None


def _sorted_specifiers(raw: str) -> list[str]:
    from packaging.specifiers import InvalidSpecifier, Specifier
    from packaging.version import InvalidVersion, Version

    parsed: list[tuple[tuple[Any, ...], str]] = []
    for i, p in enumerate(_SPEC_SPLIT.split(raw.strip())):
        if not p:
            continue
        try:
            spec = Specifier(p)
        except InvalidSpecifier:
            parsed.append(((2, i), p))
            continue
        try:
            key: tuple[Any, ...] = (0, Version(spec.version.removesuffix(".*")), i)
        except InvalidVersion:
            key = (1, i)
        parsed.append((key, str(spec)))
    return [text for _, text in sorted(parsed, key=lambda kv: kv[0])]


def _requirement_key(lr: LoweredRequirement) -> tuple[Any, ...]:
    req = lr.requirement
    return (req.name, tuple(sorted(req.extras)), lr.marker.sort_key(), _requirement_source_key(lr))


def _requirement_source_key(lr: LoweredRequirement) -> tuple[Any, ...]:
    req = lr.requirement
    if req.url is not None:
        return (1, req.url)
    c = lr.conflict
    return (0, _specifier_text(req) or "", lr.index or "",
            (c.package, c.extra or "", c.group or "") if c is not None else ())


# -- building ------------------------------------------------------------------------------------------


def _package_id(node: Node, dynamic_version: set[str]) -> PackageId:
    src = node.source
    assert src is not None
    version = None if node.name in dynamic_version and src.kind != "registry" else str(node.version)
    return PackageId(node.name, version, LockSource(src.kind, src.value, src.subdirectory))  # type: ignore[arg-type]


def build_lock(
    resolution: UniversalResolution,
    *,
    projects: Sequence[LocalProject],
    requires_python: str,
    conflicts: Sequence[Sequence[ConflictItemRef]] = (),
    environments: Sequence[MarkerTree] = (),
    required_environments: Sequence[MarkerTree] = (),
    options: LockOptions = LockOptions(),
    constraints: Sequence[LoweredRequirement] = (),
    overrides: Sequence[LoweredRequirement] = (),
    build_constraints: Sequence[LoweredRequirement] = (),
    members: Sequence[str] = (),
    dynamic_version: Iterable[str] = (),
    default_groups: Mapping[str, tuple[str, ...] | str] | None = None,
    manifest_groups: Mapping[str, Sequence[LoweredRequirement]] | None = None,
) -> Lock:
    """The ``uv.lock`` for ``resolution`` (see the module docstring).

    ``projects`` are the workspace members (their ``[package.metadata]``); ``dynamic_version``
    names the members whose version is dynamic (locked without a version); ``members`` are the
    names ``[manifest]`` lists; ``manifest_groups`` a virtual workspace root's dependency groups.
    """
    from prong.pep508.markers import FALSE, TRUE
    from prong.resolver.universal import PythonTarget

    dynamic = set(dynamic_version)
    rp_text = _requires_python_text(requires_python)
    target = PythonTarget.from_specifiers(requires_python)
    graph = merge_graph(resolution, conflicts)

    supported = [m.complexify_python(requires_python) for m in environments]
    supported_union = None
    if supported:
        supported_union = FALSE
        for m in supported:
            supported_union = supported_union.or_(m)
    if graph.fork_markers:
        env_union = FALSE
        for m in graph.fork_markers:
            env_union = env_union.or_(m.without_extras())
    else:
        env_union = TRUE.complexify_python(requires_python)
    environment = env_union.simplify_python(requires_python)

    pins: dict[tuple[str, Any, Any], Any] = {}
    for fork in resolution.forks:
        for key, pin in fork.pins.items():
            pins.setdefault(key, pin)
    local = {p.name: p for p in projects}

    base = [n for n in graph.order if n.extra is None and n.group is None]
    counts: dict[str, int] = {}
    for n in base:
        counts[n.name] = counts.get(n.name, 0) + 1  # type: ignore[index]

    packages: dict[PackageId, dict[str, Any]] = {}
    for node in base:
        pid = _package_id(node, dynamic)
        marker = graph.nodes[node]
        fork_markers: list[MarkerTree] = []
        if counts[node.name] > 1:  # type: ignore[index]
            fork_markers = _canonical([m for m in graph.fork_markers if not m.is_disjoint(marker)], requires_python)
        sdist = None
        wheels: list[LockArtifact] = []
        pin = pins.get((node.name, node.version, node.source))  # type: ignore[arg-type]
        if pin is not None and node.source is not None and node.source.kind == "registry":
            wheel_marker = marker if supported_union is None else marker.and_(supported_union)
            for f in pin.files:
                if f.filename.endswith(".whl"):
                    if not _wheel_unreachable(f.filename, target, wheel_marker):
                        wheels.append(_artifact(f))
                elif sdist is None and _is_sdist(f.filename):
                    sdist = _artifact(f)
            wheels.sort(key=lambda a: a.name or "")
        metadata = PackageMetadata()
        project = local.get(node.name)  # type: ignore[arg-type]
        if project is not None and project.source.kind in ("path", "url"):  # a wheel or sdist file / URL
            sdist, wheels = project.sdist, list(project.wheels)
        if project is not None and project.source.kind != "git":  # as uv: a commit's metadata is fixed
            metadata = _metadata(project)
        packages[pid] = {
            "id": pid,
            "markers": fork_markers,
            "deps": [],
            "extras": {},
            "groups": {},
            "sdist": sdist,
            "wheels": tuple(wheels),
            "metadata": metadata,
        }
        _add_dependencies(packages[pid]["deps"], graph, node, requires_python, environment, dynamic)
    for node in graph.order:
        if node.extra is None and node.group is None:
            continue
        pid = _package_id(node, dynamic)
        entry = packages.get(pid)
        if entry is None:
            continue
        bucket: list[tuple[PackageId, set[str], MarkerTree]] = []
        _add_dependencies(bucket, graph, node, requires_python, environment, dynamic)
        if not bucket:
            continue  # as uv: an extra or group table only where it has an edge
        if node.extra is not None:
            entry["extras"].setdefault(node.extra, []).extend(bucket)
        else:
            entry["groups"].setdefault(node.group, []).extend(bucket)

    extras_by_id = {pid: set(e["extras"]) for pid, e in packages.items()}
    locked: list[LockedPackage] = []
    for pid in sorted(packages, key=_id_key):
        e = packages[pid]

        def finish(deps: list[tuple[PackageId, set[str], MarkerTree]]) -> tuple[LockDependency, ...]:
            out = []
            for dep_id, extras, marker in deps:
                kept = tuple(sorted(x for x in extras if x in extras_by_id.get(dep_id, set())))
                text = str(marker) or None
                out.append((dep_id, kept, marker, text))
            out.sort(key=lambda d: (_id_key(d[0]), d[1], d[2].sort_key()))
            return tuple(LockDependency(d[0], d[1], d[3]) for d in out)

        locked.append(LockedPackage(
            id=pid,
            default_groups=(default_groups or {}).get(pid.name) if pid.source.is_local else None,
            resolution_markers=tuple(s for s in (str(m.simplify_python(requires_python)) for m in e["markers"]) if s),
            dependencies=finish(e["deps"]),
            sdist=e["sdist"],
            wheels=e["wheels"],
            optional_dependencies={k: finish(v) for k, v in sorted(e["extras"].items())},
            dev_dependencies={k: finish(v) for k, v in sorted(e["groups"].items())},
            metadata=e["metadata"],
        ))

    top_markers = tuple(
        s for s in (str(m.simplify_python(requires_python)) for m in _canonical(graph.fork_markers, requires_python)) if s
    )
    conflict_sets = tuple(
        tuple(Conflict(i.package, i.extra, i.group) for i in cset) for cset in conflicts
    )
    manifest = LockManifest(
        members=tuple(sorted(members)),
        constraints=tuple(lock_requirement(c, raw_specifier=c.specifier_text)
                          for c in sorted(constraints, key=_requirement_key)),
        overrides=tuple(lock_requirement(o, raw_specifier=o.specifier_text)
                        for o in sorted(overrides, key=_requirement_key)),
        build_constraints=tuple(lock_requirement(c, raw_specifier=c.specifier_text)
                                for c in sorted(build_constraints, key=_requirement_key)),
        dependency_groups={
            g: tuple(lock_requirement(lr, raw_specifier=lr.specifier_text)
                     for lr in sorted(_dedupe(reqs), key=_requirement_key))
            for g, reqs in sorted((manifest_groups or {}).items())
        },
    )
    return Lock(
        requires_python=rp_text,
        packages=tuple(locked),
        resolution_markers=top_markers,
        supported_markers=tuple(str(m.simplify_python(requires_python)) for m in supported),
        required_markers=tuple(str(m.complexify_python(requires_python).simplify_python(requires_python))
                               for m in required_environments),
        conflicts=conflict_sets,
        options=options,
        manifest=manifest,
    )


def _add_dependencies(
    bucket: list[tuple[PackageId, set[str], MarkerTree]],
    graph: _Graph,
    node: Node,
    requires_python: str,
    environment: MarkerTree,
    dynamic: set[str],
) -> None:
    parent_marker = graph.nodes[node]
    parent = parent_marker.without_extras().simplify_python(requires_python)
    for child, edge_marker in graph.out.get(node, {}).items():
        if child not in graph.nodes:
            continue
        dep_id = _package_id(child, dynamic)
        marker = edge_marker.simplify_python(requires_python).restrict(parent)
        # uv 0.13.9 writes edge markers without the lock's environments (`[tool.uv]
        # environments`): the edge is read only where the lock applies
        marker = marker.simplify_python(requires_python).restrict(environment)
        extras = {child.extra} if child.extra is not None else set()
        for existing in bucket:
            if existing[0] == dep_id and existing[2] == marker:
                existing[1].update(extras)
                break
        else:
            bucket.append((dep_id, set(extras), marker))


def _canonical(markers: Sequence[MarkerTree], requires_python: str) -> list[MarkerTree]:
    """uv's ``canonical_marker_trees``: the PEP 508 parts when they do not overlap, else the
    whole markers, each simplified against ``requires-python``; TRUE dropped."""
    pep508: list[MarkerTree] = []
    seen: set[MarkerTree] = set()
    for m in markers:
        s = m.without_extras().simplify_python(requires_python)
        if s not in seen:
            seen.add(s)
            pep508.append(s)
    overlap = any(not a.is_disjoint(b) for i, a in enumerate(pep508) for b in pep508[i + 1:])
    chosen = [m.simplify_python(requires_python) for m in markers] if overlap else pep508
    return [m.complexify_python(requires_python) for m in chosen if not m.is_true()]


def _metadata(project: LocalProject) -> PackageMetadata:
    requires = tuple(
        lock_requirement(lr, raw_specifier=lr.specifier_text)
        for lr in sorted(_dedupe(project.requires_dist), key=_requirement_key)
    )
    groups = {
        g: tuple(lock_requirement(lr, raw_specifier=lr.specifier_text)
                 for lr in sorted(_dedupe(reqs), key=_requirement_key))
        for g, reqs in sorted(project.dependency_groups.items())
    }
    return PackageMetadata(requires_dist=requires, provides_extras=tuple(project.provides_extra), requires_dev=groups)


def _dedupe(reqs: Iterable[LoweredRequirement]) -> list[LoweredRequirement]:
    out: dict[tuple[Any, ...], LoweredRequirement] = {}
    for lr in reqs:
        out.setdefault(_requirement_key(lr), lr)
    return list(out.values())


def _requires_python_text(spec: str) -> str:
    return ", ".join(_sorted_specifiers(spec))


def _timestamp(value: datetime) -> str:
    value = value.astimezone(timezone.utc)
    frac = f"{value.microsecond // 1000:03d}".rstrip("0") if value.microsecond else ""
    return value.strftime("%Y-%m-%dT%H:%M:%S") + (f".{frac}" if frac else "") + "Z"


def options_of(
    *, exclude_newer: datetime | None, resolution: str | None, prerelease: str | None, fork_strategy: str | None,
    exclude_newer_package: Mapping[str, datetime | None] | None = None,
) -> LockOptions:
    """``[options]`` as uv writes it: only what differs from uv's defaults."""
    per_package: dict[str, str | bool] = {}
    for name in sorted(exclude_newer_package or {}):
        value = (exclude_newer_package or {})[name]
        per_package[name] = False if value is None else _timestamp(value)
    return LockOptions(
        resolution_mode=None if resolution in (None, "highest") else resolution,
        prerelease_mode=None if prerelease in (None, "if-necessary-or-explicit") else prerelease,
        fork_strategy=None if fork_strategy in (None, "requires-python") else fork_strategy,
        exclude_newer=None if exclude_newer is None else _timestamp(exclude_newer),
        exclude_newer_package=per_package,
    )
