"""Virtual environments, written directly as ``uv venv`` writes them.

No ``python -m venv`` and no pip: a venv is a ``pyvenv.cfg`` (``home``, ``implementation``,
``version_info``, ``include-system-site-packages``, ``prompt``), ``bin/python`` linked to the
base interpreter with ``python3`` and ``python3.X`` beside it, an empty ``site-packages``, a
``lib64`` link on 64-bit Linux, activation scripts, a ``.gitignore`` of ``*`` and a
``CACHEDIR.TAG``. That is all CPython needs to start as a venv, and it takes a few file-system
calls instead of a subprocess. ``seed=True`` adds pip from the interpreter's own ``ensurepip``
wheel (no network).

A directory that exists and is not a virtual environment (no ``pyvenv.cfg``) is never removed.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.cache import Cache
    from prong.python import Interpreter

__all__ = ["NotAVenv", "Venv", "create_venv", "read_pyvenv_cfg", "venv_python"]


class NotAVenv(ProngError):
    """A directory prong was asked to (re)create as a venv holds something else."""

    def __init__(self, path: Path, why: str = "it exists and is not a virtual environment") -> None:
        self.path = path
        super().__init__(f"refusing to replace {path}: {why}")

    def hints(self) -> tuple[str, ...]:
        return ("Remove the directory yourself, or choose another path (UV_PROJECT_ENVIRONMENT).",)


@dataclass(frozen=True, slots=True)
class Venv:
    """A virtual environment: its root, its interpreter (as queried) and its install scheme."""

    root: Path
    interpreter: Interpreter

    @property
    def python(self) -> Path:
        return venv_python(self.root)

    @property
    def bin(self) -> Path:
        return self.root / ("Scripts" if os.name == "nt" else "bin")

    def scheme(self) -> dict[str, Path]:
        """purelib, platlib, scripts, data, include (headers go to ``include/site/pythonX.Y``)."""
        scheme = self.interpreter.scheme_for(self.root)
        major, minor = self.interpreter.minor
        scheme["include"] = self.root / "include" / "site" / f"python{major}.{minor}"
        return scheme

    @property
    def site_packages(self) -> Path:
        return self.scheme()["purelib"]


def venv_python(root: Path) -> Path:
    return root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def read_pyvenv_cfg(root: Path) -> dict[str, str] | None:
    """The ``key = value`` lines of ``root/pyvenv.cfg``, or ``None`` when it has none."""
    try:
        text = (root / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _remove_venv(root: Path) -> None:
    """Remove ``root`` only if it is a venv (has pyvenv.cfg) or an empty directory."""
    if root.is_symlink() or root.is_file():
        raise NotAVenv(root, "it is not a directory")
    if not root.exists():
        return
    if read_pyvenv_cfg(root) is None:
        if any(root.iterdir()):
            raise NotAVenv(root)
        return
    # the pyvenv.cfg goes last: an interrupted removal leaves a directory that is still a venv
    for child in list(root.iterdir()):
        if child.name == "pyvenv.cfg":
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (root / "pyvenv.cfg").unlink()


def create_venv(
    root: Path,
    interpreter: Interpreter,
    *,
    prompt: str | None = None,
    clear: bool = False,
    seed: bool = False,
    system_site_packages: bool = False,
    allow_existing: bool = False,
) -> Venv:
    """Create a venv at ``root`` for ``interpreter`` (a base interpreter or another venv's).

    An existing venv is replaced when ``clear`` is set, kept and refreshed (links, config) when
    ``allow_existing`` is set, and otherwise replaced too (as ``uv venv`` does); anything else at
    ``root`` is refused with :class:`NotAVenv`. ``prompt`` defaults to the directory name of the
    venv's parent for ``.venv`` (as uv), else the venv's own name; ``"."`` means the working
    directory's name.
    """
    from prong import __version__

    root = Path(root).absolute()
    if root.exists() or root.is_symlink():
        if not allow_existing or clear:
            _remove_venv(root)
        elif read_pyvenv_cfg(root) is None and root.is_dir() and any(root.iterdir()):
            raise NotAVenv(root)
    base = Path(interpreter.base_interpreter)
    major, minor = interpreter.minor
    bindir = root / ("Scripts" if os.name == "nt" else "bin")
    if prompt == ".":
        prompt = Path.cwd().name
    cfg = [
        f"home = {base.parent}",
        f"implementation = {interpreter.implementation_name}",
        f"prong = {__version__}",
        f"version_info = {interpreter.version_text}",
        f"include-system-site-packages = {'true' if system_site_packages else 'false'}",
    ]
    if prompt:
        cfg.append(f"prompt = {prompt}")
    # pyvenv.cfg first (in place, not renamed in): from the first file on, a creation cut short
    # leaves a directory that is a venv, which the next run replaces, rather than one it must
    # refuse to touch; bin/python last, so that until the end it is not a working venv
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyvenv.cfg").write_text("\n".join(cfg) + "\n", encoding="utf-8")
    bindir.mkdir(parents=True, exist_ok=True)
    scheme = interpreter.scheme_for(root)
    Path(scheme["purelib"]).mkdir(parents=True, exist_ok=True)
    if sys.platform.startswith("linux") and interpreter.pointer_size == 64 and not (root / "lib64").exists():
        os.symlink("lib", root / "lib64")

    # byte for byte as uv writes them (no final newline)
    _write(root / ".gitignore", "*")
    _write(root / "CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55")
    shown_prompt = prompt or root.name
    from prong.venv import _activate

    for name, text in _activate.scripts(root, shown_prompt, bindir.name).items():
        _write(bindir / name, text)

    names = ["python", "python3", f"python{major}.{minor}"]
    if interpreter.implementation == "pypy":
        names += ["pypy", "pypy3", f"pypy{major}.{minor}"]
    for i, name in reversed(list(enumerate(names))):
        link = bindir / name
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(str(base) if i == 0 else "python", link)

    from prong.python import Interpreter as _I

    venv_interp = _I(**{**_fields(interpreter), "executable": bindir / "python", "sys_executable": str(bindir / "python"),
                        "prefix": str(root), "base_prefix": interpreter.base_prefix, "base_executable": str(base)})
    venv = Venv(root, venv_interp)
    if seed:
        seed_pip(venv)
    return venv


def _fields(interp: Interpreter) -> dict[str, object]:
    from dataclasses import fields

    return {f.name: getattr(interp, f.name) for f in fields(interp)}


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def open_venv(root: Path, cache: Cache | None = None) -> Venv | None:
    """The venv at ``root`` with its interpreter queried (``None`` when ``root`` is no working venv)."""
    from prong.python import QueryFailed, query_interpreter

    if read_pyvenv_cfg(root) is None:
        return None
    python = venv_python(root)
    if not python.exists():
        return None
    try:
        interp = query_interpreter(python, cache)
    except QueryFailed:
        return None
    if not interp.is_venv or Path(interp.prefix).resolve() != root.resolve():
        return None
    return Venv(root.absolute(), interp)


def seed_pip(venv: Venv) -> str:
    """Install pip into ``venv`` from the interpreter's bundled ``ensurepip`` wheel; returns its
    ``name==version``."""
    import subprocess

    proc = subprocess.run(
        [str(venv.interpreter.base_interpreter), "-I", "-c",
         "import ensurepip, os; d = os.path.join(os.path.dirname(ensurepip.__file__), '_bundled'); "
         "print(next(os.path.join(d, f) for f in sorted(os.listdir(d)) if f.startswith('pip-')))"],
        capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise ProngError(f"cannot seed pip: {venv.interpreter.base_interpreter} has no ensurepip wheel")
    wheel = Path(proc.stdout.strip())
    from prong.installer.install import install_wheel_file

    return install_wheel_file(wheel, venv)
