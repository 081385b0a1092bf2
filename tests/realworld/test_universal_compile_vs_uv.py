"""`prong pip compile --universal` against `uv pip compile --universal` on the real requirement sets:
the same lines (name, version and marker, in order) for ``--python-version 3.9``, pinned in time.

The default run compares three sets; ``PRONG_REALWORLD=all`` compares the ten of the universal
acceptance (all twenty were identical when written, 2026-12-05).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.realworld.test_vs_uv import EXCLUDE_NEWER, SETS_DIR, uv_bin

TEN = ("requests", "httpx-pydantic", "flask-stack", "black-mypy-ruff", "fastapi-standard",
       "django-celery", "numpy-scipy-numba", "pandas-sklearn-matplotlib", "sphinx-themes", "transformers-torch")
DEFAULT = ("requests", "numpy-scipy-numba", "pandas-sklearn-matplotlib")
SELECTED = TEN if os.environ.get("PRONG_REALWORLD", "").strip().lower() == "all" else DEFAULT


def universal(tool: str, in_file: Path, cache: Path) -> str:
    args = ["pip", "compile", "--universal", str(in_file), "--exclude-newer", EXCLUDE_NEWER, "--python-version",
            "3.9", "--no-header", "--no-annotate", "--cache-dir", str(cache)]
    cmd = [uv_bin(), *args] if tool == "uv" else [sys.executable, "-m", "prong", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    env.update(UV_NO_CONFIG="1", NO_COLOR="1", UV_PYTHON_DOWNLOADS="never")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, f"{tool} failed on {in_file.name}:\n{proc.stderr[-3000:]}"
    return proc.stdout


@pytest.mark.pypi
@pytest.mark.parametrize("name", SELECTED)
def test_the_same_lines_as_uv(name: str, tmp_path: Path) -> None:
    in_file = SETS_DIR / f"{name}.in"
    ours = universal("prong", in_file, tmp_path / "prong-cache")
    theirs = universal("uv", in_file, tmp_path / "uv-cache")
    assert any(" ; " in line for line in theirs.splitlines()) or name == "requests"
    assert ours == theirs
