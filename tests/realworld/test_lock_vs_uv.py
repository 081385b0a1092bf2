"""`prong lock` against the `uv.lock` uv 0.13.9 wrote for 15 real projects (`projects/`, with
`INDEX.toml` saying where each file comes from and what was changed), all pinned in time with one
`--exclude-newer`: uv must accept prong's lock (`uv lock --locked`), and prong's lock must be uv's
byte for byte unless `expected_lock_differences.toml` names the project with the reason.

The default run locks three small projects; ``PRONG_REALWORLD=all`` locks all fifteen (about a
minute on a warm cache).
"""

from __future__ import annotations

import difflib
import os
import shutil
import tomllib
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.uv import run_uv

HERE = Path(__file__).resolve().parent
PROJECTS = HERE / "projects"
EXCLUDE_NEWER = "2026-11-01T00:00:00Z"
ALL = tuple(sorted(tomllib.loads((PROJECTS / "INDEX.toml").read_text())["projects"]))
DEFAULT = ("scikit-learn", "mkdocs", "pytest")
SELECTED = ALL if os.environ.get("PRONG_REALWORLD", "").strip().lower() == "all" else DEFAULT


def expected_differences() -> dict[str, dict[str, str]]:
    return tomllib.loads((HERE / "expected_lock_differences.toml").read_text()).get("projects", {})


def test_fifteen_projects_each_with_uvs_lock() -> None:
    assert len(ALL) == 15
    for name in ALL:
        assert (PROJECTS / name / "pyproject.toml").is_file() and (PROJECTS / name / "uv.lock").is_file()
    for name, entry in expected_differences().items():
        assert name in ALL and entry.get("reason"), name


@pytest.mark.pypi
@pytest.mark.parametrize("name", SELECTED)
def test_prong_locks_as_uv_does(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / name
    work.mkdir()
    shutil.copy(PROJECTS / name / "pyproject.toml", work / "pyproject.toml")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for key in [k for k in os.environ if k.startswith("UV_")]:
        monkeypatch.delenv(key)
    code = main(["--directory", str(work), "--cache-dir", str(tmp_path / "cache"), "lock",
                 "--exclude-newer", EXCLUDE_NEWER])
    _, err = capsys.readouterr()
    assert code == 0, err
    ours = (work / "uv.lock").read_text()
    theirs = (PROJECTS / name / "uv.lock").read_text()
    # uv accepts prong's lock as it is
    check = run_uv(["lock", "--locked", "--exclude-newer", EXCLUDE_NEWER], work, tmp_path)
    assert check.returncode == 0, check.stderr
    entry = expected_differences().get(name)
    if entry is None:
        diff = "".join(list(difflib.unified_diff(theirs.splitlines(True), ours.splitlines(True), "uv", "prong"))[:80])
        assert ours == theirs, diff
    else:
        assert ours != theirs, f"{name} now matches uv: drop it from expected_lock_differences.toml"
