"""The loop of ``solve``, one step at a time over a ``State``, for tests that fork states."""

from __future__ import annotations

from typing import Any

from prong.pubgrub import DefaultFormatter, DefaultReport, NoSolution, State, Unavailable
from tests.unit.pubgrub.intset import IntSet, OfflineProvider

FORMATTER = DefaultFormatter(root="root", package_versions=lambda p, vs: f"{p}{vs}")


class Run:
    """One solve in progress; ``result`` ends as the solution or the failure's report."""

    def __init__(self, state: State[str, IntSet], provider: OfflineProvider, package: str = "root") -> None:
        self.state = state
        self.provider = provider
        self.package = package
        self.result: Any = None
        self.steps = 0

    @classmethod
    def start(cls, provider: OfflineProvider, root: str = "root", version: int = 0) -> Run:
        return cls(State(root, version, IntSet), provider, root)

    def copy(self) -> Run:
        # A finished run stays finished: after NoSolution the state is left mid-backtrack and
        # must not be continued.
        new = Run(self.state.copy(), self.provider, self.package)
        new.result = self.result
        return new

    def step(self) -> bool:
        """Advance; False once finished."""
        if self.result is not None:
            return False
        self.steps += 1
        state, provider = self.state, self.provider
        ps = state.partial_solution
        try:
            state.unit_propagation(self.package)
        except NoSolution as error:
            self.result = DefaultReport().report(error.tree, FORMATTER)
            return False
        picked = ps.pick_highest_priority(provider.prioritize)
        if picked is None:
            self.result = ps.extract_solution()
            return False
        self.package = picked
        term = ps.term(picked)
        assert term is not None
        version = provider.choose_version(picked, term.versions)
        if version is None:
            state.add_no_versions(picked)
        else:
            deps = provider.get_dependencies(picked, version)
            if isinstance(deps, Unavailable):
                state.add_unavailable(picked, version, deps.reason)
            else:
                state.add_version(picked, version, deps.dependencies)
        return True


def run_to_end(run: Run) -> Any:
    while run.step():
        pass
    return run.result


def forbid(run: Run, package: str, version: int) -> None:
    """Make ``run`` diverge: ``package`` at ``version`` is unusable from now on (as in a fork)."""
    if run.result is not None:
        return
    try:
        run.state.unit_propagation(run.package)  # what the next step would do first
    except NoSolution as error:
        run.result = DefaultReport().report(error.tree, FORMATTER)
        return
    run.state.add_unavailable(package, version, "forbidden in this fork")
    run.package = package
