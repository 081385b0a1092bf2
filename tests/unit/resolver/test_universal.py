"""The universal resolver on packse's universal scenarios (in memory) and on small cases whose
forks are known from uv 0.13.9's trace (``uv lock -vvv``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from prong.pep508.markers import TRUE, parse_marker
from prong.pep508.requirement import parse_requirement
from prong.resolver.options import PrereleaseMode, ResolutionMode, ResolverOptions
from prong.resolver.universal import (
    ForkNoSolutionError,
    LoweredRequirement,
    PythonTarget,
    UniversalEnv,
    resolve_universal,
)
from prong.resolver.universal_result import ConflictItemRef
from tests.support.scenario_index import ScenarioIndex, load

SCENARIOS = Path(__file__).resolve().parents[3].parent / "shared" / "packse" / "scenarios-uv"

# Universal scenarios whose packse expectation is not what `uv lock` 0.13.9 does on the scenario as
# given (checked with the packse data served locally): prong must do what uv does.
UV_DIFFERS = {
    # "compile" scenarios: packse runs them with `uv pip compile --universal --python-version 3.11`;
    # `uv lock` under `requires-python = ">=0"` fails for Python < 3.11 exactly as prong does.
    "lowest-direct-fork-max-python": "uv lock fails the split python < 3.11",
    "lowest-direct-fork-min-python": "uv lock fails the split python < 3.11",
    "lowest-fork-max-python": "uv lock fails the split python < 3.11",
    "lowest-fork-min-python": "uv lock fails the split python < 3.11",
    # the expectation is for a second run with the first lock's preferences
    "preferences-dependent-forking-conflicting": "fresh resolution succeeds (uv too)",
    # a workspace test (testgen disabled): the root requirements cannot give the listed packages
    "lock-without-metadata": "workspace scenario",
}


def _universal_scenarios() -> list[Path]:
    if not SCENARIOS.is_dir():
        return []
    out = []
    for path in sorted(SCENARIOS.rglob("*.toml")):
        if load(path).get("resolver_options", {}).get("universal"):
            out.append(path)
    return out


def run(data: dict, requires_python: str | None = None):  # type: ignore[no-untyped-def]
    ro = data.get("resolver_options", {})
    root = data.get("root", {})
    rp = requires_python or root.get("requires_python") or ">=" + data.get("environment", {}).get("python", "3.12")
    reqs = []
    for text in root.get("requires", []):
        req = parse_requirement(text)
        reqs.append(LoweredRequirement(req, req.marker_tree or TRUE))
    options = ResolverOptions(
        resolution=ResolutionMode(ro["resolution"]) if ro.get("resolution") else ResolutionMode.HIGHEST,
        prerelease=PrereleaseMode(ro["prerelease"]) if ro.get("prerelease") else PrereleaseMode.IF_NECESSARY_OR_EXPLICIT,
    )
    return resolve_universal(
        [], requires_python=rp, index=ScenarioIndex.from_scenario(data), options=options,
        root_requirements=reqs,
        required_environments=[parse_marker(e) for e in ro.get("required_environments", [])],
    )


def versions(result) -> dict[str, set[Version]]:  # type: ignore[no-untyped-def]
    got: dict[str, set[Version]] = {}
    for fork in result.forks:
        for node in fork.nodes:
            if node.extra is None and node.group is None:
                got.setdefault(node.name, set()).add(node.version)
    return got


def test_the_scenarios_are_there() -> None:
    assert len(_universal_scenarios()) >= 50


@pytest.mark.parametrize("path", _universal_scenarios(), ids=lambda p: p.stem)
def test_packse_universal(path: Path) -> None:
    data = load(path)
    name = data["name"].removeprefix("fork-")
    expected = data.get("expected", {})
    try:
        result = run(data)
        satisfiable = True
    except ForkNoSolutionError:
        satisfiable = False
    differs = name in UV_DIFFERS or data["name"] in UV_DIFFERS
    if differs:
        assert satisfiable != expected.get("satisfiable", True) or (
            satisfiable and expected.get("packages")
        ), f"{name} is listed as differing ({UV_DIFFERS.get(name)}) but now matches: drop it from UV_DIFFERS"
        return
    assert satisfiable == expected.get("satisfiable", True)
    if satisfiable:
        got = versions(result)
        for pkg, version in expected.get("packages", {}).items():
            assert Version(version) in got.get(pkg.replace("_", "-"), set()), (pkg, got)


def scenario(requires: list[str], packages: dict, requires_python: str = ">=3.9") -> dict:
    return {"root": {"requires": requires, "requires_python": requires_python}, "packages": packages}


def test_disjoint_markers_fork_and_each_fork_keeps_its_own_edges() -> None:
    data = scenario(
        ["a>=2 ; sys_platform == 'linux'", "a<2 ; sys_platform == 'darwin'"],
        {"a": {"versions": {"1.0.0": {"requires_python": ">=3.9"}, "2.0.0": {"requires_python": ">=3.9", "requires": ["b"]}}},
         "b": {"versions": {"1.0.0": {"requires_python": ">=3.9"}}}},
    )
    result = run(data)
    # uv 0.13.9 solves these splits in this order (its `Solving split` lines on the same data)
    assert [str(f.env.markers) for f in result.forks] == [
        "sys_platform == 'darwin'",
        "sys_platform == 'linux'",
        "sys_platform != 'darwin' and sys_platform != 'linux'",
    ]
    darwin, linux, rest = result.forks
    assert {(n.name, str(n.version)) for n in darwin.nodes} == {("a", "1.0.0")}
    assert {(n.name, str(n.version)) for n in linux.nodes} == {("a", "2.0.0"), ("b", "1.0.0")}
    assert rest.nodes == ()
    edge = [e for e in linux.edges if e.parent.name is None and e.child.name == "a"][0]
    assert str(edge.marker) == "sys_platform == 'linux'"


def test_requires_python_forks_newest_python_first() -> None:
    data = scenario(
        ["a"],
        {"a": {"versions": {"1.0.0": {"requires_python": ">=3.9"}, "2.0.0": {"requires_python": ">=3.11"}}}},
    )
    result = run(data)
    assert [str(f.env.markers) for f in result.forks] == [
        "python_full_version >= '3.11'",
        "python_full_version >= '3.9' and python_full_version < '3.11'",  # uv's words for the split
    ]
    assert [sorted(str(n.version) for n in f.nodes) for f in result.forks] == [["2.0.0"], ["1.0.0"]]


def test_fewest_strategy_does_not_fork_on_requires_python() -> None:
    data = scenario(
        ["a"],
        {"a": {"versions": {"1.0.0": {"requires_python": ">=3.9"}, "2.0.0": {"requires_python": ">=3.11"}}}},
    )
    reqs = [LoweredRequirement(parse_requirement("a"), TRUE)]
    result = resolve_universal([], requires_python=">=3.9", index=ScenarioIndex.from_scenario(data),
                               root_requirements=reqs, fork_strategy="fewest")
    assert len(result.forks) == 1
    assert {str(n.version) for n in result.forks[0].nodes} == {"1.0.0"}


def test_a_fork_without_solution_is_named_as_uv_names_it() -> None:
    data = scenario(
        ["a ; sys_platform == 'linux'", "a>=3 ; sys_platform == 'win32'"],
        {"a": {"versions": {"1.0.0": {"requires_python": ">=3.9"}}}},
    )
    with pytest.raises(ForkNoSolutionError) as info:
        run(data)
    assert str(info.value).startswith(
        "No solution found when resolving dependencies for split (markers: sys_platform == 'win32'):"
    )


def test_environment_display_and_groups() -> None:
    cpu = ConflictItemRef("xxx", extra="cpu")
    cu = ConflictItemRef("xxx", extra="cu128")
    env = UniversalEnv(TRUE, frozenset({cpu}), frozenset({cu}))
    assert env.display() == "split (included: xxx[cpu]; excluded: xxx[cu128])"
    assert env.included_by_group(cpu) and not env.included_by_group(cu)
    assert env.filter_by_group([(True, cu)]) is None
    assert UniversalEnv(TRUE).display() is None


@pytest.mark.parametrize(
    ("tag", "ok"),
    [
        (("cp310", "cp310"), True),
        (("cp39", "cp39"), False),      # below the lock's lowest Python
        (("cp313", "cp313"), False),    # at or above its exclusive upper bound
        (("cp312", "abi3"), True),
        (("py3", "none"), True),
        (("py2", "none"), False),
        (("cp38", "none"), False),
        (("pp310", "pypy310_pp73"), True),
    ],
)
def test_wheel_tags_against_requires_python(tag: tuple[str, str], ok: bool) -> None:
    target = PythonTarget.from_specifiers(">=3.10,<3.13")
    assert target.matches_wheel_tag(*tag) is ok


def test_python_target_lower_bound_rules() -> None:
    target = PythonTarget.from_specifiers(">=3.10")
    assert target.contains_lower_of(">=3.8")
    assert target.contains_lower_of(">=3.10")
    assert target.contains_lower_of("<4")  # upper bounds are ignored, as uv does
    assert not target.contains_lower_of(">=3.11")
    lower, upper = target.split(PythonTarget.from_specifiers(">=3.12").lo)  # type: ignore[arg-type,misc]
    assert str(lower.marker) == "python_full_version < '3.12'" or "3.12" in str(lower.marker)
    assert str(upper.marker) == "python_full_version >= '3.12'"
    assert target.split(PythonTarget.from_specifiers(">=3.9").lo) is None  # type: ignore[arg-type]
