"""A venv written directly (no `python -m venv`) starts as a venv; a non-venv directory is never removed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from prong.python import find_interpreter
from prong.venv import NotAVenv, create_venv, read_pyvenv_cfg


def test_created_venv_runs_as_a_venv(tmp_path: Path) -> None:
    interp = find_interpreter(sys.executable)
    venv = create_venv(tmp_path / ".venv", interp, prompt="demo")
    out = subprocess.run([str(venv.python), "-c", "import sys; print(sys.prefix != sys.base_prefix, sys.prefix)"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", str(tmp_path / ".venv")]
    cfg = read_pyvenv_cfg(tmp_path / ".venv")
    assert cfg is not None and cfg["prompt"] == "demo" and cfg["version_info"] == interp.version_text
    assert venv.site_packages.is_dir()


def test_refuses_to_replace_a_directory_that_is_not_a_venv(tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.mkdir()
    (target / "precious.txt").write_text("keep me")
    with pytest.raises(NotAVenv):
        create_venv(target, find_interpreter(sys.executable), clear=True)
    assert (target / "precious.txt").read_text() == "keep me"
