"""Normalized project, extra and dependency-group names (PEP 503, PEP 685, PEP 735).

A name is valid when it is ASCII letters, digits, ``.``, ``-`` and ``_`` and starts and ends
with a letter or digit (the PEP 508 grammar). Normalizing lower-cases it and collapses every run
of ``.``, ``-`` and ``_`` into one ``-``. The three kinds share the rules but are distinct types,
so that a checker catches an extra passed where a package name is expected.
"""

from __future__ import annotations

import re
from typing import NewType

from prong.errors import InvalidName

PackageName = NewType("PackageName", str)
ExtraName = NewType("ExtraName", str)
GroupName = NewType("GroupName", str)

__all__ = [
    "ExtraName",
    "GroupName",
    "PackageName",
    "is_normalized",
    "normalize_extra",
    "normalize_group",
    "normalize_name",
]

_VALID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_NORMALIZED = re.compile(r"[a-z0-9](?:-?[a-z0-9])*")
_SEPARATORS = re.compile(r"[-_.]+")
_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

# Names repeat a lot (every requirement of every candidate); a plain dict is the fastest memo.
_CACHE: dict[str, str] = {}
_CACHE_LIMIT = 1 << 16


def _normalize(text: str, what: str) -> str:
    key = text
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    if _VALID.fullmatch(text) is None:
        raise _invalid(text, what)
    result = _SEPARATORS.sub("-", text).lower()
    if len(_CACHE) < _CACHE_LIMIT:
        _CACHE[key] = result
    return result


def _invalid(text: str, what: str) -> InvalidName:
    # The renderer already says "invalid package name"; other kinds name themselves.
    label = f"`{text}`" if what == "package name" else f"{what} `{text}`"
    if not text:
        return InvalidName(f"{what} is empty", text, (0, 0))
    for i, ch in enumerate(text):
        if ch not in _ALLOWED:
            return InvalidName(
                f"{label} contains {ch!r}: a name may contain only ASCII letters, digits, "
                "'.', '-' and '_'",
                text,
                (i, i + 1),
            )
    if not text[0].isalnum():
        return InvalidName(f"{label} must start with a letter or digit", text, (0, 1))
    last = len(text) - 1
    return InvalidName(f"{label} must end with a letter or digit", text, (last, last + 1))


def normalize_name(text: str) -> PackageName:
    """The PEP 503 form of a project name (``Foo_Bar.baz`` -> ``foo-bar-baz``).

    Raises :class:`~prong.errors.InvalidName`, with a span at the first bad character.
    """
    return PackageName(_normalize(text, "package name"))


def normalize_extra(text: str) -> ExtraName:
    """The PEP 685 form of an extra name (same rules as project names)."""
    return ExtraName(_normalize(text, "extra name"))


def normalize_group(text: str) -> GroupName:
    """The PEP 735 form of a dependency-group name (same rules as project names)."""
    return GroupName(_normalize(text, "dependency group name"))


def is_normalized(text: str) -> bool:
    """Whether ``text`` is already a valid name in normalized form."""
    return _NORMALIZED.fullmatch(text) is not None
