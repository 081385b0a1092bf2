"""``prong sync``: make the project's virtual environment exactly what the lock selects.

The steps are uv's: find or create the venv (an interpreter that fits ``--python``,
``.python-version`` and ``requires-python``); lock first unless ``frozen`` (``locked``: fail if the
lock would change); select the packages the extras and groups ask for and whose markers hold for
the target; pick each one's best wheel (a source distribution is built, the project itself is
built editable unless it is virtual); compare with what is installed; fetch what is missing,
concurrently, checking every hash, and unpack each wheel once into the cache (``archive-v1``,
by its sha256); then remove what goes and link what comes into site-packages.

Nothing is installed until every wheel is fetched and checked: a hash mismatch, a wheel with
unsafe paths or a bad RECORD, or a failed build leaves the environment as it was. Each package
is linked whole or not at all (its ``.dist-info`` is renamed into place last), so an interrupt
leaves only complete packages, and the next sync finishes the work.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prong.api._workspace import project_environment
from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.api.lock import LockResult
    from prong.cache import Cache
    from prong.client.http import HttpClient
    from prong.installer.install import LinkMode
    from prong.installer.plan import InstalledDist, Wanted
    from prong.lock.model import Lock, LockArtifact, LockedPackage
    from prong.python import Interpreter
    from prong.tags import Target
    from prong.venv import Venv

__all__ = ["SyncError", "SyncResult", "project_environment", "sync"]


class SyncError(ProngError):
    """The environment cannot be made (missing lock, a source prong cannot install yet, ...)."""

    def __init__(self, message: str, hint: str | None = None, exit_code: int = 1) -> None:
        self.hint = hint
        self.exit_code = exit_code
        super().__init__(message)

    def hints(self) -> tuple[str, ...]:
        return (self.hint,) if self.hint else ()


class BuildOptionRefused(SyncError):
    """A package of the lock that the build options leave no way to install (uv refuses these
    with exit status 2, before installing anything): building is disabled and it has no usable
    wheel, or wheels are disabled and it has no source distribution (or is itself a wheel)."""

    def __init__(self, package: LockedPackage, options: Any, *, no_build: bool, no_binary: bool,
                 wheel_only: bool = False) -> None:
        from prong.api._build_rules import rule_of

        self.package = package
        name = package.name
        build, binary = rule_of(options, name, "build"), rule_of(options, name, "binary")
        if no_build and no_binary:
            why = f"both its wheels ({binary}) and building it from source ({build}) are disabled"
            hint = f"Drop {binary} or {build}: `{name}` can be installed only one way or the other."
        elif no_binary:
            why = (f"wheels are disabled for it ({binary}) and it is itself a wheel" if wheel_only else
                   f"wheels are disabled for it ({binary}) and the lock has no source distribution of it")
            hint = f"Drop {binary}, or exempt `{name}` with `--no-build-package {name}`." if options.no_binary is True \
                else f"Drop {binary}: `{name}` is installed from a wheel or not at all."
        else:
            lacking = ("the lock has no wheel of it for this platform" if package.source.kind in ("registry", "url")
                       else f"a {package.source.kind} source can only be built")
            why = f"building from source is disabled for it ({build}) and {lacking}"
            hint = f"Drop {build}, or exempt `{name}` with `--no-binary-package {name}`." if options.no_build is True \
                else f"Drop {build}: `{name}` can only be built from source here."
        origin = f"{package.source.kind}+{package.source.value}"
        super().__init__(f"Distribution `{name}=={package.version} @ {origin}` can't be installed because {why}",
                         hint, exit_code=2)


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What ``sync`` did (or, with ``dry_run``, would do). ``installed``/``removed`` are
    ``name==version`` (an editable install adds `` (from file://...)``), sorted by name."""

    venv: Path
    interpreter: Interpreter
    created: bool
    lock: LockResult | None
    resolved: int
    installed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    prepared: int
    dry_run: bool = False
    seconds: Mapping[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.installed or self.removed)


# -- the project's environment ------------------------------------------------------------------


def _python_request(root: Path, python: str | None, environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The interpreter request and where it came from (flag, UV_PYTHON, .python-version)."""
    if python:
        return python, "--python"
    if environ.get("UV_PYTHON"):
        return environ["UV_PYTHON"], "UV_PYTHON"
    from prong.python import python_version_file

    found = python_version_file(root)
    if found is not None:
        return found[1], str(found[0])
    return None, None


def ensure_venv(
    root: Path,
    *,
    python: str | None = None,
    requires_python: str | None = None,
    environ: Mapping[str, str] | None = None,
    cache: Cache | None = None,
    on_event: Callable[[str], None] | None = None,
    dry_run: bool = False,
) -> tuple[Venv, bool]:
    """The project's venv, created (or re-created, when its interpreter no longer fits) as
    needed; returns it and whether it was created."""
    from packaging.specifiers import SpecifierSet

    from prong.python import find_interpreter, parse_request
    from prong.venv import create_venv, open_venv, read_pyvenv_cfg

    env = os.environ if environ is None else environ
    say = on_event or (lambda _line: None)
    path = project_environment(root, env)
    request_text, _origin = _python_request(root, python, env)
    request = parse_request(request_text) if request_text else None
    spec = SpecifierSet(requires_python) if requires_python else None
    venv = open_venv(path, cache)
    if venv is not None:
        fits = (request is None or request.any or request.matches(venv.interpreter)) and (
            spec is None or spec.contains(venv.interpreter.version_text, prereleases=True))
        if fits:
            return venv, False
    if path.is_symlink() or path.is_file() or (path.is_dir() and read_pyvenv_cfg(path) is None
                                               and any(path.iterdir())):
        from prong.venv import NotAVenv

        raise NotAVenv(path)  # before any message that promises to create it
    interp = find_interpreter(request, requires_python=requires_python, environ=env, cache=cache, allow_venv=False)
    say(f"Using {interp.implementation_name} {interp.version_text} interpreter at: {interp.sys_executable}")
    shown = _shown(path)
    if dry_run:
        from prong.venv import Venv

        say(f"Would create virtual environment at: {shown}")
        return Venv(path.absolute(), interp), True
    if read_pyvenv_cfg(path) is not None:
        say(f"Removed virtual environment at: {shown}")
    say(f"Creating virtual environment at: {shown}")
    return create_venv(path, interp, prompt=_prompt(root)), True


def _prompt(root: Path) -> str:
    """uv's prompt for a project's venv: the project's normalized name, else the directory's."""
    from prong.project.pyproject import read_pyproject

    try:
        name = read_pyproject(root / "pyproject.toml").normalized_name
    except (OSError, ProngError):
        name = None
    return name or root.name


def _shown(path: Path) -> str:
    """``path`` as uv shows it: relative to the working directory when it is below it, else
    absolute (a workspace's venv seen from a member's directory)."""
    try:
        shown = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(Path(path).absolute()) if shown == ".." or shown.startswith(".." + os.sep) else shown


# -- sync -----------------------------------------------------------------------------------------


def sync(
    project: str | Path = ".",
    *,
    extras: Sequence[str] = (),
    all_extras: bool = False,
    no_extras: Sequence[str] = (),
    groups: Sequence[str] = (),
    no_groups: Sequence[str] = (),
    only_groups: Sequence[str] = (),
    all_groups: bool = False,
    no_default_groups: bool = False,
    dev: bool = True,
    only_dev: bool = False,
    package: str | None = None,
    all_packages: bool = False,
    no_install_project: bool = False,
    no_install_packages: Sequence[str] = (),
    inexact: bool = False,
    reinstall: bool = False,
    reinstall_packages: Sequence[str] = (),
    python: str | None = None,
    python_platform: str | None = None,
    dry_run: bool = False,
    frozen: bool = False,
    locked: bool = False,
    link_mode: LinkMode | None = None,
    compile_bytecode: bool = False,
    config: Any = None,
    environ: Mapping[str, str] | None = None,
    cache_dir: str | Path | None = None,
    no_cache: bool = False,
    offline: bool = False,
    on_event: Callable[[str], None] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    **lock_options: Any,
) -> SyncResult:
    """Make the project's venv match its lock (see the module docstring).

    The selection options are uv's (``extras``, ``groups``, ``only_groups``, ``dev=False`` for
    ``--no-dev``, ...). ``inexact`` keeps packages the lock does not select; ``reinstall`` /
    ``reinstall_packages`` install again what is already there; ``python_platform`` (a target
    triple such as ``aarch64-unknown-linux-gnu``) picks wheels for another platform, as uv's
    ``--python-platform``; ``frozen`` uses uv.lock as it is, ``locked`` fails if locking would
    change it. ``config`` is uv's configuration (:class:`~prong.project.settings.UvConfig`), or a
    function returning it, called only when the environment is not already up to date.
    ``lock_options`` go to :func:`prong.api.lock.lock`. ``on_progress(phase, done, total)`` is
    called as packages are prepared (``"Preparing"``, ``"Building <name>"``) and installed
    (``"Installing"``), from worker threads too. ``on_event`` receives uv's
    progress lines (``Using CPython ...``, ``Creating virtual environment at: .venv``) as they
    happen.
    """
    from prong.api.lock import find_project

    env = os.environ if environ is None else environ
    say = on_event or (lambda _line: None)
    timings: dict[str, float] = {}
    from prong.api._workspace import requires_python_of, workspace_of

    start = find_project(project)
    workspace = workspace_of(start)
    directory = workspace.root  # the lock and the venv are the workspace's
    current = workspace.member_at(start)  # uv syncs the member it is run in
    pyproject_path = (current.path if current is not None else directory) / "pyproject.toml"
    lock_path = directory / "uv.lock"
    if frozen and not lock_path.is_file():
        raise SyncError(f"Unable to find lockfile at `{_shown(lock_path)}`",
                        "To create a lockfile, run `prong lock` or `prong sync` (without --frozen).")

    stamp_options = repr((extras, all_extras, no_extras, groups, no_groups, only_groups, all_groups, no_default_groups,
                          dev, only_dev, package, all_packages, no_install_project, no_install_packages, inexact,
                          python, python_platform, env.get("UV_PYTHON"), str(start),
                          *(repr(lock_options.get(k)) for k in ("no_build", "no_build_package", "no_binary",
                                                                 "no_binary_package")),
                          *(env.get(k) for k in ("UV_NO_BUILD", "UV_NO_BUILD_PACKAGE", "UV_NO_BINARY",
                                                 "UV_NO_BINARY_PACKAGE"))))
    if frozen and not (dry_run or reinstall or reinstall_packages):
        started = time.perf_counter()
        fresh = _fresh_stamp(directory, env, lock_path.read_bytes(), stamp_options)
        if fresh is not None:  # the environment is what the last sync of these inputs made
            return SyncResult(fresh[0], fresh[1], False, None, fresh[3], (), (), fresh[2], 0, False,
                              {"plan": time.perf_counter() - started})
    from prong.api._selection import SelectionOptions, build_selection
    from prong.cache import Cache
    from prong.install.selection import select
    from prong.pep508.names import normalize_name
    from prong.project.pyproject import read_pyproject

    pyproject = read_pyproject(pyproject_path)
    requires_python = requires_python_of(workspace)
    cache = Cache.from_settings(cache_dir, no_cache=no_cache)
    if callable(config):  # a loader, called only now that the configuration is needed
        config = config()
    with _environment_lock(cache, project_environment(directory, env), say):
        venv, created = ensure_venv(directory, python=python, requires_python=_spec(requires_python),
                                    environ=env,
                                    cache=cache, on_event=say, dry_run=dry_run)
        lock_result = None
        started = time.perf_counter()
        if frozen:
            from prong.lock.text import read_lock

            lk = read_lock(lock_path)
            lock_bytes = lock_path.read_bytes()
        else:
            from prong.api.lock import lock

            lock_result = lock(directory, locked=locked, dry_run=dry_run, config=config, environ=environ,
                               cache_dir=cache_dir, no_cache=no_cache, offline=offline, **lock_options)
            if lock_result.lock is not None:
                lk = lock_result.lock
            else:
                from prong.lock import parse_lock

                lk = parse_lock(lock_result.text, lock_path)
            say(f"Resolved {lock_result.packages} package{_s(lock_result.packages)} in {_duration(lock_result.seconds)}")
            lock_bytes = lock_result.text.encode("utf-8")
        timings["lock"] = time.perf_counter() - started

        from prong.api._build_rules import build_rules
        from prong.resolver.options import ResolverOptions

        build_off, binary_off = build_rules(
            config, env, no_build=lock_options.get("no_build"), no_binary=lock_options.get("no_binary"),
            no_build_package=lock_options.get("no_build_package") or (),
            no_binary_package=lock_options.get("no_binary_package") or ())
        build_options = ResolverOptions(no_build=build_off, no_binary=binary_off)
        selection = build_selection(pyproject, pyproject_path, lk, SelectionOptions(
            package=package, all_packages=all_packages or (workspace.virtual_root and package is None),
            extras=extras, all_extras=all_extras, no_extras=no_extras,
            groups=groups, no_groups=no_groups, only_groups=only_groups, all_groups=all_groups,
            no_default_groups=no_default_groups, dev=dev, only_dev=only_dev))
        target = _target(venv.interpreter, python_platform)
        marker_env = venv.interpreter.marker_environment() if python_platform is None else target.marker_environment()
        skip = {normalize_name(n) for n in no_install_packages}
        if no_install_project:
            skip.update(selection.roots)

        started = time.perf_counter()
        versions = _DynamicVersions(directory, cache,
                                    lambda: _http_client(directory, config, env, cache, offline, lock_options),
                                    lambda http: _dispatch(http, cache, venv, directory, lock_options, config))
        try:
            wanted = _wanted(select(lk, selection), lk, directory, target, marker_env, skip, selection.roots,
                             options=build_options, dynamic_version=versions)
        finally:
            versions.close()
        from prong.installer.plan import make_plan, scan_installed

        if not dry_run:
            from prong.installer.install import finish_removals

            finish_removals(venv.site_packages, venv.root)  # uninstalls an interrupt cut short
        installed = scan_installed(venv.site_packages)
        plan = make_plan(wanted, installed, exact=not inexact,
                         reinstall=True if reinstall else {normalize_name(n) for n in reinstall_packages})
        plan = _keep_fresh_local(plan)
        timings["plan"] = time.perf_counter() - started
        removed = tuple(sorted(_label(d) for d in plan.to_remove))
        added = tuple(sorted(_label(w) for w in plan.to_install))
        unchanged = tuple(sorted(str(w) for w, _ in plan.unchanged))
        if dry_run or plan.empty:
            if plan.empty and not dry_run:
                _write_stamp(directory, env, venv, lock_bytes, stamp_options, unchanged, len(lk.packages),
                             _local_infos(plan.unchanged, ()))
            return SyncResult(venv.root, venv.interpreter, created, lock_result, len(lk.packages), added, removed,
                              unchanged, 0, dry_run, timings)
        _drop_stamp(venv.root)

        started = time.perf_counter()
        unpacked, prepared = _prepare(plan.to_install, lambda: _http_client(directory, config, env, cache, offline,
                                                                            lock_options),
                                      cache, venv, directory, lock_options, config, say, on_progress)
        timings["prepare"] = time.perf_counter() - started
        from prong.installer.install import link_unpacked, uninstall

        started = time.perf_counter()
        for dist in plan.to_remove:
            uninstall(dist.path, venv.root)
        timings["uninstall"] = time.perf_counter() - started
        started = time.perf_counter()
        mode: LinkMode = link_mode or _link_mode(env)
        written: list[Path] = []

        total = len(plan.to_install)
        done_lock = __import__("threading").Lock()
        done = [0]

        def install_one(want: Wanted) -> None:
            item = unpacked[want.name]
            files = link_unpacked(item.unpacked, venv, link_mode=mode, direct_url=item.direct_url,
                                  extra_files=item.extra_files, cache_info=item.cache_info)
            if compile_bytecode:
                site = venv.scheme()["purelib" if item.unpacked.purelib else "platlib"]
                written.extend(site / f for f in files if f.endswith(".py"))
            if on_progress is not None:
                with done_lock:
                    done[0] += 1
                    on_progress("Installing", done[0], total)

        _in_threads(install_one, plan.to_install)
        if compile_bytecode and written:
            _compile(venv, written)
        timings["install"] = time.perf_counter() - started
        if not python_platform:
            unchanged_now = tuple(sorted({*unchanged, *(str(w) for w in plan.to_install)}))
            _write_stamp(directory, env, venv, lock_bytes, stamp_options, unchanged_now, len(lk.packages),
                         _local_infos(plan.unchanged, [(w, unpacked[w.name].cache_info) for w in plan.to_install]))
        return SyncResult(venv.root, venv.interpreter, created, lock_result, len(lk.packages), added, removed,
                          unchanged, prepared, False, timings)


# -- the no-op fast path -------------------------------------------------------------------------------
#
# After a sync, ``<venv>/.prong-sync`` records a digest of everything the sync read (prong's
# version, pyproject.toml, uv.lock, pyvenv.cfg, .python-version, setup.py/setup.cfg times, the
# options) and site-packages' modification time. The next ``--frozen`` sync of the same inputs,
# with no package added to or removed from site-packages since (each changes the directory's
# time), has nothing to do and says so without reading the lock. The stamp also keeps the
# ``uv_cache.json`` of each package installed from a local directory or file: when a source's
# cache info (uv's cache keys) no longer matches it, the full sync decides again.

_STAMP = ".prong-sync"


def _stamp_key(root: Path, environ: Mapping[str, str], lock_bytes: bytes, options: str) -> tuple[Path, str] | None:
    import hashlib

    from prong import __version__

    venv_root = project_environment(root, environ)
    digest = hashlib.sha256(__version__.encode())
    try:
        digest.update((root / "pyproject.toml").read_bytes())
        digest.update(b"\0" + (venv_root / "pyvenv.cfg").read_bytes())
    except OSError:
        return None
    digest.update(b"\0" + lock_bytes + b"\0" + options.encode())
    for name in (".python-version", "setup.py", "setup.cfg"):
        try:
            st = (root / name).stat()
            digest.update(f"\0{name}:{st.st_mtime_ns}:{st.st_size}".encode())
            if name == ".python-version":
                digest.update((root / name).read_bytes())
        except OSError:
            continue
    return venv_root, digest.hexdigest()


def _fresh_stamp(root: Path, environ: Mapping[str, str], lock_bytes: bytes,
                 options: str) -> tuple[Path, Any, tuple[str, ...], int] | None:
    import json

    key = _stamp_key(root, environ, lock_bytes, options)
    if key is None:
        return None
    venv_root, digest = key
    try:
        data = json.loads((venv_root / _STAMP).read_text(encoding="utf-8"))
        if data.get("key") != digest or os.stat(data["site"]).st_mtime_ns != data["site_mtime"]:
            return None
        if not os.path.exists(data["python"]):
            return None
        for source, raw in data["local"].items():  # a stamp without it predates the records
            if raw is None or not _fresh_source(Path(source), raw.encode("utf-8")):
                return None
        from prong.python import Interpreter

        interp = Interpreter.from_json(Path(data["python"]), data["interpreter"])
        return venv_root.absolute(), interp, tuple(data["unchanged"]), int(data["resolved"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_stamp(root: Path, environ: Mapping[str, str], venv: Venv, lock_bytes: bytes, options: str,
                 unchanged: Sequence[str], resolved: int, local: Mapping[str, str | None] | None = None) -> None:
    import json

    key = _stamp_key(root, environ, lock_bytes, options)
    if key is None:
        return
    interp = venv.interpreter
    data = {
        "key": key[1], "site": str(venv.site_packages), "site_mtime": os.stat(venv.site_packages).st_mtime_ns,
        "python": str(venv.python), "unchanged": list(unchanged), "resolved": resolved,
        "interpreter": _interpreter_json(interp), "local": dict(local or {}),
    }
    tmp = venv.root / f".{_STAMP}.tmp"
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, venv.root / _STAMP)
    except OSError:
        pass


def _drop_stamp(venv_root: Path) -> None:
    try:
        os.unlink(venv_root / _STAMP)
    except OSError:
        pass


def _interpreter_json(interp: Interpreter) -> dict[str, Any]:
    """The fields :meth:`Interpreter.from_json` reads back."""
    return {
        "version": list(interp.version), "releaselevel": interp.releaselevel, "serial": interp.serial,
        "implementation": interp.implementation, "executable": interp.sys_executable,
        "base_executable": interp.base_executable, "prefix": interp.prefix, "base_prefix": interp.base_prefix,
        "machine": interp.machine, "sys_platform": interp.sys_platform, "platform_system": interp.platform_system,
        "os_name": interp.os_name, "libc": list(interp.libc), "pointer_size": interp.pointer_size,
        "gil_disabled": interp.gil_disabled, "abiflags": interp.abiflags, "scheme": dict(interp.scheme),
        "implementation_version": list(interp.implementation_version),
        "platform_release": interp.platform_release, "platform_version": interp.platform_version,
    }


class _environment_lock:
    """One sync (or run) at a time per environment, across processes: a file lock in the cache
    named after the environment's path. A second process says that it waits, then waits."""

    def __init__(self, cache: Cache, venv_root: Path, say: Callable[[str], None]) -> None:
        import hashlib

        key = hashlib.sha256(str(venv_root.absolute()).encode()).hexdigest()[:16]
        self.path = cache.bucket("locks-v1") / f"env-{key}.lock"
        self.venv_root = venv_root
        self.say = say
        self.lock: Any = None

    def __enter__(self) -> None:
        from filelock import FileLock, Timeout

        self.lock = FileLock(str(self.path))
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            self.say(f"Waiting for another prong process to finish with {_shown(self.venv_root)}")
            self.lock.acquire()

    def __exit__(self, *exc: object) -> None:
        if self.lock is not None:
            self.lock.release()


def _in_threads(fn: Callable[[Any], None], items: Sequence[Any], workers: int | None = None,
                name: str = "prong-link") -> None:
    """``fn`` over ``items`` on a few threads (linking is file-system calls, which release the GIL).

    On an interrupt, or the first error, nothing new starts and the items under way are let
    finish (each package is installed whole), then the interrupt or error is raised."""
    if len(items) <= 1:
        for item in items:
            fn(item)
        return
    import threading

    if workers is None:  # more threads only fight over the GIL (measured: 3 beat 8 and 16 on 2 cores)
        workers = (os.cpu_count() or 2) + 1
    pending = list(reversed(items))
    lock = threading.Lock()
    stop = threading.Event()
    errors: list[BaseException] = []
    count = min(workers, len(items))
    finished = threading.Semaphore(0)  # one release per worker that has returned

    def worker() -> None:
        try:
            while not stop.is_set():
                with lock:
                    if not pending:
                        return
                    item = pending.pop()
                try:
                    fn(item)
                except BaseException as err:  # noqa: BLE001 - handed to the main thread
                    errors.append(err)
                    stop.set()
                    return
        finally:
            finished.release()

    # Not Thread.join: a join interrupted by Ctrl-C marks a thread that is still running as
    # stopped (CPython 3.11's bpo-45274 handling releases the running thread's lock), and the
    # interpreter would then kill it at exit in the middle of a package. Each worker signals its
    # own end instead. Not daemons either, for the same reason.
    threads = [threading.Thread(target=worker, name=f"{name}-{i}", daemon=False) for i in range(count)]
    got = 0
    try:
        _start_all(threads)
        while got < count:
            finished.acquire()
            got += 1
    except BaseException:
        stop.set()
        started = sum(1 for t in threads if t.ident is not None)
        while got < started:  # the packages under way finish: none is left half-linked
            try:
                finished.acquire()
                got += 1
            except KeyboardInterrupt:  # a second Ctrl-C: still let them finish
                continue
        raise
    if errors:
        raise errors[0]


def _start_all(threads: Sequence[Any]) -> int:
    """Start ``threads`` with SIGINT held back until all have started (an interrupt inside
    ``Thread.start`` would leave it unknown whether the thread runs); returns how many started."""
    import signal

    block = getattr(signal, "pthread_sigmask", None)
    old = block(signal.SIG_BLOCK, {signal.SIGINT}) if block is not None else None
    started = 0
    try:
        for t in threads:
            t.start()
            started += 1
    finally:
        if block is not None:
            block(signal.SIG_SETMASK, old)
    return started


def _spec(requires_python: Any) -> str | None:
    if requires_python is None:
        return None
    text = str(requires_python).strip()
    return text or None


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    return f"{seconds:.2f}s"


def _label(item: Wanted | InstalledDist) -> str:
    url = getattr(item, "editable_url", None) or getattr(item, "direct_url", None)
    return f"{item.name}=={item.version}" + (f" (from {url})" if url else "")


def _link_mode(environ: Mapping[str, str]) -> LinkMode:
    value = environ.get("UV_LINK_MODE")
    if value in ("hardlink", "copy", "symlink", "clone"):
        return value  # type: ignore[return-value]
    return "hardlink"


def _target(interp: Interpreter, python_platform: str | None) -> Target:
    if python_platform is None:
        return interp.target()
    from prong.tags import Target, parse_platform

    impl = {"cpython": "cp", "pypy": "pp"}.get(interp.implementation, interp.implementation)
    return Target(interp.minor, impl, platform=parse_platform(python_platform),
                  python_full_version=interp.version_text)


# -- what the environment should hold ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    """What to install for one wanted package: the wheel (or ``None``: build it), or the project
    tree to build editable."""

    package: LockedPackage
    wheel: LockArtifact | None = None
    build_source: Path | None = None  # a source tree (editable or directory) to build
    editable: bool = False
    local_file: Path | None = None  # a `path` source: a wheel to unpack, or an sdist to build
    direct_url: Mapping[str, object] | None = None  # direct_url.json of a path, directory or url install
    git: tuple[str, str, str | None] | None = None  # a git source: (repository URL, commit, subdirectory)
    version: str | None = None  # the built metadata's, for a version the lock does not give (dynamic)


class _DynamicVersions:
    """The version of a path project whose version is dynamic (the lock, as uv's, gives none):
    from the metadata its backend built when it was locked (kept by the tree's cache key, as
    :func:`prong.api._path_metadata.built_pyproject` keeps it), else built now by the dispatch
    ``make_dispatch(make_http())`` gives (made once, when first needed)."""

    def __init__(self, root: Path, cache: Cache, make_http: Callable[[], HttpClient],
                 make_dispatch: Callable[[HttpClient], Any]) -> None:
        self.root, self.cache, self.make_http, self.make_dispatch = root, cache, make_http, make_dispatch
        self.http: HttpClient | None = None
        self.dispatch: Any = None

    def __call__(self, package: LockedPackage) -> str:
        import sys

        from prong.client.metadata import parse_metadata
        from prong.pep517.metadata_cache import tree_metadata

        tree = (self.root / package.source.value).resolve()
        editable = package.source.kind == "editable"

        def build() -> bytes:
            if self.dispatch is None:
                self.http = self.make_http()
                self.dispatch = self.make_dispatch(self.http)
            return self.dispatch.build_tree_metadata(tree, package=package.name, editable=editable)

        raw = tree_metadata(tree, package=package.name, cache=self.cache, python=sys.executable, build=build,
                            editable=editable)
        return str(parse_metadata(raw).version)

    def close(self) -> None:
        for http in {id(h): h for h in (self.http, getattr(self.dispatch, "http", None)) if h is not None}.values():
            http.close()


def _wanted(selected: Sequence[Any], lk: Lock, root: Path, target: Target, marker_env: Mapping[str, str],
            skip: set[str], roots: Sequence[str] = (), options: Any = None,
            dynamic_version: Callable[[LockedPackage], str] | None = None) -> list[Wanted]:
    """What to install for each selected package. ``options`` (``ResolverOptions``): the build
    options, as uv applies them to a lock's packages: with wheels disabled a package is built from
    its sdist, with builds disabled only a wheel will do (an editable project is still built, and
    a virtual one needs nothing); a package neither way allows is a :class:`BuildOptionRefused`.
    ``dynamic_version``: the version of a directory or editable package the lock gives none (its
    version is dynamic), from its built metadata."""
    from prong.installer.plan import Wanted, direct_url_label
    from prong.installer.wheels import pick_wheel
    from prong.pep508.markers import parse_marker
    from prong.tags import Tags

    from prong.installer.wheels import NoCompatibleWheel

    tags = Tags.for_target(target)
    out: list[Wanted] = []
    failures: list[NoCompatibleWheel | BuildOptionRefused] = []
    for s in selected:
        package = s.package
        if package.name in skip:
            continue
        if s.marker and not parse_marker(s.marker).evaluate(marker_env):
            continue
        source = package.source
        version = package.version or "0"
        if source.kind == "virtual":
            continue
        if options is not None and source.kind != "editable":
            refused = _refused(package, options, target, tags)
            if refused is not None:
                failures.append(refused)
                continue
        if source.kind in ("editable", "directory") and package.version is None and dynamic_version is not None:
            version = dynamic_version(package)
        if source.kind == "editable":
            tree = (root / source.value).resolve()
            out.append(Wanted(package.name, version, editable_url=tree.as_uri(),
                              payload=_Item(package, build_source=tree, editable=True, version=version)))
            continue
        if source.kind == "directory":
            tree = (root / source.value).resolve()
            out.append(Wanted(package.name, version, direct_url=tree.as_uri(),
                              payload=_Item(package, build_source=tree, version=version,
                                            direct_url={"url": tree.as_uri(), "dir_info": {"editable": False}})))
            continue
        if source.kind == "path":
            file = (root / source.value).resolve()
            out.append(Wanted(package.name, version, direct_url=file.as_uri(),
                              payload=_Item(package, local_file=file,
                                            direct_url={"url": file.as_uri(), "archive_info": {}})))
            continue
        if source.kind == "git":
            from prong.sources.git import parse_lock_url

            repo, ref, subdirectory, commit = parse_lock_url(source.value)
            if commit is None:
                raise SyncError(f"`{package.name}`: the lock names no commit of {source.value}",
                                "Lock again with `prong lock`.")
            vcs: dict[str, object] = {"vcs": "git", "commit_id": commit}
            if ref.value:
                vcs["requested_revision"] = ref.value
            info_: dict[str, object] = {"url": repo, "vcs_info": vcs}
            if subdirectory:
                info_["subdirectory"] = subdirectory
            out.append(Wanted(package.name, version, direct_url=direct_url_label(info_),
                              payload=_Item(package, direct_url=info_, git=(repo, commit, subdirectory))))
            continue
        no_binary = options is not None and options.binaries_disabled(package.name)
        if source.kind == "url":
            try:
                wheel = pick_wheel(package, target, tags) if package.wheels and not no_binary else None
            except NoCompatibleWheel as err:
                failures.append(err)
                continue
            artifact = wheel or package.sdist
            url = artifact.url if artifact is not None and artifact.url else source.value
            info: dict[str, object] = {}
            if artifact is not None and artifact.hash:
                algo, _, value = artifact.hash.partition(":")
                info = {"hash": f"{algo}={value}", "hashes": {algo: value}}
            record: dict[str, object] = {"url": url, "archive_info": info}
            if source.subdirectory and wheel is None:
                record["subdirectory"] = source.subdirectory
            out.append(Wanted(package.name, version, direct_url=direct_url_label(record),
                              payload=_Item(package, wheel, direct_url=record)))
            continue
        if source.kind == "registry":
            try:
                wheel = None if no_binary else pick_wheel(package, target, tags)
            except NoCompatibleWheel as err:
                failures.append(err)
                continue
            out.append(Wanted(package.name, version, payload=_Item(package, wheel)))
            continue
        raise SyncError(
            f"`{package.name}` comes from a {source.kind} source ({source.value}), which prong cannot install yet",
            "Index packages, path, directory and URL sources are installed so far; install this one with "
            "`uv sync`, or use an index.")
    if failures:
        # the one uv names: the first its walk from the project meets, along edges whose
        # markers hold here (a package reached only through another one comes after it)
        rank = _walk_order(lk, [s.package for s in selected], roots, marker_env)
        raise min(failures, key=lambda e: rank.get(e.package.name, len(rank)))
    return out


def _refused(package: LockedPackage, options: Any, target: Target, tags: Any) -> BuildOptionRefused | None:
    """Whether the build options leave ``package`` (not editable) no way to be installed."""
    from prong.installer.wheels import NoCompatibleWheel, pick_wheel

    no_build = options.builds_disabled(package.name)
    no_binary = options.binaries_disabled(package.name)
    if not no_build and not no_binary:
        return None
    kind = package.source.kind
    is_wheel = kind == "path" and package.source.value.endswith(".whl") or bool(
        kind in ("url", "path") and package.wheels and package.sdist is None)
    if not no_binary:
        if is_wheel:
            return None
        if kind in ("registry", "url") and package.wheels:
            try:
                if pick_wheel(package, target, tags) is not None:
                    return None
            except NoCompatibleWheel:
                pass
    if is_wheel:
        return BuildOptionRefused(package, options, no_build=no_build, no_binary=no_binary, wheel_only=True)
    buildable = kind in ("directory", "git", "path") or package.sdist is not None
    if buildable and not no_build:
        return None
    return BuildOptionRefused(package, options, no_build=no_build, no_binary=no_binary)


def _walk_order(lk: Lock, selected: Sequence[LockedPackage], root_names: Sequence[str],
                marker_env: Mapping[str, str]) -> dict[str, int]:
    """Package name -> the order in which a breadth-first walk from the lock's roots reaches it,
    following only edges whose markers hold in ``marker_env``."""
    from collections import deque

    from prong.pep508.markers import parse_marker

    wanted = {p.id for p in selected}
    by_id = {p.id: p for p in lk.packages}
    roots = [p for p in selected if p.name in root_names]
    order: dict[str, int] = {p.name: i for i, p in enumerate(roots)}
    queue = deque(roots)
    while queue:
        package = queue.popleft()
        for dep in package.all_dependencies():
            if dep.package not in wanted or dep.name in order:
                continue
            if dep.marker and not parse_marker(dep.marker).evaluate(marker_env):
                continue
            order[dep.name] = len(order)
            queue.append(by_id[dep.package])
    return order


def _keep_fresh_local(plan: Any) -> Any:
    """uv's freshness check of an install from a local directory (editable or not) or file: it
    stays while the ``uv_cache.json`` it was installed with matches the source's cache info now
    (uv's ``cache-keys``: by default the change times of pyproject.toml, setup.py and setup.cfg
    and the creation time of ``src/``); otherwise, or without a ``uv_cache.json`` (installed by
    another tool), it is built and installed again."""
    from prong.installer.plan import Plan

    keep, again = [], list(plan.reinstall)
    for want, have in plan.unchanged:
        source = _local_source(want)
        if source is not None and not _fresh_source(source, _read_bytes(have.path / "uv_cache.json")):
            again.append((want, have))
        else:
            keep.append((want, have))
    if len(keep) == len(plan.unchanged):
        return plan
    return Plan(tuple(keep), plan.install, tuple(again), plan.remove)


def _local_source(want: Wanted) -> Path | None:
    """The local directory or file ``want`` is installed from, if any."""
    return _item_source(want.payload)


def _item_source(item: Any) -> Path | None:
    """The local directory or file an install item comes from, if any."""
    return getattr(item, "local_file", None) or getattr(item, "build_source", None)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _fresh_source(source: Path, installed: bytes | None) -> bool:
    """Whether ``installed`` (a ``uv_cache.json``) is the cache info of ``source`` now."""
    from prong.pep517.metadata_cache import cache_info, parse_cache_info

    if installed is None:
        return False
    recorded = parse_cache_info(installed)
    try:
        return recorded is not None and recorded == cache_info(source)
    except OSError:
        return False


def _local_cache_info(source: Path) -> bytes | None:
    """The ``uv_cache.json`` for an install from ``source`` (none when it records nothing, as uv)."""
    from prong.pep517.metadata_cache import cache_info, cache_info_empty, cache_info_json

    try:
        info = cache_info(source)
    except OSError:
        return None
    return None if cache_info_empty(info) else cache_info_json(info)


def _local_infos(unchanged: Sequence[tuple[Wanted, InstalledDist]],
                 installed: Sequence[tuple[Wanted, bytes | None]]) -> dict[str, str | None]:
    """For the no-op stamp: the ``uv_cache.json`` of each install from a local source, by source."""
    out: dict[str, str | None] = {}
    pairs = [(want, _read_bytes(have.path / "uv_cache.json")) for want, have in unchanged]
    for want, raw in (*pairs, *installed):
        source = _local_source(want)
        if source is not None:
            out[str(source)] = raw.decode("utf-8", "replace") if raw is not None else None
    return out


# -- fetch, build and unpack -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ready:
    unpacked: Any
    direct_url: Mapping[str, object] | None = None
    extra_files: Mapping[str, bytes] | None = None
    cache_info: bytes | None = None  # uv_cache.json of an install from a local source


def _http_client(root: Path, config: Any, environ: Mapping[str, str], cache: Cache, offline: bool,
                 lock_options: Mapping[str, Any]) -> HttpClient:
    """An HTTP client with the credentials of the project's indexes."""
    from prong.client.http import HttpClient, http_settings_from_env

    auth = None
    try:
        from prong.client.auth import AuthProvider, IndexAuth

        urls = _index_urls(root, config, environ, lock_options)
        auth = AuthProvider([IndexAuth(i.url, i.authenticate) for i in (*urls.indexes, *urls.flat)])
    except ProngError:
        auth = None
    timeout, retries = http_settings_from_env(environ)
    return HttpClient(cache=cache, offline=offline, auth=auth, timeout=timeout, retries=retries)


def _sha256(artifact: LockArtifact | None) -> str | None:
    if artifact is None or not artifact.hash:
        return None
    algo, _, value = artifact.hash.partition(":")
    return value.lower() if algo.lower() == "sha256" else None


def _prepare(wanted: Sequence[Wanted], make_http: Callable[[], HttpClient], cache: Cache, venv: Venv, root: Path,
             lock_options: Mapping[str, Any], config: Any = None,
             say: Callable[[str], None] | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> tuple[dict[str, _Ready], int]:
    """Every wanted package unpacked in the cache (fetched concurrently, built where needed);
    returns them by name and how many had to be fetched or built."""
    from prong.installer.unpack import open_unpacked

    archive = cache.bucket("archive-v1")
    ready: dict[str, _Ready] = {}
    fetch: list[tuple[Wanted, _Item, Path]] = []
    build: list[tuple[Wanted, _Item]] = []
    for want in wanted:
        item: _Item = want.payload  # type: ignore[assignment]
        if item.build_source is not None or item.wheel is None or item.local_file is not None:
            build.append((want, item))
            continue
        sha = _sha256(item.wheel)
        if sha is not None:
            dest = archive / sha
            found = open_unpacked(dest)
            if found is not None:
                ready[want.name] = _Ready(found, direct_url=item.direct_url)
                continue
        else:
            import hashlib

            dest = archive / ("url-" + hashlib.sha256((item.wheel.url or item.wheel.name or "").encode()).hexdigest())
        fetch.append((want, item, dest))

    prepared = 0
    if not fetch and not build:
        return ready, prepared
    http = make_http()  # only now: the project's index settings are read for their credentials
    try:
        if fetch:
            futures = [http.executor.submit(_fetch_unpack, http, item, dest, say) for _want, item, dest in fetch]
            try:
                total = len(fetch) + len(build)
                for (want, item_, _dest), fut in zip(fetch, futures):
                    ready[want.name] = _Ready(fut.result(), direct_url=item_.direct_url)
                    prepared += 1
                    if progress is not None:
                        progress("Preparing", prepared, total)
            except BaseException:
                for fut in futures:
                    fut.cancel()
                raise
        if build:
            import threading

            dispatch = _dispatch(http, cache, venv, root, lock_options, config)
            total = len(fetch) + len(build)
            counted = threading.Lock()
            done = [prepared]

            def build_one(job: tuple[Wanted, _Item]) -> None:
                want, item = job
                if progress is not None:
                    with counted:
                        progress(f"Building {want.name}", done[0], total)
                announcing = _Announcing(dispatch, say, _build_label(want)) if say is not None else dispatch
                result = _build(announcing, item, venv, cache, root)
                with counted:
                    ready[want.name] = result
                    done[0] += 1

            # as uv: the wheels are built concurrently, at most one build per CPU (each build is a
            # backend subprocess); the first failure is the error, the builds under way finish
            _in_threads(build_one, build, workers=os.cpu_count() or 1, name="prong-build")
            prepared = done[0]
    finally:
        http.close()
    return ready, prepared


def _build_label(want: Wanted) -> str:
    """How uv names a package it builds: ``pkg==1.0`` from an index, ``pkg @ file:///...`` (or the
    URL, or ``git+...@commit``) from elsewhere."""
    source = want.editable_url or want.direct_url
    return f"{want.name} @ {source}" if source else f"{want.name}=={want.version}"


class _Announcing:
    """A build dispatch whose wheel builds are announced as uv announces them (``   Building
    pkg==1.0``, ``      Built pkg==1.0``); a wheel found in the cache is not a build, so says nothing."""

    def __init__(self, dispatch: Any, say: Callable[[str], None], label: str) -> None:
        self._dispatch, self._say, self._label = dispatch, say, label

    def build_wheel(self, *args: Any, **kwargs: Any) -> Any:
        self._say(f"   Building {self._label}")
        wheel = self._dispatch.build_wheel(*args, **kwargs)
        self._say(f"      Built {self._label}")
        return wheel

    def __getattr__(self, name: str) -> Any:
        return getattr(self._dispatch, name)


#: Downloads at least this large are announced (``Downloading numpy (16.1MiB)``), as uv does.
_ANNOUNCE = 1 << 20


def _size_text(size: int) -> str:
    return f"{size / (1 << 20):.1f}MiB" if size >= 1 << 20 else f"{size / 1024:.1f}KiB"


def _fetch_unpack(http: HttpClient, item: _Item, dest: Path, say: Callable[[str], None] | None = None) -> Any:
    import shutil
    import tempfile

    from prong.installer.unpack import open_unpacked, unpack_wheel

    wheel = item.wheel
    assert wheel is not None
    found = open_unpacked(dest)
    if found is not None:
        return found
    url = wheel.url
    if url is None:
        raise SyncError(f"the lock gives no URL for the wheel of `{item.package.name}` ({wheel.name})",
                        "Lock again with `prong lock`.")
    hashes = {}
    if wheel.hash:
        algo, _, value = wheel.hash.partition(":")
        hashes[algo] = value
    dest.parent.mkdir(parents=True, exist_ok=True)
    # not a TemporaryDirectory: its finalizer, run at exit while this (daemon) thread still
    # writes after a Ctrl-C, would fail with a traceback
    tmp = tempfile.mkdtemp(prefix=".download-", suffix=".tmp", dir=dest.parent)
    try:
        path = Path(tmp) / (wheel.name or "wheel.whl")
        loud = say is not None and (wheel.size or 0) >= _ANNOUNCE
        if loud:
            say(f"Downloading {item.package.name} ({_size_text(wheel.size or 0)})")  # type: ignore[misc]
        http.download(url, path, hashes=hashes)
        unpacked = unpack_wheel(path, dest)
        if loud:
            say(f" Downloaded {item.package.name}")  # type: ignore[misc]
        return unpacked
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _index_urls(root: Path, config: Any, environ: Mapping[str, str], lock_options: Mapping[str, Any]) -> Any:
    """The project's indexes (configuration, flags and [tool.uv.index]), read without the network."""
    from prong.api.lock import _project_indexes
    from prong.project.pyproject import read_pyproject

    path = root / "pyproject.toml"
    urls, _opts, _args = _project_indexes(
        path, read_pyproject(path), config, environ, default_index=lock_options.get("default_index"),
        indexes=lock_options.get("indexes") or (), index_url=lock_options.get("index_url"),
        extra_index_urls=lock_options.get("extra_index_urls") or (), index_strategy=lock_options.get("index_strategy"),
        prerelease=lock_options.get("prerelease"), resolution=lock_options.get("resolution"),
        exclude_newer=lock_options.get("exclude_newer"))
    return urls


def _dispatch(http: HttpClient, cache: Cache, venv: Venv, root: Path, lock_options: Mapping[str, Any],
              config: Any = None) -> Any:
    """A build dispatch whose build requirements come from the project's indexes."""
    from prong.api.index import build_registry
    from prong.pep517.dispatch import BuildDispatch
    from prong.sources.index import RegistryIndex

    from prong.api._build_settings import project_build_settings

    registry = build_registry(_index_urls(root, config, os.environ, lock_options), cache_dir=cache.root)
    settings = project_build_settings(root, config, os.environ, environment=venv.root,
                                      no_build_isolation=lock_options.get("no_build_isolation"),
                                      no_build_isolation_package=lock_options.get("no_build_isolation_package") or ())
    dispatch = BuildDispatch(registry.http, cache, python=str(venv.interpreter.base_interpreter), settings=settings)
    dispatch.index = RegistryIndex(registry, registry.http, builder=dispatch)
    return dispatch


def _build(dispatch: Any, item: _Item, venv: Venv, cache: Cache, root: Path) -> _Ready:
    """Build the editable project, or a wheel from the locked sdist, and unpack it. An install
    from a local source gets its cache info, taken before the build (as uv takes it)."""
    import dataclasses

    source = _item_source(item)
    info = _local_cache_info(source) if source is not None else None
    ready = _build_unpacked(dispatch, item, venv, cache, root)
    return ready if info is None else dataclasses.replace(ready, cache_info=info)


def _build_unpacked(dispatch: Any, item: _Item, venv: Venv, cache: Cache, root: Path) -> _Ready:
    """:func:`_build` but the cache info."""
    import hashlib
    import tempfile

    from prong.installer.unpack import open_unpacked, unpack_wheel

    package = item.package
    version = package.version or item.version or "0"
    major, minor = venv.interpreter.minor
    if item.local_file is not None and item.local_file.name.endswith(".whl"):
        if not item.local_file.is_file():
            raise SyncError(f"`{package.name}`: the wheel {item.local_file} the lock names does not exist",
                            "Restore the file, or lock again.")
        digest = hashlib.sha256(item.local_file.read_bytes()).hexdigest()
        return _Ready(unpack_wheel(item.local_file, cache.bucket("archive-v1") / digest), direct_url=item.direct_url)
    if item.local_file is not None or (item.build_source is not None and not item.editable):
        source = item.local_file or item.build_source
        assert source is not None
        if not source.exists():
            raise SyncError(f"`{package.name}`: {source}, which the lock names, does not exist",
                            "Restore it, or lock again.")
        # a local sdist by its contents, a directory by its cache key (uv's: see pep517.metadata_cache)
        if source.is_dir():
            from prong.pep517.metadata_cache import tree_cache_key

            key = "tree-" + tree_cache_key(source, python=dispatch.python)
        else:
            key = "file-" + hashlib.sha256(source.read_bytes()).hexdigest()
        built = cache.bucket("builds-v1") / f"{key}-cp{major}{minor}-{venv.interpreter.machine}"
        found = open_unpacked(built)
        if found is not None:
            return _Ready(found, direct_url=item.direct_url)
        with tempfile.TemporaryDirectory(prefix="prong-wheel-") as tmp:
            wheel = dispatch.build_wheel(source, Path(tmp), name=package.name, version=version, origin=str(source))
            return _Ready(unpack_wheel(wheel, built), direct_url=item.direct_url)
    if item.git is not None:
        from prong.sources.git import checkout

        repo, commit, subdirectory = item.git
        key = hashlib.sha256(f"{repo}#{commit}#{subdirectory or ''}".encode()).hexdigest()[:32]
        built = cache.bucket("builds-v1") / f"git-{key}-cp{major}{minor}-{venv.interpreter.machine}"
        found = open_unpacked(built)
        if found is not None:
            return _Ready(found, direct_url=item.direct_url)
        tree = checkout(cache.root, repo, commit)
        tree = tree / subdirectory if subdirectory else tree
        with tempfile.TemporaryDirectory(prefix="prong-wheel-") as tmp:
            wheel = dispatch.build_wheel(tree, Path(tmp), name=package.name, version=version,
                                         origin=f"git+{repo}@{commit}")
            return _Ready(unpack_wheel(wheel, built), direct_url=item.direct_url)
    if item.editable:
        assert item.build_source is not None
        with tempfile.TemporaryDirectory(prefix="prong-editable-") as tmp:
            wheel = dispatch.build_wheel(item.build_source, Path(tmp), name=package.name, version=version,
                                         origin=str(item.build_source), editable=True)
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            dest = cache.bucket("archive-v1") / digest
            unpacked = unpack_wheel(wheel, dest)
        return _Ready(unpacked, direct_url={"url": item.build_source.as_uri(), "dir_info": {"editable": True}})
    from prong.client.auth import redact as _redact

    sdist = package.sdist
    sdist_url = sdist.url if sdist is not None else None
    subdirectory = None
    if sdist is not None and sdist_url is None and package.source.kind == "url":  # a URL source's own archive
        sdist_url, subdirectory = package.source.value, package.source.subdirectory
    if sdist is None or sdist_url is None:
        raise SyncError(f"`{package.name}` {version} has no wheel for this platform and no source "
                        "distribution to build")
    sha = _sha256(sdist) or hashlib.sha256(sdist_url.encode()).hexdigest()
    if subdirectory:
        sha += "-" + hashlib.sha256(subdirectory.encode()).hexdigest()[:16]
    built = cache.bucket("builds-v1") / f"{sha}-cp{major}{minor}-{venv.interpreter.machine}"
    found = open_unpacked(built)
    if found is not None:
        return _Ready(found, direct_url=item.direct_url)
    from prong.dists import IndexFile

    hashes = {}
    if sdist.hash:
        algo, _, value = sdist.hash.partition(":")
        hashes[algo] = value
    name = sdist.name or sdist_url.split("#", 1)[0].rsplit("/", 1)[-1] or f"{package.name}-{version}.tar.gz"
    file = IndexFile(filename=name, url=sdist_url, hashes=tuple(hashes.items()))
    path = dispatch.fetch(file)
    with tempfile.TemporaryDirectory(prefix="prong-wheel-") as tmp:
        source: Path = path
        if subdirectory:
            from prong.sources.sdist import unpack

            source = unpack(path, Path(tmp) / "src") / subdirectory
        wheel = dispatch.build_wheel(source, Path(tmp), name=package.name, version=version,
                                     origin=_redact(sdist_url))
        return _Ready(unpack_wheel(wheel, built), direct_url=item.direct_url)


def _compile(venv: Venv, files: Sequence[Path]) -> None:
    """``--compile-bytecode``: compile the installed modules with the venv's interpreter."""
    import subprocess

    subprocess.run([str(venv.python), "-m", "compileall", "-q", "-f", "-j", "0", "-i", "-"],
                   input="\n".join(str(f) for f in files), text=True, capture_output=True, check=False)
