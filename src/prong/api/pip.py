"""``prong pip``: environments managed by hand (``uv pip install|uninstall|list|freeze|show|check|sync``).

The environment is the one ``--python`` names (an interpreter or a venv), else the active one
(``VIRTUAL_ENV``), else ``.venv`` in the working directory or above; a Python that is not a virtual
environment is used only with ``system=True``, and then only with ``break_system_packages`` when
it is marked externally managed (PEP 668). ``install`` resolves the requirements together with
what is installed and installs what is missing or different; ``sync`` makes the environment
exactly the (already pinned) requirements; both install through the same cache and linker as
``prong sync``.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prong.errors import ProngError, UsageError

__all__ = ["CheckResult", "InstalledPackage", "PipResult", "check", "find_environment", "freeze", "install",
           "list_packages", "show", "sync", "uninstall"]


@dataclass(frozen=True, slots=True)
class InstalledPackage:
    name: str  # as the .dist-info spells it
    version: str
    location: Path
    requires: tuple[str, ...] = ()
    editable_url: str | None = None
    required_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PipResult:
    environment: Path
    installed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    prepared: int
    seconds: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class CheckResult:
    checked: int
    problems: tuple[str, ...]
    seconds: float


class NoEnvironment(ProngError):
    exit_code = 2

    def __init__(self, message: str, hint: str) -> None:
        self.hint = hint
        super().__init__(message)

    def hints(self) -> tuple[str, ...]:
        return (self.hint,)


def find_environment(python: str | None = None, *, system: bool = False, break_system_packages: bool = False,
                     environ: Mapping[str, str] | None = None, writing: bool = True) -> Any:
    """The environment a pip command works on, as a :class:`prong.venv.Venv` (its root is the
    interpreter's prefix for a system Python)."""
    from prong.python import find_interpreter, query_interpreter
    from prong.venv import Venv, open_venv, read_pyvenv_cfg

    env = os.environ if environ is None else environ
    if python:
        candidate = Path(python)
        if candidate.is_dir() and read_pyvenv_cfg(candidate) is not None:
            venv = open_venv(candidate)
            if venv is not None:
                return venv
        interp = find_interpreter(python, environ=env)
        return Venv(Path(interp.prefix), interp)
    if not system:
        for value in (env.get("VIRTUAL_ENV"), env.get("CONDA_PREFIX")):
            if value and (venv := open_venv(Path(value))) is not None:
                return venv
        for directory in (Path.cwd(), *Path.cwd().parents):
            if (directory / ".venv" / "pyvenv.cfg").is_file() and (venv := open_venv(directory / ".venv")):
                return venv
        raise NoEnvironment("No virtual environment found",
                            "Run `prong venv` to create one, or pass `--system` to use the system Python.")
    interp = find_interpreter(environ=env)
    if writing and not interp.is_venv and not break_system_packages:
        stdlib = Path(interp.scheme.get("purelib", "")).parent
        marker = next((p for p in (Path(interp.base_prefix) / "lib" / f"python{interp.minor[0]}.{interp.minor[1]}"
                                   / "EXTERNALLY-MANAGED", stdlib / "EXTERNALLY-MANAGED") if p.is_file()), None)
        if marker is not None:
            raise NoEnvironment(f"The interpreter at {interp.sys_executable} is externally managed",
                                "Use a virtual environment (`prong venv`), or pass `--break-system-packages`.")
    return Venv(Path(interp.prefix), query_interpreter(Path(interp.sys_executable)))


# -- reading ------------------------------------------------------------------------------------------


def _dists(venv: Any) -> list[tuple[Path, str, str]]:
    """(dist-info path, name as spelled, version) of each installed distribution, sorted by name."""
    out = []
    seen = set()
    for site in dict.fromkeys((venv.scheme()["purelib"], venv.scheme()["platlib"])):
        try:
            entries = list(Path(site).iterdir())
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith(".dist-info"):
                continue
            name, version = _name_version(entry)
            key = re.sub(r"[-_.]+", "-", name).lower()
            if key in seen:
                continue
            seen.add(key)
            out.append((entry, name, version))
    return sorted(out, key=lambda t: re.sub(r"[-_.]+", "-", t[1]).lower())


def _name_version(dist_info: Path) -> tuple[str, str]:
    try:
        head = (dist_info / "METADATA").read_text(encoding="utf-8", errors="replace").split("\n\n", 1)[0]
        fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        return fields.get("Name", ""), fields.get("Version", "")
    except OSError:
        stem = dist_info.name[: -len(".dist-info")]
        name, _, version = stem.rpartition("-")
        return name, version


def _requires(dist_info: Path) -> list[str]:
    try:
        head = (dist_info / "METADATA").read_text(encoding="utf-8", errors="replace").split("\n\n", 1)[0]
    except OSError:
        return []
    return [line.split(": ", 1)[1] for line in head.splitlines() if line.startswith("Requires-Dist: ")]


def list_packages(python: str | None = None, *, system: bool = False,
                  environ: Mapping[str, str] | None = None) -> list[InstalledPackage]:
    """What is installed, sorted by name."""
    venv = find_environment(python, system=system, environ=environ, writing=False)
    out = []
    for path, name, version in _dists(venv):
        editable = None
        try:
            import json

            data = json.loads((path / "direct_url.json").read_text(encoding="utf-8"))
            if data.get("dir_info", {}).get("editable"):
                editable = data.get("url")
        except (OSError, ValueError):
            pass
        out.append(InstalledPackage(name, version, path.parent, editable_url=editable))
    return out


def freeze(python: str | None = None, *, system: bool = False, environ: Mapping[str, str] | None = None) -> str:
    """``name==version`` lines (``-e <url>`` for editable installs), as ``uv pip freeze`` prints them."""
    lines = []
    for p in list_packages(python, system=system, environ=environ):
        lines.append(f"-e {p.editable_url}" if p.editable_url else f"{p.name}=={p.version}")
    return "".join(f"{line}\n" for line in lines)


def show(packages: Sequence[str], python: str | None = None, *, system: bool = False,
         environ: Mapping[str, str] | None = None) -> list[InstalledPackage]:
    """The named packages with what they require and what requires them; unknown names are skipped
    (the caller warns)."""
    from packaging.requirements import InvalidRequirement, Requirement

    venv = find_environment(python, system=system, environ=environ, writing=False)
    dists = _dists(venv)
    norm = {re.sub(r"[-_.]+", "-", n).lower(): (p, n, v) for p, n, v in dists}
    env = venv.interpreter.marker_environment()
    requires: dict[str, list[str]] = {}
    for key, (path, _n, _v) in norm.items():
        names = []
        for text in _requires(path):
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if req.marker is None or req.marker.evaluate({**env, "extra": ""}):
                names.append(re.sub(r"[-_.]+", "-", req.name).lower())
        requires[key] = sorted(dict.fromkeys(names))
    out = []
    for package in packages:
        key = re.sub(r"[-_.]+", "-", package).lower()
        if key not in norm:
            continue
        path, name, version = norm[key]
        required_by = tuple(sorted(k for k, reqs in requires.items() if key in reqs))
        out.append(InstalledPackage(name, version, path.parent, tuple(requires[key]), None, required_by))
    return out


def check(python: str | None = None, *, system: bool = False, environ: Mapping[str, str] | None = None) -> CheckResult:
    """Missing or mismatched requirements of the installed packages (``uv pip check``)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.version import InvalidVersion, Version

    started = time.perf_counter()
    venv = find_environment(python, system=system, environ=environ, writing=False)
    dists = _dists(venv)
    versions = {re.sub(r"[-_.]+", "-", n).lower(): v for _p, n, v in dists}
    env = venv.interpreter.marker_environment()
    problems = []
    for path, name, _version in dists:
        for text in _requires(path):
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if req.marker is not None and not req.marker.evaluate({**env, "extra": ""}):
                continue
            key = re.sub(r"[-_.]+", "-", req.name).lower()
            have = versions.get(key)
            spec = _spec_as_written(text)
            if have is None:
                problems.append(f"The package `{_norm(name)}` requires `{req.name}{spec}`, but it's not installed")
                continue
            try:
                ok = req.specifier.contains(Version(have), prereleases=True)
            except InvalidVersion:
                ok = True
            if not ok:
                problems.append(f"The package `{_norm(name)}` requires `{req.name}{spec}`, but `{have}` is installed")
    return CheckResult(len(dists), tuple(problems), time.perf_counter() - started)


def _spec_as_written(text: str) -> str:
    """The version specifiers of a Requires-Dist line as uv prints them: sorted by version."""
    from packaging.requirements import Requirement
    from packaging.version import InvalidVersion, Version

    def key(spec: object) -> tuple[int, object]:
        try:
            return (0, Version(spec.version.rstrip(".*")))  # type: ignore[attr-defined]
        except InvalidVersion:
            return (1, spec.version)  # type: ignore[attr-defined]

    return ",".join(str(s) for s in sorted(Requirement(text).specifier, key=key))


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# -- changing ------------------------------------------------------------------------------------------


def uninstall(packages: Sequence[str], python: str | None = None, *, system: bool = False,
              break_system_packages: bool = False, environ: Mapping[str, str] | None = None) -> PipResult:
    """Remove the named packages (by their RECORD); unknown names are ignored, as uv ignores them."""
    from prong.installer.install import uninstall as remove_dist

    started = time.perf_counter()
    venv = find_environment(python, system=system, break_system_packages=break_system_packages, environ=environ)
    wanted = {_norm(p) for p in packages}
    removed = []
    for path, name, version in _dists(venv):
        if _norm(name) in wanted:
            remove_dist(path, venv.root)
            removed.append(f"{_norm(name)}=={version}")
    return PipResult(venv.root, (), tuple(removed), (), 0, {"uninstall": time.perf_counter() - started})


def install(requirements: Sequence[str] = (), python: str | None = None, *, requirements_files: Sequence[str] = (),
            exact: bool = False, system: bool = False, break_system_packages: bool = False,
            reinstall: bool = False, environ: Mapping[str, str] | None = None, cache_dir: str | Path | None = None,
            no_cache: bool = False, offline: bool = False, on_event: Callable[[str], None] | None = None,
            **resolve_options: Any) -> PipResult:
    """Resolve ``requirements`` (and ``-r`` files) for the environment's interpreter and install what
    is missing or different; ``exact`` (``pip sync``) also removes what they do not name."""
    from prong.api.compile import compile_requirements

    from packaging.pylock import is_valid_pylock_path

    if len(requirements_files) == 1 and not requirements and is_valid_pylock_path(Path(requirements_files[0])):
        return install_pylock(requirements_files[0], python, exact=exact, system=system,
                              break_system_packages=break_system_packages, reinstall=reinstall, environ=environ,
                              cache_dir=cache_dir, no_cache=no_cache, offline=offline, on_event=on_event,
                              extras=resolve_options.get("extras") or (), groups=resolve_options.get("groups"))
    if resolve_options.get("extras") or resolve_options.get("groups"):
        raise UsageError("--extra and --group apply to a pylock.toml only",
                         "Name the extras in the requirement instead, e.g. `rich[jupyter]`.")
    started = time.perf_counter()
    venv = find_environment(python, system=system, break_system_packages=break_system_packages, environ=environ)
    if not requirements and not requirements_files:
        raise UsageError("nothing to install", "Name requirements, or pass `-r requirements.txt`.")
    interp = venv.interpreter
    compiled = compile_requirements(list(requirements_files), requirements=list(requirements),
                                    python_version=interp.version_text, cache_dir=cache_dir, no_cache=no_cache,
                                    offline=offline, header=False, annotate=False, **resolve_options)
    wanted = [wanted_file(pkg.name, str(pkg.version), pkg.file.url, pkg.file.sha256, pkg.file.size, pkg.index_url,
                          pkg.file.filename.endswith(".whl"))
              for pkg in compiled.packages.values() if pkg.file is not None]
    return _apply(venv, wanted, base=Path.cwd(), exact=exact, reinstall=reinstall, cache_dir=cache_dir,
                  no_cache=no_cache, offline=offline, environ=environ, on_event=on_event, started=started)


def sync(requirements_files: Sequence[str], python: str | None = None, **options: Any) -> PipResult:
    """The environment made exactly what the (pinned) requirements files name; a ``pylock.toml``
    (PEP 751) is installed as it selects (:func:`install_pylock`)."""
    from packaging.pylock import is_valid_pylock_path

    pylocks = [f for f in requirements_files if is_valid_pylock_path(Path(f))]
    if pylocks:
        if len(requirements_files) != 1:
            raise UsageError("a pylock.toml is installed alone", "Pass one pylock.toml and no other file.")
        return install_pylock(pylocks[0], python, exact=True, **options)
    return install((), python, requirements_files=requirements_files, exact=True, **options)


def install_pylock(path: str | Path, python: str | None = None, *, exact: bool = False,
                   extras: Sequence[str] = (), groups: Sequence[str] | None = None, system: bool = False,
                   break_system_packages: bool = False, reinstall: bool = False,
                   environ: Mapping[str, str] | None = None, cache_dir: str | Path | None = None,
                   no_cache: bool = False, offline: bool = False, on_event: Callable[[str], None] | None = None,
                   **_ignored: Any) -> PipResult:
    """Install what a PEP 751 ``pylock.toml`` selects for the environment (its markers, the
    ``extras`` and dependency ``groups`` asked for, else its default groups), each file checked
    against the hashes the lock gives."""
    import tomllib

    from packaging.pylock import (Pylock, PylockSelectError, PylockUnsupportedVersionError,
                                  PylockValidationError)
    from packaging.tags import Tag

    started = time.perf_counter()
    lock_path = Path(path)
    try:
        data = tomllib.loads(lock_path.read_text(encoding="utf-8"))
        lock = Pylock.from_dict(data)
    except OSError as err:
        raise UsageError(f"cannot read {lock_path}: {err.strerror or err}", "Check the path.") from None
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{lock_path}: invalid TOML ({err})", "Export it again (`prong export --format pylock.toml`).") \
            from None
    except (PylockValidationError, PylockUnsupportedVersionError) as err:
        raise UsageError(f"{lock_path}: not a valid pylock.toml ({err})",
                         "Export it again (`prong export --format pylock.toml`).") from None
    venv = find_environment(python, system=system, break_system_packages=break_system_packages, environ=environ)
    env = venv.interpreter.marker_environment()
    tags = [Tag(t.interpreter, t.abi, t.platform) for t in venv.interpreter.tags()]
    try:
        chosen = list(lock.select(environment=env, tags=tags, extras=set(extras),  # type: ignore[arg-type]
                                  dependency_groups=set(groups) if groups is not None else None))
    except PylockSelectError as err:
        raise UsageError(f"{lock_path}: {err}",
                         "Pass only the extras and groups the file declares (`extras`, `dependency-groups`); "
                         "an export with `--extra` has the selection applied already.") from None
    base = lock_path.resolve().parent
    wanted = []
    for package, dist in chosen:
        kind = type(dist).__name__
        if kind not in ("PackageWheel", "PackageSdist", "PackageArchive"):
            raise ProngError(f"{lock_path}: `{package.name}` comes from a {kind[7:].lower()}, which prong cannot "
                             "install from a pylock.toml yet")  # (a VCS checkout or a directory)
        url = getattr(dist, "url", None) or (base / dist.path).as_uri()  # type: ignore[union-attr]
        sha = (dict(getattr(dist, "hashes", {}) or {})).get("sha256")
        version = str(package.version) if package.version is not None else "0"
        wanted.append(wanted_file(str(package.name), version, url, sha, getattr(dist, "size", None), package.index,
                                  kind == "PackageWheel" or url.endswith(".whl")))
    return _apply(venv, wanted, base=base, exact=exact, reinstall=reinstall, cache_dir=cache_dir, no_cache=no_cache,
                  offline=offline, environ=environ, on_event=on_event, started=started)


def wanted_file(name: str, version: str, url: str, sha256: str | None, size: int | None, index: str | None,
                is_wheel: bool) -> Any:
    """A package to install from one file (a wheel to link, an sdist to build), as ``sync``'s
    installer takes it: what ``install``, ``install_pylock`` and ``run --with`` have to install."""
    from prong.api.sync import _Item
    from prong.installer.plan import Wanted
    from prong.lock.model import LockArtifact, LockedPackage, LockSource, PackageId

    artifact = LockArtifact(url=url, hash=f"sha256:{sha256}" if sha256 else None, size=size)
    package = LockedPackage(PackageId(name, version, LockSource("registry", index or "")),
                            sdist=None if is_wheel else artifact, wheels=(artifact,) if is_wheel else ())
    return Wanted(name, version, payload=_Item(package, artifact if is_wheel else None))


def _apply(venv: Any, wanted: Sequence[Any], *, base: Path, exact: bool, reinstall: bool, cache_dir: Any,
           no_cache: bool, offline: bool, environ: Mapping[str, str] | None, on_event: Any,
           started: float) -> PipResult:
    """Make ``venv`` hold ``wanted`` (and, ``exact``, nothing else): plan, fetch, remove, link."""
    from prong.api.sync import _http_client, _in_threads, _label, _prepare
    from prong.cache import Cache
    from prong.installer.install import link_unpacked
    from prong.installer.install import uninstall as remove_dist
    from prong.installer.plan import make_plan, scan_installed

    plan = make_plan(wanted, scan_installed(venv.site_packages), exact=exact, reinstall=reinstall)
    cache = Cache.from_settings(cache_dir, no_cache=no_cache)
    env = os.environ if environ is None else environ
    timings: dict[str, float] = {}
    prepared = 0
    if not plan.empty:
        t = time.perf_counter()
        ready, prepared = _prepare(plan.to_install, lambda: _http_client(base, None, env, cache, offline, {}),
                                   cache, venv, base, {}, None, on_event)
        timings["prepare"] = time.perf_counter() - t
        t = time.perf_counter()
        for dist_info in plan.to_remove:
            remove_dist(dist_info.path, venv.root)
        timings["uninstall"] = time.perf_counter() - t
        t = time.perf_counter()
        _in_threads(lambda w: link_unpacked(ready[w.name].unpacked, venv), plan.to_install)
        timings["install"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - started
    return PipResult(venv.root, tuple(sorted(_label(w) for w in plan.to_install)),
                     tuple(sorted(_label(d) for d in plan.to_remove)),
                     tuple(sorted(str(w) for w, _ in plan.unchanged)), prepared, timings)
