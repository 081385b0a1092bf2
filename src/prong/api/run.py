"""``prong run``: run a command in the project's environment, synced first (``uv run``).

The environment is brought up to date with an inexact sync (packages the lock does not select
stay), unless ``no_sync``; then the command runs with the venv's ``bin`` first on ``PATH`` and
``VIRTUAL_ENV`` set. A first argument ending in ``.py`` (an existing file) runs with the venv's
Python. ``with_`` adds requirements in an overlay environment kept in the cache: a venv holding
just those packages, whose ``.pth`` file puts the project's site-packages after its own.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prong.errors import ProngError

__all__ = ["RunResult", "run"]


@dataclass(frozen=True, slots=True)
class RunResult:
    returncode: int
    command: tuple[str, ...]
    venv: Path
    sync: Any = None  # the SyncResult of the sync before the command (None with no_sync)


def run(
    command: Sequence[str],
    project: str | Path = ".",
    *,
    no_sync: bool = False,
    with_: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    on_event: Callable[[str], None] | None = None,
    on_sync: Callable[[Any], None] | None = None,
    **sync_options: Any,
) -> RunResult:
    """Sync the project's environment (inexact), then run ``command`` in it; returns its exit
    code (the command's output goes to this process's standard streams)."""
    from prong.api.lock import find_project
    from prong.api.sync import ensure_venv, sync
    from prong.project.pyproject import read_pyproject

    if not command:
        raise ProngError("no command to run", )
    env = dict(os.environ if environ is None else environ)
    directory = find_project(project)
    result = None
    if no_sync:
        pyproject = read_pyproject(directory / "pyproject.toml")
        venv, _created = ensure_venv(directory, python=sync_options.get("python"),
                                     requires_python=pyproject.requires_python, environ=env, on_event=on_event)
        root = venv.root
    else:
        sync_options.setdefault("inexact", True)
        result = sync(directory, environ=env, on_event=on_event, **sync_options)
        if on_sync is not None:
            on_sync(result)
        root = result.venv
    bindirs = [str(root / "bin")]
    if with_:
        overlay = _overlay(root, tuple(with_), sync_options, on_event)
        bindirs.insert(0, str(overlay / "bin"))
        root = overlay
    env["VIRTUAL_ENV"] = str(root)
    env.pop("PYTHONHOME", None)
    env["PATH"] = os.pathsep.join([*bindirs, env.get("PATH", "")])
    argv = list(command)
    if argv[0].endswith((".py", ".pyw")) and Path(argv[0]).is_file():
        argv = [str(root / "bin" / "python"), *argv]
    try:
        proc = subprocess.run(argv, env=env, check=False)
    except FileNotFoundError:
        raise ProngError(f"Failed to spawn: `{argv[0]}`: no such file or directory",
                         ) from None
    except PermissionError:
        raise ProngError(f"Failed to spawn: `{argv[0]}`: permission denied") from None
    code = proc.returncode
    if code < 0:  # killed by a signal: the shell's convention
        code = 128 - code
    return RunResult(code, tuple(argv), root, result)


def _overlay(project_venv: Path, requirements: tuple[str, ...], sync_options: Mapping[str, Any],
             on_event: Callable[[str], None] | None) -> Path:
    """A cached venv with ``requirements`` installed whose ``.pth`` adds the project's site-packages."""
    raise ProngError("`prong run --with` is not supported yet",)
