"""``BuildDispatch``: metadata of source distributions, with build environments prong fills itself.

Metadata is read without a build where the sdist allows it (a static ``pyproject.toml``
``[project]`` table, else a PEP 643 ``PKG-INFO``: :mod:`prong.sources.sdist`); otherwise the
backend's ``prepare_metadata_for_build_wheel`` runs, and its failure is a
:class:`~prong.pep517.hooks.BuildFailed` error naming the package, version and source.

It implements the index client's ``MetadataBuilder`` (sdist -> METADATA) and the builder's
``BuildInstaller`` (requirements -> an isolated env): build requirements are resolved with
prong's own resolver for the interpreter that runs the backend, restricted to wheels (so a
build never needs another build), and the wheels are installed with ``installer``.

The project's build settings (:class:`BuildSettings`: ``build-constraint-dependencies``,
``extra-build-dependencies``, ``no-build-isolation[-package]``) are given to the dispatch, or
taken from :func:`build_settings_scope` that the command entered (the dispatches made deep in
the reading of a project, for path dependencies and direct URLs, find them there).
"""

from __future__ import annotations

import logging
import sys
import threading
import sysconfig
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prong.client.metadata import MetadataUnavailable
from prong.client.auth import redact
from prong.errors import ProngError
from prong.pep517.hooks import BuildError, BuildFailed, IsolatedEnv, prepare_metadata
from prong.pep517.settings import BuildSettings, build_settings_scope, current_build_settings
from prong.sources.sdist import sdist_static_metadata, unpack

if TYPE_CHECKING:
    from prong.cache import Cache
    from prong.client.http import HttpClient
    from prong.dists import IndexFile
    from prong.resolver.index import PackageIndex

log = logging.getLogger("prong.build")

__all__ = ["BuildDispatch", "BuildSettings", "SourceBuildDisabled", "build_settings_scope", "current_build_settings"]


class SourceBuildDisabled(ProngError):
    """A git or URL source's metadata needs its build backend, and building ``package`` is disabled
    (uv: ``Failed to download and build `NAME @ SOURCE```, ``Building source distributions for
    `NAME` is disabled``, exit status 1)."""

    def __init__(self, package: str, source: str) -> None:
        self.package, self.source = package, source
        super().__init__(f"failed to build `{package} @ {source}`: its metadata is dynamic, and building "
                         f"`{package}` from source is disabled")

    def hints(self) -> Sequence[str]:
        return (f"Allow the build of `{self.package}` (drop `--no-build`, or take it out of `--no-build-package` / "
                f"`no-build-package`), or point the source at a wheel.",)


class BuildDispatch:
    """Reads or builds sdist metadata; installs build requirements into isolated envs."""

    def __init__(
        self,
        http: HttpClient,
        cache: Cache,
        *,
        index: PackageIndex | None = None,
        no_build: bool | frozenset[str] | Callable[[str], bool] = False,
        python: str = sys.executable,
        settings: BuildSettings | None = None,
    ) -> None:
        self.http = http
        self.settings = settings if settings is not None else current_build_settings()
        self.cache = cache
        self.index = index  # set after construction: the index needs the builder and vice versa
        self.no_build = no_build  # True, the (normalized) names not built, or a predicate on names
        self.builds = 0  # metadata builds started by this dispatch (static reads are not counted)
        self.python = python
        self._installed: dict[Path, dict[str, str]] = {}  # env -> name -> version already installed
        self.environments_created = 0  # shared build environments this dispatch created
        self._envs: dict[tuple[Any, ...], IsolatedEnv] = {}  # (requirements, python, base) -> env
        self._env_pins: dict[Path, dict[str, tuple[str, Any]]] = {}  # env -> name -> (version, file)
        # Builds may run on several threads at once (``prong sync`` builds its wheels
        # concurrently): ``_env_lock`` guards the dicts above and the counters, and each build
        # environment (by memo key, and by its digest in ``environments-v1``) has its own lock, so
        # two threads wanting the same one resolve and create it once.
        self._env_lock = threading.Lock()
        self._key_locks: dict[Any, threading.Lock] = {}

    # -- MetadataBuilder --------------------------------------------------------------------

    def build_metadata(self, file: IndexFile) -> bytes:
        """METADATA of the sdist ``file``: read from its ``pyproject.toml`` or ``PKG-INFO`` when
        they are static (:func:`~prong.sources.sdist.sdist_static_metadata`), else built.

        A failed build raises :class:`~prong.pep517.hooks.BuildFailed`, which ends the resolution."""
        from prong.errors import ProngError
        from prong.filenames import SdistFilename

        path = self.fetch(file)
        try:
            parsed = SdistFilename.parse(file.filename)
            name, version = str(parsed.name), str(parsed.version)
        except ProngError:
            name, version = file.filename, "?"
        static = sdist_static_metadata(path, name, version) if version != "?" else None
        if static is not None:
            log.debug("%s: static metadata from its %s", file.filename, static[1])
            return static[0]
        if self._builds_disabled(name):
            raise MetadataUnavailable(file.filename, "its metadata is dynamic and building is disabled (--no-build)")
        self._count_build()
        log.info("%s: building its metadata (no static pyproject.toml [project] or PKG-INFO)", file.filename)
        source = redact(file.url)
        with tempfile.TemporaryDirectory(prefix="prong-sdist-") as tmp:
            tree = unpack(path, Path(tmp) / "src")
            try:
                return prepare_metadata(tree, python=self.python, installer=self, label=file.filename, workdir=tmp,
                                        **self.hook_options(name))
            except BuildError as err:
                raise BuildFailed(name, version, source, err.step, err.output, err.returncode,
                                  hint=self._hint(name, err)) from None
            except BuildFailed:
                raise
            except ProngError as err:  # the build requirements could not be resolved or installed
                raise BuildFailed(name, version, source, "install the build requirements", str(err)) from None

    def build_wheel(self, source: Path, out_dir: Path, *, name: str, version: str, origin: str,
                    editable: bool = False) -> Path:
        """A wheel (or, with ``editable``, a PEP 660 editable wheel) of the source tree or sdist
        ``source``, written to ``out_dir``; a failure is :class:`~prong.pep517.hooks.BuildFailed`."""
        from prong.pep517.hooks import build_wheel
        from prong.errors import ProngError

        if self._builds_disabled(name):
            raise BuildFailed(name, version, origin, "build a wheel",
                              "building is disabled for this package (--no-build)")
        self._count_build()
        with tempfile.TemporaryDirectory(prefix="prong-sdist-") as tmp:
            tree = source if source.is_dir() else unpack(source, Path(tmp) / "src")
            try:
                return build_wheel(tree, out_dir, editable=editable, python=self.python, installer=self,
                                   label=f"{name}=={version}", workdir=tmp, **self.hook_options(name))
            except BuildError as err:
                raise BuildFailed(name, version, origin, err.step, err.output, err.returncode,
                                  hint=self._hint(name, err)) from None
            except BuildFailed:
                raise
            except ProngError as err:
                raise BuildFailed(name, version, origin, "install the build requirements", str(err)) from None

    def tree_metadata(self, directory: Path, *, package: str, editable: bool = False) -> bytes:
        """METADATA of the local source tree ``directory`` (a path dependency whose metadata is
        dynamic), from ``prepare_metadata_for_build_wheel``; cached by the tree's cache key
        (:mod:`prong.pep517.metadata_cache`), so an unchanged directory is not built again.
        A failure is :class:`~prong.pep517.hooks.BuildFailed` naming the package and directory."""
        from prong.pep517.metadata_cache import tree_metadata

        return tree_metadata(directory, package=package, cache=self.cache, python=self.python, editable=editable,
                             build=lambda: self.build_tree_metadata(directory, package=package, editable=editable))

    def source_metadata(self, tree: Path, *, package: str, key: str, source: str) -> bytes:
        """METADATA of ``tree``, a git checkout or an unpacked direct archive whose metadata is
        dynamic, from ``prepare_metadata_for_build_wheel`` with ``package``'s build settings;
        cached by ``key`` (what fixes the tree: the commit, or the archive's sha256, and the
        subdirectory: :func:`prong.pep517.metadata_cache.source_metadata`), so that it is built
        once. A failure is :class:`~prong.pep517.hooks.BuildFailed` naming the package and
        ``source`` (the source as the user wrote it, without credentials)."""
        from prong.pep517.metadata_cache import source_metadata

        def build() -> bytes:
            if self._builds_disabled(package):  # (metadata already in the cache is used all the same, as uv does)
                raise SourceBuildDisabled(package, source)
            return self.build_tree_metadata(tree, package=package, source=source)

        return source_metadata(key, package=package, cache=self.cache, python=self.python, build=build)

    def build_tree_metadata(self, directory: Path, *, package: str, editable: bool = False,
                            source: str | None = None) -> bytes:
        """METADATA of the source tree ``directory``, built (not cached). ``source``: where the
        tree comes from, when it is not a path dependency (a git or URL source), for errors."""
        from prong.errors import ProngError

        if source is not None:
            hint = (f"the metadata of `{package}` ({source}) is dynamic, so its build backend has to compute "
                    f"it: fix the build, or point the source at a revision or archive that builds")
        else:
            hint = (f"`{package}` is a path dependency whose metadata is dynamic, so its build backend has to "
                    f"compute it: fix the build, or write `version` and `dependencies` statically in "
                    f"{directory / 'pyproject.toml'}")
        origin = source if source is not None else str(directory)
        self._count_build()
        log.info("%s: building the metadata of %s (dynamic in its pyproject.toml)", package, origin)
        with tempfile.TemporaryDirectory(prefix="prong-tree-") as tmp:
            try:
                return prepare_metadata(directory, python=self.python, installer=self, label=package, workdir=tmp,
                                        editable=editable, **self.hook_options(package))
            except BuildError as err:
                raise BuildFailed(package, "", origin, err.step, err.output, err.returncode,
                                  hint=self._hint(package, err) or hint) from None
            except BuildFailed:
                raise
            except ProngError as err:
                raise BuildFailed(package, "", origin, "install the build requirements", str(err),
                                  hint=hint) from None

    def hook_options(self, name: str | None) -> dict[str, Any]:
        """The build settings of package ``name`` as keyword arguments of the
        :mod:`prong.pep517.hooks` functions: ``extra_requires`` (its extra build dependencies),
        or ``shared_env`` (the project's environment, for a build without isolation)."""
        from prong.pep517.hooks import BuildError

        settings = self.settings
        if settings.isolated(name):
            return {"extra_requires": settings.extra_for(name)}
        env = settings.environment
        what = f"`{name}`" if name else "the project"
        if env is None or not _venv_python(env).exists():
            where = f" at {env}" if env is not None else ""
            raise BuildError(name or "build", "find the project environment to build in",
                             f"{what} is built without build isolation (`no-build-isolation"
                             f"{'-package' if settings.no_isolation is not True else ''}`), in the project's "
                             f"environment, but there is no environment{where}: create it (`prong venv` or "
                             "`prong sync`) and install the package's build requirements into it")
        from prong.pep517.hooks import IsolatedEnv

        log.info("%s: built without build isolation, in %s", name, env)
        return {"shared_env": IsolatedEnv(env, _venv_python(env))}

    def _hint(self, name: str | None, err: Exception) -> str | None:
        """Advice for a failed build without isolation: its requirements belong in the venv."""
        if self.settings.isolated(name):
            return None
        return (f"`{name}` is built without build isolation, in the environment at {self.settings.environment}: "
                f"install its build backend and build requirements there (e.g. `prong pip install <backend>`), "
                f"or build it in an isolated environment (remove it from `no-build-isolation-package`)")

    def _count_build(self) -> None:
        with self._env_lock:
            self.builds += 1

    def _lock_for(self, key: Any) -> threading.Lock:
        """The thread lock of ``key`` (one per build environment), made on first use."""
        with self._env_lock:
            found = self._key_locks.get(key)
            if found is None:
                found = self._key_locks[key] = threading.Lock()
            return found

    def _builds_disabled(self, name: str) -> bool:
        if callable(self.no_build):
            return bool(self.no_build(name))
        return self.no_build is True or (bool(self.no_build) and name in self.no_build)  # type: ignore[operator]

    def fetch(self, file: IndexFile) -> Path:
        """The file in the cache (downloaded once, verified against its hashes)."""
        digest = file.sha256 or _url_key(file.url)
        dest = self.cache.bucket("sdists-v1") / digest / file.filename
        if not dest.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            self.http.download(file.url, dest, hashes=dict(file.hashes))
        return dest

    # -- BuildInstaller ---------------------------------------------------------------------

    def install(self, requirements: Sequence[str], env: IsolatedEnv) -> None:
        """Install ``requirements`` (resolved with what this dispatch put there before) into ``env``."""
        if not requirements:
            return
        with self._lock_for(("install", env.path)):
            with self._env_lock:
                installed = self._installed.setdefault(env.path, {})
            # The backend's extra requirements are resolved together with what is already there,
            # so that nothing installed earlier is installed a second time.
            for name, version, file in self._resolve_build(requirements, dict(installed)):
                if name in installed:
                    continue
                install_wheel(self.fetch(file), env)
                installed[name] = version

    def environment(self, requirements: Sequence[str], *, python: str | Path,
                    base: IsolatedEnv | None = None) -> IsolatedEnv:
        """A build environment holding ``requirements`` (and, with ``base``, ``base``'s packages),
        shared: kept in the cache's ``environments-v1`` under a digest of the resolved set
        (``name==version`` and each wheel's hash) and the interpreter, so that a second build
        needing the same set reuses it instead of creating and filling another. Created in a
        temporary directory and renamed into place, under a file lock (two processes build it
        once); never changed afterwards."""
        memo = (tuple(requirements), self.settings.constraints, str(python), base.path if base is not None else None)
        with self._lock_for(("memo", memo)):  # a second thread wanting it waits, then reuses it
            with self._env_lock:
                hit = self._envs.get(memo)
                pinned = dict(self._env_pins.get(base.path, {})) if base is not None else {}
            if hit is not None:
                log.debug("build environment %s: reused (this run)", hit.path)
                return hit
            resolved = self._resolve_build(requirements, pinned) if requirements else []
            pins = {**{n: (v, f) for n, (v, f) in pinned.items()},
                    **{name: (version, file) for name, version, file in resolved}}
            if base is not None and set(pins) == set(pinned):
                env = base  # the extra requirements were there already
            else:
                env = self._shared_env(pins, python)
            with self._env_lock:
                self._envs[memo] = env
                self._env_pins[env.path] = pins
            return env

    def _shared_env(self, pins: dict[str, tuple[str, Any]], python: str | Path) -> IsolatedEnv:
        import hashlib
        import os
        import shutil

        from filelock import FileLock

        from prong.pep517.hooks import create_env
        from prong.pep517.metadata_cache import interpreter_id

        h = hashlib.sha256(b"prong-build-env-1\0" + interpreter_id(python).encode() + b"\0")
        for name in sorted(pins):
            version, file = pins[name]
            h.update(f"{name}=={version} {file.sha256 or file.url}\n".encode())
        key = h.hexdigest()[:32]
        bucket = self.cache.bucket("environments-v1")
        final = bucket / f"build-{key}"
        exe = final / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        if exe.exists():
            log.debug("build environment %s: reused (%s)", final, _pins_text(pins))
            return IsolatedEnv(final, exe)
        # the thread lock: two builds of this process wanting it; the file lock: two processes
        with self._lock_for(("env", key)), FileLock(str(self.cache.bucket("locks-v1") / f"build-env-{key}.lock")):
            if exe.exists():  # another process made it while this one waited
                log.debug("build environment %s: reused (%s)", final, _pins_text(pins))
                return IsolatedEnv(final, exe)
            tmp = Path(tempfile.mkdtemp(prefix=f".build-{key}-", suffix=".tmp", dir=bucket))
            try:
                env = create_env(python, tmp / "env")
                for name in sorted(pins):
                    install_wheel(self.fetch(pins[name][1]), env, interpreter=exe)
                os.replace(tmp / "env", final)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        with self._env_lock:
            self.environments_created += 1
        log.debug("build environment %s: created (%s)", final, _pins_text(pins))
        return IsolatedEnv(final, exe)

    def _resolve_build(self, requirements: Sequence[str], pinned: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
        """(name, version, wheel file) of every package ``requirements`` need, with the packages
        of ``pinned`` kept at their versions; wheels only, for this interpreter."""
        if self.index is None:
            raise BuildError("build environment", "install build requirements", "no index to install them from")
        from prong.resolver.options import ResolverEnvironment, ResolverOptions
        from prong.resolver.resolver import resolve
        from prong.tags import Target

        pins = [f"{name}=={v[0] if isinstance(v, tuple) else v}" for name, v in pinned.items()]
        resolution = resolve(
            [*pins, *requirements],
            env=ResolverEnvironment(Target.current()),
            index=self.index,
            options=ResolverOptions(no_build=True),
            constraints=self.settings.constraints,  # build-constraint-dependencies
        )
        return [(name, str(pkg.version), pkg.file) for name, pkg in resolution.packages.items()
                if pkg.file is not None]


def _venv_python(env: Path) -> Path:
    import os

    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _pins_text(pins: Mapping[str, tuple[str, Any]]) -> str:
    return ", ".join(f"{n}=={pins[n][0]}" for n in sorted(pins)) or "no requirements"


def install_wheel(wheel: Path, env: IsolatedEnv, *, interpreter: Path | None = None) -> None:
    """Install one wheel into a venv (scripts, data, purelib/platlib) with ``installer``; scripts
    name ``interpreter`` (where the venv's Python will be) or the venv's own."""
    from installer import install
    from installer.destinations import SchemeDictionaryDestination
    from installer.sources import WheelFile

    scheme = sysconfig.get_paths("venv" if "venv" in sysconfig.get_scheme_names() else "posix_prefix",
                                 vars={"base": str(env.path), "platbase": str(env.path)})
    destination = SchemeDictionaryDestination(
        {"purelib": scheme["purelib"], "platlib": scheme["platlib"], "headers": scheme["include"],
         "scripts": scheme["scripts"], "data": scheme["data"]},
        interpreter=str(interpreter or env.python),
        script_kind="posix",
    )
    with WheelFile.open(wheel) as source:
        install(source, destination, {"INSTALLER": b"prong\n"})


def _url_key(url: str) -> str:
    import hashlib

    return hashlib.sha256(url.encode()).hexdigest()
