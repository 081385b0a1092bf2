"""pylock.toml end to end: `prong export --format pylock.toml` of the seed project and of three real
projects validates with `packaging.pylock`, and installs, with `uv pip install -r pylock.toml` and with
`prong pip sync pylock.toml`, the same set as `prong sync --frozen` from the lock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.seed import Seed
from tests.support.uv import run_uv

REALWORLD = Path(__file__).resolve().parents[2] / "realworld" / "projects"
SRC = str(Path(__file__).resolve().parents[3] / "src")


def _installed(venv: Path) -> set[str]:
    out = set()
    for d in venv.glob("lib/python3.*/site-packages/*.dist-info"):
        name, _, version = d.name[: -len(".dist-info")].rpartition("-")
        out.add(f"{name.lower().replace('_', '-')}=={version}")
    return out


def _prong(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": SRC, **(env or {})}
    full.pop("VIRTUAL_ENV", None)
    return subprocess.run([sys.executable, "-m", "prong", *args], cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=600)


def _three_ways(root: Path, tmp: Path, sync_args: list[str], export_args: list[str], pip_args: list[str]) -> None:
    from packaging.pylock import Pylock

    cache = ["--cache-dir", str(tmp / "cache")]
    done = _prong(root, *cache, "sync", "--frozen", *sync_args)
    assert done.returncode == 0, done.stderr
    expected = _installed(root / ".venv")
    assert expected
    done = _prong(root, *cache, "export", "--frozen", "--format", "pylock.toml", "-o", "pylock.toml", *export_args)
    assert done.returncode == 0, done.stderr
    Pylock.from_dict(tomllib.loads((root / "pylock.toml").read_text()))  # valid PEP 751
    # uv installs it
    uv_venv = tmp / "uv-venv"
    assert run_uv(["venv", str(uv_venv)], root, tmp).returncode == 0
    got = run_uv(["pip", "install", "--python", str(uv_venv / "bin" / "python"), "-r", "pylock.toml", *pip_args],
                 root, tmp)
    assert got.returncode == 0, got.stderr
    assert _installed(uv_venv) == expected
    # prong installs it
    pr_venv = tmp / "prong-venv"
    assert _prong(root, "venv", str(pr_venv)).returncode == 0
    done = _prong(root, *cache, "pip", "sync", "pylock.toml", "--python", str(pr_venv), *pip_args)
    assert done.returncode == 0, done.stderr
    assert _installed(pr_venv) == expected


@pytest.mark.pypi
@pytest.mark.parametrize("name", ["flask", "httpx", "attrs"])
def test_real_projects(name: str, tmp_path: Path) -> None:
    root = tmp_path / name
    shutil.copytree(REALWORLD / name, root)
    if not (root / "uv.lock").is_file():
        pytest.skip(f"{name} has no checked-in uv.lock")
    _three_ways(root, tmp_path, ["--no-install-project"], ["--no-emit-project"], [])


@pytest.mark.devpi
def test_the_seed_project_with_its_cpu_extra(seed_latest: Seed, tmp_path: Path) -> None:
    root = tmp_path / "simple"
    shutil.copytree(seed_latest.dir / "projects" / "simple", root)
    assert main(["--directory", str(root), "--cache-dir", str(tmp_path / "cache"), "lock", "-q"]) == 0
    # the export applies the extra: the file installs as it is
    _three_ways(root, tmp_path, ["--extra", "cpu"], ["--extra", "cpu", "--no-emit-project"], [])
