"""What the solver asks of the outside world (pubgrub-rs's ``DependencyProvider``).

"Unavailable" is an answer, not an error: ``get_dependencies`` returns ``Unavailable(reason)``
and the solver records that the version cannot be used, with the reason, in its explanation.
Exceptions raised by a provider abort solving and propagate unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from prong.pubgrub.version_set import VS

P = TypeVar("P")
M = TypeVar("M")


@dataclass(frozen=True, slots=True)
class Available(Generic[P, VS]):
    """The version's dependencies: package -> allowed versions."""

    dependencies: Mapping[P, VS]


@dataclass(frozen=True, slots=True)
class Unavailable(Generic[M]):
    """The version cannot be used; ``reason`` goes into the explanation."""

    reason: M


Dependencies = Available[Any, Any] | Unavailable[Any]


class DependencyProvider(Protocol):
    """Answers the solver's questions about packages."""

    def prioritize(self, package: Any, versions: Any) -> Any:
        """A comparable priority; the undecided package with the highest one is decided next."""
        ...

    def choose_version(self, package: Any, versions: Any) -> Any | None:
        """A version of ``package`` in ``versions`` to try, or None if there is none."""
        ...

    def get_dependencies(self, package: Any, version: Any) -> Dependencies:
        """The dependencies of ``package`` at ``version``, or why it cannot be used."""
        ...

    def should_cancel(self) -> None:
        """Called once per step; raise to abort solving (timeouts, interrupts)."""
        ...
