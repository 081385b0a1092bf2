"""Sets of PEP 440 versions for the resolver: ``Range``.

A ``Range`` is a sorted tuple of *cuts*: points of the version line that never coincide with a
version. Consecutive pairs ``(lo, hi)`` bound the half-open stretches of versions the set holds.
A cut is a plain tuple ``(key, flag, anchor)`` compared element-wise, so interval algebra and
membership are tuple comparisons done in C:

* ``key`` is packaging's comparison key of a version (epoch, trimmed release, 6-int suffix,
  optional local), a sentinel for -inf/+inf, or the key of a final release with its post slot set
  to infinity (the cut just after every post-release of that release, used by ``>V``);
* ``flag`` 0 puts the cut just below ``key``, 2 just above ``key`` itself (below its local
  versions); a version probes as ``(key, 1)``;
* ``anchor`` is the ``Version`` at ``key`` (for display); equal keys mean equal anchors.

Every position has exactly one spelling: "just above V and all its local versions" is stored as
"just below V's least successor" (``1.0`` -> ``1.0.post0.dev0``, ``1.0.dev3`` -> ``1.0.dev4``,
``1.0.post2`` -> ``1.0.post3.dev0``), ``>1.0a1`` as ``>=1.0a2.dev0``, and "below 0.dev0" as -inf.
Any two distinct cuts have a version between them, so two ranges hold the same versions exactly
when their cut tuples are equal: equality and hashing are tuple equality and hashing.

Membership follows ``SpecifierSet.contains(v, prereleases=True)`` of packaging; the pre-release
policy is the resolver's business. One deliberate difference: ``===X`` is read as the single
version ``X`` (no local versions) when ``X`` is written in normalized form, and as no version
otherwise, whereas packaging compares strings, so ``===1.0`` rejects ``Version("1.0.0")``, a
version equal to ``1.0``. A set of versions cannot tell those apart.

``str()`` gives a PEP 440 specifier where one exists (``>=1.0, <2.0``, ``==1.2.3``, ``!=1.5``,
``==1.2.*``), ``*`` for every version, ``<empty>`` for none (test with ``is_empty()``), and
joins stretches with ``" | "`` when no single specifier set expresses the range.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from operator import attrgetter
from typing import Any, Callable

from packaging.specifiers import Specifier, SpecifierSet
from packaging.version import Version

__all__ = ["Range"]

Cut = tuple[Any, ...]
Cuts = tuple[Cut, ...]
Text = tuple[str, "str | None"]  # (display, exact specifier or None)

_INF = float("inf")
_NEG: Cut = ((-1,), 0, None)
_POS: Cut = ((_INF,), 0, None)
_AFTER_POSTS_SUFFIX = (3, 0, 1, _INF, 1, 0)
_MIN_KEY: tuple[Any, ...] = (0, (), (-1, 0, 0, 0, 0, 0))  # the key of 0.dev0, the least version
_PRE_RANK = {"a": 0, "b": 1, "rc": 2}


def _own_key(v: Version) -> tuple[Any, ...]:
    """packaging 26's comparison key of ``v``, computed from public attributes."""
    release = v.release
    end = len(release)
    while end and release[end - 1] == 0:
        end -= 1
    pre, post, dev, local = v.pre, v.post, v.dev, v.local
    if pre is None and post is None and dev is not None:
        pre_rank, pre_n = -1, 0
    elif pre is None:
        pre_rank, pre_n = 3, 0
    else:
        pre_rank, pre_n = _PRE_RANK[pre[0]], pre[1]
    suffix = (
        pre_rank,
        pre_n,
        0 if post is None else 1,
        0 if post is None else post,
        1 if dev is None else 0,
        0 if dev is None else dev,
    )
    if local is None:
        return v.epoch, release[:end], suffix
    segments = tuple((int(s), "") if s.isdigit() else (-1, s) for s in local.split("."))
    return v.epoch, release[:end], suffix, segments


def _pick_key() -> Callable[[Version], tuple[Any, ...]]:
    """packaging's cached ``_key`` when it has the layout above (fast), else ``_own_key``."""
    samples = ("1.0", "0.dev0", "1!2.0a1.post2.dev3+ab.5", "1.0.dev1", "1.0.post1", "2rc3", "3.0.0+7")
    try:
        if all(Version(s)._key == _own_key(Version(s)) for s in samples):
            return attrgetter("_key")
    except Exception:  # pragma: no cover - a future packaging without ``_key``
        pass
    return _own_key  # pragma: no cover


_key = _pick_key()


# -- cuts -------------------------------------------------------------------------------------


def _below(v: Version) -> Cut:
    """The cut just below ``v``."""
    k = _key(v)
    if k == _MIN_KEY:
        return _NEG
    return (k, 0, v)


def _above_exact(v: Version) -> Cut:
    """The cut just above ``v`` itself, below ``v``'s local versions."""
    return (_key(v), 2, v)


def _successor(v: Version) -> Version:
    """The least public version above ``v`` and all its local versions."""
    if v.dev is not None:
        return v.__replace__(dev=v.dev + 1, local=None)
    if v.post is not None:
        return v.__replace__(post=v.post + 1, dev=0, local=None)
    return v.__replace__(post=0, dev=0, local=None)


def _above_locals(v: Version) -> Cut:
    """The cut just above ``v`` and all its local versions."""
    return _below(_successor(v))


def _above_posts(v: Version) -> Cut:
    """The cut of ``>V`` for ``V`` without post or dev part: above V, its locals and its posts."""
    if v.pre is not None:
        kind, number = v.pre
        return _below(v.__replace__(pre=(kind, number + 1), post=None, dev=0, local=None))
    k = _key(v)
    return ((k[0], k[1], _AFTER_POSTS_SUFFIX), 0, v)


def _is_after_posts(cut: Cut) -> bool:
    key = cut[0]
    return len(key) == 3 and key[2][3] == _INF  # no real version has an infinite post number


# -- interval algebra on flat cut tuples ------------------------------------------------------


def _normalize(cuts: list[Cut]) -> Cuts:
    """Drop empty stretches and merge touching ones of an ordered (lo, hi, lo, hi...) list."""
    out: list[Cut] = []
    for i in range(0, len(cuts), 2):
        lo, hi = cuts[i], cuts[i + 1]
        if not lo < hi:
            continue
        if out and not out[-1] < lo:
            if out[-1] < hi:
                out[-1] = hi
            continue
        out.append(lo)
        out.append(hi)
    return tuple(out)


def _intersect(a: Cuts, b: Cuts) -> Cuts:
    out: list[Cut] = []
    i = j = 0
    na, nb = len(a), len(b)
    while i < na and j < nb:
        alo, ahi, blo, bhi = a[i], a[i + 1], b[j], b[j + 1]
        lo = alo if alo > blo else blo
        if ahi < bhi:
            if lo < ahi:
                out.append(lo)
                out.append(ahi)
            i += 2
        else:
            if lo < bhi:
                out.append(lo)
                out.append(bhi)
            j += 2
    return tuple(out)


def _union(a: Cuts, b: Cuts) -> Cuts:
    out: list[Cut] = []
    i = j = 0
    na, nb = len(a), len(b)
    while i < na or j < nb:
        if j >= nb or (i < na and a[i] < b[j]):
            lo, hi = a[i], a[i + 1]
            i += 2
        else:
            lo, hi = b[j], b[j + 1]
            j += 2
        if out and not out[-1] < lo:
            if out[-1] < hi:
                out[-1] = hi
        else:
            out.append(lo)
            out.append(hi)
    return tuple(out)


def _complement(a: Cuts) -> Cuts:
    if not a:
        return (_NEG, _POS)
    head = a[1:] if a[0] is _NEG or a[0] == _NEG else (_NEG, *a)
    if head and (head[-1] is _POS or head[-1] == _POS):
        return head[:-1]
    return (*head, _POS)


def _disjoint(a: Cuts, b: Cuts) -> bool:
    i = j = 0
    na, nb = len(a), len(b)
    while i < na and j < nb:
        alo, ahi, blo, bhi = a[i], a[i + 1], b[j], b[j + 1]
        if ahi <= blo:
            i += 2
        elif bhi <= alo:
            j += 2
        else:
            return False
    return True


def _subset(a: Cuts, b: Cuts) -> bool:
    j, nb = 0, len(b)
    for i in range(0, len(a), 2):
        alo = a[i]
        while j < nb and b[j + 1] <= alo:
            j += 2
        if j >= nb or alo < b[j] or b[j + 1] < a[i + 1]:
            return False
    return True


# -- the type ---------------------------------------------------------------------------------


class Range:
    """An immutable set of PEP 440 versions (see the module docstring for the model).

    Build with the class methods, never with ``Range()``. Equal sets compare and hash equal.
    """

    __slots__ = ("_cuts", "_hash", "_text")

    _cuts: Cuts
    _hash: int
    _text: Text | None

    def __init__(self) -> None:
        raise TypeError("use Range.empty(), Range.full(), Range.singleton() or Range.from_specifiers()")

    @classmethod
    def _make(cls, cuts: Cuts) -> Range:
        self = _new(cls)
        self._cuts = cuts
        self._hash = -1  # computed on first use
        self._text = None
        return self

    # constructors

    @classmethod
    def empty(cls) -> Range:
        """No version."""
        return _EMPTY

    @classmethod
    def full(cls) -> Range:
        """Every version, pre-releases and local versions included."""
        return _FULL

    @classmethod
    def singleton(cls, version: Version) -> Range:
        """Exactly ``version`` (``1.0`` does not hold ``1.0+cpu``; ``1.0.0`` is ``1.0``)."""
        return cls._make((_below(version), _above_exact(version)))

    @classmethod
    def lower_than(cls, version: Version) -> Range:
        """Versions ``v < version`` in PEP 440 order (unlike ``<V``, this keeps V's pre-releases)."""
        return cls._make(_normalize([_NEG, _below(version)]))

    @classmethod
    def at_most(cls, version: Version) -> Range:
        """Versions ``v <= version`` in PEP 440 order (``version``'s local versions excluded)."""
        return cls._make((_NEG, _above_exact(version)))

    @classmethod
    def at_least(cls, version: Version) -> Range:
        """Versions ``v >= version`` in PEP 440 order (the same set as the specifier ``>=V``)."""
        return cls._make(_normalize([_below(version), _POS]))

    @classmethod
    def higher_than(cls, version: Version) -> Range:
        """Versions ``v > version`` in PEP 440 order (unlike ``>V``, this keeps V's posts and locals)."""
        return cls._make((_above_exact(version), _POS))

    @classmethod
    def from_specifiers(cls, spec: str | SpecifierSet) -> Range:
        """The versions ``spec`` admits, pre-releases included.

        A string is parsed with :func:`prong.pep440.specifiers.parse_specifiers`, so bad input
        raises :class:`prong.errors.InvalidSpecifier`. Results are cached.
        """
        if isinstance(spec, str):
            return _from_text(spec)
        return _from_set(spec)

    # queries

    def contains(self, version: Version) -> bool:
        """Whether ``version`` is in the set."""
        return bisect_right(self._cuts, (_key(version), 1)) & 1 == 1

    __contains__ = contains

    def is_empty(self) -> bool:
        return not self._cuts

    def is_full(self) -> bool:
        return self._cuts == _FULL_CUTS

    def as_singleton(self) -> Version | None:
        """The only version of the set, if it holds exactly one (``===`` sets; ``==1.0+cpu``)."""
        cuts = self._cuts
        if len(cuts) != 2 or cuts[1][1] != 2:
            return None
        lo, hi = cuts
        if (lo[1] == 0 and lo[0] == hi[0]) or (lo == _NEG and hi[0] == _MIN_KEY):
            version: Version = hi[2]
            return version
        return None

    def is_subset(self, other: Range) -> bool:
        a, b = self._cuts, other._cuts
        if a is b or not a:
            return True
        if len(b) == 2:
            return not b[0] > a[0] and not a[-1] > b[1]
        return _subset(a, b)

    def is_disjoint(self, other: Range) -> bool:
        a, b = self._cuts, other._cuts
        if len(a) == 2 and len(b) == 2:
            return not a[0] < b[1] or not b[0] < a[1]
        return _disjoint(a, b)

    # algebra

    def complement(self) -> Range:
        return Range._make(_complement(self._cuts))

    def intersection(self, other: Range) -> Range:
        a, b = self._cuts, other._cuts
        if not a or a is b:
            return self
        if not b:
            return other
        if len(a) == 2 and len(b) == 2:
            alo, ahi = a
            blo, bhi = b
            lo = alo if blo < alo else blo
            hi = ahi if ahi < bhi else bhi
            if lo is alo and hi is ahi:
                return self
            if lo is blo and hi is bhi:
                return other
            if lo < hi:
                return Range._make((lo, hi))
            return _EMPTY
        return Range._make(_intersect(a, b))

    def union(self, other: Range) -> Range:
        a, b = self._cuts, other._cuts
        if not b or a is b:
            return self
        if not a:
            return other
        if len(a) == 2 and len(b) == 2:
            alo, ahi = a
            blo, bhi = b
            if blo < alo:
                alo, ahi, blo, bhi = blo, bhi, alo, ahi
            if ahi < blo:  # apart
                return Range._make((alo, ahi, blo, bhi))
            return Range._make((alo, bhi if ahi < bhi else ahi))
        return Range._make(_union(a, b))

    def difference(self, other: Range) -> Range:
        if not other._cuts:
            return self
        return self.intersection(Range._make(_complement(other._cuts)))

    __and__ = intersection
    __or__ = union
    __sub__ = difference

    def __invert__(self) -> Range:
        return self.complement()

    # views

    def intervals(self) -> tuple[tuple[Version | None, bool, Version | None, bool], ...]:
        """The stretches as ``(lower, lower_inclusive, upper, upper_inclusive)``, sorted.

        ``None`` is unbounded. Bounds are exact in PEP 440 order, with one approximation: the
        bound of ``>V`` (which also excludes V's post-releases) reads ``(V, False)`` as a lower
        bound and ``(V, True)`` as an upper bound.
        """
        out = []
        cuts = self._cuts
        for i in range(0, len(cuts), 2):
            lo, hi = cuts[i], cuts[i + 1]
            lower = None if lo is _NEG or lo == _NEG else lo[2]
            upper = None if hi is _POS or hi == _POS else hi[2]
            lower_inclusive = lower is not None and lo[1] == 0 and not _is_after_posts(lo)
            upper_inclusive = upper is not None and (hi[1] == 2 or _is_after_posts(hi))
            out.append((lower, lower_inclusive, upper, upper_inclusive))
        return tuple(out)

    def __iter__(self) -> Iterator[tuple[Version | None, bool, Version | None, bool]]:
        return iter(self.intervals())

    def to_specifiers(self) -> SpecifierSet | None:
        """An equivalent ``SpecifierSet``, or ``None`` if PEP 440 cannot spell the set (or it is empty)."""
        spec = self._rendered()[1]
        return None if spec is None else SpecifierSet(spec)

    def _rendered(self) -> Text:
        text = self._text
        if text is None:
            text = self._text = _render(self._cuts)
        return text

    def __str__(self) -> str:
        return self._rendered()[0]

    def __repr__(self) -> str:
        return f"Range({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Range):
            return NotImplemented
        return self._cuts == other._cuts

    def __ne__(self, other: object) -> bool:
        if self is other:
            return False
        if not isinstance(other, Range):
            return NotImplemented
        return self._cuts != other._cuts

    def __hash__(self) -> int:
        h = self._hash
        if h == -1:
            h = self._hash = hash(self._cuts)
        return h

    def __reduce__(self) -> tuple[Any, ...]:
        return (Range._make, (self._cuts,))


_FULL_CUTS: Cuts = (_NEG, _POS)
_new = object.__new__
_EMPTY = Range._make(())
_FULL = Range._make(_FULL_CUTS)


# -- from specifiers --------------------------------------------------------------------------


def _spec_cuts(op: str, text: str) -> Cuts:
    """The cuts of one specifier ``op text`` (already validated by packaging)."""
    if op == "===":
        try:
            v = Version(text)
        except ValueError:
            return ()
        if str(v) != text.strip().lower():
            return ()
        return (_below(v), _above_exact(v))
    if text.endswith(".*"):
        base = Version(text[:-2])
        release = base.release
        low = Version.from_parts(epoch=base.epoch, release=release, dev=0)
        high = Version.from_parts(epoch=base.epoch, release=(*release[:-1], release[-1] + 1), dev=0)
        cuts = _normalize([_below(low), _below(high)])
        return _complement(cuts) if op == "!=" else cuts
    v = Version(text)
    if op == ">=":
        return _normalize([_below(v), _POS])
    if op == "<=":
        return (_NEG, _above_locals(v))
    if op == ">":
        if v.dev is not None or v.post is not None:
            return (_above_locals(v), _POS)
        return (_above_posts(v), _POS)
    if op == "<":
        bound = v if v.is_prerelease else v.__replace__(dev=0, local=None)
        return _normalize([_NEG, _below(bound)])
    if op == "~=":
        prefix = v.release[:-1]
        high = Version.from_parts(epoch=v.epoch, release=(*prefix[:-1], prefix[-1] + 1), dev=0)
        return _normalize([_below(v), _below(high)])
    # == and !=; a local label in the specifier pins it, otherwise every local version matches
    upper = _above_exact(v) if v.local is not None else _above_locals(v)
    cuts = _normalize([_below(v), upper])
    return _complement(cuts) if op == "!=" else cuts


def _cuts_of_set(specs: SpecifierSet) -> Cuts:
    cuts: Cuts = _FULL_CUTS
    for spec in specs:
        one = _spec_cuts(spec.operator, spec.version)
        cuts = _intersect(cuts, one) if cuts is not _FULL_CUTS else one
        if not cuts:
            break
    return cuts


_CACHE: dict[str, Range] = {}
_CACHE_LIMIT = 16384


def _from_set(specs: SpecifierSet) -> Range:
    # Not str(specs) nor hash(specs): both cost several microseconds in packaging.
    key = ",".join([spec.operator + spec.version for spec in specs])
    hit = _CACHE.get(key)
    if hit is None:
        hit = _store(key, _cuts_of_set(specs))
    return hit


def _from_text(text: str) -> Range:
    hit = _CACHE.get(text)
    if hit is None:
        from prong.pep440.specifiers import parse_specifiers

        hit = _store(text, _cuts_of_set(parse_specifiers(text)))
    return hit


def _store(key: str, cuts: Cuts) -> Range:
    """Cache a conversion; keyed by text, so a range displays versions as they were written."""
    if cuts == _FULL_CUTS:
        result = _FULL
    elif not cuts:
        result = _EMPTY
    else:
        result = Range._make(cuts)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = result
    return result


def _clear_caches() -> None:
    """Forget cached conversions (for benchmarks)."""
    _CACHE.clear()


# -- rendering --------------------------------------------------------------------------------
#
# Each piece renders as ``(display, spec)``: ``display`` is for people (uv's style: the
# complement of ``>=2.0`` reads ``<2.0``), ``spec`` is a specifier with exactly the same versions,
# or ``None`` when PEP 440 has no spelling for it.



def _drop_dev(v: Version) -> Version:
    return v.__replace__(dev=None)


def _lower_text(lo: Cut) -> Text:
    v: Version = lo[2]
    if _is_after_posts(lo):
        return f">{v}", f">{v}"
    if lo[1] == 2:
        return f">{v}", None
    if v.local is not None:
        return f">={v}", None
    if v.dev == 0:
        if v.post is not None and v.post > 0:
            text = f">{v.__replace__(post=v.post - 1, dev=None)}"  # >X.postN starts at X.post(N+1).dev0
            return text, text
        if v.post is None and v.pre is not None and v.pre[1] > 0:
            text = f">{v.__replace__(pre=(v.pre[0], v.pre[1] - 1), dev=None)}"  # >1.0a1 starts at 1.0a2.dev0
            return text, text
        if v.post is None and v.pre is None:
            # the complement of <X: X's pre-releases and X onwards
            return f">={_drop_dev(v)}", f">={v}"
    return f">={v}", f">={v}"


def _upper_text(hi: Cut) -> Text:
    v: Version = hi[2]
    if _is_after_posts(hi):
        return f"<={v}.post*", None
    if hi[1] == 2:
        return f"<={v}", None
    if v.local is not None:
        return f"<{v}", None
    if v.dev == 0:
        if v.post == 0:
            text = f"<={v.__replace__(post=None, dev=None)}"  # <=X stops just below X.post0.dev0
            return text, text
        if v.pre is None:
            text = f"<{_drop_dev(v)}"  # <X (X not a pre-release) stops below X.dev0
            return text, text
        if v.post is not None:
            text = f"<={v.__replace__(post=v.post - 1, dev=None)}"
            return text, text
    if v.is_prerelease:
        return f"<{v}", f"<{v}"
    # below V itself, V's pre-releases included: <V in uv's display, but not in PEP 440
    return f"<{v}", f"<={v}, !={v}"


def _wildcard(lo: Version, hi: Version) -> str | None:
    """``X`` when ``[lo, hi)`` is ``==X.*`` (lo = X.dev0, hi = next prefix .dev0)."""
    for v in (lo, hi):
        if v.dev != 0 or v.pre is not None or v.post is not None or v.local is not None:
            return None
    if lo.epoch != hi.epoch:
        return None
    top = list(hi.release)
    while len(top) > 1 and top[-1] == 0:
        top.pop()
    n = len(top)
    bottom = list(lo.release) + [0] * max(0, n - len(lo.release))
    if bottom[: n - 1] != top[: n - 1] or bottom[n - 1] + 1 != top[n - 1] or any(bottom[n:]):
        return None
    release = ".".join(map(str, bottom[:n]))
    return f"{lo.epoch}!{release}" if lo.epoch else release


def _is_successor_cut(lo: Cut, hi: Cut) -> bool:
    """Whether ``hi`` is the cut just above ``lo``'s version and all its local versions."""
    v: Version = lo[2]
    return v.local is None and hi[0] == _key(_successor(v))


def _excluded(hi: Cut, lo: Cut) -> Text | None:
    """The ``!=`` clause for the gap ``[hi, lo)`` between two stretches, if there is one."""
    if hi[1] != 0 or _is_after_posts(hi) or lo == _POS:
        return None
    v: Version = hi[2]
    if lo[1] == 2 and lo[0] == hi[0]:
        return f"!={v}", (f"!={v}" if v.local is not None else None)
    if lo[1] == 0 and not _is_after_posts(lo):
        if _is_successor_cut(hi, lo):
            return f"!={v}", f"!={v}"
        prefix = _wildcard(v, lo[2])
        if prefix is not None:
            return f"!={prefix}.*", f"!={prefix}.*"
    return None


def _stretch(lo: Cut, hi: Cut) -> Text:
    """One stretch ``[lo, hi)`` as a specifier."""
    if lo == _NEG:
        return _upper_text(hi) if hi != _POS else ("*", "")
    if hi != _POS and lo[1] == 0 and not _is_after_posts(lo) and not _is_after_posts(hi):
        v: Version = lo[2]
        if hi[1] == 2 and hi[0] == lo[0]:
            text = f"=={v}" if v.local is not None else f"==={v}"
            return text, text
        if hi[1] == 0:
            if _is_successor_cut(lo, hi):
                return f"=={v}", f"=={v}"
            prefix = _wildcard(v, hi[2])
            if prefix is not None:
                return f"=={prefix}.*", f"=={prefix}.*"
    lower = _lower_text(lo)
    if hi == _POS:
        return lower
    upper = _upper_text(hi)
    spec = f"{lower[1]}, {upper[1]}" if lower[1] is not None and upper[1] is not None else None
    return f"{lower[0]}, {upper[0]}", spec


def _join(parts: list[Text], sep: str) -> Text:
    specs = [p[1] for p in parts]
    spec = ", ".join(s for s in specs if s is not None) if None not in specs else None
    return sep.join(p[0] for p in parts), spec


def _render(cuts: Cuts) -> Text:
    """``(display, spec)`` of a whole range; ``spec`` is ``None`` when no specifier set fits."""
    if not cuts:
        return "<empty>", None
    if len(cuts) == 2:
        return _stretch(cuts[0], cuts[1])
    # One outer stretch with != holes, if every hole is a != clause.
    clauses: list[Text] = []
    if cuts[0] != _NEG:
        clauses.append(_lower_text(cuts[0]))
    for i in range(1, len(cuts) - 1, 2):
        hole = _excluded(cuts[i], cuts[i + 1])
        if hole is None:
            break
        clauses.append(hole)
    else:
        if cuts[-1] != _POS:
            clauses.append(_upper_text(cuts[-1]))
        return _join(clauses, ", ")
    display = _join([_stretch(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2)], " | ")[0]
    return display, None
