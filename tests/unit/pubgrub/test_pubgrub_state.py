"""The solver's state and loop: merging, unavailability, errors, forks, priorities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from prong.errors import ProngError
from prong.pubgrub import (
    DefaultFormatter,
    DefaultReport,
    Derived,
    FromDependencyOf,
    Incompatibility,
    NoSolution,
    State,
    UnavailableVersions,
    collapse_no_versions,
    externals,
    solve,
)
from tests.unit.pubgrub.intset import IntSet, OfflineProvider

I = IntSet
FMT = DefaultFormatter(root="root", package_versions=lambda p, vs: f"{p}{vs}")


def provider(registry: Mapping[str, Mapping[int, Mapping[str, IntSet]]]) -> OfflineProvider:
    p = OfflineProvider()
    for name, versions in registry.items():
        for version, deps in versions.items():
            p.add(name, version, deps)
    return p


@dataclass
class Ranked(OfflineProvider):
    """Decides packages in the order of ``rank`` (highest first)."""

    rank: dict[str, int] = field(default_factory=dict)

    def prioritize(self, package: str, versions: IntSet) -> tuple[int, int]:
        return (self.rank.get(package, 0), 0)


def test_a_version_rejected_early_comes_back_with_its_own_dependencies() -> None:
    # p 2 is tried while a 2 holds d to 1, so it is rejected; p 1 cannot work (no e), which
    # rejects a 2; then p 2 must be used again, with its own dependency on d 2. Merging p 2's and
    # p 1's dependencies on d (different ranges) would wrongly give p 2 a dependency on d 1.
    ranked = Ranked(rank={"a": 3, "p": 2})
    for name, versions in {
        "root": {0: {"a": I.full(), "p": I.full()}},
        "a": {2: {"d": I.singleton(1)}, 1: {}},
        "p": {2: {"d": I.singleton(2)}, 1: {"d": I.singleton(1), "e": I.singleton(1)}},
        "d": {1: {}, 2: {}},
    }.items():
        for version, deps in versions.items():
            ranked.add(name, version, deps)
    assert solve(ranked, "root", 0) == {"root": 0, "a": 1, "p": 2, "d": 2}
    assert ("get_dependencies", "p", 2) in ranked.calls and ("get_dependencies", "a", 2) in ranked.calls


def test_dependencies_shared_by_versions_are_merged() -> None:
    p = provider({"root": {0: {"foo": I.full()}}, "foo": {1: {"bar": I.singleton(1)}, 2: {"bar": I.singleton(1)}, 3: {"bar": I.singleton(1)}}})
    with pytest.raises(NoSolution) as info:
        solve(p, "root", 0)
    # foo 3, 2 and 1 each depend on bar 1: one fact about foo 1..3, not three.
    assert DefaultReport().report(collapse_no_versions(info.value.tree), FMT) == (
        "Because there are no versions of bar==1 and foo>=1,<4 depends on bar==1, "
        "we can conclude that foo>=1,<4 cannot be used.\n"
        "And because root depends on foo, we can conclude that version solving failed."
    )
    state: State[str, IntSet] = State("root", 0, I)
    for v in (3, 2, 1):
        state.add_dependencies("foo", v, {"bar": I.singleton(1)})
    (only,) = [i for i in state.incompatibilities("foo")]
    assert only.terms["foo"].versions == I.between(1, 4)
    assert only.cause == FromDependencyOf("foo", I.between(1, 4), "bar", I.singleton(1))
    state.add_dependencies("foo", 4, {"bar": I.singleton(2)})
    assert len(state.incompatibilities("foo")) == 2


def test_unavailable_versions_are_skipped_and_explained() -> None:
    p = provider({"root": {0: {"foo": I.full()}}, "foo": {1: {}, 2: {}}})
    p.unavailable[("foo", 2)] = "it needs a newer compiler"
    assert solve(p, "root", 0) == {"root": 0, "foo": 1}
    p.unavailable[("foo", 1)] = "its metadata is broken"
    with pytest.raises(NoSolution) as info:
        solve(p, "root", 0)
    leaves = externals(info.value.tree)
    assert leaves == _leaves(info.value.tree)
    assert UnavailableVersions("foo", I.singleton(2), "it needs a newer compiler") in leaves
    assert UnavailableVersions("foo", I.singleton(1), "its metadata is broken") in leaves
    assert DefaultReport().report(collapse_no_versions(info.value.tree), FMT) == (
        "Because there are no versions of foo<1 | >=3 and foo==1 is unavailable because its metadata is broken, "
        "we can conclude that foo!=2 cannot be used.\n"
        "And because foo==2 is unavailable because it needs a newer compiler and root depends on foo, "
        "we can conclude that version solving failed."
    )


def _leaves(tree: object) -> list[object]:
    if isinstance(tree, Derived):
        return _leaves(tree.cause1) + _leaves(tree.cause2)
    return [tree]


def test_an_unavailable_root_is_a_one_line_failure() -> None:
    p = provider({"root": {0: {}}})
    p.unavailable[("root", 0)] = "it is broken"
    with pytest.raises(NoSolution) as info:
        solve(p, "root", 0)
    assert info.value.tree == UnavailableVersions("root", I.singleton(0), "it is broken")
    assert DefaultReport().report(info.value.tree, FMT) == (
        "Because root is unavailable because it is broken, we can conclude that version solving failed."
    )


def test_no_solution_is_a_prong_error() -> None:
    p = provider({"root": {0: {"missing": I.full()}}})
    with pytest.raises(ProngError) as info:
        solve(p, "root", 0)
    assert isinstance(info.value, NoSolution)
    assert str(info.value) == (
        "Because there are no versions of missing and root depends on missing, "
        "we can conclude that version solving failed."
    )


def test_root_without_dependencies() -> None:
    assert solve(provider({"root": {0: {}}}), "root", 0) == {"root": 0}


def test_dependency_on_an_empty_set_rules_the_version_out() -> None:
    p = provider({"root": {0: {"foo": I.full()}}, "foo": {1: {}, 2: {"bar": I.empty()}}})
    assert solve(p, "root", 0) == {"root": 0, "foo": 1}


def test_self_dependencies() -> None:
    # foo 2 depends on foo 2 (always met); foo 3 on foo 1 (never met).
    p = provider({"root": {0: {"foo": I.full()}}, "foo": {2: {"foo": I.singleton(2)}, 3: {"foo": I.singleton(1)}}})
    assert solve(p, "root", 0) == {"root": 0, "foo": 2}


def test_provider_errors_propagate() -> None:
    class Broken(OfflineProvider):
        def get_dependencies(self, package: str, version: int):  # type: ignore[no-untyped-def]
            if package == "foo":
                raise OSError("network down")
            return super().get_dependencies(package, version)

    p = Broken()
    p.add("root", 0, {"foo": I.full()})
    p.add("foo", 1)
    with pytest.raises(OSError, match="network down"):
        solve(p, "root", 0)


def test_should_cancel_aborts() -> None:
    class Cancelled(Exception):
        pass

    class Impatient(OfflineProvider):
        steps = 0

        def should_cancel(self) -> None:
            self.steps += 1
            if self.steps > 2:
                raise Cancelled

    p = Impatient()
    p.add("root", 0, {"a": I.full()})
    p.add("a", 1, {"b": I.full()})
    p.add("b", 1, {"c": I.full()})
    p.add("c", 1)
    with pytest.raises(Cancelled):
        solve(p, "root", 0)
    assert p.steps == 3


def test_a_version_outside_the_range_is_a_provider_bug() -> None:
    class Sloppy(OfflineProvider):
        def choose_version(self, package: str, versions: IntSet) -> int | None:
            return 99

    p = Sloppy()
    p.add("root", 0, {"a": I.between(1, 3)})
    with pytest.raises(ValueError, match="outside"):
        solve(p, "root", 0)


def test_solve_needs_a_version_set_class() -> None:
    class Plain:
        pass

    with pytest.raises(TypeError, match="version_set"):
        solve(Plain(), "root", 0)  # type: ignore[arg-type]
    p = provider({"root": {0: {}}})
    assert solve(p, "root", 0, version_set=IntSet) == {"root": 0}


def test_priorities_decide_the_order_and_the_outcome() -> None:
    # a 2 and b 2 exclude each other; whichever is decided first keeps its newest version.
    registry = {
        "root": {0: {"a": I.full(), "b": I.full()}},
        "a": {1: {}, 2: {"b": I.lower_than(2)}},
        "b": {1: {}, 2: {"a": I.lower_than(2)}},
    }
    first_a = Ranked(rank={"a": 1})
    first_b = Ranked(rank={"b": 1})
    for p in (first_a, first_b):
        for name, versions in registry.items():
            for version, deps in versions.items():
                p.add(name, version, deps)
    assert solve(first_a, "root", 0) == {"root": 0, "a": 2, "b": 1}
    assert solve(first_b, "root", 0) == {"root": 0, "b": 2, "a": 1}


def test_state_copies_are_independent() -> None:
    p = provider({"root": {0: {"a": I.full()}}, "a": {1: {}, 2: {}}})
    state: State[str, IntSet] = State("root", 0, I)
    state.unit_propagation("root")
    ps = state.partial_solution
    assert ps.pick_highest_priority(p.prioritize) == "root"
    state.add_version("root", 0, {"a": I.full()})
    state.unit_propagation("root")
    fork = state.copy()
    # Each fork pins a differently, as a resolver splitting on markers would.
    state.add_version("a", 2, {})
    fork.add_incompatibility(Incompatibility.unavailable("a", I.singleton(2), "excluded in this fork"))
    fork.unit_propagation("a")
    fork.add_version("a", 1, {})
    assert state.partial_solution.extract_solution() == {"root": 0, "a": 2}
    assert fork.partial_solution.extract_solution() == {"root": 0, "a": 1}
    assert len(fork.incompatibilities("a")) == len(state.incompatibilities("a")) + 1
    assert state.term("a") == state.partial_solution.term("a")
    assert state.term("a") is not None and state.term("a").versions == I.singleton(2)  # type: ignore[union-attr]


def test_unit_propagation_reports_conflicts() -> None:
    # foo 2 needs bar 2, which root forbids: choosing foo 2 first leads to a conflict on foo.
    p = Ranked(rank={"foo": 2})
    for name, versions in {
        "root": {0: {"foo": I.full(), "bar": I.lower_than(2)}},
        "foo": {1: {}, 2: {"bar": I.singleton(2)}},
        "bar": {1: {}, 2: {}},
    }.items():
        for version, deps in versions.items():
            p.add(name, version, deps)
    state: State[str, IntSet] = State("root", 0, I)
    conflicts = []
    package = "root"
    while True:
        conflicts += state.unit_propagation(package)
        picked = state.partial_solution.pick_highest_priority(p.prioritize)
        if picked is None:
            break
        package = picked
        term = state.term(package)
        assert term is not None
        version = p.choose_version(package, term.versions)
        assert version is not None
        state.add_version(package, version, p.registry[package][version])
    assert state.partial_solution.extract_solution() == {"root": 0, "foo": 1, "bar": 1}
    assert conflicts == [] or all(pkg in {"foo", "bar", "root"} for pkg, _ in conflicts)


def test_deep_failures_are_reported_without_recursion_errors() -> None:
    # A chain p0 -> p1 -> ... -> p1499 whose end is missing: the tree is ~3000 levels deep.
    n = 1500
    p = OfflineProvider()
    p.add("root", 0, {"p0": I.full()})
    for i in range(n - 1):
        p.add(f"p{i}", 1, {f"p{i + 1}": I.full()})
    with pytest.raises(NoSolution) as info:
        solve(p, "root", 0)
    import sys

    limit = sys.getrecursionlimit()
    text = DefaultReport().report(collapse_no_versions(info.value.tree), FMT)
    assert sys.getrecursionlimit() == limit
    assert text.count("\n") >= n // 2 - 1
    assert text.endswith("we can conclude that version solving failed.")


@pytest.mark.parametrize("name", ["AVOIDING_CONFLICT", "CONFLICT_RESOLUTION", "PARTIAL_SATISFIER", "BRANCHING_ERROR"])
def test_forks_at_every_step_are_independent(name: str) -> None:
    from tests.unit.pubgrub import scenarios
    from tests.unit.pubgrub.driver import Run, forbid, run_to_end

    provider = scenarios.registry(getattr(scenarios, name))
    root = scenarios.v("1.0.0")
    reference = run_to_end(Run.start(provider, "root", root))
    total = Run.start(provider, "root", root)
    run_to_end(total)
    packages = sorted(provider.registry)
    for fork_at in range(total.steps):
        for forbidden in packages:
            run = Run.start(provider, "root", root)
            for _ in range(fork_at):
                run.step()
            fork = run.copy()
            divergent = run.copy()
            # The divergent copy runs first and to its end, changing whatever it shares.
            forbid(divergent, forbidden, max(provider.registry[forbidden]))
            run_to_end(divergent)
            assert run_to_end(fork) == reference
            assert run_to_end(run) == reference


def test_no_solution_survives_pickling() -> None:
    import pickle

    p = provider({"root": {0: {"foo": I.singleton(1)}}, "foo": {2: {}}})
    with pytest.raises(NoSolution) as info:
        solve(p, "root", 0)
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value) == (
        "Because there are no versions of foo ==1 and root depends on foo ==1, "
        "we can conclude that version solving failed."
    )
    assert copy.tree == info.value.tree and copy.root_package == "root"


def test_an_unavailable_version_is_asked_for_once_across_backjumps() -> None:
    """Found by the CI profile: p0==1 was asked for twice after a backjump."""
    from prong.pubgrub import NoSolution, solve
    from tests.unit.pubgrub.intset import IntSet, OfflineProvider

    provider = OfflineProvider(unavailable={("p0", 1): "it is broken"})
    provider.add("root", 0, {"p0": IntSet.full(), "p2": IntSet.full()})
    provider.add("p0", 0, {"p0": IntSet.full(), "p2": IntSet((0, 1))})
    provider.add("p0", 1)
    provider.add("p2", 0)
    provider.add("p2", 1)
    try:
        solve(provider, "root", 0)
    except NoSolution:
        pass
    assert len(provider.calls) == len(set(provider.calls)), provider.calls
