"""Running the reference uv (the test extra's uv 0.13.9) in isolation: a private cache and
configuration directory, no UV_* variables of the caller, no Python downloads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def uv_bin() -> str:
    """The uv next to this interpreter (installed by the test extra), else the one on PATH."""
    here = Path(sys.executable).with_name("uv")
    if here.is_file():
        return str(here)
    found = shutil.which("uv")
    if found is None:
        raise RuntimeError("uv is not installed: `pip install -e '.[test]'` installs it")
    return found


def run_uv(args: list[str], cwd: Path, tmp: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    env.update(UV_CACHE_DIR=str(tmp / "uv-cache"), XDG_CONFIG_HOME=str(tmp / "uv-config"),
               UV_PYTHON=sys.executable, UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    return subprocess.run([uv_bin(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
