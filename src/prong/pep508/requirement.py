"""PEP 508 dependency specifiers, parsed by ``packaging.requirements`` into a frozen value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prong.errors import InvalidRequirement
from prong.pep508.names import ExtraName, PackageName, normalize_extra, normalize_name

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

__all__ = ["Requirement", "parse_requirement"]


@dataclass(frozen=True, slots=True)
class Requirement:
    """One dependency: ``name[extras] specifier`` or ``name[extras] @ url``, with an optional marker.

    ``name`` and ``extras`` are normalized (extras sorted, without duplicates); ``marker`` is the
    marker text as ``packaging`` prints it (``None`` when absent). ``str()`` gives a PEP 508 string
    that parses back to an equal value.
    """

    name: PackageName
    extras: tuple[ExtraName, ...]
    specifier: SpecifierSet
    url: str | None = None
    marker: str | None = None
    _marker_tree: Any = field(default=None, init=False, repr=False, compare=False, hash=False)

    @property
    def marker_tree(self) -> Any:
        """The parsed marker (``prong.pep508.markers.parse_marker``), or ``None`` without one."""
        if self.marker is None:
            return None
        tree = self._marker_tree
        if tree is None:
            from prong.pep508.markers import parse_marker

            tree = parse_marker(self.marker)
            object.__setattr__(self, "_marker_tree", tree)
        return tree

    def __str__(self) -> str:
        parts: list[str] = [self.name]
        if self.extras:
            parts.append("[" + ",".join(self.extras) + "]")
        if self.url is not None:
            parts.append(f" @ {self.url}")
        elif self.specifier:
            parts.append(str(self.specifier))
        if self.marker is not None:
            parts.append(f" ; {self.marker}")
        return "".join(parts)


def parse_requirement(text: str) -> Requirement:
    """Parse one PEP 508 requirement.

    Raises :class:`~prong.errors.InvalidRequirement` whose span points at the offending text.
    """
    from packaging.requirements import InvalidRequirement as _PackagingInvalid
    from packaging.requirements import Requirement as _PackagingRequirement

    try:
        req = _PackagingRequirement(text)
    except _PackagingInvalid as err:
        cause = err.__cause__
        span = getattr(cause, "span", None)
        message = getattr(cause, "message", None) or str(err).split("\n", 1)[0]
        source = getattr(cause, "source", None)
        if source != text:
            span = None
        raise InvalidRequirement(f"`{text}`: {message}", text, span) from None
    try:
        name = normalize_name(req.name)
        extras = tuple(sorted({normalize_extra(e) for e in req.extras}))
    except Exception as err:  # packaging's grammar is slightly looser than PEP 508 names
        raise InvalidRequirement(
            f"`{text}`: {getattr(err, 'message', err)}", text, _name_span(text, req.name)
        ) from None
    marker = str(req.marker) if req.marker is not None else None
    return Requirement(name, extras, req.specifier, req.url, marker)


def _name_span(text: str, name: str) -> tuple[int, int] | None:
    start = text.find(name)
    return None if start < 0 else (start, start + len(name))
