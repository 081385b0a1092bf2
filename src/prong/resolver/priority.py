"""The order in which the solver decides packages, as uv orders them.

Larger priorities are decided first: the root, then the target Python, then URL requirements,
packages that conflicted often ("conflict early"), exact pins, the rest in discovery order; a
package whose choices often got others rejected is decided last ("conflict late"). Within a
class, earlier discovered packages come first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prong.resolver.package import Extra, Group, Package, PubGrubPackage, Python, Root

if TYPE_CHECKING:
    from prong.pep440.ranges import Range

# priority classes (bigger first)
CONFLICT_LATE = 0
UNSPECIFIED = 1
SINGLETON = 2
CONFLICT_EARLY = 3
URL = 4
PYTHON = 5
ROOT = 6

# uv's threshold: after this many conflicts a package is moved.
CONFLICT_THRESHOLD = 5


class Priorities:
    """Discovery order and conflict counts; ``priority`` returns a tuple, bigger is earlier."""

    def __init__(self) -> None:
        self._order: dict[str, int] = {}
        self._affected: dict[str, int] = {}
        self._culprit: dict[str, int] = {}
        self.urls: set[str] = set()

    def discover(self, name: str) -> None:
        if name not in self._order:
            self._order[name] = len(self._order)

    def index_of(self, name: str) -> int:
        self.discover(name)
        return self._order[name]

    def conflict(self, affected: str | None, culprit: str | None) -> None:
        """Record that ``affected`` was rejected because of ``culprit``'s choice."""
        if affected is not None:
            self._affected[affected] = self._affected.get(affected, 0) + 1
        if culprit is not None:
            self._culprit[culprit] = self._culprit.get(culprit, 0) + 1

    def affected_count(self, name: str) -> int:
        return self._affected.get(name, 0)

    def priority(self, package: PubGrubPackage, vs: Range) -> tuple[int, int]:
        if isinstance(package, Root):
            return (ROOT, 0)
        if isinstance(package, Python):
            return (PYTHON, 0)
        assert isinstance(package, (Package, Extra, Group))
        name = package.name
        order = -self.index_of(name)
        if name in self.urls:
            return (URL, order)
        if self._affected.get(name, 0) >= CONFLICT_THRESHOLD:
            return (CONFLICT_EARLY, order)
        if self._culprit.get(name, 0) >= CONFLICT_THRESHOLD:
            return (CONFLICT_LATE, order)
        if vs.as_singleton() is not None or _is_exact_pin(vs):
            return (SINGLETON, order)
        return (UNSPECIFIED, order)


def _is_exact_pin(vs: Range) -> bool:
    """``==1.0`` (which also admits ``1.0+local``) counts as a pin, as in uv."""
    intervals = vs.intervals()
    if len(intervals) != 1:
        return False
    lo, lo_inc, hi, _ = intervals[0]
    if lo is None or hi is None or not lo_inc:
        return False
    from prong.pep440.ranges import Range

    return vs == Range.from_specifiers(f"=={lo}")
