"""Distribution files as an index lists them (PEP 503 / 691 / 592 / 658 / 700), as plain values.

An :class:`IndexFile` is one link of a project page; a :class:`ProjectPage` is the parsed page,
with :class:`PageInfo` keeping what is needed to tell a real Simple API page from a web page
that merely looks like one (the devpi web interface, say).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["IndexFile", "PageInfo", "ProjectPage"]

Hashes = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class IndexFile:
    """One distribution file on a project page.

    ``url`` is absolute with the fragment removed (a ``#sha256=`` fragment lands in ``hashes``).
    ``yanked`` is ``None`` when the file is not yanked and the reason (maybe ``""``) when it is.
    ``core_metadata`` is ``False`` (no PEP 658 file), ``True`` (one without hashes) or its hashes.
    """

    filename: str
    url: str
    hashes: Hashes = ()
    requires_python: str | None = None
    yanked: str | None = None
    core_metadata: bool | Hashes = False
    upload_time: str | None = None
    size: int | None = None

    @property
    def sha256(self) -> str | None:
        for algo, digest in self.hashes:
            if algo == "sha256":
                return digest
        return None

    @property
    def is_yanked(self) -> bool:
        return self.yanked is not None

    @property
    def has_core_metadata(self) -> bool:
        return self.core_metadata is not False

    @property
    def metadata_url(self) -> str:
        """Where PEP 658 puts the file's core metadata (whether or not the index serves it)."""
        return self.url + ".metadata"


@dataclass(frozen=True, slots=True)
class PageInfo:
    """Facts about the response a page came from: what a web-page detector needs."""

    content_type: str = ""
    title: str | None = None
    n_links: int = 0
    devpi_markers: tuple[str, ...] = ()
    server_version: str | None = None
    non_dist_links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProjectPage:
    """A parsed project page: the files of ``project`` (normalized name) found at ``url``."""

    project: str
    url: str
    files: tuple[IndexFile, ...] = ()
    versions: tuple[str, ...] = ()
    info: PageInfo = PageInfo()

    @property
    def is_empty(self) -> bool:
        return not self.files
