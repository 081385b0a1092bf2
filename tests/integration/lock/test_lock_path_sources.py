"""`prong lock` with directory `path` sources (editable and not, with markers, extras and their own
dependencies) writes uv's lock byte for byte; each tool accepts the other's lock; `prong sync`
installs them as uv does (editable from the tree, a directory built as a wheel)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import IndexServer
from tests.support.uv import run_uv
from tests.support.wheels import Dist

BACKEND = "def get_requires_for_build_wheel(config_settings=None):\n    return []\n"


@pytest.fixture
def server() -> Iterator[IndexServer]:
    with IndexServer([Dist("six", "1.17.0"), Dist("idna", "3.10"), Dist("idna", "2.0")]) as s:
        yield s


def _lib(root: Path, name: str, body: str) -> None:
    (root / "src" / name).mkdir(parents=True)
    (root / "src" / name / "__init__.py").write_text(f"NAME = {name!r}\n")
    (root / "backend.py").write_text(BACKEND)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\nversion = "1.0.0"\nrequires-python = ">=3.9"\n{body}\n'
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n')


def _workspace(base: Path, index_url: str) -> Path:
    _lib(base / "libs" / "lib-a", "lib_a", 'dependencies = ["idna>=3", "lib-c"]\n\n[tool.uv.sources]\n'
                                          'lib-c = { path = "../lib-c" }')
    _lib(base / "libs" / "lib-b", "lib_b",
         'dependencies = ["six ; python_version < \'3.12\'"]\n\n[project.optional-dependencies]\nfast = ["idna"]')
    _lib(base / "libs" / "lib-c", "lib_c", "dependencies = []")
    app = base / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
        'dependencies = ["lib-a", "lib-b[fast] ; sys_platform == \'linux\'"]\n\n'
        '[tool.uv.sources]\nlib-a = { path = "../libs/lib-a", editable = true }\nlib-b = { path = "../libs/lib-b" }\n\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n')
    return app


def test_path_sources_lock_as_uv(server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ours = _workspace(tmp_path / "prong", server.simple_url)
    theirs = _workspace(tmp_path / "uv", server.simple_url)
    assert main(["--directory", str(ours), "--cache-dir", str(tmp_path / "cache"), "lock"]) == 0, \
        capsys.readouterr().err
    done = run_uv(["lock"], theirs, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (ours / "uv.lock").read_text() == (theirs / "uv.lock").read_text()
    text = (ours / "uv.lock").read_text()
    assert 'source = { editable = "../libs/lib-a" }' in text and 'source = { directory = "../libs/lib-b" }' in text
    assert 'source = { directory = "../libs/lib-c" }' in text
    check = run_uv(["lock", "--locked"], ours, tmp_path)
    assert check.returncode == 0, check.stderr
    capsys.readouterr()
    assert main(["--directory", str(theirs), "--cache-dir", str(tmp_path / "cache2"), "lock", "--locked"]) == 0, \
        capsys.readouterr().err
    # the lock stays valid where the tree moves (relative paths)
    moved = tmp_path / "moved"
    shutil.copytree(tmp_path / "prong", moved)
    assert run_uv(["lock", "--locked"], moved / "app", tmp_path).returncode == 0


def test_a_path_source_that_does_not_exist_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["lib"]\n'
        '[tool.uv.sources]\nlib = { path = "../nope" }\n')
    code = main(["--directory", str(app), "--cache-dir", str(tmp_path / "cache"), "lock"])
    err = capsys.readouterr().err
    assert code == 2 and "`tool.uv.sources.lib[0].path`: ../nope does not exist" in err
    assert not (app / "uv.lock").exists()


def test_a_changed_path_dependency_is_locked_again(server: IndexServer, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    app = _workspace(tmp_path / "w", server.simple_url)
    args = ["--directory", str(app), "--cache-dir", str(tmp_path / "cache"), "lock"]
    assert main(args) == 0
    assert main(args) == 0  # the no-op
    lib_c = tmp_path / "w" / "libs" / "lib-c" / "pyproject.toml"  # a path dependency of a path dependency
    assert '{ name = "six" }' not in (app / "uv.lock").read_text().split('[[package]]\nname = "lib-c"')[1].split("[[package]]")[0]
    lib_c.write_text(lib_c.read_text().replace("dependencies = []", 'dependencies = ["six"]'))
    capsys.readouterr()
    assert main(args) == 0, capsys.readouterr().err
    after = (app / "uv.lock").read_text().split('[[package]]\nname = "lib-c"')[1].split("[[package]]")[0]
    assert '{ name = "six" }' in after
    assert run_uv(["lock", "--locked"], app, tmp_path).returncode == 0
