"""Build environment settings (issue 12 item 4), as uv 0.13.9 reads them from `[tool.uv]`:
`build-constraint-dependencies` (every build environment's resolution, and the lock's `[manifest]
build-constraints`), `extra-build-dependencies` (installed beside a package's `[build-system]
requires`) and `no-build-isolation-package` (built in the project's `.venv`, as it is).

The local index serves two versions of a stub backend (`stubback` 1.0 and 2.0) and a module
`helper`; the backend logs `stubback==<version> <hook> helper=<helper's version or missing>` to
`$PRONG_TEST_BUILD_LOG`, so a test sees which backend ran and what its environment held. The
project depends on `lib`, a path dependency whose version is dynamic: locking it builds its
metadata, syncing it builds its wheel."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.integration.lock.test_build_cache import _hooks
from tests.integration.lock.test_lock_direct_sources import _git, git_init
from tests.support.backends import backend_wheel, module_wheel
from tests.support.index_server import IndexServer
from tests.support.uv import run_uv, uv_bin
from tests.support.wheels import BUILD_LOG_VAR, Dist


@pytest.fixture(scope="module")
def server() -> Iterator[IndexServer]:
    with IndexServer([backend_wheel("stubback", "1.0"), backend_wheel("stubback", "2.0"),
                          module_wheel("helper", "1.0"), Dist("six", "1.17.0")]) as s:
        yield s


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(BUILD_LOG_VAR, str(tmp_path / "builds.log"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for key in [k for k in os.environ if k.startswith("UV_") or k == "VIRTUAL_ENV"]:
        monkeypatch.delenv(key)
    return tmp_path


def _project(work: Path, server: IndexServer, tool_uv: str, name: str = "app") -> Path:
    app = work / name
    (app / "lib").mkdir(parents=True)
    (app / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["lib"]\n\n'
        f"[tool.uv]\n{tool_uv}\n\n"
        '[tool.uv.sources]\nlib = { path = "lib" }\n\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n')
    (app / "lib" / "pyproject.toml").write_text(
        '[project]\nname = "lib"\ndynamic = ["version"]\n\n'
        '[build-system]\nrequires = ["stubback"]\nbuild-backend = "stubback"\n')
    return app


def _prong(work: Path, capsys: pytest.CaptureFixture[str], project: Path, *args: str, code: int = 0) -> str:
    got = main(["--directory", str(project), "--cache-dir", str(work / "cache"), *args])
    err = capsys.readouterr().err
    assert got == code, err
    return err


CONSTRAINTS = 'build-constraint-dependencies = ["stubback<2", "six>=1 ; python_version >= \\"3.8\\""]'


def test_build_constraint_picks_the_older_backend_and_is_locked_as_uv(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = _project(work, server, CONSTRAINTS)
    _prong(work, capsys, app, "lock")
    assert _hooks(work) == ["stubback==1.0 get_requires_for_build_wheel helper=missing",
                            "stubback==1.0 prepare_metadata_for_build_wheel helper=missing"]
    text = (app / "uv.lock").read_text()
    assert ('[manifest]\nbuild-constraints = [\n'
            '    { name = "six", marker = "python_full_version >= \'3.8\'", specifier = ">=1" },\n'
            '    { name = "stubback", specifier = "<2" },\n]\n') in text
    twin = work / "twin"
    shutil.copytree(app, twin)
    (twin / "uv.lock").unlink()
    result = run_uv(["lock"], twin, work)
    assert result.returncode == 0, result.stderr
    assert (twin / "uv.lock").read_text() == text  # byte for byte
    result = run_uv(["lock", "--locked"], app, work)  # uv accepts prong's lock
    assert result.returncode == 0, result.stderr
    _prong(work, capsys, app, "lock", "--locked")  # and prong uv's
    # a changed constraint makes the lock stale, for both
    pyproject = app / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("stubback<2", "stubback<1.5"))
    err = _prong(work, capsys, app, "lock", "--locked", code=1)
    assert "build constraint `stubback<2` changed to `stubback<1.5`" in err
    assert run_uv(["lock", "--locked"], app, work).returncode != 0


def test_build_constraint_applies_to_sync_and_build(server: IndexServer, work: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    app = _project(work, server, CONSTRAINTS)
    _prong(work, capsys, app, "sync")
    hooks = _hooks(work)
    assert "stubback==1.0 build_wheel helper=missing" in hooks
    assert not [h for h in hooks if h.startswith("stubback==2.0")]
    lib = app / "lib"
    (lib / "pyproject.toml").write_text((lib / "pyproject.toml").read_text().replace(
        "[project]", '[tool.uv]\nbuild-constraint-dependencies = ["stubback<2"]\n\n'
        f'[[tool.uv.index]]\nurl = "{server.simple_url}"\ndefault = true\n\n[project]'))
    _prong(work, capsys, lib, "build", "--wheel")
    assert _hooks(work) == ["stubback==1.0 get_requires_for_build_wheel helper=missing",
                            "stubback==1.0 build_wheel helper=missing"]
    assert (lib / "dist" / "lib-1.0-py3-none-any.whl").is_file()


def test_extra_build_dependency_is_importable_by_the_backend(server: IndexServer, work: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    app = _project(work, server, 'extra-build-dependencies = { lib = ["helper"] }')
    _prong(work, capsys, app, "lock")
    assert _hooks(work) == ["stubback==2.0 get_requires_for_build_wheel helper=1.0",
                            "stubback==2.0 prepare_metadata_for_build_wheel helper=1.0"]
    _prong(work, capsys, app, "sync")
    assert "stubback==2.0 build_wheel helper=1.0" in _hooks(work)
    # another package's extra dependencies are not in lib's environment (which is cached apart)
    other = _project(work, server, 'extra-build-dependencies = { other = ["helper"] }', name="other")
    _prong(work, capsys, other, "lock")
    assert _hooks(work)[-1] == "stubback==2.0 prepare_metadata_for_build_wheel helper=missing"


def _git_project(work: Path, server: IndexServer, tool_uv: str, name: str) -> Path:
    """A project depending on `gext`, from a git repository; gext's version is dynamic (built by
    `stubback`)."""
    repo = work / "repo"
    if not repo.exists():
        repo.mkdir()
        (repo / "pyproject.toml").write_text(
            '[project]\nname = "gext"\ndynamic = ["version"]\n\n'
            '[build-system]\nrequires = ["stubback"]\nbuild-backend = "stubback"\n')
        git_init(repo)
    app = work / name
    app.mkdir()
    (app / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["gext"]\n\n'
        f"[tool.uv]\n{tool_uv}\n\n"
        f'[tool.uv.sources]\ngext = {{ git = "{repo.as_uri()}" }}\n\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n')
    return app


def test_build_settings_reach_the_metadata_build_of_a_git_dependency(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = _git_project(work, server, 'extra-build-dependencies = { gext = ["helper"] }', "app")
    _prong(work, capsys, app, "lock")
    assert _hooks(work) == ["stubback==2.0 get_requires_for_build_wheel helper=1.0",
                            "stubback==2.0 prepare_metadata_for_build_wheel helper=1.0"]
    text = (app / "uv.lock").read_text()
    assert 'name = "gext"\nversion = "1.0"\nsource = { git = "' in text
    twin = _git_project(work, server, 'extra-build-dependencies = { gext = ["helper"] }', "twin")
    result = run_uv(["lock"], twin, work)
    assert result.returncode == 0, result.stderr
    assert (twin / "uv.lock").read_text() == text
    _hooks(work)
    # without isolation, the build happens in the project's environment (there is none here); in
    # another cache (this one keeps gext's metadata, by its commit, whatever the settings, as uv's)
    plain = _git_project(work, server, 'no-build-isolation-package = ["gext"]', "plain")
    assert main(["--directory", str(plain), "--cache-dir", str(work / "cache2"), "lock"]) == 1
    err = capsys.readouterr().err
    assert "failed to build `gext`" in err and f"no environment at {plain / '.venv'}" in err
    assert _hooks(work) == []


def test_a_no_isolation_package_builds_in_the_project_venv(server: IndexServer, work: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    app = _project(work, server, 'no-build-isolation-package = ["lib"]')
    err = _prong(work, capsys, app, "lock", code=1)  # no .venv at all
    assert "failed to build `lib`" in err and f"no environment at {app / '.venv'}" in err
    _prong(work, capsys, app, "venv")
    err = _prong(work, capsys, app, "lock", code=1)  # a .venv without the backend
    assert f"could not import the build backend `stubback` from {app / '.venv'}" in err
    assert "without build isolation" in err and "`stubback`" in err
    assert _hooks(work) == []
    # the backend installed there (the older version, which an isolated build would not take)
    result = run_uv(["pip", "install", "--python", str(app / ".venv" / "bin" / "python"),
                     "--index-url", server.simple_url, "stubback==1.0"], app, work)
    assert result.returncode == 0, result.stderr
    _prong(work, capsys, app, "lock")
    # as in uv, no get_requires_for_build_wheel hook without isolation, and nothing installed
    assert _hooks(work) == ["stubback==1.0 prepare_metadata_for_build_wheel helper=missing"]
    _prong(work, capsys, app, "sync")
    assert _hooks(work) == ["stubback==1.0 build_wheel helper=missing"]
    assert uv_bin()


def test_no_build_isolation_flags_add_to_the_settings_as_uv(server: IndexServer, work: Path,
                                                           capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # the command line's names are added to the pyproject's list (uv 0.13.9 fails here too: `lib`
    # is still built without isolation, and its .venv lacks the backend)
    app = _project(work, server, 'no-build-isolation-package = ["lib"]')
    _prong(work, capsys, app, "venv")
    err = _prong(work, capsys, app, "lock", "--no-build-isolation-package", "other", code=1)
    assert f"could not import the build backend `stubback` from {app / '.venv'}" in err
    assert run_uv(["lock", "--no-build-isolation-package", "other"], app, work).returncode != 0
    # a project without the setting: each flag, and UV_NO_BUILD_ISOLATION, builds in the .venv
    plain = _project(work, server, "", name="plain")
    _prong(work, capsys, plain, "venv")
    for args in (["--no-build-isolation"], ["--no-build-isolation-package", "LIB"]):
        for command in ("lock", "sync"):
            err = _prong(work, capsys, plain, command, *args, code=1)
            assert "could not import the build backend `stubback`" in err and "without build isolation" in err
        assert run_uv(["lock", *args], plain, work).returncode != 0
    err = _prong(work, capsys, plain, "run", "--no-build-isolation", "python", "-c", "pass", code=1)
    assert "without build isolation" in err
    monkeypatch.setenv("UV_NO_BUILD_ISOLATION", "1")
    err = _prong(work, capsys, plain, "lock", code=1)
    assert "without build isolation" in err
    monkeypatch.setenv("UV_NO_BUILD_ISOLATION", "false")  # false: the files' setting (none: isolated)
    _prong(work, capsys, plain, "lock")
    assert _hooks(work)[-1] == "stubback==2.0 prepare_metadata_for_build_wheel helper=missing"
    # with the backend in the .venv, the flag's build uses it (the older version)
    monkeypatch.delenv("UV_NO_BUILD_ISOLATION")
    result = run_uv(["pip", "install", "--python", str(plain / ".venv" / "bin" / "python"),
                     "--index-url", server.simple_url, "stubback==1.0"], plain, work)
    assert result.returncode == 0, result.stderr
    _prong(work, capsys, plain, "sync", "--no-build-isolation")
    assert _hooks(work) == ["stubback==1.0 build_wheel helper=missing"]
