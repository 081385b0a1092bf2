"""PEP 508 environment markers as a canonical algebra (uv's decision-diagram semantics).

``parse_marker(text)`` gives a :class:`MarkerTree`. Trees are canonical: two markers that denote
the same set of environments are the same object, so ``==``/``hash`` are identity and
``and_``/``or_``/``negate`` are memoised. The variable knowledge is uv's: ``python_version`` is
``python_full_version`` truncated to two components; ``platform_system`` Windows/Darwin/Linux/
AIX/Emscripten/Android are rewritten to the matching ``sys_platform``; pairs that never occur
together (``os_name == 'nt'`` with linux/darwin, ``os_name == 'posix'`` with win32,
``platform_system == 'FreeBSD'`` with any named platform, ...) make an ``and`` FALSE when both
sides test such variables, exactly where uv does it. ``in``/``not in`` substring tests are
variables of their own, as in uv. ``str(tree)`` is the string uv writes in ``uv.lock`` for the
marker ("" for TRUE, ``python_version < '0'`` for FALSE).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, ClassVar

from prong.pep508 import _marker_algebra as A
from prong.pep508._marker_display import display as _display
from prong.pep508._marker_display import to_dnf as _to_dnf
from prong.pep508._marker_parse import normalize_extra, parse_marker_node

__all__ = ["FALSE", "TRUE", "MarkerTree", "parse_marker"]


class MarkerTree:
    """An immutable, interned marker; construct with :func:`parse_marker` or the operators."""

    __slots__ = ("_node", "__weakref__")

    _interned: ClassVar[dict[int, MarkerTree]] = {}
    TRUE: ClassVar[MarkerTree]
    FALSE: ClassVar[MarkerTree]

    def __new__(cls, node: int) -> MarkerTree:
        tree = cls._interned.get(node)
        if tree is None:
            tree = object.__new__(cls)
            tree._node = node
            tree = cls._interned.setdefault(node, tree)  # atomic: one object per node
        return tree

    # Identity is equality: the table is canonical.
    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return self._node

    def __reduce__(self) -> tuple[Any, ...]:
        # Node ids are per process; pickle as text (an equivalent marker).
        return (_from_text, (str(self),))

    def and_(self, other: MarkerTree) -> MarkerTree:
        return MarkerTree(A.and_(self._node, other._node))

    def or_(self, other: MarkerTree) -> MarkerTree:
        return MarkerTree(A.or_(self._node, other._node))

    __and__ = and_
    __or__ = or_

    def negate(self) -> MarkerTree:
        return MarkerTree(A.negate(self._node))

    __invert__ = negate

    def is_true(self) -> bool:
        return self._node == A.TRUE

    def is_false(self) -> bool:
        return self._node == A.FALSE

    def is_disjoint(self, other: MarkerTree) -> bool:
        """No environment satisfies both markers."""
        return A.is_disjoint(self._node, other._node)

    def implies(self, other: MarkerTree) -> bool:
        """Every environment that satisfies ``self`` satisfies ``other``."""
        return A.is_disjoint(self._node, A.negate(other._node))

    def evaluate(self, env: Mapping[str, str], extras: Collection[str] = ()) -> bool:
        """Evaluate against a PEP 508 environment dict; ``extra`` is true for names in ``extras``."""
        from packaging.version import InvalidVersion, Version

        norm_extras = {normalize_extra(e) or e for e in extras}
        cache: dict[A.Var, Any] = {}

        def lookup(var: A.Var) -> Any:
            if var in cache:
                return cache[var]
            kind = var[0]
            value: Any
            if kind == A.K_EXTRA:
                value = var[1] in norm_extras
            elif kind == A.K_VERSION:
                name = A.VERSION_VARS[var[1]]
                text = env.get(name)
                if text is None and name == "python_full_version":
                    text = env.get("python_version")
                try:
                    value = Version(text) if text is not None else None
                except InvalidVersion:
                    value = None
            else:
                text = env.get(A.STRING_VARS[var[1]], "")
                if kind == A.K_STRING:
                    value = text
                elif kind == A.K_IN:
                    value = text in var[2]
                else:
                    value = var[2] in text
            cache[var] = value
            return value

        return A.evaluate(self._node, lookup)

    def simplify_python(self, requires_python: Any) -> MarkerTree:
        """Drop what ``requires_python`` already implies (as uv does when writing uv.lock)."""
        lo, hi = _python_bounds(requires_python)
        if lo is None and hi is None:
            return self
        if lo is not None and hi is not None and lo >= hi:
            return FALSE
        return MarkerTree(A.restrict_python(self._node, lo, hi, {}))

    def complexify_python(self, requires_python: Any) -> MarkerTree:
        """The inverse of :meth:`simplify_python`: re-add the requires-python bound."""
        lo, hi = _python_bounds(requires_python)
        if lo is None and hi is None:
            return self
        if lo is not None and hi is not None and lo >= hi:
            return FALSE
        bound = A.interval_node(A.PYTHON_VAR, [(lo, hi)])
        return MarkerTree(A.and_(self._node, bound))

    def assign_extras(self, decide: Callable[[str], bool | None]) -> MarkerTree:
        """This marker with ``extra == NAME`` replaced by ``decide(NAME)`` wherever that is not
        ``None`` (how a selection settles uv's conflict pseudo-extras)."""
        return MarkerTree(A.assign_extras(self._node, decide, {}))

    def without_extras(self) -> MarkerTree:
        """Project away the ``extra`` variables (each extra may be on or off)."""
        return MarkerTree(A.without_extras(self._node, {}))

    def only_extras(self) -> MarkerTree:
        """Project onto the ``extra`` variables (every other variable may take any value)."""
        return MarkerTree(A.only_extras(self._node))

    def python_bounds(self) -> tuple[Any, Any] | None:
        """The bounding ``python_full_version`` interval of the environments this marker admits, as
        ``(lo, hi)`` cut positions (``None``: unbounded), or ``None`` when the marker does not
        bound the Python version at all (uv's ``marker::requires_python``)."""
        if self._node <= A.TRUE:
            return None
        los: list[Any] = []
        his: list[Any] = []
        _collect_python(self._node, None, None, los, his)
        if not los or all(lo is None for lo in los) and all(hi is None for hi in his):
            return None
        lo = None if any(x is None for x in los) else min(los)
        hi = None if any(x is None for x in his) else max(his)
        return lo, hi

    @staticmethod
    def python_interval(lo: Any, hi: Any) -> MarkerTree:
        """``python_full_version`` in ``[lo, hi)`` (cut positions; ``None``: unbounded)."""
        if lo is None and hi is None:
            return TRUE
        return MarkerTree(A.interval_node(A.PYTHON_VAR, [(lo, hi)]))

    def restrict(self, assumption: MarkerTree) -> MarkerTree:
        """This marker simplified where ``assumption`` is known to hold (uv's ``restrict``)."""
        return MarkerTree(A.restrict(self._node, assumption._node, {}))

    def sort_key(self) -> tuple[Any, ...]:
        """A structural order, as uv orders markers (for sorting requirements and edges)."""
        return A.sort_key(self._node, _SORT_MEMO)

    def to_dnf(self) -> list[list[str]]:
        """uv's simplified DNF, each term as a string."""
        return [[str(t) for piece in clause for t in piece.terms] for clause in _to_dnf(self._node)]

    def __str__(self) -> str:
        return _display(self._node)

    def __repr__(self) -> str:
        if self._node == A.TRUE:
            return "MarkerTree.TRUE"
        if self._node == A.FALSE:
            return "MarkerTree.FALSE"
        return f"MarkerTree({str(self)!r})"


_SORT_MEMO: dict[int, tuple[Any, ...]] = {}

TRUE = MarkerTree(A.TRUE)
FALSE = MarkerTree(A.FALSE)
MarkerTree.TRUE = TRUE
MarkerTree.FALSE = FALSE


def parse_marker(text: str) -> MarkerTree:
    """Parse a PEP 508 marker; raises prong.errors.InvalidMarker with a span on bad input."""
    return MarkerTree(parse_marker_node(text))


def _from_text(text: str) -> MarkerTree:
    return TRUE if not text else parse_marker(text)


def _collect_python(node: int, lo: Any, hi: Any, los: list[Any], his: list[Any]) -> None:
    """Every path to TRUE: the python_full_version interval on it (a diagram tests the variable
    at most once on a path)."""
    if node == A.TRUE:
        los.append(lo)
        his.append(hi)
        return
    if node == A.FALSE:
        return
    var = A.T.vars[node]
    children = A.T.children[node]
    if var == A.PYTHON_VAR:
        bounds = A.T.bounds[node]
        for i, child in enumerate(children):
            s_lo = bounds[i - 1] if i > 0 else None
            s_hi = bounds[i] if i < len(bounds) else None
            _collect_python(child, s_lo, s_hi, los, his)
        return
    for child in dict.fromkeys(children):
        _collect_python(child, lo, hi, los, his)


def _python_bounds(requires_python: Any) -> tuple[A.Pos | None, A.Pos | None]:
    """The [lo, hi) cut positions of the python_full_version interval a specifier set allows."""
    from packaging.specifiers import SpecifierSet

    spec = SpecifierSet(requires_python) if isinstance(requires_python, str) else requires_python
    node = A.TRUE
    for s in spec:
        node = A.and_(node, parse_marker_node(f"python_full_version {s.operator} '{s.version}'"))
    if node == A.FALSE:
        return ((0, 0), (0, 0))  # an empty range; callers check lo >= hi
    if node == A.TRUE:
        return (None, None)
    bounds, children = A.T.bounds[node], A.T.children[node]
    first = next(i for i, c in enumerate(children) if c != A.FALSE)
    last = max(i for i, c in enumerate(children) if c != A.FALSE)
    lo = bounds[first - 1] if first > 0 else None
    hi = bounds[last] if last < len(bounds) else None
    return lo, hi
