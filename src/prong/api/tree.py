"""``prong tree``: the project's dependency tree from its ``uv.lock``, as ``uv tree`` draws it.

With ``frozen`` the lock is read as it is (no network); otherwise the project is locked first
(:func:`prong.api.lock.lock`, which keeps a lock that is still current without resolving). By
default the tree is that of one interpreter's platform (the project's ``.venv``, else ``python``,
else the running interpreter), as uv's is; ``universal`` draws every platform's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.project.settings import UvConfig

__all__ = ["TreeResult", "tree"]


@dataclass(frozen=True, slots=True)
class TreeResult:
    """The tree text, the lock it was drawn from, the marker environment it was filtered for
    (``None``: universal) and how long it took."""

    text: str
    lock_path: Path
    environment: Mapping[str, str] | None
    seconds: float


class InterpreterError(ProngError):
    """The interpreter asked for cannot be run to learn its platform."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def hints(self) -> tuple[str, ...]:
        return (self.hint,) if self.hint else ()


def tree(
    project: str | Path | None = None,
    *,
    frozen: bool = True,
    locked: bool = False,
    universal: bool = False,
    depth: int = 255,
    invert: bool = False,
    packages: Sequence[str] = (),
    prune: Sequence[str] = (),
    no_dedupe: bool = False,
    extras: Sequence[str] | None = None,
    all_extras: bool = False,
    groups: Sequence[str] = (),
    no_groups: Sequence[str] = (),
    only_groups: Sequence[str] = (),
    all_groups: bool = False,
    no_default_groups: bool = False,
    dev: bool = True,
    only_dev: bool = False,
    python: str | Path | None = None,
    python_version: str | None = None,
    python_platform: str | None = None,
    environment: Mapping[str, str] | None = None,
    config: UvConfig | None = None,
    cache_dir: str | Path | None = None,
    offline: bool = False,
) -> TreeResult:
    """The dependency tree of the project at (or above) ``project`` (default: the working directory).

    ``depth`` limits the levels shown below the roots; ``invert`` draws who depends on each package
    (the roots are the packages nothing depends on); ``packages`` draws only those packages' trees;
    ``prune`` leaves packages out with what only they need; ``no_dedupe`` repeats a subtree already
    drawn instead of marking it ``(*)``. The project's extras are all shown, as uv shows them;
    ``extras`` (a prong addition) shows only those, ``all_extras`` every one. ``groups``,
    ``no_groups``, ``only_groups``, ``all_groups``, ``no_default_groups``, ``dev`` (``False``:
    ``--no-dev``) and ``only_dev`` pick the dependency groups, as for ``prong export``.

    Without ``universal`` the tree is filtered for one platform: ``environment`` (a PEP 508 marker
    environment), else that of the interpreter ``python`` (a path, or a version found on ``PATH``
    as ``pythonX.Y``), else the project's ``.venv``, else the running interpreter; then
    ``python_version`` and ``python_platform`` override its Python version and platform as uv's
    options do. Without ``frozen`` the project is locked first (``locked``: fail if the lock would
    change), with ``config``, ``cache_dir`` and ``offline`` for that.
    """
    from prong.install.tree import TreeOptions, render_tree
    from prong.lock.text import read_lock
    from prong.pep508.names import normalize_extra, normalize_group, normalize_name
    from prong.project.pyproject import read_pyproject

    start = time.perf_counter()
    directory = Path(project) if project is not None else Path.cwd()
    if frozen:
        from prong.api.export import _find_project

        pyproject_path, lock_path = _find_project(directory)
        lock = read_lock(lock_path)
    else:
        from prong.api.lock import lock as run_lock

        result = run_lock(directory, locked=locked, config=config, cache_dir=cache_dir, offline=offline)
        lock_path = result.path
        from prong.api._workspace import project_target

        pyproject_path = project_target(directory).pyproject_path
        lock = result.lock if result.lock is not None else read_lock(lock_path)
    pyproject = read_pyproject(pyproject_path)
    if extras:  # (`--extra` is prong's; an unknown --group is no error in `uv tree`)
        from prong.api._selection import check_known_names

        check_known_names(pyproject, lock, extras, ())

    if only_groups or only_dev:
        chosen = {normalize_group(g) for g in only_groups} | ({"dev"} if only_dev else set())
        prod = False
    else:
        prod = True
        known = {g for p in lock.packages for g in p.dev_dependencies} | set(lock.manifest.dependency_groups)
        default = pyproject.tool_uv.default_groups
        chosen = set() if no_default_groups else (set(known) if default == "all" else set(default))
        chosen |= {normalize_group(g) for g in groups}
        if all_groups:
            chosen |= known
        if not dev:
            chosen.discard("dev")
        chosen -= {normalize_group(g) for g in no_groups}

    env: Mapping[str, str] | None = None
    if not universal:
        env = dict(environment) if environment is not None else _interpreter_environment(python, lock_path.parent)
        env = _override(env, python_version, python_platform)

    options = TreeOptions(
        depth=depth,
        prune=frozenset(normalize_name(p) for p in prune),
        packages=frozenset(normalize_name(p) for p in packages),
        groups=frozenset(chosen),
        prod=prod,
        extras=None if all_extras or extras is None else frozenset(normalize_extra(e) for e in extras),
        no_dedupe=no_dedupe,
        invert=invert,
    )
    text = render_tree(lock, options, env)
    return TreeResult(text, lock_path, env, time.perf_counter() - start)


# The PEP 508 environment of an interpreter, computed by that interpreter (no imports beyond the
# standard library, so any Python answers).
_ENV_SCRIPT = r"""
import json, os, platform, sys
def fmt(info):
    version = "{0.major}.{0.minor}.{0.micro}".format(info)
    if info.releaselevel != "final":
        version += info.releaselevel[0] + str(info.serial)
    return version
impl = sys.implementation
print(json.dumps({
    "implementation_name": impl.name,
    "implementation_version": fmt(impl.version),
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_python_implementation": platform.python_implementation(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "sys_platform": sys.platform,
}))
"""


def _interpreter_environment(python: str | Path | None, root: Path) -> dict[str, str]:
    """The marker environment of ``python`` (a path, or a version like ``3.12``), else of the
    project's ``.venv``, else of the running interpreter."""
    import shutil

    executable: str | None
    if python is not None:
        text = str(python)
        if os.sep in text or Path(text).is_file():
            executable = text
        else:
            executable = shutil.which(f"python{text}") or shutil.which(text)
            if executable is None:
                raise InterpreterError(f"no Python interpreter found for `{text}`",
                                       "Pass the path of an interpreter with --python, or --universal.")
    else:
        venv = root / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        executable = str(venv) if venv.is_file() else None
    if executable is None or Path(executable).absolute() == Path(sys.executable).absolute():
        return json.loads(_run_here())
    try:
        done = subprocess.run([executable, "-I", "-c", _ENV_SCRIPT], capture_output=True, text=True,
                              timeout=60, check=False)
    except OSError as e:
        raise InterpreterError(f"cannot run the Python interpreter `{executable}`: {e.strerror or e}",
                               "Pass another interpreter with --python, or --universal.") from None
    if done.returncode != 0:
        raise InterpreterError(f"the Python interpreter `{executable}` failed: "
                               f"{(done.stderr.strip().splitlines() or ['exit ' + str(done.returncode)])[-1]}")
    return dict(json.loads(done.stdout))


def _run_here() -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(_ENV_SCRIPT, {"__name__": "_prong_env"})  # noqa: S102 - our own constant text
    return out.getvalue()


def _override(env: Mapping[str, str], python_version: str | None, python_platform: str | None) -> dict[str, str]:
    """uv's ``--python-version`` / ``--python-platform`` applied to a marker environment."""
    out = dict(env)
    if python_version:
        parts = python_version.split(".")
        out["python_version"] = ".".join(parts[:2])
        out["python_full_version"] = python_version if len(parts) > 2 else f"{python_version}.0"
        if out.get("implementation_name") == "cpython":
            out["implementation_version"] = out["python_full_version"]
    if python_platform:
        from prong.tags import parse_platform

        platform = parse_platform(python_platform)
        out.update(os_name=platform.os_name, platform_machine=platform.platform_machine,
                   platform_system=platform.platform_system, sys_platform=platform.sys_platform,
                   platform_release="", platform_version="")
    return out
