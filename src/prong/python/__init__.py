"""Python interpreters: find them, ask each once what it is, pick one for a project.

Discovery looks where uv looks, minus managed downloads: an explicit request (``--python`` /
``UV_PYTHON`` / ``.python-version``: a version such as ``3.11``, ``3.11.7``, ``>=3.10``,
``cpython@3.12``, ``cp312``, an executable name, or a path), then the active virtual
environment (``VIRTUAL_ENV``), then the ``python3.X``, ``python3`` and ``python`` executables on
``PATH``, then pyenv's ``~/.pyenv/versions/*``. Each interpreter is run once with a small script
(:data:`_QUERY`) that prints its version, implementation, platform, ``sys.prefix`` and
sysconfig's install scheme; the answer is cached by the executable's path and mtime, so a second
run starts no process. A pyenv shim of a version that is not selected fails to run and is
simply skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.cache import Cache
    from prong.tags import Tags, Target

__all__ = [
    "Interpreter",
    "InterpreterNotFound",
    "PythonRequest",
    "find_interpreter",
    "find_interpreters",
    "parse_request",
    "python_version_file",
    "query_interpreter",
]

_QUERY_VERSION = 1
# Run in the candidate with -I (isolated: no site-packages of the user, no PYTHON* variables).
_QUERY = r"""
import json, os, platform, sys, sysconfig
names = sysconfig.get_scheme_names()
scheme = "venv" if "venv" in names else ("posix_prefix" if os.name != "nt" else "nt")
placeholder = {k: "{base}" for k in ("base", "platbase", "installed_base", "installed_platbase", "userbase")}
paths = sysconfig.get_paths(scheme=scheme, vars=placeholder, expand=True)
libc = platform.libc_ver() if sys.platform.startswith("linux") else ("", "")
print(json.dumps({
    "version": list(sys.version_info[:3]),
    "releaselevel": sys.version_info.releaselevel,
    "serial": sys.version_info.serial,
    "implementation": sys.implementation.name,
    "implementation_version": list(sys.implementation.version[:3]),
    "executable": sys.executable,
    "base_executable": getattr(sys, "_base_executable", None) or sys.executable,
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "machine": platform.machine(),
    "sys_platform": sys.platform,
    "platform_system": platform.system(),
    "platform_release": platform.release(),
    "platform_version": platform.version(),
    "os_name": os.name,
    "libc": list(libc),
    "pointer_size": 64 if sys.maxsize > 2**32 else 32,
    "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "abiflags": getattr(sys, "abiflags", ""),
    "scheme": {k: paths[k] for k in ("purelib", "platlib", "scripts", "data", "include")},
}))
"""


class InterpreterNotFound(ProngError):
    """No interpreter satisfies the request; lists those that were found. A usage error (exit
    2, as uv): the request (``--python``, ``requires-python``, ``.python-version``) is what to fix."""

    exit_code = 2

    def __init__(self, wanted: str, found: Sequence[Interpreter], failed: Sequence[str] = ()) -> None:
        self.wanted, self.found, self.failed = wanted, tuple(found), tuple(failed)
        super().__init__(f"no interpreter found for {wanted}")

    def hints(self) -> tuple[str, ...]:
        if self.found:
            listing = ", ".join(f"{i.implementation_name} {i.version_text} at {i.executable}" for i in self.found)
            found = f"Found: {listing}."
        else:
            found = "Found no Python interpreter on PATH, in the active virtual environment or in ~/.pyenv/versions."
        return (found, "prong does not download Pythons: install one that fits (or pass --python PATH).")


@dataclass(frozen=True, slots=True)
class Interpreter:
    """What one interpreter said about itself. ``executable`` is where it was found (a venv's
    ``bin/python`` stays that path), ``sys_executable`` and ``base_executable`` what it reports."""

    executable: Path
    version: tuple[int, int, int]
    releaselevel: str
    serial: int
    implementation: str
    sys_executable: str
    base_executable: str
    prefix: str
    base_prefix: str
    machine: str
    sys_platform: str
    platform_system: str
    os_name: str
    libc: tuple[str, str]
    pointer_size: int
    gil_disabled: bool
    abiflags: str
    scheme: Mapping[str, str] = field(default_factory=dict)
    implementation_version: tuple[int, int, int] = (0, 0, 0)
    platform_release: str = ""
    platform_version: str = ""

    @classmethod
    def from_json(cls, executable: Path, data: Mapping[str, Any]) -> Interpreter:
        return cls(
            executable=executable,
            version=tuple(data["version"]),  # type: ignore[arg-type]
            releaselevel=data["releaselevel"],
            serial=int(data["serial"]),
            implementation=data["implementation"],
            sys_executable=data["executable"],
            base_executable=data["base_executable"],
            prefix=data["prefix"],
            base_prefix=data["base_prefix"],
            machine=data["machine"],
            sys_platform=data["sys_platform"],
            platform_system=data["platform_system"],
            os_name=data["os_name"],
            libc=tuple(data["libc"]),  # type: ignore[arg-type]
            pointer_size=int(data["pointer_size"]),
            gil_disabled=bool(data["gil_disabled"]),
            abiflags=data["abiflags"],
            scheme=dict(data["scheme"]),
            implementation_version=tuple(data.get("implementation_version") or (0, 0, 0)),  # type: ignore[arg-type]
            platform_release=data.get("platform_release", ""),
            platform_version=data.get("platform_version", ""),
        )

    # -- derived -------------------------------------------------------------------------

    @property
    def version_text(self) -> str:
        """``3.11.7`` (``3.13.0rc1`` for a pre-release): ``python_full_version``."""
        text = ".".join(map(str, self.version))
        if self.releaselevel != "final":
            text += {"alpha": "a", "beta": "b", "candidate": "rc"}.get(self.releaselevel, self.releaselevel) + str(self.serial)
        return text

    @property
    def minor(self) -> tuple[int, int]:
        return self.version[0], self.version[1]

    @property
    def implementation_name(self) -> str:
        return {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalPy"}.get(self.implementation, self.implementation)

    @property
    def base_interpreter(self) -> str:
        """The executable a new virtual environment should link to: the base interpreter behind a
        venv, the real file behind a pyenv shim."""
        return self.base_executable if self.is_venv else self.sys_executable

    @property
    def is_venv(self) -> bool:
        return self.prefix != self.base_prefix

    @property
    def site_packages_rel(self) -> str:
        """The purelib directory of an environment of this interpreter, relative to its prefix."""
        return _relative(self.scheme["purelib"])

    def scheme_for(self, prefix: Path) -> dict[str, Path]:
        """The install scheme (purelib, platlib, scripts, data, include) of an environment at ``prefix``."""
        return {key: prefix / _relative(value) for key, value in self.scheme.items()}

    def target(self) -> Target:
        """This interpreter as a wheel-tag and marker target."""
        from prong.tags import Platform, Target

        arch = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64", "i386": "i686", "x86": "i686"}.get(
            self.machine.lower(), self.machine.lower())
        if self.sys_platform == "win32":
            platform = Platform(f"{arch}-pc-windows-msvc", "windows", arch)
        elif self.sys_platform == "darwin":
            platform = Platform(f"{arch}-apple-darwin", "macos", arch, (13, 0))
        elif self.libc[0] == "glibc" and self.libc[1]:
            major, minor = (int(x) for x in self.libc[1].split(".")[:2])
            platform = Platform(f"{arch}-unknown-linux-gnu", "manylinux", arch, (major, minor))
        else:
            platform = Platform(f"{arch}-unknown-linux-musl", "musllinux", arch, (1, 2))
        impl = {"cpython": "cp", "pypy": "pp"}.get(self.implementation, self.implementation)
        return Target(self.minor, impl, platform=platform, python_full_version=self.version_text)

    def tags(self) -> Tags:
        """The wheel tags this interpreter accepts, best first."""
        from prong.tags import Tags

        return Tags.for_target(self.target())

    def marker_environment(self) -> dict[str, str]:
        """PEP 508 marker values, as the interpreter itself would report them."""
        env = self.target().marker_environment()
        env["platform_machine"] = self.machine
        env["platform_release"] = self.platform_release
        env["platform_version"] = self.platform_version
        env["implementation_version"] = ".".join(map(str, self.implementation_version))
        return env

    def __str__(self) -> str:
        return f"{self.implementation_name} {self.version_text} at {self.executable}"


def _relative(path: str) -> str:
    return path.replace("\\", "/").removeprefix("{base}").lstrip("/") or "."


# -- requests ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PythonRequest:
    """What the user asked for: ``path`` (an interpreter or environment), ``name`` (an executable
    to find on PATH), or an implementation and/or version specifier (``specifier`` is PEP 440,
    e.g. ``==3.11.*``), or nothing (``any``)."""

    text: str
    path: Path | None = None
    name: str | None = None
    implementation: str | None = None
    specifier: str | None = None

    @property
    def any(self) -> bool:
        return self.path is None and self.name is None and self.implementation is None and self.specifier is None

    def matches(self, interp: Interpreter) -> bool:
        if self.implementation is not None and interp.implementation != self.implementation:
            return False
        if self.specifier is not None:
            from packaging.specifiers import SpecifierSet

            return SpecifierSet(self.specifier).contains(interp.version_text, prereleases=True)
        return True

    def preferred_names(self) -> tuple[str, ...]:
        """Executable names worth looking for on PATH first (``python3.11`` for ``3.11``)."""
        if self.specifier is not None:
            m = re.fullmatch(r"==(\d+)\.(\d+)(?:\.\*|\.\d+.*)?", self.specifier)
            if m:
                return (f"python{m.group(1)}.{m.group(2)}",)
        return ()


_IMPLS = {"cpython": "cpython", "python": "cpython", "cp": "cpython", "pypy": "pypy", "pp": "pypy",
          "graalpy": "graalpy", "gp": "graalpy"}


def parse_request(text: str) -> PythonRequest:
    """Read ``--python`` / ``UV_PYTHON`` / a ``.python-version`` line as uv does."""
    raw = text.strip()
    if not raw or raw in ("any", "default"):
        return PythonRequest(raw)
    version = _version_specifier(raw)
    if version is not None:
        return PythonRequest(raw, specifier=version)
    m = re.fullmatch(r"(?i)(cpython|pypy|graalpy|python|cp|pp|gp)(?:@|-)?(.*)", raw)
    if m and (not m.group(2) or _version_specifier(m.group(2), compact=True) is not None):
        impl = _IMPLS[m.group(1).lower()]
        if m.group(1).lower() == "python" and not m.group(2):
            return PythonRequest(raw, name="python")
        spec = _version_specifier(m.group(2), compact=True) if m.group(2) else None
        if m.group(1).lower() == "python" and m.group(2) and "@" not in raw and "-" not in raw:
            # `python3.11` is both an executable name and a version; uv reads it as the version
            return PythonRequest(raw, specifier=spec)
        return PythonRequest(raw, implementation=None if impl == "cpython" and m.group(1).lower() == "python"
                             else impl, specifier=spec)
    if os.sep in raw or "/" in raw or raw.startswith(".") or raw.startswith("~"):
        return PythonRequest(raw, path=Path(raw).expanduser())
    return PythonRequest(raw, name=raw)


def _version_specifier(text: str, *, compact: bool = False) -> str | None:
    """``3`` / ``3.11`` / ``3.11.7`` / ``3.13t`` / a specifier set → a PEP 440 specifier set."""
    text = text.strip()
    if compact:
        m = re.fullmatch(r"(\d)(\d{1,2})", text)  # cp311
        if m:
            return f"=={m.group(1)}.{m.group(2)}.*"
    m = re.fullmatch(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?((?:a|b|rc)\d+)?t?", text)
    if m:
        major, minor, patch, pre = m.groups()
        if patch is not None or pre is not None:
            return f"=={major}.{minor or 0}.{patch or 0}{pre or ''}" if patch is not None else f"=={major}.{minor}{pre}"
        if minor is not None:
            return f"=={major}.{minor}.*"
        return f"=={major}.*"
    if re.match(r"^\s*(==|!=|<=|>=|<|>|~=)", text):
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            return str(SpecifierSet(text))
        except InvalidSpecifier:
            return None
    return None


def python_version_file(start: Path) -> tuple[Path, str] | None:
    """The first request in the nearest ``.python-version`` at or above ``start`` (stopping at
    the user's home), as uv reads it: the first line that is not empty or a ``#`` comment."""
    home = Path.home()
    for directory in (start, *start.parents):
        candidate = directory / ".python-version"
        if candidate.is_file():
            for line in candidate.read_text(encoding="utf-8", errors="replace").splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    return candidate, line
            return None
        if directory == home:
            break
    return None


# -- querying ---------------------------------------------------------------------------------------


class QueryFailed(ProngError):
    def __init__(self, executable: Path, why: str) -> None:
        self.executable, self.why = executable, why
        super().__init__(f"could not query the interpreter at {executable}: {why}")


def query_interpreter(executable: Path, cache: Cache | None = None) -> Interpreter:
    """Run ``executable`` once to learn what it is (cached by path and mtime in ``interpreter-v1``)."""
    executable = Path(executable)
    try:
        st = executable.stat()  # follows links: a changed interpreter changes the mtime
    except OSError as err:
        raise QueryFailed(executable, err.strerror or str(err)) from None
    key = None
    if cache is not None:
        digest = hashlib.sha256(str(executable.absolute()).encode()).hexdigest()[:32]
        key = f"interpreters/{digest}"
        blob = cache.read("interpreter-v1", key)
        if blob is not None:
            try:
                entry = json.loads(blob)
                if (entry.get("v") == _QUERY_VERSION and entry.get("path") == str(executable.absolute())
                        and entry.get("mtime") == st.st_mtime_ns and entry.get("size") == st.st_size):
                    return Interpreter.from_json(executable, entry["info"])
            except (ValueError, KeyError, TypeError):
                pass
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    try:
        proc = subprocess.run([str(executable), "-I", "-c", _QUERY], capture_output=True, text=True,
                              timeout=30, env=env)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise QueryFailed(executable, str(err)) from None
    if proc.returncode != 0:
        raise QueryFailed(executable, (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1])
    try:
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        interp = Interpreter.from_json(executable, info)
    except (ValueError, KeyError, TypeError, IndexError) as err:
        raise QueryFailed(executable, f"unexpected answer ({err})") from None
    if cache is not None and key is not None:
        entry = {"v": _QUERY_VERSION, "path": str(executable.absolute()), "mtime": st.st_mtime_ns,
                 "size": st.st_size, "info": info}
        try:
            cache.write("interpreter-v1", key, json.dumps(entry).encode())
        except OSError:
            pass
    return interp


# -- discovery --------------------------------------------------------------------------------------


def _candidates(request: PythonRequest, environ: Mapping[str, str]) -> Iterator[Path]:
    """Executables worth querying, in uv's order (without duplicates of the same file)."""
    if request.path is not None:
        path = request.path
        if path.is_dir():
            for sub in ("bin/python3", "bin/python", "Scripts/python.exe"):
                if (path / sub).exists():
                    yield path / sub
                    return
        yield path
        return
    venv = environ.get("VIRTUAL_ENV")
    if venv and request.name is None:
        yield Path(venv) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    conda = environ.get("CONDA_PREFIX")
    if conda and request.name is None:
        yield Path(conda) / "bin/python"
    dirs = [Path(d) for d in environ.get("PATH", os.defpath).split(os.pathsep) if d]
    if request.name is not None:
        names: tuple[str, ...] = (request.name,)
    else:
        names = (*request.preferred_names(), "python3", "python", *(f"python3.{m}" for m in range(20, 5, -1)))
    for directory in dirs:
        # pyenv's versioned shims fail unless that version is selected (slowly: they are
        # scripts); its versions are searched directly below
        shims = directory.name == "shims" and directory.parent.name in (".pyenv", "pyenv")
        for name in names:
            if shims and name not in ("python3", "python") and name != request.name:
                continue
            candidate = directory / name
            if os.access(candidate, os.X_OK) and candidate.is_file():
                yield candidate
    if request.name is None:
        root = Path(environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
        if root.is_dir():
            for version_dir in sorted(root.iterdir(), key=_version_dir_key, reverse=True):
                for name in ("bin/python3", "bin/python"):
                    if (version_dir / name).is_file():
                        yield version_dir / name
                        break


def _version_dir_key(path: Path) -> tuple[int, ...]:
    return tuple(int(x) if x.isdigit() else -1 for x in re.split(r"[.-]", path.name)[:3])


def find_interpreters(request: PythonRequest | None = None, *, environ: Mapping[str, str] | None = None,
                      cache: Cache | None = None) -> Iterator[Interpreter | QueryFailed]:
    """Every interpreter the discovery finds for ``request`` (matching or not), in order; one
    that could not be run is yielded as its :class:`QueryFailed`."""
    env = os.environ if environ is None else environ
    req = request or PythonRequest("")
    seen: set[str] = set()
    seen_interpreters: set[str] = set()
    for candidate in _candidates(req, env):
        try:
            real = str(candidate.resolve())
        except OSError:
            real = str(candidate)
        # a shim and the real file differ; a venv's python resolves to its base interpreter but
        # is a different environment, so its own path stays the key
        key = str(candidate.absolute()) if "/.venv" in str(candidate) or env.get("VIRTUAL_ENV", "\0") in str(candidate) else real
        if key in seen:
            continue
        seen.add(key)
        try:
            interp = query_interpreter(candidate, cache)
        except QueryFailed as err:
            yield err
            continue
        real_sys = os.path.realpath(interp.sys_executable)
        if not interp.is_venv:
            if real_sys in seen_interpreters:
                continue
            seen_interpreters.add(real_sys)
        yield interp


def find_interpreter(request: PythonRequest | str | None = None, *, requires_python: str | None = None,
                     environ: Mapping[str, str] | None = None, cache: Cache | None = None,
                     allow_venv: bool = True) -> Interpreter:
    """The first interpreter that matches ``request`` and ``requires_python`` (a PEP 440
    specifier set such as ``>=3.10, <3.13``). ``allow_venv=False`` skips interpreters that are
    themselves virtual environments (a new venv needs a base interpreter).

    Raises :class:`InterpreterNotFound` listing every interpreter found."""
    from packaging.specifiers import SpecifierSet

    req = parse_request(request) if isinstance(request, str) else (request or PythonRequest(""))
    spec = SpecifierSet(requires_python) if requires_python else None
    found: list[Interpreter] = []
    failed: list[str] = []
    for item in find_interpreters(req, environ=environ, cache=cache):
        if isinstance(item, QueryFailed):
            failed.append(str(item.executable))
            continue
        found.append(item)
        if not allow_venv and item.is_venv and req.path is None:
            continue
        if req.matches(item) and (spec is None or spec.contains(item.version_text, prereleases=True)):
            return item
    parts = []
    if not req.any:
        parts.append(f"`{req.text}`")
    if requires_python:
        parts.append(f"Python {requires_python}" if not parts else f"(requires-python {requires_python})")
    wanted = " ".join(parts) or "any Python"
    if req.path is not None and not found:
        raise InterpreterNotFound(f"{wanted}: {failed[0] if failed else req.path} is not a working Python "
                                  "interpreter", found, failed)
    raise InterpreterNotFound(wanted, found, failed)
