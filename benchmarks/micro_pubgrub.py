"""Micro-benchmark of the generic PubGrub engine (issue 5, item 1).

A synthetic registry of 300 packages x 30 versions (seeded), with dependency ranges that
conflict so that the solver backtracks, solved again and again through ``prong.pubgrub.solve``
with two version-set types: the tests' integer intervals and prong's PEP 440 ``Range``. Also
``State.copy()`` of a solved state (what a fork costs) and the report of an unsolvable variant.

``run()`` returns ``[(label, operations per second), ...]``; as a script it prints them.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

N_PACKAGES = 300
N_VERSIONS = 30
SEED = 20261124


def registry(seed: int = SEED) -> dict[str, dict[int, dict[str, tuple[int, int]]]]:
    """name -> version -> dependency -> [lo, hi) over version numbers 0..29.

    Newer versions of a package ask for newer, narrower ranges of packages further down, so
    that dependents disagree and the solver must go back to older versions.
    """
    rng = random.Random(seed)
    out: dict[str, dict[int, dict[str, tuple[int, int]]]] = {}
    for i in range(N_PACKAGES):
        versions: dict[int, dict[str, tuple[int, int]]] = {}
        for v in range(N_VERSIONS):
            deps: dict[str, tuple[int, int]] = {}
            for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
                j = rng.randint(i + 1, min(i + 30, N_PACKAGES + 5))
                if j >= N_PACKAGES:
                    continue
                lo = max(0, v - rng.randint(0, 12))
                hi = min(N_VERSIONS, lo + rng.randint(2, 14))
                deps[f"p{j}"] = (lo, hi)
            versions[v] = deps
        out[f"p{i}"] = versions
    out["root"] = {0: {f"p{i}": (0, N_VERSIONS) for i in range(0, 40)}}
    return out


class Provider:
    """Offline provider: newest matching version first; fewest matching versions decided first.

    Matching versions are cached per (package, set), as a real provider would; the cache lives
    as long as the provider, so repeated solves measure the engine more than the provider.
    """

    def __init__(self, reg: dict[str, dict[int, dict[str, tuple[int, int]]]], make_set: Callable[[int, int], Any], version: Callable[[int], Any], version_set: type) -> None:
        self.version_set = version_set
        self.version = version
        self.cache: dict[tuple[str, Any], list[Any]] = {}  # (package, set) -> matching versions
        self.versions = {name: sorted((version(v) for v in vs), reverse=True) for name, vs in reg.items()}
        self.deps = {
            (name, version(v)): {d: make_set(lo, hi) for d, (lo, hi) in deps.items()}
            for name, vs in reg.items()
            for v, deps in vs.items()
        }

    def matching(self, package: str, versions: Any) -> list[Any]:
        key = (package, versions)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = [v for v in self.versions[package] if versions.contains(v)]
        return found

    def prioritize(self, package: str, versions: Any) -> int:
        return -len(self.matching(package, versions))

    def choose_version(self, package: str, versions: Any) -> Any:
        found = self.matching(package, versions)
        return found[0] if found else None

    def get_dependencies(self, package: str, version: Any) -> Any:
        from prong.pubgrub import Available

        return Available(self.deps[(package, version)])

    def should_cancel(self) -> None:
        pass


def intset_provider(reg: dict[str, Any]) -> Provider:
    from tests.unit.pubgrub.intset import IntSet

    return Provider(reg, IntSet.between, lambda v: v, IntSet)


def range_provider(reg: dict[str, Any]) -> Provider:
    from packaging.version import Version

    from prong.pep440.ranges import Range

    versions = [Version(f"1.{v}") for v in range(N_VERSIONS + 1)]

    def make(lo: int, hi: int) -> Range:
        return Range.at_least(versions[lo]).intersection(Range.lower_than(versions[hi]))

    return Provider(reg, make, lambda v: versions[v], Range)


def timed(fn: Callable[[], Any], min_time: float = 1.0, min_runs: int = 5) -> tuple[float, Any]:
    """Operations per second of ``fn``: 1 / the fastest of its runs (robust on a busy machine)."""
    result = fn()  # warm
    best = float("inf")
    runs = 0
    start = time.perf_counter()
    while runs < min_runs or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
        runs += 1
    return 1.0 / best, result


def stats(provider: Provider) -> tuple[int, int, int]:
    """(packages in the solution, conflicts resolved, incompatibilities)."""
    from prong.pubgrub import State

    state = State("root", provider.version(0), provider.version_set)
    solution = _drive(state, provider)
    incompats = {id(i) for p in state.partial_solution.packages() for i in state.incompatibilities(p)}
    return len(solution), sum(state.conflict_count.values()), len(incompats)


def _drive(state: Any, provider: Provider) -> dict[str, Any]:
    ps = state.partial_solution
    package = "root"
    while True:
        state.unit_propagation(package)
        package = ps.pick_highest_priority(provider.prioritize)
        if package is None:
            return ps.extract_solution()
        term = ps.term(package)
        version = provider.choose_version(package, term.versions)
        if version is None:
            state.add_no_versions(package)
        elif state.dependencies_added(package, version):
            ps.add_decision(package, version)
        else:
            state.add_version(package, version, provider.get_dependencies(package, version).dependencies)


def run() -> list[tuple[str, float]]:
    from prong.pubgrub import DefaultReport, NoSolution, State, collapse_no_versions, solve

    reg = registry()
    results: list[tuple[str, float]] = []
    for label, make in (("IntSet", intset_provider), ("pep440 Range", range_provider)):
        provider = make(reg)
        root = provider.version(0)
        size, conflicts, incompats = stats(provider)
        ops, _ = timed(lambda: solve(provider, "root", root))
        results.append((f"solve 300x30 ({label}; {size} pkgs, {conflicts} conflicts)", ops))
    # The cost of a fork: copying a solved state.
    provider = intset_provider(reg)
    state = State("root", 0, provider.version_set)
    _drive(state, provider)
    ops, _ = timed(state.copy, 0.5)
    results.append(("State.copy() of the solved state", ops))
    # An unsolvable variant: root needs one of the 4 newest versions of p0..p29 each.
    bad = dict(reg)
    bad["root"] = {0: {f"p{i}": (N_VERSIONS - 4, N_VERSIONS) for i in range(30)}}
    provider = intset_provider(bad)

    def fail() -> str:
        try:
            solve(provider, "root", 0)
        except NoSolution as error:
            return DefaultReport().report(collapse_no_versions(error.tree), error_formatter())
        raise AssertionError("expected no solution")

    ops, text = timed(fail, 0.5)
    results.append((f"solve + report, unsolvable 300x30 ({text.count(chr(10)) + 1} lines)", ops))
    return results


def error_formatter() -> Any:
    from prong.pubgrub import DefaultFormatter

    return DefaultFormatter(root="root", package_versions=lambda p, vs: f"{p}{vs}")


if __name__ == "__main__":
    for label, ops in run():
        print(f"{label:60} {ops:12.2f}/s")
