"""The README's walkthrough, run as written: each ```sh block of "A first project, step by step",
line by line in one shell session (with `cd` followed), prong on PATH, and the index pinned in
time with UV_EXCLUDE_NEWER (the only thing added to the user's environment)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## A first project, step by step", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def test_the_walkthrough_has_blocks() -> None:
    commands = [line for block in _blocks() for line in block.splitlines() if line.strip()]
    assert len(commands) >= 10
    for word in ("init", "add", "lock", "sync", "run", "tree", "why", "export", "remove"):
        assert any(line.startswith(f"prong {word}") for line in commands), word


@pytest.mark.pypi
def test_the_walkthrough_runs_as_written(tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    launcher = bindir / "prong"
    launcher.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m prong \"$@\"\n")
    launcher.chmod(0o755)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": str(REPO / "src"), "UV_EXCLUDE_NEWER": "2026-12-01T00:00:00Z",
           "PRONG_CACHE_DIR": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("VIRTUAL_ENV", None)
    cwd = tmp_path / "work"
    cwd.mkdir()
    before_remove = None
    for block in _blocks():
        for line in block.splitlines():
            if not line.strip():
                continue
            if line.startswith("cd "):
                cwd = cwd / line[3:].strip()
                continue
            if line.startswith("prong remove"):
                before_remove = (cwd / "pyproject.toml").read_text()
            proc = subprocess.run(line, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
            assert proc.returncode == 0, f"{line}\n{proc.stdout}\n{proc.stderr}"
            if line.startswith("prong run hello"):
                assert "Hello from hello!" in proc.stdout
            if line.startswith("prong why"):
                assert "markdown-it-py" in proc.stdout and "rich" in proc.stdout
    assert (cwd / "requirements.txt").read_text().count("rich==") == 1
    text = (cwd / "pyproject.toml").read_text()
    assert "pytest" not in text and before_remove is not None and "pytest" in before_remove
