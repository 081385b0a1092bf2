"""The HTTP client: connection reuse, bounded concurrency, retries, auth and an HTTP cache.

One :class:`HttpClient` per process (or command), shared by every thread. It is built on
``urllib3`` (imported only when the first request is made) with one pool of at most
``max_per_host`` connections per host, and a thread pool (:meth:`HttpClient.map`) so that
callers can have many requests in flight at once. The pool's threads are daemons:
:meth:`HttpClient.close` does not wait for requests still in flight (speculative prefetches nobody
will read), and neither does the process at exit. Work left on a closed pool is abandoned: it
sends no further request, retries nothing and writes nothing to the cache (``close`` waits for a
cache write already under way, which is short: entries are written whole, then renamed).

The cache follows the response headers (``Cache-Control`` max-age / no-cache / no-store,
``Expires``, ``ETag``, ``Last-Modified``): a fresh entry costs no request, a stale one a
conditional request (a 304 returns the stored body), and an entry without any of those headers
is kept (for ``--offline``) but fetched again. Content that never changes for its URL (wheel
metadata by hash, wheels) is fetched with ``cache_mode="immutable"`` and served from the cache
forever. :meth:`HttpClient.get_parsed` keeps a parsed value instead of the body (project pages:
one entry per page, see :class:`BodyCodec`). Every request is logged on
``logging.getLogger("prong.http")`` at INFO, with the credentials removed from its URL.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import random
import re
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

from prong.cache import dist_package_key, key_component, package_key
from prong.client.auth import AuthProvider, Credentials, realm_of, redact, split_credentials
from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.cache import Cache

__all__ = [
    "AuthError",
    "BodyCodec",
    "HashMismatch",
    "HttpClient",
    "HttpError",
    "HttpStats",
    "NetworkError",
    "NetworkInputs",
    "OfflineError",
    "Response",
]

log = logging.getLogger("prong.http")

CacheState = Literal["miss", "hit", "revalidated", "uncached"]
CacheMode = Literal["default", "refresh", "no-store", "immutable"]

HTTP_BUCKET = "http-v1"
MAX_REDIRECTS = 10
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DROP_HEADERS = frozenset(
    {"set-cookie", "content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"}
)
# how long a request waits for a free connection before it looks whether the client was closed
# (``close`` drops the pools: a thread waiting on one would otherwise wait forever)
_POOL_WAIT = 0.5
_FILE_SUFFIXES = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz", ".egg", ".metadata", ".exe", ".tar")
T = TypeVar("T")
R = TypeVar("R")
V = TypeVar("V")


# -- values and errors -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Response:
    """A complete response. ``url`` is the final URL after redirects, without credentials."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    cache: CacheState
    history: tuple[tuple[int, str], ...] = ()

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class BodyCodec(Protocol[V]):
    """How :meth:`HttpClient.get_parsed` turns a body into a value, and keeps the value instead.

    The entry (bucket ``bucket``) holds the response's cache headers, a digest of the body and of
    the ``vary`` response headers, and ``dump(value)``: an unchanged body from an index that
    sends no validators is recognised by its digest and loaded, not parsed or written again.
    """

    @property
    def bucket(self) -> str: ...

    @property
    def vary(self) -> tuple[str, ...]: ...

    def parse(self, response: Response) -> V: ...

    def dump(self, value: V) -> bytes: ...

    def load(self, data: bytes) -> V | None:
        """The value from ``dump``'s bytes; ``None`` if they are of another format."""
        ...


class HttpError(ProngError):
    """The server answered with an error status."""

    def __init__(
        self,
        url: str,
        status: int,
        *,
        content_type: str = "",
        body: bytes = b"",
        auth: Literal["missing", "refused"] | None = None,
        auth_source: str | None = None,
    ) -> None:
        self.url = redact(url)
        self.status = status
        self.content_type = content_type
        self.body_excerpt = _excerpt(body)
        self.auth = auth
        self.auth_source = auth_source
        super().__init__(self.url, status)

    def __str__(self) -> str:
        text = f"{self.url} returned HTTP {self.status}"
        if self.content_type:
            text += f" ({self.content_type})"
        if self.body_excerpt:
            text += f": {self.body_excerpt}"
        return text

    def hints(self) -> tuple[str, ...]:
        host = urlsplit(self.url).hostname or self.url
        if self.status in (401, 403) and self.auth == "missing":
            return (
                f"no credentials were sent to {host}: none were found in the index URL, "
                f"the netrc file ($NETRC or ~/.netrc) or the keyring",
            )
        if self.status in (401, 403) and self.auth == "refused":
            return (f"{host} refused the credentials prong sent (from {self.auth_source or 'the URL'}); check them",)
        return ()


class AuthError(ProngError):
    """An index set to ``authenticate = "always"`` for which no credentials were found."""

    def __init__(self, url: str) -> None:
        self.url = redact(url)
        super().__init__(self.url)

    def __str__(self) -> str:
        return f"no credentials found for {self.url}, and its index says authenticate = \"always\""

    def hints(self) -> tuple[str, ...]:
        return ("put them in the index URL, the netrc file ($NETRC or ~/.netrc), or the keyring",)


class NetworkError(ProngError):
    """No (complete) response: a timeout, a refused connection, a truncated body..."""

    def __init__(self, url: str, what: str) -> None:
        self.url = redact(url)
        self.what = what
        super().__init__(self.url, what)

    def __str__(self) -> str:
        return f"failed to fetch {self.url}: {self.what}"


class OfflineError(ProngError):
    """``--offline`` and the URL is not in the cache."""

    def __init__(self, url: str) -> None:
        self.url = redact(url)
        super().__init__(self.url)

    def __str__(self) -> str:
        return f"network access is disabled (--offline) and {self.url} is not in the cache"

    def hints(self) -> tuple[str, ...]:
        return ("run once without --offline to fill the cache",)


class HashMismatch(ProngError):
    """A downloaded file's hash differs from the one the index (or the lock) gave."""

    def __init__(self, url: str, expected: str, actual: str) -> None:
        self.url = redact(url)
        self.expected = expected
        self.actual = actual
        super().__init__(self.url, expected, actual)

    def __str__(self) -> str:
        # one line: reports that keep only an error's first line still show both hashes
        return f"hash mismatch for {self.url}: expected {self.expected}, got {self.actual}"


def _excerpt(body: bytes, limit: int = 200) -> str:
    text = body[: limit * 4].decode("utf-8", "replace")
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] + ("…" if len(text) > limit else "")


class NetworkInputs:
    """The cache entries a client's answers came from, each with the time until which it is fresh,
    and whether any answer was not kept (``volatile``: a later run would ask again, and might be
    answered otherwise). A result computed only from fresh entries stays valid while they do."""

    def __init__(self) -> None:
        self.entries: dict[str, float] = {}
        self.volatile = False

    def add(self, path: str, fresh_until: float) -> None:
        self.entries[path] = fresh_until

    @property
    def fresh_until(self) -> float:
        """When the first of the entries goes stale (``-inf`` when volatile, ``inf`` when none)."""
        if self.volatile:
            return -math.inf
        return min(self.entries.values(), default=math.inf)


class HttpStats:
    """Counters of what the client did; thread-safe. ``requests`` counts requests sent."""

    __slots__ = ("_lock", "requests", "hits", "revalidated", "misses", "conditional", "retries", "bytes")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = self.hits = self.revalidated = self.misses = 0
        self.conditional = self.retries = self.bytes = 0

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {n: getattr(self, n) for n in self.__slots__ if n != "_lock"}

    def __repr__(self) -> str:
        return f"HttpStats({self.snapshot()})"


@dataclass(slots=True)
class _Raw:
    status: int
    headers: dict[str, str]
    content: bytes
    url: str
    history: tuple[tuple[int, str], ...]
    sent: Credentials | None


# -- settings from the environment ----------------------------------------------------------

DEFAULT_TIMEOUT = 30
"""Seconds to wait for a connection or for the next bytes of an answer (uv's default read timeout)."""
DEFAULT_RETRIES = 3
"""Retries after a failed attempt (uv's default): an index that never answers fails after
``timeout × (retries + 1)`` seconds."""


def http_settings_from_env(environ: Mapping[str, str] | None = None) -> tuple[float, int]:
    """``(timeout, retries)`` as uv reads them: ``UV_HTTP_TIMEOUT``, else ``UV_REQUEST_TIMEOUT``, else
    ``HTTP_TIMEOUT`` (whole seconds), and ``UV_HTTP_RETRIES``; an empty variable counts as unset, a
    value that is not a whole number is a configuration error naming the variable."""
    from prong.errors import UsageError

    env = os.environ if environ is None else environ

    def number(name: str, what: str) -> int | None:
        value = env.get(name, "")
        if not value:
            return None
        try:
            parsed = int(value.strip())
        except ValueError:
            parsed = -1
        if parsed < 0:
            raise UsageError(f"invalid value `{value}` for the environment variable {name}: expected {what}",
                             f"Set {name} to a whole number, or unset it.")
        return parsed

    timeout = None
    for name in ("UV_HTTP_TIMEOUT", "UV_REQUEST_TIMEOUT", "HTTP_TIMEOUT"):
        timeout = number(name, "a whole number of seconds")
        if timeout is not None:
            break
    retries = number("UV_HTTP_RETRIES", "a whole number of retries")
    return (float(timeout if timeout else DEFAULT_TIMEOUT),
            DEFAULT_RETRIES if retries is None else retries)


# -- the client --------------------------------------------------------------------------


class HttpClient:
    """A thread-safe HTTP client with an optional cache. See the module docstring."""

    def __init__(
        self,
        *,
        cache: Cache | None = None,
        offline: bool = False,
        timeout: float = 30.0,
        retries: int = 3,
        auth: AuthProvider | None = None,
        max_per_host: int = 16,
        user_agent: str | None = None,
        backoff: float = 0.25,
        workers: int | None = None,
        refresh: bool = False,
        refresh_packages: Collection[str] = (),
    ) -> None:
        from prong import __version__

        self.cache = cache
        self.offline = offline
        self.timeout = timeout
        self.retries = retries
        self.auth = auth
        self.max_per_host = max_per_host
        self.user_agent = user_agent or f"prong/{__version__}"
        self.backoff = backoff
        self.refresh = refresh
        self.refresh_packages = frozenset(package_key(p) for p in refresh_packages)
        self.workers = workers or max(4, 2 * max_per_host)
        self.stats = HttpStats()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)  # notified when the last cache write ends
        self._writing = 0  # cache writes under way
        self._pools: Any = None
        self._proxies: dict[str, str] | None = None
        self._executor: _Workers | None = None
        #: what this client's answers rest on, for a caller that keeps a result computed from them
        self.inputs = NetworkInputs()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- concurrency ----------------------------------------------------------------------

    @property
    def executor(self) -> Executor:
        """The client's thread pool (created on first use; again after :meth:`close`)."""
        if _abandoned():
            raise RuntimeError("the HTTP client was closed")
        with self._lock:
            if self._executor is None:
                self._executor = _Workers(self.workers, "prong-http")
            return self._executor

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``fn`` over ``items`` on the client's thread pool; results in order (errors re-raised).

        Called from one of the pool's own threads, it runs ``fn`` in that thread instead: tasks
        waiting on subtasks queued behind them would otherwise deadlock a full pool.
        """
        if getattr(_in_pool, "flag", False):
            return iter([fn(item) for item in items])
        return self.executor.map(fn, items)

    def close(self, timeout: float = 10.0) -> None:
        """Drop queued work, abandon work in flight and close idle connections; returns at once.

        Only a cache write already under way is waited for (at most ``timeout`` seconds), so that
        the process never ends in the middle of one. The pool's threads end when their current
        request does; a connection still in use is closed when it comes back. The client can be
        used again: a new pool and new connections are made on demand.
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            executor, self._executor = self._executor, None
            pools, self._pools = self._pools, None
            if executor is not None:
                executor.state.closed = True  # under the lock: no cache write starts after this
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        interrupted = False
        while True:  # a Ctrl-C here still lets the writes under way finish (no temporary file left)
            try:
                with self._lock:
                    while self._writing and (left := deadline - time.monotonic()) > 0:
                        self._idle.wait(left)
                break
            except KeyboardInterrupt:
                interrupted = True
        if interrupted:
            raise KeyboardInterrupt
        if pools is not None:
            for manager in pools.values():
                manager.clear()

    # -- public requests ------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        cache_mode: CacheMode = "default",
        allow_status: Collection[int] = (),
    ) -> Response:
        """GET ``url`` through the cache. Raises :class:`HttpError` for statuses >= 400 not allowed."""
        return self._get(url, headers, cache_mode, allow_status, None, None)[0]

    def get_parsed(
        self,
        url: str,
        codec: BodyCodec[V],
        *,
        package: str | None = None,
        headers: Mapping[str, str] | None = None,
        cache_mode: CacheMode = "default",
        allow_status: Collection[int] = (),
    ) -> tuple[Response, V | None]:
        """GET ``url`` as :meth:`get` does, but keep ``codec.parse(response)`` in the cache, not the body.

        Returns the response (its ``content`` is empty: the body is not kept) and the value, which
        is ``None`` for an allowed status >= 400. ``package`` (default: the URL's last segment) is
        the first component of the entry's key (``prong cache clean <package>``). A fresh entry, a
        304 and an unchanged body give the stored value without parsing.
        """
        return self._get(url, headers, cache_mode, allow_status, codec, package)

    _cache_warned = False

    def store_entry(self, bucket: str, key: str, data: bytes) -> bool:
        """Write a cache entry, unless the calling thread's work was abandoned by :meth:`close`.

        A failed write (a full or read-only disk) is logged, not raised. ``True`` if written.
        """
        if self.cache is None or not self._begin_write():
            return False
        try:
            self.cache.write(bucket, key, data)
            return True
        except OSError as err:  # a full or read-only disk must not fail the command
            if not self._cache_warned:  # once per run, not once per entry (the report saw it 10 times)
                self._cache_warned = True
                log.warning("could not write to the cache at %s: %s", self.cache.root, err.strerror or err)
            else:
                log.debug("could not write to the cache at %s: %s", self.cache.root, err)
            return False
        finally:
            self._end_write()

    def _get(
        self,
        url: str,
        headers: Mapping[str, str] | None,
        cache_mode: CacheMode,
        allow_status: Collection[int],
        codec: BodyCodec[V] | None,
        package: str | None,
    ) -> tuple[Response, V | None]:
        t0 = time.perf_counter()
        clean = redact(url)
        if clean.startswith("file:"):
            self.inputs.volatile = True  # a local file or directory can change at any moment
            resp = self._get_file(clean, allow_status)
            if codec is None or resp.status >= 400:
                return resp, None
            return _without_body(resp), codec.parse(resp)
        req_headers = dict(headers or {})
        if cache_mode == "default" and (self.refresh or self.refresh_packages) and self._refreshes(clean):
            cache_mode = "refresh"
        use_cache = self.cache is not None and cache_mode != "no-store"
        bucket = HTTP_BUCKET if codec is None else codec.bucket
        key = self._cache_key(clean, req_headers, package) if use_cache else ""
        entry = self._load(bucket, key) if use_cache else None
        stored: V | None = None
        if entry is not None and codec is not None:
            stored = codec.load(entry[1])
            if stored is None:  # another format: as good as absent
                self.cache.delete(bucket, key)  # type: ignore[union-attr]
                entry = None

        if entry is not None:
            meta, body = entry
            fresh = cache_mode == "immutable" or (cache_mode == "default" and _is_fresh(meta))
            if fresh or self.offline:
                self._note(bucket, key, math.inf if cache_mode == "immutable" else _fresh_until(meta))
                self.stats.add(hits=1)
                resp = _from_entry(meta, body if codec is None else b"", "hit")
                self._trace("GET", clean, resp.status, "hit", len(body), t0)
                return resp, stored
            validators = _validators(meta)
            if validators:
                req_headers.update(validators)
                self.stats.add(conditional=1)
        elif self.offline:
            raise OfflineError(clean)

        raw = self._request("GET", url, req_headers)
        if _abandoned():  # closed while the request was in flight: parse and store nothing
            raise NetworkError(clean, "the HTTP client was closed")
        if raw.status == 304 and entry is not None:
            meta, body = entry
            meta = _refreshed(meta, raw.headers)
            self._store(bucket, key, meta, body)
            self._note(bucket, key, math.inf if cache_mode == "immutable" else _fresh_until(meta))
            self.stats.add(revalidated=1)
            resp = _from_entry(meta, body if codec is None else b"", "revalidated")
            self._trace("GET", clean, 304, "revalidated", 0, t0)
            return resp, stored
        state: CacheState = "miss" if use_cache else "uncached"
        self._trace("GET", clean, raw.status, state, len(raw.content), t0)
        self._check(raw, allow_status)
        digest = _body_digest(raw, codec.vary) if codec is not None else ""
        unchanged = (
            entry is not None
            and (entry[1] == raw.content if codec is None else entry[0].get("body") == digest)
            and _validators(entry[0]) == _validators({"headers": raw.headers})
            and entry[0].get("url") == raw.url
        )
        value: V | None = None
        if codec is not None and raw.status < 400:
            value = stored if unchanged else codec.parse(
                Response(raw.url, raw.status, raw.headers, raw.content, state, raw.history)
            )
        if use_cache and raw.status == 200 and not _no_store(raw.headers) and not unchanged:
            # (an unchanged body from an index that sends no validators is not rewritten)
            meta = {
                "url": raw.url,
                "status": raw.status,
                "headers": raw.headers,
                "stored": time.time(),
                "history": list(raw.history),
            }
            if codec is None:
                self._store(bucket, key, meta, raw.content)
            else:
                meta["body"] = digest
                self._store(bucket, key, meta, codec.dump(value))  # type: ignore[arg-type]
            self._note(bucket, key, math.inf if cache_mode == "immutable" else _fresh_until(meta))
        elif cache_mode != "no-store":  # not kept: the next run asks again, and may be answered otherwise
            self.inputs.volatile = True  # (no-store: a distribution file's data, which its caller keeps)
        if use_cache:
            self.stats.add(misses=1)
        content = raw.content if codec is None else b""
        return Response(raw.url, raw.status, raw.headers, content, state, raw.history), value

    def get_range(self, url: str, start: int, end: int | None) -> Response:
        """Bytes ``start..end`` (inclusive; ``end=None``: to the end; ``start < 0``: the last ``-start``).

        The status is 206, or 200 when the server ignored the range (then ``content`` is the whole file).
        """
        t0 = time.perf_counter()
        clean = redact(url)
        if self.offline:
            raise OfflineError(clean)
        if start < 0:
            spec = f"bytes={start}"
        else:
            spec = f"bytes={start}-" + ("" if end is None else str(end))
        raw = self._request("GET", url, {"Range": spec, "Accept-Encoding": "identity"})
        self._trace("GET", clean, raw.status, "uncached", len(raw.content), t0, extra=spec)
        self._check(raw, ())
        return Response(raw.url, raw.status, raw.headers, raw.content, "uncached", raw.history)

    def head(self, url: str) -> Response:
        """HEAD ``url`` (never cached)."""
        t0 = time.perf_counter()
        clean = redact(url)
        if self.offline:
            raise OfflineError(clean)
        raw = self._request("HEAD", url, {"Accept-Encoding": "identity"})
        self._trace("HEAD", clean, raw.status, "uncached", 0, t0)
        self._check(raw, ())
        return Response(raw.url, raw.status, raw.headers, b"", "uncached", raw.history)

    def download(self, url: str, dest: Path, *, hashes: Mapping[str, str]) -> None:
        """Stream ``url`` into ``dest`` (temporary file + rename), checking every hash given."""
        t0 = time.perf_counter()
        clean = redact(url)
        if self.offline:
            raise OfflineError(clean)
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        wanted = {a.lower(): h.lower() for a, h in hashes.items() if a.lower() in hashlib.algorithms_available}
        sinks: list[_FileSink] = []

        def new_sink() -> _FileSink:
            for old in sinks:
                old.discard()
            sink = _FileSink(dest, wanted)
            sinks.append(sink)
            return sink

        try:
            raw = self._request("GET", url, {"Accept-Encoding": "identity"}, sink_factory=new_sink)
            self._trace("GET", clean, raw.status, "uncached", sinks[-1].size if sinks else 0, t0)
            self._check(raw, ())
            sink = sinks[-1]
            sink.close()
            for algo, expected in wanted.items():
                actual = sink.hashers[algo].hexdigest()
                if actual != expected:
                    raise HashMismatch(clean, f"{algo}:{expected}", f"{algo}:{actual}")
            os.replace(sink.tmp, dest)
        finally:
            for sink in sinks:
                sink.discard()

    def fetch(self, url: str, *, filename: str, hashes: Mapping[str, str]) -> Path:
        """A local copy of the distribution file at ``url``, kept in the cache by its sha256.

        Wheels go to the bucket ``wheels-v1``, anything else to ``sdists-v1``, as
        ``<package>/<sha256>/<filename>``: a file with a given hash never changes, so a cached one
        costs no request (and is there with ``--offline``). The file is written only after its
        hashes were checked. Without a cache or a sha256, it is downloaded to a temporary directory.
        """
        t0 = time.perf_counter()
        clean = redact(url)
        sha = next((h.lower() for a, h in hashes.items() if a.lower() == "sha256"), None)
        if self.cache is None or not sha or not re.fullmatch(r"[0-9a-f]{64}", sha):
            if self.offline:
                raise OfflineError(clean)
            import atexit
            import shutil

            tmp = Path(tempfile.mkdtemp(prefix="prong-download-"))
            atexit.register(shutil.rmtree, tmp, True)
            dest = tmp / key_component(filename)
            self.download(url, dest, hashes=hashes)
            return dest
        bucket = "wheels-v1" if filename.lower().endswith(".whl") else "sdists-v1"
        dest = self.cache.path(bucket, f"{dist_package_key(filename)}/{sha}") / key_component(filename)
        if dest.is_file():
            self.stats.add(hits=1)
            self._trace("GET", clean, 200, "hit", dest.stat().st_size, t0)
            return dest
        if self.offline:
            raise OfflineError(clean)
        self.download(url, dest, hashes=hashes)
        self.cache.mark()
        return dest

    # -- internals: cache -----------------------------------------------------------------

    def _refreshes(self, clean_url: str) -> bool:
        """``--refresh`` (everything) or ``--refresh-package`` (the URL's package) applies."""
        return self.refresh or package_key(_name_from_url(clean_url)) in self.refresh_packages

    @staticmethod
    def _cache_key(clean_url: str, headers: Mapping[str, str], package: str | None = None) -> str:
        accept = next((v for k, v in headers.items() if k.lower() == "accept"), "")
        digest = hashlib.sha256(f"{clean_url}\n{accept}".encode()).hexdigest()[:40]
        return f"{package_key(package or _name_from_url(clean_url))}/{digest}"

    def _load(self, bucket: str, key: str) -> tuple[dict[str, Any], bytes] | None:
        assert self.cache is not None
        blob = self.cache.read(bucket, key)
        if blob is None:
            return None
        end = blob.find(b"\n")
        try:
            meta = json.loads(blob[:end])
            if not isinstance(meta, dict) or "headers" not in meta:
                raise ValueError
        except ValueError:
            self.cache.delete(bucket, key)
            return None
        return meta, blob[end + 1:]

    def _note(self, bucket: str, key: str, fresh_until: float) -> None:
        """Record that an answer came from (or went into) the cache entry ``bucket``/``key``."""
        if self.cache is None:
            self.inputs.volatile = True
            return
        self.inputs.add(str(self.cache.path(bucket, key)), fresh_until)

    def _store(self, bucket: str, key: str, meta: Mapping[str, Any], body: bytes) -> None:
        head = json.dumps(meta, separators=(",", ":")).encode()
        self.store_entry(bucket, key, head + b"\n" + body)

    def _begin_write(self) -> bool:
        """Count a cache write in; ``False`` (write nothing) in work that ``close`` abandoned."""
        with self._lock:
            if _abandoned():
                return False
            self._writing += 1
            return True

    def _end_write(self) -> None:
        with self._lock:
            self._writing -= 1
            if not self._writing:
                self._idle.notify_all()

    # -- internals: the exchange ----------------------------------------------------------

    def _trace(self, method: str, url: str, status: int, state: str, nbytes: int, t0: float, extra: str = "") -> None:
        if log.isEnabledFor(logging.INFO) and not _abandoned():  # (abandoned: after the command's output)
            ms = (time.perf_counter() - t0) * 1000
            suffix = f" ({extra})" if extra else ""
            log.info("%s %s %d %s %d B %.0f ms%s", method, url, status, state, nbytes, ms, suffix)

    def _check(self, raw: _Raw, allow_status: Collection[int]) -> None:
        if raw.status >= 400 and raw.status not in allow_status:
            auth: Literal["missing", "refused"] | None = None
            if raw.status in (401, 403):
                auth = "refused" if raw.sent is not None else "missing"
            raise HttpError(
                raw.url,
                raw.status,
                content_type=raw.headers.get("content-type", ""),
                body=raw.content,
                auth=auth,
                auth_source=raw.sent.source if raw.sent is not None else None,
            )

    def _get_file(self, url: str, allow_status: Collection[int]) -> Response:
        from urllib.request import url2pathname

        path = Path(url2pathname(urlsplit(url).path))
        try:
            content = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            if 404 in allow_status:
                return Response(url, 404, {}, b"", "uncached")
            raise HttpError(url, 404) from None
        ctype = "text/html" if path.suffix in (".html", ".htm") else "application/octet-stream"
        return Response(url, 200, {"content-type": ctype}, content, "uncached")

    def _pool_for(self, url: str) -> Any:
        with self._lock:
            if self._pools is None:
                self._pools = {}
            pools = self._pools
            if self._proxies is None:
                from urllib.request import getproxies

                self._proxies = getproxies()
            proxy = _proxy_for(url, self._proxies)
            # plain-HTTP requests without a proxy (a local index) get a manager without TLS: building
            # the SSL context (~35 ms: the ssl module and the CA certificates) waits for a need
            tls = proxy is not None or not url.startswith("http:")
            manager = pools.get((proxy, tls))
            if manager is None:
                manager = pools[(proxy, tls)] = self._new_manager(proxy, tls=tls)
            return manager

    def _new_manager(self, proxy: str | None, *, tls: bool = True) -> Any:
        import urllib3

        ctx = None
        if tls:
            import ssl

            # one SSL context for every connection: building one per connection costs ~20 ms of CPU
            ctx = ssl.create_default_context()
            cert_file = os.environ.get("SSL_CERT_FILE")
            # OpenSSL's default paths already read SSL_CERT_FILE: loading it twice costs ~0.1 s
            if cert_file and os.path.isfile(cert_file) and ssl.get_default_verify_paths().cafile != cert_file:
                ctx.load_verify_locations(cert_file)
        kw: dict[str, Any] = dict(
            num_pools=64,
            maxsize=self.max_per_host,
            block=True,
            ssl_context=ctx,
            retries=False,
            timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
        )
        manager = urllib3.ProxyManager(proxy, **kw) if proxy else urllib3.PoolManager(**kw)
        manager.pool_classes_by_scheme = _pool_classes()
        return manager

    def _credentials_for(self, clean: str, in_url: Credentials | None) -> Credentials | None:
        auth = self.auth
        if auth is None:
            return in_url
        policy = auth.policy(clean)
        if policy == "never":
            return None
        if in_url is not None:
            if in_url.password is None:
                found = auth.lookup(clean, in_url.username)
                if found is not None:
                    return found
            return in_url
        creds = auth.known(clean)
        if creds is None and policy == "always":
            creds = auth.lookup(clean)
            if creds is None:
                raise AuthError(clean)
            auth.remember(clean, creds)
        return creds

    def _request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        *,
        sink_factory: Callable[[], _FileSink] | None = None,
    ) -> _Raw:
        """One logical request: redirects, auth on 401, retries. Never raises for a status."""
        clean, in_url = split_credentials(url)
        if clean.startswith("file:"):
            return _file_exchange(method, clean, headers, sink_factory)
        creds = self._credentials_for(clean, in_url)
        if in_url is not None and self.auth is not None and creds is in_url:
            self.auth.remember(clean, in_url)
        history: list[tuple[int, str]] = []
        current = clean
        while True:
            raw = self._with_retries(method, current, headers, creds, sink_factory)
            if raw.status == 401 and self.auth is not None and self.auth.policy(current) != "never":
                found = self.auth.lookup(current, creds.username if creds is not None else None)
                if found is not None and found != creds:
                    retry = self._with_retries(method, current, headers, found, sink_factory)
                    if retry.status != 401:
                        self.auth.remember(current, found)
                    raw = retry
            location = raw.headers.get("location")
            if raw.status in _REDIRECTS and not (location or "").strip():
                # nowhere to go: not a page (nor a file) to read, and not "this index lacks it"
                raise NetworkError(current, f"the server answered HTTP {raw.status} (a redirect) without a "
                                            "Location header saying where to")
            if raw.status in _REDIRECTS and location:
                if len(history) >= MAX_REDIRECTS:
                    raise NetworkError(clean, f"more than {MAX_REDIRECTS} redirects")
                history.append((raw.status, current))
                target, target_creds = split_credentials(urljoin(current, location))
                if realm_of(target) != realm_of(current):
                    # never carry credentials to another host; use what is known for that one
                    creds = target_creds or (self._credentials_for(target, None) if self.auth else None)
                elif target_creds is not None:
                    creds = target_creds
                if raw.status == 303 and method != "HEAD":
                    method = "GET"
                current = target
                continue
            raw.history = tuple(history)
            return raw

    def _with_retries(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        creds: Credentials | None,
        sink_factory: Callable[[], _FileSink] | None,
    ) -> _Raw:
        attempt = 0
        while True:
            try:
                raw = self._send(method, url, headers, creds, sink_factory)
            except NetworkError as err:
                if attempt >= self.retries or _abandoned():
                    if attempt:
                        err.what += f" (after {attempt + 1} attempts)"
                    raise
                if "timeout" in err.what:  # the attempt already waited: retry at once, so that a silent
                    log.info("retrying %s at once: %s", url, err.what)  # index fails in timeout x attempts
                else:
                    self._sleep(attempt, None, url, err.what)
                attempt += 1
                continue
            if (raw.status >= 500 or raw.status == 429) and attempt < self.retries and not _abandoned():
                self._sleep(attempt, raw.headers.get("retry-after"), url, f"HTTP {raw.status}")
                attempt += 1
                continue
            return raw

    def _sleep(self, attempt: int, retry_after: str | None, url: str, why: str) -> None:
        delay = min(self.backoff * (2**attempt), 5.0) * random.uniform(0.75, 1.25)
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, min(float(retry_after), 10.0))
        self.stats.add(retries=1)
        log.info("retrying %s in %.2f s: %s (attempt %d of %d)", url, delay, why, attempt + 2, self.retries + 1)
        time.sleep(delay)

    def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        creds: Credentials | None,
        sink_factory: Callable[[], _FileSink] | None,
    ) -> _Raw:
        from urllib3 import exceptions as ex

        if _abandoned():  # the client was closed: nobody will read the answer
            raise NetworkError(url, "the HTTP client was closed")
        pool = self._pool_for(url)
        h = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"}
        h.update(headers)
        if creds is not None:
            h["Authorization"] = creds.basic_header()
        self.stats.add(requests=1)
        try:
            while True:
                try:
                    resp = pool.request(method, url, headers=h, redirect=False, preload_content=False,
                                        retries=False, pool_timeout=_POOL_WAIT)
                    break
                except ex.EmptyPoolError:  # every connection to the host busy: wait on, unless closed
                    if _abandoned():
                        raise NetworkError(url, "the HTTP client was closed") from None
        except ex.ClosedPoolError:
            raise NetworkError(url, "the HTTP client was closed") from None
        except ex.NewConnectionError as err:
            raise NetworkError(url, _connection_reason(err)) from None
        except ex.ConnectTimeoutError:
            raise NetworkError(url, f"connection timed out after {self.timeout:g} s") from None
        except ex.ReadTimeoutError:
            raise NetworkError(url, f"no response after {self.timeout:g} s (timeout)") from None
        except ex.SSLError as err:
            raise NetworkError(url, f"TLS error: {err}") from None
        except (ex.ProtocolError, ex.HTTPError, OSError) as err:
            raise NetworkError(url, f"connection failed: {_short(err)}") from None
        status = resp.status
        resp_headers = {k.lower(): v for k, v in resp.headers.items()}
        expected = resp_headers.get("content-length")
        content = b""
        try:
            if sink_factory is not None and status < 300:
                sink = sink_factory()
                for chunk in resp.stream(1 << 16, decode_content=True):
                    if _abandoned():
                        raise NetworkError(url, "the HTTP client was closed")
                    sink.write(chunk)
                nbytes = resp.tell()
            else:
                content = resp.read(decode_content=True)
                nbytes = resp.tell()
        except ex.ReadTimeoutError:
            raise NetworkError(url, f"body stalled for more than {self.timeout:g} s (timeout)") from None
        except (ex.ProtocolError, ex.DecodeError, ex.HTTPError, OSError) as err:
            got = _bytes_read(err, resp.tell())
            if expected is not None and expected.isdigit() and got < int(expected):
                what = f"truncated body: got {got} of {expected} bytes"
            else:
                what = f"connection broken while reading the body: {_short(err)}"
            raise NetworkError(url, what) from None
        finally:
            with contextlib.suppress(Exception):
                resp.release_conn()
        self.stats.add(bytes=nbytes)
        for name in _DROP_HEADERS:
            resp_headers.pop(name, None)
        return _Raw(status, resp_headers, content, url, (), creds)


_in_pool = threading.local()


def _abandoned() -> bool:
    """Whether the calling thread is a pool thread of a client that was closed."""
    state = getattr(_in_pool, "state", None)
    return state is not None and state.closed


class _PoolState:
    __slots__ = ("closed",)

    def __init__(self) -> None:
        self.closed = False


class _Workers(Executor):
    """A thread pool of daemon threads.

    ``ThreadPoolExecutor`` joins its threads on ``shutdown(wait=True)`` and, whatever was asked,
    at interpreter exit; a CLI run would then wait for speculative requests nobody will read.
    These threads are daemons, not registered for the exit join: ``shutdown(wait=False)`` returns
    at once, each thread ends when its current task does, and the process does not wait for them.
    A pool that is garbage-collected without ``shutdown`` stops its threads too.
    """

    def __init__(self, max_workers: int, name: str) -> None:
        import queue
        import weakref

        self._max = max_workers
        self._name = name
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._idle = threading.Semaphore(0)
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.state = _PoolState()
        # wakes the threads (which hold no reference to the pool) when the pool is collected
        self._ref = weakref.ref(self, lambda _ref, q=self._queue: q.put(None))

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        with self._lock:
            if self.state.closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            fut: Future[R] = Future()
            self._queue.put((fut, fn, args, kwargs))
            if not self._idle.acquire(blocking=False) and len(self._threads) < self._max:
                t = threading.Thread(
                    target=_work,
                    args=(self._queue, self._idle, self.state, self._ref),
                    name=f"{self._name}_{len(self._threads)}",
                    daemon=True,
                )
                t.start()
                self._threads.append(t)
        return fut

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        import queue

        with self._lock:
            self.state.closed = True
            threads = list(self._threads)
        if cancel_futures:
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is not None:
                    item[0].cancel()
        self._queue.put(None)  # each thread passes it on and ends
        if wait:
            for t in threads:
                t.join()


def _work(q: Any, idle: threading.Semaphore, state: _PoolState, ref: Any) -> None:
    # (``ref``, the pool's weak reference, is held here so that its callback runs when the pool
    # is collected, even as part of a reference cycle)
    _in_pool.flag = True
    _in_pool.state = state
    while True:
        item = q.get()
        if item is None:
            q.put(None)
            return
        fut, fn, args, kwargs = item
        del item
        if fut.set_running_or_notify_cancel():
            try:
                result = fn(*args, **kwargs)
            except BaseException as err:
                fut.set_exception(err)
                del err
            else:
                fut.set_result(result)
                del result
        del fut, fn, args, kwargs
        idle.release()


class _DnsCache:
    """One address lookup per host and process, shared by every connection to it.

    Many simultaneous ``getaddrinfo`` calls are what some resolvers drop (the lookups then wait
    out a 5 s timeout: measured here, 64 concurrent lookups of one host took 2.4 s on average);
    a pool of 16 connections would make 16 of them. The first thread looks the host up, the
    others wait for its answer; answers are kept for ``ttl`` seconds.
    """

    def __init__(self, ttl: float = 300.0) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, int], tuple[float, str | None]] = {}
        self._pending: dict[tuple[str, int], threading.Event] = {}

    def lookup(self, host: str, port: int) -> str | None:
        """An address of ``host`` (``None``: let the connection resolve it itself)."""
        import ipaddress
        import socket

        try:
            ipaddress.ip_address(host.strip("[]"))
            return None  # already an address
        except ValueError:
            pass
        key = (host, port)
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None and answer[0] > time.monotonic():
                return answer[1]
            event = self._pending.get(key)
            owner = event is None
            if owner:
                event = self._pending[key] = threading.Event()
        assert event is not None
        if not owner:
            event.wait(timeout=60)
            with self._lock:
                answer = self._answers.get(key)
            return answer[1] if answer is not None else None
        address: str | None = None
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            infos.sort(key=lambda i: i[0] != socket.AF_INET)  # IPv4 first, as most resolvers' callers do
            address = str(infos[0][4][0]) if infos else None
        except OSError:
            address = None
        finally:
            with self._lock:
                # a failed lookup is not kept: the connection's own lookup will report it
                if address is not None:
                    self._answers[key] = (time.monotonic() + self.ttl, address)
                self._pending.pop(key, None)
            event.set()
        return address

    def forget(self, host: str, port: int) -> None:
        with self._lock:
            self._answers.pop((host, port), None)


_DNS = _DnsCache()
_POOL_CLASSES: dict[str, Any] | None = None


def _pool_classes() -> dict[str, Any]:
    """urllib3 pool classes whose connections use :data:`_DNS` (built on first use)."""
    global _POOL_CLASSES
    if _POOL_CLASSES is not None:
        return _POOL_CLASSES
    import urllib3
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.exceptions import NewConnectionError

    def new_conn(conn: Any, base: Any) -> Any:
        host = conn._dns_host
        address = _DNS.lookup(host, conn.port)
        if address is None:
            return base._new_conn(conn)
        conn._dns_host = address  # TLS still checks and sends (SNI) ``conn.host``
        try:
            return base._new_conn(conn)
        except NewConnectionError:
            _DNS.forget(host, conn.port)
            conn._dns_host = host
            return base._new_conn(conn)
        finally:
            conn._dns_host = host

    class _HTTPConnection(HTTPConnection):
        def _new_conn(self) -> Any:
            return new_conn(self, HTTPConnection)

    class _HTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> Any:
            return new_conn(self, HTTPSConnection)

    class _HTTPPool(urllib3.HTTPConnectionPool):
        ConnectionCls = _HTTPConnection

    class _HTTPSPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = _HTTPSConnection

    _POOL_CLASSES = {"http": _HTTPPool, "https": _HTTPSPool}
    return _POOL_CLASSES


class _FileSink:
    """A temporary file next to ``dest`` plus running hashes; one per download attempt."""

    def __init__(self, dest: Path, algos: Mapping[str, str]) -> None:
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        self.tmp = tmp
        self.file = os.fdopen(fd, "wb")
        self.hashers = {a: hashlib.new(a) for a in algos} or {"sha256": hashlib.sha256()}
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        for h in self.hashers.values():
            h.update(chunk)
        self.size += len(chunk)

    def close(self) -> None:
        if not self.file.closed:
            self.file.close()

    def discard(self) -> None:
        self.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)


# -- helpers -----------------------------------------------------------------------------


def _file_exchange(
    method: str, url: str, headers: Mapping[str, str], sink_factory: Callable[[], _FileSink] | None
) -> _Raw:
    """A ``file:`` URL answered like a server would: 200, 206 for a ``Range``, 404 when missing."""
    from urllib.request import url2pathname

    path = Path(url2pathname(urlsplit(url).path))
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise FileNotFoundError(path)
    except OSError:
        return _Raw(404, {"content-type": "text/plain"}, b"", url, (), None)
    out_headers = {"content-type": "application/octet-stream", "content-length": str(size)}
    if method == "HEAD":
        return _Raw(200, out_headers, b"", url, (), None)
    spec = next((v for k, v in headers.items() if k.lower() == "range"), "")
    m = re.fullmatch(r"bytes=(\d*)-(\d*)", spec.strip())
    with open(path, "rb") as f:
        if m and (m.group(1) or m.group(2)):
            if m.group(1):
                start = int(m.group(1))
                end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
            else:
                start, end = max(0, size - int(m.group(2))), size - 1
            if start >= size:
                return _Raw(416, {"content-range": f"bytes */{size}"}, b"", url, (), None)
            f.seek(start)
            data = f.read(end - start + 1)
            return _Raw(206, {**out_headers, "content-range": f"bytes {start}-{end}/{size}"}, data, url, (), None)
        if sink_factory is not None:
            sink = sink_factory()
            while chunk := f.read(1 << 20):
                sink.write(chunk)
            return _Raw(200, out_headers, b"", url, (), None)
        return _Raw(200, out_headers, f.read(), url, (), None)


def _name_from_url(url: str) -> str:
    """The package a URL is about (for ``cache clean NAME``): last path segment, or a file's project."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return "_root"
    last = segments[-1]
    if last.lower().endswith(_FILE_SUFFIXES):
        return dist_package_key(last)
    return last


def _body_digest(raw: _Raw, vary: Iterable[str]) -> str:
    """BLAKE2b of the body and of the ``vary`` headers' values: what a parsed value depends on."""
    h = hashlib.blake2b(digest_size=20)
    for name in vary:
        h.update(raw.headers.get(name.lower(), "").encode("utf-8", "replace") + b"\0")
    h.update(raw.content)
    return h.hexdigest()


def _without_body(resp: Response) -> Response:
    return Response(resp.url, resp.status, resp.headers, b"", resp.cache, resp.history)


def _cache_control(headers: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in headers.get("cache-control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            out[name.lower()] = value.strip().strip('"')
    return out


def _no_store(headers: Mapping[str, str]) -> bool:
    return "no-store" in _cache_control(headers)


def _is_fresh(meta: Mapping[str, Any], now: float | None = None) -> bool:
    return (time.time() if now is None else now) < _fresh_until(meta)


def _fresh_until(meta: Mapping[str, Any]) -> float:
    """The time (``time.time()`` scale) until which a stored response is fresh; ``-inf`` for one
    that is never fresh (``no-cache``, no freshness information)."""
    headers: Mapping[str, str] = meta.get("headers", {})
    cc = _cache_control(headers)
    if "no-cache" in cc or "no-store" in cc:
        return -math.inf
    try:
        stored = float(meta.get("stored", 0))
    except (TypeError, ValueError):
        return -math.inf
    try:
        born = stored - float(headers.get("age", "0") or 0)  # when its age was 0
    except ValueError:
        born = stored
    if "max-age" in cc:
        try:
            return born + int(cc["max-age"])
        except ValueError:
            return -math.inf
    expires = headers.get("expires")
    if expires:
        from email.utils import parsedate_to_datetime

        try:
            exp = parsedate_to_datetime(expires).timestamp()
            date = parsedate_to_datetime(headers["date"]).timestamp() if "date" in headers else stored
        except (TypeError, ValueError, IndexError, OverflowError):
            return -math.inf
        return born + (exp - date)
    return _heuristic_fresh_until(headers, meta, born)


#: RFC 9111 section 4.2.2 lets a cache guess a freshness lifetime for a response with only
#: ``Last-Modified``; uv assumes 10 minutes (PyPI's ``max-age``) rather than the RFC's "10% of the
#: time since the modification", which grew to weeks on old static indexes. prong does the same.
HEURISTIC_LIFETIME = 600.0


def _heuristic_fresh_until(headers: Mapping[str, str], meta: Mapping[str, Any], born: float) -> float:
    if not headers.get("last-modified"):
        return -math.inf
    if int(meta.get("status", 200) or 200) not in (200, 203, 204, 300, 301, 404, 405, 410, 414, 501):
        return -math.inf  # not heuristically cacheable (RFC 9110 section 15.1)
    return born + HEURISTIC_LIFETIME


def _validators(meta: Mapping[str, Any]) -> dict[str, str]:
    headers: Mapping[str, str] = meta.get("headers", {})
    out = {}
    if headers.get("etag"):
        out["If-None-Match"] = headers["etag"]
    if headers.get("last-modified"):
        out["If-Modified-Since"] = headers["last-modified"]
    return out


def _refreshed(meta: Mapping[str, Any], new_headers: Mapping[str, str]) -> dict[str, Any]:
    headers = dict(meta.get("headers", {}))
    for name in ("cache-control", "etag", "expires", "date", "last-modified", "age"):
        if name in new_headers:
            headers[name] = new_headers[name]
    if "age" not in new_headers:
        headers.pop("age", None)
    return {**meta, "headers": headers, "stored": time.time()}


def _from_entry(meta: Mapping[str, Any], body: bytes, state: CacheState) -> Response:
    history = tuple((int(s), str(u)) for s, u in meta.get("history", ()))
    return Response(str(meta.get("url", "")), int(meta.get("status", 200)), dict(meta["headers"]), body, state, history)


def _proxy_for(url: str, proxies: Mapping[str, str]) -> str | None:
    """The proxy for ``url`` from ``*_proxy`` variables (``no_proxy`` and loopback bypass it)."""
    from urllib.request import proxy_bypass

    scheme = urlsplit(url).scheme
    proxy = proxies.get(scheme)
    if not proxy:
        return None
    host = urlsplit(url).hostname or ""
    if host in ("127.0.0.1", "localhost", "::1") or proxy_bypass(host):
        return None
    return proxy


def _bytes_read(err: BaseException, default: int) -> int:
    """How many body bytes had arrived when ``err`` (urllib3's ``IncompleteRead`` inside) struck."""
    for arg in (err, *err.args):
        partial = getattr(arg, "partial", None)
        if isinstance(partial, int):
            return partial
        if isinstance(partial, bytes):
            return len(partial)
    return default


def _connection_reason(err: BaseException) -> str:
    text = str(err)
    if "refused" in text.lower():
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "host name not found"
    return f"cannot connect: {_short(err)}"


def _short(err: BaseException) -> str:
    text = str(err)
    text = re.sub(r"<urllib3\.[^>]*>:?\s*", "", text)
    return text[:200] or type(err).__name__
