"""As uv, a lock starts the metadata builds of its direct requirements' likely versions at once
(sdists whose metadata is dynamic), at most one per CPU: two such builds overlap. A speculative
build that fails, of a version the solver never asks for, is no error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import IndexServer
from tests.support.wheels import BUILD_LOG_VAR, Dist


def _dynamic(name: str, version: str, **kw: object) -> Dist:
    # no [project] table and a Metadata-Version 2.1 PKG-INFO: only the backend can say the metadata
    return Dist(name, version, tag=None, project_table=False, **kw)  # type: ignore[arg-type]


def _project(root: Path, server: IndexServer, deps: list[str]) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
        f"dependencies = {deps!r}\n".replace("'", '"')
        + f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n')
    return root


def _intervals(lines: list[str], hook: str) -> list[tuple[float, float]]:
    starts = sorted(float(line.split()[-1]) for line in lines if line.startswith(f"{hook} start"))
    ends = sorted(float(line.split()[-1]) for line in lines if line.startswith(f"{hook} end"))
    return list(zip(starts, ends))


def test_the_metadata_builds_of_direct_requirements_overlap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    log = tmp_path / "builds.log"
    monkeypatch.setenv(BUILD_LOG_VAR, str(log))
    with IndexServer([_dynamic("slow-a", "1.0", backend="slow"), _dynamic("slow-b", "1.0", backend="slow")]) as srv:
        root = _project(tmp_path / "app", srv, ["slow-a", "slow-b"])
        assert main(["--directory", str(root), "--cache-dir", str(tmp_path / "cache"), "lock"]) == 0, \
            capsys.readouterr().err
    text = (root / "uv.lock").read_text()
    assert 'name = "slow-a"' in text and 'name = "slow-b"' in text
    spans = _intervals(log.read_text().splitlines(), "prepare_metadata")
    assert len(spans) == 2, log.read_text()
    assert spans[1][0] < spans[0][1], spans  # the second build started before the first ended


def test_a_failed_speculative_build_the_solver_never_needs_is_no_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `other==1.0` (a singleton: decided first) wants dep<2: dep 2.0, the likely version of the direct
    # requirement `dep` (built speculatively, and failing), is never asked for. other's metadata
    # takes a second to build: dep 2.0's build has surely run (and failed) by the time it is here.
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    log = tmp_path / "builds.log"
    monkeypatch.setenv(BUILD_LOG_VAR, str(log))
    dists = [_dynamic("other", "1.0", backend="slow", requires_dist=["dep<2"]), Dist("dep", "1.0"),
             _dynamic("dep", "2.0", backend="fail")]
    with IndexServer(dists) as srv:
        root = _project(tmp_path / "app", srv, ["other==1.0", "dep"])
        code = main(["--directory", str(root), "--cache-dir", str(tmp_path / "cache"), "lock"])
        err = capsys.readouterr().err
        assert code == 0, err
    assert "failed to build" not in err and "Traceback" not in err, err
    # two builds ran: other's, and dep 2.0's (which failed)
    assert log.read_text().splitlines().count("get_requires_for_build_wheel") == 2, log.read_text()
    text = (root / "uv.lock").read_text()
    assert 'name = "dep"\nversion = "1.0"' in text, text
