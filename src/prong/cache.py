"""The on-disk cache: versioned buckets of checksummed entries, written atomically.

Layout: ``<root>/<bucket>/<package>/<digest>`` where a bucket name carries its format version
(``simple-v2``, ``http-v1``, ``metadata-v1``, ``wheels-v1``). Keys are ``/``-separated strings;
a component that is not a safe file name is replaced by its digest, so a key can never escape
its bucket. Every entry that belongs to a package has that package's normalized name as its first
key component (:func:`package_key`, :func:`dist_package_key`), so ``clean([name])`` finds all of
them. Every entry starts with a one-line header holding the payload's length and CRC-32:
a truncated or damaged entry is detected on read, deleted, and reported as absent.

Writes go to a temporary file in the entry's own directory and are moved into place with
``os.replace``, so a reader (or another prong process) sees either the old entry or the new
one, never a half-written file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from prong.errors import ProngError

__all__ = [
    "BUCKETS",
    "ENTRY_BUCKETS",
    "FILE_BUCKETS",
    "Cache",
    "CacheInfo",
    "CACHEDIR_TAG",
    "NotACacheError",
    "default_cache_dir",
    "dist_package_key",
    "key_component",
    "package_key",
]

#: Buckets of checksummed entries (:meth:`Cache.read` / :meth:`Cache.write`). ``simple-v2``: project
#: pages, stored once, parsed, with their HTTP cache headers (``simple-v1`` held parsed copies of
#: pages also kept raw in ``http-v1``, under keys without a package: ``prune`` removes it).
ENTRY_BUCKETS: tuple[str, ...] = ("http-v1", "simple-v2", "metadata-v1", "interpreter-v1")
#: Buckets of plain files and directories (downloaded wheels and sdists by hash, unpacked or built
#: trees): ``prune`` only removes stale temporary files there.
FILE_BUCKETS: tuple[str, ...] = ("wheels-v1", "sdists-v1", "archive-v1", "builds-v1", "environments-v1", "locks-v1")
#: The buckets this version of prong uses; ``prune`` removes other versions of them (``simple-v0``).
BUCKETS: tuple[str, ...] = ENTRY_BUCKETS + FILE_BUCKETS

_MAGIC = b"prong-cache-1 "
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,199}")
_TMP_SUFFIX = ".tmp"
_STALE_TMP_SECONDS = 3600.0


def default_cache_dir(cache_dir: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None) -> Path:
    """``cache_dir`` if given, else ``$PRONG_CACHE_DIR``, else the user cache directory."""
    if cache_dir:
        return Path(cache_dir)
    env = os.environ if environ is None else environ
    if env.get("PRONG_CACHE_DIR"):
        return Path(env["PRONG_CACHE_DIR"])
    import platformdirs

    return Path(platformdirs.user_cache_dir("prong", appauthor=False))


def key_component(text: str) -> str:
    """``text`` if it is a safe file name, else a digest of it."""
    if _SAFE.fullmatch(text) and text not in (".", ".."):
        return text
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def package_key(name: str) -> str:
    """The normalized package name used as the first key component (PEP 503)."""
    return key_component(re.sub(r"[-_.]+", "-", name).lower() or "_")


def dist_package_key(filename: str) -> str:
    """:func:`package_key` of the project a distribution file (or its ``.metadata``) belongs to.

    A wheel's name part never holds ``-``; an sdist's may (``python-dateutil-2.8.2.tar.gz``): it
    ends at the last ``-`` followed by a version. Anything else: the part before the first ``-``.
    """
    name = filename[: -len(".metadata")] if filename.lower().endswith(".metadata") else filename
    if not name.lower().endswith(".whl"):
        from prong.filenames import sdist_extension

        if sdist_extension(name) is not None:
            from prong.errors import ProngError
            from prong.filenames import SdistFilename

            try:
                return package_key(str(SdistFilename.parse(name).name))
            except ProngError:
                pass
    return package_key(name.split("-", 1)[0])


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """What ``size()`` reports."""

    root: Path
    entries: int
    bytes: int


CACHEDIR_TAG = "CACHEDIR.TAG"
_TAG_TEXT = (b"Signature: 8a477f597d28d172789f06886806bc55\n"
             b"# This file is a cache directory tag created by prong.\n"
             b"# For information about cache directory tags, see https://bford.info/cachedir/\n")


class NotACacheError(ProngError):
    """``clean``/``prune`` asked to empty a directory that is not a prong cache (exit code 2)."""

    exit_code = 2

    def __init__(self, root: Path, why: str) -> None:
        super().__init__(f"refusing to empty {root}: not a prong cache directory ({why})")
        self.root = root

    def hints(self) -> Sequence[str]:
        return ("Check --cache-dir / PRONG_CACHE_DIR; a prong cache has a CACHEDIR.TAG file in its root.",)


class Cache:
    """A cache rooted at ``root``; safe to share between threads and processes."""

    def __init__(self, root: str | os.PathLike[str], *, temporary: bool = False) -> None:
        self.root = Path(root)
        self.is_temporary = temporary

    def __repr__(self) -> str:
        return f"Cache({str(self.root)!r})"

    @classmethod
    def from_settings(cls, cache_dir: str | os.PathLike[str] | None = None, *, no_cache: bool = False) -> Cache:
        """The cache the CLI uses: ``--no-cache`` gives a temporary one."""
        if no_cache:
            return cls.temporary()
        return cls(default_cache_dir(cache_dir))

    @classmethod
    def temporary(cls) -> Cache:
        """A fresh cache in a temporary directory, removed when the process exits."""
        import atexit
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="prong-cache-"))
        atexit.register(shutil.rmtree, root, True)
        return cls(root, temporary=True)

    # -- paths ---------------------------------------------------------------------------

    def bucket(self, name: str) -> Path:
        """The directory of bucket ``name`` (created if missing)."""
        path = self.root / key_component(name)
        path.mkdir(parents=True, exist_ok=True)
        self.mark()
        return path

    _marked = False

    def mark(self) -> None:
        """Write the ``CACHEDIR.TAG`` marker in the root once: it tells backup tools to skip the
        directory, and tells ``clean``/``prune`` that the directory is a cache they may empty."""
        if self._marked:
            return
        marker = self.root / CACHEDIR_TAG
        try:
            if not marker.exists():
                marker.write_bytes(_TAG_TEXT)
            self._marked = True
        except OSError:
            pass  # an unwritable cache: its writes fail and say so

    def check_is_cache(self) -> None:
        """Raise :class:`NotACacheError` unless the root is absent, empty, marked with
        ``CACHEDIR.TAG``, or holds only bucket directories (a cache from before the marker):
        ``cache clean`` on a mistyped ``--cache-dir`` must not delete a user's directory."""
        root = self.root
        if not root.exists() and not root.is_symlink():
            return
        if not root.is_dir():
            raise NotACacheError(root, "it is not a directory")
        if (root / CACHEDIR_TAG).is_file():
            return
        known = {name.rsplit("-v", 1)[0] for name in BUCKETS}
        for child in root.iterdir():
            base, sep, version = child.name.rpartition("-v")
            if child.is_dir() and sep and version.isdigit() and base in known:
                continue
            raise NotACacheError(root, f"it holds {child.name!r}, which no prong cache has, and no {CACHEDIR_TAG}")

    def path(self, bucket: str, key: str) -> Path:
        """Where the entry ``key`` of ``bucket`` lives (it may not exist)."""
        parts = [key_component(p) for p in key.split("/") if p] or ["_"]
        return self.root.joinpath(key_component(bucket), *parts)

    # -- entries -------------------------------------------------------------------------

    def read(self, bucket: str, key: str) -> bytes | None:
        """The entry's payload, or ``None`` when it is absent or corrupt (then it is deleted)."""
        path = self.path(bucket, key)
        try:
            with open(path, "rb") as f:
                blob = f.read()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        data = _decode(blob)
        if data is None:
            with contextlib.suppress(OSError):
                path.unlink()
        return data

    def write(self, bucket: str, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``: a temporary file in the same directory, then ``os.replace``."""
        import tempfile  # here: a run that only reads the cache (the lock no-op) does without it

        path = self.path(bucket, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.mark()
        header = _header(data)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(header)
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def delete(self, bucket: str, key: str) -> bool:
        """Remove one entry; ``True`` if it existed."""
        try:
            self.path(bucket, key).unlink()
            return True
        except FileNotFoundError:
            return False

    # -- maintenance ---------------------------------------------------------------------

    def clean(self, packages: Sequence[str] = ()) -> int:
        """Remove every entry (or only those of ``packages``); returns the number of files removed.

        A package's entries are ``<bucket>/<package>/...`` in every bucket; in the file buckets,
        a file kept as ``<bucket>/<digest>/<filename>`` is found by its own name too.
        """
        self.check_is_cache()
        if not self.root.is_dir():
            return 0
        if not packages:
            removed = sum(1 for p in _files(self.root) if p != self.root / CACHEDIR_TAG)
            for child in list(self.root.iterdir()):
                _remove(child)
            return removed
        removed = 0
        wanted = {package_key(p) for p in packages}
        for bucket in self.root.iterdir():
            if not bucket.is_dir():
                continue
            for name in wanted:
                target = bucket / name
                if target.exists():
                    removed += sum(1 for _ in _files(target))
                    _remove(target)
            if bucket.name in FILE_BUCKETS:
                removed += _clean_by_filename(bucket, wanted)
        return removed

    def prune(self) -> int:
        """Remove what no current prong reads: older bucket versions, stale temporary files, corrupt entries.

        Directories that are not buckets are left alone; in file buckets only stale temporary
        files go.
        """
        self.check_is_cache()
        if not self.root.is_dir():
            return 0
        removed = 0
        now = time.time()
        current = {name.rsplit("-v", 1)[0]: name for name in BUCKETS}
        for child in list(self.root.iterdir()):
            if child.name not in BUCKETS:
                base, sep, version = child.name.rpartition("-v")
                if sep and version.isdigit() and base in current:  # an older format of a bucket
                    removed += sum(1 for _ in _files(child)) if child.is_dir() else 1
                    _remove(child)
                continue
            removed += _prune_tmp_dirs(child, now)
            for path in list(_files(child)):
                try:
                    if path.name.startswith(".") and path.name.endswith((_TMP_SUFFIX, ".part")):
                        if now - path.stat().st_mtime > _STALE_TMP_SECONDS:
                            path.unlink()
                            removed += 1
                        continue
                    if child.name not in ENTRY_BUCKETS:
                        continue
                    with open(path, "rb") as f:
                        ok = _decode(f.read()) is not None
                    if not ok:
                        path.unlink()
                        removed += 1
                except OSError:
                    continue
            if child.name in ENTRY_BUCKETS:
                _remove_empty_dirs(child)
        return removed

    def size(self) -> CacheInfo:
        """Number of entries and bytes on disk under the root."""
        entries = total = 0
        if self.root.is_dir():
            for path in _files(self.root):
                if path == self.root / CACHEDIR_TAG:
                    continue
                with contextlib.suppress(OSError):
                    total += path.stat().st_size
                    entries += 1
        return CacheInfo(self.root, entries, total)


def _header(data: bytes) -> bytes:
    return b"%s%d %08x\n" % (_MAGIC, len(data), zlib.crc32(data))


def _decode(blob: bytes) -> bytes | None:
    if not blob.startswith(_MAGIC):
        return None
    end = blob.find(b"\n", 0, 64)
    if end < 0:
        return None
    try:
        length_text, crc_text = blob[len(_MAGIC):end].split(b" ")
        length, crc = int(length_text), int(crc_text, 16)
    except ValueError:
        return None
    data = blob[end + 1:]
    if len(data) != length or zlib.crc32(data) != crc:
        return None
    return data


def _files(root: Path) -> Iterator[Path]:
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            yield Path(dirpath, name)


def _prune_tmp_dirs(bucket: Path, now: float) -> int:
    """Remove the stale temporary directories (``.<what>-<random>.tmp``) under ``bucket`` that
    an interrupted unpack, download, checkout or build environment left; one count each."""
    removed = 0
    for dirpath, dirnames, _filenames in os.walk(bucket):
        for name in list(dirnames):
            if name.startswith(".") and name.endswith(_TMP_SUFFIX):
                dirnames.remove(name)  # not walked into
                path = Path(dirpath, name)
                with contextlib.suppress(OSError):
                    if now - path.stat().st_mtime > _STALE_TMP_SECONDS:
                        _remove(path)
                        removed += 1
    return removed


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _clean_by_filename(bucket: Path, wanted: set[str]) -> int:
    """Remove ``<bucket>/<dir>/<filename>`` files of the ``wanted`` packages (and ``<dir>`` if emptied)."""
    removed = 0
    for child in list(bucket.iterdir()):
        if not child.is_dir() or child.is_symlink():
            continue
        here = 0
        with contextlib.suppress(OSError):
            for entry in list(child.iterdir()):
                if entry.is_file() and not entry.name.startswith(".") and dist_package_key(entry.name) in wanted:
                    entry.unlink()
                    here += 1
            if here and not any(child.iterdir()):
                child.rmdir()
        removed += here
    return removed


def _remove_empty_dirs(root: Path) -> None:
    for dirpath, _dirnames, _filenames in os.walk(root, topdown=False):
        if dirpath != str(root):
            with contextlib.suppress(OSError):
                os.rmdir(dirpath)
