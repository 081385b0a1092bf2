"""Each hint kind, produced by a scenario, as a value (the golden texts check the words)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prong.resolver import hints as H
from tests.support.scenario_index import load, run_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def hint_values(name: str) -> list[object]:
    path = next(SCENARIOS.rglob(f"{name}.toml"))
    err = run_scenario(load(path))
    assert hasattr(err, "hint_values"), f"{name} resolved"
    return err.hint_values()


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        (
            "index-empty-page",
            H.IndexProblemHint(
                "torch",
                "The index page http://127.0.0.1:3141/jp6/cu126/torch/ had no distribution files: it looks like "
                "devpi's web interface; its Simple API, http://127.0.0.1:3141/jp6/cu126/+simple/torch/, lists 12 files.",
                ("Use `--index-url http://127.0.0.1:3141/jp6/cu126/+simple/`.",),
            ),
        ),
        ("index-auth-hides-package", H.AuthHint("private-pkg", "https://private.invalid/simple", 401)),
        ("index-forbidden-beside-found", H.AuthHint("a", "https://mirror.invalid/simple", 403)),
        (
            "wheels-other-platforms",
            H.WheelTagsHint("a", "1.0.0", "platform", ("macosx_11_0_arm64", "win_amd64"), "CPython 3.12 (`cp312`)"),
        ),
        (
            "no-sdist-no-wheels-with-matching-abi",
            H.WheelTagsHint("a", "1.0.0", "abi", ("graalpy240_310_native",), "CPython 3.12 (`cp312`)"),
        ),
        (
            "no-sdist-no-wheels-with-matching-python",
            H.WheelTagsHint("a", "1.0.0", "python", ("graalpy310",), "CPython 3.12 (`cp312`)"),
        ),
        ("only-wheels-no-binary", H.NoBinaryHint("a")),
        ("requires-python-transitive", H.RequiresPythonHint("b", "1.0.0", ">=3.11", ">=3.10", True)),
        ("prerelease-disallowed", H.PrereleaseHint("a", "1.0.0b2")),
        ("prerelease-explicit-other-package", H.PrereleaseHint("b", "2.0.0rc1")),
        ("yanked-with-reason", H.YankedHint("a", "1.0.0", "broken on Windows")),
        ("exclude-newer-hides-versions", H.ExcludeNewerHint("a", "2024-01-01T00:00:00Z", ("2.0.0", "2.1.0"))),
    ],
)
def test_hint_is_produced(scenario: str, expected: object) -> None:
    assert expected in hint_values(scenario)


def test_no_hint_without_cause() -> None:
    assert hint_values("transitive-incompatible-with-root-version") == []


def test_requires_python_hint_for_the_running_interpreter() -> None:
    hint = H.RequiresPythonHint("a", "1.0.0", ">=3.12", "3.11.7", False)
    assert hint.message() == (
        "The current Python version (3.11.7) is not supported by your dependencies (e.g., a==1.0.0 "
        "only supports >=3.12). Consider using a newer Python, or `--python-version`."
    )


def test_platform_hint_without_known_marker() -> None:
    hint = H.WheelTagsHint("a", "1.0", "platform", ("any_weird_tag",))
    assert hint.message() == "Wheels are available for `a` (v1.0) on the following platform: `any_weird_tag`"


def test_offline_and_no_index_hints() -> None:
    assert hint_values("offline-missing") == [H.OfflineHint()]
    assert hint_values("no-index-missing") == [H.NoIndexHint()]


def test_no_index_hint_not_given_when_find_links_were_searched() -> None:
    from prong.resolver.index import NoIndex
    from prong.resolver.options import ResolverEnvironment
    from prong.resolver.resolver import NoSolutionError, resolve
    from prong.tags import Target, parse_platform
    from tests.support.scenario_index import ScenarioIndex

    class Local(ScenarioIndex):
        def versions(self, name: str):  # type: ignore[no-untyped-def]
            if name not in self.packages:
                return NoIndex(("/wheels",))
            return super().versions(name)

    idx = Local({"a": {"versions": {"1.0.0": {"requires": ["b"]}}}})
    env = ResolverEnvironment(Target((3, 12), "cp", platform=parse_platform("linux")), requested_python=True)
    with pytest.raises(NoSolutionError) as info:
        resolve(["a"], env=env, index=idx)
    assert "not found in the provided package locations" in info.value.report()
    assert info.value.hints() == []


def test_abi_hint_lists_real_abis_in_order() -> None:
    """torch 2.0.0's files on a cp313 target (uv 0.13.9 lists `cp38`, `cp39`, `cp310`, `cp311`)."""
    from prong.resolver.options import ResolverEnvironment
    from prong.resolver.resolver import NoSolutionError, resolve
    from prong.tags import Target, parse_platform
    from tests.support.scenario_index import ScenarioIndex

    tags = [
        f"{py}-{abi}-{plat}"
        for py in ("cp38", "cp39", "cp310", "cp311")
        for abi, plat in ((py, "manylinux1_x86_64"), (py, "win_amd64"), ("none", "macosx_11_0_arm64"))
    ]
    idx = ScenarioIndex({"torch": {"versions": {"2.0.0": {"sdist": False, "wheel_tags": tags, "requires_python": ">=3.8"}}}})
    env = ResolverEnvironment(Target((3, 13), "cp", platform=parse_platform("x86_64-manylinux2014")), requested_python=True)
    with pytest.raises(NoSolutionError) as info:
        resolve(["torch==2.0.0"], env=env, index=idx)
    assert info.value.report() == (
        "Because torch==2.0.0 has no wheels with a matching Python ABI tag (e.g., `cp313`) and you require "
        "torch==2.0.0, we can conclude that your requirements are unsatisfiable."
    )
    assert info.value.hints() == [
        "You require CPython 3.13 (`cp313`), but we only found wheels for `torch` (v2.0.0) with the following "
        "Python ABI tags: `cp38`, `cp39`, `cp310`, `cp311`"
    ]
