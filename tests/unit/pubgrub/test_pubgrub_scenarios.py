"""The examples of PubGrub's specification, with their solutions and explanations."""

from __future__ import annotations

import pytest
from tests.unit.pubgrub import scenarios as s

from prong.pubgrub import DefaultReport, NoSolution, collapse_no_versions, solve


def solved(packages: dict[str, dict[str, dict[str, str]]]) -> dict[str, str]:
    solution = solve(s.registry(packages), "root", s.v("1.0.0"))
    return {name: s.show(version) for name, version in solution.items()}


def failure(packages: dict[str, dict[str, dict[str, str]]]) -> NoSolution[str]:
    with pytest.raises(NoSolution) as info:
        solve(s.registry(packages), "root", s.v("1.0.0"))
    return info.value


def test_no_conflicts() -> None:
    assert solved(s.NO_CONFLICTS) == {"root": "1.0.0", "foo": "1.0.0", "bar": "1.0.0"}


def test_avoiding_conflict_during_decision_making() -> None:
    assert solved(s.AVOIDING_CONFLICT) == {"root": "1.0.0", "foo": "1.0.0", "bar": "1.1.0"}


def test_performing_conflict_resolution() -> None:
    assert solved(s.CONFLICT_RESOLUTION) == {"root": "1.0.0", "foo": "1.0.0"}


def test_conflict_resolution_with_a_partial_satisfier() -> None:
    assert solved(s.PARTIAL_SATISFIER) == {"root": "1.0.0", "foo": "1.0.0", "target": "2.0.0"}


def test_dependencies_are_fetched_only_for_tried_versions() -> None:
    provider = s.registry(s.AVOIDING_CONFLICT)
    solve(provider, "root", s.v("1.0.0"))
    fetched = [(p, s.show(v)) for _, p, v in provider.calls]
    # Equal priorities (two matching versions each): bar, derived last, is decided first. Then
    # foo 1.1.0's dependency on bar ^2.0.0 conflicts with bar 1.1.0, so it is never decided, and
    # bar 2.0.0 is never looked at.
    assert fetched == [("root", "1.0.0"), ("bar", "1.1.0"), ("foo", "1.1.0"), ("foo", "1.0.0")]


LINEAR_RAW = """\
Because there are no versions of bar>=2.0.1,<3.0.0 and bar==2.0.0 depends on baz>=3.0.0,<4.0.0, we can conclude that bar>=2.0.0,<3.0.0 depends on baz>=3.0.0,<4.0.0.
And because foo==1.0.0 depends on bar>=2.0.0,<3.0.0 and there are no versions of foo>=1.0.1,<2.0.0, we can conclude that foo>=1.0.0,<2.0.0 depends on baz>=3.0.0,<4.0.0.
And because root depends on foo>=1.0.0,<2.0.0 and root depends on baz>=1.0.0,<2.0.0, we can conclude that version solving failed."""

LINEAR_COLLAPSED = """\
Because bar>=2.0.0,<3.0.0 depends on baz>=3.0.0,<4.0.0 and foo==1.0.0 depends on bar>=2.0.0,<3.0.0, we can conclude that foo==1.0.0 depends on baz>=3.0.0,<4.0.0.
And because root depends on foo>=1.0.0,<2.0.0 and root depends on baz>=1.0.0,<2.0.0, we can conclude that version solving failed."""


def test_linear_error_reporting() -> None:
    error = failure(s.LINEAR_ERROR)
    assert DefaultReport().report(error.tree, s.FORMATTER) == LINEAR_RAW
    assert DefaultReport().report(collapse_no_versions(error.tree), s.FORMATTER) == LINEAR_COLLAPSED


BRANCHING_RAW = """\
Because a==1.0.0 depends on b>=2.0.0,<3.0.0 and there are no versions of a>=1.0.1,<2.0.0, we can conclude that a>=1.0.0,<2.0.0 depends on b>=2.0.0,<3.0.0.
And because foo==1.0.0 depends on a>=1.0.0,<2.0.0, we can conclude that foo==1.0.0 depends on b>=2.0.0,<3.0.0.
And because foo==1.0.0 depends on b>=1.0.0,<2.0.0 and there are no versions of foo>=1.0.1,<1.1.0 | >=1.1.1,<2.0.0, we can conclude that foo>=1.0.0,<1.1.0 | >=1.1.1,<2.0.0 cannot be used. (1)

Because x==1.0.0 depends on y>=2.0.0,<3.0.0 and there are no versions of x>=1.0.1,<2.0.0, we can conclude that x>=1.0.0,<2.0.0 depends on y>=2.0.0,<3.0.0.
And because foo==1.1.0 depends on x>=1.0.0,<2.0.0 and foo==1.1.0 depends on y>=1.0.0,<2.0.0, we can conclude that foo==1.1.0 cannot be used.
And because we know from (1) that foo>=1.0.0,<1.1.0 | >=1.1.1,<2.0.0 cannot be used, we can conclude that foo>=1.0.0,<2.0.0 cannot be used.
And because root depends on foo>=1.0.0,<2.0.0, we can conclude that version solving failed."""

BRANCHING_COLLAPSED = """\
Because a>=1.0.0,<2.0.0 depends on b>=2.0.0,<3.0.0 and foo==1.0.0 depends on a>=1.0.0,<2.0.0, we can conclude that foo==1.0.0 depends on b>=2.0.0,<3.0.0.
And because foo==1.0.0 depends on b>=1.0.0,<2.0.0, we can conclude that foo==1.0.0 cannot be used. (1)

Because x>=1.0.0,<2.0.0 depends on y>=2.0.0,<3.0.0 and foo==1.1.0 depends on x>=1.0.0,<2.0.0, we can conclude that foo==1.1.0 depends on y>=2.0.0,<3.0.0.
And because foo==1.1.0 depends on y>=1.0.0,<2.0.0, we can conclude that foo==1.1.0 cannot be used.
And because we know from (1) that foo==1.0.0 cannot be used, we can conclude that foo>=1.0.0,<2.0.0 cannot be used.
And because root depends on foo>=1.0.0,<2.0.0, we can conclude that version solving failed."""


def test_branching_error_reporting() -> None:
    error = failure(s.BRANCHING_ERROR)
    assert DefaultReport().report(error.tree, s.FORMATTER) == BRANCHING_RAW
    assert DefaultReport().report(collapse_no_versions(error.tree), s.FORMATTER) == BRANCHING_COLLAPSED


def test_no_solution_str_uses_the_default_formatter() -> None:
    error = failure(s.LINEAR_ERROR)
    text = str(error)
    assert text.startswith("Because there are no versions of bar ")  # the generic "package set" join
    assert text.endswith("we can conclude that version solving failed.")
    assert error.report(s.FORMATTER) == LINEAR_RAW
    assert error.root_package == "root"
    assert error.incompatibility is not None and error.incompatibility.is_terminal("root", s.v("1.0.0"))
