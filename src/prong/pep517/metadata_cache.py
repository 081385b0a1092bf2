"""Metadata of local source trees (path dependencies), built once per state of the tree.

A directory's metadata is built by its backend (``prepare_metadata_for_build_wheel``) and kept in
the cache's ``metadata-v1`` bucket under ``<package>/tree-<key>``, where the key is the
directory's *cache key*, as uv computes it:

* by default, the modification times (and here also the contents) of ``pyproject.toml``,
  ``setup.py`` and ``setup.cfg`` at the root of the directory;
* with ``[tool.uv] cache-keys`` in the directory's ``pyproject.toml``, those entries instead
  (they replace the default, as in uv): ``{ file = "glob" }`` (or a plain string: the
  modification time and size of every file the glob matches, relative to the directory),
  ``{ git = true }`` / ``{ git = { commit = true, tags = true } }`` (the checked-out commit,
  the tags) and ``{ env = "NAME" }`` (the variable's value).

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
import logging
import os
import subprocess
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger("prong.build")

#: The cache bucket (shared with the metadata of distribution files; entries ``tree-<key>``).
BUCKET = "metadata-v1"
#: uv's default cache keys of a source tree.
DEFAULT_CACHE_KEYS: tuple[Any, ...] = ({"file": "pyproject.toml"}, {"file": "setup.py"}, {"file": "setup.cfg"})
#: Files whose contents (not only their modification times) enter the key when they match.
_CONTENT_KEYED = frozenset({"pyproject.toml", "setup.py", "setup.cfg"})

_MEMO_LOCK = threading.Lock()


def cache_keys(directory: Path) -> tuple[Any, ...]:
    """The ``[tool.uv] cache-keys`` of ``directory``'s pyproject.toml, or uv's default ones."""
    import tomllib

    try:
        data = tomllib.loads((directory / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return DEFAULT_CACHE_KEYS
    keys = data.get("tool", {}).get("uv", {}).get("cache-keys")
    if not isinstance(keys, list):
        return DEFAULT_CACHE_KEYS
    return tuple(keys)


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


def _file_parts(root: Path, pattern: str) -> list[str]:
    paths = [root / pattern] if not any(c in pattern for c in "*?[") else sorted(root.glob(pattern))
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
