"""The lock model: what a ``uv.lock`` (version 1) says, as typed, immutable values.

The model is semantic, not syntactic: a dependency edge always carries the full identity of the
package it points to (name, version, source), although the file leaves version and source out when
only one package has that name; :mod:`prong.lock.text` fills them in on reading and leaves them out
again on writing. Markers and specifiers stay the strings uv wrote (already simplified against
``requires-python``); requirements recorded for change detection (``[package.metadata]``,
``[manifest]``) keep their fields in the order of the file, so that a lock read and written again
is the same text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

#: The lock format version prong reads and writes, and the revision it writes (the one uv 0.13.9
#: writes). Any revision of version 1 is read, as uv does: a revision only adds optional fields.
LOCK_VERSION = 1
LOCK_REVISION = 5

#: Source kinds, in the words of the file: the key of the ``source`` inline table.
SOURCE_KINDS = ("registry", "git", "url", "path", "directory", "editable", "virtual")


@dataclass(frozen=True, slots=True, order=True)
class LockSource:
    """Where a package comes from: ``{ registry = "https://…/simple" }``, ``{ virtual = "." }``, ...

    ``value`` is a URL (registry, git, url) or a path relative to the project (forward slashes);
    ``subdirectory`` goes with ``url`` sources only.
    """

    kind: str
    value: str
    subdirectory: str | None = None

    @property
    def is_registry(self) -> bool:
        return self.kind == "registry"

    @property
    def is_local(self) -> bool:
        """A source tree or file of the project's own (path, directory, editable, virtual)."""
        return self.kind in ("path", "directory", "editable", "virtual")


@dataclass(frozen=True, slots=True, order=True)
class PackageId:
    """What tells two packages of a lock apart: the name, the version (``None`` for a source tree
    whose version is dynamic) and the source."""

    name: str
    version: str | None
    source: LockSource

    def __str__(self) -> str:
        version = f" {self.version}" if self.version is not None else ""
        return f"{self.name}{version} ({self.source.kind} {self.source.value})"


@dataclass(frozen=True, slots=True)
class LockDependency:
    """An edge of the graph: the package it points to, the extras of that package it enables, and
    the marker under which it applies (``None``: always)."""

    package: PackageId
    extras: tuple[str, ...] = ()
    marker: str | None = None

    @property
    def name(self) -> str:
        return self.package.name


@dataclass(frozen=True, slots=True)
class Zstd:
    """The zstd-compressed form of a wheel some indexes offer."""

    hash: str | None = None
    size: int | None = None


@dataclass(frozen=True, slots=True)
class LockArtifact:
    """One sdist or wheel: exactly one of ``url``, ``path`` (relative to the project) or ``filename``
    (a wheel of a flat index known only by name), its ``hash`` (``algorithm:hex``), size in bytes and
    upload time (RFC 3339), each when known. An sdist of a source tree has only a hash, or nothing."""

    url: str | None = None
    path: str | None = None
    filename: str | None = None
    hash: str | None = None
    size: int | None = None
    upload_time: str | None = None
    zstd: Zstd | None = None

    @property
    def name(self) -> str | None:
        """The file name (the last part of the URL or path), when the artifact has one."""
        if self.filename is not None:
            return self.filename
        location = self.url or self.path
        if location is None:
            return None
        if self.url:  # the URL's path, without urlsplit (this runs for every wheel of a sync)
            location = location.split("#", 1)[0].split("?", 1)[0]
        tail = location.rsplit("/", 1)[-1]
        if "%" in tail:
            from urllib.parse import unquote

            tail = unquote(tail)
        return tail or None


@dataclass(frozen=True, slots=True)
class InlineTable:
    """An inline table kept as the file wrote it: its fields in order, nested tables as
    ``InlineTable`` and arrays as tuples."""

    fields: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        for k, v in self.fields:
            if k == key:
                return v
        return default

    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.fields)


@dataclass(frozen=True, slots=True)
class LockRequirement(InlineTable):
    """A requirement as the lock records it for change detection (``requires-dist``, the manifest's
    ``requirements``, ``constraints``, ...): an inline table whose fields (``name``, ``extras``,
    ``marker``, ``specifier``, ``index``, ``git``, ``url``, ``path``, ``editable``, ``conflict``, ...)
    are kept in the file's order."""

    @classmethod
    def of(cls, **values: Any) -> LockRequirement:
        """Build one from keyword arguments (``_`` in names stands for ``-``); ``None`` is left out."""
        return cls(tuple((k.replace("_", "-"), v) for k, v in values.items() if v is not None))

    @property
    def name(self) -> str:
        return str(self.get("name", ""))

    @property
    def specifier(self) -> str | None:
        return self.get("specifier")

    @property
    def marker(self) -> str | None:
        return self.get("marker")

    @property
    def extras(self) -> tuple[str, ...]:
        return tuple(self.get("extras", ()))


@dataclass(frozen=True, slots=True)
class PackageMetadata:
    """``[package.metadata]``: the requirements of a project the lock was made from (workspace
    members and local sources), to tell whether the lock is still up to date."""

    requires_dist: tuple[LockRequirement, ...] = ()
    provides_extras: tuple[str, ...] = ()
    requires_dev: Mapping[str, tuple[LockRequirement, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LockedPackage:
    """A ``[[package]]`` table."""

    id: PackageId
    resolution_markers: tuple[str, ...] = ()
    dependencies: tuple[LockDependency, ...] = ()
    #: ``[tool.uv] default-groups`` of a workspace member, when the project sets it (uv 0.13.9
    #: writes it after ``source``): group names, or ``"all"``.
    default_groups: tuple[str, ...] | str | None = None
    sdist: LockArtifact | None = None
    wheels: tuple[LockArtifact, ...] = ()
    optional_dependencies: Mapping[str, tuple[LockDependency, ...]] = field(default_factory=dict)
    dev_dependencies: Mapping[str, tuple[LockDependency, ...]] = field(default_factory=dict)
    metadata: PackageMetadata = field(default_factory=PackageMetadata)

    @property
    def name(self) -> str:
        return self.id.name

    @property
    def version(self) -> str | None:
        return self.id.version

    @property
    def source(self) -> LockSource:
        return self.id.source

    def all_dependencies(self) -> Iterator[LockDependency]:
        """Every edge out of this package: the plain ones, then each extra's, then each group's."""
        yield from self.dependencies
        for deps in self.optional_dependencies.values():
            yield from deps
        for deps in self.dev_dependencies.values():
            yield from deps


@dataclass(frozen=True, slots=True)
class Conflict:
    """One member of a ``conflicts`` set: an extra or a group of a package, or the package itself."""

    package: str
    extra: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class DependencyMetadata:
    """A ``[[manifest.dependency-metadata]]`` table (``[[tool.uv.dependency-metadata]]`` as locked)."""

    name: str
    version: str | None = None
    requires_dist: tuple[Any, ...] = ()
    requires_python: str | None = None
    provides_extras: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LockOptions:
    """``[options]``: the resolver settings the lock was made with, where not uv's defaults.

    ``exclude_newer_package`` maps a package to a timestamp, ``False`` (no cut-off for it) or a
    ``{timestamp, span}`` table, as written.
    """

    resolution_mode: str | None = None
    prerelease_mode: str | None = None
    fork_strategy: str | None = None
    exclude_newer: str | None = None
    exclude_newer_span: str | None = None
    prerelease_package: Mapping[str, str] = field(default_factory=dict)
    exclude_newer_package: Mapping[str, str | bool | InlineTable] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(
            (self.resolution_mode, self.prerelease_mode, self.fork_strategy, self.exclude_newer,
             self.exclude_newer_span, self.prerelease_package, self.exclude_newer_package)
        )


@dataclass(frozen=True, slots=True)
class LockManifest:
    """``[manifest]``: the workspace's members and the requirements that do not belong to one package
    (constraints, overrides, ...), to tell whether the lock is still up to date."""

    members: tuple[str, ...] = ()
    requirements: tuple[LockRequirement, ...] = ()
    constraints: tuple[LockRequirement, ...] = ()
    overrides: tuple[LockRequirement, ...] = ()
    excludes: tuple[str, ...] = ()
    build_constraints: tuple[LockRequirement, ...] = ()
    dependency_groups: Mapping[str, tuple[LockRequirement, ...]] = field(default_factory=dict)
    dependency_metadata: tuple[DependencyMetadata, ...] = ()

    def __bool__(self) -> bool:
        return any(
            (self.members, self.requirements, self.constraints, self.overrides, self.excludes,
             self.build_constraints, any(self.dependency_groups.values()), self.dependency_metadata)
        )


@dataclass(frozen=True, slots=True)
class Lock:
    """A whole ``uv.lock``."""

    requires_python: str
    packages: tuple[LockedPackage, ...] = ()
    version: int = LOCK_VERSION
    revision: int = LOCK_REVISION
    resolution_markers: tuple[str, ...] = ()
    supported_markers: tuple[str, ...] = ()
    required_markers: tuple[str, ...] = ()
    conflicts: tuple[tuple[Conflict, ...], ...] = ()
    options: LockOptions = field(default_factory=LockOptions)
    manifest: LockManifest = field(default_factory=LockManifest)

    def find(self, name: str) -> tuple[LockedPackage, ...]:
        """The packages named ``name`` (normalized), in lock order; more than one where the lock forks."""
        from prong.pep508.names import normalize_name

        key = normalize_name(name)
        return tuple(p for p in self.packages if p.name == key)

    def package(self, package_id: PackageId) -> LockedPackage:
        """The package with this identity (``KeyError`` when the lock has none)."""
        for p in self.packages:
            if p.id == package_id:
                return p
        raise KeyError(str(package_id))

    def roots(self) -> tuple[LockedPackage, ...]:
        """The project's own packages: those from a virtual, editable or directory source at ``.``
        or named in ``[manifest] members``."""
        members = set(self.manifest.members)
        return tuple(
            p for p in self.packages
            if p.name in members or (p.source.kind in ("virtual", "editable", "directory") and p.source.value == ".")
        )


__all__ = [
    "LOCK_REVISION",
    "LOCK_VERSION",
    "SOURCE_KINDS",
    "Conflict",
    "DependencyMetadata",
    "InlineTable",
    "Lock",
    "LockArtifact",
    "LockDependency",
    "LockManifest",
    "LockOptions",
    "LockRequirement",
    "LockSource",
    "LockedPackage",
    "PackageId",
    "PackageMetadata",
    "Zstd",
]
