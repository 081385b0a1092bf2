"""Range wording and simplification helpers of the report."""

from __future__ import annotations

import pytest

from prong.pep440.ranges import Range
from prong.pep440.version import parse_version as V
from prong.resolver.failure import availability_range, simplify_range, stretches


@pytest.mark.parametrize(
    ("spec", "text"),
    [
        ("==1.0.0", ["==1.0.0"]),
        (">1.2.3.post1", [">1.2.3.post1"]),
        (">=2,<3", [">=2,<3"]),
        ("!=2.0.0", ["<2.0.0", ">2.0.0"]),
        ("<1.0", ["<1.0"]),
        (">=1.0a1", [">=1.0a1"]),
        ("==1.2.3.post0", ["==1.2.3.post0"]),
        ("<=1.0.0", ["<=1.0.0"]),
        (">=2.0.0", [">=2.0.0"]),
    ],
)
def test_stretches(spec: str, text: list[str]) -> None:
    assert stretches(Range.from_specifiers(spec)) == text


def test_true_singleton() -> None:
    assert stretches(Range.singleton(V("1.0.0"))) == ["==1.0.0"]


VERSIONS = [V(v) for v in ("1.0.0", "2.0.0", "3.0.0")]


def test_simplify_opens_the_ends_and_fills_gaps() -> None:
    one = Range.singleton(V("1.0.0"))
    assert str(simplify_range(one, VERSIONS)) == "<=1.0.0"
    last = Range.singleton(V("3.0.0"))
    assert stretches(simplify_range(last, VERSIONS)) == [">=3.0.0"]
    both = Range.singleton(V("1.0.0")).union(Range.singleton(V("2.0.0")))
    assert stretches(simplify_range(both, VERSIONS)) == ["<=2.0.0"]
    assert simplify_range(Range.full(), VERSIONS).is_full()
    # the same available versions, before and after
    for rng in (one, last, both, Range.from_specifiers("!=2.0.0")):
        simple = simplify_range(rng, VERSIONS)
        assert [rng.contains(v) for v in VERSIONS] == [simple.contains(v) for v in VERSIONS]


@pytest.mark.parametrize(
    ("missing", "versions", "expected"),
    [
        (">1.2.3", ["1.2.3.post1"], ["==1.2.3.post1"]),
        ("<2.0.0", ["2.0.0", "3.0.0", "4.0.0"], [">=2.0.0"]),
        (">1.2.3.post2", ["1.2.3", "1.2.3.post0", "1.2.3.post1"], ["<=1.2.3.post1"]),
        ("!=1.0.0", ["0.1.0", "1.0.0"], ["==1.0.0"]),
    ],
)
def test_availability(missing: str, versions: list[str], expected: list[str]) -> None:
    complement = Range.from_specifiers(missing).complement()
    assert availability_range(complement, [V(v) for v in versions]) == expected
