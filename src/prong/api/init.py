"""``prong init``: a new project, laid out as ``uv init`` 0.13.9 lays it out.

By default an application packaged in a ``src/`` layout with a console script (uv 0.13.9's
default); ``lib`` a library (``py.typed``, no script); ``package=False`` a virtual project with a
``main.py``. ``requires-python`` is ``>=X.Y`` of the interpreter found (or asked for with
``python``), also written to ``.python-version``. ``vcs="git"`` runs ``git init`` unless the
directory is already inside a work tree. An existing ``pyproject.toml`` is never overwritten.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from prong.errors import UsageError

__all__ = ["InitResult", "init"]

_GITIGNORE = """# Python-generated files
__pycache__/
*.py[oc]
build/
dist/
wheels/
*.egg-info

# Virtual environments
.venv
"""

# uv 0.13.9 writes `uv_build>=0.13.9,<0.14.0` and builds such projects itself without installing
# uv_build; prong installs the backend like any other, so it writes hatchling, uv's own choice for
# `uv init --build-backend hatch` (see docs/conformance.md)
_BUILD_SYSTEM = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'


@dataclass(frozen=True, slots=True)
class InitResult:
    path: Path
    name: str
    files: tuple[Path, ...]


def init(
    path: str | Path | None = None,
    *,
    name: str | None = None,
    lib: bool = False,
    package: bool | None = None,
    python: str | None = None,
    vcs: str = "git",
    description: str = "Add your description here",
    on_event: Callable[[str], None] | None = None,
) -> InitResult:
    """Create a project in ``path`` (default: the working directory); see the module docstring."""
    root = Path(path) if path is not None else Path.cwd()
    root = root.absolute()
    if (root / "pyproject.toml").exists():
        raise UsageError(f"Cannot initialize a project in `{root}` because `pyproject.toml` already exists",
                         "Edit it instead (`prong add ...`), or choose another directory.")
    raw_name = name or root.name
    norm = re.sub(r"[-_.]+", "-", raw_name).lower()
    if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", norm):
        raise UsageError(f"`{raw_name}` is not a valid package name", "Pass one with --name.")
    module = norm.replace("-", "_")
    packaged = True if lib else (True if package is None else package)
    from prong.python import find_interpreter

    interp = find_interpreter(python) if python else find_interpreter()
    major, minor = interp.minor
    lines = ["[project]", f'name = "{norm}"', 'version = "0.1.0"', f'description = "{description}"',
             'readme = "README.md"']
    if packaged:
        authors = _git_author()
        if authors:
            lines += ["authors = [", f"    {{ name = \"{authors[0]}\", email = \"{authors[1]}\" }}", "]"]
    lines += [f'requires-python = ">={major}.{minor}"', "dependencies = []", ""]
    if packaged and not lib:
        lines += ["[project.scripts]", f'{norm} = "{module}:main"', ""]
    text = "\n".join(lines)
    if packaged:
        text += "\n" + _BUILD_SYSTEM if not text.endswith("\n\n") else _BUILD_SYSTEM
    files: list[Path] = []

    def write(rel: str, content: str) -> None:
        target = root / rel
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        files.append(target)

    root.mkdir(parents=True, exist_ok=True)
    write("pyproject.toml", text)
    write("README.md", "")
    write(".python-version", f"{major}.{minor}\n")
    if lib:
        write(f"src/{module}/__init__.py", f'def hello() -> str:\n    return "Hello from {norm}!"\n')
        write(f"src/{module}/py.typed", "")
    elif packaged:
        write(f"src/{module}/__init__.py", f'def main() -> None:\n    print("Hello from {norm}!")\n')
    else:
        write("main.py", f'def main():\n    print("Hello from {norm}!")\n\n\nif __name__ == "__main__":\n    main()\n')
    if vcs == "git" and shutil.which("git") and not _inside_git(root):
        subprocess.run(["git", "init", "-q", str(root)], capture_output=True, check=False)
        write(".gitignore", _GITIGNORE)
    if on_event is not None:
        shown = os.path.relpath(root) if root != Path.cwd() else "."
        kind = "library" if lib else "project"
        on_event(f"Initialized {kind} `{norm}`" + (f" at `{root}`" if shown != "." else ""))
    return InitResult(root, norm, tuple(files))


def _git_author() -> tuple[str, str] | None:
    if not shutil.which("git"):
        return None
    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, check=False).stdout.strip()
        email = subprocess.run(["git", "config", "user.email"], capture_output=True, text=True,
                               check=False).stdout.strip()
    except OSError:
        return None
    return (name, email) if name and email else None


def _inside_git(path: Path) -> bool:
    for d in (path, *path.parents):
        if (d / ".git").exists():
            return True
    return False
