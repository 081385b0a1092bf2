"""PEP 440 version specifiers.

``parse_specifiers`` returns a :class:`packaging.specifiers.SpecifierSet` and turns packaging's
bare "Invalid specifier" into :class:`prong.errors.InvalidSpecifier` with a span on the bad clause
or character.
"""

from __future__ import annotations

import re

from packaging.specifiers import InvalidSpecifier as _PackagingInvalidSpecifier
from packaging.specifiers import Specifier, SpecifierSet

from prong.errors import InvalidSpecifier, InvalidVersion
from prong.pep440.version import invalid_version, parse_version

__all__ = ["SpecifierSet", "Specifier", "parse_specifiers"]

_OPERATOR = re.compile(r"\s*(===|~=|==|!=|<=|>=|<|>)\s*")
_OPERATORS = "==, !=, <=, >=, <, >, ~=, ==="


def parse_specifiers(text: str) -> SpecifierSet:
    """Parse a comma-separated specifier set such as ``>=1.0, !=1.5.*, <2``."""
    try:
        return SpecifierSet(text)
    except (_PackagingInvalidSpecifier, ValueError, TypeError):
        pass
    if not isinstance(text, str):
        raise InvalidSpecifier(f"expected a specifier string, got {type(text).__name__}", repr(text))
    start = 0
    clauses = text.split(",")
    for index, clause in enumerate(clauses):
        _check_clause(text, clause, start, last=index == len(clauses) - 1)
        start += len(clause) + 1
    # Every clause passed on its own; should not happen, but never lose the error.
    raise InvalidSpecifier(f"invalid version specifier {text.strip()!r}", text)


def _check_clause(source: str, clause: str, offset: int, last: bool) -> None:
    """Raise ``InvalidSpecifier`` if ``clause`` (at ``offset`` in ``source``) is malformed."""
    if not clause.strip():
        if last and offset > 0:
            return  # packaging accepts one trailing comma
        at = offset + len(clause)
        raise InvalidSpecifier("empty clause in version specifier", source, (offset, min(at + 1, len(source))))
    try:
        Specifier(clause)
        return
    except (_PackagingInvalidSpecifier, ValueError):
        pass
    lead = len(clause) - len(clause.lstrip())
    match = _OPERATOR.match(clause)
    if match is None:
        at = offset + lead
        raise InvalidSpecifier(
            f"invalid version specifier {clause.strip()!r}: expected an operator ({_OPERATORS})",
            source,
            (at, at + 1),
        )
    op = match.group(1)
    version_at = match.end()
    version_text = clause[version_at:].rstrip()
    where = offset + version_at
    if op == "===":
        span = (where, where + max(len(version_text), 1))
        raise InvalidSpecifier(f"invalid arbitrary-equality specifier {clause.strip()!r}", source, span)
    wildcard = version_text.endswith(".*")
    base = version_text[:-2] if wildcard else version_text
    try:
        version = parse_version(base)
    except InvalidVersion:
        err = invalid_version(base, where, source)
        raise InvalidSpecifier(err.message.replace("invalid version", "invalid version in specifier", 1), source, err.span) from None
    if wildcard:
        span = (where + len(base), where + len(version_text))
        if op not in ("==", "!="):
            raise InvalidSpecifier(f"'{op}' does not allow a '.*' suffix", source, span)
        raise InvalidSpecifier("'.*' may only follow a plain release number such as 1.2", source, span)
    if version.local is not None and op not in ("==", "!="):
        plus = base.index("+")
        raise InvalidSpecifier(
            f"'{op}' does not allow a local version label (+{version.local})",
            source,
            (where + plus, where + len(base)),
        )
    if op == "~=" and len(version.release) < 2:
        raise InvalidSpecifier("'~=' needs a version with at least two parts, such as ~=1.0", source, (where, where + len(base)))
    raise InvalidSpecifier(f"invalid version specifier {clause.strip()!r}", source, (offset + lead, offset + len(clause.rstrip())))
