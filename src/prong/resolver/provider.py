"""The Python dependency provider for ONE environment (uv's resolver, driven by prong.pubgrub).

It turns requirements into solver dependencies (markers evaluated for the environment,
overrides replacing, constraints narrowing), picks versions (``--resolution``, pre-release
policy, preferences, yanks, wheel tags, ``--exclude-newer``) and reports every unusable
version or project as a value with its reason, so that the explanation can say why.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prong.resolver.index import (
    Found,
    IndexFetchFailed,
    IndexProblem,
    MetadataFound,
    NoIndex,
    NotFound,
    Offline,
    PackageIndex,
    fetch_failure,
)
from prong.resolver.options import ResolverEnvironment, ResolverOptions
from prong.resolver.package import Extra, Package, PubGrubPackage, Python, Root
from prong.resolver.priority import CONFLICT_THRESHOLD, Priorities
from prong.resolver.selector import (
    FileChoice,
    UnavailableVersion,
    VersionMap,
    allows_prereleases,
    ordered_versions,
    python_compatible,
)

if TYPE_CHECKING:
    from prong.pep440.version import Version
    from prong.pep440.ranges import Range
    from prong.pep508.requirement import Requirement
    from prong.tags import Tags

log = logging.getLogger(__name__)

# How many versions of a package to prefetch metadata for once it has been backtracked over.
BATCH_PREFETCH = 50


@dataclass(frozen=True, slots=True)
class UnavailablePackage:
    """Why a whole project has no versions: ``response`` is the index's answer."""

    name: str
    response: NotFound | NoIndex | Offline | IndexProblem | str

    def __str__(self) -> str:
        r = self.response
        if isinstance(r, NotFound):
            return "was not found in the package registry"
        if isinstance(r, NoIndex):
            return "was not found in the provided package locations"
        if isinstance(r, Offline):
            return "was not found in the cache"
        if isinstance(r, IndexProblem):
            where = f" ({r.index_url})" if r.index_url else ""
            if r.kind == "empty-page":
                return f"has no distribution files on its index page{where}"
            if r.kind == "auth" and r.status is not None:
                return f"could not be fetched: the index{where} answered {r.status}"
            return f"could not be fetched from the index{where}"
        return str(r)


def _parse(req: object) -> Requirement:
    from prong.pep508.requirement import Requirement, parse_requirement

    if isinstance(req, Requirement):
        return req
    return parse_requirement(str(req))


class PythonProvider:
    """Implements ``prong.pubgrub.DependencyProvider`` for one :class:`ResolverEnvironment`."""

    def __init__(
        self,
        requirements: Sequence[Requirement | str],
        *,
        env: ResolverEnvironment,
        index: PackageIndex,
        options: ResolverOptions,
        constraints: Sequence[Requirement | str] = (),
        overrides: Sequence[Requirement | str] = (),
        preferences: Mapping[str, Version] | None = None,
        tags: Tags | None = None,
    ) -> None:
        from prong.pep440.version import parse_version
        from prong.pep440.ranges import Range
        from prong.tags import Tags

        self.env = env
        self.index = index
        self.options = options
        self.marker_env = dict(env.marker_environment())
        self.tags = tags if tags is not None else Tags.for_target(env.target)
        self.python_version: Version = parse_version(env.python_version)
        self.root_version: Version = parse_version("0")
        self.requirements = [_parse(r) for r in requirements]
        self.constraint_reqs = [_parse(r) for r in constraints]
        self.override_reqs = [_parse(r) for r in overrides]
        self.preferences = dict(preferences or {})
        self.priorities = Priorities()
        self.warnings: list[str] = []

        # overrides: name -> requirements replacing every requirement on that name
        self.overrides: dict[str, list[Requirement]] = {}
        for r in self.override_reqs:
            self.overrides.setdefault(r.name, []).append(r)
        # constraints: name -> range (markers evaluated now)
        self.constraints: dict[str, Range] = {}
        for r in self.constraint_reqs:
            if not self._marker_ok(r, ()):
                continue
            rng = Range.from_specifiers(r.specifier)
            self.constraints[r.name] = self.constraints.get(r.name, Range.full()).intersection(rng)
        top = [*self.requirements, *self.constraint_reqs, *self.override_reqs]
        self.direct = frozenset(r.name for r in self.requirements)
        # yanked versions may be used only when pinned with == / === at the top level
        self.allowed_yanks: dict[str, set[Version]] = {}
        self.explicit_prereleases: set[str] = set()
        for r in top:
            for spec in r.specifier:
                if spec.operator in ("==", "===") and not spec.version.endswith(".*"):
                    try:
                        self.allowed_yanks.setdefault(r.name, set()).add(parse_version(spec.version))
                    except Exception:
                        pass
            if r.specifier.prereleases:
                self.explicit_prereleases.add(r.name)

        # state, also read by the failure report
        self.version_maps: dict[str, VersionMap] = {}
        self.unavailable_packages: dict[str, UnavailablePackage] = {}
        self.unavailable_versions: dict[tuple[str, Version], UnavailableVersion] = {}
        self.index_problems: dict[str, tuple[IndexProblem, ...]] = {}
        self.requires_python: dict[tuple[str, Version], str] = {}
        self.dependencies: dict[tuple[PubGrubPackage, Version], dict[PubGrubPackage, Range]] = {}
        self.chosen_files: dict[tuple[str, Version], FileChoice] = {}
        self._batch_prefetched: set[str] = set()
        self._tries: dict[str, int] = {}  # choose_version calls per project
        self.empty_requirements: dict[tuple[str | None, PubGrubPackage], str] = {}
        self.split_edges: dict[tuple[str | None, PubGrubPackage], list[Range]] = {}
        self._extras_seen: dict[tuple[str, Version], frozenset[str]] = {}
        # version maps built on an index thread as soon as a page arrived (see _prefetch_dependencies)
        self._ready_maps: dict[str, VersionMap] = {}
        self._ready_lock = threading.Lock()
        self._expanded: set[tuple[str, Version, tuple[str, ...]]] = set()  # graph prefetch: versions expanded
        self._speculated: set[tuple[str, tuple[str, ...]]] = set()  # graph prefetch: requirements followed

    # -- requirements ---------------------------------------------------------------------------

    def _marker_ok(self, req: Requirement, extras: Iterable[str]) -> bool:
        tree = req.marker_tree
        if tree is None:
            return True
        return bool(tree.evaluate(self.marker_env, tuple(extras)))

    def _expand_overrides(self, reqs: Iterable[Requirement]) -> Iterable[Requirement]:
        for r in reqs:
            replaced = self.overrides.get(r.name)
            if replaced is None:
                yield r
            else:
                yield from replaced

    def _dependencies_of(
        self, reqs: Iterable[Requirement], extra: str | None, parent: str | None
    ) -> dict[PubGrubPackage, Range]:
        from prong.pep440.ranges import Range

        deps: dict[PubGrubPackage, Range] = {}
        for req in reqs:
            if extra is None:
                if not self._marker_ok(req, ()):
                    continue
            else:
                # an extra's own requirements: true with the extra, false without it
                if req.marker_tree is None or not self._marker_ok(req, (extra,)) or self._marker_ok(req, ()):
                    continue
            for r in self._expand_overrides([req]):
                if r is not req and not self._marker_ok(r, ()):
                    continue
                if r.name == parent and not r.extras:
                    continue  # a package depending on itself: skip, as pip and uv do
                if r.url is not None:
                    self.priorities.urls.add(r.name)
                    self.unavailable_packages.setdefault(
                        r.name,
                        UnavailablePackage(r.name, "is a direct URL requirement (not supported yet)"),
                    )
                    rng = Range.full()
                else:
                    rng = Range.from_specifiers(r.specifier)
                    if rng.is_empty():
                        for pkg in [Extra(r.name, e) for e in r.extras] or [Package(r.name)]:
                            self.empty_requirements[(parent, pkg)] = f"{r.name}{r.specifier}"
                constraint = self.constraints.get(r.name)
                if constraint is not None:
                    rng = rng.intersection(constraint)
                targets: list[PubGrubPackage] = (
                    [Extra(r.name, e) for e in r.extras] if r.extras else [Package(r.name)]
                )
                for pkg in targets:
                    prev = deps.get(pkg)
                    if prev is None:
                        deps[pkg] = rng
                        continue
                    merged = prev.intersection(rng)
                    if merged.is_empty():
                        # two requirements that admit nothing together: keep both for the report
                        key = (parent, pkg)
                        self.split_edges.setdefault(key, [prev]).append(rng)
                    deps[pkg] = merged
        self._discover(deps)
        return deps

    def _discover(self, deps: Mapping[PubGrubPackage, object]) -> None:
        new: list[str] = []
        for pkg in deps:
            if isinstance(pkg, (Package, Extra)):
                name = pkg.name
                if name not in self.version_maps and name not in self.unavailable_packages:
                    new.append(name)
                self.priorities.discover(name)
        if new:
            self.index.prefetch(dict.fromkeys(new))

    # -- the DependencyProvider protocol -----------------------------------------------------------

    def prioritize(self, package: PubGrubPackage, vs: Range) -> tuple[int, int]:
        return self.priorities.priority(package, vs)

    def should_cancel(self) -> None:
        return None

    def record_conflict(self, affected: PubGrubPackage, incompat: Any) -> None:
        """A conflict on ``affected`` (its satisfier) caused by the other packages of
        ``incompat``: counted for uv's "conflict early/late" priorities."""
        name = affected.name if isinstance(affected, (Package, Extra)) else None
        if name is None:
            return
        self.priorities.conflict(name, None)
        for other in getattr(incompat, "terms", {}):
            if isinstance(other, (Package, Extra)) and other.name != name:
                self.priorities.conflict(None, other.name)

    def version_map(self, name: str) -> VersionMap | None:
        vmap = self.version_maps.get(name)
        if vmap is not None:
            return vmap
        if name in self.unavailable_packages:
            return None
        response = self.index.versions(name)
        if isinstance(response, Found):
            if response.problems:
                self.index_problems[name] = response.problems
            with self._ready_lock:
                vmap = self._ready_maps.pop(name, None)
            if vmap is None:
                vmap = self._new_version_map(name, response)
            self.version_maps[name] = vmap
            return vmap
        failure = fetch_failure(response)
        if failure is not None:
            raise IndexFetchFailed(name, failure)
        if isinstance(response, NotFound) and response.problems:
            self.index_problems[name] = response.problems
        if isinstance(response, IndexProblem):
            self.index_problems[name] = (response,)
        self.unavailable_packages[name] = UnavailablePackage(name, response)
        return None

    def _new_version_map(self, name: str, response: Found) -> VersionMap:
        return VersionMap(
            name,
            response.candidates,
            options=self.options,
            tags=self.tags,
            python_version=self.python_version,
            allowed_yanks=frozenset(self.allowed_yanks.get(name, ())),
        )

    def choose_version(self, package: PubGrubPackage, vs: Range) -> Version | None:
        if isinstance(package, Root):
            return self.root_version if vs.contains(self.root_version) else None
        if isinstance(package, Python):
            return self.python_version if vs.contains(self.python_version) else None
        assert isinstance(package, (Package, Extra))
        name = package.name
        vmap = self.version_map(name)
        if vmap is None:
            return None
        conflicted = self.priorities.affected_count(name) >= CONFLICT_THRESHOLD
        order = ordered_versions(
            vmap,
            vs,
            resolution=self.options.resolution,
            direct=name in self.direct,
            prereleases=allows_prereleases(
                self.options.prerelease, name, frozenset(self.explicit_prereleases)
            ),
            preference=self.preferences.get(name),
        )
        chosen = next(order, None)
        if chosen is None:
            return None
        # the solver will ask for these next: let the index fetch them while we work
        upcoming = [chosen]
        # a package tried again is being backtracked over: look further ahead (concurrent range
        # requests are cheap next to one round trip per version on the solver's path)
        tries = self._tries[name] = self._tries.get(name, 0) + 1
        want = BATCH_PREFETCH if conflicted and name not in self._batch_prefetched else (8 if tries > 2 else 0)
        if want == BATCH_PREFETCH:
            self._batch_prefetched.add(name)
        for v in order:
            if len(upcoming) > want:
                break
            upcoming.append(v)
        self._prefetch_metadata(vmap, upcoming)
        return chosen

    def _prefetch_metadata(self, vmap: VersionMap, versions: Sequence[Version]) -> None:
        pairs = []
        for v in versions:
            choice = vmap.choose(v)
            if isinstance(choice, FileChoice) and not choice.python_incompatible:
                pairs.append((v, choice.file))
        if pairs:
            self.index.prefetch_metadata(vmap.name, pairs)

    def get_dependencies(self, package: PubGrubPackage, version: Version) -> Any:
        from prong.pubgrub import Available, Unavailable

        result = self._get_dependencies(package, version)
        if isinstance(result, UnavailableVersion):
            assert isinstance(package, (Package, Extra))
            self.unavailable_versions[(package.name, version)] = result
            return Unavailable(result)
        self.dependencies[(package, version)] = result
        self._prefetch_dependencies(result)
        return Available(result)

    def _prefetch_dependencies(self, deps: Mapping[PubGrubPackage, Range]) -> None:
        """Metadata of each dependency's likely version: at once for pages already loaded, and
        for the others on the index's thread as soon as the page arrives (as uv's prefetch
        requests), so that the solver does not wait on one metadata request after another.

        With an index that can call back (``when_versions`` / ``when_metadata``), this goes on
        by itself: the likely version's own dependencies (markers evaluated for the target) get
        the same treatment when its metadata arrives, so pages and metadata of the whole likely
        graph are fetched as fast as the network allows, not as fast as the solver reaches them.
        """
        when_versions = getattr(self.index, "when_versions", None)
        for pkg, rng in deps.items():
            if not isinstance(pkg, (Package, Extra)):
                continue
            extras = (pkg.extra,) if isinstance(pkg, Extra) else ()
            vmap = self.version_maps.get(pkg.name)
            if vmap is None:
                if when_versions is not None and pkg.name not in self.unavailable_packages:
                    when_versions(pkg.name, functools.partial(self._prefetch_when_loaded, pkg.name, rng, extras))
                continue
            self._prefetch_first(vmap, pkg.name, rng, extras)

    def _prefetch_when_loaded(self, name: str, rng: Range, extras: tuple[str, ...], response: object) -> None:
        """On an index thread: build the version map (kept for the solver) and prefetch the
        metadata of the version the solver will most likely pick in ``rng``."""
        if not isinstance(response, Found):
            return
        with self._ready_lock:
            vmap = self.version_maps.get(name) or self._ready_maps.get(name)
            if vmap is None:
                vmap = self._ready_maps[name] = self._new_version_map(name, response)
        self._prefetch_first(vmap, name, rng, extras)

    def _prefetch_first(self, vmap: VersionMap, name: str, rng: Range, extras: tuple[str, ...] = ()) -> None:
        order = ordered_versions(
            vmap,
            rng,
            resolution=self.options.resolution,
            direct=name in self.direct,
            prereleases=allows_prereleases(self.options.prerelease, name, frozenset(self.explicit_prereleases)),
            preference=self.preferences.get(name),
        )
        first = next(order, None)
        if first is None:
            return
        self._prefetch_metadata(vmap, [first])
        when_metadata = getattr(self.index, "when_metadata", None)
        choice = vmap.choose(first)
        if when_metadata is None or not isinstance(choice, FileChoice) or choice.file is None:
            return
        if choice.python_incompatible:
            return
        key = (name, first, extras)
        with self._ready_lock:
            if key in self._expanded:
                return
            self._expanded.add(key)
        when_metadata(choice.file, functools.partial(self._prefetch_graph, name, extras))

    def _prefetch_graph(self, name: str, extras: tuple[str, ...], response: object) -> None:
        """Metadata of ``name``'s likely version arrived (on an index thread, usually): prefetch
        its dependencies the same way, each ``(name, extras)`` once."""
        from prong.pep440.ranges import Range
        from prong.pep508.requirement import Requirement

        if not isinstance(response, MetadataFound):
            return
        when_versions = getattr(self.index, "when_versions", None)
        if when_versions is None:
            return
        for item in response.metadata.requires_dist:
            try:
                req = item if isinstance(item, Requirement) else _parse(item)
            except Exception:
                continue  # the solver reports it when it gets there
            if req.url is not None or req.name == name:
                continue
            if not self._marker_ok(req, extras):
                continue
            for r in self._expand_overrides([req]):
                if r is not req and not self._marker_ok(r, ()):
                    continue
                key = (r.name, tuple(r.extras))
                with self._ready_lock:
                    if key in self._speculated:
                        continue
                    self._speculated.add(key)
                try:
                    rng = Range.from_specifiers(r.specifier)
                except Exception:
                    continue
                constraint = self.constraints.get(r.name)
                if constraint is not None:
                    rng = rng.intersection(constraint)
                for extra in r.extras or (None,):
                    sub = (extra,) if extra is not None else ()
                    when_versions(r.name, functools.partial(self._prefetch_when_loaded, r.name, rng, sub))

    def _get_dependencies(
        self, package: PubGrubPackage, version: Version
    ) -> dict[PubGrubPackage, Range] | UnavailableVersion:
        from prong.pep440.ranges import Range

        if isinstance(package, Root):
            return self._dependencies_of(self.requirements, None, None)
        if isinstance(package, Python):
            return {}
        assert isinstance(package, (Package, Extra))
        name = package.name
        vmap = self.version_map(name)
        if vmap is None or version not in vmap.candidates:
            return UnavailableVersion("other", "is not available", {})
        choice = vmap.choose(version)
        if isinstance(choice, UnavailableVersion):
            return choice
        self.chosen_files[(name, version)] = choice
        if choice.python_incompatible and choice.requires_python:
            return self._python_incompatible(name, version, choice.requires_python)
        response = self.index.metadata(name, version, choice.file)
        if not isinstance(response, MetadataFound):
            if isinstance(package, Extra):
                return {Package(name): Range.singleton(version)}
            return UnavailableVersion(
                "metadata", f"has unusable metadata ({response.reason})", {"reason": response.reason}
            )
        md = response.metadata
        rp = md.requires_python
        if rp:
            if not python_compatible(rp, self.python_version):
                return self._python_incompatible(name, version, str(rp))
        reqs = [_parse(r) for r in md.requires_dist]
        if isinstance(package, Extra):
            from prong.pep508.names import normalize_extra

            provided = {normalize_extra(e) for e in md.provides_extra}
            if package.extra not in provided and provided is not None:
                self.warnings.append(
                    f"The package `{name}=={version}` does not have an extra named `{package.extra}`"
                )
            deps: dict[PubGrubPackage, Range] = {Package(name): Range.singleton(version)}
            deps.update(self._dependencies_of(reqs, package.extra, name))
            return deps
        return self._dependencies_of(reqs, None, name)

    def _python_incompatible(self, name: str, version: Version, requires_python: str) -> UnavailableVersion:
        """A version whose Requires-Python excludes the target. uv words it as a dependency on
        Python that the target does not satisfy; the report expands it back into those facts."""
        self.requires_python[(name, version)] = requires_python
        return UnavailableVersion(
            "requires-python",
            f"requires Python {requires_python}",
            {"requires_python": requires_python},
        )

    # -- facts for the report -----------------------------------------------------------------

    def all_versions(self, name: str) -> tuple[Version, ...]:
        """Every version the index listed (after ``--exclude-newer``), pre-releases included."""
        vmap = self.version_maps.get(name)
        return tuple(vmap.versions) if vmap is not None else ()

    def available_versions(self, name: str) -> tuple[Version, ...]:
        """The versions the report may call "available": pre-releases only where allowed."""
        vmap = self.version_maps.get(name)
        if vmap is None:
            return ()
        policy = allows_prereleases(self.options.prerelease, name, frozenset(self.explicit_prereleases))
        if policy is False:
            return tuple(v for v in vmap.versions if not v.is_prerelease)
        return tuple(vmap.versions)
