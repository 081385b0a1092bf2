"""``prong add`` and ``prong remove``: edit pyproject.toml, lock, sync; on any failure put
pyproject.toml and uv.lock back byte for byte.

``add`` writes each requirement into ``[project] dependencies``, an extra (``optional``) or a
dependency group (``group``/``dev``), keeping the file's layout (:mod:`prong.project.edit`);
``--index name=url`` adds a ``[[tool.uv.index]]`` entry and pins the packages to it in
``[tool.uv.sources]``. After the lock, a requirement given without a version gets uv's lower
bound from the locked version (``bounds``: ``lower`` ``>=1.2.3``, ``major`` ``>=1.2.3,<2``,
``minor`` ``>=1.2.3,<1.3``, ``exact`` ``==1.2.3``; ``raw`` keeps it as typed). A devpi web URL that
prong had to replace with its ``+simple`` API is written back as the URL that worked (and said so),
unless ``strict_index_urls`` makes it an error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prong.errors import ProngError, UsageError

__all__ = ["EditResult", "add", "remove"]


@dataclass(frozen=True, slots=True)
class EditResult:
    """What ``add``/``remove`` did: the requirements written or removed (as in the file), notes
    (e.g. an index URL corrected), the lock and the sync (``None`` when skipped)."""

    changed: tuple[str, ...]
    notes: tuple[str, ...]
    lock: Any
    sync: Any
    seconds: float


class RestoredError(ProngError):
    """A failure after pyproject.toml was edited: both files are as they were; the cause says why."""

    def __init__(self, cause: ProngError, files: Sequence[Path]) -> None:
        self.cause = cause
        self.files = tuple(files)
        self.exit_code = getattr(cause, "exit_code", 1)
        super().__init__(str(cause))

    def hints(self) -> tuple[str, ...]:
        names = " and ".join(f.name for f in self.files)
        own = tuple(self.cause.hints()) if hasattr(self.cause, "hints") else ()
        were = "are back as they were" if len(self.files) > 1 else "is back as it was"
        return (*own, f"{names} {were} before this command.")

    def verbose_str(self) -> str:
        return getattr(self.cause, "verbose_str", lambda: str(self.cause))()


def _parse_index(text: str) -> tuple[str | None, str]:
    name, sep, url = text.partition("=")
    if sep and "://" not in name and name and not name.startswith(("/", ".")):
        if not url:
            raise UsageError(f"`--index {text}` names an index without a URL", "Write `--index NAME=URL`.")
        return name.strip(), url.strip()
    return None, text.strip()


def _bound(version: str, bounds: str) -> str:
    from packaging.version import Version

    v = Version(version)
    release = v.release
    if bounds == "exact":
        return f"=={version}"
    version = v.public  # a local label (`+cpu`) cannot go with `>=`: uv writes the public version
    if bounds == "major":
        return f">={version},<{release[0] + 1}"
    if bounds == "minor":
        minor = release[1] if len(release) > 1 else 0
        return f">={version},<{release[0]}.{minor + 1}"
    return f">={version}"


class _Transaction:
    """The project's pyproject.toml and its workspace's uv.lock as they were, put back by
    :meth:`restore`."""

    def __init__(self, pyproject: Path, lock: Path) -> None:
        self.files = [pyproject, lock]
        self.saved: dict[Path, bytes | None] = {}
        for path in self.files:
            self.saved[path] = path.read_bytes() if path.is_file() else None

    def mentioned(self, restored: Sequence[Path]) -> list[Path]:
        """The files to name in the message: those that existed, and any created and removed."""
        return [p for p in self.files if self.saved[p] is not None or p in restored]

    def restore(self) -> list[Path]:
        from prong.api._files import write_atomic

        restored = []
        for path, data in self.saved.items():
            current = path.read_bytes() if path.is_file() else None
            if current == data:
                continue
            if data is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, data.decode("utf-8"))
            restored.append(path)
        return restored


def _write(path: Path, text: str) -> None:
    from prong.api._files import write_atomic

    write_atomic(path, text)


def add(
    requirements: Sequence[str],
    project: str | Path = ".",
    *,
    optional: str | None = None,
    group: str | None = None,
    dev: bool = False,
    indexes: Sequence[str] = (),
    raw: bool = False,
    bounds: str | None = None,
    requirements_files: Sequence[str | Path] = (),
    package: str | None = None,
    no_sync: bool = False,
    frozen: bool = False,
    locked: bool = False,
    strict_index_urls: bool = False,
    config: Any = None,
    environ: Mapping[str, str] | None = None,
    cache_dir: str | Path | None = None,
    no_cache: bool = False,
    offline: bool = False,
    on_event: Callable[[str], None] | None = None,
    **options: Any,
) -> EditResult:
    """Add ``requirements`` to the project at (or above) ``project``, lock and sync.

    ``indexes`` are ``NAME=URL`` (pinned by ``[tool.uv.sources]``) or plain URLs; ``frozen``
    edits pyproject.toml only; ``no_sync`` locks but does not sync; ``locked`` refuses a change of
    uv.lock. Any failure after the edit restores pyproject.toml and uv.lock and raises
    :class:`RestoredError` carrying the cause. In a workspace, the pyproject.toml edited is the
    member's (the one ``project`` is in, or the one ``package`` names) and the lock is the root's."""
    from prong.api._workspace import project_target
    from prong.project.edit import DependencyTarget, PyProjectEditor, requirement_name

    started = time.perf_counter()
    say = on_event or (lambda _line: None)
    proj = project_target(project, package)
    directory = proj.directory
    reqs = list(requirements)
    for file in requirements_files:
        reqs.extend(_read_requirements(Path(file)))
    if not reqs:
        raise UsageError("nothing to add", "Name a requirement (`prong add requests`) or pass `-r requirements.txt`.")
    parsed = []
    for text in reqs:
        name = requirement_name(text)
        if name is None or any(tok in text for tok in (" @ ", "git+", "://")) or text.startswith((".", "/")):
            raise UsageError(f"`{text}` is not a requirement prong can add yet",
                             "Name a package from an index, such as `requests>=2` (path, URL and git "
                             "requirements are not supported yet).")
        _check_requirement(text)
        parsed.append((name, text))
    target = DependencyTarget(optional=optional, group="dev" if dev and group is None else group)
    index_entries = [_parse_index(i) for i in indexes]

    pyproject_path = proj.pyproject_path
    txn = _Transaction(pyproject_path, proj.lock_path)
    editor = PyProjectEditor(pyproject_path.read_text(encoding="utf-8"), str(pyproject_path))
    named_index = next((n for n, _u in index_entries if n is not None), None)
    for name, text in parsed:
        editor.add_requirement(target, text)
        if named_index is not None and not raw:
            editor.set_source(name, {"index": named_index})
    for name, url in index_entries:  # after the sources, as uv writes them
        editor.add_index(name, url)
    notes: list[str] = []
    lock_result = sync_result = None
    try:
        _write(pyproject_path, editor.text())
        if not frozen:
            lock_result = _lock(directory, locked=locked, strict_index_urls=strict_index_urls, config=config,
                                environ=environ, cache_dir=cache_dir, no_cache=no_cache, offline=offline,
                                options=options)
            changed_file = False
            for old, new in lock_result.index_fixes:
                if editor.replace_index_url(old, new):
                    notes.append(f"The index URL {old} serves a web page; pyproject.toml now names its Simple API, "
                                 f"{new}")
                    changed_file = True
            if not raw:
                for name, text in parsed:
                    if _has_version(text):
                        continue
                    version = _locked_version(lock_result, name)
                    if version is not None:
                        editor.add_requirement(target, _with_bound(text, name, version, bounds or "lower"))
                        changed_file = True
            if changed_file:
                _write(pyproject_path, editor.text())
                lock_result = _lock(directory, locked=locked, strict_index_urls=strict_index_urls, config=config,
                                    environ=environ, cache_dir=cache_dir, no_cache=no_cache, offline=offline,
                                    options=options)
            if not no_sync:
                from prong.api.sync import sync

                sync_result = sync(directory, extras=(optional,) if optional else (),
                                   groups=(target.group,) if target.group else (), frozen=True,
                                   config=config, environ=environ, cache_dir=cache_dir, no_cache=no_cache,
                                   offline=offline, on_event=say, **_sync_options(options))
    except ProngError as err:
        restored = txn.restore()
        raise RestoredError(err, txn.mentioned(restored)) from None
    except BaseException:
        txn.restore()
        raise
    changed = tuple(t for t in editor.entries(target) if requirement_name(t) in {n for n, _ in parsed})
    return EditResult(changed, tuple(notes), lock_result, sync_result, time.perf_counter() - started)


def remove(
    packages: Sequence[str],
    project: str | Path = ".",
    *,
    optional: str | None = None,
    group: str | None = None,
    dev: bool = False,
    package: str | None = None,
    no_sync: bool = False,
    frozen: bool = False,
    locked: bool = False,
    config: Any = None,
    environ: Mapping[str, str] | None = None,
    cache_dir: str | Path | None = None,
    no_cache: bool = False,
    offline: bool = False,
    on_event: Callable[[str], None] | None = None,
    **options: Any,
) -> EditResult:
    """Remove ``packages`` from the project's dependencies (or the extra/group named), and their
    ``[tool.uv.sources]`` entry once no array names them; lock and sync as :func:`add` does (in
    a workspace: the member's pyproject.toml, the root's lock)."""
    from prong.api._workspace import project_target
    from prong.project.edit import DependencyTarget, PyProjectEditor, requirement_name

    started = time.perf_counter()
    say = on_event or (lambda _line: None)
    proj = project_target(project, package)
    directory = proj.directory
    pyproject_path = proj.pyproject_path
    editor = PyProjectEditor(pyproject_path.read_text(encoding="utf-8"), str(pyproject_path))
    target = DependencyTarget(optional=optional, group="dev" if dev and group is None else group)
    removed: list[str] = []
    for wanted in packages:
        name = requirement_name(wanted)
        gone = editor.remove_requirement(target, wanted) if name else []
        if not gone:
            raise UsageError(f"The dependency `{wanted}` could not be found in `{target.describe()}`",
                             "Check the name, or pass --optional/--group where it is declared.")
        removed.extend(gone)
        if not any(requirement_name(t) == name for where in editor.requirement_targets()
                   for t in editor.entries(where)):
            editor.remove_source(wanted)
    txn = _Transaction(pyproject_path, proj.lock_path)
    lock_result = sync_result = None
    try:
        _write(pyproject_path, editor.text())
        if not frozen:
            lock_result = _lock(directory, locked=locked, strict_index_urls=False, config=config, environ=environ,
                                cache_dir=cache_dir, no_cache=no_cache, offline=offline, options=options)
            if not no_sync:
                from prong.api.sync import sync

                sync_result = sync(directory, frozen=True, config=config, environ=environ, cache_dir=cache_dir,
                                   no_cache=no_cache, offline=offline, on_event=say, **_sync_options(options))
    except ProngError as err:
        restored = txn.restore()
        raise RestoredError(err, txn.mentioned(restored)) from None
    except BaseException:
        txn.restore()
        raise
    return EditResult(tuple(removed), (), lock_result, sync_result, time.perf_counter() - started)


_LOCK_KEYS = ("default_index", "index_url", "extra_index_urls", "index_strategy", "exclude_newer", "resolution",
              "prerelease", "refresh", "refresh_packages", "upgrade", "upgrade_packages")
_SYNC_KEYS = ("python", "link_mode", "python_platform", "inexact")


def _lock(directory: Path, *, locked: bool, strict_index_urls: bool, config: Any, environ: Any, cache_dir: Any,
          no_cache: bool, offline: bool, options: Mapping[str, Any]) -> Any:
    from prong.api.lock import lock

    if callable(config):
        config = config()
    extra = {k: v for k, v in options.items() if k in _LOCK_KEYS and v is not None}
    return lock(directory, locked=locked, strict_index_urls=strict_index_urls, config=config, environ=environ,
                cache_dir=cache_dir, no_cache=no_cache, offline=offline, **extra)


def _sync_options(options: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in options.items() if k in _SYNC_KEYS and v is not None}


def _check_requirement(text: str) -> None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        Requirement(text)
    except InvalidRequirement as err:
        raise UsageError(f"`{text}` is not a valid requirement: {err}",
                         "Write it as in pyproject.toml, e.g. `requests>=2.31` or `rich[jupyter]`.") from None


def _has_version(text: str) -> bool:
    from packaging.requirements import Requirement

    req = Requirement(text)
    return bool(str(req.specifier)) or req.url is not None


def _with_bound(text: str, name: str, version: str, bounds: str) -> str:
    from packaging.requirements import Requirement

    req = Requirement(text)
    out = req.name + (f"[{','.join(sorted(req.extras))}]" if req.extras else "") + _bound(version, bounds)
    if req.marker is not None:
        out += f" ; {req.marker}"
    return out


def _locked_version(result: Any, name: str) -> str | None:
    """The highest version of ``name`` in the lock (a package may be locked once per fork)."""
    lk = result.lock
    if lk is None:
        from prong.lock import parse_lock

        lk = parse_lock(result.text, result.path)
    from packaging.version import Version

    versions = [p.version for p in lk.find(name) if p.version]
    return max(versions, key=Version) if versions else None


class RequirementsFileError(ProngError):
    """A ``-r`` requirements file that cannot be read or parsed (exit code 1, as ``pip compile``'s)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint

    def hints(self) -> tuple[str, ...]:
        return (self.hint,) if self.hint else ()


def _read_requirements(path: Path) -> list[str]:
    """The requirement lines of a ``-r`` file (options and comments left out), each checked."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        what = getattr(err, "strerror", None) or str(err)
        hint = "Name a file, not a directory." if path.is_dir() else "Check the path."
        raise RequirementsFileError(f"cannot read requirements file {path}: {what}", hint) from None
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        try:
            Requirement(line)
        except InvalidRequirement as err:
            raise RequirementsFileError(f"{path}:{number}: `{line}` is not a valid requirement: {err}",
                                        "Write it as in pyproject.toml, e.g. `requests>=2.31`.") from None
        out.append(line)
    return out
