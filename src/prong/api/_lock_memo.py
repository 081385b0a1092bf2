"""The lock memos in the cache (``locks-v1/resolved/<key>``): what ``prong lock`` answered for a
set of inputs, and the index pages that answer rests on (see :mod:`prong.cli.quick`, which makes
the keys and answers from the memos before anything heavy is imported; this module imports only
``os`` and ``time`` for the same reason).

A memo is a few text lines, then a blank line, then the lock::

    prong-resolved-2
    <length and CRC-32 of the lock text>
    <packages>
    <fresh until: time.time() scale>
    <number of cache entries>
    <mtime_ns> <size> <path>        (one line per cache entry the resolution read)

    <uv.lock text>

It holds while the time is before its freshness and each entry is still the file it was (same
mtime and size): then a full run would read the same pages without a request.
"""

from __future__ import annotations

import os
import time

__all__ = ["FORMAT", "noop_path", "path", "prune", "read", "read_file", "read_noop", "write", "write_atomic",
           "write_noop"]

FORMAT = "prong-resolved-2"
_BUCKET = ("locks-v1", "resolved")


def path(cache_root: str, key: str) -> str:
    """Where the memo of ``key`` lives in the cache at ``cache_root``."""
    return os.path.join(cache_root, *_BUCKET, key[:2], key)


def read(memo: str, now: float | None = None) -> tuple[int, bytes] | None:
    """The memo at ``memo`` while it holds: (packages, lock text), else ``None``."""
    try:
        data = read_file(memo)
        if data is None:
            return None
        head, _, text = data.partition(b"\n\n")
        lines = head.decode("utf-8", "surrogateescape").split("\n")
        if lines[0] != FORMAT or lines[1] != _check(text):  # (a damaged memo is no memo)
            return None
        packages, fresh_until, count = int(lines[2]), float(lines[3]), int(lines[4])
        if (time.time() if now is None else now) >= fresh_until or len(lines) != 5 + count:
            return None
        for line in lines[5:]:
            mtime, size, entry = line.split(" ", 2)
            st = os.stat(entry)
            if st.st_mtime_ns != int(mtime) or st.st_size != int(size):
                return None  # rewritten since (revalidated, refreshed, replaced)
    except (ValueError, IndexError, OSError):
        return None
    return packages, text


def write(memo: str, packages: int, text: str, entries: dict[str, float]) -> bool:
    """Keep ``text`` (a lock of ``packages`` packages) at ``memo``, resting on the cache
    ``entries`` (path: fresh until); whether it was kept (not when an entry is already stale)."""
    fresh_until = min(entries.values(), default=float("inf"))
    if fresh_until <= time.time():
        return False
    body = text.encode("utf-8")
    lines = [FORMAT, _check(body), str(packages), repr(fresh_until), str(len(entries))]
    try:
        for entry in sorted(entries):
            if "\n" in entry:
                return False
            st = os.stat(entry)
            lines.append(f"{st.st_mtime_ns} {st.st_size} {entry}")
        write_atomic(memo, "\n".join(lines).encode("utf-8", "surrogateescape") + b"\n\n" + body)
    except OSError:
        return False  # only an optimisation
    return True


_NOOP_FORMAT = "prong-noop-2\n"


def noop_path(cache_root: str, key: str) -> str:
    """Where the memo of a sync that found nothing to do lives (``locks-v1/noop``)."""
    return os.path.join(cache_root, _BUCKET[0], "noop", key[:2], key)


def read_noop(memo: str) -> str | None:
    """What a sync that found nothing to do printed (``\0`` where its time goes), or ``None``."""
    data = read_file(memo)
    if data is None or not data.startswith(_NOOP_FORMAT.encode()):
        return None
    check, _, body = data[len(_NOOP_FORMAT):].partition(b"\n")
    if check.decode("ascii", "replace") != _check(body):
        return None
    return body.decode("utf-8", "surrogateescape")


def write_noop(memo: str, output: str) -> bool:
    body = output.encode("utf-8", "surrogateescape")
    try:
        write_atomic(memo, _NOOP_FORMAT.encode() + _check(body).encode() + b"\n" + body)
    except OSError:
        return False
    return True


def prune(cache_root: str) -> tuple[int, int]:
    """Remove the memos that no longer hold (a page gone stale or rewritten: the next lock with
    those inputs writes a new one); (files, bytes) removed."""
    files = size = 0
    bucket = os.path.join(cache_root, *_BUCKET)
    try:
        shards = [e.path for e in os.scandir(bucket) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return 0, 0
    for shard in shards:
        try:
            entries = [e for e in os.scandir(shard) if e.is_file(follow_symlinks=False) and not e.name.startswith(".")]
        except OSError:
            continue
        for entry in entries:
            if read(entry.path) is None:
                try:
                    n = entry.stat().st_size
                    os.unlink(entry.path)
                except OSError:
                    continue
                files, size = files + 1, size + n
        try:
            os.rmdir(shard)  # only when empty
        except OSError:
            pass
    return files, size


def _check(data: bytes) -> str:
    """The length and CRC-32 of ``data``, as a memo records them."""
    from zlib import crc32

    return f"{len(data)}:{crc32(data):08x}"


def read_file(name: str) -> bytes | None:
    """The bytes of ``name``; ``None`` when there is no such file."""
    try:
        with open(name, "rb") as f:
            return f.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def write_atomic(name: str, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``name`` through a temporary file beside it and a rename (``mode`` before
    the umask). Not :func:`prong.api._files.write_atomic`, which keeps a replaced file's mode and
    writes through links: here the file is new (a memo, or a lock that is not there), and this
    module must import nothing but ``os`` and ``time``."""
    directory = os.path.dirname(name)
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(name)}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, name)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
