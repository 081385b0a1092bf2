"""The reference solving loop (solver.md#the-algorithm) over a ``State``."""

from __future__ import annotations

from typing import Any

from prong.pubgrub.provider import DependencyProvider, Unavailable
from prong.pubgrub.state import State


def solve(
    provider: DependencyProvider, root_package: Any, root_version: Any, *, version_set: type[Any] | None = None
) -> dict[Any, Any]:
    """Select a version of every package needed by ``root_package`` at ``root_version``.

    ``version_set`` is the VersionSet class; if not given, ``provider.version_set`` is used.
    Returns package -> version, the root included. Raises ``NoSolution`` (with the
    derivation tree) when there is none; a provider's exceptions propagate.
    """
    if version_set is None:
        version_set = getattr(provider, "version_set", None)
        if version_set is None:
            raise TypeError("solve() needs version_set= or a provider with a version_set attribute")
    state: State[Any, Any] = State(root_package, root_version, version_set)
    ps = state.partial_solution
    package = root_package
    # A version found unavailable stays so; after a backjump its incompatibility may not have been
    # propagated yet when the version is chosen again, so the provider is not asked twice.
    unavailable: dict[tuple[Any, Any], Any] = {}
    while True:
        provider.should_cancel()
        state.unit_propagation(package)
        picked = ps.pick_highest_priority(provider.prioritize)
        if picked is None:
            return ps.extract_solution()
        package = picked
        term = ps.term(package)
        assert term is not None
        version = provider.choose_version(package, term.versions)
        if version is None:
            state.add_no_versions(package)
            continue
        if not term.versions.contains(version):
            raise ValueError(f"choose_version({package!r}) returned {version!r}, which is outside {term.versions}")
        if state.dependencies_added(package, version):
            ps.add_decision(package, version)
            continue
        known = unavailable.get((package, version))
        if known is not None:
            state.add_unavailable(package, version, known.reason)
            continue
        dependencies = provider.get_dependencies(package, version)
        if isinstance(dependencies, Unavailable):
            unavailable[(package, version)] = dependencies
            state.add_unavailable(package, version, dependencies.reason)
            continue
        state.add_version(package, version, dependencies.dependencies)
