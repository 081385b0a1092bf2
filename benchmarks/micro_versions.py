"""Micro-benchmark of PEP 440 versions and ranges (issue 2, item 7).

``run()`` returns ``[(name, ops_per_second), ...]``; run as a script it prints them. With
``--compare`` it also times packaging's ``VersionRange`` on the same work (the measurement behind
docs/decisions.md). Input: benchmarks/data/versions.txt, every version of ~50 large projects
(made by benchmarks/data/fetch_versions.py), cycled to 200k strings.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable
from typing import Any
from pathlib import Path

DATA = Path(__file__).with_name("data") / "versions.txt"
N_PARSE = 200_000
N_CONTAINS = 200_000
N_ALGEBRA = 50_000
N_CONVERT = 10_000

# Specifier sets of the kind requirements carry.
SPECS = [
    ">=1.0,<2.0", "!=1.5,>=1.0", "~=2.2", "==1.2.*", ">=3.8", "<3", "==2.7.0", ">=1.26,<3,!=2.0.1",
    ">=0.20,!=0.21.*", "~=1.4.5", ">=2.0.0rc1", "<=4.1", ">1.0", "==2.1.0+cpu", ">=1.7,<1.8,!=1.7.3",
]


def load_versions() -> list[str]:
    """The valid version strings of the data file (two legacy strings there do not parse)."""
    from packaging.version import InvalidVersion, Version

    texts = []
    for line in DATA.read_text(encoding="utf-8").split():
        try:
            Version(line)
        except InvalidVersion:
            continue
        texts.append(line)
    return texts


def _rate(count: int, work: Callable[[], object], repeat: int = 3) -> float:
    """Best of ``repeat`` runs, in operations per CPU second of this process.

    CPU time rather than wall time: the machine is shared, and other jobs would otherwise set
    the figure. Single-threaded work, so the two agree on an idle machine.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return count / best


def run(compare: bool = False) -> list[tuple[str, float]]:
    from packaging.specifiers import SpecifierSet

    from prong.pep440 import ranges as ranges_module
    from prong.pep440.ranges import Range
    from prong.pep440.version import parse_version

    texts = list(itertools.islice(itertools.cycle(load_versions()), N_PARSE))
    results: list[tuple[str, float]] = []

    def parse_all() -> None:
        for text in texts:
            parse_version(text)

    results.append((f"parse {N_PARSE // 1000}k versions", _rate(N_PARSE, parse_all)))

    versions = [parse_version(t) for t in texts[:N_CONTAINS]]
    for v in versions:  # comparison keys are cached on first use; a resolver reuses its versions
        hash(v)
    rngs = [Range.from_specifiers(s) for s in SPECS]
    pairs = list(zip(itertools.cycle(rngs), versions))

    def contains_all() -> None:
        for r, v in pairs:
            r.contains(v)

    results.append((f"{N_CONTAINS // 1000}k range-membership checks", _rate(len(pairs), contains_all)))

    combos = list(itertools.islice(itertools.cycle(itertools.product(rngs, rngs)), N_ALGEBRA))

    def algebra(op: Callable[[Range, Range], object]) -> Callable[[], None]:
        def work() -> None:
            for a, b in combos:
                op(a, b)

        return work

    for name, op in [
        ("intersection", Range.intersection),
        ("union", Range.union),
        ("is_subset", Range.is_subset),
        ("is_disjoint", Range.is_disjoint),
        ("complement", lambda a, b: a.complement()),
    ]:
        results.append((f"{N_ALGEBRA // 1000}k range {name}", _rate(N_ALGEBRA, algebra(op))))

    sets = [SpecifierSet(s) for s in SPECS]
    convert = list(itertools.islice(itertools.cycle(SPECS), N_CONVERT))

    def from_specifiers() -> None:
        for text in convert:
            ranges_module._clear_caches()
            Range.from_specifiers(text)

    results.append((f"{N_CONVERT // 1000}k Range.from_specifiers(text), uncached", _rate(N_CONVERT, from_specifiers)))

    if compare:
        results.extend(_packaging_figures(pairs, combos, sets, convert))
    return results


def _packaging_figures(
    pairs: list[Any], combos: list[Any], sets: list[Any], convert: list[str]
) -> list[tuple[str, float]]:
    """The same work on packaging's ``VersionRange``, with the pre-release policy set to True."""
    from packaging.specifiers import SpecifierSet

    to_vr: dict[str, Any] = {}
    for s in sets:
        to_vr[str(s)] = SpecifierSet(str(s), prereleases=True).to_range()
    by_range: dict[Any, Any] = {}
    for (r, _v), s in zip(pairs, itertools.cycle(sets)):
        by_range.setdefault(r, to_vr[str(s)])
    vr_pairs = [(by_range[r], v) for r, v in pairs]
    vr_combos = [(by_range[a], by_range[b]) for a, b in combos]
    out = []

    def contains_all() -> None:
        for r, v in vr_pairs:
            r.contains(v)

    out.append(("packaging VersionRange: membership", _rate(len(vr_pairs), contains_all)))
    for name in ("intersection", "union", "is_subset", "is_disjoint"):

        def work(name: str = name) -> None:
            for a, b in vr_combos:
                getattr(a, name)(b)

        out.append((f"packaging VersionRange: {name}", _rate(len(vr_combos), work)))

    def complement_all() -> None:
        for a, _b in vr_combos:
            a.complement()

    out.append(("packaging VersionRange: complement", _rate(len(vr_combos), complement_all)))
    texts = list(convert)

    def convert_all() -> None:
        for t in texts:
            SpecifierSet(t, prereleases=True).to_range()

    out.append(("packaging VersionRange: SpecifierSet(text).to_range()", _rate(len(texts), convert_all)))
    return out


def main(argv: list[str]) -> int:
    for name, rate in run(compare="--compare" in argv):
        print(f"{name:58s} {rate:>14,.0f} ops/s")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    raise SystemExit(main(sys.argv[1:]))
