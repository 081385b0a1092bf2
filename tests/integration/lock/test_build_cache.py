"""Builds that are cached (issue 12): sdist metadata by the file's sha256, build environments by
their resolved requirements, path dependencies with dynamic metadata by the directory's cache key,
git and URL sources with dynamic metadata by their commit or sha256, and wheels that `sync` builds
from a directory.

Every test backend notes the hooks it runs in the file named by ``PRONG_TEST_BUILD_LOG``, so a
test counts the builds that ran (and proves that none did)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from prong.sources.direct import DirectSources
from tests.integration.lock.test_lock_direct_sources import _git, _tar, git_init
from tests.support.index_server import Hosted, IndexServer
from tests.support.uv import run_uv
from tests.support.wheels import BUILD_LOG_VAR, Dist


def _sdist(name: str, **kw: object) -> Dist:
    return Dist(name, "1.0", tag=None, requires_dist=["dep>=1"], project_dynamic=["dependencies"],
                build_requires=["buildtool"], **kw)  # type: ignore[arg-type]


#: an sdist without PKG-INFO whose dependencies are dynamic: built by its in-tree backend (`BACKEND`)
UDYN = Hosted(Dist("udyn", "1.0", None), b"")  # (its archive is made below, once BACKEND is defined)

DISTS = [Dist("dep", "1.0"), Dist("buildtool", "1.0"), Dist("six", "1.17.0"), _sdist("alpha"), _sdist("beta"), UDYN]


@pytest.fixture(scope="module")
def server() -> Iterator[IndexServer]:
    with IndexServer(DISTS) as s:
        yield s


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_env: None) -> Path:
    """``tmp_path``, where the backends log each hook they run (:func:`_hooks`)."""
    monkeypatch.setenv(BUILD_LOG_VAR, str(tmp_path / "builds.log"))
    return tmp_path


def _hooks(work: Path) -> list[str]:
    """The hooks run since the last call (the log is emptied)."""
    log = work / "builds.log"
    lines = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return lines


def _prong(work: Path, capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> str:
    code = main(["-vv", "--directory", str(project), "--cache-dir", str(work / "cache"), *args])
    err = capsys.readouterr().err
    assert code == 0, err
    return err


def _envs(err: str) -> tuple[int, int]:
    """(created, reused) build environments, from the -vv trace."""
    return (len(re.findall(r"build environment \S+: created", err)),
            len(re.findall(r"build environment \S+: reused", err)))


def test_sdist_metadata_is_built_once_and_build_environments_are_shared(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = work / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["alpha", "beta"]\n\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n')
    err = _prong(work, capsys, app, "lock")
    assert _hooks(work).count("prepare_metadata_for_build_wheel") == 2
    assert _envs(err) == (1, 1)  # alpha's environment (buildtool==1.0) serves beta's build too
    first = (app / "uv.lock").read_text()
    assert 'name = "dep"' in first

    (app / "uv.lock").unlink()  # resolved again: the metadata comes from the cache
    err = _prong(work, capsys, app, "lock")
    assert _hooks(work) == []
    assert _envs(err) == (0, 0)
    assert (app / "uv.lock").read_text() == first
    _prong(work, capsys, app, "lock", "--upgrade")
    assert _hooks(work) == []

    # alpha's metadata is gone: it is built again, in the environment kept from the first run
    _prong(work, capsys, app, "cache", "clean", "alpha")
    (app / "uv.lock").unlink()
    err = _prong(work, capsys, app, "lock")
    assert _hooks(work) == ["get_requires_for_build_wheel", "prepare_metadata_for_build_wheel"]
    assert _envs(err) == (0, 1)
    assert (app / "uv.lock").read_text() == first


# -- path dependencies with dynamic metadata --------------------------------------------------------

# An in-tree backend: the metadata is the file METADATA.in; each hook is noted as "<dir> <hook>".
BACKEND = '''
import os, zipfile
def _log(hook):
    path = os.environ.get("PRONG_TEST_BUILD_LOG")
    if path:
        with open(path, "a") as f:
            f.write(os.path.basename(os.getcwd()) + " " + hook + "\\n")
def _fields():
    with open("METADATA.in") as f:
        text = f.read()
    return text, dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
def get_requires_for_build_wheel(config_settings=None):
    _log("get_requires_for_build_wheel")
    return []
def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _log("prepare_metadata_for_build_wheel")
    text, fields = _fields()
    dist_info = fields["Name"].replace("-", "_") + "-" + fields["Version"] + ".dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info))
    with open(os.path.join(metadata_directory, dist_info, "METADATA"), "w") as f:
        f.write(text)
    return dist_info
def get_requires_for_build_editable(config_settings=None):
    _log("get_requires_for_build_editable")
    return []
def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    _log("prepare_metadata_for_build_editable")
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)
def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    _log("build_editable")
    return _wheel(wheel_directory)
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _log("build_wheel")
    return _wheel(wheel_directory)
def _wheel(wheel_directory):
    text, fields = _fields()
    stem = fields["Name"].replace("-", "_") + "-" + fields["Version"]
    files = {stem + ".dist-info/METADATA": text,
             stem + ".dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: t\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
             stem + ".dist-info/RECORD": ""}
    with zipfile.ZipFile(os.path.join(wheel_directory, stem + "-py3-none-any.whl"), "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return stem + "-py3-none-any.whl"
'''


UDYN.data = _tar({
    "udyn-1.0/backend.py": BACKEND.encode(),
    "udyn-1.0/METADATA.in": b"Metadata-Version: 2.1\nName: udyn\nVersion: 1.0\nRequires-Dist: dep>=1\n",
    "udyn-1.0/pyproject.toml": b'[project]\nname = "udyn"\nversion = "1.0"\ndynamic = ["dependencies"]\n\n'
                               b'[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'})


def _lib(root: Path, name: str, metadata: str, dynamic: str, extra: str = "") -> None:
    root.mkdir(parents=True)
    (root / "backend.py").write_text(BACKEND)
    (root / "METADATA.in").write_text(f"Metadata-Version: 2.1\nName: {name}\n{metadata}")
    version = "" if "version" in dynamic else 'version = "2.0.0"\n'
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\n{version}dynamic = {dynamic}\n\n'
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n' + extra)


def _path_project(base: Path, index_url: str) -> Path:
    _lib(base / "lib-a", "lib-a", "Version: 1.2.3\nRequires-Python: >=3.9\nRequires-Dist: dep>=1\n"
         "Provides-Extra: more\nRequires-Dist: six; extra == \"more\"\n",
         '["version", "dependencies", "optional-dependencies", "requires-python"]')
    _lib(base / "lib-b", "lib-b", "Version: 2.0.0\nRequires-Dist: six; python_version >= \"3.8\"\n",
         '["dependencies"]', '\n[tool.uv]\ncache-keys = [{ file = "pyproject.toml" }, { file = "METADATA.in" }]\n')
    app = base / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
        'dependencies = ["lib-a[more]", "lib-b"]\n\n'
        '[tool.uv.sources]\nlib-a = { path = "../lib-a", editable = true }\nlib-b = { path = "../lib-b" }\n\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n')
    return app


def _by_package(lines: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in lines:
        if line.endswith("prepare_metadata_for_build_editable"):  # (it runs the wheel's hook as well)
            continue
        if line.endswith("prepare_metadata_for_build_wheel"):
            out[line.split()[0]] = out.get(line.split()[0], 0) + 1
    return out


def test_path_dependencies_with_dynamic_metadata_lock_as_uv_and_rebuild_only_what_changed(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = _path_project(work / "prong", server.simple_url)
    theirs = _path_project(work / "uv", server.simple_url)
    _prong(work, capsys, ours, "lock")
    assert _by_package(_hooks(work)) == {"lib-a": 1, "lib-b": 1}
    done = run_uv(["lock"], theirs, work)
    assert done.returncode == 0, done.stderr
    _hooks(work)
    text = (ours / "uv.lock").read_text()
    assert text == (theirs / "uv.lock").read_text()
    assert 'name = "lib-a"\nsource = { editable = "../lib-a" }' in text  # a dynamic version: none written
    assert 'name = "lib-b"\nversion = "2.0.0"\nsource = { directory = "../lib-b" }' in text
    assert run_uv(["lock", "--locked"], ours, work).returncode == 0
    _hooks(work)

    # nothing changed: no build, and the lock is current
    _prong(work, capsys, ours, "lock", "--locked")
    (ours / "uv.lock").unlink()
    _prong(work, capsys, ours, "lock")
    assert _hooks(work) == []
    assert (ours / "uv.lock").read_text() == text

    # lib-a's pyproject.toml changes (uv's default cache keys): only lib-a is built again
    with open(ours.parent / "lib-a" / "pyproject.toml", "a") as f:
        f.write("# touched\n")
    _prong(work, capsys, ours, "lock")
    assert _by_package(_hooks(work)) == {"lib-a": 1}

    # lib-b names METADATA.in in its cache-keys: a new dependency there is seen
    meta = ours.parent / "lib-b" / "METADATA.in"
    meta.write_text(meta.read_text() + "Requires-Dist: dep\n")
    st = meta.stat()
    os.utime(meta, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    _prong(work, capsys, ours, "lock")
    assert _by_package(_hooks(work)) == {"lib-b": 1}
    block = (ours / "uv.lock").read_text().split('[[package]]\nname = "lib-b"')[1].split("[[package]]")[0]
    assert 'dependencies = [\n    { name = "dep" },\n    { name = "six" },\n]' in block

    # --refresh-package builds that one again, whatever its cache key says
    _prong(work, capsys, ours, "lock", "--refresh-package", "lib-b")
    assert _by_package(_hooks(work)) == {"lib-b": 1}


def test_sync_builds_a_directory_wheel_once(server: IndexServer, work: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    app = _path_project(work, server.simple_url)
    _prong(work, capsys, app, "sync")
    assert [line for line in _hooks(work) if line.endswith(" build_wheel")] == ["lib-b build_wheel"]
    shutil.rmtree(app / ".venv")
    _prong(work, capsys, app, "sync")
    assert [line for line in _hooks(work) if line.endswith(" build_wheel")] == []


def _dynamic_version_project(base: Path, index_url: str) -> Path:
    _lib(base / "lib-a", "lib-a", "Version: 1.2.3\n", '["version"]')
    _lib(base / "lib-c", "lib-c", "Version: 3.1\n", '["version"]')
    app = base / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
        'dependencies = ["lib-a", "lib-c"]\n\n'
        '[tool.uv.sources]\nlib-a = { path = "../lib-a", editable = true }\nlib-c = { path = "../lib-c" }\n\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n')
    return app


def _changes(err: str, base: Path) -> list[str]:
    """The summary's lines of changes, the project's directory written as <base>."""
    return [line.replace(base.as_uri(), "<base>") for line in err.splitlines()
            if line.startswith((" + ", " - ", " ~ ")) or line.startswith("Checked ")]


def test_sync_installs_a_dynamic_version_as_built_and_keeps_it(server: IndexServer, work: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    ours = _dynamic_version_project(work / "prong", server.simple_url)
    theirs = _dynamic_version_project(work / "uv", server.simple_url)
    err = _prong(work, capsys, ours, "sync")
    done = run_uv(["sync"], theirs, work)
    assert done.returncode == 0, done.stderr
    expected = [" + lib-a==1.2.3 (from <base>/lib-a)", " + lib-c==3.1 (from <base>/lib-c)"]
    assert _changes(err, work / "prong") == _changes(done.stderr, work / "uv") == expected
    assert (ours / "uv.lock").read_text() == (theirs / "uv.lock").read_text()  # neither locks a version
    site = next((ours / ".venv" / "lib").glob("python3*/site-packages"))
    assert {p.name for p in site.glob("lib_*.dist-info")} == {"lib_a-1.2.3.dist-info", "lib_c-3.1.dist-info"}
    _hooks(work)
    # a second sync has nothing to do (as uv's): no build, nothing installed again
    err = _prong(work, capsys, ours, "sync")
    done = run_uv(["sync"], theirs, work)
    assert _changes(err, work / "prong")[0].startswith("Checked 2 packages")
    assert _changes(done.stderr, work / "uv")[0].startswith("Checked 2 packages")
    assert len(_changes(err, work / "prong")) == 1
    assert _hooks(work) == []
    # --frozen with an empty cache: the version comes from the metadata, built then
    shutil.rmtree(work / "cache")
    err = _prong(work, capsys, ours, "sync", "--frozen", "--reinstall-package", "lib-c")
    done = run_uv(["sync", "--frozen", "--reinstall-package", "lib-c"], theirs, work)
    assert _changes(err, work / "prong") == _changes(done.stderr, work / "uv") == [" ~ lib-c==3.1 (from <base>/lib-c)"]
    assert "lib-c prepare_metadata_for_build_wheel" in _hooks(work)


def _broken_project(where: Path, prints: str) -> Path:
    """A project `broken` (version dynamic) whose in-tree backend runs ``prints`` and fails."""
    where.mkdir()
    (where / "backend.py").write_text(
        "import sys\ndef get_requires_for_build_wheel(config_settings=None):\n    return []\n"
        f"def prepare_metadata_for_build_wheel(d, config_settings=None):\n{prints}    raise SystemExit(1)\n")
    (where / "pyproject.toml").write_text(
        '[project]\nname = "broken"\ndynamic = ["version"]\n\n'
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n')
    return where


def test_a_failing_path_dependency_build_names_the_package_and_directory(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = _broken_project(work / "broken", "    for i in range(1, 31):\n        print(f'backend line {i}', file=sys.stderr)\n")
    app = work / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["broken"]\n\n'
        '[tool.uv.sources]\nbroken = { path = "../broken" }\n')
    code = main(["--directory", str(app), "--cache-dir", str(work / "cache"), "lock"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"error: failed to build `broken` from {lib}: could not prepare the metadata (exit status 1); "
                          "the last 20 of its 30 lines of output (all with `-v`):\n  backend line 11\n"), err
    assert "  backend line 30\n" in err and "backend line 10\n" not in err
    assert "hint: `broken` is a path dependency whose metadata is dynamic" in err
    assert not (app / "uv.lock").exists()


# -- git and URL sources with dynamic metadata ------------------------------------------------------

def _prepared(lines: list[str]) -> int:
    return sum(line.endswith(" prepare_metadata_for_build_wheel") for line in lines)


def _direct_project(where: Path, index_url: str, deps: list[str], sources: str) -> Path:
    where.mkdir(parents=True)
    (where / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
        f"dependencies = {deps!r}\n\n[tool.uv.sources]\n{sources}\n\n".replace("'", '"')
        + f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n')
    return where


def _built_once_then_cached(work: Path, capsys: pytest.CaptureFixture[str], deps: list[str], sources: str,
                            index_url: str) -> str:
    """Locks (prong, then uv in a twin project: the same bytes); a second lock without uv.lock
    and with the same cache runs no hook and writes the same lock."""
    ours = _direct_project(work / "prong" / "app", index_url, deps, sources)
    theirs = _direct_project(work / "uv" / "app", index_url, deps, sources)
    _hooks(work)
    _prong(work, capsys, ours, "lock")
    assert _prepared(_hooks(work)) == 1
    text = (ours / "uv.lock").read_text()
    done = run_uv(["lock"], theirs, work)
    assert done.returncode == 0, done.stderr
    _hooks(work)
    assert (theirs / "uv.lock").read_text() == text
    (ours / "uv.lock").unlink()
    DirectSources._memo.clear()  # as a new process: what this one read is forgotten, the cache is not
    err = _prong(work, capsys, ours, "lock")
    assert _hooks(work) == []
    assert "from the cache (the source is immutable)" in err
    assert (ours / "uv.lock").read_text() == text
    return text


def test_a_git_dependency_with_dynamic_metadata_is_built_once(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = work / "repo"
    _lib(repo / "gdyn", "gdyn", "Version: 2.0.0\nRequires-Dist: dep>=1\n", '["dependencies"]')
    git_init(repo)
    _git(repo, "tag", "v1")
    text = _built_once_then_cached(
        work, capsys, ["gdyn"], f'gdyn = {{ git = "{repo.as_uri()}", tag = "v1", subdirectory = "gdyn" }}',
        server.simple_url)
    block = text.split('[[package]]\nname = "gdyn"')[1].split("[[package]]")[0]
    assert 'dependencies = [\n    { name = "dep" },\n]' in block
    assert f'source = {{ git = "{repo.as_uri()}?subdirectory=gdyn&tag=v1#{_git(repo, "rev-parse", "v1")}" }}' in block
    # --no-cache: the metadata is built again (and not read from, nor kept in, the cache)
    ours = work / "prong" / "app"
    (ours / "uv.lock").unlink()
    DirectSources._memo.clear()
    _prong(work, capsys, ours, "lock", "--no-cache")
    assert _prepared(_hooks(work)) == 1
    assert (ours / "uv.lock").read_text() == text


def test_a_url_sdist_with_dynamic_metadata_is_built_once(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{server.url}/files/{UDYN.filename}"
    text = _built_once_then_cached(work, capsys, ["udyn"], f'udyn = {{ url = "{url}" }}', server.simple_url)
    block = text.split('[[package]]\nname = "udyn"')[1].split("[[package]]")[0]
    assert 'dependencies = [\n    { name = "dep" },\n]' in block
    assert f'sdist = {{ hash = "sha256:{UDYN.sha256}" }}' in block


def test_a_failing_git_dependency_build_is_an_error_naming_the_package_and_source(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _broken_project(work / "repo", "    print('backend says no', file=sys.stderr)\n")
    git_init(repo)
    app = _direct_project(work / "app", "http://127.0.0.1:9/simple", ["broken"],
                          f'broken = {{ git = "{repo.as_uri()}" }}')
    code = main(["--directory", str(app), "--cache-dir", str(work / "cache"), "lock"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"error: failed to build `broken` from {repo.as_uri()}: could not prepare the metadata "
                          "(exit status 1); its output:\n  backend says no\n"), err
    assert f"hint: the metadata of `broken` ({repo.as_uri()}) is dynamic" in err
    assert not (app / "uv.lock").exists()
    # nothing was kept: the next run builds (and fails) again
    DirectSources._memo.clear()
    assert main(["--directory", str(app), "--cache-dir", str(work / "cache"), "lock"]) == 1
    assert "backend says no" in capsys.readouterr().err


@pytest.mark.parametrize("options", [("--no-build",), ("--no-build-package", "gdyn")])
def test_no_build_refuses_a_git_dependency_with_dynamic_metadata_as_uv_does(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str], options: tuple[str, ...]
) -> None:
    repo = work / "repo"
    _lib(repo, "gdyn", "Version: 2.0.0\nRequires-Dist: dep>=1\n", '["dependencies"]')
    git_init(repo)
    sources = f'gdyn = {{ git = "{repo.as_uri()}" }}'
    ours = _direct_project(work / "prong" / "app", server.simple_url, ["gdyn"], sources)
    theirs = _direct_project(work / "uv" / "app", server.simple_url, ["gdyn"], sources)
    _hooks(work)
    code = main(["--directory", str(ours), "--cache-dir", str(work / "cache"), "lock", *options])
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith(f"error: failed to build `gdyn @ {repo.as_uri()}`: its metadata is dynamic, and building "
                          "`gdyn` from source is disabled\nhint: Allow the build of `gdyn`"), err
    assert _hooks(work) == [] and not (ours / "uv.lock").exists()
    done = run_uv(["lock", *options], theirs, work)
    assert done.returncode == 1 and "Building source distributions for `gdyn` is disabled" in done.stderr
