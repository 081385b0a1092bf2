"""Properties of the generic PubGrub solver on random small registries.

Every solution found satisfies every constraint; every failure is confirmed by a brute-force
search over all assignments; a state copied mid-solve continues exactly like the original.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from prong.pubgrub import (
    DefaultReport,
    Derived,
    FromDependencyOf,
    Incompatibility,
    NoSolution,
    NotRoot,
    NoVersions,
    Term,
    UnavailableVersions,
    collapse_no_versions,
    solve,
)
from prong.pubgrub.term import CONTRADICTED, INCONCLUSIVE, SATISFIED
from tests.unit.pubgrub.driver import FORMATTER, Run, forbid, run_to_end
from tests.unit.pubgrub.intset import IntSet, OfflineProvider

LO, HI = -1, 7  # the universe of versions the version-set properties look at
UNIVERSE = [None, *range(LO, HI)]  # None: not selected

# --- version sets and terms -------------------------------------------------------------------

bounds = st.integers(min_value=0, max_value=6)


@st.composite
def intsets(draw: st.DrawFn) -> IntSet:
    out = IntSet.empty()
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        lo = draw(st.one_of(st.just(float("-inf")), bounds))
        hi = draw(st.one_of(st.just(float("inf")), bounds))
        out = out.union(IntSet.between(lo, hi))
    return out


def members(s: IntSet) -> frozenset[int]:
    return frozenset(v for v in range(LO, HI) if s.contains(v))


def holds(t: Term[IntSet], x: int | None) -> bool:
    return x is not None and t.versions.contains(x) if t.positive else x is None or not t.versions.contains(x)


def models(t: Term[IntSet]) -> frozenset[int | None]:
    return frozenset(x for x in UNIVERSE if holds(t, x))


terms = st.builds(Term, st.booleans(), intsets())


@given(intsets(), intsets())
def test_intset_is_a_set_algebra(a: IntSet, b: IntSet) -> None:
    assert members(a.intersection(b)) == members(a) & members(b)
    assert members(a.union(b)) == members(a) | members(b)
    assert members(a.complement()) == frozenset(range(LO, HI)) - members(a)
    assert a.is_subset(b) == (members(a) <= members(b))
    assert a.is_disjoint(b) == (not members(a) & members(b))
    assert (a.union(b) == b.union(a)) and hash(a.union(b)) == hash(b.union(a))


@given(terms, terms)
def test_term_operations_match_their_models(t: Term[IntSet], u: Term[IntSet]) -> None:
    assert models(t.negate()) == frozenset(UNIVERSE) - models(t)
    assert models(t.intersection(u)) == models(t) & models(u)
    assert models(t.union(u)) == models(t) | models(u)
    assert t.is_subset(u) == (models(t) <= models(u))
    assert t.is_disjoint(u) == (not models(t) & models(u))
    expected = SATISFIED if models(u) <= models(t) else CONTRADICTED if not models(u) & models(t) else INCONCLUSIVE
    if models(u):  # an empty assignment set both satisfies and contradicts; never in a solver
        assert t.relation(u) == expected


# --- registries -------------------------------------------------------------------------------


@dataclass
class Registry:
    provider: OfflineProvider
    names: list[str]


def _ranges() -> list[IntSet]:
    """Dependency ranges, simplest first (Hypothesis shrinks towards the start)."""
    ends = [float("-inf"), *range(0, 7), float("inf")]
    intervals = [IntSet.between(lo, hi) for lo in ends for hi in ends if lo < hi]
    unions = [IntSet.singleton(a).union(IntSet.higher_than(b)) for a in range(0, 3) for b in range(a + 2, 6)]
    out = [IntSet.full(), *sorted(intervals, key=lambda s: (len(members(s)) < 7, -len(members(s)))), IntSet.empty()]
    return out + unions


RANGES = _ranges()
ranges = st.sampled_from(RANGES)


@st.composite
def registries(draw: st.DrawFn) -> Registry:
    n = draw(st.integers(min_value=1, max_value=5))
    names = ["root"] + [f"p{i}" for i in range(n)]
    others = names[1:] + ["root"]  # a dependency on the root package is allowed, if rare
    provider = OfflineProvider()

    def dependencies(most: int) -> dict[str, IntSet]:
        mask = draw(st.integers(0, 2 ** len(others) - 1))
        chosen = [d for i, d in enumerate(others) if mask >> i & 1][:most]
        return {d: draw(ranges) for d in chosen}

    for name in names:
        if name == "root":
            versions = [0]
        else:
            mask = draw(st.integers(0, 31))
            versions = [v for v in range(5) if mask >> v & 1]
        # Neighbouring versions often share dependencies (so that the solver merges them).
        shared = dependencies(2)
        for version in versions:
            # 0: shared dependencies, 1: others, 2: others and unusable
            kind = draw(st.integers(0, 9))
            provider.add(name, version, dict(shared) if kind < 5 else dependencies(3))
            if name != "root" and kind == 9:
                provider.unavailable[(name, version)] = "it is broken"
    return Registry(provider, names)


def usable(provider: OfflineProvider, name: str) -> list[int]:
    return [v for v in provider.registry.get(name, {}) if (name, v) not in provider.unavailable]


def satisfies(provider: OfflineProvider, solution: dict[str, int]) -> bool:
    """Every selected version exists, is usable, and has its dependencies met."""
    for name, version in solution.items():
        if version not in usable(provider, name):
            return False
        for dep, versions in provider.registry[name][version].items():
            if dep not in solution or not versions.contains(solution[dep]):
                return False
    return True


def brute_force(provider: OfflineProvider, names: list[str]) -> dict[str, int] | None:
    """A solution found by trying every assignment (pruned by constraints already violated)."""
    choices = {n: [None, *usable(provider, n)] for n in names}
    choices["root"] = [0] if 0 in usable(provider, "root") else []
    chosen: dict[str, int | None] = {}

    def consistent(name: str) -> bool:
        version = chosen[name]
        if version is not None:
            for dep, versions in provider.registry[name][version].items():
                if dep in chosen and (chosen[dep] is None or not versions.contains(chosen[dep])):
                    return False
        for other, v in chosen.items():
            if v is not None and other != name:
                versions = provider.registry[other][v].get(name)
                if versions is not None and (version is None or not versions.contains(version)):
                    return False
        return True

    def search(i: int) -> bool:
        if i == len(names):
            return True
        name = names[i]
        for version in choices[name]:
            chosen[name] = version
            if consistent(name) and search(i + 1):
                return True
            del chosen[name]
        return False

    if not search(0):
        return None
    return {n: v for n, v in chosen.items() if v is not None}


@given(registries())
def test_solutions_are_valid_and_failures_are_real(registry: Registry) -> None:
    provider = registry.provider
    try:
        solution = solve(provider, "root", 0)
    except NoSolution as error:
        assert brute_force(provider, registry.names) is None
        # The explanation is a proof: true facts, each derived one following from its causes.
        for leaf in leaves(error.tree):
            assert is_true(provider, leaf), leaf
        for node in derived_nodes(error.tree):
            assert follows(node.terms, terms_of(node.cause1), terms_of(node.cause2)), node
        # The explanation can be written, raw and collapsed, and ends with the failure.
        for tree in (error.tree, collapse_no_versions(error.tree)):
            assert DefaultReport().report(tree, FORMATTER).endswith("version solving failed.")
    else:
        assert solution["root"] == 0
        assert satisfies(provider, solution)
    # Dependencies are asked for once per version at most.
    assert len(provider.calls) == len(set(provider.calls))


def leaves(tree: object) -> list[object]:
    out, stack = [], [tree]
    while stack:
        t = stack.pop()
        if isinstance(t, Derived):
            stack += [t.cause1, t.cause2]
        else:
            out.append(t)
    return out


def derived_nodes(tree: object) -> list[Derived[str, IntSet]]:
    out, stack = [], [tree]
    while stack:
        t = stack.pop()
        if isinstance(t, Derived):
            out.append(t)
            stack += [t.cause1, t.cause2]
    return out


def terms_of(tree: object) -> Mapping[str, Term[IntSet]]:
    """The terms of the incompatibility a tree node stands for."""
    if isinstance(tree, Derived):
        return tree.terms
    if isinstance(tree, NotRoot):
        return {tree.package: Term(False, IntSet.singleton(tree.version))}
    if isinstance(tree, (NoVersions, UnavailableVersions)):
        return {tree.package: Term(True, tree.versions)}
    assert isinstance(tree, FromDependencyOf)
    return Incompatibility.from_dependency(tree.package, tree.versions, tree.dependency, tree.dependency_versions).terms


def follows(
    derived: Mapping[str, Term[IntSet]], c1: Mapping[str, Term[IntSet]], c2: Mapping[str, Term[IntSet]]
) -> bool:
    """Whether every assignment satisfying all of ``derived`` satisfies all of ``c1`` or all of ``c2``.

    Per package, over UNIVERSE: a counter-example picks, for c1 and for c2, a package whose
    term it violates (possibly the same package for both) while satisfying all of ``derived``.
    """
    everything = frozenset(UNIVERSE)
    packages = set(derived) | set(c1) | set(c2)
    d = {p: models(derived[p]) if p in derived else everything for p in packages}
    if not all(d.values()):
        return True  # ``derived`` can never be satisfied
    m1 = {p: models(c1[p]) if p in c1 else everything for p in packages}
    m2 = {p: models(c2[p]) if p in c2 else everything for p in packages}
    for q1 in packages:
        for q2 in packages:
            if q1 == q2:
                if d[q1] - m1[q1] - m2[q1]:
                    return False
            elif d[q1] - m1[q1] and d[q2] - m2[q2]:
                return False
    return True


def is_true(provider: OfflineProvider, fact: object) -> bool:
    """Whether an external fact of an explanation holds in the registry."""
    versions = provider.registry.get(getattr(fact, "package", ""), {})
    if isinstance(fact, NoVersions):
        return not any(fact.versions.contains(v) for v in versions)
    if isinstance(fact, UnavailableVersions):
        return all(
            provider.unavailable.get((fact.package, v)) == fact.reason
            for v in range(LO, HI)
            if fact.versions.contains(v)
        )
    if isinstance(fact, FromDependencyOf):
        covered = [v for v in range(LO, HI) if fact.versions.contains(v)]
        return bool(covered) and all(
            v in versions and versions[v].get(fact.dependency) == fact.dependency_versions for v in covered
        )
    return isinstance(fact, NotRoot) and fact.package == "root"


# --- copying a state ----------------------------------------------------------------------------


@given(registries(), st.integers(min_value=0, max_value=30), st.integers(0, 2**32))
def test_a_copied_state_continues_like_the_original(registry: Registry, fork_at: int, seed: int) -> None:
    provider = registry.provider
    rng = random.Random(seed)
    reference = run_to_end(Run.start(provider))
    run = Run.start(provider)
    for _ in range(fork_at):
        if not run.step():
            break
    fork = run.copy()
    # A third copy diverges first, runs to its end, and must be right about its own problem.
    divergent = run.copy()
    if divergent.result is None:
        package = rng.choice(registry.names)
        versions = sorted(provider.registry.get(package, {}))
        if versions:
            version = rng.choice(versions)
            forbid(divergent, package, version)
            result = run_to_end(divergent)
            changed = OfflineProvider(provider.registry, {**provider.unavailable, (package, version): "forbidden"})
            if isinstance(result, dict):
                assert satisfies(changed, result)
            else:
                assert brute_force(changed, registry.names) is None
    # Then the other two, interleaved in a random order: shared mutable state would show.
    while run.result is None or fork.result is None:
        (run if rng.random() < 0.5 else fork).step()
    assert run.result == reference
    assert fork.result == reference
