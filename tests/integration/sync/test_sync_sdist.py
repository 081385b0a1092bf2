"""A package with only a source distribution is built (PEP 517 `build_wheel` in an isolated
environment) and installed; the built wheel is kept in the cache, so a second environment does not
build it again; a build that fails names the package and shows the backend's output."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import IndexServer
from tests.support.wheels import BUILD_LOG_VAR, Dist


@pytest.fixture
def server() -> Iterator[IndexServer]:
    with IndexServer([Dist("srconly", "1.0", tag=None), Dist("broken", "1.0", tag=None, backend="fail")]) as s:
        yield s


def _project(root: Path, server: IndexServer, dep: str) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["{dep}"]\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n')
    return root


def test_an_sdist_is_built_once_and_installed(
    tmp_path: Path, server: IndexServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "builds.log"
    monkeypatch.setenv(BUILD_LOG_VAR, str(log))
    cache = tmp_path / "cache"
    first = _project(tmp_path / "one", server, "srconly")
    assert main(["--directory", str(first), "--cache-dir", str(cache), "sync"]) == 0
    err = capsys.readouterr().err
    assert " + srconly==1.0" in err, err
    site = next((first / ".venv").glob("lib/python3.*/site-packages"))
    assert (site / "srconly" / "__init__.py").read_text() == '__version__ = "1.0"\n'
    builds = log.read_text().splitlines().count("build_wheel")
    assert builds == 1
    second = _project(tmp_path / "two", server, "srconly")
    assert main(["--directory", str(second), "--cache-dir", str(cache), "sync"]) == 0
    assert " + srconly==1.0" in capsys.readouterr().err
    assert log.read_text().splitlines().count("build_wheel") == 1  # the built wheel came from the cache


def test_a_failing_build_names_the_package_and_installs_nothing(
    tmp_path: Path, server: IndexServer, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path / "app", server, "broken")
    code = main(["--directory", str(root), "--cache-dir", str(tmp_path / "cache"), "sync"])
    err = capsys.readouterr().err
    assert code == 1
    assert "failed to build `broken==1.0`" in err and "backend line 30" in err
    assert "Traceback" not in err


def test_two_sdists_are_built_concurrently_and_both_announced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As uv: the wheels of several sdists are built at once (one build per CPU at most), each
    announced (``   Building pkg==1.0`` ... ``      Built pkg==1.0``)."""
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    log = tmp_path / "builds.log"
    monkeypatch.setenv(BUILD_LOG_VAR, str(log))
    with IndexServer([Dist("slow-a", "1.0", tag=None, backend="slow"),
                      Dist("slow-b", "1.0", tag=None, backend="slow")]) as server:
        root = tmp_path / "app"
        root.mkdir()
        (root / "pyproject.toml").write_text(
            '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
            'dependencies = ["slow-a", "slow-b"]\n'
            f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n')
        assert main(["--directory", str(root), "--cache-dir", str(tmp_path / "cache"), "sync"]) == 0
    err = capsys.readouterr().err
    for name in ("slow-a", "slow-b"):
        assert f"   Building {name}==1.0\n" in err and f"      Built {name}==1.0\n" in err, err
        assert f" + {name}==1.0" in err, err
    lines = log.read_text().splitlines()
    starts = sorted(float(line.split()[-1]) for line in lines if line.startswith("build_wheel start"))
    ends = sorted(float(line.split()[-1]) for line in lines if line.startswith("build_wheel end"))
    assert len(starts) == 2 and len(ends) == 2, lines
    assert starts[1] < ends[0], lines  # the second build started before the first ended


def test_a_failing_build_among_concurrent_ones_is_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    with IndexServer([Dist("slow-a", "1.0", tag=None, backend="slow"),
                      Dist("broken", "1.0", tag=None, backend="fail")]) as server:
        root = tmp_path / "app"
        root.mkdir()
        (root / "pyproject.toml").write_text(
            '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
            'dependencies = ["slow-a", "broken"]\n'
            f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n')
        code = main(["--directory", str(root), "--cache-dir", str(tmp_path / "cache"), "sync"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "failed to build `broken==1.0`" in err and "Traceback" not in err, err
    assert " + " not in err, err  # nothing installed
