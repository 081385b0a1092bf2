"""The solver state: incompatibilities and the partial solution, stepped from outside.

``solve`` drives a ``State`` with a ``DependencyProvider``; a resolver that forks (one state per
marker split, as uv's universal resolver does) drives states itself and copies them with
``copy()``. Incompatibilities are immutable and shared between copies. One step::

    state.unit_propagation(package)          # raises NoSolution; returns the conflicts met
    package = state.partial_solution.pick_highest_priority(prioritize)   # None: solved
    term = state.term(package)               # positive; choose a version in term.versions
    state.add_no_versions(package)           # ... if there is none
    state.add_unavailable(package, version, reason)   # ... if it cannot be used
    state.add_version(package, version, dependencies)  # ... else (a fork may copy first)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from prong.pubgrub.incompat import Incompatibility
from prong.pubgrub.partial import (
    REL_ALMOST_SATISFIED,
    REL_CONTRADICTED,
    REL_SATISFIED,
    PartialSolution,
)
from prong.pubgrub.report import NoSolution, derivation_tree
from prong.pubgrub.term import Term
from prong.pubgrub.version_set import VS

P = TypeVar("P")


class State(Generic[P, VS]):
    """Everything the solver knows; see the module docstring.

    ``version_set`` is the VersionSet class (for singletons). The root package starts with
    the single incompatibility "the root is not selected at ``root_version``".
    """

    __slots__ = (
        "root_package",
        "root_version",
        "version_set",
        "partial_solution",
        "_incompatibilities",
        "_contradicted",
        "_merged_dependencies",
        "_added_dependencies",
        "conflict_count",
    )

    def __init__(self, root_package: P, root_version: Any, version_set: type[VS]) -> None:
        self.root_package = root_package
        self.root_version = root_version
        self.version_set = version_set
        self.partial_solution: PartialSolution[P, VS] = PartialSolution()
        # package -> incompatibilities mentioning it, oldest first
        self._incompatibilities: dict[P, list[Incompatibility[P, VS]]] = {}
        # incompatibilities known to be contradicted, with the decision level where they became so
        self._contradicted: dict[Incompatibility[P, VS], int] = {}
        # (package, dependency) -> dependency incompatibilities that later ones may merge with
        self._merged_dependencies: dict[tuple[P, P], list[Incompatibility[P, VS]]] = {}
        # package -> versions whose dependencies were added
        self._added_dependencies: dict[P, set[Any]] = {}
        # package -> how often it was the satisfier in conflict resolution
        self.conflict_count: dict[P, int] = {}
        self.add_incompatibility(
            Incompatibility.not_root(root_package, root_version, version_set.singleton(root_version))
        )

    def copy(self) -> State[P, VS]:
        """An independent state that continues from here (for forks)."""
        new = State.__new__(State)
        new.root_package = self.root_package
        new.root_version = self.root_version
        new.version_set = self.version_set
        new.partial_solution = self.partial_solution.copy()
        new._incompatibilities = {p: l.copy() for p, l in self._incompatibilities.items()}
        new._contradicted = self._contradicted.copy()
        new._merged_dependencies = {k: l.copy() for k, l in self._merged_dependencies.items()}
        new._added_dependencies = {p: s.copy() for p, s in self._added_dependencies.items()}
        new.conflict_count = self.conflict_count.copy()
        return new

    # incompatibilities ----------------------------------------------------------------------

    def add_incompatibility(self, incompat: Incompatibility[P, VS]) -> Incompatibility[P, VS]:
        """Add a fact; a dependency may merge with an earlier one. Returns what was stored."""
        pair = incompat.as_dependency()
        if pair is not None:
            previous = self._merged_dependencies.setdefault(pair, [])
            for i, past in enumerate(previous):
                merged = incompat.merge_dependents(past)
                if merged is not None:
                    for p in past.terms:
                        lst = self._incompatibilities[p]
                        lst.remove(past)
                    previous[i] = merged
                    incompat = merged
                    break
            else:
                previous.append(incompat)
        for p in incompat.terms:
            self._incompatibilities.setdefault(p, []).append(incompat)
        return incompat

    def incompatibilities(self, package: P) -> list[Incompatibility[P, VS]]:
        """The incompatibilities that mention ``package`` (read only)."""
        return self._incompatibilities.get(package, [])

    def add_dependencies(self, package: P, version: Any, dependencies: Mapping[P, VS]) -> list[Incompatibility[P, VS]]:
        """Record that ``package`` at ``version`` depends on ``dependencies``.

        Returns the new incompatibilities (before merging), for ``add_version``.
        """
        self._added_dependencies.setdefault(package, set()).add(version)
        singleton = self.version_set.singleton(version)
        new = []
        for dep, dep_versions in dependencies.items():
            if dep == package and dep_versions.contains(version):
                continue  # a self-dependency that is always met
            incompat = Incompatibility.from_dependency(package, singleton, dep, dep_versions)
            new.append(incompat)
            self.add_incompatibility(incompat)
        return new

    def dependencies_added(self, package: P, version: Any) -> bool:
        """Whether ``add_dependencies`` was called for this package and version."""
        versions = self._added_dependencies.get(package)
        return versions is not None and version in versions

    def add_version(self, package: P, version: Any, dependencies: Mapping[P, VS]) -> bool:
        """Add the dependencies of ``package`` at ``version`` and decide it unless that conflicts.

        If the dependencies were added before, only the decision is made. Returns whether the
        decision was made (if not, the next ``unit_propagation(package)`` learns why).
        """
        if self.dependencies_added(package, version):
            self.partial_solution.add_decision(package, version)
            return True
        new = self.add_dependencies(package, version, dependencies)
        return self.partial_solution.add_version(package, version, new)

    def add_unavailable(self, package: P, version: Any, reason: Any) -> None:
        """``package`` at ``version`` cannot be used, for ``reason``."""
        self.add_incompatibility(Incompatibility.unavailable(package, self.version_set.singleton(version), reason))

    def add_no_versions(self, package: P) -> None:
        """The provider has no version of ``package`` in its current term."""
        term = self.partial_solution.term(package)
        assert term is not None and term.positive, f"{package} has no positive term"
        self.add_incompatibility(Incompatibility.no_versions(package, term))

    def term(self, package: P) -> Term[VS] | None:
        """The intersection of the partial solution's assignments to ``package``."""
        return self.partial_solution.term(package)

    # propagation ----------------------------------------------------------------------------

    def unit_propagation(self, package: P) -> list[tuple[P, Incompatibility[P, VS]]]:
        """Derive everything that follows from a change to ``package``, resolving conflicts.

        Returns the conflicts met, as (satisfier package, incompatibility) pairs (for
        prioritizing conflict-heavy packages). Raises ``NoSolution`` if the root cannot be
        selected.
        """
        conflicts: list[tuple[P, Incompatibility[P, VS]]] = []
        ps = self.partial_solution
        by_package = self._incompatibilities
        contradicted = self._contradicted
        buffer = [package]
        while buffer:
            current = buffer.pop()
            conflict = None
            incompats = by_package.get(current)
            if incompats:
                for incompat in reversed(incompats):
                    if incompat in contradicted:
                        continue
                    rel, p = ps.relation(incompat)
                    if rel == REL_ALMOST_SATISFIED:
                        assert p is not None
                        if p not in buffer:
                            buffer.append(p)
                        ps.add_derivation(p, incompat)
                        contradicted[incompat] = ps.level
                    elif rel == REL_CONTRADICTED:
                        contradicted[incompat] = ps.level
                    elif rel == REL_SATISFIED:
                        conflict = incompat
                        break
            if conflict is not None:
                p, root_cause = self._conflict_resolution(conflict, conflicts)
                buffer.clear()
                buffer.append(p)
                ps.add_derivation(p, root_cause)
                contradicted[root_cause] = ps.level
        return conflicts

    def _conflict_resolution(
        self, incompat: Incompatibility[P, VS], conflicts: list[tuple[P, Incompatibility[P, VS]]]
    ) -> tuple[P, Incompatibility[P, VS]]:
        """Learn the root cause of a satisfied ``incompat`` and backtrack (solver.md)."""
        changed = False
        ps = self.partial_solution
        while True:
            if incompat.is_terminal(self.root_package, self.root_version):
                raise NoSolution(derivation_tree(incompat), self.root_package, self.root_version, incompat)
            package, cause, level, previous_level = ps.satisfier_search(incompat)
            self.conflict_count[package] = self.conflict_count.get(package, 0) + 1
            if cause is None or previous_level < level:
                self._backtrack(incompat, changed, previous_level)
                conflicts.append((package, incompat))
                return package, incompat
            incompat = Incompatibility.prior_cause(incompat, cause, package)
            conflicts.append((package, incompat))
            changed = True

    def backtrack_package(self, package: P) -> int | None:
        """Undo the decision on ``package`` and every assignment made after it (uv's
        deprioritize-and-backtrack for a package that keeps causing conflicts). Returns the
        decision level now in force, or None when ``package`` is not decided."""
        level = self.partial_solution.decision_level(package)
        if level is None or level <= 1:
            return None
        self._backtrack(None, False, level - 1)  # type: ignore[arg-type]
        return level - 1

    def _backtrack(self, incompat: Incompatibility[P, VS], changed: bool, level: int) -> None:
        self.partial_solution.backtrack(level)
        contradicted = self._contradicted
        for i in [i for i, lv in contradicted.items() if lv > level]:
            del contradicted[i]
        if changed:
            self.add_incompatibility(incompat)
