"""`prong tree` on a small checked-in lock (no network): a workspace of three members with a cycle
between two of them (`alpha` -> `beta[full]` -> `alpha`), extras, groups, and packages locked in two
versions by Python version. The expected texts are `uv tree --frozen` 0.13.9's on the same lock
(`data/tree_ws/expected/<case>.txt`, the options in CASES)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prong.api.tree import tree
from prong.install.tree import TreeOptions, render_tree
from prong.lock.text import read_lock

DATA = Path(__file__).resolve().parent / "data" / "tree_ws"

CASES = {
    "universal": dict(universal=True),
    "universal-invert": dict(universal=True, invert=True),
    "universal-no-dedupe": dict(universal=True, no_dedupe=True),
    "universal-invert-no-dedupe": dict(universal=True, invert=True, no_dedupe=True),
    "package-beta": dict(universal=True, packages=["beta"]),
    "package-idna-invert": dict(universal=True, packages=["idna"], invert=True),
    "prune-idna": dict(universal=True, prune=["idna"]),
    "depth-1": dict(universal=True, depth=1),
    "only-group-lint": dict(universal=True, only_groups=["lint"]),
    "all-groups-no-dev": dict(universal=True, all_groups=True, dev=False),
    "linux-py39": dict(python_version="3.9", python_platform="x86_64-unknown-linux-gnu", all_groups=True),
    "windows-py312": dict(python_version="3.12", python_platform="windows"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_tree_as_uv_draws_it(case: str) -> None:
    result = tree(DATA, frozen=True, **CASES[case])  # type: ignore[arg-type]
    assert result.text == (DATA / "expected" / f"{case}.txt").read_text(encoding="utf-8")
    assert result.lock_path == DATA / "uv.lock"
    assert (result.environment is None) == bool(CASES[case].get("universal"))


def test_layout_of_a_cycle_and_the_legends() -> None:
    text = (DATA / "expected" / "universal.txt").read_text(encoding="utf-8")
    assert "│   ├── beta[full] v2.0.0\n" in text
    assert "│   │   ├── alpha v1.0.0 (extra: full) (*)\n" in text  # the cycle is cut
    assert text.endswith("(*) Package tree already displayed\n")
    no_dedupe = (DATA / "expected" / "universal-no-dedupe.txt").read_text(encoding="utf-8")
    assert no_dedupe.endswith("(*) Package tree is a cycle and cannot be shown\n")


def test_platform_filtering_keeps_one_version() -> None:
    lock = read_lock(DATA / "uv.lock")
    env = {"python_full_version": "3.9.18", "python_version": "3.9", "sys_platform": "linux",
           "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64",
           "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    text = render_tree(lock, TreeOptions(groups=frozenset({"dev"})), env)
    assert "requests[socks] v2.32.5" in text and "requests[socks] v2.34.2" not in text
    assert "tomli v2.5.0" in text and "colorama" not in text  # win32 only
    everywhere = render_tree(lock, TreeOptions(groups=frozenset({"dev"})), None)
    assert "requests[socks] v2.32.5" in everywhere and "requests[socks] v2.34.2" in everywhere


def test_extras_of_the_project_can_be_narrowed() -> None:
    """uv shows every extra of the project; prong's ``extras`` shows only those asked for."""
    everything = tree(DATA, frozen=True, universal=True).text
    assert "(extra: cli)" in everything and "(extra: fast)" in everything
    fast = tree(DATA, frozen=True, universal=True, extras=["fast"]).text
    assert "(extra: fast)" in fast and "(extra: cli)" not in fast and "click" not in fast
    assert tree(DATA, frozen=True, universal=True, extras=["fast"], all_extras=True).text == everything
    nothing = tree(DATA, frozen=True, universal=True, extras=[]).text
    assert "(extra:" in nothing  # beta's `full` is asked for by alpha's edge, not by the project
    assert "(extra: fast)" not in nothing and "(extra: cli)" not in nothing


def test_depth_zero_is_the_roots_only() -> None:
    assert tree(DATA, frozen=True, universal=True, depth=0).text == "small-app v0.1.0\nbeta v2.0.0\nalpha v1.0.0\n"


def test_unknown_package_draws_nothing() -> None:
    assert tree(DATA, frozen=True, universal=True, packages=["not-in-the-lock"]).text == ""


def test_cli_prints_the_tree(capsys: pytest.CaptureFixture[str]) -> None:
    from prong.cli.main import main

    code = main(["--directory", str(DATA), "tree", "--frozen", "--universal", "--package", "beta"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out == (DATA / "expected" / "package-beta.txt").read_text(encoding="utf-8")


def test_frozen_without_a_lock_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from prong.cli.main import main

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0.1"\n', encoding="utf-8")
    code = main(["--directory", str(tmp_path), "tree", "--frozen"])
    _, err = capsys.readouterr()
    assert code != 0
    assert err.startswith("error:") and "uv.lock" in err and "Traceback" not in err
