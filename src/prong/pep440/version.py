"""PEP 440 versions.

``Version`` is :class:`packaging.version.Version` itself (order and parsing are packaging's; see
docs/decisions.md for the measurement behind keeping it). ``parse_version`` wraps it so that bad
input raises :class:`prong.errors.InvalidVersion` with a span on the first offending character.
"""

from __future__ import annotations

import re

from packaging.version import VERSION_PATTERN, Version
from packaging.version import InvalidVersion as _PackagingInvalidVersion

from prong.errors import InvalidVersion

__all__ = ["Version", "parse_version", "first_bad_index"]

_FULL = re.compile(r"\s*" + VERSION_PATTERN + r"\s*", re.VERBOSE | re.IGNORECASE)

# Text that, appended to a prefix, can complete a valid version: if no completion works the
# prefix already contains an offending character. Keywords of the grammar, cut at any point.
_KEYWORDS = ("alpha", "beta", "preview", "pre", "rc", "c", "a", "b", "post", "rev", "r", "dev")
_COMPLETIONS: tuple[str, ...] = tuple(
    dict.fromkeys(
        ["", "0", "a", "0a"]
        + [kw[i:] + tail for kw in _KEYWORDS for i in range(len(kw)) for tail in ("", "0")]
    )
)


def _viable(prefix: str) -> bool:
    """Whether ``prefix`` can be extended into a valid version."""
    return any(_FULL.fullmatch(prefix + tail) for tail in _COMPLETIONS)


def first_bad_index(text: str) -> int:
    """Index of the first character of ``text`` after which no valid version can follow.

    Returns ``len(text)`` when ``text`` is a valid prefix that is merely incomplete.
    """
    lo, hi = 0, len(text)  # viability is closed under prefixes: binary search it
    if _viable(text):
        return len(text)
    while lo < hi:  # invariant: text[:lo] viable, text[:hi + 1] not
        mid = (lo + hi + 1) // 2
        if _viable(text[:mid]):
            lo = mid
        else:
            hi = mid - 1
    return lo


def invalid_version(text: str, offset: int = 0, source: str | None = None) -> InvalidVersion:
    """Build the error for a version ``text`` found at ``offset`` in ``source``."""
    source = text if source is None else source
    stripped = text.strip()
    if not stripped:
        return InvalidVersion("expected a version, found nothing", source, (offset, offset + len(text)))
    at = first_bad_index(text)
    if at >= len(text):
        at = len(text.rstrip())
        what = "version ends early"
        span = (offset + at, offset + at)
    elif _FULL.fullmatch(text) is not None:
        # Parses but does not convert (a number beyond the interpreter's digit limit).
        what = "number too large in version"
        span = (offset, offset + len(text))
    else:
        what = f"unexpected character {text[at]!r} in version"
        span = (offset + at, offset + at + 1)
    return InvalidVersion(f"invalid version {stripped!r}: {what}", source, span)


def parse_version(text: str) -> Version:
    """Parse a PEP 440 version; raise ``InvalidVersion`` pointing at the offending character."""
    try:
        return Version(text)
    except (_PackagingInvalidVersion, ValueError, TypeError):
        pass
    if not isinstance(text, str):
        raise InvalidVersion(f"expected a version string, got {type(text).__name__}", repr(text))
    raise invalid_version(text)
