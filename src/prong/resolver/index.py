"""The resolver/I-O seam: what the resolver asks of a package index.

The real implementation (HTTP, cache, threads) lives in ``prong.sources.index``; tests use
``tests.support.scenario_index.ScenarioIndex``. Every answer is a value: an index that cannot
be reached, a page with no files or a 401 are data the resolver turns into explanations; the
resolvers raise :class:`IndexFetchFailed` when a package they need could not be fetched at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Union

from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.dists import IndexFile
    from prong.pep440.version import Version


@dataclass(frozen=True, slots=True)
class IndexProblem:
    """Something an index said that hid (some of) a package's files.

    ``kind`` is ``"empty-page"`` (a project page with no distribution files), ``"auth"``
    (401/403: ``status`` set), ``"http"`` (any other failure) or ``"other"``. ``message`` is a
    full sentence from the index client (for an empty page it carries the ``+simple`` probe
    result); ``hints`` are extra sentences the client wants shown.
    """

    message: str
    hints: tuple[str, ...] = ()
    kind: str = "other"
    index_url: str | None = None
    status: int | None = None


class IndexFetchFailed(ProngError):
    """The versions of a package could not be fetched (a refused connection, a timeout, an HTTP
    error status) and no other index served it: the fetch failure is the error itself, as in uv,
    not a "No solution found" whose cause hides in a hint (exit 1: the requested work failed)."""

    def __init__(self, name: str, problem: IndexProblem) -> None:
        self.name = name
        self.problem = problem
        super().__init__(name, problem.message)

    def __str__(self) -> str:
        return f"could not fetch the versions of `{self.name}`: {self.problem.message.splitlines()[0]}"

    def hints(self) -> tuple[str, ...]:
        if self.problem.hints:
            return self.problem.hints
        if "timeout" in self.problem.message:
            return ("the index did not answer in time: check that it is up, or allow more time with "
                    "UV_HTTP_TIMEOUT (seconds) and UV_HTTP_RETRIES",)
        return ("check the index URL and that its server is up",)


def fetch_failure(response: object) -> IndexProblem | None:
    """The fetch failure that is the whole answer for a package, if ``response`` is one: an
    ``IndexProblem`` of kind ``http``, or "not found" where an index failed that way."""
    if isinstance(response, IndexProblem):
        return response if response.kind == "http" else None
    if isinstance(response, NotFound):
        return next((p for p in response.problems if p.kind == "http"), None)
    return None


@dataclass(frozen=True, slots=True)
class VersionCandidate:
    """One version of a project as an index lists it, with all of its files.

    ``files`` is a tuple or a sequence that builds its files on first read (a JSON page's
    files, ``prong.client.simple.LazyFiles``, which also has ``uploaded_before(day)``)."""

    version: Version
    files: tuple[IndexFile, ...]
    index_url: str


@dataclass(frozen=True, slots=True)
class Found:
    """The project's versions (maybe none); ``problems`` are indexes that failed beside it."""

    candidates: tuple[VersionCandidate, ...]
    problems: tuple[IndexProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class NotFound:
    """No index knows the project (404 everywhere)."""

    reason: str = ""
    problems: tuple[IndexProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class NoIndex:
    """Index lookups are disabled (``--no-index``) and no local source has the project;
    ``find_links`` are the local locations that were searched (none: say so in a hint)."""

    find_links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Offline:
    """The network is disabled (``--offline``) and the cache has no page for the project."""


VersionsResponse = Union[Found, NotFound, NoIndex, Offline, IndexProblem]


class CoreMetadataLike(Protocol):
    """The part of core metadata the resolver reads (``prong.client.metadata.CoreMetadata``)."""

    @property
    def requires_dist(self) -> Sequence[object]: ...  # requirement strings or Requirement values

    @property
    def requires_python(self) -> object | None: ...  # specifier text or SpecifierSet

    @property
    def provides_extra(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class MetadataFound:
    metadata: CoreMetadataLike


@dataclass(frozen=True, slots=True)
class MetadataUnavailable:
    """Metadata could not be had (download failed, build failed, invalid): ``reason`` says why;
    ``status`` is the HTTP status when the file could not be fetched (``0``: no response at all),
    ``None`` when it was fetched but is unusable."""

    reason: str
    status: int | None = None


MetadataResponse = Union[MetadataFound, MetadataUnavailable]


class PackageIndex(Protocol):
    """Answers the resolver's questions; implementations may block, cache and prefetch."""

    def versions(self, name: str) -> VersionsResponse:
        """Every version of ``name`` (a normalized name) over all configured indexes."""
        ...

    def metadata(self, name: str, version: Version, file: IndexFile | None) -> MetadataResponse:
        """Core metadata of ``name==version``, read from ``file`` (the file the resolver chose)."""
        ...

    def prefetch(self, names: Iterable[str]) -> None:
        """A hint: the resolver will soon ask ``versions`` of these names. May do nothing."""
        ...

    def prefetch_metadata(
        self, name: str, versions: Sequence[tuple[Version, IndexFile | None]]
    ) -> None:
        """A hint: the resolver may soon ask ``metadata`` for these (version, file) pairs."""
        ...
