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
from array import array
from collections.abc import Iterable, Iterator, Sequence
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
# control bytes no text page holds (tab, newlines, form feed and escape aside)
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


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
        page = parse_html(content, url, project, content_type=content_type, server_version=server_version)
        if not page.info.n_links:
            _refuse_binary(content, url)
        return page
    except SimplePageError as err:
        err.content_type = err.content_type or content_type
        raise


def _refuse_binary(content: bytes, url: str) -> None:
    """A response without links that holds binary data is not a page that lists nothing: it is not
    a page (random bytes, a file served in its place). ``parse_html`` reads anything; the index
    client asks this of what it fetched."""
    binary = _BINARY.search(content)
    if binary is not None:
        raise SimplePageError(url, f"the body is not an HTML page: it holds binary data (byte "
                                   f"0x{binary.group()[0]:02x} at offset {binary.start()} of {len(content)})")


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


def _newest_day(times: Iterable[object]) -> str | None:
    """The latest day (``YYYY-MM-DD``) among ISO upload times; ``None`` when one of them is not
    an ISO date-time (or missing): then only the parsed times can tell."""
    newest = ""
    for t in times:
        if not (isinstance(t, str) and len(t) > 10 and t[10] == "T" and t[4] == "-"):
            return None
        day = t[:10]
        if day > newest:
            newest = day
    return newest


class LazyFiles(Sequence[IndexFile]):
    """Files of a JSON page, built from the page's entries on first use (a tuple otherwise).

    The entries are held as ``_parts``: lists of compact entries (see ``_compact``) or
    ``marshal`` bytes of such lists whose URLs lack the page's common ``_prefix`` (how a page
    keeps its groups: a tenth of the objects and under half the memory of the tuples, decoded
    only for the versions a resolution reads). ``uploaded_before(day)`` answers from the newest
    upload day, kept beside the bytes, so a filter on upload time can skip versions it keeps
    whole without decoding them.
    """

    __slots__ = ("_parts", "_base", "_prefix", "_newest", "_files")

    def __init__(self, entries: list[tuple[Any, ...]] | bytes | tuple[list[tuple[Any, ...]] | bytes, ...],
                 base: str, prefix: str = "", newest: str | None | bool = False) -> None:
        parts = entries if isinstance(entries, tuple) else (entries,)
        self._parts = tuple(p for p in parts if p)
        self._base = base
        self._prefix = prefix
        if newest is False:  # not given: from the entries
            newest = _newest_day(e[6] for e in self._entries)
        self._newest: str | None = newest  # type: ignore[assignment]
        self._files: tuple[IndexFile, ...] | None = None

    @property
    def _entries(self) -> list[tuple[Any, ...]]:
        """The compact entries, URLs whole (decoded anew on each read: callers keep what they need)."""
        out: list[tuple[Any, ...]] = []
        prefix = self._prefix
        for part in self._parts:
            if isinstance(part, bytes):
                raw = marshal.loads(part)
                if prefix:
                    out.extend([(e[0], prefix + e[1], *e[2:]) for e in raw])
                else:
                    out.extend(raw)
            else:
                out.extend(part)
        return out

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
        if all(isinstance(o, LazyFiles) and not isinstance(o, PageFiles) and o._base == self._base
               and o._prefix == self._prefix for o in others) and not isinstance(self, PageFiles):
            parts = tuple(p for part in (self, *others) for p in part._parts)  # type: ignore[union-attr]
            days = [part._newest for part in (self, *others)]  # type: ignore[union-attr]
            newest = None if None in days else max(days)  # type: ignore[type-var]
            return LazyFiles(parts, self._base, self._prefix, newest)
        return tuple(f for part in (self, *others) for f in part)

    def upload_times(self) -> list[object]:
        return [e[6] for e in self._entries]

    def uploaded_before(self, day: str) -> bool:
        """Whether every file has an ISO upload time on a day before ``day`` (an ISO date)."""
        newest = self._newest
        return newest is not None and newest < day

    def __len__(self) -> int:
        files = self._files
        return len(files) if files is not None else len(self._entries)

    def __bool__(self) -> bool:
        return bool(self._parts)

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
    """A JSON page's files in page order, kept as groups: ``groups`` holds them by the version
    part of a wheel's name (``None``: files whose version needs the full file-name parser),
    ``sdists`` the source distributions whose name splits cleanly, by their version part.
    ``_order`` gives each file's group (an index into ``_groups``), in page order."""

    __slots__ = ("groups", "sdists", "_groups", "_order")

    def __init__(self, groups: list[tuple[bool, str | None, LazyFiles]], order: array, base: str,
                 prefix: str = "") -> None:
        self._parts = ()
        self._base = base
        self._prefix = prefix
        self._newest = None
        self._files = None
        self._groups = groups
        self._order = order
        self.groups = {key: files for sdist, key, files in groups if not sdist}
        self.sdists = {key: files for sdist, key, files in groups if sdist}

    @property
    def _entries(self) -> list[tuple[Any, ...]]:
        iters = [iter(files._entries) for _sdist, _key, files in self._groups]
        return [next(iters[i]) for i in self._order]

    def split(self) -> list[tuple[str, LazyFiles]]:
        base = self._base
        return [(e[0], LazyFiles([e], base)) for e in self._entries]

    def __len__(self) -> int:
        return len(self._order)

    def __bool__(self) -> bool:
        return bool(self._order)


def _common_dir(a: str, b: str) -> str:
    """The longest common prefix of ``a`` and ``b`` that ends with ``/`` (or "")."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return a[: a.rfind("/", 0, n) + 1]


def _json_kind(value: object) -> str:
    """A JSON value's type, with the value when it is short (for messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, (int, float)):
        return f"a number ({value})" if len(repr(value)) <= 20 else "a number"
    if isinstance(value, str):
        return f"a string ({json.dumps(value)})" if len(value) <= 40 else "a string"
    return "an array" if isinstance(value, list) else "an object"


def parse_json(content: bytes, url: str, project: str, *,
               content_type: str = "application/vnd.pypi.simple.v1+json",
               server_version: str | None = None) -> ProjectPage:
    """Parse a PEP 691 JSON project page (api-version 1.x; PEP 700 fields when present)."""
    from prong.filenames import sdist_extension
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
        if "files" in data:
            raise SimplePageError(url, f"`files` must be an array, found {_json_kind(raw_files)}")
        raise SimplePageError(url, "the JSON body has no `files` list")
    versions = data.get("versions")
    del data  # the decoded page is transient: let it go as soon as it is read
    classifier = _Classifier(project)
    # Files are grouped by the version part of their name and built on first use (see
    # ``LazyFiles``): a page lists thousands of files and a resolver reads a few versions.
    wheel_index: dict[str | None, int] = {}  # version part (None: the full parser's) -> group
    sdist_index: dict[str, int] = {}
    lists: list[list[tuple[Any, ...]]] = []
    keys: list[tuple[bool, str | None]] = []
    newest: list[str | None] = []  # per group: the latest upload day, None once a time is not ISO
    order: list[int] = []
    names: dict[str, bool] = {}  # a name part -> names this project
    prefix: str | None = None  # the URLs' common prefix (to a '/')
    for i, entry in enumerate(raw_files):
        if not isinstance(entry, dict):
            raise SimplePageError(url, f"`files[{i}]` must be an object, found {_json_kind(entry)}")
        filename = entry.get("filename")
        file_url = entry.get("url")
        if not isinstance(filename, str) or not isinstance(file_url, str):
            key_ = "filename" if not isinstance(filename, str) else "url"
            raise SimplePageError(url, f"`files[{i}].{key_}` must be a string, found {_json_kind(entry.get(key_))}")
        hashes_ = entry.get("hashes")
        if hashes_ is not None and not isinstance(hashes_, dict):
            raise SimplePageError(url, f"`files[{i}].hashes` must be an object, found {_json_kind(hashes_)}")
        key: str | None = None
        sdist = False
        if filename[-4:] == ".whl":
            parts = filename[:-4].split("-")
            if len(parts) in (5, 6) and parts[1][:1].isdigit():
                ours = names.get(parts[0])
                if ours is None:
                    ours = names[parts[0]] = _NAME_SEPARATORS.sub("-", parts[0]).lower() == project
                if ours:
                    key = parts[1]
        else:
            ext = sdist_extension(filename)
            if ext is not None:
                name, sep, vpart = filename[: -len(ext)].rpartition("-")
                if sep and vpart[:1].isdigit():
                    ours = names.get(name)
                    if ours is None:
                        ours = names[name] = _NAME_SEPARATORS.sub("-", name).lower() == project
                    if ours:
                        key, sdist = vpart, True
        if key is None and not classifier.is_dist(filename):
            continue
        compact = _compact(entry)
        gi = sdist_index.get(key) if sdist else wheel_index.get(key)  # type: ignore[arg-type]
        if gi is None:
            gi = len(lists)
            if sdist:
                sdist_index[key] = gi  # type: ignore[index]
            else:
                wheel_index[key] = gi
            lists.append([compact])
            keys.append((sdist, key))
            newest.append("")
        else:
            lists[gi].append(compact)
        order.append(gi)
        day = newest[gi]
        if day is not None:
            t = compact[6]
            if t is not None and len(t) > 10 and t[10] == "T" and t[4] == "-":
                if t[:10] > day:
                    newest[gi] = t[:10]
            else:
                newest[gi] = None
        if prefix is None:
            prefix = file_url[: file_url.rfind("/") + 1]
        elif not file_url.startswith(prefix):
            prefix = _common_dir(prefix, file_url)
    n_links = len(raw_files)
    del raw_files
    prefix = prefix or ""
    cut = len(prefix)
    days: dict[str | None, str | None] = {None: None}
    groups: list[tuple[bool, str | None, LazyFiles]] = []
    for (sdist, key), group, day in zip(keys, lists, newest):
        if cut:
            group = [(e[0], e[1][cut:], e[2], e[3], e[4], e[5], e[6], e[7]) for e in group]
        blob = marshal.dumps(group)
        groups.append((sdist, key, LazyFiles(blob, url, prefix, days.setdefault(day, day))))
    info = PageInfo(
        content_type=content_type,
        title=None,
        n_links=n_links,
        devpi_markers=(),
        server_version=server_version,
        non_dist_links=tuple(classifier.non_dist),
    )
    return ProjectPage(
        project=project,
        url=url,
        files=PageFiles(groups, array("H" if len(groups) < 65536 else "I", order), url, prefix),  # type: ignore[arg-type]
        versions=tuple(str(v) for v in versions) if isinstance(versions, list) else (),
        info=info,
    )


# ------------------------------------------------------------------------------- compact form

_FORMAT = 6  # 6: groups as marshal bytes, URLs without the page's common prefix, sdists by version; 5: a lone sha256 as bytes, Requires-Python shared; 4: without the repeated file name and hash key; 3: JSON file entries as compact tuples


def _group_blob(files: LazyFiles, prefix: str) -> bytes:
    """A group's entries as the marshal bytes a page keeps (URLs without ``prefix``)."""
    parts = files._parts
    if len(parts) == 1 and isinstance(parts[0], bytes) and files._prefix == prefix:
        return parts[0]
    cut = len(prefix)
    return marshal.dumps([(e[0], e[1][cut:], *e[2:]) for e in files._entries])


def dump_page(page: ProjectPage) -> bytes:
    """The page as compact bytes (``marshal`` of tuples); ``load_page`` reverses it.

    A JSON page's files keep their lazy form (the groups' bytes as they are, and the page order)."""
    i = page.info
    lazy = None
    files: tuple[tuple[object, ...], ...] = ()
    if isinstance(page.files, PageFiles):
        pf = page.files
        prefix = pf._prefix
        lazy = (pf._base, prefix, pf._order.typecode, pf._order.tobytes(),
                [(sdist, key, _group_blob(g, prefix), g._newest) for sdist, key, g in pf._groups])
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
            base, prefix, typecode, order_bytes, groups = lazy
            order = array(typecode)
            order.frombytes(order_bytes)
            if order and max(order) >= len(groups):
                return None
            page_files: object = PageFiles(
                [(sdist, key, LazyFiles(blob, base, prefix, newest)) for sdist, key, blob, newest in groups],
                order, base, prefix)
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
