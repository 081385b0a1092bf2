"""`prong lock` and `prong sync` with uv's build options (`--no-build`, `--no-build-package`,
`--no-binary`, `--no-binary-package`, their `UV_*` variables and `[tool.uv]` keys), side by side
with uv 0.13.9.

The local index holds ``dep`` (a wheel), ``both`` (a wheel and an sdist of one version),
``srconly`` (an sdist only), ``whlonly`` (a wheel only) and ``dynamic`` (a wheel of 1.0, an sdist
of 2.0 whose dependencies are dynamic and whose backend always fails, logging each hook it runs).
The options never change what a lock records (every file of a version is listed, and nothing is
written in `[options]`): they change which versions may be chosen. A sync applies them to the
locked files."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.integration.lock.test_lock_setup_py import _stub_setuptools
from tests.support.index_server import IndexServer
from tests.support.uv import run_uv
from tests.support.wheels import BUILD_LOG_VAR, Dist

DISTS = [
    Dist("dep", "1.0"),
    Dist("both", "1.0", requires_dist=["dep"]), Dist("both", "1.0", tag=None, requires_dist=["dep"]),
    Dist("srconly", "1.0", tag=None),
    Dist("whlonly", "1.0"),
    Dist("dynamic", "1.0"),
    Dist("dynamic", "2.0", tag=None, requires_dist=["dep"], backend="fail", project_dynamic=["dependencies"]),
]


@pytest.fixture(scope="module")
def server() -> Iterator[IndexServer]:
    with IndexServer([*DISTS, _stub_setuptools()]) as s:
        yield s


@pytest.fixture(autouse=True)
def _isolated(isolated_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(BUILD_LOG_VAR, str(tmp_path / "builds.log"))


def _project(root: Path, server: IndexServer, *deps: str, extra: str = "") -> Path:
    root.mkdir(parents=True)
    listed = ", ".join(f'"{d}"' for d in deps)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = [{listed}]\n\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n{extra}')
    return root


def _prong(root: Path, tmp: Path, *args: str) -> int:
    return main(["--directory", str(root), "--cache-dir", str(tmp / "prong-cache"), *args])


def _builds(tmp: Path) -> list[str]:
    log = tmp / "builds.log"
    return log.read_text().splitlines() if log.exists() else []


@pytest.mark.parametrize("options", [
    ("--no-build-package", "dynamic"),  # 2.0 needs a build: 1.0's wheel is taken
    ("--no-build",),
    ("--no-binary-package", "both"),  # the lock lists every file all the same
    ("--no-build-package", "both"),
])
def test_lock_with_build_options_is_uvs(server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        options: tuple[str, ...]) -> None:
    deps = ("dynamic",) if "dynamic" in options or options == ("--no-build",) else ("both",)
    ours = _project(tmp_path / "prong", server, *deps)
    theirs = _project(tmp_path / "uv", server, *deps)
    assert _prong(ours, tmp_path, "lock", *options) == 0, capsys.readouterr().err
    done = run_uv(["lock", *options], theirs, tmp_path)
    assert done.returncode == 0, done.stderr
    text = (ours / "uv.lock").read_text()
    assert text == (theirs / "uv.lock").read_text()
    assert "[options]" not in text
    if deps == ("dynamic",):
        assert 'name = "dynamic"\nversion = "1.0"\n' in text
        assert _builds(tmp_path) == []  # neither ran the failing backend
    else:
        assert 'sdist = { url = ' in text and "both-1.0-py3-none-any.whl" in text


@pytest.mark.parametrize(("deps", "options", "hint"), [
    (("srconly",), ("--no-build",),
     "hint: Wheels are required for `srconly` because building from source is disabled for all packages "
     "(i.e., with `--no-build`)"),
    (("srconly",), ("--no-build-package", "srconly"),
     "hint: Wheels are required for `srconly` because building from source is disabled for `srconly` "
     "(i.e., with `--no-build-package srconly`)"),
    (("whlonly",), ("--no-binary",),
     "hint: A source distribution is required for `whlonly` because using pre-built wheels is disabled for all "
     "packages (i.e., with `--no-binary`)"),
])
def test_lock_fails_as_uv_when_the_rule_excludes_every_version(
    server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], deps: tuple[str, ...],
    options: tuple[str, ...], hint: str
) -> None:
    ours = _project(tmp_path / "prong", server, *deps)
    theirs = _project(tmp_path / "uv", server, *deps)
    code = _prong(ours, tmp_path, "lock", *options)
    err = capsys.readouterr().err
    done = run_uv(["lock", *options], theirs, tmp_path)
    assert (code, done.returncode) == (1, 1), (err, done.stderr)
    assert hint in done.stderr and hint in err
    assert not (ours / "uv.lock").exists() and not (theirs / "uv.lock").exists()


def test_tool_uv_keys_and_variables_are_read_by_lock(server: IndexServer, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for n, extra in enumerate(['\n[tool.uv]\nno-build = true\n', '\n[tool.uv]\nno-build-package = ["srconly"]\n']):
        ours = _project(tmp_path / f"prong{n}", server, "srconly", extra=extra)
        theirs = _project(tmp_path / f"uv{n}", server, "srconly", extra=extra)
        assert _prong(ours, tmp_path, "lock") == 1
        assert "Wheels are required for `srconly`" in capsys.readouterr().err
        done = run_uv(["lock"], theirs, tmp_path)
        assert done.returncode == 1 and "Wheels are required for `srconly`" in done.stderr
    ours = _project(tmp_path / "prong-b", server, "whlonly", extra='\n[tool.uv]\nno-binary = true\n')
    assert _prong(ours, tmp_path, "lock") == 1
    assert "A source distribution is required for `whlonly`" in capsys.readouterr().err
    # [tool.uv.pip] is for `pip` commands only
    ours = _project(tmp_path / "prong-pip", server, "srconly", extra='\n[tool.uv.pip]\nno-build = true\n')
    theirs = _project(tmp_path / "uv-pip", server, "srconly", extra='\n[tool.uv.pip]\nno-build = true\n')
    assert _prong(ours, tmp_path, "lock") == 0, capsys.readouterr().err
    assert run_uv(["lock"], theirs, tmp_path).returncode == 0
    assert (ours / "uv.lock").read_text() == (theirs / "uv.lock").read_text()
    # a variable counts, and is part of what the lock's fingerprint sees (the lock above is current)
    monkeypatch.setenv("UV_NO_BUILD_PACKAGE", "srconly")
    (ours / "uv.lock").unlink()
    assert _prong(ours, tmp_path, "lock") == 1
    assert "disabled for `srconly` (i.e., with `--no-build-package srconly`)" in capsys.readouterr().err


def test_an_existing_lock_is_kept_under_the_options_as_uv_keeps_it(server: IndexServer, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The options are not recorded: a lock that satisfies the project stays, unchecked against them."""
    root = _project(tmp_path / "app", server, "srconly", "whlonly")
    assert _prong(root, tmp_path, "lock") == 0
    before = (root / "uv.lock").read_text()
    assert _prong(root, tmp_path, "lock", "--no-build") == 0
    assert _prong(root, tmp_path, "lock", "--locked", "--no-binary") == 0
    assert (root / "uv.lock").read_text() == before
    assert run_uv(["lock", "--locked", "--no-build"], root, tmp_path).returncode == 0


def _legacy_tree(base: Path, server: IndexServer) -> Path:
    legacy = base / "legacy"
    (legacy / "legacy").mkdir(parents=True)
    (legacy / "legacy" / "__init__.py").write_text("NAME = 'legacy'\n")
    (legacy / "setup.py").write_text("from setuptools import setup\n"
                                     "setup(name='legacy', version='1.2', packages=['legacy'], install_requires=['dep'])\n")
    return _project(base / "app", server, "legacy", extra='\n[tool.uv.sources]\nlegacy = { path = "../legacy" }\n')


@pytest.mark.parametrize(("options", "rule"), [
    (("--no-build",), "`--no-build`"),
    (("--no-build-package", "legacy"), "`--no-build-package legacy`"),
])
def test_a_path_dependency_that_needs_a_build_fails_as_uv(
    server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], options: tuple[str, ...], rule: str
) -> None:
    ours = _legacy_tree(tmp_path / "prong", server)
    theirs = _legacy_tree(tmp_path / "uv", server)
    code = _prong(ours, tmp_path, "lock", *options)
    err = capsys.readouterr().err
    done = run_uv(["lock", *options], theirs, tmp_path)
    assert done.returncode == 1 and f"Failed to build `legacy @ {(theirs.parent / 'legacy').as_uri()}`" in done.stderr
    assert "Building source distributions for `legacy` is disabled" in done.stderr
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == (f"error: failed to build `legacy @ {(ours.parent / 'legacy').as_uri()}`: building from "
                        f"source is disabled for `legacy` ({rule})")
    assert lines[1].startswith("hint: `legacy` is a path dependency whose metadata only its build backend")
    assert not (ours / "uv.lock").exists()
    # another package's rule does not apply; the metadata built then is used from the cache after, as uv does
    assert _prong(ours, tmp_path, "lock", "--no-build-package", "other") == 0, capsys.readouterr().err
    assert run_uv(["lock", "--no-build-package", "other"], theirs, tmp_path).returncode == 0
    assert (ours / "uv.lock").read_text() == (theirs / "uv.lock").read_text()
    (ours / "uv.lock").unlink()
    (theirs / "uv.lock").unlink()
    assert _prong(ours, tmp_path, "lock", *options) == 0, capsys.readouterr().err
    assert run_uv(["lock", *options], theirs, tmp_path).returncode == 0


@pytest.mark.parametrize(("options", "package", "why"), [
    (("--no-build",), "srconly",
     "because building from source is disabled for it (`--no-build`) and the lock has no wheel of it"),
    (("--no-build-package", "srconly"), "srconly",
     "because building from source is disabled for it (`--no-build-package srconly`)"),
    (("--no-binary",), "whlonly",  # the first a walk from the project meets: before `both`'s `dep`
     "because wheels are disabled for it (`--no-binary`) and the lock has no source distribution of it"),
    (("--no-binary-package", "whlonly"), "whlonly", "(`--no-binary-package whlonly`)"),
    (("--no-build", "--no-binary"), "both", "both its wheels (`--no-binary`) and building it from source"),
])
def test_sync_refuses_what_the_options_forbid_as_uv(
    server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], options: tuple[str, ...],
    package: str, why: str
) -> None:
    ours = _project(tmp_path / "prong", server, "both", "srconly", "whlonly")
    theirs = _project(tmp_path / "uv", server, "both", "srconly", "whlonly")
    assert _prong(ours, tmp_path, "lock") == 0
    (theirs / "uv.lock").write_text((ours / "uv.lock").read_text())
    code = _prong(ours, tmp_path, "sync", "--python", sys.executable, *options)
    err = capsys.readouterr().err
    done = run_uv(["sync", *options], theirs, tmp_path)
    assert (code, done.returncode) == (2, 2), (err, done.stderr)
    named = re.search(r"error: Distribution `([^`]*)` can't be installed", done.stderr)
    assert named is not None and named.group(1) == f"{package}==1.0 @ registry+{server.simple_url}", done.stderr
    assert f"error: Distribution `{named.group(1)}` can't be installed" in err  # the one uv names
    assert why in err and "\nhint: " in err
    assert not list((ours / ".venv").glob("lib/python3.*/site-packages/*.dist-info"))  # nothing installed
    assert _builds(tmp_path) == []
    # --frozen too
    assert _prong(ours, tmp_path, "sync", "--frozen", "--python", sys.executable, *options) == 2


def test_sync_builds_what_no_binary_package_names_and_keeps_editables(
    server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path / "app", server, "both", "srconly")
    assert _prong(root, tmp_path, "sync", "--python", sys.executable, "--no-binary-package", "both") == 0, \
        capsys.readouterr().err
    assert _builds(tmp_path).count("build_wheel") == 2  # srconly's and both's sdists
    done = run_uv(["sync", "--no-binary-package", "both"], root, tmp_path)
    assert done.returncode == 0 and "Checked 3 packages" in done.stderr, done.stderr
    # an installed package is still refused when the options leave it no way (uv: the same)
    assert _prong(root, tmp_path, "sync", "--python", sys.executable, "--no-build") == 2
    assert "`srconly==1.0" in capsys.readouterr().err
    # --no-build with only wheels needed: fine; the exemption of --no-binary-package lets srconly build
    assert _prong(root, tmp_path, "sync", "--python", sys.executable, "--no-build",
                  "--no-binary-package", "srconly") == 0, capsys.readouterr().err


def test_sync_refuses_a_directory_under_no_build_but_builds_the_editable_project(
    server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib"
    (lib / "lib").mkdir(parents=True)
    (lib / "lib" / "__init__.py").write_text("")
    (lib / "pyproject.toml").write_text('[project]\nname = "lib"\nversion = "1.0"\n')
    root = _project(tmp_path / "app", server, "lib", extra='\n[tool.uv.sources]\nlib = { path = "../lib" }\n')
    assert _prong(root, tmp_path, "lock") == 0
    code = _prong(root, tmp_path, "sync", "--python", sys.executable, "--no-build")
    err = capsys.readouterr().err
    done = run_uv(["sync", "--no-build"], root, tmp_path)
    assert (code, done.returncode) == (2, 2), (err, done.stderr)
    assert "Distribution `lib==1.0 @ directory+../lib` can't be installed" in done.stderr
    assert "Distribution `lib==1.0 @ directory+../lib` can't be installed" in err and "`--no-build`" in err
