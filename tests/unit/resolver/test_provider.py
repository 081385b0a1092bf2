"""The provider and ``resolve``: dependencies per environment, extras, prefetching, priority,
``# via`` edges."""

from __future__ import annotations

from typing import Any

import pytest

from prong.pep440.ranges import Range
from prong.pep440.version import parse_version as V
from prong.resolver.options import ResolverEnvironment, ResolverOptions
from prong.resolver.package import Extra, Package, Python, Root
from prong.resolver.priority import CONFLICT_EARLY, CONFLICT_THRESHOLD, ROOT, SINGLETON, UNSPECIFIED, URL, Priorities
from prong.resolver.provider import PythonProvider
from prong.resolver.resolver import NoSolutionError, resolve
from prong.tags import Target, parse_platform
from tests.support.scenario_index import ScenarioIndex


def env(platform: str = "x86_64-unknown-linux-gnu", python: tuple[int, int] = (3, 12)) -> ResolverEnvironment:
    return ResolverEnvironment(Target(python, "cp", platform=parse_platform(platform)), requested_python=True)


def index(packages: dict[str, Any]) -> ScenarioIndex:
    return ScenarioIndex.from_scenario({"packages": packages})


PKGS = {
    "app": {
        "versions": {
            "1.0.0": {
                "requires": [
                    "lib>=1",
                    "winonly; sys_platform == 'win32'",
                    "linuxonly; sys_platform == 'linux'",
                ],
                "extras": {"fast": ["speedup"], "docs": ["sphinxish; python_version < '3.0'"]},
            }
        }
    },
    "lib": {"versions": {"1.0.0": {}, "2.0.0": {"requires": ["util"]}}},
    "util": {"versions": {"0.1.0": {}}},
    "winonly": {"versions": {"1.0.0": {}}},
    "linuxonly": {"versions": {"1.0.0": {}}},
    "speedup": {"versions": {"1.0.0": {"requires": ["lib<2"]}}},
    "sphinxish": {"versions": {"1.0.0": {}}},
}


def test_markers_are_evaluated_for_the_environment() -> None:
    linux = resolve(["app"], env=env(), index=index(PKGS)).pins()
    assert linux == {"app": "1.0.0", "lib": "2.0.0", "linuxonly": "1.0.0", "util": "0.1.0"}
    windows = resolve(["app"], env=env("x86_64-pc-windows-msvc"), index=index(PKGS)).pins()
    assert "winonly" in windows and "linuxonly" not in windows


def test_extras_are_proxies_and_edges_are_kept_for_via() -> None:
    res = resolve(["app[fast,docs]"], env=env(), index=index(PKGS))
    assert res.pins() == {"app": "1.0.0", "lib": "1.0.0", "linuxonly": "1.0.0", "speedup": "1.0.0"}
    assert res.packages["lib"].via == ("app", "speedup")
    assert res.packages["app"].direct and res.packages["app"].extras == ("docs", "fast")
    assert not res.packages["speedup"].direct and res.packages["speedup"].via == ("app",)
    assert res.packages["lib"].file is not None and res.packages["lib"].file.filename == "lib-1.0.0-py3-none-any.whl"
    assert res.packages["lib"].index_url == "https://index.invalid/simple"


def test_missing_extra_is_a_warning() -> None:
    res = resolve(["lib[nope]"], env=env(), index=index(PKGS))
    assert res.pins()["lib"] == "2.0.0"
    assert res.warnings == ("The package `lib==2.0.0` does not have an extra named `nope`",)


def test_override_markers_apply() -> None:
    res = resolve(["app"], env=env(), index=index(PKGS), overrides=["lib<2; sys_platform == 'win32'"])
    # the override does not apply on linux, and it replaces lib's requirement there: lib is gone
    assert "lib" not in res.pins()


def test_prefetch_before_versions_and_metadata_hints() -> None:
    idx = index(PKGS)
    resolve(["app"], env=env(), index=idx)
    calls = idx.calls
    assert calls[0] == ("prefetch", ("app",))
    # lib, linuxonly were announced (prefetch) before their versions were asked for
    first_prefetch = {n: i for i, (k, v) in enumerate(calls) if k == "prefetch" for n in v}
    first_versions = {v: i for i, (k, v) in reversed(list(enumerate(calls))) if k == "versions"}
    for name in ("lib", "linuxonly", "util"):
        assert first_prefetch[name] < first_versions[name]
    # metadata of the chosen version was hinted before it was fetched
    hinted = [i for i, (k, v) in enumerate(calls) if k == "prefetch_metadata" and v[0] == "lib" and "2.0.0" in v[1]]
    fetched = [i for i, (k, v) in enumerate(calls) if k == "metadata" and v == ("lib", "2.0.0")]
    assert hinted and fetched and hinted[0] < fetched[0]


def test_batch_prefetch_after_repeated_backtracking() -> None:
    versions = {f"{i}.0.0": {"requires": ["missing"]} for i in range(1, 12)}
    idx = index({"a": {"versions": versions}})
    with pytest.raises(NoSolutionError):
        resolve(["a"], env=env(), index=idx)
    batches = [v for k, v in idx.calls if k == "prefetch_metadata" and len(v[1]) > 3]
    assert batches, "no batch of metadata prefetches after the package kept failing"


def test_priorities_order() -> None:
    p = Priorities()
    full = Range.full()
    pin = Range.from_specifiers("==1.0")
    assert p.priority(Root(), full)[0] == ROOT
    p.discover("a")
    p.discover("b")
    assert p.priority(Package("a"), full) > p.priority(Package("b"), full)  # discovery order
    assert p.priority(Package("b"), pin)[0] == SINGLETON
    assert p.priority(Package("b"), pin) > p.priority(Package("a"), full)
    p.urls.add("c")
    assert p.priority(Package("c"), full)[0] == URL
    for _ in range(CONFLICT_THRESHOLD):
        p.conflict("b", "a")
    assert p.priority(Package("b"), full)[0] == CONFLICT_EARLY
    p.discover("d")
    assert p.priority(Package("b"), full) > p.priority(Package("d"), pin) > p.priority(Package("a"), full)
    assert p.priority(Package("a"), full)[0] < UNSPECIFIED  # conflict late


def test_python_and_root_choice() -> None:
    prov = PythonProvider(["lib"], env=env(python=(3, 10)), index=index(PKGS), options=ResolverOptions())
    assert prov.choose_version(Python(), Range.from_specifiers(">=3.9")) == V("3.10")
    assert prov.choose_version(Python(), Range.from_specifiers(">=3.11")) is None
    assert prov.choose_version(Root(), Range.full()) == prov.root_version


def test_extra_depends_on_base_at_same_version() -> None:
    prov = PythonProvider(["app[fast]"], env=env(), index=index(PKGS), options=ResolverOptions())
    deps = prov.get_dependencies(Extra("app", "fast"), V("1.0.0")).dependencies
    assert deps[Package("app")] == Range.singleton(V("1.0.0"))
    assert deps[Package("speedup")] == Range.full()
    assert Package("lib") not in deps  # the base's own requirements stay with the base


def test_requires_python_makes_version_unavailable_with_reason() -> None:
    idx = index({"a": {"versions": {"1.0.0": {"requires_python": ">=3.13"}}}})
    prov = PythonProvider(["a"], env=env(), index=idx, options=ResolverOptions())
    prov.choose_version(Package("a"), Range.full())
    result = prov.get_dependencies(Package("a"), V("1.0.0"))
    assert result.reason.kind == "requires-python"
    assert not any(k == "metadata" for k, _ in idx.calls)  # decided from the file, no download


def test_current_interpreter_wording() -> None:
    target = Target((3, 11), "cp", platform=parse_platform("x86_64-unknown-linux-gnu"), python_full_version="3.11.7")
    idx = index({"a": {"versions": {"1.0.0": {"requires_python": ">=3.12"}}}})
    with pytest.raises(NoSolutionError) as info:
        resolve(["a"], env=ResolverEnvironment(target), index=idx)
    assert info.value.report().startswith(
        "Because the current Python version (3.11.7) does not satisfy Python>=3.12 and a==1.0.0 depends on Python>=3.12"
    )
    assert info.value.hints()[0].startswith("The current Python version (3.11.7) is not supported")


def test_when_versions_hook_prefetches_metadata_as_pages_arrive() -> None:
    """An index that can call back when a page is loaded (``RegistryIndex.when_versions``) gets
    the likely version's metadata requested from that callback, before the solver asks."""

    class CallbackIndex(ScenarioIndex):
        def when_versions(self, name: str, callback: Any) -> None:
            self.calls.append(("when_versions", name))
            callback(self.versions(name))

    idx = CallbackIndex.from_scenario({"packages": PKGS})
    res = resolve(["app"], env=env(), index=idx)
    assert res.pins()["lib"] == "2.0.0"
    calls = idx.calls
    hooked = calls.index(("when_versions", "lib"))
    hinted = next(i for i, (k, v) in enumerate(calls) if k == "prefetch_metadata" and v == ("lib", ("2.0.0",)))
    fetched = calls.index(("metadata", ("lib", "2.0.0")))
    assert hooked < hinted < fetched
