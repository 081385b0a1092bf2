"""Metadata of local source trees (path dependencies), built once per state of the tree.

A directory's metadata is built by its backend (``prepare_metadata_for_build_wheel``) and kept in
the cache's ``metadata-v1`` bucket under ``<package>/tree-<key>``, where the key is the
directory's *cache key*, as uv computes it:

* by default, the modification times (and here also the contents) of ``pyproject.toml``,
  ``setup.py`` and ``setup.cfg`` at the root of the directory, and the creation time of its
  ``src`` directory;
* with ``[tool.uv] cache-keys`` in the directory's ``pyproject.toml``, those entries instead
  (they replace the default, as in uv): ``{ file = "glob" }`` (or a plain string: the
  modification time and size of every file the glob matches, relative to the directory),
  ``{ dir = "path" }`` (the directory's creation time, else its inode),
  ``{ git = true }`` / ``{ git = { commit = true, tags = true } }`` (the checked-out commit,
  the tags) and ``{ env = "NAME" }`` (the variable's value).

:func:`cache_info` computes the same keys as uv records them (its ``CacheInfo``): an install from
a local directory or file carries them in ``<name>-<version>.dist-info/uv_cache.json``
(:func:`cache_info_json`), and an install stays fresh while they are unchanged.

The key also holds the directory's absolute path and the interpreter that runs the backend.
Metadata built from an index's sdist is cached elsewhere, by the file's sha256
(:func:`prong.client.metadata.dist_metadata`): an archive with a given hash never changes.

A tree that cannot change, a git checkout or an unpacked direct archive (``git``, ``url`` and
file ``path`` sources), is kept under ``<package>/source-<key>`` by :func:`source_metadata`, the
key made from what fixes the tree (:func:`source_cache_key`: the commit, or the archive's sha256,
and the subdirectory) and the interpreter.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat as _stat
import struct as _struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger("prong.build")

#: The cache bucket (shared with the metadata of distribution files; entries ``tree-<key>``).
BUCKET = "metadata-v1"
#: uv's default cache keys of a source tree.
DEFAULT_CACHE_KEYS: tuple[Any, ...] = ({"file": "pyproject.toml"}, {"file": "setup.py"}, {"file": "setup.cfg"},
                                      {"dir": "src"})
#: Files whose contents (not only their modification times) enter the key when they match.
_CONTENT_KEYED = frozenset({"pyproject.toml", "setup.py", "setup.cfg"})

_MEMO_LOCK = threading.Lock()


def cache_keys(directory: Path) -> tuple[Any, ...]:
    """The ``[tool.uv] cache-keys`` of ``directory``'s pyproject.toml, or uv's default ones."""
    import tomllib

    try:
        text = (directory / "pyproject.toml").read_text(encoding="utf-8")
        if "cache-keys" not in text:  # the common case, without parsing
            return DEFAULT_CACHE_KEYS
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return DEFAULT_CACHE_KEYS
    try:
        keys = data.get("tool", {}).get("uv", {}).get("cache-keys")
    except AttributeError:  # `tool` or `tool.uv` is not a table
        return DEFAULT_CACHE_KEYS
    if not isinstance(keys, list) or not all(_valid_key(k) for k in keys):
        return DEFAULT_CACHE_KEYS  # uv reads none of them then (the table does not parse)
    return tuple(keys)


def _valid_key(entry: Any) -> bool:
    """Whether ``entry`` is one of uv's cache-key forms (a string, ``{file}``, ``{dir}``,
    ``{git}``, ``{env}``, with no other field)."""
    if isinstance(entry, str):
        return True
    if not isinstance(entry, dict) or len(entry) != 1:
        return False
    (field, value), = entry.items()
    if field in ("file", "dir", "env"):
        return isinstance(value, str)
    if field == "git":
        return isinstance(value, bool) or (
            isinstance(value, dict) and set(value) <= {"commit", "tags"}
            and all(isinstance(v, bool) for v in value.values()))
    return False


def tree_cache_key(directory: str | Path, *, python: str | Path = "") -> str:
    """The cache key of the source tree ``directory`` (see the module's description)."""
    root = Path(directory).resolve()
    h = hashlib.sha256(b"prong-tree-key-1\0")
    h.update(str(root).encode("utf-8", "surrogateescape") + b"\0")
    h.update(interpreter_id(python).encode("utf-8", "surrogateescape") + b"\0")
    for entry in cache_keys(root):
        h.update(repr(entry).encode() + b"\0")
        for part in _entry_parts(root, entry):
            h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()[:40]


def _entry_parts(root: Path, entry: Any) -> Iterable[str]:
    if isinstance(entry, str):
        entry = {"file": entry}
    if not isinstance(entry, dict):
        return ()
    if "file" in entry and isinstance(entry["file"], str):
        return _file_parts(root, entry["file"])
    if "dir" in entry and isinstance(entry["dir"], str):
        found, stamp = _directory_entry(root / entry["dir"])
        return (f"dir {entry['dir']} {stamp if found else 'unreadable'}",)
    if "env" in entry and isinstance(entry["env"], str):
        value = os.environ.get(entry["env"])
        return (f"env {entry['env']}={value}" if value is not None else f"env {entry['env']} unset",)
    if "git" in entry:
        git = entry["git"]
        commit = git is True or (isinstance(git, dict) and git.get("commit", False))
        tags = isinstance(git, dict) and git.get("tags", False)
        out = []
        if commit:
            out.append("commit " + _git(root, "rev-parse", "HEAD"))
        if tags:
            out.append("tags " + hashlib.sha256(_git(root, "for-each-ref", "refs/tags").encode()).hexdigest())
        return out
    return ()


def _is_glob(pattern: str) -> bool:
    return any(c in pattern for c in "*?[{")


def _glob(root: Path, pattern: str) -> list[Path]:
    """The paths ``pattern`` (relative to ``root``) matches. A trailing ``**`` matches the files
    below too (as uv's glob does; Python's stops at the directories)."""
    if pattern == "**" or pattern.endswith("/**"):
        pattern += "/*"
    return sorted(root.glob(pattern))


def _file_parts(root: Path, pattern: str) -> list[str]:
    paths = [root / pattern] if not _is_glob(pattern) else _glob(root, pattern)
    out = []
    for path in paths:
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        try:
            st = path.stat()
        except OSError:
            out.append(f"file {rel} absent")
            continue
        if not path.is_file():
            continue
        part = f"file {rel} {st.st_mtime_ns} {st.st_size}"
        if path.name in _CONTENT_KEYED and path.parent == root:
            try:
                part += " " + hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                pass
        out.append(part)
    return out


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "<no git>"
    return done.stdout.strip() if done.returncode == 0 else "<no git>"


# -- uv's CacheInfo (uv_cache.json) ------------------------------------------------------------------


def cache_info(path: str | Path) -> dict[str, Any]:
    """uv's ``CacheInfo`` of a local source, as its JSON has it: for a directory, the latest
    change time of the files its cache keys name (:func:`cache_keys`; ``timestamp``), the git
    commit and tags (``commit``, ``tags``, when asked for), the variables (``env``) and the
    directories' creation times (``directories``); for a file (a wheel or sdist), its change
    time. Raises :class:`OSError` when ``path`` cannot be read."""
    root = Path(path)
    st = os.stat(root)
    if not os.path.isdir(root):
        return _info(file_timestamp(st))
    latest: dict[str, int] | None = None
    commit: str | None = None
    tags: dict[str, str] | None = None
    env: dict[str, str | None] = {}
    directories: dict[str, Any] = {}
    globs: list[str] = []

    def consider(file: Path) -> None:
        nonlocal latest
        try:
            info = os.stat(file)
        except OSError:
            return
        if not _stat.S_ISREG(info.st_mode):
            return
        stamp = file_timestamp(info)
        if latest is None or _key(stamp) > _key(latest):
            latest = stamp

    for entry in cache_keys(root):
        if isinstance(entry, str):
            entry = {"file": entry}
        (field, value), = entry.items()
        if field == "file":
            if _is_glob(value):
                globs.append(value)
            else:
                consider(root / value)
        elif field == "dir":
            found, stamp = _directory_entry(root / value)
            if found:
                directories[value] = stamp
        elif field == "git":
            want_commit = value is True or (isinstance(value, dict) and value.get("commit", False))
            want_tags = isinstance(value, dict) and value.get("tags", False)
            if want_commit:
                commit = _git_commit(root) or commit
            if want_tags:
                tags = _git_tags(root) or tags
        elif field == "env":
            variable = os.environ.get(value)
            if variable is not None:
                try:
                    variable.encode("utf-8")
                except UnicodeEncodeError:  # not unicode: unset, for uv
                    variable = None
            env[value] = variable
    for pattern in globs:
        for file in _glob(root, pattern):
            consider(file)  # a symlink by its target, as uv's
    return _info(latest, commit, tags, env, directories)


def _info(timestamp: dict[str, int] | None, commit: str | None = None, tags: dict[str, str] | None = None,
          env: dict[str, str | None] | None = None, directories: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"timestamp": timestamp, "commit": commit, "tags": dict(sorted(tags.items())) if tags is not None else None,
            "env": dict(sorted((env or {}).items())), "directories": dict(sorted((directories or {}).items()))}


def _key(stamp: dict[str, int]) -> tuple[int, int]:
    return stamp["secs_since_epoch"], stamp["nanos_since_epoch"]


def file_timestamp(st: os.stat_result) -> dict[str, int]:
    """uv's timestamp of a file: its change time (ctime) on Unix, its modification time
    elsewhere, as serde writes a ``SystemTime``."""
    ns = st.st_ctime_ns if os.name == "posix" else st.st_mtime_ns
    secs, nanos = divmod(ns, 1_000_000_000)
    return {"secs_since_epoch": secs, "nanos_since_epoch": nanos}


def _directory_entry(path: Path) -> tuple[bool, Any]:
    """How uv records a ``{ dir = ... }`` key: ``(True, None)`` for a missing directory,
    ``(True, creation time)`` (else ``(True, inode)``), or ``(False, None)`` (not recorded) for
    one that cannot be read or is a file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return True, None
    except OSError:
        return False, None
    if not _stat.S_ISDIR(st.st_mode):
        return False, None
    created = _created(path, st)
    if created is not None:
        secs, nanos = created
        return True, {"secs_since_epoch": secs, "nanos_since_epoch": nanos}
    if os.name == "posix":
        return True, st.st_ino
    return False, None


_STATX: Any = None


def _created(path: Path, st: os.stat_result) -> tuple[int, int] | None:
    """The creation (birth) time of ``path``: ``st_birthtime`` where Python has it, on Linux
    from ``statx(2)``; ``None`` where the file system does not keep it."""
    birth = getattr(st, "st_birthtime", None)
    if birth is not None:
        ns = getattr(st, "st_birthtime_ns", None)
        ns = int(birth * 1_000_000_000) if ns is None else ns
        return divmod(ns, 1_000_000_000) if ns >= 0 else None
    if not sys.platform.startswith("linux"):
        return None
    global _STATX
    if _STATX is None:
        try:
            import ctypes

            fn = ctypes.CDLL(None, use_errno=True).statx
            fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p]
            fn.restype = ctypes.c_int
            _STATX = (fn, ctypes.create_string_buffer)
        except (OSError, AttributeError):
            _STATX = False
    if not _STATX:
        return None
    fn, make_buffer = _STATX
    buf = make_buffer(256)  # struct statx
    at_fdcwd, statx_basic_stats, statx_btime = -100, 0x7FF, 0x800
    if fn(at_fdcwd, os.fsencode(path), 0, statx_basic_stats | statx_btime, buf) != 0:
        return None
    (mask,) = _struct.unpack_from("=I", buf.raw, 0)
    if not mask & statx_btime:
        return None
    secs, nanos = _struct.unpack_from("=qI", buf.raw, 80)  # stx_btime
    return (secs, nanos) if secs >= 0 else None


def _git_commit(root: Path) -> str | None:
    commit = _git(root, "rev-parse", "HEAD")
    return commit if re.fullmatch(r"[0-9a-f]{40}", commit) else None


def _git_tags(root: Path) -> dict[str, str] | None:
    try:
        done = subprocess.run(["git", "for-each-ref", "--format=%(refname) %(objectname)", "refs/tags"], cwd=root,
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    tags = {}
    for line in done.stdout.splitlines():
        ref, _, oid = line.rpartition(" ")
        if ref.startswith("refs/tags/"):
            tags[ref[len("refs/tags/"):]] = oid
    return tags


def cache_info_empty(info: dict[str, Any]) -> bool:
    """Whether ``info`` records nothing (uv writes no ``uv_cache.json`` then)."""
    return (info.get("timestamp") is None and info.get("commit") is None and info.get("tags") is None
            and not info.get("env") and not info.get("directories"))


def cache_info_json(info: dict[str, Any]) -> bytes:
    """``info`` as uv writes ``uv_cache.json`` (serde_json: compact, fields in order, UTF-8)."""
    return json.dumps(info, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def parse_cache_info(raw: bytes) -> dict[str, Any] | None:
    """A ``uv_cache.json`` read back, its fields completed as uv's reader completes them (missing
    ``env`` and ``directories`` are empty, the others null); ``None`` when it does not parse."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    return {"timestamp": data.get("timestamp"), "commit": data.get("commit"), "tags": data.get("tags"),
            "env": data.get("env") or {}, "directories": data.get("directories") or {}}


def interpreter_id(python: str | Path) -> str:
    """The interpreter a build uses, for cache keys: its path, and the real file's size and
    modification time (an upgraded interpreter gets new metadata and new environments)."""
    if not python:
        return ""
    real = os.path.realpath(python)
    try:
        st = os.stat(real)
        return f"{os.path.abspath(python)} {real} {st.st_size} {st.st_mtime_ns}"
    except OSError:
        return f"{os.path.abspath(python)} {real}"


def tree_metadata(directory: str | Path, *, package: str, cache: Any, python: str | Path,
                  build: Callable[[], bytes], editable: bool = False, refresh: bool = False,
                  memo: dict[str, bytes] | None = None) -> bytes:
    """METADATA of the source tree ``directory``: from the cache when its cache key has not
    changed, else ``build()`` (then kept). ``package`` (a normalized name, or a placeholder when
    the name itself is dynamic) is the entry's first key component, for ``prong cache clean``;
    ``editable`` metadata (PEP 660 hooks) is kept apart from the wheel's; ``refresh`` builds
    again whatever the cache keeps. ``memo`` holds what one command built already (it reads the
    project more than once; with ``--no-cache`` or ``--refresh`` a tree is still built once)."""
    from prong.cache import package_key

    key = tree_cache_key(directory, python=python)
    entry = f"{package_key(package)}/tree-{'editable-' if editable else ''}{key}"
    return _cached(entry, cache, build, refresh=refresh, memo=memo,
                   what=f"{package}: metadata of {directory}", why="its cache key is unchanged")


def source_cache_key(source: str, *, python: str | Path = "") -> str:
    """The cache key of a source tree that cannot change, named by ``source``: what fixes it (the
    git commit, or the archive's sha256, with the subdirectory), and the interpreter."""
    h = hashlib.sha256(b"prong-source-key-1\0")
    h.update(source.encode("utf-8", "surrogateescape") + b"\0")
    h.update(interpreter_id(python).encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()[:40]


def source_metadata(source: str, *, package: str, cache: Any, python: str | Path, build: Callable[[], bytes],
                    refresh: bool = False, memo: dict[str, bytes] | None = None) -> bytes:
    """METADATA of the immutable source tree named by ``source`` (:func:`source_cache_key`): from
    the cache, else ``build()`` (then kept); the other arguments as :func:`tree_metadata`'s."""
    from prong.cache import package_key

    entry = f"{package_key(package)}/source-{source_cache_key(source, python=python)}"
    return _cached(entry, cache, build, refresh=refresh, memo=memo, what=f"{package}: metadata of {source}",
                   why="the source is immutable")


def _cached(entry: str, cache: Any, build: Callable[[], bytes], *, refresh: bool, memo: dict[str, bytes] | None,
            what: str, why: str) -> bytes:
    """The bytes kept under ``entry`` of the bucket (or in ``memo``), else ``build()``, then kept."""
    with _MEMO_LOCK:
        hit = memo.get(entry) if memo is not None else None
    if hit is None and cache is not None and not refresh:
        hit = cache.read(BUCKET, entry)
    if hit is not None:
        log.debug("%s from the cache (%s)", what, why)
        return hit
    raw = build()
    if memo is not None:
        with _MEMO_LOCK:
            memo[entry] = raw
    if cache is not None:
        try:
            cache.write(BUCKET, entry, raw)
        except OSError as err:  # a read-only cache must not fail the command
            log.debug("could not keep the %s: %s", what.split(": ", 1)[-1], err)
    return raw
