"""`prong build` gives the file names `uv build` gives, for the repository itself and for a
hatchling, a setuptools and a flit-core project; each wheel installs with pip into a fresh venv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.uv import run_uv

REPO = Path(__file__).resolve().parents[3]

PROJECTS = {
    "hatchling": ('[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
                  "src/hatch_demo/__init__.py", "hatch-demo"),
    "setuptools": ('[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n',
                   "src/Setup_Demo/__init__.py", "Setup_Demo"),
    "flit": ('[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n',
             "flit_demo/__init__.py", "flit_demo"),
}


def _project(root: Path, backend: str) -> Path:
    build_system, module, name = PROJECTS[backend]
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\nversion = "1.2.0"\ndescription = "demo"\nrequires-python = ">=3.9"\n\n'
        + build_system)
    (root / module).parent.mkdir(parents=True)
    (root / module).write_text('"""demo"""\n__version__ = "1.2.0"\n')
    return root


def _prong_build(root: Path, out: Path, tmp: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "UV_EXCLUDE_NEWER": "2026-12-01T00:00:00Z"}
    done = subprocess.run([sys.executable, "-m", "prong", "--cache-dir", str(tmp / "cache"), "build", str(root),
                           "-o", str(out)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return sorted(p.name for p in out.iterdir())


def _uv_build(root: Path, out: Path, tmp: Path) -> list[str]:
    done = run_uv(["build", str(root), "-o", str(out), "--exclude-newer", "2026-12-01T00:00:00Z"], root, tmp)
    assert done.returncode == 0, done.stderr
    return sorted(p.name for p in out.iterdir())


def _pip_installs(wheel: Path, tmp: Path) -> None:
    venv = tmp / f"venv-{wheel.stem}"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                           str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.mark.pypi
@pytest.mark.parametrize("backend", sorted(PROJECTS))
def test_backends(backend: str, tmp_path: Path) -> None:
    root = _project(tmp_path / backend, backend)
    ours = _prong_build(root, tmp_path / "prong-dist", tmp_path)
    theirs = _uv_build(root, tmp_path / "uv-dist", tmp_path)
    assert ours == theirs and len(ours) == 3  # .gitignore, the sdist, the wheel
    _pip_installs(next((tmp_path / "prong-dist").glob("*.whl")), tmp_path)


@pytest.mark.pypi
def test_the_repository_itself(tmp_path: Path) -> None:
    root = tmp_path / "prong"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "dist", ".hypothesis"))
    ours = _prong_build(root, tmp_path / "prong-dist", tmp_path)
    theirs = _uv_build(root, tmp_path / "uv-dist", tmp_path)
    assert ours == theirs == [".gitignore", "prong-0.1.0-py3-none-any.whl", "prong-0.1.0.tar.gz"]
    _pip_installs(tmp_path / "prong-dist" / "prong-0.1.0-py3-none-any.whl", tmp_path)
