"""Issue 12's acceptance project: every kind of source in one workspace.

The root project `app` (a two-member workspace: `a` and `b`, `b` depending on `a`) depends on an
editable path dependency in the tree (`vendor/lib`), a wheel file by path (`dists/`), an sdist by
URL from a 127.0.0.1 server, and a git repository (outside the tree) at a tag and a subdirectory.
`prong lock` writes uv's lock byte for byte; each tool accepts the other's lock; the tree copied
elsewhere keeps a valid lock; `prong sync --all-packages` installs everything importable."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.integration.lock.test_lock_direct_sources import _git, _tree_of, git_init
from tests.integration.lock.test_lock_workspace import _locks_as_uv
from tests.integration.sync.test_sync_editable import _tinybuild_wheel
from tests.support.index_server import IndexServer
from tests.support.uv import run_uv
from tests.support.wheels import Dist, make_wheel

pytestmark = pytest.mark.usefixtures("isolated_env")  # no configuration from outside (tests/conftest.py)


BUILD = '[build-system]\nrequires = ["tinybuild"]\nbuild-backend = "tinybuild"\n'


@pytest.fixture(scope="module")
def server() -> Iterator[IndexServer]:
    with IndexServer([Dist("six", "1.17.0"), Dist("idna", "3.10"), Dist("spkg", "2.0", None, requires_dist=["idna"]),
                          _tinybuild_wheel()]) as s:
        yield s


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository whose project `gpkg` lives in `sub-g`, tagged `v1`."""
    root = tmp_path_factory.mktemp("git") / "repo"
    for name, data in _tree_of(Dist("gpkg", "3.0", None, requires_dist=["six"])).items():
        (root / "sub-g" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "sub-g" / name).write_bytes(data)
    git_init(root)
    _git(root, "tag", "v1")
    return root


def _package(where: Path, name: str, deps: str, extra: str = "") -> None:
    (where / "src" / name).mkdir(parents=True)
    (where / "src" / name / "__init__.py").write_text(f"NAME = {name!r}\n")
    (where / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\nversion = "1.0.0"\nrequires-python = ">=3.9"\ndependencies = [{deps}]\n\n'
        f"{extra}{BUILD}")


def _project(base: Path, server: IndexServer, repo: Path) -> Path:
    sdist_url = f"{server.url}/files/spkg-2.0.tar.gz"
    base.mkdir(parents=True)
    make_wheel(base / "dists", "wpkg", "1.0", requires_dist=["six"])
    _package(base / "vendor" / "lib", "lib", '"six"')
    _package(base / "packages" / "a", "a", "")
    _package(base / "packages" / "b", "b", '"a", "idna"', "[tool.uv.sources]\na = { workspace = true }\n\n")
    (base / "src" / "app").mkdir(parents=True)
    (base / "src" / "app" / "__init__.py").write_text("")
    (base / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
        f'dependencies = ["a", "b", "lib", "wpkg", "spkg @ {sdist_url}", "gpkg"]\n\n'
        "[tool.uv.sources]\n"
        "a = { workspace = true }\nb = { workspace = true }\n"
        'lib = { path = "vendor/lib", editable = true }\n'
        'wpkg = { path = "dists/wpkg-1.0-py3-none-any.whl" }\n'
        f'gpkg = {{ git = "{repo.as_uri()}", tag = "v1", subdirectory = "sub-g" }}\n\n'
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n\n{BUILD}')
    return base


def _prong(capsys: pytest.CaptureFixture[str], directory: Path, cache: Path, *args: str) -> tuple[int, str]:
    code = main(["--directory", str(directory), "--cache-dir", str(cache), *args])
    return code, capsys.readouterr().err


def test_every_kind_of_source_locks_as_uv(server: IndexServer, repo: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    ours = _project(tmp_path / "prong" / "app", server, repo)
    theirs = _project(tmp_path / "uv" / "app", server, repo)
    text = _locks_as_uv(capsys, ours, theirs, tmp_path)
    commit = _git(repo, "rev-parse", "v1")
    for wanted in ('source = { editable = "packages/a" }', 'source = { editable = "vendor/lib" }',
                   'source = { path = "dists/wpkg-1.0-py3-none-any.whl" }',
                   f'source = {{ url = "{server.url}/files/spkg-2.0.tar.gz" }}',
                   f'source = {{ git = "{repo.as_uri()}?subdirectory=sub-g&tag=v1#{commit}" }}',
                   '[manifest]\nmembers = [\n    "a",\n    "app",\n    "b",\n]\n'):
        assert wanted in text
    # each tool takes the other's lock as current
    check = run_uv(["lock", "--locked"], ours, tmp_path)
    assert check.returncode == 0, check.stderr
    code, err = _prong(capsys, theirs, tmp_path / "cache2", "lock", "--locked")
    assert code == 0, err
    # the tree copied elsewhere keeps a valid lock (paths relative to the root)
    moved = tmp_path / "elsewhere" / "deeper" / "app"
    shutil.copytree(ours, moved)
    assert run_uv(["lock", "--locked"], moved, tmp_path).returncode == 0
    code, err = _prong(capsys, moved, tmp_path / "cache3", "lock", "--locked")
    assert code == 0, err
    # and it installs: every package importable from the project's venv
    code, err = _prong(capsys, moved, tmp_path / "cache", "sync", "--all-packages", "--python", sys.executable)
    assert code == 0, err
    done = subprocess.run([str(moved / ".venv" / "bin" / "python"), "-c",
                           "import app, a, b, lib, wpkg, spkg, gpkg, six, idna; print(lib.__file__)"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(moved / "vendor" / "lib"))  # editable: the tree's own file
