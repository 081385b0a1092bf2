"""Core metadata of a distribution: fetched as cheaply as the index allows, cached by file hash.

For a wheel, in order: the PEP 658/714 ``<url>.metadata`` file when the page says it exists;
else HTTP range requests that read only the end of the zip (its central directory) and the
``*.dist-info/METADATA`` member; else the whole wheel. The result is kept in the cache bucket
``metadata-v1`` under the file's sha256 with no expiry: a file with a given hash never changes.

Source distributions get their metadata through :class:`MetadataBuilder`, the seam the build
layer fills (a static ``pyproject.toml`` or ``PKG-INFO``, else a build); what it returns is
cached the same way.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from prong.cache import dist_package_key
from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.client.http import HttpClient
    from prong.dists import IndexFile

__all__ = [
    "METADATA_BUCKET",
    "CoreMetadata",
    "InvalidMetadata",
    "MetadataBuilder",
    "MetadataUnavailable",
    "dist_metadata",
    "parse_metadata",
    "wheel_metadata",
]

log = logging.getLogger("prong.http")

METADATA_BUCKET = "metadata-v1"
#: How much of a wheel's end the first range request asks for: enough, for most wheels, to hold
#: the central directory and the METADATA member (wheels put ``.dist-info`` last).
TAIL_BYTES = 64 * 1024
#: The smallest extra range fetched when a read falls outside what is already there.
MIN_FETCH = 32 * 1024


class MetadataUnavailable(ProngError):
    """No metadata could be had for a file (not a wheel, no builder, no METADATA member)."""

    def __init__(self, filename: str, why: str) -> None:
        self.filename = filename
        self.why = why
        super().__init__(filename, why)

    def __str__(self) -> str:
        return f"cannot get the metadata of {self.filename}: {self.why}"


class InvalidMetadata(ProngError):
    """A METADATA file that cannot be read at all (no name or version)."""

    def __init__(self, why: str) -> None:
        self.why = why
        super().__init__(why)

    def __str__(self) -> str:
        return f"invalid core metadata: {self.why}"


@dataclass(frozen=True, slots=True)
class CoreMetadata:
    """What the resolver needs from a METADATA file; strings as written (parsed later)."""

    name: str
    version: str
    requires_dist: tuple[str, ...] = ()
    requires_python: str | None = None
    provides_extra: tuple[str, ...] = ()


class MetadataBuilder(Protocol):
    """Builds a source distribution's metadata (PEP 517 ``prepare_metadata_for_build_wheel``)."""

    def build_metadata(self, file: IndexFile) -> bytes: ...


# -- parsing -----------------------------------------------------------------------------


def parse_metadata(raw: bytes) -> CoreMetadata:
    """Parse METADATA (or PKG-INFO) text leniently: real wheels carry odd fields."""
    from packaging.metadata import parse_email

    fields, _unparsed = parse_email(raw)
    name = fields.get("name")
    version = fields.get("version")
    if not name or not version:
        raise InvalidMetadata("no Name or Version field")
    return CoreMetadata(
        name=str(name),
        version=str(version),
        requires_dist=tuple(r.strip() for r in fields.get("requires_dist", ()) if r.strip()),
        requires_python=(str(fields["requires_python"]).strip() or None) if "requires_python" in fields else None,
        provides_extra=tuple(fields.get("provides_extra", ())),
    )


# -- fetching ----------------------------------------------------------------------------


def dist_metadata(http: HttpClient, file: IndexFile, builder: MetadataBuilder | None = None) -> bytes:
    """Raw metadata of any distribution file: wheels via :func:`wheel_metadata`, sdists via ``builder``."""
    if file.filename.lower().endswith(".whl"):
        return wheel_metadata(http, file)
    if builder is None:
        raise MetadataUnavailable(file.filename, "it is a source distribution and no build is available here")
    key = _cache_key(file)
    cache = http.cache
    if cache is not None and key is not None:
        hit = cache.read(METADATA_BUCKET, key)
        if hit is not None:
            return hit
    raw = builder.build_metadata(file)
    if key is not None:
        http.store_entry(METADATA_BUCKET, key, raw)
    return raw


def wheel_metadata(http: HttpClient, file: IndexFile) -> bytes:
    """The raw METADATA of a wheel, from the cache, PEP 658, range requests or the whole wheel."""
    key = _cache_key(file)
    cache = http.cache
    if cache is not None and key is not None:
        hit = cache.read(METADATA_BUCKET, key)
        if hit is not None:
            http.stats.add(hits=1)
            log.debug("metadata of %s: from the cache", file.filename)
            return hit
    raw = _fetch_wheel_metadata(http, file)
    if key is not None:
        http.store_entry(METADATA_BUCKET, key, raw)  # (not after the client was closed)
    return raw


def _cache_key(file: IndexFile) -> str | None:
    """``<package>/<sha256>``; a file listed without a sha256 is keyed by its URL (credentials removed)."""
    from prong.client.auth import redact

    package = dist_package_key(file.filename)
    digest = dict(file.hashes).get("sha256")
    if digest and re.fullmatch(r"[0-9a-fA-F]{64}", digest):
        return f"{package}/{digest.lower()}"
    if file.url.startswith("file:"):
        return None  # a local file can change under the same name
    return f"{package}/url-{hashlib.sha256(redact(file.url).encode()).hexdigest()[:40]}"


def _fetch_wheel_metadata(http: HttpClient, file: IndexFile) -> bytes:
    from prong.client.http import HashMismatch, HttpError

    if file.core_metadata is not False:
        resp = http.get(file.url + ".metadata", cache_mode="no-store", allow_status=(404, 403, 410))
        if resp.status == 200:
            expected = file.core_metadata if isinstance(file.core_metadata, tuple) else ()
            for algo, digest in expected:
                if algo.lower() in hashlib.algorithms_available:
                    actual = hashlib.new(algo.lower(), resp.content).hexdigest()
                    if actual != digest.lower():
                        raise HashMismatch(resp.url, f"{algo}:{digest.lower()}", f"{algo}:{actual}")
            log.debug("metadata of %s: PEP 658 file", file.filename)
            return resp.content
        log.info("no PEP 658 metadata at %s.metadata (HTTP %d); reading the wheel", file.url, resp.status)

    try:
        tail = http.get_range(file.url, -TAIL_BYTES, None)
    except HttpError as err:
        if err.status not in (416, 501):
            raise
        tail = None
    if tail is not None and tail.status == 206:
        total = _total_size(tail.headers.get("content-range", ""))
        if total is not None:
            reader = _RangeReader(http, file.url, total, total - len(tail.content), tail.content)
            try:
                raw = _metadata_from_zip(reader, file.filename)
                log.debug("metadata of %s: %d range request(s) of a %d-byte wheel", file.filename,
                          reader.requests, total)
                return raw
            except (zipfile.BadZipFile, OSError, EOFError) as err:
                raise MetadataUnavailable(file.filename, f"not a valid zip file ({err})") from None

    # the server ignored the range (200) or gave no size: use the whole wheel
    log.debug("metadata of %s: the server does not serve ranges; reading the whole wheel", file.filename)
    body = tail.content if tail is not None and tail.status == 200 else http.get(file.url, cache_mode="no-store").content
    wheel_sha = dict(file.hashes).get("sha256")
    if wheel_sha:
        actual = hashlib.sha256(body).hexdigest()
        if actual != wheel_sha.lower():
            raise HashMismatch(file.url, f"sha256:{wheel_sha.lower()}", f"sha256:{actual}")
    try:
        return _metadata_from_zip(io.BytesIO(body), file.filename)
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise MetadataUnavailable(file.filename, f"not a valid zip file ({err})") from None


def _total_size(content_range: str) -> int | None:
    m = re.fullmatch(r"\s*bytes\s+(\d+)-(\d+)/(\d+)\s*", content_range)
    return int(m.group(3)) if m else None


def _metadata_from_zip(fileobj: io.RawIOBase | io.BytesIO | _RangeReader, filename: str) -> bytes:
    with zipfile.ZipFile(fileobj) as zf:
        member = _find_metadata(zf.namelist(), filename)
        if member is None:
            raise MetadataUnavailable(filename, "the wheel has no .dist-info/METADATA")
        return zf.read(member)


def _find_metadata(names: Sequence[str], filename: str) -> str | None:
    candidates = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    # several .dist-info directories: prefer the one named after the wheel's project
    want = package_key(filename.split("-", 1)[0])
    for name in candidates:
        if package_key(name.split("/", 1)[0].rsplit("-", 1)[0]) == want:
            return name
    return candidates[0]


class _RangeReader(io.RawIOBase):
    """A read-only, seekable file over a remote file, fetched by ranges as zipfile reads it."""

    def __init__(self, http: HttpClient, url: str, size: int, start: int, data: bytes) -> None:
        super().__init__()
        self._http = http
        self._url = url
        self._size = size
        self._pos = 0
        self._chunks: list[tuple[int, bytes]] = [(start, data)]
        self.requests = 1

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._pos = offset
        elif whence == io.SEEK_CUR:
            self._pos += offset
        elif whence == io.SEEK_END:
            self._pos = self._size + offset
        else:
            raise ValueError(f"bad whence {whence}")
        self._pos = max(0, self._pos)
        return self._pos

    def read(self, n: int = -1) -> bytes:
        if self._pos >= self._size:
            return b""
        end = self._size if n is None or n < 0 else min(self._size, self._pos + n)
        data = self._get(self._pos, end)
        self._pos = end
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _get(self, start: int, end: int) -> bytes:
        for cstart, cdata in self._chunks:
            if cstart <= start and end <= cstart + len(cdata):
                return cdata[start - cstart : end - cstart]
        # fetch what is missing (at least MIN_FETCH), up to the next chunk we already have
        fetch_end = max(end, min(self._size, start + MIN_FETCH))
        for cstart, _ in self._chunks:
            if start < cstart < fetch_end and cstart >= end:
                fetch_end = cstart
        resp = self._http.get_range(self._url, start, fetch_end - 1)
        self.requests += 1
        if resp.status == 200:
            self._chunks = [(0, resp.content)]
            return resp.content[start:end]
        self._chunks.append((start, resp.content))
        if len(resp.content) < end - start:
            raise OSError(f"short range response from {self._url}")
        return resp.content[: end - start]
