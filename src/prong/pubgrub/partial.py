"""The partial solution: assignments in order, with decision levels (solver.md#partial-solution).

Per package it keeps the derivations in the order they were made, each with the intersection of
all the package's assignments up to it, and at most one decision (always last). The current
intersection of a package's assignments is one dict lookup away.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from prong.pubgrub.incompat import Incompatibility
from prong.pubgrub.term import CONTRADICTED, SATISFIED, Term
from prong.pubgrub.version_set import VS

P = TypeVar("P")

# Relation of an incompatibility to the partial solution.
REL_SATISFIED = 0
REL_CONTRADICTED = 1
REL_ALMOST_SATISFIED = 2  # all terms satisfied but one, which is inconclusive
REL_INCONCLUSIVE = 3


class _Derivation:
    __slots__ = ("index", "level", "cause", "accumulated")

    def __init__(self, index: int, level: int, cause: Incompatibility[Any, Any], accumulated: Term[Any]) -> None:
        self.index = index
        self.level = level
        self.cause = cause
        self.accumulated = accumulated


class _Assignments:
    """One package's assignments. ``term`` is their intersection."""

    __slots__ = ("smallest_level", "highest_level", "derivations", "term", "decision_index", "decision")

    def __init__(self, level: int, derivation: _Derivation) -> None:
        self.smallest_level = level
        self.highest_level = level
        self.derivations = [derivation]
        self.term = derivation.accumulated
        self.decision_index = -1  # -1: no decision
        self.decision: Any = None

    def copy(self) -> _Assignments:
        new = _Assignments.__new__(_Assignments)
        new.smallest_level = self.smallest_level
        new.highest_level = self.highest_level
        new.derivations = self.derivations.copy()
        new.term = self.term
        new.decision_index = self.decision_index
        new.decision = self.decision
        return new

    def satisfier(self, start: Term[Any]) -> tuple[Incompatibility[Any, Any] | None, int, int]:
        """The first assignment whose accumulated term is disjoint from ``start``.

        Returns (cause or None for the decision, global index, decision level).
        """
        derivations = self.derivations
        i = bisect_left(derivations, True, key=lambda d: d.accumulated.is_disjoint(start))
        if i < len(derivations):
            d = derivations[i]
            return d.cause, d.index, d.level
        assert self.decision_index >= 0, "satisfier not found: the incompatibility is not satisfied"
        return None, self.decision_index, self.highest_level


class _Entry:
    """A heap entry: the highest priority first, then the earliest pushed."""

    __slots__ = ("priority", "seq", "package", "stamp")

    def __init__(self, priority: Any, seq: int, package: Any, stamp: int) -> None:
        self.priority = priority
        self.seq = seq
        self.package = package
        self.stamp = stamp

    def __lt__(self, other: _Entry) -> bool:
        a, b = self.priority, other.priority
        if a == b:
            return self.seq < other.seq
        return bool(b < a)


class PartialSolution(Generic[P, VS]):
    """Assignments made so far; see the module docstring."""

    __slots__ = ("level", "_next_index", "_assignments", "_heap", "_seq", "_stamp", "_dirty")

    def __init__(self) -> None:
        self.level = 0
        self._next_index = 0
        self._assignments: dict[P, _Assignments] = {}
        # Packages to decide, highest priority first. An entry is stale when its package's stamp
        # moved on; ``_dirty`` holds the packages to (re)prioritize.
        self._heap: list[_Entry] = []
        self._seq = 0
        self._stamp: dict[P, int] = {}
        self._dirty: dict[P, None] = {}

    def copy(self) -> PartialSolution[P, VS]:
        new = PartialSolution.__new__(PartialSolution)
        new.level = self.level
        new._next_index = self._next_index
        new._assignments = {p: a.copy() for p, a in self._assignments.items()}
        new._heap = self._heap.copy()
        new._seq = self._seq
        new._stamp = self._stamp.copy()
        new._dirty = self._dirty.copy()
        return new

    # queries --------------------------------------------------------------------------------

    def term(self, package: P) -> Term[VS] | None:
        """The intersection of all assignments to ``package``, or None if it has none."""
        a = self._assignments.get(package)
        return None if a is None else a.term

    def decision(self, package: P) -> Any:
        """The version decided for ``package``, or None."""
        a = self._assignments.get(package)
        return None if a is None or a.decision_index < 0 else a.decision

    def packages(self) -> Iterator[P]:
        """Every package with an assignment, in the order they first got one."""
        return iter(self._assignments)

    def undecided(self) -> Iterator[tuple[P, Term[VS]]]:
        """Packages with a positive term and no decision yet: the candidates to decide."""
        for p, a in self._assignments.items():
            if a.decision_index < 0 and a.term.positive:
                yield p, a.term

    def extract_solution(self) -> dict[P, Any]:
        """The decided versions."""
        return {p: a.decision for p, a in self._assignments.items() if a.decision_index >= 0}

    def relation(self, incompat: Incompatibility[P, VS]) -> tuple[int, P | None]:
        """How the partial solution relates to ``incompat``: (REL_*, package).

        The package is the contradicted term's for REL_CONTRADICTED and the one inconclusive
        term's for REL_ALMOST_SATISFIED.
        """
        assignments = self._assignments
        almost: P | None = None
        for p, t in incompat.terms.items():
            a = assignments.get(p)
            if a is not None:
                r = t.relation(a.term)
                if r is SATISFIED:
                    continue
                if r is CONTRADICTED:
                    return REL_CONTRADICTED, p
            if almost is not None:
                return REL_INCONCLUSIVE, None
            almost = p
        if almost is None:
            return REL_SATISFIED, None
        return REL_ALMOST_SATISFIED, almost

    # changes --------------------------------------------------------------------------------

    def add_decision(self, package: P, version: Any) -> None:
        """Select ``version`` for ``package`` at a new decision level."""
        a = self._assignments[package]
        assert a.decision_index < 0, f"{package} is already decided"
        assert a.term.positive and a.term.versions.contains(version), f"{package} {version} is not allowed"
        self.level += 1
        a.highest_level = self.level
        a.decision_index = self._next_index
        a.decision = version
        a.term = Term(True, type(a.term.versions).singleton(version))
        self._next_index += 1

    def add_derivation(self, package: P, cause: Incompatibility[P, VS]) -> None:
        """Add the negation of ``cause``'s term for ``package`` as a derivation."""
        term = cause.terms[package].negate()
        level = self.level
        a = self._assignments.get(package)
        if a is None:
            d = _Derivation(self._next_index, level, cause, term)
            self._assignments[package] = _Assignments(level, d)
        else:
            assert a.decision_index < 0, f"derivation for decided package {package}"
            term = a.term.intersection(term)
            d = _Derivation(self._next_index, level, cause, term)
            a.highest_level = level
            a.derivations.append(d)
            a.term = term
        self._next_index += 1
        if term.positive:
            self._dirty[package] = None

    def add_version(self, package: P, version: Any, new_incompats: Iterable[Incompatibility[P, VS]]) -> bool:
        """Decide ``version`` unless that would satisfy one of its new incompatibilities.

        Returns whether the decision was made; if not, unit propagation will learn why.
        """
        a = self._assignments[package]
        exact = Term(True, type(a.term.versions).singleton(version))
        for incompat in new_incompats:
            satisfied = True
            for p, t in incompat.terms.items():
                acc = exact if p == package else self.term(p)
                if acc is None or t.relation(acc) is not SATISFIED:
                    satisfied = False
                    break
            if satisfied:
                return False
        self.add_decision(package, version)
        return True

    def decision_level(self, package: P) -> int | None:
        """The decision level at which ``package`` was decided (None: not decided)."""
        a = self._assignments.get(package)
        if a is None or a.decision_index < 0:
            return None
        return a.highest_level

    def backtrack(self, level: int) -> None:
        """Remove every assignment made at a decision level above ``level``."""
        self.level = level
        kept: dict[P, _Assignments] = {}
        for p, a in self._assignments.items():
            if a.smallest_level > level:
                continue
            if a.highest_level > level:
                derivations = a.derivations
                while derivations[-1].level > level:
                    derivations.pop()
                last = derivations[-1]
                a.highest_level = last.level
                a.term = last.accumulated
                a.decision_index = -1
                a.decision = None
            kept[p] = a
        self._assignments = kept
        # Priorities may depend on terms: recompute them all.
        self._heap.clear()
        self._dirty = dict.fromkeys(kept)

    # conflict analysis ----------------------------------------------------------------------

    def satisfier_search(self, incompat: Incompatibility[P, VS]) -> tuple[P, Incompatibility[P, VS] | None, int, int]:
        """Find the satisfier of a satisfied ``incompat`` and its previous satisfier's level.

        Returns (satisfier package, satisfier cause or None for a decision, satisfier level,
        previous satisfier level).
        """
        assignments = self._assignments
        found: dict[P, tuple[Incompatibility[P, VS] | None, int, int]] = {}
        for p, t in incompat.terms.items():
            found[p] = assignments[p].satisfier(t.negate())
        package = max(found, key=lambda p: found[p][1])
        cause, _, level = found[package]
        a = assignments[package]
        own = cause.terms[package].negate() if cause is not None else a.term
        found[package] = a.satisfier(own.intersection(incompat.terms[package].negate()))
        previous = max(found.values(), key=lambda f: f[1])[2]
        return package, cause, level, max(previous, 1)

    # decision making ------------------------------------------------------------------------

    def mark_for_prioritization(self, package: P | None = None) -> None:
        """Ask for ``package``'s priority (every package's, if None) to be computed again."""
        if package is None:
            self._heap.clear()
            self._dirty = dict.fromkeys(self._assignments)
        else:
            self._dirty[package] = None

    def pick_highest_priority(self, prioritize: Callable[[P, VS], Any]) -> P | None:
        """The undecided package with a positive term and the highest priority, or None.

        Ties go to the package prioritized first.
        """
        assignments = self._assignments
        heap = self._heap
        stamps = self._stamp
        if self._dirty:
            for p in self._dirty:
                a = assignments.get(p)
                if a is None or a.decision_index >= 0 or not a.term.positive:
                    continue
                stamp = stamps.get(p, 0) + 1
                stamps[p] = stamp
                self._seq += 1
                heapq.heappush(heap, _Entry(prioritize(p, a.term.versions), self._seq, p, stamp))
            self._dirty = {}
        while heap:
            top = heap[0]
            p = top.package
            a = assignments.get(p)
            if stamps.get(p) != top.stamp or a is None or a.decision_index >= 0 or not a.term.positive:
                heapq.heappop(heap)
                continue
            return p  # left in the heap: deciding or changing it makes the entry stale
        return None
