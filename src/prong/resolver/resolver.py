"""``resolve``: requirements + one environment + an index -> pinned versions, or why not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prong.resolver.failure import NoSolutionError
from prong.resolver.index import PackageIndex
from prong.resolver.options import ResolverEnvironment, ResolverOptions
from prong.resolver.package import Extra, Package, Root
from prong.resolver.provider import PythonProvider

if TYPE_CHECKING:
    from prong.dists import IndexFile
    from prong.pep440.version import Version
    from prong.pep508.requirement import Requirement

__all__ = ["NoSolutionError", "Resolution", "ResolvedPackage", "resolve"]


@dataclass(frozen=True, slots=True)
class ResolvedPackage:
    """One pin. ``via`` are the names of the packages that require it (sorted); ``direct`` is
    true when the user's requirements name it; ``extras`` are the extras some edge asked for."""

    name: str
    version: Version
    file: IndexFile | None
    index_url: str | None
    via: tuple[str, ...]
    direct: bool
    extras: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Resolution:
    """The pins, in name order, and warnings met on the way (missing extras, ...)."""

    packages: Mapping[str, ResolvedPackage]
    warnings: tuple[str, ...] = ()

    def pins(self) -> dict[str, str]:
        return {name: str(p.version) for name, p in self.packages.items()}


def resolve(
    requirements: Sequence[Requirement | str],
    *,
    env: ResolverEnvironment,
    index: PackageIndex,
    options: ResolverOptions | None = None,
    constraints: Sequence[Requirement | str] = (),
    overrides: Sequence[Requirement | str] = (),
    preferences: Mapping[str, Version] | None = None,
) -> Resolution:
    """Pin a version of every package ``requirements`` need in ``env``.

    Raises :class:`NoSolutionError` (``report()``, ``hints()``) when none exists.
    """
    from prong.pubgrub import NoSolution

    provider = PythonProvider(
        requirements,
        env=env,
        index=index,
        options=options or ResolverOptions(),
        constraints=constraints,
        overrides=overrides,
        preferences=preferences,
    )
    provider.index.prefetch(dict.fromkeys(r.name for r in provider.requirements))
    root = Root()
    try:
        solution = _solve(provider, root)
    except NoSolution as err:
        raise NoSolutionError(err.tree, provider) from None
    return _build(solution, provider)


def _solve(provider: PythonProvider, root: Root) -> Mapping[object, Version]:
    """pubgrub's reference loop over ``prong.pubgrub.State`` (as ``prong.pubgrub.solve``), which
    also tells the provider about every conflict, so that packages that keep conflicting are
    decided earlier (uv's "conflict early/late" priorities)."""
    from prong.pep440.ranges import Range
    from prong.pubgrub import State, Unavailable

    state: State[object, Range] = State(root, provider.root_version, Range)
    ps = state.partial_solution
    package: object = root
    while True:
        provider.should_cancel()
        for affected, incompat in state.unit_propagation(package):
            provider.record_conflict(affected, incompat)
        picked = ps.pick_highest_priority(provider.prioritize)
        if picked is None:
            return ps.extract_solution()
        package = picked
        term = ps.term(package)
        assert term is not None
        version = provider.choose_version(package, term.versions)  # type: ignore[arg-type]
        if version is None:
            state.add_no_versions(package)
            continue
        if state.dependencies_added(package, version):
            ps.add_decision(package, version)
            continue
        dependencies = provider.get_dependencies(package, version)  # type: ignore[arg-type]
        if isinstance(dependencies, Unavailable):
            state.add_unavailable(package, version, dependencies.reason)
            continue
        state.add_version(package, version, dependencies.dependencies)


def _build(solution: Mapping[object, Version], provider: PythonProvider) -> Resolution:
    via: dict[str, set[str]] = {}
    direct: set[str] = set()
    extras: dict[str, set[str]] = {}
    for pkg, version in solution.items():
        deps = provider.dependencies.get((pkg, version), {})  # type: ignore[arg-type]
        parent = pkg.name if isinstance(pkg, (Package, Extra)) else None
        for dep in deps:
            if not isinstance(dep, (Package, Extra)):
                continue
            if isinstance(dep, Extra):
                extras.setdefault(dep.name, set()).add(dep.extra)
            if parent is None:
                if isinstance(pkg, Root):
                    direct.add(dep.name)
            elif parent != dep.name:
                via.setdefault(dep.name, set()).add(parent)
    packages: dict[str, ResolvedPackage] = {}
    for pkg, version in solution.items():
        if not isinstance(pkg, Package):
            continue
        choice = provider.chosen_files.get((pkg.name, version))
        vmap = provider.version_maps.get(pkg.name)
        cand = vmap.candidates.get(version) if vmap is not None else None
        packages[pkg.name] = ResolvedPackage(
            name=pkg.name,
            version=version,
            file=choice.file if choice is not None else None,
            index_url=cand.index_url if cand is not None else None,
            via=tuple(sorted(via.get(pkg.name, ()))),
            direct=pkg.name in direct,
            extras=tuple(sorted(extras.get(pkg.name, ()))),
        )
    return Resolution(dict(sorted(packages.items())), tuple(dict.fromkeys(provider.warnings)))
