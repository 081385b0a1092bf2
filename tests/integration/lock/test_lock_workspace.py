"""uv workspaces: `[tool.uv.workspace]` members and excludes, `workspace = true` sources, one lock at
the workspace root with the members locked editable (or virtual), `[manifest] members`, the
members' `requires-python` intersected; byte for byte uv's lock, each tool accepting the other's;
a virtual root (no `[project]`); `prong lock` from a member directory; `prong sync --all-packages`
and `--package`; bad workspaces refused with the file, the key and a hint."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.integration.sync.test_sync_editable import _tinybuild_wheel
from tests.support.index_server import IndexServer
from tests.support.uv import run_uv
from tests.support.wheels import Dist

pytestmark = pytest.mark.usefixtures("isolated_env")  # no configuration from outside (tests/conftest.py)


BUILD = '[build-system]\nrequires = ["tinybuild"]\nbuild-backend = "tinybuild"\n'


@pytest.fixture(scope="module")
def server() -> Iterator[IndexServer]:
    with IndexServer([Dist("six", "1.17.0"), Dist("idna", "3.10"), Dist("idna", "2.0"), _tinybuild_wheel()]) as s:
        yield s


def _member(root: Path, name: str, body: str) -> None:
    (root / "src" / name).mkdir(parents=True)
    (root / "src" / name / "__init__.py").write_text(f"NAME = {name!r}\n")
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "1.0.0"\n{body}\n' + BUILD)


def _workspace(base: Path, index_url: str, *, virtual: bool = False) -> Path:
    """The root (`root`, depending on member `a`; or a virtual root whose `dev` group wants `b`),
    member `a`, member `b` (on `a` and on `six` from the index, with a `dev` group), and an
    excluded directory without a pyproject.toml."""
    base.mkdir(parents=True)
    index = f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n'
    workspace = '[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/notes"]\n'
    if virtual:
        (base / "pyproject.toml").write_text(
            '[dependency-groups]\ndev = ["b"]\n\n[tool.uv.sources]\nb = { workspace = true }\n\n'
            f'{workspace}\n{index}')
    else:
        (base / "src" / "root").mkdir(parents=True)
        (base / "src" / "root" / "__init__.py").write_text("")
        (base / "pyproject.toml").write_text(
            '[project]\nname = "root"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["a"]\n\n'
            f'[tool.uv.sources]\na = {{ workspace = true }}\n\n{workspace}\n{index}\n{BUILD}')
    packages = base / "packages"
    _member(packages / "a", "a", 'requires-python = ">=3.10"\ndependencies = []\n')
    _member(packages / "b", "b", 'requires-python = ">=3.9,<3.14"\ndependencies = ["a", "six"]\n\n'
            '[dependency-groups]\ndev = ["idna"]\n\n[tool.uv.sources]\na = { workspace = true }\n')
    (packages / "notes").mkdir()
    (packages / "notes" / "README").write_text("not a member\n")
    return base


def _prong(capsys: pytest.CaptureFixture[str], directory: Path, cache: Path, *args: str) -> tuple[int, str]:
    code = main(["--directory", str(directory), "--cache-dir", str(cache), *args])
    return code, capsys.readouterr().err


def _locks_as_uv(capsys: pytest.CaptureFixture[str], ours: Path, theirs: Path, tmp_path: Path) -> str:
    """`prong lock` in ``ours``, `uv lock` in its twin ``theirs``: the same bytes; the lock's text."""
    code, err = _prong(capsys, ours, tmp_path / "cache", "lock")
    assert code == 0, err
    done = run_uv(["lock"], theirs, tmp_path)
    assert done.returncode == 0, done.stderr
    text = (ours / "uv.lock").read_text()
    assert text == (theirs / "uv.lock").read_text()
    return text


@pytest.mark.parametrize("virtual", [False, True], ids=["root-project", "virtual-root"])
def test_workspace_lock_as_uv(server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              virtual: bool) -> None:
    ours = _workspace(tmp_path / "prong", server.simple_url, virtual=virtual)
    theirs = _workspace(tmp_path / "uv", server.simple_url, virtual=virtual)
    text = _locks_as_uv(capsys, ours, theirs, tmp_path)
    assert 'requires-python = ">=3.10, <3.14"' in text
    assert 'source = { editable = "packages/a" }' in text and '{ name = "a", editable = "packages/a" }' in text
    members = '[manifest]\nmembers = [\n    "a",\n    "b",\n' + ('' if virtual else '    "root",\n') + ']\n'
    assert members in text
    if virtual:
        assert '[manifest.dependency-groups]\ndev = [{ name = "b", editable = "packages/b" }]' in text
    # each tool takes the other's lock as current
    check = run_uv(["lock", "--locked"], ours, tmp_path)
    assert check.returncode == 0, check.stderr
    code, err = _prong(capsys, theirs, tmp_path / "cache2", "lock", "--locked")
    assert code == 0, err
    # the lock stays valid where the workspace moves (paths relative to the root)
    moved = tmp_path / "moved"
    shutil.copytree(ours, moved)
    assert run_uv(["lock", "--locked"], moved, tmp_path).returncode == 0
    code, err = _prong(capsys, moved, tmp_path / "cache3", "lock", "--locked")
    assert code == 0, err


def test_a_changed_member_makes_the_lock_stale(server: IndexServer, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    ws = _workspace(tmp_path / "w", server.simple_url)
    assert _prong(capsys, ws, tmp_path / "cache", "lock")[0] == 0
    b = ws / "packages" / "b" / "pyproject.toml"
    b.write_text(b.read_text().replace('"six"]', '"six", "idna"]'))
    code, err = _prong(capsys, ws, tmp_path / "cache", "lock", "--locked")
    assert code != 0 and "idna" in err
    assert _prong(capsys, ws, tmp_path / "cache", "lock")[0] == 0
    assert run_uv(["lock", "--locked"], ws, tmp_path).returncode == 0


def test_lock_from_a_member_directory_writes_the_roots_lock(server: IndexServer, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    ws = _workspace(tmp_path / "w", server.simple_url)
    code, err = _prong(capsys, ws / "packages" / "b", tmp_path / "cache", "lock")
    assert code == 0, err
    assert (ws / "uv.lock").is_file() and not (ws / "packages" / "b" / "uv.lock").exists()
    assert run_uv(["lock", "--locked"], ws / "packages" / "b", tmp_path).returncode == 0
    # uv has no `lock --package`; neither has prong
    capsys.readouterr()
    assert main(["--directory", str(ws), "lock", "--package", "b"]) == 2
    assert "unrecognized arguments: --package b" in capsys.readouterr().err


def _installed(venv: Path) -> set[str]:
    (site,) = venv.glob("lib/python3.*/site-packages")
    return {p.name.split("-")[0] for p in site.glob("*.dist-info")}


def test_sync_all_packages_and_one_package(server: IndexServer, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    ws = _workspace(tmp_path / "w", server.simple_url)
    cache = tmp_path / "cache"
    code, err = _prong(capsys, ws, cache, "sync", "--all-packages", "--python", sys.executable)
    assert code == 0, err
    venv = ws / ".venv"
    assert _installed(venv) == {"a", "b", "root", "six", "idna"}
    done = subprocess.run([str(venv / "bin" / "python"), "-c", "import a, b, root; print(a.NAME, b.NAME)"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "a b", done.stderr
    code, err = _prong(capsys, ws, cache, "sync", "--package", "b", "--python", sys.executable)
    assert code == 0, err
    assert _installed(venv) == {"a", "b", "six", "idna"}  # b, its dependencies and its default group
    # in a member directory, the member is what is synced (into the workspace's venv)
    code, err = _prong(capsys, ws / "packages" / "a", cache, "sync", "--python", sys.executable)
    assert code == 0, err
    assert _installed(venv) == {"a"} and not (ws / "packages" / "a" / ".venv").exists()
    code, err = _prong(capsys, ws, cache, "sync", "--package", "nope", "--python", sys.executable)
    assert code == 2 and "The workspace does not have a member nope" in err


def test_run_package(server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = _workspace(tmp_path / "w", server.simple_url)
    code = main(["--directory", str(ws), "--cache-dir", str(tmp_path / "cache"), "run", "--package", "b",
                 "--python", sys.executable, "python", "-c", "import b, six; print(b.NAME)"])
    assert code == 0, capsys.readouterr().err


def test_a_glob_that_matches_nothing_is_accepted(server: IndexServer, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    ws = _workspace(tmp_path / "w", server.simple_url)
    py = ws / "pyproject.toml"
    py.write_text(py.read_text().replace('members = ["packages/*"]', 'members = ["packages/*", "libs/*"]'))
    code, err = _prong(capsys, ws, tmp_path / "cache", "lock")
    assert code == 0, err  # as uv: a glob may match nothing yet
    assert "`tool.uv.workspace.members[1]`: `libs/*` matches no directory" in err
    assert run_uv(["lock", "--locked"], ws, tmp_path).returncode == 0


@pytest.mark.parametrize("case", ["no-pyproject", "same-name", "not-a-member"])
def test_bad_workspaces_are_refused(server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    case: str) -> None:
    ws = _workspace(tmp_path / "w", server.simple_url)
    if case == "no-pyproject":
        (ws / "packages" / "c").mkdir()
        (ws / "packages" / "c" / "setup.py").write_text("")
        wanted = ["pyproject.toml: `tool.uv.workspace.members[0]`: workspace member `packages/c` (matched by "
                  "`packages/*`) has no pyproject.toml", "hint: Add a pyproject.toml"]
    elif case == "same-name":
        b = ws / "packages" / "b" / "pyproject.toml"
        b.write_text(b.read_text().replace('name = "b"', 'name = "A"'))
        wanted = ["`tool.uv.workspace.members[0]`: two workspace members are both named `a`: `packages/a` and "
                  "`packages/b`", "hint: Rename one of them"]
    else:
        py = ws / "pyproject.toml"
        py.write_text(py.read_text().replace('dependencies = ["a"]', 'dependencies = ["a", "zzz"]')
                      .replace("a = { workspace = true }", "a = { workspace = true }\nzzz = { workspace = true }"))
        wanted = ["`tool.uv.sources.zzz[0]`: `zzz` references a workspace in `tool.uv.sources`",
                  "but is not a workspace member", "hint: Add its directory to `tool.uv.workspace.members`"]
    code, err = _prong(capsys, ws / "packages" / "a", tmp_path / "cache", "lock")
    assert code == 2, err
    assert err.startswith("error: ") and str(ws / "pyproject.toml") in err
    for text in wanted:
        assert text in err
    assert not (ws / "uv.lock").exists()
    assert run_uv(["lock"], ws, tmp_path).returncode != 0  # uv refuses them too


def test_a_members_conflicts_are_read_as_uv_reads_them(server: IndexServer, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """uv collects `[tool.uv] conflicts` from every member (an item without `package` is that
    member's), not from the root alone: extras of `b` that cannot be installed together lock."""
    def make(base: Path) -> Path:
        ws = _workspace(base, server.simple_url)
        b = ws / "packages" / "b" / "pyproject.toml"
        b.write_text(b.read_text().replace(
            '[dependency-groups]', '[project.optional-dependencies]\nnew = ["idna==3.10"]\nold = ["idna==2.0"]\n\n'
            '[dependency-groups]').replace('dev = ["idna"]', 'dev = ["six"]')
            + '\n[tool.uv]\nconflicts = [[{ extra = "new" }, { extra = "old" }]]\n')
        return ws

    ours, theirs = make(tmp_path / "prong"), make(tmp_path / "uv")
    text = _locks_as_uv(capsys, ours, theirs, tmp_path)
    assert 'conflicts = [[\n    { package = "b", extra = "new" },\n    { package = "b", extra = "old" },\n]]' in text


def test_a_virtual_roots_own_groups_are_synced(server: IndexServer, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A workspace root without [project]: `prong sync` installs every member and the root's
    default groups (`dev`), `--group NAME` adds another, `--no-dev` drops `dev`: as uv does."""
    ws = _workspace(tmp_path / "w", server.simple_url, virtual=True)
    py = ws / "pyproject.toml"
    py.write_text(py.read_text().replace('dev = ["b"]', 'dev = ["b", "idna==3.10"]\nlint = ["idna==2.0; python_version < \'3\'"]'))
    cache = tmp_path / "cache"
    code, err = _prong(capsys, ws, cache, "sync", "--python", sys.executable)
    assert code == 0, err
    assert _installed(ws / ".venv") == {"a", "b", "six", "idna"}
    assert "idna==3.10" in err
    code, err = _prong(capsys, ws, cache, "sync", "--no-dev", "--python", sys.executable)
    assert code == 0, err
    assert _installed(ws / ".venv") == {"a", "b", "six"}
    code, err = _prong(capsys, ws, cache, "sync", "--group", "lint", "--no-dev", "--python", sys.executable)
    assert code == 0, err  # a known group (its only requirement is for Python 2: nothing to install)
    assert _installed(ws / ".venv") == {"a", "b", "six"}
    assert run_uv(["lock", "--locked"], ws, tmp_path).returncode == 0
