"""``--python-version 3.11.7`` resolves for 3.11.7 (a ``Requires-Python: >=3.11.5`` file fits),
``--python-version 3.11`` for 3.11 (it does not), as uv does."""

from __future__ import annotations

import pytest

from prong.resolver.options import ResolverEnvironment
from prong.resolver.resolver import resolve
from prong.tags import Target, parse_platform
from tests.support.scenario_index import ScenarioIndex

LINUX = parse_platform("x86_64-unknown-linux-gnu")


def env(full: str | None, requested: bool = True) -> ResolverEnvironment:
    return ResolverEnvironment(Target((3, 11), "cp", platform=LINUX, python_full_version=full), requested_python=requested)


@pytest.mark.parametrize(("full", "requested", "shown"), [
    (None, True, "3.11"), ("3.11.0", True, "3.11"), ("3.11.7", True, "3.11.7"), ("3.11.7", False, "3.11.7"),
])
def test_python_version(full: str | None, requested: bool, shown: str) -> None:
    assert env(full, requested).python_version == shown


def test_patch_bound_of_requires_python() -> None:
    pkgs = {"soup": {"versions": {"2.10.0": {"requires_python": ">=3.10"}, "3.0.4": {"requires_python": ">=3.11.5"}}}}
    pins = {full: resolve(["soup"], env=env(full), index=ScenarioIndex.from_scenario({"packages": pkgs})).pins()
            for full in (None, "3.11.4", "3.11.7")}
    assert pins == {None: {"soup": "2.10.0"}, "3.11.4": {"soup": "2.10.0"}, "3.11.7": {"soup": "3.0.4"}}
