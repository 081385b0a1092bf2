"""Turn a marker diagram into the exact string uv 0.13.9 prints for it.

The steps follow uv: collect every path to TRUE as a conjunction (a DNF, with the edges of one
node that lead to the same child merged into one range), drop terms made redundant by another
clause that differs only in that term's negation, drop clauses that contain another clause, and
sort terms and clauses by the kind of variable they test. uv 0.13.9 then factors terms shared by
several clauses: it repeatedly takes the term that occurs in most of the remaining clauses
(at least two; ties go to the first seen) and writes those clauses as ``term and (rest or ...)``.
That last step was inferred from uv's output (see tests/unit/pep508/uv_markers.toml).
"""

from __future__ import annotations

from typing import Any

from packaging.version import Version

from prong.pep508 import _marker_algebra as A

# Display sort keys (uv's MarkerExpressionKind order).
_VERSION_KIND = {"implementation_version": (0, 0), "python_full_version": (0, 1)}
_STRING_KIND = {
    name: (2, i)
    for i, name in enumerate(
        (
            "implementation_name",
            "os_name",
            "platform_machine",
            "platform_python_implementation",
            "platform_release",
            "platform_system",
            "platform_version",
            "sys_platform",
        )
    )
}
_EXTRA_KIND = (4, 0)

_NEGATE = {
    "==": "!=",
    "!=": "==",
    "<": ">=",
    ">=": "<",
    "<=": ">",
    ">": "<=",
    "==*": "!=*",
    "!=*": "==*",
    "in": "not in",
    "not in": "in",
    "contains": "not contains",
    "not contains": "contains",
}


class Term:
    """One marker expression as uv prints it."""

    __slots__ = ("kind", "key", "op", "value", "_hash")

    def __init__(self, kind: tuple[int, int], key: str, op: str, value: Any) -> None:
        self.kind = kind
        self.key = key
        self.op = op
        self.value = value
        self._hash = hash((kind, op, value))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Term)
            and self.kind == other.kind
            and self.op == other.op
            and self.value == other.value
        )

    def __hash__(self) -> int:
        return self._hash

    def is_negation_of(self, other: Term) -> bool:
        return self.kind == other.kind and self.value == other.value and _NEGATE.get(self.op) == other.op

    def __str__(self) -> str:
        op, key, value = self.op, self.key, self.value
        if key == "extra":
            return f"extra {op} '{value}'"
        if op == "==*":
            return f"{key} == '{value}.*'"
        if op == "!=*":
            return f"{key} != '{value}.*'"
        if op == "contains":
            return f"'{value}' in {key}"
        if op == "not contains":
            return f"'{value}' not in {key}"
        return f"{key} {op} '{value}'"

    __repr__ = __str__


def _var_key_name(var: A.Var) -> str:
    if var[0] == A.K_VERSION:
        return A.VERSION_VARS[var[1]]
    return A.STRING_VARS[var[1]]


def _term(var: A.Var, op: str, value: Any) -> Term:
    name = _var_key_name(var)
    kind = _VERSION_KIND[name] if var[0] == A.K_VERSION else _STRING_KIND[name]
    return Term(kind, name, op, value)


Seg = tuple[Any, Any]


def _collect_edges(node: int) -> list[tuple[int, list[Seg]]]:
    bounds, children = A.T.bounds[node], A.T.children[node]
    order: dict[int, list[Seg]] = {}
    n = len(children)
    for i, child in enumerate(children):
        lo = bounds[i - 1] if i > 0 else None
        hi = bounds[i] if i < n - 1 else None
        order.setdefault(child, []).append((lo, hi))
    return list(order.items())


def _range_inequality(segs: list[Seg]) -> list[Any] | None:
    if segs[0][0] is not None or segs[-1][1] is not None:
        return None
    excluded = []
    for (_, hi), (lo, _) in zip(segs, segs[1:]):
        if hi is None or lo is None or hi[1] != 0 or lo[1] != 1 or hi[0] != lo[0]:
            return None
        excluded.append(hi[0])
    return excluded


def _trimmed(release: tuple[int, ...]) -> tuple[int, ...]:
    r = list(release)
    while len(r) > 1 and r[-1] == 0:
        r.pop()
    return tuple(r)


def _star_range(var: A.Var, segs: list[Seg]) -> Term | None:
    if len(segs) != 2:
        return None
    (lo1, hi1), (lo2, hi2) = segs
    if lo1 is not None or hi2 is not None or hi1 is None or lo2 is None or hi1[1] != 0 or lo2[1] != 0:
        return None
    v1, v2 = hi1[0], lo2[0]
    t = _trimmed(v1.release)
    if len(t) == 1 and v2.release == (t[0], 1):
        return _term(var, "!=*", Version(f"{t[0]}.0"))
    if len(t) == 2 and v2.release == (t[0], t[1] + 1):
        return _term(var, "!=*", v1)
    return None


def _version_bounds(var: A.Var, lo: Any, hi: Any) -> list[Term]:
    if lo is not None and hi is not None and lo[1] == 0:
        v1, v2 = lo[0], hi[0]
        if hi[1] == 1 and v1 == v2:
            return [_term(var, "==", v1)]
        if hi[1] == 0 and len(v1.release) == 2 and v2.release == (v1.release[0], v1.release[1] + 1):
            return [_term(var, "==*", v1)]
    out = []
    if lo is not None:
        out.append(_term(var, ">=" if lo[1] == 0 else ">", lo[0]))
    if hi is not None:
        out.append(_term(var, "<" if hi[1] == 0 else "<=", hi[0]))
    return out


def _string_bounds(var: A.Var, lo: Any, hi: Any) -> list[Term]:
    if lo is not None and hi is not None and lo[1] == 0 and hi[1] == 1 and lo[0] == hi[0]:
        return [_term(var, "==", lo[0])]
    out = []
    if lo is not None:
        out.append(_term(var, ">=" if lo[1] == 0 else ">", lo[0]))
    if hi is not None:
        out.append(_term(var, "<" if hi[1] == 0 else "<=", hi[0]))
    return out


def _collect_dnf(node: int, path: list[Term], out: list[list[Term]]) -> None:
    if node == A.FALSE:
        return
    if node == A.TRUE:
        if path:
            out.append(list(path))
        return
    var = A.T.vars[node]
    kind = var[0]
    if kind == A.K_VERSION or kind == A.K_STRING:
        for child, segs in _collect_edges(node):
            excluded = _range_inequality(segs)
            if excluded is not None:
                path.extend(_term(var, "!=", v) for v in excluded)
                _collect_dnf(child, path, out)
                del path[len(path) - len(excluded) :]
                continue
            if kind == A.K_VERSION:
                star = _star_range(var, segs)
                if star is not None:
                    path.append(star)
                    _collect_dnf(child, path, out)
                    path.pop()
                    continue
            for lo, hi in segs:
                terms = _version_bounds(var, lo, hi) if kind == A.K_VERSION else _string_bounds(var, lo, hi)
                path.extend(terms)
                _collect_dnf(child, path, out)
                del path[len(path) - len(terms) :]
        return
    high, low = A.T.children[node]
    if kind == A.K_EXTRA:
        terms = (Term(_EXTRA_KIND, "extra", "==", var[1]), Term(_EXTRA_KIND, "extra", "!=", var[1]))
    else:
        name = A.STRING_VARS[var[1]]
        ops = ("in", "not in") if kind == A.K_IN else ("contains", "not contains")
        terms = (Term(_STRING_KIND[name], name, ops[0], var[2]), Term(_STRING_KIND[name], name, ops[1], var[2]))
    # uv 0.13.9 visits the false branch of a boolean variable first.
    for term, child in ((terms[1], low), (terms[0], high)):
        path.append(term)
        _collect_dnf(child, path, out)
        path.pop()


def _simplify(dnf: list[list[Term]]) -> list[list[Term]]:
    for i in range(len(dnf)):
        clause = dnf[i]
        redundant: list[int] = []
        for si, skipped in enumerate(clause):
            for j, other in enumerate(dnf):
                if i == j:
                    continue
                ok = True
                for term in other:
                    if term == skipped:
                        ok = False
                        break
                    if term.is_negation_of(skipped):
                        continue
                    try:
                        pi = clause.index(term)
                    except ValueError:
                        ok = False
                        break
                    if pi in redundant:
                        ok = False
                        break
                if ok:
                    redundant.append(si)
                    break
        if redundant:
            dnf[i] = [t for k, t in enumerate(clause) if k not in redundant]
    dropped: list[int] = []
    for i, clause in enumerate(dnf):
        for j, other in enumerate(dnf):
            if i == j or j in dropped:
                continue
            if all(t in clause for t in other):
                dropped.append(i)
                break
    return [c for i, c in enumerate(dnf) if i not in dropped]


def to_dnf(node: int) -> list[list[Term]]:
    """uv's simplified, sorted DNF for a node."""
    dnf: list[list[Term]] = []
    _collect_dnf(node, [], dnf)
    if PRESORT == "len":
        dnf.sort(key=len)
    else:
        dnf.sort(key=lambda c: [t.kind for t in c])
    dnf = _simplify(dnf)
    dnf = _simplify_semantic(dnf, node)
    _sort(dnf)
    return dnf


PRESORT = "pathkinds"


def _term_node(term: Term, cache: dict[Term, int]) -> int:
    node = cache.get(term)
    if node is None:
        from prong.pep508._marker_parse import parse_marker_node

        node = cache[term] = parse_marker_node(str(term))
    return node


def _tree_of(dnf: list[list[Term]], cache: dict[Term, int]) -> int:
    result = A.FALSE
    for clause in dnf:
        conj = A.TRUE
        for term in clause:
            conj = A.and_(conj, _term_node(term, cache))
        result = A.or_(result, conj)
    return result


def _equivalent(a: int, b: int) -> bool:
    """Equal, or differing only on environments uv knows cannot exist."""
    if a == b:
        return True
    diff = A.or_(A.and_(a, A.negate(b)), A.and_(A.negate(a), b))
    return A._apply_and(diff, A.negate(A.exclusions()), False) == A.FALSE


def _simplify_semantic(dnf: list[list[Term]], target: int) -> list[list[Term]]:
    """Drop every term, then every clause, whose removal leaves the marker unchanged."""
    cache: dict[Term, int] = {}
    for i in range(len(dnf)):
        k = 0
        while k < len(dnf[i]) and len(dnf[i]) > 1:
            candidate = [list(c) for c in dnf]
            del candidate[i][k]
            if _equivalent(_tree_of(candidate, cache), target):
                dnf = candidate
            else:
                k += 1
    i = 0
    while i < len(dnf) and len(dnf) > 1:
        candidate = dnf[:i] + dnf[i + 1 :]
        if _equivalent(_tree_of(candidate, cache), target):
            dnf = candidate
        else:
            i += 1
    return dnf


def _sort(dnf: list[list[Term]]) -> None:
    for clause in dnf:
        clause.sort(key=lambda t: t.kind)
    dnf.sort(key=lambda c: [t.kind for t in c])


def _conj(clause: list[Term]) -> str:
    return " and ".join(str(t) for t in clause)


def _common_prefix(clauses: list[list[Term]]) -> int:
    n = 0
    while all(len(c) > n + 1 for c in clauses) and all(c[n] == clauses[0][n] for c in clauses):
        n += 1
    return n


def _disj(clauses: list[list[Term]]) -> str:
    return " or ".join(_conj(c) if len(c) == 1 else f"({_conj(c)})" for c in clauses)


def _factor(dnf: list[list[Term]]) -> str | None:
    """Factor clauses that share their first term (a common prefix) or, among the others, their
    last term (a common suffix); groups whose remainders are equal share one ``(a or b) and``."""
    grouped: set[int] = set()
    # (first index, side, common parts, remainder clauses)
    groups: list[tuple[int, int, list[list[Term]], list[list[Term]]]] = []
    for side in (0, -1):
        for i, clause in enumerate(dnf):
            if i in grouped or len(clause) < 2:
                continue
            members = [
                j for j in range(i, len(dnf)) if j not in grouped and len(dnf[j]) >= 2 and dnf[j][side] == clause[side]
            ]
            if len(members) < 2:
                continue
            grouped.update(members)
            clauses = [dnf[j] if side == 0 else dnf[j][::-1] for j in members]
            n = _common_prefix(clauses)
            common = clauses[0][:n] if side == 0 else clauses[0][:n][::-1]
            inner = [c[n:] if side == 0 else c[n:][::-1] for c in clauses]
            for g in groups:
                if g[1] == side and g[3] == inner:
                    g[2].append(common)
                    break
            else:
                groups.append((i, side, [common], inner))
    if not groups:
        return None
    pieces: list[tuple[int, str]] = [(i, _conj(c)) for i, c in enumerate(dnf) if i not in grouped]
    for first, side, commons, inner in groups:
        common_text = _conj(commons[0]) if len(commons) == 1 else f"({_disj(commons)})"
        inner_text = f"({_disj(inner)})"
        text = f"{common_text} and {inner_text}" if side == 0 else f"{inner_text} and {common_text}"
        pieces.append((first, text))
    pieces.sort()
    return " or ".join(text for _, text in pieces)


_DISPLAY_CACHE: dict[int, str] = {}


def display(node: int) -> str:
    """The marker string uv writes for ``node`` ('' for TRUE); nodes are immutable, so cached."""
    text = _DISPLAY_CACHE.get(node)
    if text is None:
        text = _DISPLAY_CACHE[node] = _display(node)
    return text


def _display(node: int) -> str:
    if node == A.TRUE:
        return ""
    if node == A.FALSE:
        return "python_version < '0'"
    dnf = to_dnf(node)
    if len(dnf) == 1:
        return _conj(dnf[0])
    factored = _factor(dnf)
    if factored is not None:
        return factored
    return " or ".join(_conj(c) if len(c) == 1 else f"({_conj(c)})" for c in dnf)
