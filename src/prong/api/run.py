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

from prong.errors import ProngError, UsageError

__all__ = ["RunResult", "run"]


class SpawnError(UsageError):
    """The command to run cannot be started (not found, not executable): a usage error (exit 2, as
    uv), since the command line names it."""


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

    if not command:
        raise ProngError("no command to run", )
    env = dict(os.environ if environ is None else environ)
    directory = find_project(project)
    result = None
    if no_sync:
        from prong.api._workspace import requires_python_of, workspace_of

        workspace = workspace_of(directory)  # the venv is the workspace's, at its root
        venv, _created = ensure_venv(workspace.root, python=sync_options.get("python"),
                                     requires_python=requires_python_of(workspace), environ=env, on_event=on_event)
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
        raise SpawnError(f"Failed to spawn: `{argv[0]}`: no such file or directory",
                         "Check its name, or install the package that provides it (`prong add PACKAGE`, or "
                         f"`prong run --with PACKAGE {argv[0]} ...` for this run only).") from None
    except PermissionError:
        raise SpawnError(f"Failed to spawn: `{argv[0]}`: permission denied",
                         f"Make it executable (`chmod +x {argv[0]}`).") from None
    code = proc.returncode
    if code < 0:  # killed by a signal: the shell's convention
        code = 128 - code
    return RunResult(code, tuple(argv), root, result)


def _overlay(project_venv: Path, requirements: tuple[str, ...], sync_options: Mapping[str, Any],
             on_event: Callable[[str], None] | None) -> Path:
    """A venv with ``requirements`` installed (resolved for the project venv's interpreter),
    kept in the cache by what it holds, whose ``.pth`` file adds the project's site-packages
    after its own (uv's layered ``--with`` environment)."""
    import hashlib
    import json

    from prong.api.compile import compile_requirements
    from prong.api.sync import _http_client, _prepare
    from prong.cache import Cache
    from prong.installer.install import link_unpacked
    from prong.venv import create_venv, open_venv

    cache = Cache.from_settings(sync_options.get("cache_dir"), no_cache=bool(sync_options.get("no_cache")))
    base = open_venv(project_venv, cache)
    if base is None:
        raise ProngError(f"{project_venv} is not a working virtual environment")
    interp = base.interpreter
    major, minor = interp.minor
    compiled = compile_requirements(
        requirements=list(requirements), python_version=interp.version_text,
        index_url=sync_options.get("index_url"), default_index=sync_options.get("default_index"),
        extra_index_urls=sync_options.get("extra_index_urls") or (), indexes=sync_options.get("indexes") or (),
        exclude_newer=sync_options.get("exclude_newer"), cache_dir=sync_options.get("cache_dir"),
        no_cache=bool(sync_options.get("no_cache")), offline=bool(sync_options.get("offline")),
        header=False, annotate=False)
    pins = sorted(f"{p.name}=={p.version}" for p in compiled.packages.values())
    key = hashlib.sha256(json.dumps([pins, interp.base_interpreter, str(project_venv)]).encode()).hexdigest()[:24]
    root = cache.bucket("environments-v1") / key
    done = root / ".prong-complete"
    if done.is_file() and open_venv(root, cache) is not None:
        return root
    venv = create_venv(root, interp, clear=True)
    from prong.api.pip import wanted_file

    wanted = [wanted_file(pkg.name, str(pkg.version), pkg.file.url, pkg.file.sha256, pkg.file.size, pkg.index_url,
                          pkg.file.filename.endswith(".whl"))
              for pkg in compiled.packages.values() if pkg.file is not None]
    ready, _n = _prepare(wanted, lambda: _http_client(project_venv.parent, None, os.environ, cache,
                                                      bool(sync_options.get("offline")), sync_options),
                         cache, venv, project_venv.parent, sync_options, None, on_event)
    for want in wanted:
        item = ready[want.name]
        link_unpacked(item.unpacked, venv, link_mode="hardlink")
    site = base.site_packages
    (venv.site_packages / "_prong_overlay.pth").write_text(f"{site}\n", encoding="utf-8")
    done.write_text(" ".join(pins), encoding="utf-8")
    if on_event is not None and pins:
        on_event(f"Installed {len(pins)} package{'s' if len(pins) != 1 else ''} in an overlay environment: "
                 + ", ".join(pins))
    return root
