"""A generic PubGrub version solver (Natalie Weizenbaum's algorithm, pubgrub-rs's shape).

It knows nothing about Python packaging: packages are any hashable values, versions are
opaque, and version sets implement ``VersionSet``. ``solve`` runs the reference loop over a
``DependencyProvider``; resolvers that fork drive ``State`` directly.
"""

from __future__ import annotations

from prong.pubgrub.incompat import (
    DerivedFrom,
    External,
    FromDependencyOf,
    Incompatibility,
    NotRoot,
    NoVersions,
    UnavailableVersions,
)
from prong.pubgrub.partial import PartialSolution
from prong.pubgrub.provider import Available, Dependencies, DependencyProvider, Unavailable
from prong.pubgrub.report import (
    DefaultFormatter,
    DefaultReport,
    DerivationTree,
    Derived,
    NoSolution,
    ReportFormatter,
    collapse_no_versions,
    derivation_tree,
    externals,
)
from prong.pubgrub.solve import solve
from prong.pubgrub.state import State
from prong.pubgrub.term import Relation, Term
from prong.pubgrub.version_set import VersionSet

__all__ = [
    "Available",
    "DefaultFormatter",
    "DefaultReport",
    "Dependencies",
    "DependencyProvider",
    "DerivationTree",
    "Derived",
    "DerivedFrom",
    "External",
    "FromDependencyOf",
    "Incompatibility",
    "NoSolution",
    "NoVersions",
    "NotRoot",
    "PartialSolution",
    "Relation",
    "ReportFormatter",
    "State",
    "Term",
    "Unavailable",
    "UnavailableVersions",
    "VersionSet",
    "collapse_no_versions",
    "derivation_tree",
    "externals",
    "solve",
]
