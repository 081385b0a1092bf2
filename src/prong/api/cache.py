"""``prong cache dir|clean|prune``: where the cache is, and emptying it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from prong.cache import Cache, default_cache_dir

__all__ = ["CacheCleaned", "cache_clean", "cache_dir", "cache_prune"]


@dataclass(frozen=True, slots=True)
class CacheCleaned:
    """What a clean or prune removed."""

    root: Path
    files: int
    bytes: int


def cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The cache directory: ``cache_dir``, else ``$PRONG_CACHE_DIR``, else the user cache directory."""
    return default_cache_dir(cache_dir)


def cache_clean(packages: Sequence[str] = (), *, cache_dir: str | os.PathLike[str] | None = None) -> CacheCleaned:
    """Remove every cache entry, or only those of ``packages`` (names are normalized)."""
    cache = Cache(default_cache_dir(cache_dir))
    before = cache.size().bytes
    files = cache.clean(packages)
    if not packages:
        with contextlib.suppress(OSError):
            cache.root.rmdir()  # only when empty
    return CacheCleaned(cache.root, files, max(0, before - cache.size().bytes))


def cache_prune(*, cache_dir: str | os.PathLike[str] | None = None) -> CacheCleaned:
    """Remove what no current prong reads: old buckets, stale temporary files, corrupt entries, lock
    memos that no longer hold."""
    from prong.api import _lock_memo

    cache = Cache(default_cache_dir(cache_dir))
    before = cache.size().bytes
    files = cache.prune()
    if cache.root.is_dir():
        files += _lock_memo.prune(str(cache.root))[0]  # lock memos that no longer hold
    return CacheCleaned(cache.root, files, max(0, before - cache.size().bytes))
