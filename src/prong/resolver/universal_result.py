"""What a universal resolution hands to the lock builder: one resolution per fork, as uv's
``Resolution`` (``crates/uv-resolver/src/resolver/resolution.rs``) holds it.

The universal resolver (``prong.resolver.universal``) produces a :class:`UniversalResolution`;
``prong.lock.build`` merges its forks into one graph (uv's ``ResolverOutput::from_state``: edge
markers AND-ed with the fork's markers, marker reachability, conflict markers) and writes the
``Lock`` (uv's ``Lock::from_resolution``). Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prong.dists import IndexFile
    from prong.pep440.version import Version
    from prong.pep508.markers import MarkerTree

__all__ = [
    "ConflictItemRef",
    "DistSource",
    "ForkEnv",
    "ForkResolution",
    "Node",
    "PinnedDist",
    "ResolutionEdge",
    "UniversalResolution",
]


@dataclass(frozen=True, slots=True, order=True)
class DistSource:
    """Where a distribution comes from. ``kind`` is ``registry`` (``value``: the index URL exactly
    as configured, e.g. as written in ``[[tool.uv.index]]``, trailing slash kept), ``editable``,
    ``virtual`` or ``directory`` (``value``: the path relative to the workspace root, ``.`` for the
    root project), ``path`` or ``url`` (a file), ``git``."""

    kind: str
    value: str
    subdirectory: str | None = None  # a ``url`` source's


@dataclass(frozen=True, slots=True, order=True)
class Node:
    """A node of one fork's resolution (uv's ``ResolutionPackage`` with its version): a project,
    or one of its extras (``extra``), or one of its dependency groups (``group``). ``name`` is
    ``None`` for the root (the resolution's own requirements, not a package)."""

    name: str | None
    version: Version | None
    source: DistSource | None = None
    extra: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class ResolutionEdge:
    """``parent`` depends on ``child`` under ``marker``: the requirement's marker as uv's
    PubGrub package carries it (the parent's extra already assigned: ``extra == 'cpu'`` is gone
    from an edge out of ``project[cpu]``), not yet AND-ed with the fork's markers."""

    parent: Node
    child: Node
    marker: MarkerTree


@dataclass(frozen=True, slots=True, order=True)
class ConflictItemRef:
    """One item of a ``[tool.uv] conflicts`` set: ``package`` with an ``extra`` or a ``group``."""

    package: str
    extra: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class ForkEnv:
    """The environment a fork was solved under: its PEP 508 markers (true when the resolution did
    not fork) and the conflict items it includes and excludes (uv's ``ResolverEnvironment``)."""

    markers: MarkerTree
    included: frozenset[ConflictItemRef] = frozenset()
    excluded: frozenset[ConflictItemRef] = frozenset()


@dataclass(frozen=True, slots=True)
class PinnedDist:
    """The distribution chosen for a (name, version, source): every file its index lists for that
    version (after ``--exclude-newer``; the lock builder filters wheels by ``requires-python`` and
    ``environments`` as uv does), and the metadata the resolver read."""

    name: str
    version: Version
    source: DistSource
    files: tuple[IndexFile, ...] = ()
    requires_dist: tuple[str, ...] = ()
    provides_extra: tuple[str, ...] = ()
    requires_python: str | None = None


@dataclass(frozen=True, slots=True)
class ForkResolution:
    """One fork's solution: the nodes with their versions, the edges between them, the chosen
    distributions (by name, version and source)."""

    env: ForkEnv
    nodes: tuple[Node, ...]
    edges: tuple[ResolutionEdge, ...]
    pins: Mapping[tuple[str, Version, DistSource], PinnedDist] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UniversalResolution:
    """Every fork's solution, in the order the resolver finished them, and the range of Pythons
    the lock covers (``requires-python`` of the project, narrowed by ``environments``)."""

    forks: tuple[ForkResolution, ...]
    requires_python: str
    warnings: tuple[str, ...] = ()
