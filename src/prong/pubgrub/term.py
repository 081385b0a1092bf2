"""Terms: a statement about one package (solver.md#term).

``Term(True, S)`` says "the package is selected with a version in S"; ``Term(False, S)`` says
"the package is not selected with a version in S", which also holds when it is not selected
at all. So ``Term(False, empty)`` is "any" (always true) and ``Term(True, empty)`` is never true.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Generic

from prong.pubgrub.version_set import VS


class Relation(IntEnum):
    """How a set of assignments relates to a term."""

    SATISFIED = 0  # every assignment allowed by the assignments satisfies the term
    CONTRADICTED = 1  # none does
    INCONCLUSIVE = 2


SATISFIED = Relation.SATISFIED
CONTRADICTED = Relation.CONTRADICTED
INCONCLUSIVE = Relation.INCONCLUSIVE


@dataclass(frozen=True, slots=True)
class Term(Generic[VS]):
    positive: bool
    versions: VS

    @staticmethod
    def pos(versions: VS) -> Term[VS]:
        return Term(True, versions)

    @staticmethod
    def neg(versions: VS) -> Term[VS]:
        return Term(False, versions)

    def negate(self) -> Term[VS]:
        return Term(not self.positive, self.versions)

    def is_any(self) -> bool:
        """True when the term holds whatever is selected."""
        return not self.positive and self.versions.is_empty()

    def is_empty(self) -> bool:
        """True when the term can never hold."""
        return self.positive and self.versions.is_empty()

    def contains(self, version: Any) -> bool:
        """Whether selecting ``version`` satisfies this term."""
        return self.versions.contains(version) == self.positive

    def intersection(self, other: Term[VS]) -> Term[VS]:
        if self.positive:
            if other.positive:
                return Term(True, self.versions.intersection(other.versions))
            return Term(True, self.versions.intersection(other.versions.complement()))
        if other.positive:
            return Term(True, other.versions.intersection(self.versions.complement()))
        return Term(False, self.versions.union(other.versions))

    def union(self, other: Term[VS]) -> Term[VS]:
        if self.positive:
            if other.positive:
                return Term(True, self.versions.union(other.versions))
            return Term(False, other.versions.intersection(self.versions.complement()))
        if other.positive:
            return Term(False, self.versions.intersection(other.versions.complement()))
        return Term(False, self.versions.intersection(other.versions))

    def is_subset(self, other: Term[VS]) -> bool:
        """Whether every assignment satisfying ``self`` satisfies ``other``."""
        if self.positive:
            if other.positive:
                return self.versions.is_subset(other.versions)
            return self.versions.is_disjoint(other.versions)
        if other.positive:
            return False
        return other.versions.is_subset(self.versions)

    def is_disjoint(self, other: Term[VS]) -> bool:
        """Whether no assignment satisfies both terms."""
        if self.positive:
            if other.positive:
                return self.versions.is_disjoint(other.versions)
            return self.versions.is_subset(other.versions)
        if other.positive:
            return other.versions.is_subset(self.versions)
        return False

    def relation(self, accumulated: Term[VS]) -> Relation:
        """How ``accumulated`` (the intersection of a package's assignments) relates to ``self``."""
        a = accumulated.versions
        t = self.versions
        if self.positive:
            if accumulated.positive:
                if a.is_subset(t):
                    return SATISFIED
                if a.is_disjoint(t):
                    return CONTRADICTED
                return INCONCLUSIVE
            if t.is_subset(a):
                return CONTRADICTED
            return INCONCLUSIVE
        if accumulated.positive:
            if a.is_disjoint(t):
                return SATISFIED
            if a.is_subset(t):
                return CONTRADICTED
            return INCONCLUSIVE
        if t.is_subset(a):
            return SATISFIED
        return INCONCLUSIVE

    def __str__(self) -> str:
        return str(self.versions) if self.positive else f"not {self.versions}"
