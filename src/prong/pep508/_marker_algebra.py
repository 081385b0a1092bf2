"""Reduced ordered decision diagrams over PEP 508 marker variables (the marker algebra core).

A node tests one variable. Version and string variables have interval edges that partition the
whole value axis; ``in``/``contains``/``extra`` variables are booleans. Nodes are hash-consed in
one global table, so two diagrams for the same function (for a fixed variable order) are the
same integer. ``0`` is FALSE and ``1`` is TRUE.

The variable order, the ``python_version`` to ``python_full_version`` rewriting, the
``platform_system`` to ``sys_platform`` rewriting and the table of known-incompatible platform
pairs follow uv 0.13.9 (``uv-pep508/src/marker/algebra.rs``), so that the canonical diagrams, and
therefore the strings derived from them, agree with uv's.

Interval edges are stored as a sorted tuple of cut positions and a tuple of children, one more
child than cuts. A cut position is ``(value, 0)`` ("just below value") or ``(value, 1)`` ("just
above value"); a point ``x`` lies at ``(x, 0.5)``.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any

FALSE = 0
TRUE = 1

# Variable keys (tuples that sort in uv's variable order).
# String variables, in uv's CanonicalMarkerValueString order (conflicting ones first).
STRING_VARS: tuple[str, ...] = (
    "os_name",
    "sys_platform",
    "platform_system",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_version",
    "implementation_name",
)
VERSION_VARS: tuple[str, ...] = ("implementation_version", "python_full_version")
STRING_INDEX = {name: i for i, name in enumerate(STRING_VARS)}
VERSION_INDEX = {name: i for i, name in enumerate(VERSION_VARS)}

K_STRING = 0
K_VERSION = 1
K_IN = 2
K_CONTAINS = 3
K_EXTRA = 4

PYTHON_VAR = (K_VERSION, VERSION_INDEX["python_full_version"])

Var = tuple[Any, ...]
Pos = tuple[Any, float]


def is_conflicting(var: Var) -> bool:
    """Variables that take part in a known-incompatible pair (uv: ``is_conflicting``)."""
    return var[0] == K_STRING and var[1] <= STRING_INDEX["platform_system"]


def is_boolean(var: Var) -> bool:
    return var[0] >= K_IN


class _Table:
    """The global unique table and operation caches."""

    __slots__ = ("vars", "bounds", "children", "unique", "and_cache", "plain_cache", "disjoint_cache", "neg", "exclusions")

    def __init__(self) -> None:
        # Index 0 and 1 are the terminals; their slots are unused.
        self.vars: list[Var] = [(), ()]
        self.bounds: list[tuple[Pos, ...]] = [(), ()]
        self.children: list[tuple[int, ...]] = [(), ()]
        self.unique: dict[tuple[Var, tuple[Pos, ...], tuple[int, ...]], int] = {}
        self.and_cache: dict[tuple[int, int], int] = {}
        self.plain_cache: dict[tuple[int, int], int] = {}
        self.disjoint_cache: dict[tuple[int, int], bool] = {}
        self.neg: dict[int, int] = {FALSE: TRUE, TRUE: FALSE}
        self.exclusions: int | None = None


T = _Table()
# Node creation must not race (two threads could give one function two ids); the memo tables
# only ever receive correct results, so they need no lock.
_LOCK = threading.Lock()


def make(var: Var, bounds: tuple[Pos, ...], children: tuple[int, ...]) -> int:
    """Create (or find) a reduced node; merges adjacent equal children of interval edges."""
    if bounds or not is_boolean(var):
        # Merge adjacent segments that lead to the same child.
        if len(children) > 1:
            nb: list[Pos] = []
            nc: list[int] = [children[0]]
            for b, c in zip(bounds, children[1:]):
                if c == nc[-1]:
                    continue
                nb.append(b)
                nc.append(c)
            if len(nc) == 1:
                return nc[0]
            bounds, children = tuple(nb), tuple(nc)
        else:
            return children[0]
    else:
        if children[0] == children[1]:
            return children[0]
    return _intern(var, bounds, children)


def _intern(var: Var, bounds: tuple[Pos, ...], children: tuple[int, ...]) -> int:
    """Find or add an already-reduced node."""
    key = (var, bounds, children)
    node = T.unique.get(key)
    if node is None:
        with _LOCK:
            node = T.unique.get(key)
            if node is None:
                node = len(T.vars)
                T.vars.append(var)
                T.bounds.append(bounds)
                T.children.append(children)
                T.unique[key] = node
    return node


def negate(a: int) -> int:
    r = T.neg.get(a)
    if r is not None:
        return r
    r = make(T.vars[a], T.bounds[a], tuple(negate(c) for c in T.children[a]))
    T.neg[a] = r
    T.neg[r] = a
    return r


def _merge(
    ab: tuple[Pos, ...], ac: tuple[int, ...], bb: tuple[Pos, ...], bc: tuple[int, ...], excl: bool
) -> tuple[tuple[Pos, ...], tuple[int, ...]]:
    """Overlay two interval partitions, and-ing children pairwise (adjacent equal results merge)."""
    bounds, pairs = _overlay(ab, ac, bb, bc)
    out_b: list[Pos] = []
    out_c: list[int] = [_apply_and(pairs[0][0], pairs[0][1], excl)]
    for pos, (x, y) in zip(bounds, pairs[1:]):
        c = _apply_and(x, y, excl)
        if c != out_c[-1]:
            out_b.append(pos)
            out_c.append(c)
    return tuple(out_b), tuple(out_c)


def _apply_and(a: int, b: int, excl: bool) -> int:
    if a == TRUE:
        return b
    if b == TRUE or a == b:
        return a
    if a == FALSE or b == FALSE:
        return FALSE
    if a > b:
        a, b = b, a
    cache = T.and_cache if excl else T.plain_cache
    key = (a, b)
    r = cache.get(key)
    if r is not None:
        return r
    if T.neg.get(a) == b:
        cache[key] = FALSE
        return FALSE
    va, vb = T.vars[a], T.vars[b]
    both_conflicting = excl and is_conflicting(va) and is_conflicting(vb)
    if va == vb:
        var = va
        if is_boolean(va):
            ca, cb = T.children[a], T.children[b]
            r = make(var, (), (_apply_and(ca[0], cb[0], excl), _apply_and(ca[1], cb[1], excl)))
        else:
            bounds, children = _merge(T.bounds[a], T.children[a], T.bounds[b], T.children[b], excl)
            r = _intern(var, bounds, children) if len(children) > 1 else children[0]
    else:
        if vb < va:
            a, b, va = b, a, vb
        # a has the higher-order variable: apply b to every child of a.
        r = make(va, T.bounds[a], tuple(_apply_and(c, b, excl) for c in T.children[a]))
    if both_conflicting and r != FALSE:
        if _apply_and(r, negate(exclusions()), False) == FALSE:
            r = FALSE
    cache[key] = r
    return r


def and_(a: int, b: int) -> int:
    return _apply_and(a, b, True)


def or_(a: int, b: int) -> int:
    if a == FALSE:
        return b
    if b == FALSE or a == b:
        return a
    if a == TRUE or b == TRUE:
        return TRUE
    return negate(_apply_and(negate(a), negate(b), True))


def is_disjoint(a: int, b: int) -> bool:
    """``and_(a, b) == FALSE``, decided without building the conjunction when possible."""
    if a == FALSE or b == FALSE:
        return True
    if a == TRUE or b == TRUE or a == b:
        return False
    if a > b:
        a, b = b, a
    r = T.and_cache.get((a, b))
    if r is not None:
        return r == FALSE
    if is_conflicting(T.vars[a]) and is_conflicting(T.vars[b]):
        return _apply_and(a, b, True) == FALSE
    return _disjoint(a, b)


def _disjoint(a: int, b: int) -> bool:
    """Disjointness by Shannon expansion (no platform-pair knowledge needed below the top)."""
    if a == FALSE or b == FALSE:
        return True
    if a == TRUE or b == TRUE or a == b:
        return False
    if a > b:
        a, b = b, a
    key = (a, b)
    cache = T.disjoint_cache
    r = cache.get(key)
    if r is not None:
        return r
    if T.neg.get(a) == b:
        cache[key] = True
        return True
    va, vb = T.vars[a], T.vars[b]
    if va == vb:
        if is_boolean(va):
            ca, cb = T.children[a], T.children[b]
            r = _disjoint(ca[0], cb[0]) and _disjoint(ca[1], cb[1])
        else:
            _, pairs = _overlay(T.bounds[a], T.children[a], T.bounds[b], T.children[b])
            r = all(_disjoint(x, y) for x, y in pairs)
    elif va < vb:
        r = all(_disjoint(c, b) for c in T.children[a])
    else:
        r = all(_disjoint(a, c) for c in T.children[b])
    cache[key] = r
    return r


def _plain_or(a: int, b: int) -> int:
    return negate(_apply_and(negate(a), negate(b), False))


# --- leaf construction -------------------------------------------------------------------------


def interval_node(var: Var, intervals: Sequence[tuple[Pos | None, Pos | None]]) -> int:
    """A node true on the union of the given disjoint, sorted intervals (None = unbounded)."""
    if not intervals:
        return FALSE
    bounds: list[Pos] = []
    children: list[int] = [TRUE if intervals[0][0] is None else FALSE]
    for lo, hi in intervals:
        for pos, child in ((lo, TRUE), (hi, FALSE)):
            if pos is None:
                continue
            if bounds and bounds[-1] == pos:
                # Touching intervals: drop the zero-width step.
                children[-1] = child
            else:
                bounds.append(pos)
                children.append(child)
    return make(var, tuple(bounds), tuple(children))


def bool_node(var: Var, value: bool) -> int:
    return make(var, (), (TRUE, FALSE) if value else (FALSE, TRUE))


# --- known incompatibilities -------------------------------------------------------------------


def _str_eq(name: str, value: str) -> int:
    return interval_node((K_STRING, STRING_INDEX[name]), [((value, 0), (value, 1))])


def exclusions() -> int:
    """The disjunction of platform pairs that never hold together (uv's ``exclusions``)."""
    if T.exclusions is not None:
        return T.exclusions
    nt, posix = _str_eq("os_name", "nt"), _str_eq("os_name", "posix")
    sp = {v: _str_eq("sys_platform", v) for v in ("linux", "darwin", "ios", "win32", "aix", "android", "emscripten", "cygwin", "wasi")}
    pairs = [(nt, sp["linux"]), (nt, sp["darwin"]), (nt, sp["ios"]), (posix, sp["win32"])]
    for system in ("FreeBSD", "NetBSD", "OpenBSD", "SunOS", "iOS", "iPadOS"):
        ps = _str_eq("platform_system", system)
        for platform in ("aix", "android", "emscripten", "ios", "linux", "darwin", "win32", "cygwin", "wasi"):
            if platform == "ios" and system in ("iOS", "iPadOS"):
                continue
            pairs.append((ps, sp[platform]))
    tree = FALSE
    for x, y in pairs:
        tree = _plain_or(tree, _apply_and(x, y, False))
    T.exclusions = tree
    return tree


# --- traversal helpers -------------------------------------------------------------------------


def evaluate(node: int, lookup: Callable[[Var], Any]) -> bool:
    """Follow the diagram; ``lookup(var)`` returns a sortable value or a bool for boolean vars."""
    while node > TRUE:
        var = T.vars[node]
        value = lookup(var)
        if is_boolean(var):
            node = T.children[node][0 if value else 1]
        elif value is None:
            return False
        else:
            node = T.children[node][bisect_right(T.bounds[node], (value, 0.5))]
    return node == TRUE


def restrict_python(node: int, lo: Pos | None, hi: Pos | None, memo: dict[int, int]) -> int:
    """uv's ``simplify_python_versions``: assume python_full_version lies in [lo, hi)."""
    if node <= TRUE:
        return node
    r = memo.get(node)
    if r is not None:
        return r
    var = T.vars[node]
    bounds, children = T.bounds[node], T.children[node]
    if var == PYTHON_VAR:
        nb: list[Pos] = []
        nc: list[int] = []
        segs = len(children)
        for i in range(segs):
            s_lo = bounds[i - 1] if i > 0 else None
            s_hi = bounds[i] if i < segs - 1 else None
            if hi is not None and s_lo is not None and s_lo >= hi:
                continue
            if lo is not None and s_hi is not None and s_hi <= lo:
                continue
            if nc:
                nb.append(s_lo)  # type: ignore[arg-type]
            nc.append(children[i])
        r = make(var, tuple(nb), tuple(nc))
    else:
        r = make(var, bounds, tuple(restrict_python(c, lo, hi, memo) for c in children))
    memo[node] = r
    return r


def without_extras(node: int, memo: dict[int, int]) -> int:
    if node <= TRUE:
        return node
    r = memo.get(node)
    if r is not None:
        return r
    var = T.vars[node]
    if var[0] == K_EXTRA:
        acc = FALSE
        for c in T.children[node]:
            acc = or_(acc, c)
        r = TRUE if acc == TRUE else without_extras(acc, memo)
    else:
        r = make(var, T.bounds[node], tuple(without_extras(c, memo) for c in T.children[node]))
    memo[node] = r
    return r


def assign_extras(node: int, decide: Callable[[str], bool | None], memo: dict[int, int]) -> int:
    """Substitute a value for each ``extra`` variable ``decide`` answers (``None``: leave it)."""
    if node <= TRUE:
        return node
    r = memo.get(node)
    if r is not None:
        return r
    var = T.vars[node]
    value = decide(var[1]) if var[0] == K_EXTRA else None
    if value is not None:
        r = assign_extras(T.children[node][0 if value else 1], decide, memo)
    else:
        r = make(var, T.bounds[node], tuple(assign_extras(c, decide, memo) for c in T.children[node]))
    memo[node] = r
    return r


def only_extras(node: int) -> int:
    if node <= TRUE:
        return node
    var = T.vars[node]
    if var[0] != K_EXTRA:
        acc = FALSE
        for c in T.children[node]:
            acc = or_(acc, c)
        return TRUE if acc == TRUE else only_extras(acc)
    return make(var, T.bounds[node], tuple(only_extras(c) for c in T.children[node]))


def node_vars(node: int) -> Iterable[Var]:
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if n <= TRUE or n in seen:
            continue
        seen.add(n)
        yield T.vars[n]
        stack.extend(T.children[n])


def clear_caches() -> None:
    """Forget memoised operation results (the node table stays); for benchmarks and tests."""
    T.and_cache.clear()
    T.plain_cache.clear()
    T.disjoint_cache.clear()


def _overlay(
    ab: tuple[Pos, ...], ac: tuple[int, ...], bb: tuple[Pos, ...], bc: tuple[int, ...]
) -> tuple[list[Pos], list[tuple[int, int]]]:
    i = j = 0
    out_b: list[Pos] = []
    out_p: list[tuple[int, int]] = [(ac[0], bc[0])]
    na, nb = len(ab), len(bb)
    while i < na or j < nb:
        if j >= nb or (i < na and ab[i] < bb[j]):
            pos = ab[i]
            i += 1
        elif i >= na or bb[j] < ab[i]:
            pos = bb[j]
            j += 1
        else:
            pos = ab[i]
            i += 1
            j += 1
        out_b.append(pos)
        out_p.append((ac[i], bc[j]))
    return out_b, out_p


def restrict_false(value: int, assumption: int, cache: dict[tuple[int, int], int]) -> int:
    """``value`` where ``assumption`` holds and FALSE where it surely does not; terminals of
    ``value`` are kept as they are (so the result can be simpler than ``value and assumption``)."""
    if assumption == TRUE or value <= TRUE:
        return value
    if assumption == FALSE:
        return FALSE
    if value == assumption:
        return TRUE
    if negate(value) == assumption:
        return FALSE
    key = (value, assumption)
    r = cache.get(key)
    if r is not None:
        return r
    vv, va = T.vars[value], T.vars[assumption]
    if vv < va:
        r = make(vv, T.bounds[value], tuple(restrict_false(c, assumption, cache) for c in T.children[value]))
    elif vv > va:
        quantified = FALSE
        for c in T.children[assumption]:
            quantified = or_(quantified, c)
        r = restrict_false(value, quantified, cache)
    else:
        bounds: list[Pos]
        if is_boolean(vv):
            bounds, pairs = [], list(zip(T.children[value], T.children[assumption]))
        else:
            bounds, pairs = _overlay(T.bounds[value], T.children[value], T.bounds[assumption], T.children[assumption])
        r = make(vv, tuple(bounds), tuple(FALSE if ac == FALSE else restrict_false(vc, ac, cache) for vc, ac in pairs))
    cache[key] = r
    return r


def restrict(value: int, assumption: int, cache: dict[tuple[int, int], int]) -> int:
    """uv's ``restrict``: ``value`` simplified under the assumption that ``assumption`` holds (a
    range the assumption rules out takes the first reachable range's result, so it drops out)."""
    if assumption == TRUE or value <= TRUE:
        return value
    if assumption == FALSE:
        return FALSE
    if value == assumption:
        return TRUE
    if negate(value) == assumption:
        return FALSE
    key = (value, assumption)
    r = cache.get(key)
    if r is not None:
        return r
    vv, va = T.vars[value], T.vars[assumption]
    if vv < va:
        r = make(vv, T.bounds[value], tuple(restrict(c, assumption, cache) for c in T.children[value]))
    elif vv > va:
        quantified = FALSE
        for c in T.children[assumption]:
            quantified = or_(quantified, c)
        r = restrict(value, quantified, cache)
    else:
        bounds: list[Pos]
        if is_boolean(vv):
            bounds, pairs = [], list(zip(T.children[value], T.children[assumption]))
        else:
            bounds, pairs = _overlay(T.bounds[value], T.children[value], T.bounds[assumption], T.children[assumption])
        results = [None if ac == FALSE else restrict(vc, ac, cache) for vc, ac in pairs]
        fallback = next((x for x in results if x is not None), None)
        if fallback is None:
            r = FALSE
        else:
            r = make(vv, tuple(bounds), tuple(fallback if x is None else x for x in results))
    cache[key] = r
    return r


_KIND_RANK = {K_VERSION: 2, K_STRING: 3, K_IN: 4, K_CONTAINS: 5, K_EXTRA: 7}


def sort_key(node: int, memo: dict[int, tuple[Any, ...]]) -> tuple[Any, ...]:
    """A structural order of diagrams like uv's ``Ord for MarkerTree`` (TRUE < FALSE < version <
    string < in < contains < extra nodes; then the variable; then the edges in order)."""
    if node == TRUE:
        return (0,)
    if node == FALSE:
        return (1,)
    hit = memo.get(node)
    if hit is not None:
        return hit
    var = T.vars[node]
    children = T.children[node]
    if is_boolean(var):
        r: tuple[Any, ...] = (_KIND_RANK[var[0]], var[1:], sort_key(children[0], memo), sort_key(children[1], memo))
    else:
        bounds = T.bounds[node]
        edges = []
        for i, c in enumerate(children):
            lo = (0,) if i == 0 else (1, bounds[i - 1])
            hi = (1, bounds[i]) if i < len(bounds) else (2,)
            edges.append((lo, hi, sort_key(c, memo)))
        r = (_KIND_RANK[var[0]], var[1:], tuple(edges))
    memo[node] = r
    return r

