"""`prong pip compile` over source distributions, side by side with `uv pip compile` (issue 12).

The test index holds, for each project, an older wheel and a newer sdist whose in-tree backend
always fails (printing 30 numbered lines) and notes each hook it runs in the file named by
``PRONG_TEST_BUILD_LOG``: a test proves no build ran when that file stays absent, for prong and
for uv alike.

* ``static``: PKG-INFO 2.1 (not trusted by PEP 643) but a static ``[project]`` table;
* ``pkginfo``: PKG-INFO 2.2, no ``[project]`` table;
* ``dynamic``: PKG-INFO 2.1 and ``dependencies`` in ``[project] dynamic``: only a build could tell.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import IndexServer
from tests.support.wheels import BUILD_LOG_VAR, Dist


def _sdist(name: str, **kw: object) -> Dist:
    return Dist(name, "2.0", tag=None, requires_dist=["dep>=1"], backend="fail", **kw)  # type: ignore[arg-type]


DISTS = [
    Dist("dep", "1.0"),
    Dist("static", "1.0"), _sdist("static"),
    Dist("pkginfo", "1.0"), _sdist("pkginfo", pkg_info_version="2.2", project_table=False),
    Dist("dynamic", "1.0"), _sdist("dynamic", project_dynamic=["dependencies"]),
]


@pytest.fixture(scope="module")
def server() -> Iterator[IndexServer]:
    with IndexServer(DISTS) as s:
        yield s


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with no configuration from outside, and the build log variable set."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(BUILD_LOG_VAR, str(tmp_path / "builds.log"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for key in [k for k in os.environ if k.startswith("UV_")]:
        monkeypatch.delenv(key)
    return tmp_path


def _uv(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    uv = Path(sys.executable).with_name("uv")
    found = str(uv) if uv.exists() else shutil.which("uv")
    assert found, "uv is not installed"
    env = dict(os.environ, UV_CACHE_DIR=str(work / "uv-cache"), UV_PYTHON=sys.executable,
               UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    return subprocess.run([found, "pip", "compile", *args], cwd=work, env=env, capture_output=True, text=True,
                          timeout=120)


def _prong(work: Path, capsys: pytest.CaptureFixture[str], *args: str, verbose: bool = False) -> tuple[int, str, str]:
    code = main([*(["-v"] if verbose else []), "--cache-dir", str(work / "prong-cache"), "pip", "compile", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _builds(work: Path) -> list[str]:
    log = work / "builds.log"
    return log.read_text().splitlines() if log.exists() else []


def _both(server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str], requirement: str,
          *options: str) -> tuple[tuple[int, str, str], subprocess.CompletedProcess[str]]:
    (work / "in.txt").write_text(requirement + "\n")
    args = ["in.txt", "--no-header", "--index-url", server.simple_url, *options]
    return _prong(work, capsys, *args), _uv(work, *args)


@pytest.mark.parametrize("project", ["static", "pkginfo"])
def test_the_newest_sdist_is_read_without_a_build_as_uv_reads_it(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str], project: str
) -> None:
    (code, out, err), uv = _both(server, work, capsys, project)
    assert code == 0, err
    assert uv.returncode == 0, uv.stderr
    assert out == uv.stdout
    assert out == f"dep==1.0\n    # via {project}\n{project}==2.0\n    # via -r in.txt\n"
    assert _builds(work) == []  # neither ran the backend (it would have failed anyway)


def test_dynamic_dependencies_need_the_build_and_its_failure_is_an_error(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (code, out, err), uv = _both(server, work, capsys, "dynamic")
    assert uv.returncode == 1 and "Failed to build `dynamic==2.0`" in uv.stderr
    assert (code, out) == (1, "")  # not dynamic==1.0
    assert err.startswith(
        f"error: failed to build `dynamic==2.0` from {server.url}/files/dynamic-2.0.tar.gz: could not get the "
        "build requirements (exit status 1); the last 20 of its 30 lines of output (all with `-v`):\n"
        "  backend line 11\n"
    )
    assert "  backend line 30\n" in err and "backend line 10\n" not in err
    assert "hint: to use only wheels of `dynamic`, pass `--no-build-package dynamic`" in err
    assert "dependency-metadata" in err
    assert _builds(work) == ["get_requires_for_build_wheel"] * 2  # prong's and uv's
    # -v shows every line; the failure was not kept from the last run: the backend runs again
    code, out, err = _prong(work, capsys, "in.txt", "--no-header", "--index-url", server.simple_url, verbose=True)
    assert code == 1
    assert "its output:\n  backend line 1\n  backend line 2\n" in err and "  backend line 30" in err
    assert _builds(work) == ["get_requires_for_build_wheel"] * 3


def test_no_build_package_takes_the_wheel_instead(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """prong's `--no-build-package` is uv's `--only-binary` of `pip compile` (uv has it for `lock`)."""
    (work / "in.txt").write_text("dynamic\n")
    code, out, err = _prong(work, capsys, "in.txt", "--no-header", "--index-url", server.simple_url,
                            "--no-build-package", "dynamic")
    (_, only_binary, _), uv = _both(server, work, capsys, "dynamic", "--only-binary", "dynamic")
    assert code == 0, err
    assert out == only_binary == uv.stdout == "dynamic==1.0\n    # via -r in.txt\n"
    assert _builds(work) == []


def test_dependency_metadata_replaces_the_build(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "pyproject.toml").write_text(
        '[tool.uv]\ndependency-metadata = [\n'
        '  { name = "dynamic", version = "2.0", requires-dist = ["dep>=1"] },\n'
        '  { name = "static", requires-dist = [] },\n'  # no version: every version's, over the files'
        ']\n'
    )
    (code, out, err), uv = _both(server, work, capsys, "dynamic\nstatic")
    assert code == 0, err
    assert uv.returncode == 0, uv.stderr
    assert out == uv.stdout == (
        "dep==1.0\n    # via dynamic\ndynamic==2.0\n    # via -r in.txt\nstatic==2.0\n    # via -r in.txt\n"
    )
    assert _builds(work) == []


@pytest.mark.parametrize(
    ("requirement", "options"),
    [
        ("dynamic==2.0", ["--no-build"]),
        ("dynamic==2.0", ["--only-binary", "dynamic"]),
        ("dynamic==2.0", ["--only-binary", ":all:", "--only-binary", ":none:", "--only-binary", "dynamic"]),
        ("static", ["--no-binary", ":all:"]),
        ("static==2.0", ["--no-binary", "dep"]),
    ],
)
def test_build_options_say_which_rule_excluded_the_only_candidates(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str], requirement: str, options: list[str]
) -> None:
    (code, out, err), uv = _both(server, work, capsys, requirement, *options)
    assert (code, out) == (1, "")
    assert uv.returncode == 1
    hints = [line for line in err.splitlines() if line.startswith("hint:")]
    assert hints == [line for line in uv.stderr.splitlines() if line.startswith("hint:")]
    assert hints and all("because" in h for h in hints)
    assert _builds(work) == []


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--no-binary", ":all:", "--only-binary", "dep"], "dep==1.0\n    # via static\nstatic==2.0\n"),
        (["--only-binary", "static"], "static==1.0\n"),
        (["--no-binary", "static,:none:"], "dep==1.0\n    # via static\nstatic==2.0\n"),
    ],
)
def test_build_options_combine_as_in_uv(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str], options: list[str], expected: str
) -> None:
    (code, out, err), uv = _both(server, work, capsys, "static", *options)
    assert code == 0, err
    assert out == uv.stdout == expected + "    # via -r in.txt\n"
    assert _builds(work) == []


def test_no_build_and_no_binary_cannot_be_combined(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "in.txt").write_text("static\n")
    code, _out, err = _prong(work, capsys, "in.txt", "--no-build", "--no-binary", "static")
    uv = _uv(work, "in.txt", "--no-build", "--no-binary", "static")
    assert code == uv.returncode == 2
    assert "--no-build" in err and "--no-binary" in err


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('[tool.uv]\nno-build-package = ["dynamic"]\n', "dynamic==1.0\n    # via -r in.txt\n"),
        ('[tool.uv.pip]\nonly-binary = ["dynamic"]\n', "dynamic==1.0\n    # via -r in.txt\n"),
        ('[tool.uv]\nno-binary-package = ["static"]\n[tool.uv.pip]\nno-binary = [":none:"]\n',
         "dep==1.0\n    # via static\nstatic==2.0\n    # via -r in.txt\n"),
    ],
)
def test_build_options_from_the_configuration(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str], table: str, expected: str
) -> None:
    (work / "pyproject.toml").write_text(table)
    (code, out, err), uv = _both(server, work, capsys, "dynamic" if "dynamic" in table else "static")
    assert code == 0, err
    assert out == uv.stdout == expected
    assert _builds(work) == []


def _lock_project(work: Path, server: IndexServer, requirement: str) -> Path:
    project = work / f"app-{requirement}"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        f'[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["{requirement}"]\n\n'
        f'[[tool.uv.index]]\nname = "test"\nurl = "{server.simple_url}"\ndefault = true\n')
    return project


@pytest.mark.parametrize("project", ["static", "pkginfo"])
def test_lock_reads_the_newest_sdist_without_a_build_as_uv_does(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str], project: str
) -> None:
    from tests.support.uv import run_uv

    ours = _lock_project(work, server, project)
    code = main(["--directory", str(ours), "--cache-dir", str(work / "prong-cache"), "lock"])
    assert code == 0, capsys.readouterr().err
    text = (ours / "uv.lock").read_text()
    assert f'name = "{project}"\nversion = "2.0"\n' in text
    assert _builds(work) == []  # no backend ran
    theirs = run_uv(["lock", "--locked"], ours, work)  # uv agrees, building nothing either
    assert theirs.returncode == 0, theirs.stderr
    assert _builds(work) == []


def test_lock_of_dynamic_dependencies_fails_with_the_build_error(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = _lock_project(work, server, "dynamic")
    code = main(["--directory", str(ours), "--cache-dir", str(work / "prong-cache"), "lock"])
    err = capsys.readouterr().err
    assert code == 1 and not (ours / "uv.lock").exists()  # not a lock of dynamic==1.0
    assert f"error: failed to build `dynamic==2.0` from {server.url}/files/dynamic-2.0.tar.gz" in err
    assert "  backend line 30\n" in err and "backend line 10\n" not in err
    assert "hint: to use only wheels of `dynamic`, pass `--no-build-package dynamic`" in err
    assert _builds(work) == ["get_requires_for_build_wheel"]


@pytest.mark.parametrize("variable", ["UV_NO_BUILD=1", "UV_NO_BUILD_PACKAGE=other static",
                                      "UV_NO_BINARY=true", "UV_NO_BINARY_PACKAGE=dep", "UV_NO_BUILD=bogus"])
def test_the_build_variables_of_lock_are_not_read_by_pip_compile_as_in_uv(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    variable: str
) -> None:
    # uv 0.13.9's pip compile ignores them (lock and sync read them): `static` still comes from
    # its sdist, `dep` from its only wheel, and a bad boolean is not looked at
    name, value = variable.split("=", 1)
    monkeypatch.setenv(name, value)
    (code, out, err), uv = _both(server, work, capsys, "static")
    assert code == 0, err
    assert uv.returncode == 0, uv.stderr
    assert out == uv.stdout == "dep==1.0\n    # via static\nstatic==2.0\n    # via -r in.txt\n"


@pytest.mark.parametrize("name", ["UV_NO_BUILD_PACKAGE", "UV_NO_BINARY_PACKAGE"])
def test_a_bad_name_in_a_build_variable_is_an_error_as_in_uv(
    server: IndexServer, work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    name: str
) -> None:
    monkeypatch.setenv(name, "static not,a,name")
    (code, _out, err), uv = _both(server, work, capsys, "static")
    assert code == uv.returncode == 2
    assert f"invalid value `static not,a,name` for {name}" in err and "`not,a,name` contains ','" in err
    assert name in uv.stderr
