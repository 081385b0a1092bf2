"""PEP 517 builds in an isolated environment, through ``pyproject-hooks``.

The environment's requirements are installed by a :class:`BuildInstaller` that the caller
provides (prong's dispatch resolves them with prong's own resolver and installs the wheels),
which keeps this module free of any resolver import.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from prong.errors import ProngError, UsageError


class BuildSystemError(UsageError):
    """A ``[build-system]`` table that cannot be used: a configuration error (exit code 2)."""


DEFAULT_REQUIRES = ("setuptools>=40.8.0",)
DEFAULT_BACKEND = "setuptools.build_meta:__legacy__"


@dataclass(frozen=True, slots=True)
class IsolatedEnv:
    """A throw-away virtual environment a backend runs in."""

    path: Path
    python: Path


class BuildInstaller(Protocol):
    """Installs requirements into a build environment (prong's dispatch implements it).

    An installer may also offer ``environment(requirements, *, python, base=None) -> IsolatedEnv``:
    a ready environment holding ``requirements`` (with ``base``: ``base``'s packages plus these),
    which it may share between builds (prong's dispatch keeps them in the cache, keyed by the
    resolved requirements and the interpreter). Then :func:`_backend` creates no environment of
    its own and never installs into the one it is given."""

    def install(self, requirements: Sequence[str], env: IsolatedEnv) -> None: ...


class BuildError(ProngError):
    """A backend that failed; carries the last lines it printed."""

    def __init__(self, source: str, step: str, output: str, returncode: int | None = None) -> None:
        self.source, self.step, self.output, self.returncode = source, step, output, returncode
        tail = "\n".join(output.strip().splitlines()[-12:])
        detail = f" (exit status {returncode})" if returncode is not None else ""
        super().__init__(f"failed to {step} for {source}{detail}" + (f"\n{tail}" if tail else ""))

    def last_lines(self, n: int = 5) -> str:
        return "\n".join(self.output.strip().splitlines()[-n:])


class BuildFailed(ProngError):
    """The build of a source distribution, needed for its metadata, failed.

    This stops the resolution (as uv's does) instead of moving on to another version: a failed
    build says nothing about which versions fit, and quietly taking an older release gives a
    different answer than uv without saying why. ``output`` is all the backend printed;
    ``str()`` shows its last :attr:`TAIL` lines, :meth:`verbose_str` all of them (``-v``).
    """

    TAIL = 20

    def __init__(self, package: str, version: str, source: str, step: str, output: str,
                 returncode: int | None = None, *, hint: str | None = None) -> None:
        self.package, self.version, self.source = package, version, source
        self.step, self.output, self.returncode = step, output, returncode
        self.hint = hint  # replaces the default advice (a local directory is not an index's sdist)
        super().__init__(package, version, source, step)

    def _head(self) -> str:
        status = f" (exit status {self.returncode})" if self.returncode is not None else ""
        what = f"{self.package}=={self.version}" if self.version else self.package
        return f"failed to build `{what}` from {self.source}: could not {self.step}{status}"

    def _render(self, lines: Sequence[str], hidden: int) -> str:
        if not lines:
            return self._head() + "; the backend printed nothing"
        intro = (f"the last {len(lines)} of its {len(lines) + hidden} lines of output (all with `-v`)" if hidden
                 else "its output")
        return f"{self._head()}; {intro}:\n" + "\n".join(f"  {line}" for line in lines)

    def __str__(self) -> str:
        lines = self.output.rstrip().splitlines()
        return self._render(lines[-self.TAIL:], max(0, len(lines) - self.TAIL))

    def verbose_str(self) -> str:
        """The message with every line the backend printed."""
        return self._render(self.output.rstrip().splitlines(), 0)

    def hints(self) -> Sequence[str]:
        if self.hint is not None:
            return (self.hint,)
        return (
            f"to use only wheels of `{self.package}`, pass `--no-build-package {self.package}` "
            f"(with `pip compile` also `--only-binary {self.package}`); or give its metadata in "
            f"`[tool.uv] dependency-metadata`, e.g. "
            f'{{ name = "{self.package}", version = "{self.version}", requires-dist = [...] }}',
        )


@dataclass(frozen=True, slots=True)
class BuildSystem:
    requires: tuple[str, ...]
    backend: str
    backend_path: tuple[str, ...] | None


def read_build_system(source_dir: Path) -> BuildSystem:
    """``[build-system]`` of a source tree, with the PEP 517 defaults when it is absent."""
    pyproject = source_dir / "pyproject.toml"
    if not pyproject.is_file():
        return BuildSystem(DEFAULT_REQUIRES, DEFAULT_BACKEND, None)
    import tomllib

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise BuildSystemError(f"{pyproject}: invalid TOML ({err})") from None
    table = data.get("build-system")
    if table is None:
        return BuildSystem(DEFAULT_REQUIRES, DEFAULT_BACKEND, None)
    requires = table.get("requires")
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise BuildSystemError(f"{pyproject}: [build-system] requires must be a list of strings",
                               'Write it as a list, e.g. `requires = ["setuptools>=61"]`.')
    backend = table.get("build-backend") or DEFAULT_BACKEND
    path = table.get("backend-path")
    return BuildSystem(tuple(requires), str(backend), tuple(path) if path else None)


def create_env(python: str | Path, dest: Path) -> IsolatedEnv:
    """A venv without pip at ``dest`` for ``python``."""
    result = subprocess.run(
        [str(python), "-m", "venv", "--without-pip", str(dest)], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BuildError(str(dest), "create a build environment", result.stdout + result.stderr, result.returncode)
    exe = dest / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    return IsolatedEnv(dest, exe)


class _Runner:
    """Runs a hook subprocess, keeping its output for error messages."""

    def __init__(self, source: str, env_extra: Mapping[str, str]) -> None:
        self.source = source
        self.env_extra = env_extra
        self.output = ""

    def __call__(self, cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None) -> None:
        env = dict(os.environ)
        for key in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_CONFIG_FILE"):
            env.pop(key, None)
        env.update(self.env_extra)
        if extra_environ:
            env.update(extra_environ)
        result = subprocess.run(list(cmd), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.output += result.stdout.decode("utf-8", "replace")
        if result.returncode != 0:
            raise subprocess.CalledProcessError(result.returncode, cmd, result.stdout)


@contextmanager
def _backend(source: Path, *, python: str | Path, installer: BuildInstaller, label: str,
             workdir: str | Path | None, kind: str, extra_requires: Sequence[str] = (),
             shared_env: IsolatedEnv | None = None) -> Iterator[tuple[Any, _Runner, Path]]:
    """An isolated environment with the backend's requirements, and its hook caller, for a build of
    ``kind`` (``wheel``, ``editable`` or ``sdist``: the ``get_requires_for_build_<kind>`` hook has
    run and its requirements are installed). Yields (caller, runner, temporary directory).

    ``extra_requires`` are installed with ``[build-system] requires`` (uv's
    ``extra-build-dependencies``). With ``shared_env`` (uv's ``no-build-isolation``) the backend
    runs in that environment as it is: nothing is installed and, as in uv, the
    ``get_requires_for_build_<kind>`` hook is not called."""
    import pyproject_hooks

    system = read_build_system(source)
    # Backends' warnings (pyproject-hooks re-raises them in this process) are build output, not
    # prong's: they are kept with the rest of the output instead of reaching the terminal.
    with _quiet_warnings(), tempfile.TemporaryDirectory(prefix="prong-build-", dir=workdir) as tmp:
        if shared_env is not None:
            env = shared_env
        else:
            env = _environment(installer, (*system.requires, *extra_requires), python, Path(tmp) / "env")
        runner = _Runner(label, {})

        def hook_caller(env: IsolatedEnv) -> Any:
            runner.env_extra = {"PATH": str(env.python.parent) + os.pathsep + os.environ.get("PATH", "")}
            return pyproject_hooks.BuildBackendHookCaller(
                str(source),
                system.backend,
                backend_path=list(system.backend_path) if system.backend_path else None,
                runner=runner,
                python_executable=str(env.python),
            )

        caller = hook_caller(env)
        if shared_env is not None:
            try:
                yield caller, runner, Path(tmp)
            except pyproject_hooks.BackendUnavailable as err:
                needs = ", ".join(f"`{r}`" for r in system.requires) or "nothing"
                raise BuildError(label, f"import the build backend `{system.backend}` from {env.path}",
                                 runner.output + str(err) + f"\n([build-system] requires {needs}: "
                                 f"without build isolation, they have to be installed there already)") from None
            return
        try:
            extra = getattr(caller, f"get_requires_for_build_{kind}")({})
        except pyproject_hooks.BackendUnavailable as err:
            raise BuildError(label, f"import the build backend `{system.backend}`", runner.output + str(err)) from None
        except subprocess.CalledProcessError as err:
            raise BuildError(label, "get the build requirements", runner.output, err.returncode) from None
        if extra:
            full = _environment(installer, tuple(extra), python, env.path, base=env)
            if full.path != env.path:  # a shared environment is never changed: another one holds both sets
                caller = hook_caller(full)
        yield caller, runner, Path(tmp)


_quiet_lock = __import__("threading").Lock()
_quiet_state: list[Any] = [0, None]  # builds under way, the warnings filters before the first


@contextmanager
def _quiet_warnings() -> Iterator[None]:
    """Warnings ignored while any build runs. Not ``warnings.catch_warnings`` per build: the
    filters are the process's, and builds on several threads would restore them out of order
    (the last to end putting back an "ignore" another build set); the first build in saves them,
    the last out restores them."""
    import warnings

    with _quiet_lock:
        if _quiet_state[0] == 0:
            _quiet_state[1] = (warnings.filters[:], warnings.showwarning)
            warnings.simplefilter("ignore")
        _quiet_state[0] += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_state[0] -= 1
            if _quiet_state[0] == 0:
                filters, show = _quiet_state[1]
                warnings.filters[:] = filters
                warnings.showwarning = show
                warnings._filters_mutated()  # type: ignore[attr-defined]
                _quiet_state[1] = None


def _environment(installer: BuildInstaller, requirements: Sequence[str], python: str | Path, dest: Path,
                 base: IsolatedEnv | None = None) -> IsolatedEnv:
    """An environment with ``requirements`` (and ``base``'s): the installer's own (shared, cached)
    when it offers one, else a venv at ``dest`` (or ``base`` itself) filled by ``install``."""
    shared = getattr(installer, "environment", None)
    if shared is not None:
        return shared(tuple(requirements), python=python, base=base)  # type: ignore[no-any-return]
    env = base if base is not None else create_env(python, dest)
    installer.install(tuple(requirements), env)
    return env


def prepare_metadata(
    source_dir: str | Path,
    *,
    python: str | Path = sys.executable,
    installer: BuildInstaller,
    label: str | None = None,
    workdir: str | Path | None = None,
    editable: bool = False,
    extra_requires: Sequence[str] = (),
    shared_env: IsolatedEnv | None = None,
) -> bytes:
    """Run ``prepare_metadata_for_build_wheel`` (or build the wheel) and return ``METADATA``; with
    ``editable``, the PEP 660 hooks (``prepare_metadata_for_build_editable``, else
    ``build_editable``), as uv asks an editable path dependency."""
    import pyproject_hooks

    source = Path(source_dir)
    label = label or source.name
    with _backend(source, python=python, installer=installer, label=label, workdir=workdir,
                  kind="editable" if editable else "wheel", extra_requires=extra_requires,
                  shared_env=shared_env) as (caller, runner, tmp):
        out = tmp / "metadata"
        out.mkdir()
        try:
            if editable:
                dist_info = caller.prepare_metadata_for_build_editable(str(out), {}, _allow_fallback=True)
            else:
                dist_info = caller.prepare_metadata_for_build_wheel(str(out), {}, _allow_fallback=True)
        except subprocess.CalledProcessError as err:
            raise BuildError(label, "prepare the metadata", runner.output, err.returncode) from None
        except pyproject_hooks.HookMissing as err:
            raise BuildError(label, "prepare the metadata", runner.output + str(err)) from None
        metadata = out / dist_info / "METADATA"
        if not metadata.is_file():
            raise BuildError(label, "prepare the metadata", runner.output + f"\nno METADATA in {dist_info}")
        return metadata.read_bytes()


def build_sdist(
    source_dir: str | Path,
    out_dir: str | Path,
    *,
    python: str | Path = sys.executable,
    installer: BuildInstaller,
    label: str | None = None,
    workdir: str | Path | None = None,
    extra_requires: Sequence[str] = (),
    shared_env: IsolatedEnv | None = None,
) -> Path:
    """Build a source distribution of ``source_dir`` into ``out_dir`` (PEP 517 ``build_sdist``) in
    a fresh isolated environment; returns its path."""
    import pyproject_hooks

    source = Path(source_dir).absolute()
    label = label or source.name
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with _backend(source, python=python, installer=installer, label=label, workdir=workdir,
                  kind="sdist", extra_requires=extra_requires, shared_env=shared_env) as (caller, runner, _tmp):
        try:
            name = caller.build_sdist(str(out), {})
        except subprocess.CalledProcessError as err:
            raise BuildError(label, "build the source distribution", runner.output, err.returncode) from None
        except pyproject_hooks.HookMissing as err:
            raise BuildError(label, "build the source distribution", runner.output + str(err)) from None
        return out / name


def build_wheel(
    source_dir: str | Path,
    out_dir: str | Path,
    *,
    editable: bool = False,
    python: str | Path = sys.executable,
    installer: BuildInstaller,
    label: str | None = None,
    workdir: str | Path | None = None,
    extra_requires: Sequence[str] = (),
    shared_env: IsolatedEnv | None = None,
) -> Path:
    """Build a wheel of ``source_dir`` into ``out_dir`` (PEP 517 ``build_wheel``, or PEP 660
    ``build_editable`` with ``editable``) in a fresh isolated environment; returns its path.

    Raises :class:`BuildError` naming the step that failed, with the backend's output."""
    import pyproject_hooks

    source = Path(source_dir).absolute()
    label = label or source.name
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    kind = "editable" if editable else "wheel"
    with _backend(source, python=python, installer=installer, label=label, workdir=workdir,
                  kind=kind, extra_requires=extra_requires, shared_env=shared_env) as (caller, runner, _tmp):
        try:
            name = caller.build_editable(str(out), {}) if editable else caller.build_wheel(str(out), {})
        except subprocess.CalledProcessError as err:
            raise BuildError(label, f"build the {kind}", runner.output, err.returncode) from None
        except pyproject_hooks.HookMissing as err:
            why = "the build backend does not support editable installs (PEP 660)" if editable else str(err)
            raise BuildError(label, f"build the {kind}", runner.output + why) from None
        wheel = out / name
        if not wheel.is_file():
            raise BuildError(label, f"build the {kind}", runner.output + f"\nthe backend named {name}, which it did not write")
        return wheel
