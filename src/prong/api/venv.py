"""``prong venv``: create a virtual environment (``uv venv``), without ``python -m venv``."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.python import Interpreter

__all__ = ["VenvExists", "VenvResult", "venv"]


class VenvExists(ProngError):
    """The target exists and ``clear`` was not given (uv 0.13.9 refuses too)."""

    exit_code = 2

    def __init__(self, path: Path, is_venv: bool) -> None:
        self.path, self.is_venv = path, is_venv
        what = "A virtual environment" if is_venv else "A directory"
        super().__init__(f"Failed to create virtual environment: {what.lower()} already exists at: {path}")

    def hints(self) -> tuple[str, ...]:
        what = "virtual environment" if self.is_venv else "directory"
        return (f"Use the `--clear` flag or set `UV_VENV_CLEAR=1` to replace the existing {what}",)


@dataclass(frozen=True, slots=True)
class VenvResult:
    path: Path
    interpreter: Interpreter
    seeded: tuple[str, ...] = ()


def venv(
    path: str | Path | None = None,
    *,
    python: str | None = None,
    seed: bool = False,
    prompt: str | None = None,
    clear: bool = False,
    system_site_packages: bool = False,
    environ: Mapping[str, str] | None = None,
    cache_dir: str | Path | None = None,
    no_cache: bool = False,
    on_event: Callable[[str], None] | None = None,
) -> VenvResult:
    """Create a venv at ``path`` (default ``.venv``, or the project's ``UV_PROJECT_ENVIRONMENT``)
    for the interpreter ``python`` asks for (else ``UV_PYTHON``, ``.python-version``, the
    project's ``requires-python``, the first Python found). An existing directory is replaced only
    with ``clear`` (or ``UV_VENV_CLEAR=1``); one that is not a venv never is."""
    from prong.api.sync import _python_request, _shown
    from prong.cache import Cache
    from prong.python import find_interpreter, parse_request
    from prong.venv import NotAVenv, create_venv, read_pyvenv_cfg

    env = os.environ if environ is None else environ
    say = on_event or (lambda _line: None)
    cwd = Path.cwd()
    requires_python = None
    project_root = _project_root(cwd)
    if project_root is not None:
        try:
            from prong.project.pyproject import read_pyproject

            requires_python = read_pyproject(project_root / "pyproject.toml").requires_python
        except ProngError:
            requires_python = None
    if path is None:
        from prong.api.sync import project_environment

        target = project_environment(project_root, env) if project_root is not None else cwd / ".venv"
    else:
        target = Path(path)
    request_text, _origin = _python_request(project_root or cwd, python, env)
    cache = Cache.from_settings(cache_dir, no_cache=no_cache)
    interp = find_interpreter(parse_request(request_text) if request_text else None,
                              requires_python=requires_python if not request_text else None,
                              environ=env, cache=cache, allow_venv=False)
    say(f"Using {interp.implementation_name} {interp.version_text} interpreter at: {interp.sys_executable}")
    say(f"Creating virtual environment {'with seed packages ' if seed else ''}at: {_shown(target)}")
    clear = clear or env.get("UV_VENV_CLEAR", "").lower() in ("1", "true", "yes")
    if (target.exists() or target.is_symlink()) and not clear:
        is_venv = read_pyvenv_cfg(target) is not None
        if is_venv or not target.is_dir() or any(target.iterdir()):
            raise VenvExists(Path(_shown(target)), is_venv)
    if clear and target.exists() and read_pyvenv_cfg(target) is None and target.is_dir() and any(target.iterdir()):
        raise NotAVenv(target)
    made = create_venv(target, interp, prompt=prompt, clear=clear, allow_existing=True,
                       system_site_packages=system_site_packages)
    seeded: tuple[str, ...] = ()
    if seed:
        from prong.venv import seed_pip

        seeded = (seed_pip(made),)
        for item in seeded:
            say(f" + {item}")
    return VenvResult(made.root, interp, seeded)


def _project_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / "pyproject.toml").is_file():
            return directory
    return None
