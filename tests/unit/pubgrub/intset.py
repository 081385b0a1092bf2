"""Test doubles for prong.pubgrub: integer version sets and an offline provider.

``IntSet`` is a union of half-open integer intervals ``[lo, hi)``, stored as a flat sorted
tuple of bounds (``-inf``/``inf`` for open ends). It implements the ``VersionSet`` Protocol.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from prong.pubgrub import Available, Unavailable

NEG = float("-inf")
POS = float("inf")


class IntSet:
    __slots__ = ("b", "_hash")

    def __init__(self, bounds: tuple[Any, ...] = ()) -> None:
        self.b = bounds
        self._hash = hash(bounds)

    # constructors
    @classmethod
    def empty(cls) -> IntSet:
        return _EMPTY

    @classmethod
    def full(cls) -> IntSet:
        return _FULL

    @classmethod
    def singleton(cls, v: int) -> IntSet:
        return cls((v, v + 1))

    @classmethod
    def between(cls, lo: Any = NEG, hi: Any = POS) -> IntSet:
        """``[lo, hi)``."""
        return cls((lo, hi)) if lo < hi else _EMPTY

    @classmethod
    def higher_than(cls, lo: int) -> IntSet:
        return cls.between(lo, POS)

    @classmethod
    def lower_than(cls, hi: int) -> IntSet:
        return cls.between(NEG, hi)

    @classmethod
    def of(cls, intervals: Iterable[tuple[Any, Any]]) -> IntSet:
        out = _EMPTY
        for lo, hi in intervals:
            out = out.union(cls.between(lo, hi))
        return out

    # the VersionSet Protocol
    def complement(self) -> IntSet:
        b = self.b
        nb = b[1:] if b and b[0] == NEG else (NEG, *b)
        nb = nb[:-1] if nb and nb[-1] == POS else (*nb, POS)
        return IntSet(nb)

    def intersection(self, other: IntSet) -> IntSet:
        a, b = self.b, other.b
        if not a or not b:
            return _EMPTY
        if a == b:
            return self
        out: list[Any] = []
        i = j = 0
        while i < len(a) and j < len(b):
            lo = max(a[i], b[j])
            hi = min(a[i + 1], b[j + 1])
            if lo < hi:
                out.append(lo)
                out.append(hi)
            if a[i + 1] < b[j + 1]:
                i += 2
            else:
                j += 2
        return IntSet(tuple(out))

    def union(self, other: IntSet) -> IntSet:
        a, b = self.b, other.b
        if not a:
            return other
        if not b or a == b:
            return self
        pairs = sorted([(a[i], a[i + 1]) for i in range(0, len(a), 2)] + [(b[i], b[i + 1]) for i in range(0, len(b), 2)])
        out: list[Any] = []
        for lo, hi in pairs:
            if out and lo <= out[-1]:
                if hi > out[-1]:
                    out[-1] = hi
            else:
                out.append(lo)
                out.append(hi)
        return IntSet(tuple(out))

    def contains(self, v: int) -> bool:
        return bisect_right(self.b, v) % 2 == 1

    def is_empty(self) -> bool:
        return not self.b

    def is_subset(self, other: IntSet) -> bool:
        return self.intersection(other).b == self.b

    def is_disjoint(self, other: IntSet) -> bool:
        return not self.intersection(other).b

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IntSet) and self.b == other.b

    def __hash__(self) -> int:
        return self._hash

    # display
    def format(self, version: Callable[[Any], str] = str) -> str:
        b = self.b
        if not b:
            return "∅"
        if b == (NEG, POS):
            return "*"
        c = self.complement().b
        if len(c) == 2 and c[1] == c[0] + 1 and c[0] != NEG:
            return f"!={version(c[0])}"
        parts = []
        for i in range(0, len(b), 2):
            lo, hi = b[i], b[i + 1]
            if lo != NEG and hi == lo + 1:
                parts.append(f"=={version(lo)}")
            elif lo == NEG:
                parts.append(f"<{version(hi)}")
            elif hi == POS:
                parts.append(f">={version(lo)}")
            else:
                parts.append(f">={version(lo)},<{version(hi)}")
        return " | ".join(parts)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"IntSet({self.b!r})"


_EMPTY = IntSet(())
_FULL = IntSet((NEG, POS))


@dataclass
class OfflineProvider:
    """Packages and their versions' dependencies held in memory (pubgrub-rs's test double).

    Chooses the highest matching version; decides first the package with the fewest matching
    versions (as pub does). ``unavailable`` maps (package, version) to a reason.
    """

    registry: dict[str, dict[int, Mapping[str, IntSet]]] = field(default_factory=dict)
    unavailable: dict[tuple[str, int], str] = field(default_factory=dict)
    version_set = IntSet
    calls: list[tuple[str, str, int]] = field(default_factory=list)

    def add(self, package: str, version: int, dependencies: Mapping[str, IntSet] | None = None) -> None:
        self.registry.setdefault(package, {})[version] = dict(dependencies or {})

    def versions(self, package: str, versions: IntSet) -> list[int]:
        return sorted((v for v in self.registry.get(package, {}) if versions.contains(v)), reverse=True)

    def prioritize(self, package: str, versions: IntSet) -> tuple[int, int]:
        return (-len(self.versions(package, versions)), 0)

    def choose_version(self, package: str, versions: IntSet) -> int | None:
        found = self.versions(package, versions)
        return found[0] if found else None

    def get_dependencies(self, package: str, version: int) -> Available[str, IntSet] | Unavailable[str]:
        self.calls.append(("get_dependencies", package, version))
        reason = self.unavailable.get((package, version))
        if reason is not None:
            return Unavailable(reason)
        return Available(self.registry[package][version])

    def should_cancel(self) -> None:
        pass
