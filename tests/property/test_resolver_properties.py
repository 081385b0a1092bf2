"""Properties of ``prong.resolver.resolve`` on random small registries (Hypothesis).

Whatever the registry, a resolution satisfies every requirement that applies (root ones and
those of each pinned version, extras included), never pins a yanked version that the user did
not pin exactly, and never pins a version with no usable file. When there is no solution, the
report and the hints are produced without error and the report ends with the root's failure.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from prong.pep440.version import parse_version
from prong.pep508.requirement import parse_requirement
from prong.resolver.options import ResolverEnvironment
from prong.resolver.resolver import NoSolutionError, resolve
from prong.tags import Target, parse_platform
from tests.support.scenario_index import ScenarioIndex

NAMES = ["a", "b", "c", "d"]
VERSIONS = ["1.0", "1.1", "2.0", "2.1a1", "3.0"]
OPS = ["==", ">=", "<", "!=", "~="]
ENV = ResolverEnvironment(Target((3, 12), "cp", platform=parse_platform("x86_64-unknown-linux-gnu")), requested_python=True)


@st.composite
def requirement(draw: Any, exclude: str | None = None) -> str:
    name = draw(st.sampled_from([n for n in NAMES if n != exclude]))
    text = name
    if draw(st.booleans()):
        text += f"{draw(st.sampled_from(OPS))}{draw(st.sampled_from(VERSIONS))}"
    if draw(st.integers(0, 4)) == 0:
        text += "; sys_platform == 'win32'"
    return text


@st.composite
def registry(draw: Any) -> dict[str, Any]:
    packages: dict[str, Any] = {}
    for name in NAMES:
        versions: dict[str, Any] = {}
        for v in draw(st.lists(st.sampled_from(VERSIONS), unique=True, max_size=4)):
            info: dict[str, Any] = {"requires": draw(st.lists(requirement(exclude=name), max_size=2))}
            if draw(st.integers(0, 5)) == 0:
                info["yanked"] = True
            if draw(st.integers(0, 5)) == 0:
                info["sdist"] = False
                info["wheel_tags"] = [draw(st.sampled_from(["py3-none-any", "cp312-cp312-win_amd64"]))]
            if draw(st.integers(0, 4)) == 0:
                info["extras"] = {"x": draw(st.lists(requirement(exclude=name), min_size=1, max_size=1))}
            versions[v] = info
        packages[name] = {"versions": versions}
    return packages


def _satisfied(req_text: str, pins: dict[str, str], extras: tuple[str, ...] = ()) -> bool:
    req = parse_requirement(req_text)
    tree = req.marker_tree
    if tree is not None and not tree.evaluate(ENV.marker_environment(), extras):
        return True
    if req.name not in pins:
        return False
    return req.specifier.contains(parse_version(pins[req.name]), prereleases=True)


@given(registry(), st.lists(requirement(), min_size=1, max_size=3), st.sampled_from([None, *NAMES]))
def test_resolution_satisfies_requirements(packages: dict[str, Any], roots: list[str], extra: str | None) -> None:
    if extra is not None:
        roots = [*roots, f"{extra}[x]"]
    index = ScenarioIndex.from_scenario({"packages": packages})
    try:
        res = resolve(roots, env=ENV, index=index)
    except NoSolutionError as err:
        report = err.report()
        assert report.rstrip().endswith("we can conclude that your requirements are unsatisfiable.") or (
            "which does not allow any versions" in report
        ), report
        err.hints()
        return
    pins = res.pins()
    for r in roots:
        assert _satisfied(r.replace("[x]", ""), pins), (r, pins)
    pinned_exactly = {parse_requirement(r).name for r in roots if "==" in r}
    for name, pin in res.packages.items():
        info = packages[name]["versions"][next(v for v in packages[name]["versions"] if parse_version(v) == pin.version)]
        for r in info["requires"]:
            assert _satisfied(r, pins), (name, str(pin.version), r, pins)
        for e in pin.extras:
            for r in info.get("extras", {}).get(e, []):
                assert _satisfied(r, pins, (e,)), (name, e, r, pins)
        if info.get("yanked"):
            assert name in pinned_exactly, f"{name} {pin.version} is yanked"
        assert pin.file is not None and not pin.file.filename.endswith("win_amd64.whl")
