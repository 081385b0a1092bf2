"""Simple API project pages (PEP 503 HTML, PEP 691 JSON) parsed into :class:`ProjectPage` values.

Pure functions, no I/O. The HTML parser is a pair of regular expressions rather than
``html.parser``: pages with thousands of links (torch, boto3) parse several times faster, and a
tag the strict pattern cannot read (an unclosed quote) falls back to a lax one instead of
failing. ``dump_page`` / ``load_page`` give the compact form in which the HTTP client caches a
page (``prong.client.registry.PageCodec``).
"""

from __future__ import annotations

import json
import marshal
import re
from collections.abc import Iterator, Sequence
from typing import Any
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

from prong.dists import IndexFile, PageInfo, ProjectPage
from prong.errors import ParseError, ProngError

__all__ = [
    "ACCEPT",
    "DEVPI_MARKERS",
    "SimplePageError",
    "dump_page",
    "is_json_content_type",
    "load_page",
    "dist_project",
    "parse_flat_html",
    "parse_html",
    "parse_json",
    "parse_page",
]

# PEP 691: JSON preferred, HTML accepted. Accepting HTML matters: devpi answers a JSON-only
# request for a web URL with a 404, which would look like "no such project".
ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"

JSON_CONTENT_TYPES = ("application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json")

# Strings a devpi-web page carries and a Simple API page never does.
DEVPI_MARKERS: tuple[tuple[str, str], ...] = (
    ("+searchhelp", "+searchhelp"),
    ('class="statusbadge', 'class="statusbadge'),
    ('id="navigation"', 'id="navigation"'),
    ("<form", "<form"),
)

_MAX_NON_DIST = 64  # how many non-distribution links a page keeps for the error message

# An anchor start tag: the strict form honours quotes (so ``>=3.8`` inside a quoted value does
# not end the tag); the lax form after ``|`` reads a tag with an unbalanced quote.
_ANCHOR = re.compile(
    r"""<a\b([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>|<a\b([^>]*)>""",
    re.IGNORECASE,
)
_BASE = re.compile(r"""<base\b([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>""", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s+")


class SimplePageError(ProngError):
    """A response that should have been a Simple API page and is not one."""

    def __init__(self, url: str, reason: str, content_type: str = "") -> None:
        self.url = url
        self.reason = reason
        self.content_type = content_type  # the response's (set by ``parse_page``)
        super().__init__(f"invalid package index page at {url}: {reason}")


def is_json_content_type(content_type: str) -> bool:
    base = content_type.split(";", 1)[0].strip().lower()
    return base in JSON_CONTENT_TYPES or base == "application/json"


def parse_page(content: bytes, url: str, project: str, content_type: str,
               server_version: str | None = None) -> ProjectPage:
    """Parse a project page by its content type (JSON for PEP 691 types, else HTML)."""
    try:
        if is_json_content_type(content_type):
            return parse_json(content, url, project, content_type=content_type, server_version=server_version)
        return parse_html(content, url, project, content_type=content_type, server_version=server_version)
    except SimplePageError as err:
        err.content_type = err.content_type or content_type
        raise


# --------------------------------------------------------------------------------------- HTML


def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(text):
        key = m.group(1).lower()
        if key in out:
            continue
        value = m.group(2)
        if value is None:
            value = m.group(3)
            if value is None:
                value = m.group(4)
                if value is None:
                    value = ""
        if "&" in value:
            value = unescape(value)
        out[key] = value
    return out


def _decode(content: bytes, content_type: str) -> str:
    charset = "utf-8"
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"' ")
    try:
        return content.decode(charset, errors="replace")
    except LookupError:
        return content.decode("utf-8", errors="replace")


_ABSOLUTE = ("http://", "https://", "file://")


def _join(base: str, href: str) -> str:
    """``urljoin`` with fast paths for the two shapes big pages use (absolute, root-relative)."""
    if href.startswith(_ABSOLUTE):
        return href
    if href.startswith("/") and not href.startswith("//"):
        scheme, sep, rest = base.partition("://")
        if sep:
            return f"{scheme}://{rest.partition('/')[0]}{href}"
    return urljoin(base, href)


def _split_fragment(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    url, sep, fragment = url.partition("#")
    if not sep:
        return url, ()
    algo, eq, digest = fragment.partition("=")
    if eq and algo and digest:
        return url, ((algo.lower(), digest.lower()),)
    return url, ()


def _filename_of(url: str) -> str:
    path = url.partition("?")[0]
    scheme, sep, rest = path.partition("://")
    if sep:
        path = "/" + rest.partition("/")[2]
    return unquote(path.rstrip("/").rpartition("/")[2])


def _metadata_attr(value: str | None) -> bool | tuple[tuple[str, str], ...]:
    if value is None:
        return False
    value = value.strip()
    if not value or value.lower() == "true":
        return True
    if value.lower() == "false":
        return False
    algo, eq, digest = value.partition("=")
    if eq and algo and digest:
        return ((algo.lower(), digest.lower()),)
    return True


_NAME_SEPARATORS = re.compile(r"[-_.]+")


class _Classifier:
    """Sorts links into files of ``project`` and everything else.

    Well-formed names are decided by their structure alone (the name part of a wheel or sdist
    file name, normalized); only a name that is not clear-cut goes through
    ``prong.filenames.parse_dist_filename``. Versions are parsed later, by whoever uses the
    file, so a page of thousands of files costs no version parsing here.
    """

    __slots__ = ("project", "non_dist", "_names")

    def __init__(self, project: str) -> None:
        self.project = project
        self.non_dist: list[str] = []
        self._names: dict[str, bool] = {}  # a wheel's name part -> names this project (few per page)

    def is_dist(self, filename: str) -> bool:
        if filename[-4:].lower() == ".whl":
            parts = filename[:-4].split("-")
            if len(parts) in (5, 6) and parts[1][:1].isdigit():
                ours = self._names.get(parts[0])
                if ours is None:
                    ours = self._names[parts[0]] = _NAME_SEPARATORS.sub("-", parts[0]).lower() == self.project
                if ours:
                    return True
                return self._other(filename)
        else:
            from prong.filenames import sdist_extension

            ext = sdist_extension(filename)
            if ext is None:
                return self._other(filename)
            name, sep, version = filename[: -len(ext)].rpartition("-")
            if sep and version[:1].isdigit() and _NAME_SEPARATORS.sub("-", name).lower() == self.project:
                return True
        from prong.filenames import parse_dist_filename

        try:
            parsed = parse_dist_filename(filename, self.project)
        except ParseError:
            parsed = None
        if parsed is not None and parsed.name == self.project:
            return True
        return self._other(filename)

    def _other(self, filename: str) -> bool:
        if len(self.non_dist) < _MAX_NON_DIST:
            self.non_dist.append(filename)
        return False


def _markers(text: str) -> tuple[str, ...]:
    return tuple(label for needle, label in DEVPI_MARKERS if needle in text)


def _base_and_title(text: str, url: str) -> tuple[str, str | None]:
    base = url
    m = _BASE.search(text)
    if m is not None:
        href = _attrs(m.group(1)).get("href")
        if href:
            base = urljoin(url, href)
    title_m = _TITLE.search(text)
    title = _SPACES.sub(" ", unescape(title_m.group(1))).strip() if title_m else None
    return base, title


def _anchors(text: str) -> Iterator[dict[str, str]]:
    for m in _ANCHOR.finditer(text):
        raw = m.group(1)
        attrs = _attrs(raw if raw is not None else m.group(2))
        if "href" in attrs:
            yield attrs


def _file(attrs: dict[str, str], filename: str, url: str, hashes: tuple[tuple[str, str], ...]) -> IndexFile:
    core = attrs.get("data-core-metadata")
    if core is None:
        core = attrs.get("data-dist-info-metadata")
    requires_python = attrs.get("data-requires-python")
    return IndexFile(
        filename=filename,
        url=url,
        hashes=hashes,
        requires_python=(requires_python.strip() or None) if requires_python is not None else None,
        yanked=attrs.get("data-yanked"),
        core_metadata=_metadata_attr(core),
    )


def parse_html(content: bytes, url: str, project: str, *, content_type: str = "text/html",
               server_version: str | None = None) -> ProjectPage:
    """Parse a PEP 503 HTML project page.

    ``url`` is the URL the page was finally served from (after redirects): relative links
    resolve against it, or against ``<base href>`` when the page has one.
    """
    from prong.pep508.names import normalize_name

    project = normalize_name(project)
    text = _decode(content, content_type)
    base, title = _base_and_title(text, url)
    classifier = _Classifier(project)
    files: list[IndexFile] = []
    n_links = 0
    for attrs in _anchors(text):
        n_links += 1
        file_url, hashes = _split_fragment(_join(base, attrs["href"].strip()))
        filename = _filename_of(file_url)
        if classifier.is_dist(filename):
            files.append(_file(attrs, filename, file_url, hashes))
    info = PageInfo(
        content_type=content_type,
        title=title,
        n_links=n_links,
        devpi_markers=_markers(text),
        server_version=server_version,
        non_dist_links=tuple(classifier.non_dist),
    )
    return ProjectPage(project=project, url=url, files=tuple(files), versions=(), info=info)


def parse_flat_html(content: bytes, url: str, *, content_type: str = "text/html") -> dict[str, list[IndexFile]]:
    """The distribution files an HTML page of links (a ``--find-links`` page) lists, by project."""
    text = _decode(content, content_type)
    base, _title = _base_and_title(text, url)
    out: dict[str, list[IndexFile]] = {}
    for attrs in _anchors(text):
        file_url, hashes = _split_fragment(_join(base, attrs["href"].strip()))
        filename = _filename_of(file_url)
        project = dist_project(filename)
        if project is not None:
            out.setdefault(project, []).append(_file(attrs, filename, file_url, hashes))
    return out


def dist_project(filename: str) -> str | None:
    """The normalized project name of a distribution file name, ``None`` for anything else."""
    from prong.filenames import parse_dist_filename

    try:
        parsed = parse_dist_filename(filename)
    except ParseError:
        return None
    return None if parsed is None else str(parsed.name)


# --------------------------------------------------------------------------------------- JSON


def _hashes(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        return ()
    if len(value) == 1:  # the usual {"sha256": ...}: no generator per file
        for k, v in value.items():
            return ((str(k).lower(), v.lower()),) if isinstance(v, str) else ()
    return tuple((str(k).lower(), str(v).lower()) for k, v in value.items() if isinstance(v, str))


def _json_metadata(value: object) -> bool | tuple[tuple[str, str], ...]:
    if value is None or value is False:
        return False
    if isinstance(value, dict):
        return _hashes(value) or True
    return bool(value)


_SHARED: dict[str, str] = {}


def _compact(entry: dict[str, Any]) -> tuple[Any, ...]:
    """A JSON page's file entry as a tuple of what prong reads, (file name, URL as written
    without the file name when it ends with it, hashes (a lone sha256 as its hex digest),
    Requires-Python, yanked, core metadata, upload time, size): a third of a dict's memory, and
    it marshals to the cache as it is."""
    yanked_raw = entry.get("yanked", False)
    if yanked_raw is True:
        yanked: str | None = ""
    elif isinstance(yanked_raw, str):
        yanked = yanked_raw
    else:
        yanked = None
    core = entry.get("core-metadata")
    if core is None:
        core = entry.get("dist-info-metadata")
    rp = entry.get("requires-python")
    size = entry.get("size")
    upload_time = entry.get("upload-time")
    filename = entry["filename"]
    url = entry["url"]
    if url.endswith("/" + filename):  # the name is in the URL: keep it once
        url = url[: len(url) - len(filename)]
    hashes: Any = _hashes(entry.get("hashes"))
    if len(hashes) == 1 and hashes[0][0] == "sha256" and len(hashes[0][1]) == 64:
        try:
            hashes = bytes.fromhex(hashes[0][1])  # the usual single sha256, as its 32 bytes
        except ValueError:
            pass
    rp_text = rp.strip() or None if isinstance(rp, str) else None
    if rp_text is not None:
        rp_text = _SHARED.setdefault(rp_text, rp_text)  # one string per distinct Requires-Python
    return (
        filename,
        url,
        hashes,
        rp_text,
        yanked,
        _json_metadata(core),
        upload_time if isinstance(upload_time, str) else None,
        size if isinstance(size, int) and not isinstance(size, bool) else None,
    )


def _json_file(entry: tuple[Any, ...], base: str) -> IndexFile:
    """One file of a JSON page, from its compact entry (see ``_compact``)."""
    filename, url, hashes, rp, yanked, core, upload_time, size = entry
    if url.endswith("/"):
        url += filename
    if isinstance(hashes, bytes):
        hashes = (("sha256", hashes.hex()),)
    elif isinstance(hashes, str):
        hashes = (("sha256", hashes),)
    file_url, frag_hashes = _split_fragment(_join(base, url))
    return IndexFile(
        filename=filename,
        url=file_url,
        hashes=hashes or frag_hashes,
        requires_python=rp,
        yanked=yanked,
        core_metadata=core,
        upload_time=upload_time,
        size=size,
    )


class LazyFiles(Sequence[IndexFile]):
    """Files of a JSON page, built from the page's entries on first use (a tuple otherwise).

    ``upload_times()`` reads the entries' upload times without building the files, so a
    filter on upload time can skip versions it keeps whole.
    """

    __slots__ = ("_entries", "_base", "_files")

    def __init__(self, entries: list[tuple[Any, ...]], base: str) -> None:
        self._entries = entries
        self._base = base
        self._files: tuple[IndexFile, ...] | None = None

    def _all(self) -> tuple[IndexFile, ...]:
        files = self._files
        if files is None:
            base = self._base
            files = self._files = tuple([_json_file(e, base) for e in self._entries])
        return files

    def split(self) -> list[tuple[str, LazyFiles]]:
        """``(file name, its one-file sequence)`` for each file, still unbuilt."""
        base = self._base
        return [(e[0], LazyFiles([e], base)) for e in self._entries]

    def joined(self, others: Sequence[Sequence[IndexFile]]) -> Sequence[IndexFile]:
        """These files followed by ``others``' (lazily when all are unbuilt files of one page)."""
        if all(isinstance(o, LazyFiles) and o._base == self._base for o in others):
            return LazyFiles([e for part in (self, *others) for e in part._entries], self._base)  # type: ignore[union-attr]
        return tuple(f for part in (self, *others) for f in part)

    def upload_times(self) -> list[object]:
        return [e[6] for e in self._entries]

    def __len__(self) -> int:
        return len(self._entries)

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __getitem__(self, index):  # type: ignore[no-untyped-def,override]
        return self._all()[index]

    def __iter__(self) -> Iterator[IndexFile]:
        return iter(self._all())

    def __contains__(self, item: object) -> bool:
        return item in self._all()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyFiles):
            other = other._all()
        return self._all() == other

    def __hash__(self) -> int:
        return hash(self._all())

    def __add__(self, other: object) -> tuple[IndexFile, ...]:
        return self._all() + tuple(other)  # type: ignore[call-overload, no-any-return]

    def __radd__(self, other: object) -> tuple[IndexFile, ...]:
        return tuple(other) + self._all()  # type: ignore[call-overload, no-any-return]

    def __repr__(self) -> str:
        return repr(self._all())


class PageFiles(LazyFiles):
    """A JSON page's files in page order; ``groups`` holds them by the version part of a wheel's
    name (``None``: files whose version needs the full file-name parser, sdists among them)."""

    __slots__ = ("groups",)

    def __init__(self, entries: list[tuple[Any, ...]], groups: dict[str | None, list[tuple[Any, ...]]],
                 base: str) -> None:
        super().__init__(entries, base)
        self.groups = {key: LazyFiles(group, base) for key, group in groups.items()}


def parse_json(content: bytes, url: str, project: str, *,
               content_type: str = "application/vnd.pypi.simple.v1+json",
               server_version: str | None = None) -> ProjectPage:
    """Parse a PEP 691 JSON project page (api-version 1.x; PEP 700 fields when present)."""
    from prong.pep508.names import normalize_name

    project = normalize_name(project)
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as err:
        raise SimplePageError(url, f"the body is not valid JSON ({err})") from None
    if not isinstance(data, dict):
        raise SimplePageError(url, "the JSON body is not an object")
    meta = data.get("meta")
    version = meta.get("api-version") if isinstance(meta, dict) else None
    if isinstance(version, str) and not version.startswith("1."):
        raise SimplePageError(url, f"unsupported api-version {version!r} (this client reads 1.x)")
    raw_files = data.get("files")
    if not isinstance(raw_files, list):
        if "projects" in data:
            raise SimplePageError(url, "got the index's project list, not a project page")
        raise SimplePageError(url, "the JSON body has no `files` list")
    classifier = _Classifier(project)
    # Files are grouped by the version part of their name and built on first use (see
    # ``LazyFiles``): a page lists thousands of files and a resolver reads a few versions.
    entries: list[tuple[Any, ...]] = []
    groups: dict[str | None, list[tuple[Any, ...]]] = {}
    names: dict[str, bool] = {}  # a wheel's name part -> names this project
    for entry in raw_files:
        if not isinstance(entry, dict):
            continue
        filename = entry.get("filename")
        if not isinstance(filename, str) or not isinstance(entry.get("url"), str):
            continue
        key: str | None = None
        if filename[-4:] == ".whl":
            parts = filename[:-4].split("-")
            if len(parts) in (5, 6) and parts[1][:1].isdigit():
                ours = names.get(parts[0])
                if ours is None:
                    ours = names[parts[0]] = _NAME_SEPARATORS.sub("-", parts[0]).lower() == project
                if ours:
                    key = parts[1]
        if key is None and not classifier.is_dist(filename):
            continue
        compact = _compact(entry)
        entries.append(compact)
        group = groups.get(key)
        if group is None:
            groups[key] = [compact]
        else:
            group.append(compact)
    versions = data.get("versions")
    info = PageInfo(
        content_type=content_type,
        title=None,
        n_links=len(raw_files),
        devpi_markers=(),
        server_version=server_version,
        non_dist_links=tuple(classifier.non_dist),
    )
    return ProjectPage(
        project=project,
        url=url,
        files=PageFiles(entries, groups, url),  # type: ignore[arg-type]
        versions=tuple(str(v) for v in versions) if isinstance(versions, list) else (),
        info=info,
    )


# ------------------------------------------------------------------------------- compact form

_FORMAT = 5  # 5: a lone sha256 as bytes, Requires-Python shared; 3: JSON file entries as compact tuples; 4: without the repeated file name and hash key


def dump_page(page: ProjectPage) -> bytes:
    """The page as compact bytes (``marshal`` of tuples); ``load_page`` reverses it.

    A JSON page's files keep their lazy form (the page's entries, grouped by version)."""
    i = page.info
    lazy = None
    files: tuple[tuple[object, ...], ...] = ()
    if isinstance(page.files, PageFiles):
        pf = page.files
        lazy = (pf._base, pf._entries, {k: g._entries for k, g in pf.groups.items()})
    else:
        files = tuple(
            (f.filename, f.url, f.hashes, f.requires_python, f.yanked, f.core_metadata, f.upload_time, f.size)
            for f in page.files
        )
    info = (i.content_type, i.title, i.n_links, i.devpi_markers, i.server_version, i.non_dist_links)
    return marshal.dumps((_FORMAT, page.project, page.url, files, page.versions, info, lazy))


def load_page(data: bytes) -> ProjectPage | None:
    """A page from ``dump_page`` bytes, or ``None`` when they are corrupt or of another format."""
    try:
        fmt, project, url, files, versions, info, lazy = marshal.loads(data)
        if fmt != _FORMAT:
            return None
        if lazy is not None:
            base, entries, groups = lazy
            page_files: object = PageFiles(entries, groups, base)
        else:
            page_files = tuple(IndexFile(*f) for f in files)
        return ProjectPage(
            project=project,
            url=url,
            files=page_files,  # type: ignore[arg-type]
            versions=versions,
            info=PageInfo(*info),
        )
    except (ValueError, EOFError, TypeError):
        return None


def host_of(url: str) -> str:
    """``host[:port]`` of a URL (for messages)."""
    return urlsplit(url).netloc.rpartition("@")[2]
