"""`prong lock` on bad input: a short error naming the file and the key, exit code 2 for
configuration errors, no traceback, and no file touched (issue: universal locking, bad input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prong.cli.main import main

HEAD = """[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.10"
"""

INDEXES = """
[[tool.uv.index]]
name = "a"
url = "http://127.0.0.1:9/a"
explicit = true

[[tool.uv.index]]
name = "b"
url = "http://127.0.0.1:9/b"
explicit = true
"""


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _lock(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    before = _snapshot(project)
    code = main(["--directory", str(project), "--no-config", "--cache-dir", str(project.parent / "cache"),
                 "lock", *args])
    out, err = capsys.readouterr()
    assert _snapshot(project) == before, "a failed lock must not touch the project"
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    return root


def test_a_source_naming_an_undefined_index(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        HEAD + 'dependencies = ["torch"]\n\n[tool.uv.sources]\ntorch = [{ index = "nowhere" }]\n' + INDEXES
    )
    code, _, err = _lock(project, capsys)
    assert code == 2
    assert "pyproject.toml: `tool.uv.sources.torch[0]" in err and "`nowhere`" in err
    assert "hint:" in err


def test_two_sources_whose_markers_overlap(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        HEAD + 'dependencies = ["torch"]\n\n[tool.uv.sources]\ntorch = [\n'
        '  { index = "a", marker = "sys_platform == \'linux\'" },\n'
        '  { index = "b", marker = "platform_machine == \'x86_64\'" },\n]\n' + INDEXES
    )
    code, _, err = _lock(project, capsys)
    assert code == 2
    first = err.splitlines()[0]
    assert "`tool.uv.sources.torch[1]`" in first and "`tool.uv.sources.torch[0]`" in first
    assert "source markers must be disjoint" in first
    # uv's fix: the second marker without the first one's environments
    assert "hint: replace `platform_machine == 'x86_64'` with " \
           "`platform_machine == 'x86_64' and sys_platform != 'linux'`" in err


def test_sources_scoped_to_different_extras_do_not_overlap(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        HEAD + '[project.optional-dependencies]\ncpu = ["torch"]\ngpu = ["torch"]\n\n'
        '[tool.uv]\nconflicts = [[{ extra = "cpu" }, { extra = "gpu" }]]\n\n'
        '[tool.uv.sources]\ntorch = [{ index = "a", extra = "cpu" }, { index = "b", extra = "gpu" }]\n'
        + INDEXES
    )
    from prong.api.lock import _context

    ctx = _context(project, config=None, environ={}, default_index=None, indexes=(), index_url=None,
                   extra_index_urls=(), index_strategy=None, exclude_newer=None, resolution=None,
                   prerelease=None, fork_strategy=None)
    pinned = sorted((lr.index, str(lr.marker), lr.conflict.extra) for lr in ctx.project.requires_dist
                    if lr.conflict is not None)
    assert pinned == [
        ("http://127.0.0.1:9/a", "extra == 'cpu'", "cpu"),
        ("http://127.0.0.1:9/b", "extra == 'gpu'", "gpu"),
    ]


def test_a_conflict_naming_an_unknown_extra(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        HEAD + '[project.optional-dependencies]\ncpu = []\n\n'
        '[tool.uv]\nconflicts = [[{ extra = "cpu" }, { extra = "cuda" }]]\n'
    )
    code, _, err = _lock(project, capsys)
    assert code == 2
    assert "`tool.uv.conflicts[0][1].extra`" in err and "`cuda`" in err and "`cpu`" in err


def test_a_conflict_naming_an_unknown_group(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        HEAD + '[dependency-groups]\nlint = []\n\n'
        '[tool.uv]\nconflicts = [[{ group = "lint" }, { group = "docs" }]]\n'
    )
    code, _, err = _lock(project, capsys)
    assert code == 2
    assert "`tool.uv.conflicts[0][1].group`" in err and "`docs`" in err


def test_environments_that_exclude_every_python(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        HEAD + '\n[tool.uv]\nenvironments = ["python_version < \'3.9\'"]\n'
    )
    code, _, err = _lock(project, capsys)
    assert code == 2
    assert "`tool.uv.environments`" in err and ">=3.10" in err


def test_a_truncated_lock(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(HEAD)
    (project / "uv.lock").write_text('version = 1\nrevision = 5\nrequires-python = ">=3.10"\n\n[[packa')
    code, _, err = _lock(project, capsys)
    assert code == 2
    assert err.startswith("error: ") and "uv.lock" in err.splitlines()[0]


def test_a_lock_with_a_newer_format_version(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(HEAD)
    (project / "uv.lock").write_text('version = 2\nrevision = 1\nrequires-python = ">=3.10"\n')
    code, _, err = _lock(project, capsys)
    assert code == 2
    assert "uv.lock" in err and "version" in err


def test_no_pyproject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code = main(["--directory", str(empty), "--no-config", "lock"])
    _, err = capsys.readouterr()
    assert code == 2 and "No `pyproject.toml` found" in err
