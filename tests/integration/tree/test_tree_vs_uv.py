"""`prong tree --frozen` prints what `uv tree --frozen` prints, side by side, on locks uv wrote:

- the fifteen real projects' `uv.lock` (`tests/realworld/projects`, uv 0.13.9 with
  `--exclude-newer 2026-11-01T00:00:00Z`): no network, `uv tree --frozen` only reads them; three
  projects by default, all fifteen with ``PRONG_REALWORLD=all``;
- a fresh `uv lock` of real projects into a temporary copy (marked `pypi`);
- the project of `tests/integration/lock/test_uv_written_locks.py` (a workspace, an editable path
  source, conflicting extras, groups), locked by uv against the test index on 127.0.0.1;
- the seed project (uv issue 13930: conflicting extras from three explicit indexes), locked by uv
  against the seed fixture's servers (marked `devpi`).

Both tools filter for the same interpreter (this one: `run_uv` sets `UV_PYTHON`), or draw every
platform with `--universal`.
"""

from __future__ import annotations

import os
import shutil
import sys
import tomllib
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.uv import run_uv

REALWORLD = Path(__file__).resolve().parents[2] / "realworld" / "projects"
EXCLUDE_NEWER = "2026-11-01T00:00:00Z"
ALL = tuple(sorted(tomllib.loads((REALWORLD / "INDEX.toml").read_text())["projects"]))
DEFAULT = ("flask", "jupyterlab", "pandas")
SELECTED = ALL if os.environ.get("PRONG_REALWORLD", "").strip().lower() == "all" else DEFAULT

OPTIONS = [
    [],
    ["--universal"],
    ["--invert"],
    ["--universal", "--invert"],
    ["--universal", "--no-dedupe"],
    ["--depth", "1"],
    ["--depth", "2", "--universal"],
    ["--all-groups", "--universal"],
    ["--no-dev", "--universal"],
    ["--no-default-groups"],
    ["--only-group", "dev", "--universal"],
    ["--prune", "packaging", "--universal"],
    ["--package", "packaging", "--invert", "--universal"],
    ["--package", "requests", "--package", "numpy", "--universal"],
    ["--python-version", "3.10", "--python-platform", "windows", "--all-groups"],
    ["--universal", "--invert", "--no-dedupe", "--depth", "3"],
]


def ids(args: list[str]) -> str:
    return " ".join(args) or "default"


def compare(project: Path, args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    theirs = run_uv(["tree", "--frozen", *args], project, tmp_path)
    assert theirs.returncode == 0, theirs.stderr
    capsys.readouterr()
    code = main(["--directory", str(project), "tree", "--frozen", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out == theirs.stdout
    return out


@pytest.fixture
def no_uv_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for key in [k for k in os.environ if k.startswith("UV_")]:
        monkeypatch.delenv(key)


@pytest.mark.parametrize("args", OPTIONS, ids=ids)
@pytest.mark.parametrize("name", SELECTED)
def test_realworld_lock_tree_as_uv(name: str, args: list[str], tmp_path: Path, no_uv_env: None,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / name
    shutil.copytree(REALWORLD / name, work)
    compare(work, args, tmp_path, capsys)


@pytest.mark.pypi
@pytest.mark.parametrize("name", ["flask", "mkdocs"])
def test_fresh_uv_lock_tree_as_uv(name: str, tmp_path: Path, no_uv_env: None,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / name
    work.mkdir()
    shutil.copy(REALWORLD / name / "pyproject.toml", work / "pyproject.toml")
    done = run_uv(["lock", "--exclude-newer", EXCLUDE_NEWER], work, tmp_path)
    assert done.returncode == 0, done.stderr
    for args in OPTIONS[:8]:
        compare(work, args, tmp_path, capsys)


# -- the project that uses most of the lock format (test index on 127.0.0.1) -----------------------

WORKSPACE_OPTIONS = [
    [],
    ["--universal"],
    ["--invert", "--universal"],
    ["--package", "member"],
    ["--package", "gamma", "--invert"],
    ["--all-groups", "--no-dedupe"],
    ["--only-group", "dev"],
    ["--prune", "gamma", "--universal"],
    ["--no-dev", "--depth", "1"],
    ["--universal", "--invert", "--no-dedupe"],
]


@pytest.fixture(scope="module")
def workspace_lock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.support.index_server import IndexServer
    from tests.support.wheels import make_wheel

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lock"))
    try:
        import test_uv_written_locks as written  # the project and the index of that module
    finally:
        sys.path.pop(0)
    tmp = tmp_path_factory.mktemp("tree-workspace")
    with IndexServer(written.DISTS) as index:
        app = tmp / "app"
        written._project(app, "app", written.APP.replace("@INDEX@", index.simple_url))
        written._project(app / "libs" / "local-lib", "local-lib", 'dependencies = ["gamma"]\n')
        written._project(app / "packages" / "member", "member", 'dependencies = ["eta"]\n')
        make_wheel(app / "wheels", "theta", "1.0")
        done = run_uv(["lock"], app, tmp)
        assert done.returncode == 0, done.stderr
    return app


@pytest.mark.parametrize("args", WORKSPACE_OPTIONS, ids=ids)
def test_workspace_lock_tree_as_uv(workspace_lock: Path, args: list[str], tmp_path: Path, no_uv_env: None,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    compare(workspace_lock, args, tmp_path, capsys)


# -- the seed project (conflicting extras from explicit indexes) -----------------------------------

SEED_OPTIONS = [
    [],
    ["--universal"],
    ["--invert"],
    ["--universal", "--invert"],
    ["--universal", "--no-dedupe"],
    ["--universal", "--package", "torch"],
    ["--universal", "--invert", "--package", "numpy"],
    ["--universal", "--prune", "torchvision"],
    ["--universal", "--depth", "1"],
    ["--python-platform", "aarch64-unknown-linux-gnu", "--python-version", "3.10"],
]


@pytest.fixture(scope="module")
def seed_lock(seed_latest: object, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("tree-seed")
    work = tmp / "simple"
    shutil.copytree(seed_latest.dir / "projects" / "simple", work)  # type: ignore[attr-defined]
    done = run_uv(["lock"], work, tmp)
    assert done.returncode == 0, done.stderr
    return work


@pytest.mark.devpi
@pytest.mark.parametrize("args", SEED_OPTIONS, ids=ids)
def test_seed_lock_tree_as_uv(seed_lock: Path, args: list[str], tmp_path: Path, no_uv_env: None,
                              capsys: pytest.CaptureFixture[str]) -> None:
    compare(seed_lock, args, tmp_path, capsys)


SIMPLE_APP = """[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["alpha>=2", "beta[fast]>=1; python_version >= '3.11'"]

[project.optional-dependencies]
cli = ["gamma"]

[dependency-groups]
dev = ["delta"]

[[tool.uv.index]]
name = "test"
url = "@INDEX@"
default = true
"""


def test_without_frozen_prong_locks_first(tmp_path: Path, no_uv_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    """No uv.lock: `prong tree` locks the project (as `uv tree` does), then draws the lock it wrote,
    which uv draws the same way."""
    from tests.support.index_server import IndexServer

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lock"))
    try:
        import test_uv_written_locks as written
    finally:
        sys.path.pop(0)
    with IndexServer(written.DISTS) as index:
        app = tmp_path / "app"
        app.mkdir()
        (app / "pyproject.toml").write_text(SIMPLE_APP.replace("@INDEX@", index.simple_url), encoding="utf-8")
        code = main(["--directory", str(app), "--cache-dir", str(tmp_path / "cache"), "tree", "--universal"])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert (app / "uv.lock").is_file()
        theirs = run_uv(["tree", "--frozen", "--universal"], app, tmp_path)
        assert out == theirs.stdout
        # --locked with a current lock draws it; the lock is kept as it is
        before = (app / "uv.lock").read_text(encoding="utf-8")
        assert main(["--directory", str(app), "--cache-dir", str(tmp_path / "cache"), "tree", "--locked"]) == 0
        assert (app / "uv.lock").read_text(encoding="utf-8") == before
