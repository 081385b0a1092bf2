"""A small threaded HTTP server on 127.0.0.1 that misbehaves on request, for client tests.

Each path is a :class:`Route`: its body, status and content type, which cache headers to send
(``max-age`` / ``etag`` / ``last-modified`` / ``none`` / ``no-store``), whether byte ranges are
honoured, and a fault: ``drop`` (close the connection half-way through the body), ``fail`` (answer
500 for the first ``fail_times`` requests), ``sleep`` (wait ``sleep`` seconds before answering),
``auth`` (HTTP basic with the given user and password), ``stall`` (send the headers and half the body,
then nothing for ``sleep`` seconds). Every request is recorded, so tests can
count what the client really sent (and which requests were conditional).

    with FaultServer() as srv:
        srv.route("/page", Route(b"hello", cache="etag"))
        client.get(srv.url("/page"))
        assert srv.count("/page") == 1
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

CacheHeaders = Literal["none", "max-age", "etag", "last-modified", "no-store", "max-age+etag"]
Fault = Literal["none", "drop", "fail", "sleep", "auth", "redirect", "stall"]

LAST_MODIFIED = email.utils.formatdate(1735689600, usegmt=True)


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    cache: CacheHeaders = "none"
    max_age: int = 600
    ranges: bool = True
    fault: Fault = "none"
    fail_times: int = 2
    fail_status: int = 500
    sleep: float = 0.0
    user: str = "alice"
    password: str = "s3cret"
    location: str = ""
    extra_headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    """One request as the server received it (header names lower-case)."""

    method: str
    path: str
    headers: dict[str, str]

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


class FaultServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._hits: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --
    def start(self) -> FaultServer:
        handler = type("Handler", (_Handler,), {"owner": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    def url(self, path: str = "/", *, user: str | None = None, password: str | None = None) -> str:
        auth = ""
        if user is not None:
            auth = user + (f":{password}" if password is not None else "") + "@"
        return f"http://{auth}127.0.0.1:{self.port}{path}"

    # -- configuration and inspection --
    def route(self, path: str, route: Route) -> Route:
        with self._lock:
            self.routes[path] = route
            self._hits[path] = 0
        return route

    def count(self, path: str | None = None, *, conditional: bool | None = None, method: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for s in self.seen
                if (path is None or s.path == path)
                and (conditional is None or s.conditional == conditional)
                and (method is None or s.method == method)
            )

    def requests(self, path: str | None = None) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if path is None or s.path == path]

    def reset(self) -> None:
        with self._lock:
            self.seen.clear()
            self._hits = dict.fromkeys(self._hits, 0)
            self.max_in_flight = self.in_flight

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _record(self, seen: Seen) -> tuple[Route | None, int]:
        with self._lock:
            self.seen.append(seen)
            route = self.routes.get(seen.path)
            n = self._hits.get(seen.path, 0) + 1
            self._hits[seen.path] = n
            return route, n


class _Handler(BaseHTTPRequestHandler):
    owner: FaultServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body meet the client's delayed ACK: +40 ms a request

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        self.owner._enter()
        try:
            self._serve_one(head=head)
        finally:
            self.owner._leave()

    def _serve_one(self, *, head: bool) -> None:
        path = self.path.split("?", 1)[0]
        headers = {k.lower(): v for k, v in self.headers.items()}
        route, n = self.owner._record(Seen(self.command, path, headers))
        if route is None:
            return self._send(404, b"not found", "text/plain", {}, head)
        if route.fault == "sleep" and route.sleep:
            time.sleep(route.sleep)
        if route.fault == "fail" and n <= route.fail_times:
            return self._send(route.fail_status, b"<h1>Internal Server Error</h1>", "text/html", {}, head)
        if route.fault == "redirect":
            return self._send(route.status or 302, b"", "text/plain", {"Location": route.location}, head)
        if route.fault == "auth":
            expected = "Basic " + base64.b64encode(f"{route.user}:{route.password}".encode()).decode()
            if headers.get("authorization") != expected:
                extra = {"WWW-Authenticate": 'Basic realm="test"'}
                return self._send(401, b"<h1>401 Unauthorized</h1>", "text/html", extra, head)

        body = route.body
        extra: dict[str, str] = dict(route.extra_headers)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if route.cache in ("max-age", "max-age+etag"):
            extra["Cache-Control"] = f"max-age={route.max_age}"
        if route.cache in ("etag", "max-age+etag"):
            extra["ETag"] = etag
        if route.cache == "last-modified":
            extra["Last-Modified"] = LAST_MODIFIED
        if route.cache == "no-store":
            extra["Cache-Control"] = "no-store"
        if route.cache in ("etag", "max-age+etag") and headers.get("if-none-match") == etag:
            return self._send(304, b"", None, extra, head=True)
        if route.cache == "last-modified" and headers.get("if-modified-since") == LAST_MODIFIED:
            return self._send(304, b"", None, extra, head=True)

        status = route.status
        rng = headers.get("range")
        if rng and route.ranges and status == 200 and rng.startswith("bytes="):
            start_s, _, end_s = rng[6:].partition("-")
            size = len(body)
            if start_s == "":
                start, end = max(0, size - int(end_s)), size - 1
            else:
                start = int(start_s)
                end = min(int(end_s), size - 1) if end_s else size - 1
            if start >= size:
                return self._send(416, b"", "text/plain", {"Content-Range": f"bytes */{size}"}, head)
            extra["Content-Range"] = f"bytes {start}-{end}/{size}"
            body, status = body[start : end + 1], 206
        if route.fault == "stall" and not head:
            self.send_response(status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            time.sleep(route.sleep)
            self.close_connection = True
            return None
        if route.fault == "drop" and not head:
            self.send_response(status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            import socket

            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return None
        return self._send(status, body, route.content_type, extra, head)

    def _send(self, status: int, body: bytes, ctype: str | None, extra: dict[str, str], head: bool) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)


def serve(routes: dict[str, Route]) -> Iterator[FaultServer]:
    """A generator for pytest fixtures: start, yield, stop."""
    srv = FaultServer().start()
    try:
        for path, route in routes.items():
            srv.route(path, route)
        yield srv
    finally:
        srv.stop()
