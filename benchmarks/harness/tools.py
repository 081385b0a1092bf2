"""The tools under test: how each is installed, configured and invoked per scenario.

Peers are installed (latest from the default index) into their own venvs under the work directory;
prong runs from the checkout (the current interpreter's ``prong`` script, else ``python -m prong``).
Every tool is pinned in time with ``EXCLUDE_NEWER``; poetry only has ``solver.min-release-age`` in
whole days, computed from the clock at run time, so its cut-off drifts by up to a day.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

EXCLUDE_NEWER = "2026-11-01T00:00:00Z"
ALL_TOOLS = ("prong", "uv", "pip-tools", "pdm", "poetry")
PEERS = ("uv", "pip-tools", "pdm", "poetry")
# What pip installs for each peer. pdm needs its `locked` extra (a plain install pulls hishel 2).
PIP_SPEC = {"uv": "uv", "pip-tools": "pip-tools", "pdm": "pdm[locked]", "poetry": "poetry"}
LOCK_SCENARIOS = ("lock-cold", "lock-warm", "lock-noop")
COMPILE_SCENARIOS = ("compile-cold", "compile-warm")
SYNC_SCENARIOS = ("sync-cold", "sync-warm", "sync-noop")
ALL_SCENARIOS = (*LOCK_SCENARIOS, *COMPILE_SCENARIOS, *SYNC_SCENARIOS, "version")
LOCKFILE = {"prong": "uv.lock", "uv": "uv.lock", "pdm": "pdm.lock", "poetry": "poetry.lock", "pip-tools": "requirements.txt"}
CACHE_VARS = ("UV_CACHE_DIR", "PDM_CACHE_DIR", "POETRY_CACHE_DIR", "PIP_CACHE_DIR", "PRONG_CACHE_DIR")


def base_python() -> str:
    """The interpreter every tool builds its venvs from (the base of the harness's interpreter)."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return os.path.realpath(base)


def poetry_min_release_age_days(now: dt.datetime | None = None) -> int:
    """Whole days such that poetry's cut-off (now - days) is at or before ``EXCLUDE_NEWER``."""
    now = now or dt.datetime.now(dt.UTC)
    pin = dt.datetime.fromisoformat(EXCLUDE_NEWER.replace("Z", "+00:00"))
    return max(0, math.ceil((now - pin).total_seconds() / 86400))


def clean_env(home: Path) -> dict[str, str]:
    """The environment every tool runs in: no pip config, no find-links, no uv config, no downloads."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "PDM_", "POETRY_", "PRONG_"))}
    for key in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "PYTHONHOME"):
        env.pop(key, None)
    if "PIP_CERT" in os.environ:
        env["PIP_CERT"] = os.environ["PIP_CERT"]
    env.update(
        PIP_CONFIG_FILE="/dev/null",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        UV_NO_CONFIG="1",
        UV_PYTHON_DOWNLOADS="never",
        UV_PYTHON=base_python(),
        PDM_CHECK_UPDATE="false",
        PDM_CONFIG_FILE=str(home / "pdm-config.toml"),
        PDM_NON_INTERACTIVE="1",
        POETRY_CONFIG_DIR=str(home / "poetry-config"),
        POETRY_VIRTUALENVS_IN_PROJECT="true",
        POETRY_NO_INTERACTION="1",
        POETRY_SOLVER_MIN_RELEASE_AGE=str(poetry_min_release_age_days()),
        NO_COLOR="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def with_cache(env: dict[str, str], cache: Path) -> dict[str, str]:
    out = dict(env)
    for var in CACHE_VARS:
        out[var] = str(cache)
    out["XDG_CACHE_HOME"] = str(cache / "xdg")
    return out


@dataclass
class Tool:
    """One tool: where it lives and the command line for each scenario (None: it has no such command)."""

    name: str
    argv0: list[str] = field(default_factory=list)
    version: str = "?"
    bindir: Path | None = None

    # -- installation -------------------------------------------------------------------------------
    def install(self, tools_dir: Path, env: dict[str, str], log: callable) -> None:  # type: ignore[valid-type]
        if self.name == "prong":
            script = Path(sys.executable).with_name("prong")
            self.argv0 = [str(script)] if script.is_file() else [sys.executable, "-m", "prong"]
        else:
            venv = tools_dir / self.name
            if not (venv / "bin" / "python").is_file():
                subprocess.run([base_python(), "-m", "venv", str(venv)], check=True, env=env)
            log(f"installing {PIP_SPEC[self.name]} (latest) into {venv}")
            subprocess.run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-U", "pip", PIP_SPEC[self.name]],
                check=True,
                env=env,
            )
            self.bindir = venv / "bin"
            exe = {"uv": "uv", "pip-tools": "pip-compile", "pdm": "pdm", "poetry": "poetry"}[self.name]
            self.argv0 = [str(self.bindir / exe)]
        out = subprocess.run([*self.argv0, "--version"], capture_output=True, text=True, env=env)
        text = (out.stdout or out.stderr).strip().splitlines()
        self.version = _version_of(text[0] if text else "?")
        if self.name == "pip-tools":
            pip = subprocess.run(
                [str(self.bindir / "python"), "-m", "pip", "--version"], capture_output=True, text=True, env=env  # type: ignore[operator]
            )
            self.version += f" (pip {_version_of(pip.stdout)})"

    def bin(self, name: str) -> str:
        assert self.bindir is not None
        return str(self.bindir / name)

    # -- commands -----------------------------------------------------------------------------------
    def setup(self, scenario: str, proj: Path) -> list[list[str]]:
        """Untimed commands to run in ``proj`` before a lock (pdm/poetry make their venv here)."""
        py = base_python()
        if scenario in LOCK_SCENARIOS:
            if self.name == "pdm":
                return [[*self.argv0, "use", "-f", "-q", py]]
            if self.name == "poetry":
                return [[*self.argv0, "env", "use", "-q", py]]
        if scenario in SYNC_SCENARIOS and self.name == "pip-tools":
            return [[py, "-m", "venv", str(proj / ".venv")]]
        return []

    def command(self, scenario: str, proj: Path) -> list[str] | None:
        a0, t = self.argv0, EXCLUDE_NEWER
        n = self.name
        if scenario == "version":
            return [*a0, "--version"]
        if scenario in ("lock-cold", "lock-warm"):
            return {
                "prong": [*a0, "-v", "lock", "--exclude-newer", t],
                "uv": [*a0, "lock", "--exclude-newer", t],
                "pdm": [*a0, "lock", "-q", "--exclude-newer", t],
                "poetry": [*a0, "lock"],
            }.get(n)
        if scenario == "lock-noop":
            return {
                "prong": [*a0, "-v", "lock", "--exclude-newer", t],
                "uv": [*a0, "lock", "--exclude-newer", t],
                "pdm": [*a0, "lock", "--check"],
                "poetry": [*a0, "lock"],
            }.get(n)
        if scenario in COMPILE_SCENARIOS:
            uvlike = ["pip", "compile", "requirements.in", "-o", "requirements.txt", "--python-version", "3.11",
                      "--exclude-newer", t]
            return {
                "prong": [*a0, "-v", *uvlike],
                "uv": [*a0, *uvlike, "--quiet"],
                "pip-tools": [*a0, "-q", "--no-header", "--strip-extras", "--cache-dir", "{cache}/pip-tools",
                              "--pip-args", f"--uploaded-prior-to={t}", "-o", "requirements.txt", "requirements.in"],
            }.get(n)
        if scenario in SYNC_SCENARIOS:
            return {
                "prong": [*a0, "-v", "sync", "--frozen"],
                "uv": [*a0, "sync", "--frozen"],
                "pdm": [*a0, "sync", "-q"],
                "poetry": [*a0, "sync"],
                "pip-tools": [self.bin("pip-sync") if self.bindir else "pip-sync", "-q", "--python-executable",
                              str(proj / ".venv" / "bin" / "python"), "requirements.txt"],
            }.get(n)
        raise ValueError(scenario)

    def lockfile(self) -> str:
        return LOCKFILE[self.name]

    def lock_source(self) -> str:
        """The scenario family that produces the lock this tool syncs from."""
        return "compile" if self.name == "pip-tools" else "lock"


def _version_of(text: str) -> str:
    m = re.search(r"\d+(\.\d+)+\S*", text)
    return m.group(0).rstrip(")") if m else text.strip()


def not_yet(stderr: str) -> bool:
    """Whether a failed prong run says the command or option does not exist yet."""
    low = stderr.lower()
    return "not implemented yet" in low or "unrecognized arguments" in low or "invalid choice" in low


def rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
