"""``RegistryIndex``: the resolver's :class:`~prong.resolver.index.PackageIndex` over HTTP.

It turns the index client's pages into version candidates, fetches metadata (wheels by PEP
658 / range requests / whole file, sdists by a static ``pyproject.toml`` ``[project]`` table or
``PKG-INFO``, else a PEP 517 build; ``[tool.uv] dependency-metadata`` before all of these), and
runs prefetches on the HTTP client's thread pool so that the solver, which runs on the
calling thread, finds the answers already there. Failures become values the resolver can
explain (``IndexProblem``, ``Offline``, ``MetadataUnavailable``), with one exception: a build
that fails raises :class:`~prong.pep517.hooks.BuildFailed` out of ``metadata()``, which ends the
resolution (as uv's does) instead of letting it move on to an older version.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prong.errors import ProngError
from prong.resolver.index import (
    Found,
    IndexProblem,
    MetadataFound,
    MetadataResponse,
    MetadataUnavailable,
    NoIndex,
    NotFound,
    Offline,
    VersionCandidate,
    VersionsResponse,
)

if TYPE_CHECKING:
    from prong.client.http import HttpClient
    from prong.client.indexes import IndexConfig
    from prong.client.metadata import CoreMetadata, MetadataBuilder
    from prong.client.registry import RegistryClient
    from prong.dists import IndexFile, ProjectPage
    from prong.pep440.version import Version
    from prong.pep508.requirement import Requirement

log = logging.getLogger("prong.resolve")

#: How many versions of one project whose file cannot be fetched (an HTTP error status, no
#: response) the resolver may try before the run stops with :class:`FilesUnavailable`.
MAX_FETCH_FAILURES = 10


class FilesUnavailable(ProngError):
    """The files of :data:`MAX_FETCH_FAILURES` versions of one project could not be fetched: the
    index (or the host its files are on) is broken for this project, so the resolution stops
    instead of trying every older version (exit 1: the requested work failed)."""

    def __init__(self, name: str, index_url: str | None, versions: Sequence[Version],
                 last: MetadataUnavailable) -> None:
        self.name, self.index_url, self.versions, self.last = name, index_url, tuple(versions), last
        super().__init__(name, index_url, self.versions, last.reason)

    def __str__(self) -> str:
        where = f" listed by {self.index_url}" if self.index_url else ""
        shown = ", ".join(str(v) for v in self.versions[:3]) + (", ..." if len(self.versions) > 3 else "")
        return (f"the files of {len(self.versions)} versions of `{self.name}`{where} could not be fetched "
                f"({shown}); the last: {self.last.reason}")

    def hints(self) -> Sequence[str]:
        return (f"prong stops after {MAX_FETCH_FAILURES} versions of a project whose files fail; "
                f"check that the index serves the files it lists, or use another index",)


def _empty_page(name: str, index: IndexConfig, page: ProjectPage) -> IndexProblem:
    """The index has a page for ``name`` that lists nothing (an empty body, an HTML page without
    links, a JSON page with no files): uv says "there are no versions"; prong says so too, and
    which page it read, so that a broken mirror is not mistaken for a missing project."""
    from prong.client.auth import redact

    ctype = page.info.content_type.split(";", 1)[0].strip()
    what = f" ({ctype})" if ctype else ""
    return IndexProblem(
        f"The index page {redact(page.url)}{what} lists no files of `{name}`.",
        (f"If `{name}` should be on this index, check the index URL (a project's files are listed on its "
         f"Simple API page, PEP 503/691) and that the index serves that page whole.",),
        kind="empty-page", index_url=redact(index.url))


class RegistryIndex:
    """Answers the resolver from the configured indexes (thread-safe, memoised)."""

    def __init__(
        self,
        client: RegistryClient,
        http: HttpClient,
        *,
        pins: Mapping[str, str] | None = None,
        builder: MetadataBuilder | None = None,
        dependency_metadata: DependencyMetadata | None = None,
    ) -> None:
        self.client = client
        self.dependency_metadata = dependency_metadata
        self.http = http
        self.pins = dict(pins or {})
        self.builder = builder
        self._lock = threading.Lock()
        self._versions: dict[str, Future[VersionsResponse]] = {}
        self._metadata: dict[str, Future[MetadataResponse]] = {}
        self._fetch_failures: dict[str, dict[str, tuple[Version, MetadataUnavailable]]] = {}
        self._build_pool: Any = None  # speculative metadata builds (see ``speculate_build``)

    # -- versions ---------------------------------------------------------------------------

    def versions(self, name: str) -> VersionsResponse:
        return self._future(self._versions, name, lambda: self._load_versions(name)).result()

    def versions_from(self, name: str, index: str) -> VersionsResponse:
        """Every version of ``name`` on the one index ``index`` (a URL or name; a source in
        ``[tool.uv.sources]`` pins the package to it in some fork)."""
        key = f"{name}\x00{index}"
        return self._future(self._versions, key, lambda: self._load_versions(name, index)).result()

    def prefetch(self, names: Iterable[str]) -> None:
        for name in names:
            self._future(self._versions, name, lambda n=name: self._load_versions(n), background=True)

    def when_versions(self, name: str, callback: Callable[[VersionsResponse], None]) -> None:
        """Run ``callback(response)`` once the versions of ``name`` are known: on the thread that
        loads them (the page is fetched in the background if it is not yet), or at once when
        they are already here. Exceptions from ``callback`` are logged and dropped."""

        def done(fut: Future[VersionsResponse]) -> None:
            try:
                response = fut.result()
            except BaseException:  # surfaced to whoever asks ``versions``
                return
            try:
                callback(response)
            except Exception:
                log.debug("callback on the versions of %s failed", name, exc_info=True)

        fut = self._future(self._versions, name, lambda: self._load_versions(name), background=True)
        fut.add_done_callback(done)

    def _load_versions(self, name: str, index: str | None = None) -> VersionsResponse:
        from prong.client.auth import redact
        from prong.client.http import HttpError, NetworkError, OfflineError
        from prong.client.registry import IndexAccessError, IndexPageError
        from prong.client.simple import SimplePageError
        from prong.filenames import parse_dist_filename

        if self.client.indexes.no_index and not self.client.indexes.flat:
            return NoIndex()
        try:
            pages = self.client.project_pages(name, index if index is not None else self.pins.get(name))
        except OfflineError:
            return Offline()
        except IndexPageError as err:
            return IndexProblem(str(err), tuple(err.hints()), kind="empty-page", index_url=redact(err.index.url),
                                status=err.status)
        except IndexAccessError as err:
            return IndexProblem(str(err), tuple(err.hints()), kind="auth" if err.status in (401, 403) else "http",
                                index_url=redact(err.index.url), status=err.status)
        except (HttpError, NetworkError) as err:
            return IndexProblem(str(err), tuple(err.hints()), kind="http", status=getattr(err, "status", None))
        except SimplePageError as err:  # the index answered with something that is not a page: a fetch failure
            return IndexProblem(str(err), tuple(err.hints()) or (
                "the index answered with something that is not a Simple API page: check the index URL",),
                kind="http", index_url=redact(err.url))
        except ProngError as err:
            return IndexProblem(str(err), tuple(err.hints()), kind="other")
        if not pages:
            return NotFound()
        if all(not page.files and not page.info.n_links for _idx, page in pages):
            return _empty_page(name, *pages[0])
        by_version: dict[Version, tuple[list[Sequence[IndexFile]], str]] = {}

        def add(version: Version, files: Sequence[IndexFile], url: str) -> None:
            entry = by_version.get(version)
            if entry is None:
                by_version[version] = ([files], url)
            elif entry[1] == url:  # a version's files come from the first index that has it
                entry[0].append(files)

        # A big page lists ~15k wheels of ~150 versions: take a wheel's version from its second
        # dash-separated part and parse each distinct string once. The file the resolver picks
        # is parsed in full later; names that do not split cleanly take the full parser here.
        # A JSON page comes grouped by that part (``PageFiles.groups``) with its files unbuilt:
        # only the versions the resolver reads get their files built.
        wheel_versions: dict[str, Version | None] = {}
        for idx, page in pages:
            groups: Mapping[str | None, Sequence[IndexFile]] | None = getattr(page.files, "groups", None)
            loose: list[tuple[str, Sequence[IndexFile]]] = []
            if groups is None:
                loose = [(f.filename, (f,)) for f in page.files]
            else:
                # wheels first, then the sdists whose names split cleanly (``PageFiles.sdists``),
                # then the loose files: a version's files in the order they always came in
                sdists: Mapping[str, Sequence[IndexFile]] = getattr(page.files, "sdists", {})
                for vstr, group in (*groups.items(), *sdists.items()):
                    version: Version | None = None
                    if vstr is not None:
                        if vstr in wheel_versions:
                            version = wheel_versions[vstr]
                        else:
                            version = wheel_versions[vstr] = _wheel_version(vstr)
                    if version is None:
                        loose.extend(group.split())  # type: ignore[attr-defined]
                    else:
                        add(version, group, idx.url)
            for filename, one in loose:
                version = None
                if filename[-4:].lower() == ".whl":
                    parts = filename.split("-")
                    if 5 <= len(parts) <= 6 and parts[1]:
                        vstr = parts[1]
                        if vstr in wheel_versions:
                            version = wheel_versions[vstr]
                        else:
                            version = wheel_versions[vstr] = _wheel_version(vstr)
                if version is None:
                    try:
                        parsed = parse_dist_filename(filename, name)
                    except ProngError:
                        log.debug("%s: skipping %s (malformed file name)", name, filename)
                        continue
                    if parsed is None:
                        continue
                    version = parsed.version
                add(version, one, idx.url)
        candidates = tuple(
            VersionCandidate(version, _joined(parts_), url)
            for version, (parts_, url) in sorted(by_version.items(), key=lambda kv: kv[0], reverse=True)
        )
        return Found(candidates)

    # -- metadata ---------------------------------------------------------------------------

    def metadata(self, name: str, version: Version, file: IndexFile | None) -> MetadataResponse:
        """The metadata of ``name==version`` from ``file``, unless ``dependency_metadata`` has
        an entry for it. Raises :class:`~prong.pep517.hooks.BuildFailed` when the file is an
        sdist whose build failed (the only exception: every other failure is a value)."""
        declared = self.dependency_metadata.get(name, version) if self.dependency_metadata else None
        if declared is not None:
            return MetadataFound(declared)
        if file is None:
            return MetadataUnavailable("no distribution file to read metadata from")
        response = self._future(self._metadata, file.url, lambda: self._load_metadata(file)).result()
        if isinstance(response, MetadataUnavailable) and response.status is not None:
            self._count_fetch_failure(name, version, file, response)
        return response

    def _count_fetch_failure(self, name: str, version: Version, file: IndexFile,
                             response: MetadataUnavailable) -> None:
        """The resolver asked for a version whose file could not be fetched: after
        :data:`MAX_FETCH_FAILURES` such versions of one project, stop (uv stops at the first) rather
        than walk every version of a project whose files all fail (a 200 000-version page)."""
        with self._lock:
            failed = self._fetch_failures.setdefault(name, {})
            failed[file.url] = (version, response)
            if len(failed) < MAX_FETCH_FAILURES:
                return
            tried = list(failed.values())
        raise FilesUnavailable(name, self._index_of(name, version), [v for v, _ in tried], tried[-1][1])

    def _index_of(self, name: str, version: Version) -> str | None:
        """The URL of the index that listed ``name==version`` (when its page is here)."""
        from prong.client.auth import redact

        with self._lock:
            futures = [f for k, f in self._versions.items() if k == name or k.startswith(name + "\x00")]
        for fut in futures:
            if not fut.done() or fut.exception() is not None:
                continue
            found = fut.result()
            for cand in getattr(found, "candidates", ()):
                if cand.version == version:
                    return redact(cand.index_url)
        return None

    def prefetch_metadata(self, name: str, versions: Sequence[tuple[Version, IndexFile | None]]) -> None:
        for version, file in versions:
            if self.dependency_metadata and self.dependency_metadata.get(name, version, quiet=True) is not None:
                continue
            if file is not None and file.filename.endswith(".whl"):  # builds only via speculate_build
                self._future(self._metadata, file.url, lambda f=file: self._load_metadata(f), background=True)

    def speculate_build(self, name: str, version: Version, file: IndexFile) -> None:
        """Start reading the metadata of the sdist ``file`` (``name==version``, the version the
        resolver will most likely pick for a direct requirement) in the background, on a pool of
        at most one build per CPU: a build that the solver then needs is under way or done. The
        result is kept as :meth:`metadata` keeps it (a failed build is raised only to a caller
        that asks for this file); :meth:`stop_speculation` ends the pool."""
        if self.builder is None or file.filename.endswith(".whl"):
            return
        if self.dependency_metadata and self.dependency_metadata.get(name, version, quiet=True) is not None:
            return
        with self._lock:
            if file.url in self._metadata:
                return
            fut = self._metadata[file.url] = _Task()
            if self._build_pool is None:
                import os

                from prong.client.http import _Workers

                self._build_pool = _Workers(os.cpu_count() or 1, "prong-build")
            pool = self._build_pool
        try:
            pool.submit(_fill, fut, lambda: self._load_metadata(file))
        except RuntimeError:  # the pool was stopped: whoever asks loads it on their thread
            pass

    def stop_speculation(self) -> None:
        """Drop the speculative builds not started, and wait for those under way (their build
        environments and temporary directories are cleaned up before the process ends)."""
        with self._lock:
            pool, self._build_pool = self._build_pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def when_metadata(self, file: IndexFile, callback: Callable[[MetadataResponse], None]) -> None:
        """Run ``callback(response)`` once the metadata of wheel ``file`` is here, as
        :meth:`when_versions` does for pages. Source distributions are never fetched for this
        (a build is never speculative): for them the callback only runs if another caller
        already asked for the metadata."""
        if file.filename.endswith(".whl"):
            fut = self._future(self._metadata, file.url, lambda: self._load_metadata(file), background=True)
        else:
            with self._lock:
                fut = self._metadata.get(file.url)  # type: ignore[assignment]
            if fut is None:
                return

        def done(f: Future[MetadataResponse]) -> None:
            try:
                response = f.result()
            except BaseException:
                return
            try:
                callback(response)
            except Exception:
                log.debug("callback on the metadata of %s failed", file.filename, exc_info=True)

        fut.add_done_callback(done)

    def _load_metadata(self, file: IndexFile) -> MetadataResponse:
        from prong.client.http import HttpError, NetworkError
        from prong.client.metadata import dist_metadata, parse_metadata

        from prong.pep517.hooks import BuildFailed

        try:
            raw = dist_metadata(self.http, file, self.builder)
            md = parse_metadata(raw)
        except BuildFailed:
            raise  # fatal: the resolution stops (kept in the future: asked again, raised again)
        except (HttpError, NetworkError) as err:
            return MetadataUnavailable(str(err).splitlines()[0] if str(err) else type(err).__name__,
                                       status=getattr(err, "status", 0))
        except ProngError as err:
            return MetadataUnavailable(str(err).splitlines()[0] if str(err) else type(err).__name__)
        problem = _metadata_problem(file, md)
        if problem is not None:
            return MetadataUnavailable(problem)
        # parsed here, on the fetching thread, so that the solver finds Requirement values
        return MetadataFound(ParsedMetadata(md.name, md.version, tuple(_requirement(r) for r in md.requires_dist),
                                            md.requires_python, md.provides_extra))

    # -- plumbing ---------------------------------------------------------------------------

    def _future(self, table: dict[str, Future], key: str, load, background: bool = False) -> Future:  # type: ignore[type-arg]
        with self._lock:
            fut = table.get(key)
            if fut is None:
                fut = table[key] = _Task()
            elif background or fut.claimed:
                return fut
            else:
                # queued behind prefetches and now needed by the solver: load it on this thread
                # (the queued task finds it taken and returns)
                fut = None
        if fut is None:
            fut = table[key]
            _fill(fut, load)
            return fut
        if background:
            self.http.executor.submit(_fill, fut, load)
        else:
            _fill(fut, load)
        return fut


def _metadata_problem(file: IndexFile, md: CoreMetadata) -> str | None:
    """Why a wheel's METADATA cannot be trusted, or ``None``: its ``Name``/``Version`` must be the
    file name's (uv rejects such a wheel too: installing it would install another project), and
    its ``Requires-Python`` must parse. The words name the file and its URL."""
    from prong.client.auth import redact
    from prong.filenames import WheelFilename, parse_dist_filename
    from prong.pep440.specifiers import parse_specifiers
    from prong.pep440.version import parse_version
    from prong.pep508.names import normalize_name

    where = f"{file.filename} ({redact(file.url)})"
    try:
        parsed = parse_dist_filename(file.filename)
    except ProngError:
        parsed = None
    if isinstance(parsed, WheelFilename):
        try:
            same_name = normalize_name(md.name) == normalize_name(str(parsed.name))
        except ProngError:
            same_name = False
        if not same_name:
            return f"the METADATA of {where} names the project `{md.name}`, not `{parsed.name}`"
        try:
            same_version = parse_version(md.version) == parse_version(str(parsed.version))
        except ProngError:
            same_version = False
        if not same_version:
            return f"the METADATA of {where} gives version `{md.version}`, not `{parsed.version}`"
    if md.requires_python:
        try:
            parse_specifiers(md.requires_python)
        except ProngError:
            return f"the METADATA of {where} has an invalid Requires-Python `{md.requires_python}`"
    return None


@dataclass(frozen=True, slots=True)
class ParsedMetadata:
    """Core metadata with ``requires_dist`` parsed (a string stays where it does not parse: the
    resolver reports it)."""

    name: str
    version: str
    requires_dist: tuple[Requirement | str, ...]
    requires_python: str | None
    provides_extra: tuple[str, ...]


class DependencyMetadata:
    """``[tool.uv] dependency-metadata``: metadata declared by the user, which replaces what the
    files say (nothing is fetched or built for a version it covers), as in uv.

    Each entry is a table with ``name``, and optionally ``version``, ``requires-dist``,
    ``requires-python``, ``provides-extras`` (or ``provides-extra``). For a version, the entry
    with that exact version is used, else one without a version; a name with entries but none
    for the version is logged (as uv's trace does) and its files are read as usual.
    """

    def __init__(self, entries: Iterable[Mapping[str, object]] = (), origin: str = "dependency-metadata",
                 file: str | None = None) -> None:
        from prong.pep440.version import parse_version
        from prong.pep508.names import normalize_extra, normalize_name
        from prong.pep508.requirement import parse_requirement

        self._entries: dict[str, list[tuple[Version | None, ParsedMetadata]]] = {}
        for i, entry in enumerate(entries):
            where = (file, f"{origin}[{i}]")
            if not isinstance(entry, Mapping):
                raise DependencyMetadataError(where, "must be a table")
            unknown = sorted(set(entry) - {"name", "version", "requires-dist", "requires-python",
                                           "provides-extras", "provides-extra"})
            if unknown:
                raise DependencyMetadataError(where, f"unknown field `{unknown[0]}`")
            name = entry.get("name")
            if not isinstance(name, str):
                raise DependencyMetadataError(where, "needs `name`, a string")
            raw_version = entry.get("version")
            reqs = entry.get("requires-dist", [])
            rp = entry.get("requires-python")
            extras = entry.get("provides-extras", entry.get("provides-extra", []))
            if not (isinstance(reqs, list) and all(isinstance(r, str) for r in reqs)):
                raise DependencyMetadataError(where, "`requires-dist` must be a list of strings")
            if not (isinstance(extras, list) and all(isinstance(e, str) for e in extras)):
                raise DependencyMetadataError(where, "`provides-extras` must be a list of strings")
            if rp is not None and not isinstance(rp, str):
                raise DependencyMetadataError(where, "`requires-python` must be a string")
            try:
                version = parse_version(raw_version) if isinstance(raw_version, str) else None
                requirements = [parse_requirement(text) for text in reqs]
                key = normalize_name(name)
            except ProngError as err:
                raise DependencyMetadataError(where, str(err)) from None
            if raw_version is not None and version is None:
                raise DependencyMetadataError(where, "`version` must be a string")
            md = ParsedMetadata(key, str(version) if version else "", tuple(requirements), rp,
                                tuple(normalize_extra(e) for e in extras))
            self._entries.setdefault(key, []).append((version, md))

    def __bool__(self) -> bool:
        return bool(self._entries)

    def get(self, name: str, version: Version, *, quiet: bool = False) -> ParsedMetadata | None:
        entries = self._entries.get(name)
        if not entries:
            return None
        hit = next((md for v, md in entries if v == version), None)
        if hit is None:
            hit = next((md for v, md in entries if v is None), None)
        if hit is None:
            if not quiet:
                log.info("no dependency-metadata entry for `%s==%s`: reading its files", name, version)
            return None
        return ParsedMetadata(hit.name, str(version), hit.requires_dist, hit.requires_python, hit.provides_extra)


class DependencyMetadataError(ProngError):
    """A ``dependency-metadata`` entry that cannot be read."""

    def __init__(self, where: tuple[str | None, str], problem: str) -> None:
        self.file, self.key = where
        self.problem = problem
        prefix = f"{self.file}: " if self.file else ""
        super().__init__(f"{prefix}`{self.key}`: {problem}")


# requirement text -> parsed value, shared by every version and thread (~40 % of the strings
# of a large resolution repeat: versions tried one after another declare the same ones)
_REQUIREMENTS: dict[str, Requirement | str] = {}


def _requirement(text: str) -> Requirement | str:
    hit = _REQUIREMENTS.get(text)
    if hit is None:
        from prong.pep508.requirement import parse_requirement

        try:
            hit = parse_requirement(text)
            hit.marker_tree  # noqa: B018  (parsed now, off the solver's thread)
        except ProngError:
            hit = text
        _REQUIREMENTS[text] = hit
    return hit


def _joined(parts: list[Sequence[IndexFile]]) -> tuple[IndexFile, ...]:
    """One version's files from the pieces found for it (unbuilt pieces stay unbuilt)."""
    first = parts[0]
    if len(parts) == 1:
        return first  # type: ignore[return-value]
    joined = getattr(first, "joined", None)
    if joined is not None:
        return joined(parts[1:])  # type: ignore[no-any-return]
    return tuple(f for part in parts for f in part)


def _wheel_version(text: str) -> Version | None:
    from prong.pep440.version import parse_version

    try:
        return parse_version(text)
    except ProngError:
        return None


_CLAIMS = threading.Lock()


class _Task(Future):  # type: ignore[type-arg]
    """A future that one thread claims before loading it: a queued prefetch and a solver that
    needs the answer now may both try (see ``RegistryIndex._future``)."""

    claimed = False

    def claim(self) -> bool:
        with _CLAIMS:
            if self.claimed:
                return False
            self.claimed = True
            return True


def _fill(fut: _Task, load) -> None:  # type: ignore[no-untyped-def]
    if not fut.claim() or not fut.set_running_or_notify_cancel():
        return
    try:
        result = load()
    except BaseException as err:  # surfaced to whoever waits on it
        fut.set_exception(err)
    else:
        # outside the try: a Ctrl-C that lands inside set_result (the future already finished)
        # must not be set on it a second time (InvalidStateError)
        fut.set_result(result)
