"""Project pages from one or several indexes, with uv's index strategies and the devpi trap.

``RegistryClient.project_pages(name)`` asks the indexes in order (``IndexUrls``) and returns
the pages found, honouring the strategy: ``first-index`` stops at the first index that has the
project, the two ``unsafe-*`` strategies ask every index. ``--find-links`` files are merged in.

The devpi trap: the devpi web interface answers a project URL (``<index>/<project>/``) with an
HTML page of navigation links instead of a Simple API page. A client that takes it for a
Simple page sees "no versions". When a page has no distribution file of the project but looks
like a web page (devpi markers, an ``X-Devpi-Server-Version`` header on a path without
``/+simple``, or links none of which is a distribution), the client probes
``<index>/+simple/<project>/``; if that is a Simple page it is used, with one warning per index
naming the URL to configure; with ``strict_index_urls`` (or when the probe fails) the client
raises :class:`IndexPageError` saying what came back and what to change.

Pages are cached once, parsed: ``HttpClient.get_parsed`` with :class:`PageCodec` keeps each page
in bucket ``simple-v2`` under ``<project>/<digest of URL and Accept>``, with its cache headers
(revalidation, ``--offline``) and a digest of its body (an unchanged body is loaded, not parsed).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import unquote, urlsplit

from prong.client.indexes import IndexConfig, IndexStrategy, IndexUrls, redact
from prong.client.simple import (
    ACCEPT,
    SimplePageError,
    dump_page,
    is_json_content_type,
    load_page,
    parse_flat_html,
    parse_page,
)
from prong.dists import IndexFile, PageInfo, ProjectPage
from prong.errors import ProngError

__all__ = [
    "PAGE_BUCKET",
    "IndexAccessError",
    "IndexPageError",
    "IndexWarning",
    "PageCodec",
    "ProbeResult",
    "RegistryClient",
]

log = logging.getLogger("prong.index")

_SEPARATORS = re.compile(r"[-_.]+")

PAGE_BUCKET = "simple-v2"


class _Response(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def content(self) -> bytes: ...


class _Http(Protocol):
    def get(self, url: str, *, headers: Mapping[str, str] | None = None,
            cache_mode: Literal["default", "refresh", "no-store", "immutable"] = "default",
            allow_status: Collection[int] = ()) -> Any: ...

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Any: ...


_PARSE_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class PageCodec:
    """How a project page is kept in the HTTP cache: parsed, in the compact form of ``dump_page``."""

    project: str
    bucket: str = PAGE_BUCKET
    # what a parsed page depends on besides the body (``PageInfo`` holds both)
    vary: tuple[str, ...] = ("content-type", "x-devpi-server-version")

    def parse(self, response: _Response) -> ProjectPage:
        headers = response.headers
        # One page parsed at a time: parsing holds the GIL anyway, and a large page's decoded
        # JSON is transient memory that would otherwise pile up once per pool thread.
        with _PARSE_LOCK:
            return parse_page(response.content, response.url, self.project, headers.get("content-type", ""),
                              headers.get("x-devpi-server-version"))

    def dump(self, value: ProjectPage) -> bytes:
        return dump_page(value)

    def load(self, data: bytes) -> ProjectPage | None:
        page = load_page(data)
        return page if page is not None and page.project == self.project else None


# ------------------------------------------------------------------------------------ values


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What ``GET <index>/+simple/<project>/`` gave."""

    url: str
    status: int | None
    content_type: str
    n_files: int
    valid: bool
    error: str | None = None

    def outcome(self) -> str:
        if self.error is not None:
            return f"failed: {self.error}"
        if self.valid:
            return f"lists {_plural(self.n_files, 'file')}"
        what = f"{self.status} {self.content_type or '(no content type)'}"
        return f"returned {what}, not a Simple API page" if self.status == 200 else f"returned {what}"

    def describe(self) -> str:
        return f"{self.url} {self.outcome()}"


@dataclass(frozen=True, slots=True)
class IndexWarning:
    """A warning about an index; ``str()`` is the text to print after ``warning: ``."""

    index: IndexConfig
    message: str
    suggested_url: str | None = None

    def __str__(self) -> str:
        return self.message


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _base_content_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip() or "(no content type)"


def suggestion(index: IndexConfig, url: str) -> str:
    """How to point ``index`` at ``url`` in the user's configuration."""
    if index.name:
        return f'Use url = "{url}" for [[tool.uv.index]] `{index.name}`'
    flag = index.origin if index.origin.startswith("--") else "--index-url"
    return f'Use {flag} {url} (or url = "{url}" in [[tool.uv.index]])'


def _describe_page(page: ProjectPage, requested: str, final: str, status: int) -> str:
    info = page.info
    ctype = _base_content_type(info.content_type)
    redirect = f" (after a redirect to {redact(final)})" if final != requested else ""
    title = f' titled "{info.title}"' if info.title else ""
    if info.n_links:
        links = f"{_plural(info.n_links, 'link')}, none to a distribution file of `{page.project}`"
    else:
        links = "no links to distribution files"
    return f"GET {redact(requested)} returned {status} {ctype}{redirect}: an HTML page{title} with {links}"


class IndexPageError(ProngError):
    """A project page that is not a package index page (the devpi web interface, typically)."""

    def __init__(self, index: IndexConfig, project: str, requested_url: str, page: ProjectPage, status: int,
                 final_url: str, probe: ProbeResult | None, suggested_base: str | None,
                 strict: bool) -> None:
        self.index = index
        self.project = project
        self.requested_url = requested_url
        self.final_url = final_url
        self.status = status
        self.page = page
        self.info: PageInfo = page.info
        self.probe = probe
        self.suggested_base = suggested_base
        self.strict = strict
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"index {self.index.display} did not return a package index page for `{self.project}`"
        body = _describe_page(self.page, self.requested_url, self.final_url, self.status)
        looks = _looks_like(self.info)
        return f"{head}:\n{body}{looks}"

    def __str__(self) -> str:
        return self._message()

    def hints(self) -> Sequence[str]:
        out: list[str] = []
        probe = self.probe
        if probe is not None and probe.valid and self.suggested_base is not None:
            out.append(f"devpi serves the Simple API under `+simple`; {probe.describe()}.")
            out.append(suggestion(self.index, self.suggested_base) + ".")
            if self.strict:
                out.append("Without --strict-index-urls, prong uses that URL and prints a warning.")
        else:
            if probe is not None:
                out.append(f"prong also tried GET {probe.url}, which {probe.outcome()}.")
            out.append(
                "Point the index at the server's Simple API (PEP 503/691): for devpi that is "
                "`<server>/<user>/<index>/+simple`."
            )
        return out


def _looks_like(info: PageInfo) -> str:
    if info.devpi_markers or info.server_version:
        version = f" (X-Devpi-Server-Version: {info.server_version})" if info.server_version else ""
        return f";\nthis looks like the devpi web interface{version}."
    return "."


class IndexAccessError(ProngError):
    """A 401/403 (or other status not ignored) from an index: uv stops the search there too."""

    def __init__(self, index: IndexConfig, url: str, status: int, had_credentials: bool) -> None:
        self.index = index
        self.url = url
        self.status = status
        self.had_credentials = had_credentials
        reason = {401: "401 Unauthorized", 403: "403 Forbidden"}.get(status, f"HTTP {status}")
        super().__init__(f"index {index.display} answered {reason} for GET {redact(url)}")

    def hints(self) -> Sequence[str]:
        out = []
        if self.status in (401, 403):
            if self.had_credentials:
                out.append("The credentials sent were refused.")
            else:
                out.append("No credentials were sent for this index (URL, .netrc or keyring).")
        name = f"`{self.index.name}`" if self.index.name else "this index"
        out.append(f"To treat {self.status} from {name} as \"not found here\", add "
                   f"ignore-error-codes = [{self.status}] to its [[tool.uv.index]] entry.")
        return out


# ------------------------------------------------------------------------------------ client


def _file_path(url: str) -> Path:
    from urllib.request import url2pathname  # only for file:// indexes: urllib.request imports http.client and ssl

    return Path(url2pathname(unquote(urlsplit(url).path)))


class RegistryClient:
    """Project pages from the configured indexes (thread-safe; pages are fetched once).

    Pages are cached by ``http`` (``get_parsed``); an HTTP double with only ``get`` gets every
    page parsed. ``cache`` is accepted for compatibility and not used.
    """

    def __init__(self, http: _Http, indexes: IndexUrls, strategy: IndexStrategy = "first-index",
                 strict_index_urls: bool = False, cache: object = None) -> None:
        self.http = http
        self.indexes = indexes
        self.strategy = strategy
        self.strict_index_urls = strict_index_urls
        self._lock = threading.Lock()
        self._pages: dict[tuple[str, str], Future[ProjectPage | None]] = {}
        self._flat: dict[str, Future[dict[str, tuple[IndexFile, ...]]]] = {}
        self._simple_base: dict[str, str] = {}  # index URL -> its +simple URL, once detected
        self._warnings: list[IndexWarning] = []
        self._warned: set[str] = set()

    # -- public API

    @property
    def warnings(self) -> tuple[IndexWarning, ...]:
        with self._lock:
            return tuple(self._warnings)

    def project_pages(self, name: str, index: str | IndexConfig | None = None) -> list[tuple[IndexConfig, ProjectPage]]:
        """The pages of ``name`` to use, in priority order, per the strategy (or the pinned index)."""
        from prong.pep508.names import normalize_name

        project = normalize_name(name)
        found: list[tuple[IndexConfig, ProjectPage]] = []
        for idx in self.indexes.for_package(index):
            page = self.project_page(idx, project)
            if page is None:
                continue
            found.append((idx, page))
            if self.strategy == "first-index":
                break
        for flat in self.indexes.flat:
            page = self.project_page(flat, project)
            if page is not None and page.files:
                found.append((flat, page))
        return found

    def files(self, name: str, index: str | IndexConfig | None = None) -> list[tuple[IndexConfig, IndexFile]]:
        """Every file of ``name`` the strategy allows, as ``(index, file)`` in priority order."""
        return [(idx, f) for idx, page in self.project_pages(name, index) for f in page.files]

    def prefetch(self, names: Iterable[str], *, wait: bool = False) -> None:
        """Start fetching the pages of ``names`` on the HTTP client's thread pool and return.

        A hint: a later ``project_pages`` waits for a fetch in flight instead of starting
        another. Errors surface from ``project_pages``. ``wait`` blocks until all are done.
        """
        from prong.pep508.names import normalize_name

        todo: list[str] = []
        first = self.indexes.implicit()[:1]
        with self._lock:
            for name in dict.fromkeys(names):
                try:
                    project = normalize_name(name)
                except ProngError:
                    continue
                if first and (first[0].url, project) in self._pages:
                    continue  # fetched or in flight
                todo.append(project)
        if not todo:
            return

        def one(project: str) -> None:
            try:
                self.project_pages(project)
            except Exception as err:  # kept in the page future; reported when asked for
                log.debug("prefetch of %s failed: %s", project, err)

        executor = getattr(self.http, "executor", None)
        if executor is None:
            mapper = getattr(self.http, "map", None)
            if mapper is None:
                for n in todo:
                    one(n)
            else:
                list(mapper(one, todo))
            return
        futures = [executor.submit(one, n) for n in todo]
        if wait:
            for f in futures:
                f.result()

    def project_page(self, index: IndexConfig, project: str) -> ProjectPage | None:
        """The page of ``project`` (normalized) on ``index``; ``None`` when the index lacks it."""
        key = (index.url, project)
        with self._lock:
            fut = self._pages.get(key)
            owner = fut is None
            if owner:
                fut = self._pages[key] = Future()
        assert fut is not None
        if not owner:
            return fut.result()
        try:
            page = self._fetch(index, project)
        except BaseException as err:
            fut.set_exception(err)
            raise
        fut.set_result(page)
        return page

    # -- fetching

    def _fetch(self, index: IndexConfig, project: str) -> ProjectPage | None:
        if index.format == "flat":
            files = self._flat_listing(index).get(project, ())
            return ProjectPage(project=project, url=index.url, files=tuple(files)) if files else None
        if index.is_file:
            return self._fetch_file_index(index, project)
        with self._lock:
            base = self._simple_base.get(index.url)
        url = index.project_url(project, base)
        got = self._get(index, url, project)
        if got is None:
            return None
        resp, page = got
        if base is None and self._looks_wrong(page, resp):
            return self._devpi_trap(index, project, url, resp, page)
        return page

    def _get(self, index: IndexConfig, url: str, project: str) -> tuple[_Response, ProjectPage] | None:
        from prong.client.http import HttpError

        allow = tuple(c for c in range(400, 600) if index.ignores(c))
        try:
            resp, page = self._get_page(url, project, allow)
        except HttpError as err:
            if err.status in (401, 403):
                raise IndexAccessError(index, url, err.status, err.auth == "refused") from err
            raise
        status = int(resp.status)
        if status >= 400 or page is None:
            log.debug("%s: %s answered %s; not on this index", index.display, redact(url), status)
            return None
        return resp, page

    def _get_page(self, url: str, project: str, allow: Collection[int]) -> tuple[_Response, ProjectPage | None]:
        """The response and its parsed page (``None`` for a status >= 400), cached by the HTTP client."""
        codec = PageCodec(project)
        get_parsed = getattr(self.http, "get_parsed", None)
        if get_parsed is not None:
            return get_parsed(url, codec, package=project, headers={"Accept": ACCEPT},  # type: ignore[no-any-return]
                              allow_status=allow)
        resp = self.http.get(url, headers={"Accept": ACCEPT}, allow_status=allow)
        return resp, (codec.parse(resp) if int(resp.status) < 400 else None)

    @staticmethod
    def _looks_wrong(page: ProjectPage, resp: _Response) -> bool:
        """A page with no file of the project that is not plainly an empty Simple page."""
        if page.files or is_json_content_type(page.info.content_type):
            return False
        info = page.info
        path = urlsplit(resp.url).path
        if info.devpi_markers or (info.server_version and "/+simple" not in path):
            return True
        if not info.n_links:
            return False  # a genuinely empty page: "no versions", no hint
        # links, none a wheel or sdist of the project: suspicious unless some are old-style files of
        # the project (``foo-1.0-py2.7.egg``, ``foo-1.0.win32.exe``), which a real index may list alone
        prefix = page.project + "-"
        return not any(
            "." in link and _SEPARATORS.sub("-", link).lower().startswith(prefix) for link in info.non_dist_links
        )

    def _devpi_trap(self, index: IndexConfig, project: str, url: str, resp: _Response,
                    page: ProjectPage) -> ProjectPage:
        base_url = index.url.rstrip("/")
        probe: ProbeResult | None = None
        probe_page: ProjectPage | None = None
        suggested: str | None = None
        if "/+simple" not in urlsplit(base_url).path:
            suggested = base_url + "/+simple"
            probe, probe_page = self._probe(index, project, suggested)
        log.debug("%s: %s is not a Simple page (%s); probe: %s", index.display, redact(url),
                  page.info, probe)
        if probe is None or not probe.valid or probe_page is None or self.strict_index_urls:
            raise IndexPageError(index, project, url, page, int(resp.status), resp.url, probe,
                                 redact(suggested) if suggested else None, self.strict_index_urls)
        assert suggested is not None
        shown = redact(suggested)  # never print credentials
        with self._lock:
            self._simple_base[index.url] = suggested
            first = index.url not in self._warned
            self._warned.add(index.url)
        if first:
            info = page.info
            title = f' titled "{info.title}"' if info.title else ""
            version = f", X-Devpi-Server-Version: {info.server_version}" if info.server_version else ""
            message = (
                f"index {index.display} serves the devpi web interface, not a package index: "
                f"{redact(url)} is an HTML page{title} with no links to distribution files of `{project}`"
                f"{version}. Using its Simple API at {shown} instead; "
                f"{suggestion(index, shown)[0].lower()}{suggestion(index, shown)[1:]} "
                f"to silence this warning."
            )
            warning = IndexWarning(index, message, shown)
            with self._lock:
                self._warnings.append(warning)
            log.warning("%s", message)
        return probe_page

    def _probe(self, index: IndexConfig, project: str, simple_base: str) -> tuple[ProbeResult, ProjectPage | None]:
        url = f"{simple_base}/{project}/"
        shown = redact(url)
        try:
            resp, parsed = self._get_page(url, project, tuple(range(400, 600)))
        except SimplePageError as err:
            return ProbeResult(shown, 200, _base_content_type(err.content_type), 0, False, err.reason), None
        except ProngError as err:
            return ProbeResult(shown, None, "", 0, False, str(err)), None
        except OSError as err:
            return ProbeResult(shown, None, "", 0, False, str(err)), None
        ctype = resp.headers.get("content-type", "")
        status = int(resp.status)
        if status != 200 or parsed is None:
            return ProbeResult(shown, status, _base_content_type(ctype), 0, False), None
        page = parsed
        valid = is_json_content_type(ctype) or not (page.info.devpi_markers or (page.info.n_links and not page.files))
        return ProbeResult(shown, status, _base_content_type(ctype), len(page.files), valid), page if valid else None

    # -- file:// and flat indexes

    def _fetch_file_index(self, index: IndexConfig, project: str) -> ProjectPage | None:
        root = _file_path(index.url)
        d = root / project
        html = d / "index.html"
        if html.is_file():
            from prong.client.simple import parse_html

            return parse_html(html.read_bytes(), html.as_uri(), project)
        if d.is_dir():
            files = _dir_files(d).get(project, ())
            return ProjectPage(project=project, url=d.as_uri() + "/", files=tuple(files))
        return None

    def _flat_listing(self, index: IndexConfig) -> dict[str, tuple[IndexFile, ...]]:
        with self._lock:
            fut = self._flat.get(index.url)
            owner = fut is None
            if owner:
                fut = self._flat[index.url] = Future()
        assert fut is not None
        if not owner:
            return fut.result()
        try:
            listing = self._load_flat(index)
        except BaseException as err:
            fut.set_exception(err)
            raise
        fut.set_result(listing)
        return listing

    def _load_flat(self, index: IndexConfig) -> dict[str, tuple[IndexFile, ...]]:
        if index.is_file:
            path = _file_path(index.url)
            if path.is_dir():
                return {k: tuple(v) for k, v in _dir_files(path).items()}
            if path.is_file():
                grouped = parse_flat_html(path.read_bytes(), index.url)
                return {k: tuple(v) for k, v in grouped.items()}
            raise ProngError(f"find-links location {path} does not exist")
        resp = self.http.get(index.url, headers={"Accept": "text/html"})
        grouped = parse_flat_html(resp.content, resp.url, content_type=resp.headers.get("content-type", "text/html"))
        return {k: tuple(v) for k, v in grouped.items()}


def _dir_files(directory: Path) -> dict[str, list[IndexFile]]:
    from prong.client.simple import dist_project

    out: dict[str, list[IndexFile]] = {}
    for entry in sorted(directory.iterdir()):
        if not entry.is_file():
            continue
        project = dist_project(entry.name)
        if project is not None:
            out.setdefault(project, []).append(IndexFile(filename=entry.name, url=entry.resolve().as_uri()))
    return out
