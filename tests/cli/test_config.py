"""`prong index versions` and `prong pip compile` read uv's configuration files and variables.

Two local indexes tell which one was used: `a` serves lib 1.0, `b` serves lib 2.0. Every test runs
in a temporary working directory with XDG_CONFIG_HOME / XDG_CONFIG_DIRS pointed at empty folders
and the uv variables cleared, so no real user or system file takes part.
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
from tests.support.wheels import Dist

UV_VARS = ("UV_INDEX", "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX_URL", "UV_FIND_LINKS",
           "UV_INDEX_STRATEGY", "UV_EXCLUDE_NEWER", "UV_PRERELEASE", "UV_RESOLUTION", "UV_OFFLINE",
           "UV_CONFIG_FILE", "UV_NO_CONFIG", "PRONG_OFFLINE")


@pytest.fixture
def servers() -> Iterator[tuple[IndexServer, IndexServer]]:
    a = IndexServer([Dist("lib", "1.0")]).start()
    b = IndexServer([Dist("lib", "2.0")]).start()
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in UV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "xdg-system"))
    proj = tmp_path / "proj"
    proj.mkdir()
    monkeypatch.chdir(proj)
    return proj


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--cache-dir", str(tmp_path / "cache"), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _versions(out: str) -> str:
    return out.splitlines()[-1].removeprefix("Available versions: ")


def test_index_versions_uses_the_pyproject_index_of_the_working_directory(
    work: Path, servers: tuple[IndexServer, IndexServer], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = servers
    (work / "pyproject.toml").write_text(f'[project]\nname = "p"\n\n[[tool.uv.index]]\nurl = "{a.simple_url}"\n'
                                         "default = true\n")
    code, out, err = _run(work, capsys, "index", "versions", "lib")
    assert (code, _versions(out)) == (0, "1.0"), err
    # the command line wins over the file
    code, out, err = _run(work, capsys, "index", "versions", "lib", "--default-index", b.simple_url)
    assert (code, _versions(out)) == (0, "2.0"), err
    # and so does the environment
    monkeypatch.setenv("UV_DEFAULT_INDEX", b.simple_url)
    code, out, err = _run(work, capsys, "index", "versions", "lib")
    assert (code, _versions(out)) == (0, "2.0"), err


def test_a_parent_directory_file_and_no_config(
    work: Path, servers: tuple[IndexServer, IndexServer], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = servers
    (work.parent / "uv.toml").write_text(f'index-url = "{a.simple_url}"\n')
    monkeypatch.setenv("UV_EXTRA_INDEX_URL", b.simple_url)
    monkeypatch.setenv("UV_INDEX_STRATEGY", "unsafe-best-match")
    code, out, err = _run(work, capsys, "index", "versions", "lib")
    assert (code, _versions(out)) == (0, "2.0, 1.0"), err
    monkeypatch.setenv("UV_INDEX_URL", b.simple_url)
    code, out, err = _run(work, capsys, "--no-config", "index", "versions", "lib")
    assert (code, _versions(out)) == (0, "2.0"), err  # the file's index is gone
    monkeypatch.setenv("UV_NO_CONFIG", "1")
    code, out, err = _run(work, capsys, "index", "versions", "lib")
    assert (code, _versions(out)) == (0, "2.0"), err


def test_uv_index_comes_before_the_configured_default(
    work: Path, servers: tuple[IndexServer, IndexServer], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = servers
    (work / "uv.toml").write_text(f'[[index]]\nurl = "{b.simple_url}"\ndefault = true\n')
    monkeypatch.setenv("UV_INDEX", f"first={a.simple_url}")
    code, out, err = _run(work, capsys, "index", "versions", "lib")
    assert (code, _versions(out)) == (0, "1.0"), err  # first-index: `a` has lib, `b` is not asked
    assert b.counts["/simple/lib/"] == 0


def test_user_level_file_and_config_file(
    work: Path, servers: tuple[IndexServer, IndexServer], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = servers
    user = Path(os.environ["XDG_CONFIG_HOME"]) / "uv" / "uv.toml"
    user.parent.mkdir(parents=True)
    user.write_text(f'index-url = "{a.simple_url}"\n')
    code, out, err = _run(work, capsys, "index", "versions", "lib")
    assert (code, _versions(out)) == (0, "1.0"), err
    other = work / "ci.toml"
    other.write_text(f'index-url = "{b.simple_url}"\n')
    code, out, err = _run(work, capsys, "--config-file", str(other), "index", "versions", "lib")
    assert (code, _versions(out)) == (0, "2.0"), err


def test_pip_compile_reads_tool_uv_and_the_pip_table(
    work: Path, servers: tuple[IndexServer, IndexServer], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = servers
    (work / "requirements.in").write_text("lib\n")
    (work / "pyproject.toml").write_text(f'[tool.uv]\nindex-url = "{b.simple_url}"\n\n[tool.uv.pip]\n'
                                         f'index-url = "{a.simple_url}"\nno-header = true\n')
    code, out, err = _run(work, capsys, "pip", "compile", "requirements.in")
    assert (code, out) == (0, "lib==1.0\n    # via -r requirements.in\n"), err
    monkeypatch.setenv("UV_INDEX", b.simple_url)
    code, out, err = _run(work, capsys, "pip", "compile", "requirements.in", "--no-annotate")
    assert (code, out) == (0, "lib==2.0\n"), err
    monkeypatch.setenv("UV_NO_CONFIG", "1")
    monkeypatch.setenv("UV_DEFAULT_INDEX", a.simple_url)
    code, out, err = _run(work, capsys, "pip", "compile", "requirements.in", "--no-annotate")
    assert code == 0, err
    assert out.startswith("#")  # no-header came from the file, which is no longer read


def test_a_malformed_uv_toml_is_a_short_error(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "uv.toml").write_text('index-strategy = "fastest"\n')
    code, out, err = _run(work, capsys, "index", "versions", "lib")
    assert code == 2 and out == ""  # a configuration error (docs/exit-codes.md)
    assert err.startswith(f"error: {work / 'uv.toml'}: `index-strategy`: must be one of")
    assert "Traceback" not in err
    (work / "uv.toml").write_text("[[index]\n")
    code, out, err = _run(work, capsys, "pip", "compile", "requirements.in")
    assert code == 2 and "uv.toml" in err and "invalid TOML" in err and "Traceback" not in err


def test_refresh_revalidates_cached_pages(
    work: Path, servers: tuple[IndexServer, IndexServer], capsys: pytest.CaptureFixture[str]
) -> None:
    a, _b = servers
    args = ("index", "versions", "lib", "--default-index", a.simple_url)
    assert _run(work, capsys, *args)[0] == 0
    assert a.counts["/simple/lib/"] == 1
    assert _run(work, capsys, *args)[0] == 0
    assert a.counts["/simple/lib/"] == 1  # fresh in the cache (max-age)
    assert _run(work, capsys, *args, "--refresh")[0] == 0
    assert a.counts["/simple/lib/"] == 2
    assert _run(work, capsys, *args, "--refresh-package", "other")[0] == 0
    assert a.counts["/simple/lib/"] == 2
    assert _run(work, capsys, *args, "--refresh-package", "LIB")[0] == 0
    assert a.counts["/simple/lib/"] == 3
    (work / "r.in").write_text("lib\n")
    code, out, err = _run(work, capsys, "pip", "compile", "r.in", "--default-index", a.simple_url, "--refresh")
    assert code == 0, err
    assert a.counts["/simple/lib/"] == 4


# The reference uv comes with the test extra (uv==0.13.9), beside the interpreter running the tests.
UV = Path(sys.executable).with_name("uv")


def test_the_same_precedence_as_uv(
    work: Path, servers: tuple[IndexServer, IndexServer], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each case runs `uv pip compile` and `prong pip compile` in the same directory with the same
    environment: the pins must agree."""
    a, b = servers
    uv = str(UV) if UV.exists() else shutil.which("uv")
    assert uv, "the reference uv (test extra) is not installed"
    (work / "r.in").write_text("lib\n")
    user = Path(os.environ["XDG_CONFIG_HOME"]) / "uv" / "uv.toml"
    user.parent.mkdir(parents=True)
    cases: list[tuple[str, str, str, dict[str, str], tuple[str, ...]]] = [
        # (project uv.toml, project pyproject.toml, user uv.toml, env, args)
        (f'index-url = "{a.simple_url}"\n', "", f'index-url = "{b.simple_url}"\n', {}, ()),
        ("", f'[tool.uv]\nindex-url = "{b.simple_url}"\n', f'index-url = "{a.simple_url}"\n', {}, ()),
        ("", f'[tool.uv]\nindex-url = "{b.simple_url}"\n[tool.uv.pip]\nindex-url = "{a.simple_url}"\n', "", {}, ()),
        (f'index-url = "{a.simple_url}"\n', f'[tool.uv]\nindex-url = "{b.simple_url}"\n', "", {}, ()),
        (f'index-url = "{a.simple_url}"\n', "", "", {"UV_INDEX_URL": b.simple_url}, ()),
        (f'index-url = "{a.simple_url}"\n', "", "", {"UV_DEFAULT_INDEX": b.simple_url}, ("--index-url", a.simple_url)),
        (f'[[index]]\nurl = "{a.simple_url}"\ndefault = true\n', "", "", {"UV_INDEX": b.simple_url}, ()),
        (f'index-url = "{a.simple_url}"\nextra-index-url = ["{b.simple_url}"]\nindex-strategy = "unsafe-best-match"\n'
         'resolution = "lowest"\n', "", "", {}, ()),
        (f'index-url = "{a.simple_url}"\n', "", f'index-url = "{b.simple_url}"\n', {"UV_NO_CONFIG": "1",
                                                                                    "UV_DEFAULT_INDEX": a.simple_url},
         ()),
        (f'index-url = "{b.simple_url}"\n', "", "", {}, ("--no-config", "--default-index", a.simple_url)),
    ]
    for uv_toml, pyproject, user_toml, env, args in cases:
        for path, text in ((work / "uv.toml", uv_toml), (work / "pyproject.toml", pyproject), (user, user_toml)):
            path.unlink(missing_ok=True)
            if text:
                path.write_text(text)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        try:
            ref = subprocess.run(
                [uv, "pip", "compile", "r.in", "--no-header", "--no-annotate", "--python-version", "3.11",
                 "--cache-dir", str(work.parent / "uv-cache"), *args],
                capture_output=True, text=True, timeout=120, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
            )
            code, out, err = _run(work, capsys, "pip", "compile", "r.in", "--no-header", "--no-annotate",
                                  "--python-version", "3.11", *args)
        finally:
            for name in env:
                monkeypatch.delenv(name)
        case = (uv_toml, pyproject, user_toml, env, args)
        assert ref.returncode == 0, (case, ref.stderr)
        assert code == 0, (case, err)
        assert out == ref.stdout, case
