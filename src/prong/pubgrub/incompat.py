"""Incompatibilities: sets of terms that must not all hold (solver.md#incompatibility).

Each incompatibility records its cause. External causes (``NotRoot``, ``NoVersions``,
``UnavailableVersions``, ``FromDependencyOf``) are facts given to the solver; they are also the
leaves of a derivation tree. ``DerivedFrom`` links an incompatibility learnt in conflict
resolution to the two it was derived from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from typing import Any, Generic, TypeVar

from prong.pubgrub.term import Term
from prong.pubgrub.version_set import VS

P = TypeVar("P")
V = TypeVar("V")
M = TypeVar("M")


@dataclass(frozen=True, slots=True)
class NotRoot(Generic[P, V]):
    """The root package must be selected at the root version."""

    package: P
    version: V


@dataclass(frozen=True, slots=True)
class NoVersions(Generic[P, VS]):
    """The provider has no version of ``package`` in ``versions``."""

    package: P
    versions: VS


@dataclass(frozen=True, slots=True)
class UnavailableVersions(Generic[P, VS, M]):
    """The versions of ``package`` in ``versions`` cannot be used, for the provider's ``reason``."""

    package: P
    versions: VS
    reason: M


@dataclass(frozen=True, slots=True)
class FromDependencyOf(Generic[P, VS]):
    """``package`` in ``versions`` depends on ``dependency`` in ``dependency_versions``."""

    package: P
    versions: VS
    dependency: P
    dependency_versions: VS


External = NotRoot[Any, Any] | NoVersions[Any, Any] | UnavailableVersions[Any, Any, Any] | FromDependencyOf[Any, Any]


@dataclass(frozen=True, slots=True, eq=False)
class DerivedFrom:
    """Learnt by resolving ``cause1`` with ``cause2``."""

    cause1: Incompatibility[Any, Any]
    cause2: Incompatibility[Any, Any]


Cause = External | DerivedFrom

_ids = count()


class Incompatibility(Generic[P, VS]):
    """Terms (at most one per package) that cannot all be true, with their cause.

    Identity matters, not content: two incompatibilities with equal terms are distinct facts.
    ``id`` is unique in the process and orders incompatibilities by creation.
    """

    __slots__ = ("terms", "cause", "id")

    def __init__(self, terms: dict[P, Term[VS]], cause: Cause) -> None:
        self.terms = terms
        self.cause = cause
        self.id = next(_ids)

    # constructors --------------------------------------------------------------------------

    @classmethod
    def not_root(cls, package: P, version: Any, singleton: VS) -> Incompatibility[P, VS]:
        return cls({package: Term(False, singleton)}, NotRoot(package, version))

    @classmethod
    def no_versions(cls, package: P, term: Term[VS]) -> Incompatibility[P, VS]:
        assert term.positive, "no_versions needs a positive term"
        return cls({package: term}, NoVersions(package, term.versions))

    @classmethod
    def unavailable(cls, package: P, versions: VS, reason: Any) -> Incompatibility[P, VS]:
        return cls({package: Term(True, versions)}, UnavailableVersions(package, versions, reason))

    @classmethod
    def from_dependency(
        cls, package: P, versions: VS, dependency: P, dependency_versions: VS
    ) -> Incompatibility[P, VS]:
        cause = FromDependencyOf(package, versions, dependency, dependency_versions)
        if dependency == package:
            # A self-dependency: either always met (the caller drops it) or never met.
            return cls({package: Term(True, versions.intersection(dependency_versions.complement()))}, cause)
        if dependency_versions.is_empty():
            return cls({package: Term(True, versions)}, cause)
        return cls({package: Term(True, versions), dependency: Term(False, dependency_versions)}, cause)

    @classmethod
    def prior_cause(
        cls, incompat: Incompatibility[P, VS], satisfier_cause: Incompatibility[P, VS], package: P
    ) -> Incompatibility[P, VS]:
        """Resolve two incompatibilities on ``package`` (solver.md#conflict-resolution)."""
        terms = dict(incompat.terms)
        for p, t in satisfier_cause.terms.items():
            if p == package:
                continue
            old = terms.get(p)
            terms[p] = t if old is None else old.intersection(t)
        del terms[package]
        merged = incompat.terms[package].union(satisfier_cause.terms[package])
        if not merged.is_any():
            terms[package] = merged
        return cls(terms, DerivedFrom(incompat, satisfier_cause))

    # queries ------------------------------------------------------------------------------

    def is_terminal(self, root_package: P, root_version: Any) -> bool:
        """True when this proves that the root cannot be selected: version solving failed."""
        terms = self.terms
        if not terms:
            return True
        if len(terms) == 1:
            term = terms.get(root_package)
            return term is not None and term.positive and term.versions.contains(root_version)
        return False

    def as_dependency(self) -> tuple[P, P] | None:
        cause = self.cause
        if type(cause) is FromDependencyOf:
            return cause.package, cause.dependency
        return None

    def merge_dependents(self, other: Incompatibility[P, VS]) -> Incompatibility[P, VS] | None:
        """``p`` in A depends on ``d`` in D and ``p`` in B depends on ``d`` in D: ``p`` in A∪B does."""
        c1, c2 = self.cause, other.cause
        if type(c1) is not FromDependencyOf or type(c2) is not FromDependencyOf:
            return None
        if c1.package != c2.package or c1.dependency != c2.dependency or c1.package == c1.dependency:
            return None
        if c1.dependency_versions != c2.dependency_versions:
            return None
        return Incompatibility.from_dependency(
            c1.package, c1.versions.union(c2.versions), c1.dependency, c1.dependency_versions
        )

    def causes(self) -> tuple[Incompatibility[P, VS], Incompatibility[P, VS]] | None:
        cause = self.cause
        if type(cause) is DerivedFrom:
            return cause.cause1, cause.cause2
        return None

    def __iter__(self) -> Iterator[tuple[P, Term[VS]]]:
        return iter(self.terms.items())

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, package: P) -> Term[VS] | None:
        return self.terms.get(package)

    def __repr__(self) -> str:
        inner = ", ".join(f"{p} {t}" for p, t in self.terms.items())
        return f"Incompatibility#{self.id}({{{inner}}}, {type(self.cause).__name__})"

