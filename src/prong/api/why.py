"""``prong why PKG``: which requirement chains bring a package into the lock, and why it is at
its version and not a newer one.

The chains come from the lock alone: every path from the project (its extras and groups named,
``app[plot]``, ``app (group: dev)``) to the package, shortest first. The version question asks the
package's index (through the cache) for the versions above the locked one and says, for each,
what rules it out, in one line: a dependent's requirement (read from the dependents' own
metadata, also through the cache; the project's from the lock), the lock's ``exclude-newer``,
``requires-python``, a yank; a newer version that nothing rules out is one the lock merely
prefers to keep (``prong lock -P PKG`` takes it).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prong.errors import UsageError

__all__ = ["WhyResult", "why"]


@dataclass(frozen=True, slots=True)
class WhyResult:
    name: str
    version: str
    source: str
    chains: tuple[tuple[str, ...], ...]  # each from the project down to the package
    constraints: tuple[str, ...]  # "pandas 2.3.3 requires numpy>=1.26"
    newer: tuple[tuple[str, str], ...]  # (version, why it was not taken)
    checked_index: bool


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def why(package: str, project: str | Path = ".", *, offline: bool = False, cache_dir: str | Path | None = None,
        no_cache: bool = False, check_index: bool = True, max_chains: int = 10, max_newer: int = 5) -> WhyResult:
    """Explain ``package`` in the lock of the project at (or above) ``project`` (see the module
    docstring). ``check_index=False`` answers from the lock alone (no versions question)."""
    from prong.api._workspace import project_target
    from prong.lock.text import read_lock

    lock_path = project_target(project).lock_path  # a member's lock is its workspace's
    if not lock_path.is_file():
        raise UsageError(f"No lockfile at `{lock_path}`", "Run `prong lock` first.")
    lk = read_lock(lock_path)
    target = _norm(package)
    found = lk.find(target)
    if not found:
        raise UsageError(f"`{package}` is not in the lock", "Check the name (`prong tree` lists the lock).")
    by_id = {p.id: p for p in lk.packages}
    members = set(lk.manifest.members)  # a workspace's members are roots too
    roots = [p for p in lk.packages if p.source.kind in ("editable", "virtual", "directory")
             and (p.source.value == "." or p.name in members)]
    # parent edges: child id -> [(parent id, label for the parent)]
    parents: dict[Any, list[tuple[Any, str, Any]]] = {}
    for p in lk.packages:
        for dep in p.dependencies:
            parents.setdefault(dep.package, []).append((p.id, p.name, dep))
        for extra, deps in p.optional_dependencies.items():
            for dep in deps:
                parents.setdefault(dep.package, []).append((p.id, f"{p.name}[{extra}]", dep))
        for group, deps in p.dev_dependencies.items():
            for dep in deps:
                parents.setdefault(dep.package, []).append((p.id, f"{p.name} (group: {group})", dep))
    root_ids = {r.id for r in roots}
    chains: list[tuple[str, ...]] = []
    for pkg in found:
        queue: deque[tuple[Any, tuple[str, ...], frozenset[Any]]] = deque(
            [(pkg.id, (f"{pkg.name} {pkg.version}",), frozenset({pkg.id}))])
        while queue and len(chains) < max_chains:
            node, path, seen = queue.popleft()
            for parent_id, label, dep in parents.get(node, ()):
                if parent_id in seen:
                    continue
                step = label if parent_id in root_ids else f"{label} {by_id[parent_id].version}"
                child = path[0] + (f" (where {dep.marker})" if dep.marker else "")
                new_path = (step, child) + path[1:]
                if parent_id in root_ids:
                    chains.append(new_path)
                    if len(chains) >= max_chains:
                        break
                else:
                    queue.append((parent_id, new_path, seen | {parent_id}))
    from packaging.version import Version

    locked = max(found, key=lambda p: Version(str(p.version)))  # forks may lock several: the newest
    constraints, newer, checked = _versions_question(lk, locked, parents, by_id, root_ids, offline=offline,
                                                     cache_dir=cache_dir, no_cache=no_cache, check_index=check_index,
                                                     max_newer=max_newer)
    source = f"{locked.source.kind}+{locked.source.value}"
    versions = ", ".join(str(p.version) for p in sorted(found, key=lambda p: Version(str(p.version))))
    return WhyResult(locked.name, versions, source, tuple(chains), tuple(constraints), tuple(newer), checked)


def _versions_question(lk: Any, locked: Any, parents: dict[Any, list[tuple[Any, str, Any]]], by_id: dict[Any, Any],
                       root_ids: set[Any], *, offline: bool, cache_dir: Any, no_cache: bool, check_index: bool,
                       max_newer: int) -> tuple[list[str], list[tuple[str, str]], bool]:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    name = locked.name
    specs: list[tuple[str, SpecifierSet]] = []
    constraints: list[str] = []
    for root_id in root_ids:
        root = by_id[root_id]
        reqs = list(root.metadata.requires_dist) + [r for rs in root.metadata.requires_dev.values() for r in rs]
        for req in reqs:
            if _norm(req.name) == name:
                spec = str(req.get("specifier", "") or "")
                constraints.append(f"{root.name} requires {name}{spec or ' (any version)'}")
                specs.append((root.name, SpecifierSet(spec)))
    if not check_index or not locked.source.is_registry:
        return constraints, [], False
    registry = None
    try:
        from prong.api.index import build_registry
        from prong.client.indexes import IndexConfig, IndexUrls
        from prong.sources.index import RegistryIndex

        url = locked.source.value
        urls = IndexUrls(indexes=(IndexConfig(None, url, default=True),))  # type: ignore[call-arg]
        registry = build_registry(urls, cache_dir=cache_dir, no_cache=no_cache, offline=offline)
        index = RegistryIndex(registry, registry.http)
        # the dependents' own requirements on the package, from their metadata
        seen: set[Any] = set()
        for parent_id, _label, _dep in parents.get(locked.id, ()):
            if parent_id in root_ids or parent_id in seen:
                continue
            seen.add(parent_id)
            parent = by_id[parent_id]
            text = _requirement_of(index, parent, name)
            if text is None:
                continue
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            constraints.append(f"{parent.name} {parent.version} requires {text}")
            specs.append((f"{parent.name} {parent.version}", req.specifier))
        response = index.versions(name)
        candidates = getattr(response, "candidates", ())
        current = Version(str(locked.version))
        cutoff = lk.options.exclude_newer
        newer: list[tuple[str, str]] = []
        for cand in sorted(candidates, key=lambda c: c.version, reverse=True):
            if cand.version <= current:
                break
            if cand.version.is_prerelease and not current.is_prerelease:
                continue
            reason = None
            for who, spec in specs:
                if not spec.contains(cand.version, prereleases=True):
                    reason = f"{who} requires {name}{spec}"
                    break
            if reason is None:
                times = [f.upload_time for f in cand.files if getattr(f, "upload_time", None)]
                if cutoff and times and min(times) > cutoff:
                    reason = f"uploaded after the lock's exclude-newer ({cutoff})"
            if reason is None and cand.files and all(getattr(f, "yanked", None) is not None for f in cand.files):
                reason = "yanked"
            if reason is None:
                rp = next((f.requires_python for f in cand.files if getattr(f, "requires_python", None)), None)
                if rp and lk.requires_python:
                    low = re.search(r">=\s*([0-9.]+)", lk.requires_python)
                    try:
                        if low and not SpecifierSet(rp).contains(low.group(1), prereleases=True):
                            reason = f"needs Python {rp}, the project allows {lk.requires_python}"
                    except (InvalidVersion, ValueError):
                        pass
            newer.append((str(cand.version), reason or f"nothing rules it out: the lock keeps {current} "
                                                       f"(`prong lock -P {name}` takes the newest)"))
            if len(newer) >= max_newer:
                break
        return constraints, newer, True
    finally:
        if registry is not None:
            registry.http.close()


def _requirement_of(index: Any, parent: Any, name: str) -> str | None:
    """``parent``'s own requirement on ``name`` (from its metadata, through the cache)."""
    from packaging.version import Version

    response = index.versions(parent.name)
    for cand in getattr(response, "candidates", ()):
        if cand.version != Version(str(parent.version)):
            continue
        files = list(cand.files)
        wheel = next((f for f in files if f.filename.endswith(".whl")), files[0] if files else None)
        meta = index.metadata(parent.name, cand.version, wheel)
        md = getattr(meta, "metadata", None)
        if md is None:
            return None
        for req in md.requires_dist:
            text = str(req)
            if _norm(re.split(r"[\s\[<>=!~;(@]", text, maxsplit=1)[0]) == name:
                return text
    return None


def render(result: WhyResult) -> Sequence[str]:
    """The lines ``prong why`` prints."""
    lines = [f"{result.name} {result.version} ({result.source})"]
    if result.chains:
        lines.append("Required by:")
        lines += ["  " + " -> ".join(chain) for chain in result.chains]
    if result.constraints:
        lines.append("Requirements on it:")
        lines += [f"  {c}" for c in result.constraints]
    if result.checked_index:
        if result.newer:
            lines.append("Newer versions, and what rules each out:")
            lines += [f"  {v}: {why}" for v, why in result.newer]
        else:
            lines.append(f"No newer version of {result.name} on its index.")
    return lines
