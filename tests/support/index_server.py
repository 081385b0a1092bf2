"""A threaded package index on 127.0.0.1 over generated wheels, for tests.

Routes (``server.url`` is ``http://127.0.0.1:PORT``):

* ``/simple/`` and ``/simple/<project>/``: PEP 503 HTML or PEP 691 JSON, chosen by ``Accept``
  (``formats`` limits what is offered); a non-normalized name redirects to the normalized one.
* ``/files/<filename>`` (with ``Range`` support when ``ranges``) and ``/files/<filename>.metadata``
  (PEP 658, when ``metadata``).
* ``/flat/``: one HTML page linking every file (a ``--find-links`` page).
* ``/devpi/<project>/``: a devpi-web-like HTML page (navigation links, ``+searchhelp``,
  ``X-Devpi-Server-Version``), and ``/devpi/+simple/<project>/``: the Simple page beside it.

Switches are plain attributes and may change between requests. ``counts`` counts requests per
path; ``status`` maps a path to a status code to answer instead; ``delay`` slows project
pages down (``max_in_flight`` then shows how many were served at once); ``file_delay`` does the
same for distribution files.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from tests.support.wheels import Dist, dist_bytes, metadata_text


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Hosted:
    dist: Dist
    data: bytes
    yanked: str | None = None
    upload_time: str | None = None
    requires_python: str | None = None  # what the page says (defaults to the dist's)

    @property
    def filename(self) -> str:
        return self.dist.filename

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def metadata(self) -> bytes:
        return metadata_text(self.dist).encode()


def _q(accept: str, media: str) -> float:
    best = 0.0
    for part in accept.split(","):
        bits = [b.strip() for b in part.split(";")]
        mt = bits[0].lower()
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if mt == media or mt == "*/*" or (mt.endswith("/*") and media.startswith(mt[:-1])):
            best = max(best, q)
    return best


class IndexServer:
    def __init__(self, dists: Iterable[Dist | Hosted] = (), *, metadata: bool = True, ranges: bool = True,
                 cache_headers: bool = True, formats: tuple[str, ...] = ("json", "html"),
                 upload_times: bool = True, max_age: int = 600) -> None:
        self.files: dict[str, list[Hosted]] = {}
        self.metadata = metadata
        self.ranges = ranges
        self.cache_headers = cache_headers
        self.formats = formats
        self.upload_times = upload_times
        self.max_age = max_age
        self.counts: Counter[str] = Counter()
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.status: dict[str, int] = {}
        self.delay = 0.0  # seconds to sleep before answering a project page
        self.file_delay = 0.0  # seconds to sleep before answering a distribution file
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        for d in dists:
            self.add(d)

    # -- content

    def add(self, d: Dist | Hosted, *, yanked: str | None = None, upload_time: str | None = None) -> Hosted:
        h = d if isinstance(d, Hosted) else Hosted(d, dist_bytes(d), yanked=yanked, upload_time=upload_time)
        if h.requires_python is None:
            h.requires_python = h.dist.requires_python
        if h.upload_time is None:
            n = sum(len(v) for v in self.files.values())
            h.upload_time = f"2025-01-{1 + n % 28:02d}T00:00:00.000000Z"
        self.files.setdefault(normalize(h.dist.name), []).append(h)
        return h

    def by_filename(self, filename: str) -> Hosted | None:
        for hs in self.files.values():
            for h in hs:
                if h.filename == filename:
                    return h
        return None

    # -- lifecycle

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def simple_url(self) -> str:
        return self.url + "/simple"

    def start(self) -> IndexServer:
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="index-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> IndexServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.requests.clear()

    # -- pages

    def project_html(self, project: str, prefix: str = "../../files/") -> bytes:
        out = [f"<!DOCTYPE html><html><head><title>Links for {html.escape(project)}</title></head><body>",
               f"<h1>Links for {html.escape(project)}</h1>"]
        for h in self.files.get(project, []):
            attrs = [f'href="{prefix}{quote(h.filename)}#sha256={h.sha256}"']
            if h.requires_python:
                attrs.append(f'data-requires-python="{html.escape(h.requires_python)}"')
            if h.yanked is not None:
                attrs.append(f'data-yanked="{html.escape(h.yanked)}"')
            if self.metadata and h.dist.tag:
                md = hashlib.sha256(h.metadata).hexdigest()
                attrs.append(f'data-dist-info-metadata="sha256={md}" data-core-metadata="sha256={md}"')
            out.append(f"<a {' '.join(attrs)}>{html.escape(h.filename)}</a><br/>")
        out.append("</body></html>")
        return "\n".join(out).encode()

    def project_json(self, project: str, prefix: str = "../../files/") -> bytes:
        files = []
        for h in self.files.get(project, []):
            f: dict[str, Any] = {
                "filename": h.filename,
                "url": prefix + quote(h.filename),
                "hashes": {"sha256": h.sha256},
                "requires-python": h.requires_python,
                "yanked": h.yanked if h.yanked else (h.yanked is not None),
                "size": len(h.data),
            }
            if self.upload_times:
                f["upload-time"] = h.upload_time
            if self.metadata and h.dist.tag:
                md = {"sha256": hashlib.sha256(h.metadata).hexdigest()}
                f["core-metadata"] = md
                f["dist-info-metadata"] = md
            files.append(f)
        versions = sorted({h.dist.version for h in self.files.get(project, [])})
        body = {"meta": {"api-version": "1.1"}, "name": project, "files": files, "versions": versions}
        return json.dumps(body).encode()

    def root_html(self) -> bytes:
        links = "".join(f'<a href="{p}/">{p}</a><br/>' for p in sorted(self.files))
        return f"<!DOCTYPE html><html><body>{links}</body></html>".encode()

    def root_json(self) -> bytes:
        return json.dumps({"meta": {"api-version": "1.1"}, "projects": [{"name": p} for p in sorted(self.files)]}).encode()

    def flat_html(self) -> bytes:
        links = []
        for hs in self.files.values():
            for h in hs:
                links.append(f'<a href="../files/{quote(h.filename)}#sha256={h.sha256}">{html.escape(h.filename)}</a>')
        return ("<html><body>" + "<br/>\n".join(links) + "</body></html>").encode()

    def devpi_web_html(self, project: str) -> bytes:
        """A page shaped like devpi-web's project page: navigation, search, version pages."""
        versions = sorted({h.dist.version for h in self.files.get(project, [])}, reverse=True)
        rows = "".join(
            f'<tr><td><a href="{self.url}/devpi">devpi</a></td>'
            f'<td><a href="{self.url}/devpi/{project}/{v}">{v}</a></td></tr>' for v in versions
        )
        return (
            f"<!doctype html><html><head><title>devpi: {project} versions</title></head><body>"
            f'<div class="header"><form method="get" id="search" action="{self.url}/+search">'
            f'<h1><a href="{self.url}/">devpi</a></h1><input type="text" name="query" />'
            f'<a href="{self.url}/+searchhelp">How to search?</a></form></div>'
            f'<div id="navigation"><a href="{self.url}/devpi">devpi</a>'
            f'<a href="{self.url}/devpi/{project}">{project}</a></div>'
            f'<p class="statusbadge">ok</p><a href="{self.url}/devpi/+simple/{project}">Simple index</a>'
            f"<table>{rows}</table></body></html>"
        ).encode()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client went away (an interrupted download): not the server's fault
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    owner: IndexServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None,
              head: bool = False) -> None:
        srv = self.owner
        hdrs = dict(headers or {})
        if status == 200 and srv.cache_headers and "ETag" not in hdrs:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            hdrs["ETag"] = etag
            hdrs.setdefault("Cache-Control", f"max-age={srv.max_age}")
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                for k, v in hdrs.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _serve(self, head: bool) -> None:
        srv = self.owner
        path = urlsplit(self.path).path
        with srv._lock:
            srv.counts[path] += 1
            srv.requests.append((self.command, path, {k.lower(): v for k, v in self.headers.items()}))
        forced = srv.status.get(path)
        if forced is not None:
            self._send(forced, f"status {forced}".encode(), "text/plain", head=head)
            return
        accept = self.headers.get("Accept", "text/html")
        parts = [unquote(p) for p in path.split("/")]
        # /simple/ and /simple/<project>/
        if len(parts) >= 2 and parts[1] == "simple":
            self._simple(parts[2:], path, accept, head)
            return
        if len(parts) == 3 and parts[1] == "files":
            self._file(parts[2], head)
            return
        if path in ("/flat", "/flat/"):
            self._send(200, srv.flat_html(), "text/html; charset=utf-8", head=head)
            return
        if len(parts) >= 3 and parts[1] == "devpi":
            hdr = {"X-Devpi-Server-Version": "6.12.1"}
            if parts[2] == "+simple" and len(parts) >= 4 and parts[3]:
                project = normalize(parts[3])
                if project not in srv.files:
                    self._send(404, b"not found", "text/html", hdr, head)
                    return
                body, ctype = self._negotiate(project, accept, prefix="../../../files/")
                self._send(200, body, ctype, hdr, head)
                return
            project = normalize(parts[2])
            if project in srv.files:
                self._send(200, srv.devpi_web_html(project), "text/html; charset=UTF-8", hdr, head)
            else:
                self._send(404, b"<title>devpi - Not Found</title>", "text/html; charset=UTF-8", hdr, head)
            return
        self._send(404, b"not found", "text/plain", head=head)

    def _negotiate(self, project: str, accept: str, prefix: str = "../../files/") -> tuple[bytes, str]:
        srv = self.owner
        qj = _q(accept, "application/vnd.pypi.simple.v1+json") if "json" in srv.formats else 0.0
        qh = max(_q(accept, "application/vnd.pypi.simple.v1+html"), _q(accept, "text/html")) \
            if "html" in srv.formats else 0.0
        if qj > 0 and qj >= qh:
            return srv.project_json(project, prefix), "application/vnd.pypi.simple.v1+json"
        if qh > 0:
            return srv.project_html(project, prefix), "text/html; charset=utf-8"
        return b"", ""

    def _simple(self, rest: list[str], path: str, accept: str, head: bool) -> None:
        srv = self.owner
        if not rest or rest == [""]:
            if "json" in srv.formats and _q(accept, "application/vnd.pypi.simple.v1+json") > 0:
                self._send(200, srv.root_json(), "application/vnd.pypi.simple.v1+json", head=head)
            else:
                self._send(200, srv.root_html(), "text/html", head=head)
            return
        name = rest[0]
        project = normalize(name)
        if srv.delay:
            import time

            with srv._lock:
                srv.in_flight += 1
                srv.max_in_flight = max(srv.max_in_flight, srv.in_flight)
            time.sleep(srv.delay)
            with srv._lock:
                srv.in_flight -= 1
        if name != project or len(rest) == 1:
            self._redirect(f"/simple/{project}/")
            return
        if project not in srv.files:
            self._send(404, b"not found", "text/plain", head=head)
            return
        body, ctype = self._negotiate(project, accept)
        if not ctype:
            self._send(406, b"not acceptable", "text/plain", head=head)
            return
        self._send(200, body, ctype, {"Vary": "Accept"}, head)

    def _file(self, filename: str, head: bool) -> None:
        srv = self.owner
        if filename.endswith(".metadata"):
            h = srv.by_filename(filename[: -len(".metadata")])
            if h is None or not srv.metadata:
                self._send(404, b"not found", "text/plain", head=head)
            else:
                self._send(200, h.metadata, "application/octet-stream", head=head)
            return
        h = srv.by_filename(filename)
        if srv.file_delay and not head:
            import time

            time.sleep(srv.file_delay)
        if h is None:
            self._send(404, b"not found", "text/plain", head=head)
            return
        data = h.data
        extra = {"Accept-Ranges": "bytes"} if srv.ranges else {}
        rng = self.headers.get("Range")
        if rng and srv.ranges:
            m = re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip())
            if m:
                size = len(data)
                if m.group(1):
                    start = int(m.group(1))
                    end = int(m.group(2)) if m.group(2) else size - 1
                else:
                    start = max(0, size - int(m.group(2)))
                    end = size - 1
                end = min(end, size - 1)
                if start > end:
                    self._send(416, b"", "text/plain", {"Content-Range": f"bytes */{size}"}, head)
                    return
                extra["Content-Range"] = f"bytes {start}-{end}/{size}"
                self._send(206, data[start:end + 1], "application/octet-stream", extra, head)
                return
        self._send(200, data, "application/octet-stream", extra, head)
