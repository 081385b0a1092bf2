"""The universal resolver: one resolution for every environment a lock must serve (uv's forking
resolver, on prong's PubGrub engine).

Requirements keep their markers instead of being evaluated for one environment. When a package's
dependencies name one project under disjoint markers with different requirements, the solver
state is copied (``State.copy``, only between decisions, never mid-backtrack) into one state per
marker split, each narrowed to its markers; likewise when a version needs a newer Python than the
fork allows (``fork-strategy = "requires-python"``), when a package has no wheel for a required
environment, and for each item of a declared ``conflicts`` set (uv's conflict pseudo-extras).
Forks are solved one after another, depth first; each finished fork's versions become
preferences for the next, so forks agree wherever they can. The result is every fork's solution
(:class:`prong.resolver.universal_result.UniversalResolution`); ``prong.lock.build`` turns it into a
``uv.lock``.

The order of forks, the tests that decide whether to fork, and the markers that edges carry follow
uv 0.13.9 (``crates/uv-resolver/src/resolver/mod.rs``, ``environment.rs``), so that the lock is
the one uv writes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prong.errors import ProngError
from prong.resolver.index import Found, IndexProblem, MetadataFound, NotFound
from prong.resolver.options import ResolutionMode, ResolverOptions
from prong.resolver.package import Extra, Group, Package, PubGrubPackage, Root
from prong.resolver.selector import FileChoice, UnavailableVersion, VersionMap, allows_prereleases, ordered_versions
from prong.resolver.universal_result import (
    ConflictItemRef,
    DistSource,
    ForkEnv,
    ForkResolution,
    Node,
    PinnedDist,
    ResolutionEdge,
    UniversalResolution,
)

if TYPE_CHECKING:
    from prong.dists import IndexFile
    from prong.pep440.ranges import Range
    from prong.pep440.version import Version
    from prong.pep508.markers import MarkerTree
    from prong.pep508.requirement import Requirement

__all__ = [
    "ConflictingIndexesError",
    "ForkNoSolutionError",
    "LocalProject",
    "LoweredRequirement",
    "PythonTarget",
    "UniversalEnv",
    "resolve_universal",
]

log = logging.getLogger("prong.resolve")

Pos = tuple[Any, float]


# -- Python ranges (uv's RequiresPython) ----------------------------------------------------------


def _spec_bounds(spec: str) -> tuple[Pos | None, Pos | None] | None:
    from prong.pep508.markers import TRUE

    try:
        marker = TRUE.complexify_python(spec)
    except Exception:
        return None
    if marker.is_false():
        return None
    return marker.python_bounds() or (None, None)


def _mm(version: Any) -> tuple[int, int]:
    rel = tuple(version.release) + (0, 0)
    return (rel[0], rel[1])


@dataclass(frozen=True, slots=True)
class PythonTarget:
    """The Pythons a fork covers, as ``[lo, hi)`` cut positions of ``python_full_version``."""

    lo: Pos | None
    hi: Pos | None

    @classmethod
    def from_specifiers(cls, spec: str) -> PythonTarget:
        bounds = _spec_bounds(spec) if spec else None
        return cls(*(bounds or (None, None)))

    @property
    def marker(self) -> MarkerTree:
        from prong.pep508.markers import MarkerTree

        return MarkerTree.python_interval(self.lo, self.hi)

    @property
    def lower(self) -> Version:
        from prong.pep440.version import parse_version

        return self.lo[0] if self.lo is not None else parse_version("0")

    def contains_lower_of(self, requires_python: str) -> bool:
        """uv's ``is_contained_by``: a ``Requires-Python`` admits this target when its lower
        bound is at most the target's (upper bounds on Python are ignored, as uv does)."""
        bounds = _spec_bounds(requires_python)
        if bounds is None:
            return True  # unreadable: does not rule anything out
        lo = bounds[0]
        if lo is None:
            return True
        return self.lo is not None and self.lo >= lo

    def raises(self, bounds: tuple[Pos | None, Pos | None]) -> bool:
        lo = bounds[0]
        return lo is not None and (self.lo is None or lo > self.lo)

    def narrow(self, bounds: tuple[Pos | None, Pos | None] | None) -> PythonTarget:
        if bounds is None:
            return self
        lo, hi = bounds
        new_lo = self.lo if lo is None or (self.lo is not None and self.lo >= lo) else lo
        new_hi = self.hi if hi is None or (self.hi is not None and self.hi <= hi) else hi
        return PythonTarget(new_lo, new_hi)

    def split(self, at: Pos) -> tuple[PythonTarget, PythonTarget] | None:
        if self.lo is not None and at <= self.lo:
            return None
        if self.hi is not None and at >= self.hi:
            return None
        return PythonTarget(self.lo, at), PythonTarget(at, self.hi)

    def matches_wheel_tag(self, interpreter: str, abi: str) -> bool:
        """uv's ``RequiresPython::matches_wheel_tag`` for one (python, abi) pair."""
        import re

        def version_of(tag: str) -> tuple[int, int] | None:
            m = re.fullmatch(r"(?:cp|pp|gp|pt|py|graalpy)(\d)(\d+)[a-z]*", tag)
            if m is None:
                return None
            return int(m.group(1)), int(m.group(2))

        def within(mm: tuple[int, int], check_lower: bool) -> bool:
            if check_lower and self.lo is not None:
                lo = _mm(self.lo[0])
                if mm < lo:
                    return False
            if self.hi is not None:
                v, flag = self.hi
                hi = _mm(v)
                exclusive_minor = flag == 0 and tuple(v.release[2:]) in ((), (0,)) and not v.is_prerelease
                if mm > hi or (exclusive_minor and mm >= hi):
                    return False
            return True

        if abi == "abi3":
            return True
        if abi == "none":
            if interpreter.startswith(("py2", "cp2", "pp2")) or interpreter in ("py2",):
                return False
            if re.fullmatch(r"py3\d+", interpreter):
                mm = version_of(interpreter)
                return mm is None or within(mm, check_lower=False)
            if re.fullmatch(r"(?:cp|pp|gp|pt)3\d+", interpreter):
                mm = version_of(interpreter)
                return mm is None or within(mm, check_lower=True)
            return True
        if re.fullmatch(r"cp2\d*[a-z]*", abi):
            return False
        m = re.fullmatch(r"cp(3)(\d+)[a-z]*", abi) or re.fullmatch(r"pypy(3)(\d+)_pp\d+", abi)
        if m is not None:
            return within((int(m.group(1)), int(m.group(2))), check_lower=True)
        if abi.startswith("pypy") and not abi.startswith("pypy3"):
            return False
        return True

    def __str__(self) -> str:
        text = str(self.marker)
        return text or "any Python"


@dataclass(frozen=True, slots=True)
class ExtraReqs:
    """The requirements of ``name[extra]`` (uv's ``Package { extra: Some(..) }``); the solver's
    ``Extra`` is the proxy that depends on it and on the project at the same version."""

    name: str
    extra: str

    def __str__(self) -> str:
        return f"{self.name}[{self.extra}]"


@dataclass(frozen=True, slots=True)
class GroupReqs:
    """The requirements of ``name:group`` (uv's ``Package { group: Some(..) }``), behind the
    ``Group`` proxy."""

    name: str
    group: str

    def __str__(self) -> str:
        return f"{self.name}:{self.group}"


class UniversalTags:
    """A stand-in for ``prong.tags.Tags`` in a universal ``VersionMap``: a wheel is usable when
    one of its tags suits the lock's Python range (no platform is ruled out)."""

    tags: tuple[Any, ...] = ()
    universal = True

    def __init__(self, target: PythonTarget) -> None:
        self.target = target
        self._memo: dict[frozenset[Any], int | None] = {}

    def __len__(self) -> int:
        return 0

    def __iter__(self) -> Any:
        return iter(())

    def best_priority(self, tags: frozenset[Any]) -> int | None:
        hit = self._memo.get(tags, -1)
        if hit != -1:
            return hit  # type: ignore[return-value]
        ok = any(self.target.matches_wheel_tag(t.interpreter, t.abi) for t in tags)
        result = 1 if ok else None
        self._memo[tags] = result
        return result


# -- environments (uv's ResolverEnvironment, universal kind) -------------------------------------


@dataclass(frozen=True, slots=True)
class UniversalEnv:
    markers: MarkerTree
    include: frozenset[ConflictItemRef] = frozenset()
    exclude: frozenset[ConflictItemRef] = frozenset()

    def included_by_marker(self, marker: MarkerTree) -> bool:
        return not self.markers.is_disjoint(marker)

    def included_by_group(self, item: ConflictItemRef) -> bool:
        if item in self.exclude:
            return False
        if item.extra is not None and ConflictItemRef(item.package) in self.exclude:
            return item in self.include
        return True

    def narrow(self, marker: MarkerTree) -> UniversalEnv:
        return UniversalEnv(self.markers.and_(marker), self.include, self.exclude)

    def filter_by_group(self, rules: Iterable[tuple[bool, ConflictItemRef]]) -> UniversalEnv | None:
        include = set(self.include)
        exclude = set(self.exclude)
        for keep, item in rules:
            if keep:
                if item in exclude:
                    return None
                include.add(item)
            else:
                if item in include:
                    return None
                exclude.add(item)
        return UniversalEnv(self.markers, frozenset(include), frozenset(exclude))

    def python_bounds(self) -> tuple[Pos | None, Pos | None] | None:
        return self.markers.python_bounds()

    def display(self) -> str | None:
        """uv's ``end_user_fork_display``: ``split (markers: ...; included: ...; excluded: ...)``."""
        if self.markers.is_true() and not self.include and not self.exclude:
            return None
        parts = []
        if not self.markers.is_true():
            parts.append(f"markers: {self.markers}")
        if self.include:
            parts.append("included: " + ", ".join(sorted(_item_text(i) for i in self.include)))
        if self.exclude:
            parts.append("excluded: " + ", ".join(sorted(_item_text(i) for i in self.exclude)))
        return f"split ({'; '.join(parts)})"

    def fork_env(self) -> ForkEnv:
        return ForkEnv(self.markers, self.include, self.exclude)


def pseudo_extra(item: ConflictItemRef) -> str:
    """uv's conflict pseudo-extra for an item: ``extra-3-xxx-cpu``, ``group-3-xxx-dev``."""
    kind, name = ("extra", item.extra) if item.extra is not None else ("group", item.group or "")
    return f"{kind}-{len(item.package)}-{item.package}-{name}"


def env_from_fork_marker(marker: MarkerTree, conflicts: Sequence[Sequence[ConflictItemRef]]) -> UniversalEnv:
    """A lock's ``resolution-markers`` entry back to a fork environment (uv's
    ``UniversalMarker::from_combined`` and ``filter_rules``): the conflict pseudo-extras it
    implies become included or excluded items, the rest is the PEP 508 part."""
    from prong.pep508.markers import parse_marker

    include: set[ConflictItemRef] = set()
    exclude: set[ConflictItemRef] = set()
    decided: dict[str, bool] = {}
    for cset in conflicts:
        for item in cset:
            pseudo = pseudo_extra(item)
            if marker.implies(parse_marker(f"extra == '{pseudo}'")):
                include.add(item)
                decided[pseudo] = True
            elif marker.implies(parse_marker(f"extra != '{pseudo}'")):
                exclude.add(item)
                decided[pseudo] = False
    pep508 = marker.assign_extras(lambda e: decided.get(e)).without_extras()
    return UniversalEnv(pep508, frozenset(include), frozenset(exclude))


def _item_text(item: ConflictItemRef) -> str:
    if item.extra is not None:
        return f"{item.package}[{item.extra}]"
    if item.group is not None:
        return f"{item.package}[group:{item.group}]"
    return item.package


# -- inputs ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoweredRequirement:
    """A project requirement after ``[tool.uv.sources]``: its marker (the requirement's, AND the
    source's; an optional dependency's carries ``extra == 'name'``), the explicit index a source
    pins it to (the URL as configured), and the conflict item that source is scoped to."""

    requirement: Requirement
    marker: MarkerTree
    index: str | None = None
    conflict: ConflictItemRef | None = None
    specifier_text: str | None = None  # the specifiers as written (a lock keeps their order)
    #: a non-index source: (``editable`` or ``directory``, the path relative to the workspace root),
    #: or a file, url or git source as :mod:`prong.api._sources` makes it
    source: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class LocalProject:
    """A workspace member: resolved from its pyproject, never from an index."""

    name: str
    version: Version
    source: DistSource
    requires_dist: tuple[LoweredRequirement, ...] = ()
    provides_extra: tuple[str, ...] = ()
    dependency_groups: Mapping[str, tuple[LoweredRequirement, ...]] = field(default_factory=dict)
    requires_python: str | None = None
    #: a workspace member (the resolution starts from it); ``False``: a path dependency of one,
    #: resolved from its pyproject when something requires it
    member: bool = True
    #: the lock's artifacts of a wheel or sdist file / URL source (``LockArtifact``s)
    sdist: Any = None
    wheels: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class _Dep:
    """uv's ``PubGrubDependency``: a solver package with the range and marker of one requirement."""

    package: PubGrubPackage
    range: Range
    marker: MarkerTree
    parent: str | None = None  # a plain package parent (project-level conflicts)

    @property
    def name(self) -> str:
        return self.package.name  # type: ignore[union-attr]

    def conflict_item(self) -> ConflictItemRef | None:
        p = self.package
        if isinstance(p, Extra):
            return ConflictItemRef(p.name, extra=p.extra)
        if isinstance(p, Group):
            return ConflictItemRef(p.name, group=p.group)
        return None

    def has_upper_bound(self) -> bool:
        intervals = self.range.intervals()
        return bool(intervals) and intervals[-1][2] is not None


@dataclass(slots=True)
class _Fork:
    deps: list[_Dep]
    env: UniversalEnv
    items: set[ConflictItemRef] = field(default_factory=set)

    def add(self, dep: _Dep) -> None:
        item = dep.conflict_item()
        if item is not None:
            self.items.add(item)
        self.deps.append(dep)

    def clone(self) -> _Fork:
        return _Fork(list(self.deps), self.env, set(self.items))

    def set_env(self, env: UniversalEnv) -> None:
        self.env = env
        kept = []
        for dep in self.deps:
            if env.included_by_marker(dep.marker):
                kept.append(dep)
            else:
                item = dep.conflict_item()
                if item is not None:
                    self.items.discard(item)
        self.deps = kept

    def filter(self, rules: Sequence[tuple[bool, ConflictItemRef]]) -> _Fork | None:
        env = self.env.filter_by_group(rules)
        if env is None:
            return None
        new = _Fork([], env, set(self.items))
        for dep in self.deps:
            item = dep.conflict_item()
            if item is None or env.included_by_group(item):
                new.deps.append(dep)
            else:
                new.items.discard(item)
        return new


_UNSPECIFIED, _CONFLICT_LATE, _CONFLICT_EARLY, _SINGLETON, _DIRECT_URL, _ROOT = range(6)
_CONFLICT_THRESHOLD = 5


class UvPriorities:
    """uv's ``PubGrubPriorities``: a class and a discovery index per project name (singleton
    when some requirement pins one version; conflict-early/late after 5 conflicts), then a
    tie-breaker per solver package (an extra or group apart from its project), bigger first."""

    __slots__ = ("package", "tiebreak", "affected", "culprit", "early", "late")

    def __init__(self) -> None:
        self.package: dict[str, tuple[int, int]] = {}
        self.tiebreak: dict[Any, int] = {}
        self.affected: dict[Any, int] = {}
        self.culprit: dict[Any, int] = {}
        self.early: list[Any] = []
        self.late: list[Any] = []

    def copy(self) -> UvPriorities:
        new = UvPriorities()
        new.package = dict(self.package)
        new.tiebreak = dict(self.tiebreak)
        new.affected = dict(self.affected)
        new.culprit = dict(self.culprit)
        return new

    def insert(self, package: Any, rng: Any) -> None:
        if package not in self.tiebreak:
            self.tiebreak[package] = len(self.tiebreak)
        name = getattr(package, "name", None)
        if name is None:
            return
        current = self.package.get(name)
        index = current[1] if current is not None else len(self.package)
        cls = _SINGLETON if _is_singleton(rng) else _UNSPECIFIED
        if current is None:
            self.package[name] = (cls, index)
            return
        if cls == _UNSPECIFIED and current[0] in (_CONFLICT_EARLY, _CONFLICT_LATE):
            return
        if cls > current[0]:
            self.package[name] = (cls, index)

    def get(self, package: Any, _vs: Any = None) -> tuple[int, int, int]:
        if isinstance(package, Root):
            return (_ROOT, 0, 0)
        name = package.name
        cls, index = self.package.get(name, (_UNSPECIFIED, 1 << 30))
        return (cls, -index, -self.tiebreak.get(package, 1 << 30))

    def record_conflict(self, affected: Any, incompat: Any) -> None:
        aname = getattr(affected, "name", None)
        real = False
        for other in getattr(incompat, "terms", {}):
            if other == affected or (aname is not None and getattr(other, "name", None) == aname):
                continue
            real = True
            count = self.culprit[other] = self.culprit.get(other, 0) + 1
            if count == _CONFLICT_THRESHOLD:
                self.late.append(other)
        if real:
            count = self.affected[affected] = self.affected.get(affected, 0) + 1
            if count == _CONFLICT_THRESHOLD:
                self.early.append(affected)

    def reprioritize(self, pubgrub: Any) -> None:
        for package in self.early:
            self._mark(package, _CONFLICT_EARLY)
        for package in self.late:
            if self._mark(package, _CONFLICT_LATE):
                level = pubgrub.backtrack_package(package)
                log.debug("%s has too many conflicts (culprit): deprioritized, backtracked to level %s",
                          package, level)
        self.early.clear()
        self.late.clear()

    def _mark(self, package: Any, cls: int) -> bool:
        name = getattr(package, "name", None)
        if name is None:
            return False
        current = self.package.get(name)
        if current is None:
            self.package[name] = (cls, len(self.package))
            return True
        if current[0] == _CONFLICT_EARLY or (cls == _CONFLICT_LATE and current[0] == _CONFLICT_LATE):
            return False
        self.package[name] = (cls, current[1])
        return True


def _is_singleton(rng: Any) -> bool:
    if rng.as_singleton() is not None:
        return True
    intervals = rng.intervals()
    if len(intervals) != 1:
        return False
    lo, lo_inc, hi, _ = intervals[0]
    if lo is None or hi is None or not lo_inc:
        return False
    from prong.pep440.ranges import Range

    return rng == Range.from_specifiers(f"=={lo}")


class _State:
    """One fork's solver state (uv's ``ForkState``)."""

    def __init__(self, pubgrub: Any, env: UniversalEnv, python: PythonTarget, priorities: UvPriorities) -> None:
        self.pubgrub = pubgrub
        self.env = env
        self.python = python
        self.priorities = priorities
        self.next: PubGrubPackage = Root()
        self.initial: tuple[PubGrubPackage, Version | None] | None = None
        self.fork_indexes: dict[str, str] = {}
        self.edges: dict[tuple[PubGrubPackage, Version | None], list[_Dep]] = {}
        self.pins: dict[tuple[str, Version], str | None] = {}  # (name, version) -> index URL (None: local)

    def copy(self) -> _State:
        new = _State(self.pubgrub.copy(), self.env, self.python, self.priorities.copy())
        new.next = self.next
        new.fork_indexes = dict(self.fork_indexes)
        new.edges = {k: list(v) for k, v in self.edges.items()}
        new.pins = dict(self.pins)
        return new

    def with_env(self, env: UniversalEnv, base_python: PythonTarget) -> _State:
        self.env = env
        self.python = self.python.narrow(env.python_bounds()) if env.python_bounds() else self.python
        return self


# -- errors ----------------------------------------------------------------------------------------


class ForkNoSolutionError(ProngError):
    """No solution in one fork: the solver's explanation, prefixed with the fork as uv names it."""

    def __init__(self, inner: Any, env: UniversalEnv) -> None:
        self.inner = inner
        self.env = env
        split = env.display()
        head = "No solution found when resolving dependencies"
        if split:
            head += f" for {split}"
        self.head = head
        super().__init__(head)

    def report(self) -> str:
        return self.inner.report()

    def hints(self) -> Sequence[str]:
        return list(self.inner.hints())

    def __str__(self) -> str:
        return f"{self.head}:\n{self.report()}"


class ConflictingIndexesError(ProngError):
    def __init__(self, name: str, first: str, second: str, env: UniversalEnv) -> None:
        self.name = name
        split = env.display()
        where = f" in {split}" if split else ""
        super().__init__(
            f"Requirements contain conflicting indexes for package `{name}`{where}:\n- {first}\n- {second}"
        )


# -- the resolver ----------------------------------------------------------------------------------


def _forking(strategy: str) -> str:
    return "fewest" if strategy == "fewest" else "requires-python"


class UniversalResolver:
    """Solves every fork; see the module docstring. Built and run by :func:`resolve_universal`."""

    def __init__(
        self,
        projects: Sequence[LocalProject],
        *,
        requires_python: str,
        index: Any,
        options: ResolverOptions,
        conflicts: Sequence[Sequence[ConflictItemRef]] = (),
        constraints: Sequence[Requirement] = (),
        overrides: Sequence[Requirement] = (),
        environments: Sequence[MarkerTree] = (),
        required_environments: Sequence[MarkerTree] = (),
        preferences: Mapping[str, Sequence[tuple[MarkerTree, Version, str | None]]] | None = None,
        fork_strategy: str = "requires-python",
        root_requirements: Sequence[LoweredRequirement] = (),
        initial_forks: Sequence[UniversalEnv] = (),
    ) -> None:
        from prong.pep440.version import parse_version
        from prong.resolver.options import ResolverEnvironment
        from prong.resolver.provider import PythonProvider
        from prong.tags import Target

        self.projects = {p.name: p for p in projects}
        self.requires_python = requires_python
        self.python = PythonTarget.from_specifiers(requires_python)
        self.index = index
        self.options = options
        self.conflicts = [tuple(s) for s in conflicts]
        self.conflict_items = {i for s in self.conflicts for i in s}
        self.constraints: dict[str, list[Requirement]] = {}
        for c in constraints:
            self.constraints.setdefault(c.name, []).append(c)
        self.overrides: dict[str, list[Requirement]] = {}
        for o in overrides:
            self.overrides.setdefault(o.name, []).append(o)
        self.environments = list(environments)
        self.initial_forks = list(initial_forks)
        self.required_environments = list(required_environments)
        self.fork_strategy = _forking(fork_strategy)
        self.root_requirements = list(root_requirements)
        self.tags = UniversalTags(self.python)
        self.direct = frozenset(
            {p.name for p in projects}
            | {lr.requirement.name for p in projects for lr in p.requires_dist}
            | {lr.requirement.name for p in projects for g in p.dependency_groups.values() for lr in g}
            | {lr.requirement.name for lr in self.root_requirements}
        )
        # preferences: name -> [(marker, version, index)]; the lock's first, then each fork's
        self.preferences: dict[str, list[tuple[MarkerTree, Version, str | None]]] = {
            k: list(v) for k, v in (preferences or {}).items()
        }
        # explicit indexes of the project's requirements: name -> [(index, marker, conflict)]
        self.pinned: dict[str, list[tuple[str, MarkerTree, ConflictItemRef | None]]] = {}
        for lr in self._all_lowered():
            if lr.index is not None:
                self.pinned.setdefault(lr.requirement.name, []).append((lr.index, lr.marker, lr.conflict))
        self.version_maps: dict[tuple[str, str | None], VersionMap | None] = {}
        self.responses: dict[tuple[str, str | None], Any] = {}
        self.metadata_cache: dict[tuple[str, Version, str], Any] = {}
        self.root_version = parse_version("0")
        # a single-environment provider for explanations (the report reads its facts)
        from prong.tags import Tags

        target = Target.current()
        lower = self.python.lower
        target = Target(_mm(lower), target.implementation, platform=target.platform)
        self.report_provider = PythonProvider(
            [], env=ResolverEnvironment(target, requested_python=True), index=index, options=options,
            tags=Tags.for_target(target),
        )
        self.warnings: list[str] = []
        # the report knows a workspace member's one version (so it words "you require app[x]")
        from prong.resolver.index import VersionCandidate

        for project in projects:
            self.report_provider.version_maps[project.name] = VersionMap(
                project.name, (VersionCandidate(project.version, (), ""),), options=options,
                tags=self.tags, python_version=self.python.lower,  # type: ignore[arg-type]
            )

    def _all_lowered(self) -> Iterable[LoweredRequirement]:
        yield from self.root_requirements
        for p in self.projects.values():
            yield from p.requires_dist
            for reqs in p.dependency_groups.values():
                yield from reqs

    # -- index --------------------------------------------------------------------------------

    def version_map(self, name: str, index_url: str | None) -> VersionMap | None:
        key = (name, index_url)
        if key in self.version_maps:
            return self.version_maps[key]
        if index_url is None:
            response = self.index.versions(name)
        else:
            response = self.index.versions_from(name, index_url)
        self.responses[key] = response
        vmap: VersionMap | None = None
        rp = self.report_provider
        if isinstance(response, Found):
            if response.problems:
                rp.index_problems[name] = response.problems
            if log.isEnabledFor(logging.INFO):
                where = sorted({c.index_url for c in response.candidates}) or [index_url or "the default index"]
                log.info("%s: %d versions from %s", name, len(response.candidates), ", ".join(where))
            vmap = VersionMap(name, response.candidates, options=self.options, tags=self.tags,  # type: ignore[arg-type]
                              python_version=self.python.lower)
            rp.version_maps[name] = vmap
        else:
            from prong.resolver.index import IndexFetchFailed, fetch_failure
            from prong.resolver.provider import UnavailablePackage

            failure = fetch_failure(response)
            if failure is not None:
                raise IndexFetchFailed(name, failure)
            if isinstance(response, NotFound) and response.problems:
                rp.index_problems[name] = response.problems
            if isinstance(response, IndexProblem):
                rp.index_problems[name] = (response,)
            rp.unavailable_packages[name] = UnavailablePackage(name, response)
        self.version_maps[key] = vmap
        return vmap

    def _metadata(self, name: str, version: Version, file: IndexFile | None) -> Any:
        key = (name, version, file.url if file is not None else "")
        hit = self.metadata_cache.get(key)
        if hit is None:
            hit = self.metadata_cache[key] = self.index.metadata(name, version, file)
        return hit

    # -- the solve loop -----------------------------------------------------------------------

    def resolve(self) -> UniversalResolution:
        from prong.pep440.ranges import Range
        from prong.pep508.markers import TRUE
        from prong.pubgrub import NoSolution, State

        self._speculate_builds()
        pubgrub: State[Any, Range] = State(Root(), self.root_version, Range)
        base_env = UniversalEnv(TRUE)
        start = _State(pubgrub, base_env, self.python, UvPriorities())
        stack: list[_State] = []
        if self.initial_forks:  # the previous lock's forks, as uv starts a re-lock
            for env in reversed(self.initial_forks):
                st = start.copy()
                stack.append(st.with_env(env, self.python))
        elif self.environments:
            for marker in reversed(self.environments):
                st = start.copy()
                stack.append(st.with_env(base_env.narrow(marker), self.python))
        else:
            stack.append(start)
        if self.fork_strategy == "fewest" or self.options.resolution is ResolutionMode.LOWEST:
            stack.sort(key=lambda s: _lower_key(s.env), reverse=True)
        else:
            stack.sort(key=lambda s: _lower_key(s.env))
        results: list[ForkResolution] = []
        while stack:
            state = stack.pop()
            split = state.env.display()
            if split:
                log.info("Solving %s (requires-python: %s)", split, state.python)
            try:
                done = self._solve_fork(state, stack)
            except NoSolution as err:
                from prong.resolver.failure import NoSolutionError

                raise ForkNoSolutionError(NoSolutionError(err.tree, self.report_provider), state.env) from None
            if done is None:
                continue
            results.append(done)
            if self.options.resolution in (ResolutionMode.HIGHEST, ResolutionMode.LOWEST):
                for node in done.nodes:
                    if node.name is None or node.extra is not None or node.group is not None or node.version is None:
                        continue
                    src = node.source.value if node.source is not None and node.source.kind == "registry" else None
                    self.preferences.setdefault(node.name, []).append((state.env.markers, node.version, src))
        if len(results) > 1:
            log.info("Solved your requirements for %d environments", len(results))
        return UniversalResolution(tuple(results), self.requires_python, tuple(dict.fromkeys(self.warnings)))

    def _speculate_builds(self) -> None:
        """As uv: start the metadata builds of the direct requirements' likely versions at once
        (concurrently, on the index's build pool), rather than one after another as the solver
        reaches them. Only for plain registry requirements whose likely version is the highest
        one allowed and has no wheel; a build the solver never asks for is wasted work, never an
        error (the index keeps its failure for a caller that asks)."""
        import functools

        from prong.pep440.ranges import Range

        speculate = getattr(self.index, "speculate_build", None)
        when_versions = getattr(self.index, "when_versions", None)
        if speculate is None or when_versions is None or self.options.resolution is not ResolutionMode.HIGHEST:
            return
        ranges: dict[str, Any] = {}
        skip: set[str] = set()
        for lr in self._all_lowered():
            req = lr.requirement
            name = req.name
            if (req.url is not None or lr.index is not None or name in self.projects or name in self.preferences
                    or name in self.constraints or name in self.overrides or name in self.pinned):
                skip.add(name)
                continue
            try:
                rng = Range.from_specifiers(req.specifier)
            except Exception:
                skip.add(name)
                continue
            ranges[name] = rng.intersection(ranges[name]) if name in ranges else rng
        for name, rng in ranges.items():
            if name not in skip:
                when_versions(name, functools.partial(self._speculate_one, speculate, name, rng))

    def _speculate_one(self, speculate: Any, name: str, rng: Any, response: object) -> None:
        """On an index thread, once the page of ``name`` is here: the build of its likely version."""
        if not isinstance(response, Found):
            return
        vmap = VersionMap(name, response.candidates, options=self.options, tags=self.tags,  # type: ignore[arg-type]
                          python_version=self.python.lower)
        order = ordered_versions(vmap, rng, resolution=self.options.resolution, direct=True,
                                 prereleases=allows_prereleases(self.options.prerelease, name, frozenset()),
                                 preference=None)
        first = next(order, None)
        if first is None:
            return
        choice = vmap.choose(first)
        if not isinstance(choice, FileChoice) or choice.file is None or choice.python_incompatible:
            return
        speculate(name, first, choice.file)

    def _solve_fork(self, st: _State, stack: list[_State]) -> ForkResolution | None:
        pubgrub = st.pubgrub
        ps = pubgrub.partial_solution
        while True:
            if st.initial is not None:
                package, initial_version = st.initial
                st.initial = None
            else:
                initial_version = None
                for affected, incompat in pubgrub.unit_propagation(st.next):
                    st.priorities.record_conflict(affected, incompat)
                st.priorities.reprioritize(pubgrub)
                picked = ps.pick_highest_priority(st.priorities.get)
                if picked is None:
                    return self._into_resolution(st)
                package = picked
            st.next = package
            if initial_version is not None:
                version = initial_version
            else:
                term = ps.term(package)
                assert term is not None
                decision = self._choose_version(st, package, term.versions)
                if decision is None:
                    pubgrub.add_no_versions(package)
                    continue
                if isinstance(decision, _Unavailable):
                    pubgrub.add_unavailable(package, decision.version, decision.reason)
                    continue
                if isinstance(decision, _VersionForks):
                    for env in decision.envs:
                        new = st.copy()
                        new.with_env(env, self.python)
                        new.initial = (package, decision.version)
                        stack.append(new)
                    return None
                version = decision
            if pubgrub.dependencies_added(package, version):
                ps.add_decision(package, version)
                continue
            result = self._dependencies_forking(st, package, version)
            if isinstance(result, _Unavailable):
                pubgrub.add_unavailable(package, version, result.reason)
                continue
            if isinstance(result, _RequiresPython):
                envs = self._python_forks(st, result.requires_python)
                if envs:
                    log.info("Forking Python requirement `%s` on `%s` for %s==%s", st.python,
                             result.requires_python, package, version)
                    for env in envs:
                        new = st.copy()
                        new.with_env(env, self.python)
                        new.initial = (package, None)
                        stack.append(new)
                    return None
                pubgrub.add_unavailable(package, version, _rp_reason(self.report_provider, package, version,
                                                                     result.requires_python))
                continue
            forks = result
            if len(forks) == 1:
                self._add_dependencies(st, package, version, forks[0].deps)
                continue
            names = sorted({d.name for f in forks for d in f.deps})
            log.info("Splitting resolution on %s==%s into %d resolutions with separate markers", package,
                     version, len(forks))
            del names
            if self.fork_strategy == "fewest" or self.options.resolution is ResolutionMode.LOWEST:
                forks.sort(key=lambda f: (_neg_lower_key(f.env), sum(d.has_upper_bound() for d in f.deps)))
            else:
                forks.sort(key=lambda f: (_lower_key(f.env), sum(d.has_upper_bound() for d in f.deps)))
            for i, fork in enumerate(forks):
                new = st if i == len(forks) - 1 else st.copy()
                new.with_env(fork.env, self.python)
                self._add_dependencies(new, package, version, fork.deps)
                stack.append(new)
            return None

    def _add_dependencies(self, st: _State, package: PubGrubPackage, version: Version, deps: list[_Dep]) -> None:
        from prong.pep440.ranges import Range

        merged: dict[PubGrubPackage, Range] = {}
        for dep in deps:
            name = dep.name
            # an explicit index for this package in this fork
            for index_url, marker, conflict in self.pinned.get(name, ()):
                if not st.env.included_by_marker(marker):
                    continue
                if conflict is not None and not st.env.included_by_group(conflict):
                    continue
                known = st.fork_indexes.get(name)
                if known is not None and known != index_url:
                    raise ConflictingIndexesError(name, known, index_url, st.env)
                st.fork_indexes[name] = index_url
            st.priorities.insert(dep.package, dep.range)
            if isinstance(dep.package, Extra):
                st.priorities.insert(Package(name), dep.range)
            prev = merged.get(dep.package)
            merged[dep.package] = dep.range if prev is None else prev.intersection(dep.range)
        st.edges[(package, version)] = list(deps)
        self._prefetch(st, merged)
        if not st.pubgrub.add_version(package, version, merged):
            # the dependencies conflict with the partial solution: count it (uv's conflict tracking)
            ps = st.pubgrub.partial_solution
            for child, rng in merged.items():
                acc = ps.term(child)
                if acc is not None and acc.positive and acc.versions.is_disjoint(rng):
                    st.priorities.record_conflict(package, _Pair(package, child))
                    break

    def _prefetch(self, st: _State, deps: Mapping[PubGrubPackage, Any]) -> None:
        names = [p.name for p in deps if isinstance(p, (Package, Extra)) and p.name not in self.projects]
        plain = [n for n in names if n not in st.fork_indexes]
        if plain:
            try:
                self.index.prefetch(dict.fromkeys(plain))
            except Exception:  # a hint only
                pass

    # -- choosing versions ------------------------------------------------------------------------

    def _choose_version(self, st: _State, package: PubGrubPackage, vs: Range) -> Any:
        if isinstance(package, Root):
            return self.root_version if vs.contains(self.root_version) else None
        name = package.name  # type: ignore[union-attr]
        local = self.projects.get(name)
        if local is not None:
            return local.version if vs.contains(local.version) else None
        index_url = st.fork_indexes.get(name)
        vmap = self.version_map(name, index_url)
        if vmap is None:
            return None
        preference = self._preference(st, name, index_url, vmap, vs)
        order = ordered_versions(
            vmap,
            vs,
            resolution=self.options.resolution,
            direct=name in self.direct,
            prereleases=allows_prereleases(self.options.prerelease, name, frozenset()),
            preference=preference,
        )
        chosen = next(order, None)
        if chosen is None:
            log.debug("%s: no version in %s%s", package, vs, f" ({st.env.display()})" if st.env.display() else "")
            return None
        if isinstance(package, (Extra, Group, ExtraReqs, GroupReqs)):
            return chosen
        log.debug("Selecting %s==%s%s", name, chosen, " [preference]" if chosen == preference else "")
        choice = vmap.choose(chosen)
        if isinstance(choice, UnavailableVersion):
            self.report_provider.unavailable_versions[(name, chosen)] = choice
            log.debug("Rejecting %s==%s: %s", name, chosen, choice)
            return _Unavailable(chosen, choice)
        st.pins[(name, chosen)] = vmap.candidates[chosen].index_url if index_url is None else index_url
        if choice.requires_python and not st.python.contains_lower_of(choice.requires_python):
            if self.fork_strategy == "requires-python":
                envs = self._python_forks(st, choice.requires_python)
                if envs:
                    log.info("Forking Python requirement `%s` on `%s` for %s==%s", st.python,
                             choice.requires_python, name, chosen)
                    return _VersionForks(envs, None)
            return _Unavailable(chosen, _rp_reason(self.report_provider, package, chosen, choice.requires_python))
        forked = self._fork_for_required_environments(st, package, name, chosen, choice, vmap)
        if forked is not None:
            return forked
        return chosen

    def _preference(self, st: _State, name: str, index_url: str | None, vmap: VersionMap, vs: Range) -> Version | None:
        entries = self.preferences.get(name)
        if not entries:
            return None
        if index_url is not None:
            entries = [e for e in entries if e[2] is None or e[2] == index_url]
        highest = self.options.resolution is not ResolutionMode.LOWEST
        ranked = sorted(
            entries,
            key=lambda e: (st.env.included_by_marker(e[0]), e[1] if highest else _Rev(e[1])),
            reverse=True,
        ) if len(entries) > 1 else entries
        for _marker, version, _index in ranked:
            if vs.contains(version) and version in vmap.candidates:
                return version
        return None

    def _python_forks(self, st: _State, requires_python: str) -> list[UniversalEnv]:
        bounds = _spec_bounds(requires_python)
        if bounds is None or bounds[0] is None:
            return []
        split = st.python.split(bounds[0])
        if split is None:
            return []
        lower, upper = split
        envs = []
        for part in (lower, upper):
            if st.env.included_by_marker(part.marker):
                envs.append(st.env.narrow(part.marker))
        return envs

    def _fork_for_required_environments(
        self, st: _State, package: PubGrubPackage, name: str, version: Version, choice: FileChoice, vmap: VersionMap
    ) -> Any:
        if not self.required_environments:
            return None
        files = vmap.candidates[version].files
        implied = _implied_markers(files)
        if implied.is_true():
            return None
        relevant = self._environments_of(st, package)
        for marker in self.required_environments:
            if st.env.included_by_marker(marker) and implied.is_disjoint(marker) and not relevant.is_disjoint(marker):
                with_marker = st.env.narrow(marker) if st.env.included_by_marker(marker) else None
                complement = marker.negate()
                if with_marker is None or not st.env.included_by_marker(complement):
                    return _Unavailable(version, UnavailableVersion(
                        "no-wheels", f"has no `{marker}`-compatible wheels", {}))
                return _VersionForks([with_marker, st.env.narrow(complement)], None)
        return None

    def _environments_of(self, st: _State, package: PubGrubPackage) -> MarkerTree:
        """uv's ``find_environments``: the markers under which ``package`` is reachable from the
        root over the dependency edges added so far in this fork."""
        from prong.pep508.markers import FALSE, TRUE

        reach: dict[Any, MarkerTree] = {Root(): TRUE}
        by_parent: dict[Any, list[_Dep]] = {}
        for (pkg, _version), deps in st.edges.items():
            by_parent.setdefault(pkg, []).extend(deps)
        queue = [Root()]
        while queue:
            current = queue.pop(0)
            here = reach[current]
            for dep in by_parent.get(current, ()):
                child = dep.package
                nxt = reach.get(child, FALSE).or_(here.and_(dep.marker))
                if nxt != reach.get(child, FALSE):
                    reach[child] = nxt
                    queue.append(child)
                if isinstance(child, Extra):
                    base = Package(child.name)
                    nb = reach.get(base, FALSE).or_(here.and_(dep.marker))
                    if nb != reach.get(base, FALSE):
                        reach[base] = nb
                        queue.append(base)
        return reach.get(package, FALSE)

    # -- dependencies -----------------------------------------------------------------------------

    def _requirements_of(self, package: PubGrubPackage, version: Version) -> Any:
        """(lowered requirements, extra, group, parent name) or an unavailability."""
        name = package.name  # type: ignore[union-attr]
        local = self.projects.get(name)
        if local is not None:
            if isinstance(package, GroupReqs):
                return list(local.dependency_groups.get(package.group, ())), None, package.group, name
            extra = package.extra if isinstance(package, ExtraReqs) else None
            return list(local.requires_dist), extra, None, name
        return None

    def _dependencies_forking(self, st: _State, package: PubGrubPackage, version: Version) -> Any:
        from prong.pep440.ranges import Range
        from prong.pep508.markers import TRUE

        if isinstance(package, Root):
            deps = []
            for name, project in self.projects.items():
                if project.member:
                    deps.extend(self._root_deps(project))
            for lr, marker in self._for_extra(st, self.root_requirements, None, st.python.marker):
                deps.extend(self._to_deps(lr.requirement, marker, None, None))
            return self._fork(st, deps)
        name = package.name  # type: ignore[union-attr]
        if isinstance(package, Extra):  # a proxy: the project and the extra's requirements, same version
            return [_Fork([_Dep(Package(name), Range.singleton(version), TRUE),
                           _Dep(ExtraReqs(name, package.extra), Range.singleton(version), TRUE)], st.env)]
        if isinstance(package, Group):
            return [_Fork([_Dep(GroupReqs(name, package.group), Range.singleton(version), TRUE)], st.env)]
        lowered = self._requirements_of(package, version)
        if lowered is None:
            index_url = st.fork_indexes.get(name)
            vmap = self.version_map(name, index_url)
            if vmap is None or version not in vmap.candidates:
                return _Unavailable(version, UnavailableVersion("other", "is not available", {}))
            choice = vmap.choose(version)
            if isinstance(choice, UnavailableVersion):
                return _Unavailable(version, choice)
            response = self._metadata(name, version, choice.file)
            if not isinstance(response, MetadataFound):
                if isinstance(package, ExtraReqs):
                    return [_Fork([], st.env)]
                reason = UnavailableVersion("metadata", f"has unusable metadata ({response.reason})",
                                            {"reason": response.reason})
                self.report_provider.unavailable_versions[(name, version)] = reason
                return _Unavailable(version, reason)
            md = response.metadata
            if md.requires_python and not st.python.contains_lower_of(str(md.requires_python)):
                return _RequiresPython(str(md.requires_python))
            reqs = [_lower_plain(r) for r in md.requires_dist]
            extra = package.extra if isinstance(package, ExtraReqs) else None
            group = None
            if isinstance(package, ExtraReqs):
                from prong.pep508.names import normalize_extra

                provided = {normalize_extra(e) for e in md.provides_extra}
                if extra not in provided:
                    self.warnings.append(f"The package `{name}=={version}` does not have an extra named `{extra}`")
        else:
            reqs, extra, group, _ = lowered
        deps: list[_Dep] = list(self._flatten(st, reqs, extra, group, name))
        return self._fork(st, deps)

    def _root_deps(self, project: LocalProject) -> list[_Dep]:
        from prong.pep440.ranges import Range
        from prong.pep508.markers import TRUE

        full = Range.full()
        deps: list[_Dep] = []
        extras = sorted(project.provides_extra)
        if extras:
            if any(ConflictItemRef(project.name, extra=e) in self.conflict_items for e in extras):
                deps.append(_Dep(Package(project.name), full, TRUE))
            deps.extend(_Dep(Extra(project.name, e), full, TRUE) for e in extras)
        else:
            deps.append(_Dep(Package(project.name), full, TRUE))
        groups = sorted(project.dependency_groups)
        if groups:
            if any(ConflictItemRef(project.name, group=g) in self.conflict_items for g in groups):
                deps.append(_Dep(Package(project.name), full, TRUE))
            deps.extend(_Dep(Group(project.name, g), full, TRUE) for g in groups)
        return deps

    def _flatten(
        self, st: _State, reqs: Sequence[LoweredRequirement], extra: str | None, group: str | None, parent: str
    ) -> list[_Dep]:
        """uv's ``flatten_requirements``: the requirements that apply (extras assigned, fork and
        requires-python markers checked), a package's requirements on its own extras expanded."""
        out: list[_Dep] = []
        python_marker = st.python.marker
        first = self._for_extra(st, reqs, extra, python_marker)
        selfrefs = [(lr, m) for lr, m in first if lr.requirement.name == parent and lr.requirement.extras and group is None]
        if not selfrefs:
            for lr, marker in first:
                out.extend(self._to_deps(lr.requirement, marker, parent if extra is None and group is None else None,
                                         group))
            return out
        items: list[tuple[LoweredRequirement, MarkerTree]] = list(first)
        seen: set[tuple[str, MarkerTree]] = set()
        queue = [(e, m) for lr, m in selfrefs for e in lr.requirement.extras]
        while queue:
            sub, marker = queue.pop(0)
            if (sub, marker) in seen:
                continue
            seen.add((sub, marker))
            for lr, m in self._for_extra(st, reqs, sub, python_marker):
                m2 = m.and_(marker)
                if python_marker.is_disjoint(m2) or not st.env.included_by_marker(m2):
                    continue
                if lr.requirement.name == parent and lr.requirement.extras:
                    queue.extend((e, m2) for e in lr.requirement.extras)
                items.append((lr, m2))
        for lr, marker in items:
            r = lr.requirement
            if r.name == parent and r.extras:
                if r.specifier or r.url:  # keep the self-constraint without extras
                    out.extend(self._to_deps(_without_extras(r), marker, None, group))
                continue
            out.extend(self._to_deps(r, marker, parent if extra is None and group is None else None, group))
        return out

    def _for_extra(
        self, st: _State, reqs: Sequence[LoweredRequirement], extra: str | None, python_marker: MarkerTree
    ) -> list[tuple[LoweredRequirement, MarkerTree]]:
        out = []
        for lr in self._apply_overrides(reqs):
            marker = lr.marker
            if extra is not None:
                with_extra = marker.assign_extras(lambda e, x=extra: e == x)
                without = marker.assign_extras(lambda e: False)
                marker = with_extra.and_(without.negate())
            else:
                marker = marker.assign_extras(lambda e: False)
            if marker.is_false():
                continue
            if python_marker.is_disjoint(marker):
                continue
            if not st.env.included_by_marker(marker):
                continue
            out.append((lr, marker))
            for c in self.constraints.get(lr.requirement.name, ()):
                cm = c.marker_tree
                combined = marker if cm is None else cm.and_(marker)
                if combined.is_false() or python_marker.is_disjoint(combined):
                    continue
                if not st.env.included_by_marker(combined):
                    continue
                out.append((LoweredRequirement(_without_extras(c), combined), combined))
        return out

    def _apply_overrides(self, reqs: Sequence[LoweredRequirement]) -> Iterable[LoweredRequirement]:
        from prong.pep508.markers import TRUE

        for lr in reqs:
            replaced = self.overrides.get(lr.requirement.name)
            if replaced is None:
                yield lr
                continue
            for o in replaced:
                om = o.marker_tree if o.marker_tree is not None else TRUE
                yield LoweredRequirement(o, om.and_(lr.marker), lr.index, lr.conflict)

    def _to_deps(self, req: Requirement, marker: MarkerTree, parent: str | None, group: str | None) -> list[_Dep]:
        """uv's ``PubGrubDependency::from_requirement`` (the marker already has no extras)."""
        from prong.pep440.ranges import Range

        rng = Range.full() if req.url is not None else Range.from_specifiers(req.specifier)
        marker = marker.assign_extras(lambda e: True)
        if req.extras:
            out = []
            if any(ConflictItemRef(req.name, extra=e) in self.conflict_items for e in req.extras):
                out.append(_Dep(Package(req.name), rng, marker, parent))
            out.extend(_Dep(Extra(req.name, e), rng, marker) for e in req.extras)
            return out
        return [_Dep(Package(req.name), rng, marker, parent)]

    def _fork(self, st: _State, deps: list[_Dep]) -> list[_Fork]:
        """uv's ``ForkedDependencies::fork``."""
        python_marker = st.python.marker
        by_name: dict[str, list[_Dep]] = {}
        for dep in deps:
            by_name.setdefault(dep.name, []).append(dep)
        forks = [_Fork([], st.env)]
        for name in sorted(by_name):
            group = by_name[name]
            first_marker = group[0].marker
            if len(group) == 1 or all(d.marker == first_marker for d in group):
                bounds = first_marker.python_bounds()
                if bounds is None or not st.python.raises(bounds):
                    for dep in group:
                        for fork in forks:
                            if fork.env.included_by_marker(dep.marker):
                                fork.add(dep)
                    continue
            for dep in group:
                marker = dep.marker
                if not st.env.included_by_marker(marker):
                    continue
                if marker.is_true():
                    for fork in forks:
                        fork.add(dep)
                    continue
                remaining = marker
                new: list[_Fork] = []
                for fork in forks:
                    if not fork.env.included_by_marker(remaining):
                        new.append(fork)
                        continue
                    envs = []
                    not_marker = remaining.negate()
                    if not fork.env.markers.is_disjoint(not_marker):
                        envs.append(fork.env.narrow(not_marker))
                    envs.append(fork.env.narrow(remaining))
                    remaining = remaining.and_(fork.env.markers.negate())
                    for env in envs:
                        child = fork.clone()
                        child.set_env(env)
                        if env.included_by_marker(dep.marker):
                            child.add(dep)
                        if env.included_by_marker(python_marker):
                            new.append(child)
                forks = new
        for cset in self.conflicts:
            new = []
            for fork in forks:
                if not any(item in fork.items for item in cset):
                    new.append(fork)
                    continue
                alive = [item for item in cset if fork.env.included_by_group(item)]
                if len(alive) < 2:
                    dominated = all(
                        not any(
                            other is not cset and item in other
                            and any(o != item and fork.env.included_by_group(o) for o in other)
                            for other in self.conflicts
                        )
                        for item in alive
                    )
                    if dominated:
                        filtered = fork.filter([(False, i) for i in cset if not fork.env.included_by_group(i)])
                        if filtered is not None:
                            new.append(filtered)
                        continue
                none = fork.clone().filter([(False, i) for i in cset])
                if none is not None:
                    new.append(none)
                for i in range(len(cset)):
                    allowed = fork.clone().filter([(j == i, item) for j, item in enumerate(cset)])
                    if allowed is not None:
                        new.append(allowed)
            forks = new
        return forks

    # -- the result -------------------------------------------------------------------------------

    def _into_resolution(self, st: _State) -> ForkResolution:
        solution = st.pubgrub.partial_solution.extract_solution()
        nodes: dict[Node, None] = {}
        edges: list[ResolutionEdge] = []
        pins: dict[tuple[str, Version, DistSource], PinnedDist] = {}

        def node_of(pkg: PubGrubPackage, version: Version | None) -> Node:
            if isinstance(pkg, Root):
                return Node(None, None)
            name = pkg.name  # type: ignore[union-attr]
            source = self._source(st, name, version)
            return Node(
                name,
                version,
                source,
                extra=pkg.extra if isinstance(pkg, (Extra, ExtraReqs)) else None,
                group=pkg.group if isinstance(pkg, (Group, GroupReqs)) else None,
            )

        for pkg, version in solution.items():
            if isinstance(pkg, (Package, ExtraReqs, GroupReqs)):
                nodes[node_of(pkg, version)] = None
            if isinstance(pkg, Package):
                pinned = self._pinned_dist(st, pkg.name, version)
                if pinned is not None:
                    pins[(pinned.name, pinned.version, pinned.source)] = pinned
            deps = st.edges.get((pkg, version))
            if not deps or isinstance(pkg, (Extra, Group)):  # proxies carry no edges of their own
                continue
            parent = node_of(pkg, None if isinstance(pkg, Root) else version)
            parent_name = None if isinstance(pkg, Root) else pkg.name  # type: ignore[union-attr]
            for dep in deps:
                child_pkg = dep.package
                child_version = solution.get(child_pkg)
                if child_version is None or not dep.range.contains(child_version):
                    continue
                if isinstance(child_pkg, Package) and parent_name == child_pkg.name and not isinstance(pkg, GroupReqs):
                    continue
                edges.append(ResolutionEdge(parent, node_of(child_pkg, child_version), dep.marker))
                if isinstance(child_pkg, Extra):  # an edge to an extra is also one to its project
                    edges.append(ResolutionEdge(parent, node_of(Package(child_pkg.name), child_version), dep.marker))
        return ForkResolution(st.env.fork_env(), tuple(nodes), tuple(edges), pins)

    def _source(self, st: _State, name: str, version: Version | None) -> DistSource:
        local = self.projects.get(name)
        if local is not None:
            return local.source
        index_url = st.pins.get((name, version)) if version is not None else None  # type: ignore[arg-type]
        if index_url is None:
            index_url = st.fork_indexes.get(name)
        if index_url is None and version is not None:
            vmap = self.version_map(name, None)
            if vmap is not None and version in vmap.candidates:
                index_url = vmap.candidates[version].index_url
        return DistSource("registry", index_url or "")

    def _pinned_dist(self, st: _State, name: str, version: Version) -> PinnedDist | None:
        local = self.projects.get(name)
        if local is not None:
            return None
        source = self._source(st, name, version)
        index_url = st.fork_indexes.get(name)
        vmap = self.version_map(name, index_url)
        if vmap is None or version not in vmap.candidates:
            return None
        cand = vmap.candidates[version]
        choice = vmap.choose(version)
        md = None
        if isinstance(choice, FileChoice):
            response = self._metadata(name, version, choice.file)
            if isinstance(response, MetadataFound):
                md = response.metadata
        return PinnedDist(
            name=name,
            version=version,
            source=source,
            files=tuple(cand.files),
            requires_dist=tuple(str(r) for r in md.requires_dist) if md is not None else (),
            provides_extra=tuple(md.provides_extra) if md is not None else (),
            requires_python=str(md.requires_python) if md is not None and md.requires_python else None,
        )


@dataclass(frozen=True, slots=True)
class _Pair:
    """The two packages of a dependency that conflicts (for conflict counting)."""

    parent: Any
    child: Any

    @property
    def terms(self) -> tuple[Any, Any]:
        return (self.parent, self.child)


@dataclass(frozen=True, slots=True)
class _Unavailable:
    version: Version
    reason: Any


@dataclass(frozen=True, slots=True)
class _VersionForks:
    envs: list[UniversalEnv]
    version: Version | None


@dataclass(frozen=True, slots=True)
class _RequiresPython:
    requires_python: str


class _Rev:
    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v

    def __lt__(self, other: _Rev) -> bool:
        return other.v < self.v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Rev) and other.v == self.v


def _lower_key(env: UniversalEnv) -> tuple[int, Any]:
    bounds = env.python_bounds()
    lo = bounds[0] if bounds else None
    return (0, ()) if lo is None else (1, lo)


def _neg_lower_key(env: UniversalEnv) -> Any:
    return _Rev(_lower_key(env))


def _rp_reason(provider: Any, package: Any, version: Version, requires_python: str) -> UnavailableVersion:
    name = getattr(package, "name", str(package))
    provider.requires_python[(name, version)] = requires_python
    reason = UnavailableVersion("requires-python", f"requires Python {requires_python}",
                                {"requires_python": requires_python})
    provider.unavailable_versions[(name, version)] = reason
    return reason


def _lower_plain(item: object) -> LoweredRequirement:
    from prong.pep508.markers import TRUE
    from prong.pep508.requirement import Requirement, parse_requirement

    req = item if isinstance(item, Requirement) else parse_requirement(str(item))
    return LoweredRequirement(req, req.marker_tree if req.marker_tree is not None else TRUE)


def _without_extras(req: Requirement) -> Requirement:
    from dataclasses import replace

    return replace(req, extras=())


def _implied_markers(files: Sequence[IndexFile]) -> MarkerTree:
    """uv's ``implied_markers`` of a version's files: TRUE with an sdist, else the union of what
    each wheel's platform tags imply."""
    from prong.filenames import WheelFilename
    from prong.pep508.markers import FALSE, TRUE, parse_marker

    out = FALSE
    for f in files:
        if not f.filename.endswith(".whl"):
            return TRUE
        try:
            wheel = WheelFilename.parse(f.filename)
        except Exception:
            continue
        for plat in wheel.platform_tags:
            out = out.or_(_platform_marker(plat, parse_marker))
            if out.is_true():
                return TRUE
    return out


def _platform_marker(plat: str, parse: Any) -> MarkerTree:
    from prong.pep508.markers import TRUE

    if plat == "any":
        return TRUE
    if plat.startswith("win"):
        arch = {"win_amd64": "AMD64", "win32": "x86", "win_arm64": "ARM64"}.get(plat)
        base = "sys_platform == 'win32'"
        return parse(base + (f" and platform_machine == '{arch}'" if arch else ""))
    if plat.startswith("macosx"):
        arch = plat.rsplit("_", 1)[-1]
        if arch in ("arm64", "x86_64"):
            return parse(f"sys_platform == 'darwin' and platform_machine == '{arch}'")
        return parse("sys_platform == 'darwin'")
    if plat.startswith(("manylinux", "musllinux", "linux")):
        for arch in ("x86_64", "aarch64", "i686", "armv7l", "ppc64le", "s390x", "riscv64"):
            if plat.endswith("_" + arch):
                return parse(f"sys_platform == 'linux' and platform_machine == '{arch}'")
        return parse("sys_platform == 'linux'")
    return TRUE


def resolve_universal(
    projects: Sequence[LocalProject],
    *,
    requires_python: str,
    index: Any,
    options: ResolverOptions | None = None,
    conflicts: Sequence[Sequence[ConflictItemRef]] = (),
    constraints: Sequence[Requirement] = (),
    overrides: Sequence[Requirement] = (),
    environments: Sequence[MarkerTree] = (),
    required_environments: Sequence[MarkerTree] = (),
    preferences: Mapping[str, Sequence[tuple[MarkerTree, Version, str | None]]] | None = None,
    fork_strategy: str = "requires-python",
    root_requirements: Sequence[LoweredRequirement] = (),
    initial_forks: Sequence[UniversalEnv] = (),
) -> UniversalResolution:
    """Resolve ``projects`` (workspace members, with all their extras and groups) and
    ``root_requirements`` for every environment ``requires_python`` and ``environments`` allow.

    ``index`` answers ``versions(name)``, ``versions_from(name, index_url)``, ``metadata``,
    ``prefetch``. Raises :class:`ForkNoSolutionError` (naming the fork) when a fork has no
    solution, :class:`ConflictingIndexesError` when one fork pins a package to two indexes.
    """
    resolver = UniversalResolver(
        projects,
        requires_python=requires_python,
        index=index,
        options=options or ResolverOptions(),
        conflicts=conflicts,
        constraints=constraints,
        overrides=overrides,
        environments=environments,
        required_environments=required_environments,
        preferences=preferences,
        fork_strategy=fork_strategy,
        root_requirements=root_requirements,
        initial_forks=initial_forks,
    )
    return resolver.resolve()
