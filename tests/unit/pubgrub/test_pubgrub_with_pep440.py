"""The engine with prong's PEP 440 ``Range`` as its version sets (the Protocol as used for real)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from packaging.version import Version

from prong.pep440.ranges import Range
from prong.pubgrub import Available, DefaultFormatter, DefaultReport, NoSolution, collapse_no_versions, solve
from tests.unit.pubgrub import scenarios as s


class Pep440Provider:
    version_set = Range

    def __init__(self, packages: Mapping[str, Mapping[str, Mapping[str, str]]]) -> None:
        self.versions = {n: sorted((Version(v) for v in vs), reverse=True) for n, vs in packages.items()}
        self.deps = {
            (n, Version(v)): {d: self.range(spec) for d, spec in deps.items()}
            for n, vs in packages.items()
            for v, deps in vs.items()
        }

    @staticmethod
    def range(spec: str) -> Range:
        if spec.startswith("^"):
            low = Version(spec[1:])
            return Range.from_specifiers(f">={low},<{low.major + 1}.0.0")
        return Range.from_specifiers(spec)

    def matching(self, package: str, versions: Range) -> list[Version]:
        return [v for v in self.versions.get(package, []) if versions.contains(v)]

    def prioritize(self, package: str, versions: Range) -> int:
        return -len(self.matching(package, versions))

    def choose_version(self, package: str, versions: Range) -> Version | None:
        found = self.matching(package, versions)
        return found[0] if found else None

    def get_dependencies(self, package: str, version: Version) -> Available[str, Range]:
        return Available(self.deps[(package, version)])

    def should_cancel(self) -> None:
        pass


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("NO_CONFLICTS", {"root": "1.0.0", "foo": "1.0.0", "bar": "1.0.0"}),
        ("AVOIDING_CONFLICT", {"root": "1.0.0", "foo": "1.0.0", "bar": "1.1.0"}),
        ("CONFLICT_RESOLUTION", {"root": "1.0.0", "foo": "1.0.0"}),
        ("PARTIAL_SATISFIER", {"root": "1.0.0", "foo": "1.0.0", "target": "2.0.0"}),
    ],
)
def test_spec_scenarios_with_pep440_ranges(name: str, expected: dict[str, str]) -> None:
    solution = solve(Pep440Provider(getattr(s, name)), "root", Version("1.0.0"))
    assert {n: str(v) for n, v in solution.items()} == expected


@pytest.mark.parametrize("name", ["LINEAR_ERROR", "BRANCHING_ERROR"])
def test_spec_failures_with_pep440_ranges(name: str) -> None:
    with pytest.raises(NoSolution) as info:
        solve(Pep440Provider(getattr(s, name)), "root", Version("1.0.0"))
    formatter: DefaultFormatter[Any, Range] = DefaultFormatter(root="root", package_versions=lambda p, vs: f"{p}{vs}")
    text = DefaultReport().report(collapse_no_versions(info.value.tree), formatter)
    # The same shape as with integer sets (test_pubgrub_scenarios); Range renders its own text.
    assert text.endswith("we can conclude that version solving failed.")
    assert "root depends on foo>=1.0.0, <2.0.0" in text
    assert text.count("\n") == {"LINEAR_ERROR": 1, "BRANCHING_ERROR": 6}[name]
