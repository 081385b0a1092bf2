"""Properties of ``Range``: membership equals packaging's ``SpecifierSet.contains(v, prereleases=True)``,
and the set algebra obeys its laws, with canonical (structural) equality."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet

from prong.pep440.ranges import Range
from prong.pep440.version import Version

# Small numbers so that generated versions and specifiers collide often.
_num = st.integers(min_value=0, max_value=3)
_release = st.lists(_num, min_size=1, max_size=4).map(lambda parts: ".".join(map(str, parts)))
_pre = st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), _num).map(lambda p: f"{p[0]}{p[1]}")
_post = st.none() | _num.map(lambda n: f".post{n}")
_dev = st.none() | _num.map(lambda n: f".dev{n}")
_local = st.none() | st.sampled_from(["cpu", "cu121", "0", "1", "x.1", "0a", "1.2"]).map(lambda s: f"+{s}")
_epoch = st.sampled_from(["", "", "", "1!"])


@st.composite
def version_texts(draw: st.DrawFn, local: bool = True, suffixes: bool = True) -> str:
    text = draw(_epoch) + draw(_release)
    if suffixes:
        text += (draw(_pre) or "") + (draw(_post) or "") + (draw(_dev) or "")
    if local:
        text += draw(_local) or ""
    return text


# A fixed pool of near-colliding versions makes one draw per version (Hypothesis's generation
# is most of the cost of these tests); the composite strategy adds everything else.
_POOL = [
    f"{release}{pre}{post}{dev}{local}"
    for release in ("0", "1", "1.0", "1.0.0", "1.1", "1.2", "2", "1!1", "0.1", "1.2.3")
    for pre in ("", "a0", "a1", "rc1")
    for post in ("", ".post0", ".post1")
    for dev in ("", ".dev0", ".dev1")
    for local in ("", "+cpu", "+1")
]
pool_strings = st.sampled_from(_POOL)
version_strings = pool_strings | version_texts()
versions = version_strings.map(Version)
samples = st.lists(versions, min_size=1, max_size=8)


_ops = st.sampled_from(["==", "!=", "<=", ">=", "<", ">", "~=", "==*", "!=*", "==="])


@st.composite
def clauses(draw: st.DrawFn) -> str:
    op = draw(_ops)
    if op in ("==*", "!=*"):
        return f"{op[:2]}{Version(draw(pool_strings)).base_version}.*"
    text = draw(pool_strings)
    if op not in ("==", "!=", "==="):
        text = text.split("+")[0]
    if op == "~=" and len(Version(text).release) < 2:
        text = "1." + text.split("!")[-1]
    return f"{op}{text}"


spec_texts = st.lists(clauses(), min_size=0, max_size=3).map(",".join)


def oracle(spec: str) -> Callable[[Version], bool]:
    """packaging's answer, with ``===X`` read as the version X (the documented difference)."""
    plain = SpecifierSet(",".join(c for c in spec.split(",") if c and not c.startswith("===")))
    literals = [c[3:] for c in spec.split(",") if c.startswith("===")]
    pinned = [Version(lit) if str(Version(lit)) == lit.lower() else None for lit in literals]

    def contains(v: Version) -> bool:
        return plain.contains(v, prereleases=True) and all(p is not None and p == v for p in pinned)

    return contains


def related(spec: str) -> list[Version]:
    """Versions next to each clause's version: the edge cases (locals, posts, devs, pre-releases)."""
    out: list[Version] = []
    for clause in spec.split(","):
        text = clause.lstrip("=!<>~").removesuffix(".*")
        if not text:
            continue
        v = Version(text)
        r = v.release
        for release in {r, (*r[:-1], r[-1] + 1), (*r, 1)}:
            p, d = v.post or 0, v.dev or 0
            pres = {v.pre, None, (v.pre[0], v.pre[1] + 1) if v.pre else ("a", 0)}
            if v.pre and v.pre[1]:
                pres.add((v.pre[0], v.pre[1] - 1))
            for pre in pres:
                for post in {None, p, p + 1}:
                    for dev in {None, 0, max(d - 1, 0), d + 1}:
                        for local in (None, "cpu"):
                            out.append(v.__replace__(release=release, pre=pre, post=post, dev=dev, local=local))
    return out


@given(spec_texts, samples)
def test_membership_matches_packaging(spec: str, vs: list[Version]) -> None:
    r = Range.from_specifiers(spec)
    expected = oracle(spec)
    for v in vs + related(spec):
        assert r.contains(v) == expected(v), (spec, str(v))


@given(spec_texts, samples)
def test_membership_matches_packaging_without_arbitrary_equality(spec: str, vs: list[Version]) -> None:
    spec = ",".join(c for c in spec.split(",") if not c.startswith("==="))
    r = Range.from_specifiers(SpecifierSet(spec))
    expected = SpecifierSet(spec)
    for v in vs + related(spec):
        assert r.contains(v) == expected.contains(v, prereleases=True), (spec, str(v))


_kinds = st.sampled_from(["spec", "spec", "singleton", "union", "complement", "order"])


@st.composite
def ranges(draw: st.DrawFn) -> Range:
    kind = draw(_kinds)
    if kind == "singleton":
        return Range.singleton(draw(versions))
    if kind == "order":
        v = draw(versions)
        return draw(
            st.sampled_from([Range.lower_than(v), Range.at_most(v), Range.at_least(v), Range.higher_than(v)])
        )
    base = Range.from_specifiers(draw(spec_texts))
    if kind == "union":
        return base.union(Range.from_specifiers(draw(spec_texts)))
    if kind == "complement":
        return base.complement()
    return base


@given(ranges(), samples)
def test_complement(a: Range, vs: list[Version]) -> None:
    assert a.complement().complement() == a
    assert a.intersection(a.complement()).is_empty()
    assert a.union(a.complement()).is_full()
    for v in vs:
        assert a.complement().contains(v) != a.contains(v)


@given(ranges(), ranges(), samples)
def test_binary_operations_follow_membership(a: Range, b: Range, vs: list[Version]) -> None:
    both, either, only_a = a.intersection(b), a.union(b), a.difference(b)
    for v in vs:
        in_a, in_b = a.contains(v), b.contains(v)
        assert both.contains(v) == (in_a and in_b)
        assert either.contains(v) == (in_a or in_b)
        assert only_a.contains(v) == (in_a and not in_b)


@given(ranges(), ranges())
def test_de_morgan_and_canonical_equality(a: Range, b: Range) -> None:
    assert a.union(b).complement() == a.complement().intersection(b.complement())
    assert a.intersection(b).complement() == a.complement().union(b.complement())
    assert a.union(b) == b.union(a) and hash(a.union(b)) == hash(b.union(a))
    assert a.intersection(b) == b.intersection(a) and hash(a.intersection(b)) == hash(b.intersection(a))
    assert a.union(a.intersection(b)) == a  # absorption
    assert a.difference(b) == a.intersection(b.complement())


@given(ranges(), ranges(), samples)
def test_subset_and_disjoint_agree_with_membership(a: Range, b: Range, vs: list[Version]) -> None:
    subset, disjoint = a.is_subset(b), a.is_disjoint(b)
    assert subset == a.difference(b).is_empty()
    assert disjoint == a.intersection(b).is_empty()
    assert disjoint == b.is_disjoint(a)
    assert a.intersection(b).is_subset(a) and a.is_subset(a.union(b))
    for v in vs:
        if subset and a.contains(v):
            assert b.contains(v)
        if disjoint:
            assert not (a.contains(v) and b.contains(v))


@given(ranges())
def test_to_specifiers_round_trips(a: Range) -> None:
    spec = a.to_specifiers()
    if spec is not None:
        assert Range.from_specifiers(spec) == a
        assert Range.from_specifiers(str(spec)) == a
    as_one = a.as_singleton()
    if as_one is not None:
        assert a == Range.singleton(as_one)


@given(ranges(), samples)
def test_intervals_describe_membership(a: Range, vs: list[Version]) -> None:
    """Away from ``>V`` bounds (documented as approximate), intervals() is exact."""
    stretches = a.intervals()
    assert [s for s in stretches] == sorted(
        stretches, key=lambda s: (s[0] is not None, s[0] or Version("0"), not s[1])
    )
    for v in vs:
        inside = False
        for lower, lower_inclusive, upper, upper_inclusive in stretches:
            above = lower is None or v > lower or (lower_inclusive and v == lower)
            below = upper is None or v < upper or (upper_inclusive and v == upper)
            inside = inside or (above and below)
        if inside != a.contains(v):
            # only the >V bound may disagree: v is then a post-release or local of a bound
            assert any(
                b is not None and v.release == b.release and v.epoch == b.epoch
                for s in stretches
                for b in (s[0], s[2])
            ), (str(a), str(v))
