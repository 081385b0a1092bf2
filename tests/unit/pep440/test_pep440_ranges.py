"""Table tests of ``Range``: membership as ``SpecifierSet.contains(v, prereleases=True)``, algebra,
canonical equality, display."""

from __future__ import annotations

import pickle

import pytest
from packaging.specifiers import SpecifierSet

from prong.pep440.ranges import Range
from prong.pep440.version import Version

V = Version
R = Range.from_specifiers

# (specifier, version, expected membership): each line is a rule of PEP 440 as packaging applies it.
MEMBERSHIP = [
    # local versions
    ("==2.7.0", "2.7.0+cpu", True),
    ("==2.7.0", "2.7.0", True),
    ("==2.7.0+cpu", "2.7.0", False),
    ("==2.7.0+cpu", "2.7.0+cpu", True),
    ("==2.7.0+cpu", "2.7.0+cpu.1", False),
    ("==2.7.0+cpu", "2.7.0+cu121", False),
    ("!=2.7.0", "2.7.0+cpu", False),
    ("!=2.7.0+cpu", "2.7.0", True),
    ("!=2.7.0+cpu", "2.7.0+cu121", True),
    ("<=2.7.0", "2.7.0+cpu", True),
    ("<=2.7.0", "2.7.0.post0", False),
    (">=2.7.0", "2.7.0+cpu", True),
    (">2.7.0", "2.7.0+cpu", False),
    ("<2.7.0", "2.7.0+cpu", False),
    ("<2.7.0", "2.6.9+cpu", True),
    ("==2.7", "2.7.0+cpu", True),
    # post releases
    (">1.0", "1.0.post1", False),
    (">1.0", "1.0.post1+local", False),
    (">1.0", "1.0.1", True),
    (">1.0.post1", "1.0.post2", True),
    (">1.0.post1", "1.0.post1+x", False),
    (">1.0a1", "1.0a1.post1", False),
    (">1.0a1", "1.0.post1", True),
    (">=1.0", "1.0.post1", True),
    ("<=1.0", "1.0.post1", False),
    ("<1.0.post1", "1.0.post1.dev1", False),
    ("<1.0.post1", "1.0+x", True),
    ("==1.0", "1.0.post0", False),
    # wildcards
    ("==1.2.*", "1.2.dev0", True),
    ("==1.2.*", "1.2.0+x", True),
    ("==1.2.*", "1.2.99.post3", True),
    ("==1.2.*", "1.3.dev0", False),
    ("==1.2.*", "1.20", False),
    ("!=1.2.*", "1.2rc1", False),
    ("!=1.2.*", "1.1.9", True),
    ("!=1.2.*", "1.3.dev0", True),
    ("==1.2.0.*", "1.2.0.5", True),
    ("==1.2.0.*", "1.2.1", False),
    # compatible release
    ("~=1.4.5", "1.4.5", True),
    ("~=1.4.5", "1.4.99", True),
    ("~=1.4.5", "1.4.5rc1", False),
    ("~=1.4.5", "1.5.dev0", False),
    ("~=1.4.5", "1.5", False),
    ("~=2.2", "2.2.post1", True),
    ("~=2.2", "2.9", True),
    ("~=2.2", "3.0.dev0", False),
    ("~=2.2", "3.0", False),
    ("~=2.2rc1", "2.2rc2", True),
    # pre-releases and dev releases (membership ignores the pre-release policy)
    ("<1.0", "1.0rc1", False),
    ("<1.0", "1.0.dev0", False),
    ("<1.0", "0.9.dev1", True),
    ("<1.0rc1", "1.0b2", True),
    ("<1.0rc1", "1.0rc1.dev3", True),
    ("<1.0.dev3", "1.0.dev2", True),
    ("<1.0.post1.dev3", "1.0.post1.dev2", True),
    ("<1.0.post1.dev3", "1.0.post1.dev3", False),
    (">1.0.post1.dev3", "1.0.post1", True),
    (">1.0a1.dev3", "1.0a1", True),
    (">=1.0", "1.0rc1", False),
    (">=1.0", "1.1a1", True),
    (">1.0.dev1", "1.0.dev1+x", False),
    (">1.0.dev1", "1.0.dev2", True),
    ("<0.dev0", "0.dev0", False),
    (">=0.dev0", "0.dev0", True),
    # epochs
    ("<2", "1!1.0", False),
    (">=1!0", "2.0", False),
    ("<1!1", "1!1.dev0", False),
    ("<1!1", "5.0", True),
    (">1!1.0", "1!1.0.post1", False),
    ("==1!1.*", "1!1.5", True),
    # arbitrary equality on the version value
    ("===1.0", "1.0", True),
    ("===1.0", "1.0+cpu", False),
    ("===1.0+cpu", "1.0+cpu", True),
    ("===1.0RC1", "1.0rc1", True),
    ("===v1.0", "1.0", False),  # not in normalized form: matches no Version
    ("===foo", "1.0", False),
    # sets
    (">=1.0,<2.0", "1.5", True),
    (">=1.0,<2.0", "2.0rc1", False),
    (">=1.0,!=1.5,<2", "1.5", False),
    (">=1.0,!=1.5,<2", "1.5+x", False),
    (">=1.0,!=1.5,<2", "1.5.post1", True),
    (">=2,<1", "1.5", False),
    ("", "1!0.1.dev0+x", True),
]


@pytest.mark.parametrize(("spec", "version", "expected"), MEMBERSHIP)
def test_membership_table(spec: str, version: str, expected: bool) -> None:
    assert R(spec).contains(V(version)) is expected
    if not spec.startswith("==="):
        # the table states packaging's own answer
        assert SpecifierSet(spec).contains(V(version), prereleases=True) is expected


def test_arbitrary_equality_ignores_trailing_zeros() -> None:
    # The one documented difference from packaging, which compares strings.
    assert R("===1.0").contains(V("1.0.0"))
    assert not SpecifierSet("===1.0").contains(V("1.0.0"), prereleases=True)


@pytest.mark.parametrize(
    ("spec", "display"),
    [
        (">=1.0,<2.0", ">=1.0, <2.0"),
        ("==1.2.3", "==1.2.3"),
        ("!=1.5", "!=1.5"),
        ("", "*"),
        (">=2,<1", "<empty>"),
        ("==1.2.*", "==1.2.*"),
        ("!=1.2.*,>=1", ">=1, !=1.2.*"),
        ("~=1.4.5", ">=1.4.5, <1.5"),
        ("<=1.0", "<=1.0"),
        (">1.0", ">1.0"),
        (">1.0a1", ">1.0a1"),
        (">1.0.post1", ">1.0.post1"),
        ("<1.0rc1", "<1.0rc1"),
        ("==2.7.0+cpu", "==2.7.0+cpu"),
        ("!=2.7.0+cpu", "!=2.7.0+cpu"),
        ("===1.0", "===1.0"),
        (">=1.0,<=1.0", "==1.0"),
        ("<2,>=1,!=1.5,!=1.7.*", ">=1, !=1.5, !=1.7.*, <2"),
    ],
)
def test_display(spec: str, display: str) -> None:
    r = R(spec)
    assert str(r) == display
    assert repr(r) == f"Range({display!r})"


def test_display_of_complements_reads_like_uv() -> None:
    assert str(R(">=1.0").complement()) == "<1.0"
    assert str(R("<2.0").complement()) == ">=2.0"
    assert str(R(">=1,<2") | R(">=3")) == ">=1, <2 | >=3"


@pytest.mark.parametrize(
    "spec",
    [">=1.0,<2.0", "!=1.5", "==1.2.*", "<=1.0", ">1.0", ">1.0a1", "==2.7.0+cpu", "!=2.7.0+cpu", "===1.0", ""],
)
def test_to_specifiers_round_trips(spec: str) -> None:
    r = R(spec)
    back = r.to_specifiers()
    assert back is not None
    assert Range.from_specifiers(back) == r


def test_to_specifiers_of_complements_is_exact() -> None:
    r = R(">=1.0").complement()  # holds 1.0rc1, which "<1.0" would not
    spec = r.to_specifiers()
    assert spec is not None
    assert spec.contains(V("1.0rc1"), prereleases=True)
    assert Range.from_specifiers(spec) == r


def test_to_specifiers_none_when_no_spelling() -> None:
    assert Range.empty().to_specifiers() is None
    # >=1.0 without exactly 1.0 but with 1.0+local: PEP 440 has no such specifier
    assert (R(">=1.0") - Range.singleton(V("1.0"))).to_specifiers() is None
    assert (R(">=1,<2") | R(">=3")).to_specifiers() is None


def test_constructors() -> None:
    assert Range.empty().is_empty() and not Range.empty().is_full()
    assert Range.full().is_full() and not Range.full().is_empty()
    assert Range.full() == R("") == R(">=0.dev0")
    one = Range.singleton(V("1.0"))
    assert one.contains(V("1.0")) and one.contains(V("1.0.0"))
    assert not one.contains(V("1.0+cpu"))
    assert one.as_singleton() == V("1.0")
    assert Range.singleton(V("0.dev0")).as_singleton() == V("0.dev0")
    assert R("==1.0").as_singleton() is None  # also holds 1.0+anything
    assert R("==1.0+cpu").as_singleton() == V("1.0+cpu")
    low = Range.lower_than(V("2.0"))
    assert low.contains(V("2.0rc1")) and not low.contains(V("2.0"))
    high = Range.at_least(V("2.0"))
    assert high == low.complement() and high == R(">=2.0")
    assert Range.at_most(V("2.0")).contains(V("2.0")) and not Range.at_most(V("2.0")).contains(V("2.0+x"))
    assert Range.higher_than(V("2.0")).contains(V("2.0+x")) and Range.higher_than(V("2.0")).contains(V("2.0.post1"))
    assert Range.lower_than(V("0.dev0")).is_empty()
    with pytest.raises(TypeError):
        Range()


def test_from_specifier_set_object() -> None:
    assert R(SpecifierSet(">=1.0,<2")) == R(">=1.0,<2")


def test_canonical_equality_across_spellings() -> None:
    assert R(">1.0a1") == R(">=1.0a2.dev0")
    assert R("<=1.0") == R("<1.0.post0.dev0") == R("<=1.0.0")
    assert R(">1.0.dev1") == R(">=1.0.dev2")
    assert R("!=1.0") == Range.lower_than(V("1.0")) | R(">=1.0.post0.dev0")
    pieces = R("<1.0") | R(">=1.0.dev0,<1.0rc1") | R(">=1.0rc1,<=1.0,!=1.0")
    assert pieces == Range.lower_than(V("1.0"))
    assert R("!=1.0") == pieces | R(">1.0") | R(">=1.0.post0.dev0,<=1.0.post0") | R(">1.0.post0")
    assert R("!=1.0") != pieces | R(">1.0") | R(">=1.0.post0.dev0,<=1.0.post0") | R("==1.0.post1")
    assert R("==1.*") == R(">=1.dev0,<2.dev0")
    assert R("~=2.2") == R(">=2.2,<3")
    assert hash(R(">1.0a1")) == hash(R(">=1.0a2.dev0"))
    assert R(">=1.0") != R(">1.0")


def test_algebra() -> None:
    a, b = R(">=1,<3"), R(">=2,<4")
    assert a & b == R(">=2,<3")
    assert a | b == R(">=1,<4")
    assert a - b == R(">=1") & Range.lower_than(V("2"))  # keeps 2.0's pre-releases, unlike "<2"
    assert a - b != R(">=1,<2")
    assert ~a == Range.lower_than(V("1")) | R(">=3.dev0")
    assert (~a).complement() == a
    assert R(">=1,<2").is_subset(R(">=1"))
    assert not R(">=1").is_subset(R(">=1,<2"))
    assert Range.empty().is_subset(R("==5"))
    assert R("<1").is_disjoint(R(">=1"))
    assert not R("<=1").is_disjoint(R(">=1"))
    assert R("==1.0").is_disjoint(R("!=1.0"))
    assert not R("==1.0").is_disjoint(R("!=1.0+cpu"))
    assert R("==2.7.0+cpu").is_subset(R("==2.7.0"))
    assert not R("==2.7.0").is_subset(R("==2.7.0+cpu"))
    assert R("").intersection(a) is a and a.intersection(R("")) is a


def test_intervals() -> None:
    assert R(">=1.0,<2.0").intervals() == ((V("1.0"), True, V("2.0.dev0"), False),)
    assert R("").intervals() == ((None, False, None, False),)
    assert Range.empty().intervals() == ()
    assert R("!=1.5").intervals() == (
        (None, False, V("1.5"), False),
        (V("1.5.post0.dev0"), True, None, False),
    )
    assert R("==1.0+cpu").intervals() == ((V("1.0+cpu"), True, V("1.0+cpu"), True),)
    assert R(">1.0").intervals() == ((V("1.0"), False, None, False),)  # documented approximation
    assert list(R("<3")) == list(R("<3").intervals())


def test_hashable_immutable_picklable() -> None:
    r = R(">=1.0,!=1.5")
    assert {r: 1}[R("!=1.5,>=1.0")] == 1
    with pytest.raises(AttributeError):
        r.foo = 1  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(r)) == r
    for spec in (">1.0", "<1", "==0.dev0"):  # sentinels and special cuts survive a round trip
        back = pickle.loads(pickle.dumps(R(spec)))
        assert back == R(spec) and str(back) == str(R(spec)) and back.intervals() == R(spec).intervals()
    assert pickle.loads(pickle.dumps(Range.singleton(V("0.dev0")))).as_singleton() == V("0.dev0")
