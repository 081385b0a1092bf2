"""Parse PEP 508 marker text straight into decision-diagram nodes, with uv's semantics.

Expressions that uv ignores with a warning (a non-PEP 440 value on a version variable, ``~=`` on
a string variable, comparing two variables or two literals, ``extra`` with an operator other than
``==``/``!=``) are dropped from their ``and``/``or``, exactly as uv does; a marker made only of
such expressions is TRUE. ``===`` (which uv rejects) is accepted and read as ``==``.
"""

from __future__ import annotations

import re
from typing import Any

from packaging.version import InvalidVersion, Version

from prong.errors import InvalidMarker
from prong.pep508 import _marker_algebra as A

_VARIABLES: dict[str, str] = {
    "implementation_name": "implementation_name",
    "implementation_version": "implementation_version",
    "os_name": "os_name",
    "os.name": "os_name",
    "platform_machine": "platform_machine",
    "platform.machine": "platform_machine",
    "platform_python_implementation": "platform_python_implementation",
    "platform.python_implementation": "platform_python_implementation",
    "python_implementation": "platform_python_implementation",
    "platform_release": "platform_release",
    "platform_system": "platform_system",
    "platform_version": "platform_version",
    "platform.version": "platform_version",
    "python_full_version": "python_full_version",
    "python_version": "python_version",
    "sys_platform": "sys_platform",
    "sys.platform": "sys_platform",
    "extra": "extra",
}
_VERSION_KEYS = frozenset({"implementation_version", "python_full_version", "python_version"})
_INVERT = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=", "~=": "~=", "===": "==="}
_PLATFORM_SYSTEM = {
    "Windows": "win32",
    "Darwin": "darwin",
    "Linux": "linux",
    "AIX": "aix",
    "Emscripten": "emscripten",
    "Android": "android",
}
_EXTRA_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_OP_RE = re.compile(r"===|==|!=|<=|>=|~=|<|>")
_NOT_IN_RE = re.compile(r"not\s+in(?![A-Za-z0-9_])")
_IN_RE = re.compile(r"in(?![A-Za-z0-9_])")
_WS = " \t\r\n\f\v"


def normalize_extra(name: str) -> str | None:
    """The normalized extra name, or None if it is not a valid name."""
    if not _EXTRA_RE.match(name):
        return None
    return re.sub(r"[-_.]+", "-", name).lower()


class _Parser:
    __slots__ = ("src", "pos")

    def __init__(self, src: str) -> None:
        self.src = src
        self.pos = 0

    def error(self, message: str, start: int, end: int | None = None) -> InvalidMarker:
        if end is None:
            end = start + 1
        return InvalidMarker(f"Invalid marker: {message}", self.src, (start, end))

    def ws(self) -> None:
        src, n = self.src, len(self.src)
        while self.pos < n and src[self.pos] in _WS:
            self.pos += 1

    def keyword(self, word: str) -> bool:
        self.ws()
        src = self.src
        if src.startswith(word, self.pos):
            end = self.pos + len(word)
            if end == len(src) or not (src[end].isalnum() or src[end] in "_.'\""):
                self.pos = end
                return True
        return False

    def parse(self) -> int | None:
        node = self.parse_or()
        self.ws()
        if self.pos < len(self.src):
            raise self.error("expected 'and', 'or' or end of input", self.pos, len(self.src))
        return node

    def parse_or(self) -> int | None:
        node = self.parse_and()
        while self.keyword("or"):
            rhs = self.parse_and()
            node = rhs if node is None else node if rhs is None else A.or_(node, rhs)
        return node

    def parse_and(self) -> int | None:
        node = self.parse_atom()
        while self.keyword("and"):
            rhs = self.parse_atom()
            node = rhs if node is None else node if rhs is None else A.and_(node, rhs)
        return node

    def parse_atom(self) -> int | None:
        self.ws()
        if self.pos < len(self.src) and self.src[self.pos] == "(":
            open_at = self.pos
            self.pos += 1
            node = self.parse_or()
            self.ws()
            if self.pos >= len(self.src) or self.src[self.pos] != ")":
                if self.pos >= len(self.src):
                    raise self.error("expected ')' to close the '(' here", open_at, open_at + 1)
                raise self.error("expected ')', 'and' or 'or'", self.pos, len(self.src))
            self.pos += 1
            return node
        start = self.pos
        lhs = self.value()
        self.ws()
        op_at = self.pos
        op = self.operator()
        self.ws()
        rhs = self.value()
        return _expression(lhs, op, rhs, self, start, op_at)

    def value(self) -> tuple[str, str]:
        """('var', canonical name) or ('str', literal)."""
        src, pos = self.src, self.pos
        if pos >= len(src):
            raise self.error("expected a marker variable or quoted string, found end of input", pos)
        ch = src[pos]
        if ch in "'\"":
            end = src.find(ch, pos + 1)
            if end < 0:
                raise self.error("expected closing quote", pos, len(src))
            self.pos = end + 1
            return ("str", src[pos + 1 : end])
        m = _IDENT_RE.match(src, pos)
        if not m:
            raise self.error("expected a marker variable or quoted string", pos)
        name = m.group(0)
        if name not in _VARIABLES:
            raise self.error(f"unknown marker variable {name!r}", pos, m.end())
        self.pos = m.end()
        return ("var", _VARIABLES[name])

    def operator(self) -> str:
        src, pos = self.src, self.pos
        m = _OP_RE.match(src, pos)
        if m:
            self.pos = m.end()
            return m.group(0)
        m = _NOT_IN_RE.match(src, pos)
        if m:
            self.pos = m.end()
            return "not in"
        m = _IN_RE.match(src, pos)
        if m:
            self.pos = m.end()
            return "in"
        if pos >= len(src):
            raise self.error("expected a marker operator, found end of input", pos)
        end = pos
        while end < len(src) and src[end] not in _WS + "'\"":
            end += 1
        raise self.error("expected a marker operator (such as '>=' or 'not in')", pos, max(end, pos + 1))


def parse_marker_node(text: str) -> int:
    node = _Parser(text).parse()
    return A.TRUE if node is None else node


# --- expressions ------------------------------------------------------------------------------


def _expression(lhs: tuple[str, str], op: str, rhs: tuple[str, str], p: _Parser, start: int, op_at: int) -> int | None:
    lkind, lval = lhs
    rkind, rval = rhs
    if lkind == "var" and rkind == "var":
        return None  # uv: comparing two markers is ignored
    if lkind == "str" and rkind == "str":
        return None  # uv: comparing two literals is ignored
    if lkind == "var":
        key, value, reverse = lval, rval, False
    else:
        key, value, reverse = rval, lval, True
    if key == "extra":
        if op == "===":
            op = "=="
        if op not in ("==", "!="):
            return None
        name = normalize_extra(value)
        if name is None:
            return A.FALSE
        return A.bool_node((A.K_EXTRA, name), op == "==")
    if key in _VERSION_KEYS:
        return _version_expression(key, op, value, reverse)
    return _string_expression(key, op, value, reverse)


def _parse_version(text: str) -> Version | None:
    try:
        return Version(text.strip())
    except InvalidVersion:
        return None


def _release_version(release: tuple[int, ...]) -> Version:
    return Version(".".join(str(x) for x in release))


def _trim(release: tuple[int, ...]) -> tuple[int, ...]:
    r = list(release)
    while len(r) > 1 and r[-1] == 0:
        r.pop()
    return tuple(r)


def _bump(release: tuple[int, ...]) -> Version:
    return _release_version(release[:-1] + (release[-1] + 1,))


Interval = tuple[Any, Any]
_ZERO = Version("0")


def _spec_intervals(op: str, v: Version, star: bool) -> list[Interval] | None:
    """Intervals of release-only versions matching ``op v`` (uv's ``release_specifier_to_range``)."""
    rel = v.release
    if star:
        lo, hi = (v, 0), (_bump(rel), 0)
        if op == "==":
            return [(lo, hi)]
        return [(None, lo), (hi, None)]
    if op in ("==", "==="):
        return [((v, 0), (v, 1))]
    if op == "!=":
        return [(None, (v, 0)), ((v, 1), None)]
    if op == "~=":
        if len(rel) < 2:
            return None
        return [((v, 0), (_bump(rel[:-1]), 0))]
    if op == "<":
        # Release-only versions start at 0: `< '0'` is empty (uv writes FALSE as python_version < '0').
        return [] if v == _ZERO else [(None, (v, 0))]
    if op == "<=":
        return [(None, (v, 1))]
    if op == ">":
        return [((v, 1), None)]
    if op == ">=":
        return [((v, 0), None)]
    return None


def _python_version_intervals(op: str, v: Version, star: bool) -> list[Interval] | int:
    """Rewrite a ``python_version`` comparison over ``python_full_version``; int = constant node."""
    rel = v.release
    if star:
        if len(rel) == 1:
            return _spec_intervals(op, v, True) or A.FALSE
        if all(x == 0 for x in rel[2:]):
            return _spec_intervals(op, _release_version(rel[:2]), True) or A.FALSE
        return A.FALSE
    if op == "~=":
        if len(rel) == 2:
            return _spec_intervals(op, v, False) or A.FALSE
        if len(rel) > 2 and all(x == 0 for x in rel[2:]):
            return _spec_intervals("==", _release_version(rel[:2]), True) or A.FALSE
        return A.FALSE
    trimmed = _trim(rel)
    if len(trimmed) <= 2:
        major = trimmed[0]
        minor = trimmed[1] if len(trimmed) == 2 else 0
        mm = _release_version((major, minor))
        nxt = _release_version((major, minor + 1))
        if op in ("==", "==="):
            return _spec_intervals("==", mm, True) or A.FALSE
        if op == "!=":
            return _spec_intervals("!=", mm, True) or A.FALSE
        if op == ">":
            return [((nxt, 0), None)]
        if op == "<=":
            return [(None, (nxt, 0))]
        return _spec_intervals(op, v, False) or A.FALSE  # < and >= keep their version
    major, minor = rel[0], rel[1]
    nxt = _release_version((major, minor + 1))
    if op in ("==", "==="):
        return A.FALSE
    if op == "!=":
        return A.TRUE
    if op in ("<", "<="):
        return [(None, (nxt, 0))]
    return [((nxt, 0), None)]


def _version_expression(key: str, op: str, value: str, reverse: bool) -> int | None:
    var = (A.K_VERSION, A.VERSION_INDEX["python_full_version" if key == "python_version" else key])
    if op in ("in", "not in"):
        if reverse:
            return None  # `'3.8' in python_version`: not a version comparison; uv ignores it
        versions = []
        for word in value.split():
            v = _parse_version(word)
            if v is None:
                return None
            versions.append(_release_version(_trim(v.release)))
        intervals: list[Interval] = []
        for v in versions:
            if key == "python_version":
                iv = _python_version_intervals("==", v, False)
                if isinstance(iv, int):
                    continue
                intervals.extend(iv)
            else:
                intervals.append(((v, 0), (v, 1)))
        node = A.interval_node(var, _union(intervals))
        return A.negate(node) if op == "not in" else node
    if reverse:
        op = _INVERT[op]
        star = False
        v = _parse_version(value)
    else:
        star = value.endswith(".*")
        if star and op not in ("==", "!="):
            return None
        v = _parse_version(value[:-2] if star else value)
    if v is None:
        return None
    if op == "~=" and len(v.release) < 2:
        return None
    # uv compares release-only versions and prints them without trailing zeros, except where the
    # zeros carry meaning (`.*` and `~=`).
    v = _release_version(v.release if star or op == "~=" else _trim(v.release))
    if key == "python_version":
        res = _python_version_intervals(op, v, star)
        if isinstance(res, int):
            return res
        return A.interval_node(var, res)
    ivs = _spec_intervals(op, v, star)
    if ivs is None:
        return None
    return A.interval_node(var, ivs)  # an empty list gives FALSE


def _union(intervals: list[Interval]) -> list[Interval]:
    """Sort and merge possibly overlapping intervals (bounds None = unbounded)."""

    def lo_key(iv: Interval) -> tuple[int, Any]:
        return (0, None) if iv[0] is None else (1, iv[0])

    out: list[Interval] = []
    for lo, hi in sorted(intervals, key=lo_key):
        if out:
            plo, phi = out[-1]
            if phi is None or (lo is not None and lo <= phi) or lo is None:
                if phi is None or hi is None:
                    out[-1] = (plo, None)
                else:
                    out[-1] = (plo, max(phi, hi))
                continue
        out.append((lo, hi))
    return out


def _string_expression(key: str, op: str, value: str, reverse: bool) -> int | None:
    if op == "~=":
        return None
    if op in ("in", "not in"):
        kind = A.K_CONTAINS if reverse else A.K_IN
        return A.bool_node((kind, A.STRING_INDEX[key], value), op == "in")
    if reverse:
        op = _INVERT[op]
    if op == "===":
        op = "=="
    if key == "platform_system" and value in _PLATFORM_SYSTEM:
        key, value = "sys_platform", _PLATFORM_SYSTEM[value]
    var = (A.K_STRING, A.STRING_INDEX[key])
    point = ((value, 0), (value, 1))
    if op == "==":
        return A.interval_node(var, [point])
    if op == "!=":
        return A.interval_node(var, [(None, point[0]), (point[1], None)])
    if key in ("platform_release", "platform_version"):
        if op == "<":
            return A.interval_node(var, [(None, (value, 0))])
        if op == "<=":
            return A.interval_node(var, [(None, (value, 1))])
        if op == ">":
            return A.interval_node(var, [((value, 1), None)])
        return A.interval_node(var, [((value, 0), None)])
    if op in ("<", ">"):
        return A.FALSE
    return A.interval_node(var, [point])
