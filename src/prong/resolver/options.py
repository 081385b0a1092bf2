"""Resolver options (the settings of ``pip compile`` that change which versions are picked)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prong.tags import Target


class PrereleaseMode(enum.Enum):
    """``--prerelease``; uv's default is ``if-necessary-or-explicit``, which uv 0.13 treats as
    ``if-necessary``: a stable version is preferred, a pre-release is taken only when no stable
    version in the range is usable."""

    DISALLOW = "disallow"
    ALLOW = "allow"
    IF_NECESSARY = "if-necessary"
    EXPLICIT = "explicit"
    IF_NECESSARY_OR_EXPLICIT = "if-necessary-or-explicit"


class ResolutionMode(enum.Enum):
    """``--resolution``."""

    HIGHEST = "highest"
    LOWEST = "lowest"
    LOWEST_DIRECT = "lowest-direct"


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolverOptions:
    """How versions are chosen. ``no_build`` / ``no_binary`` are ``True`` (all) or names."""

    resolution: ResolutionMode = ResolutionMode.HIGHEST
    prerelease: PrereleaseMode = PrereleaseMode.IF_NECESSARY_OR_EXPLICIT
    exclude_newer: datetime | None = None
    #: ``exclude-newer-package``: a cut-off per package name (``None``: no cut-off for it)
    exclude_newer_package: Mapping[str, datetime | None] = field(default_factory=dict)
    no_build: bool | frozenset[str] = False
    no_binary: bool | frozenset[str] = False

    def exclude_newer_for(self, name: str) -> datetime | None:
        if name in self.exclude_newer_package:
            return self.exclude_newer_package[name]
        return self.exclude_newer

    def builds_disabled(self, name: str) -> bool:
        """As uv: building for all packages is disabled except those named in ``no_binary``."""
        if self.no_build is True:
            return isinstance(self.no_binary, bool) or name not in self.no_binary
        return not isinstance(self.no_build, bool) and name in self.no_build

    def binaries_disabled(self, name: str) -> bool:
        """As uv: wheels of all packages are refused except those named in ``no_build``."""
        if self.no_binary is True:
            return isinstance(self.no_build, bool) or name not in self.no_build
        return not isinstance(self.no_binary, bool) and name in self.no_binary


@dataclass(frozen=True, slots=True)
class ResolverEnvironment:
    """One environment to resolve for: a target, and whether its Python was requested
    (``--python-version``: shown as "the requested Python version (>=3.9)") or is the
    running interpreter's ("the current Python version (3.11.7)")."""

    target: Target
    requested_python: bool = False
    markers: Mapping[str, str] | None = field(default=None, compare=False)

    def marker_environment(self) -> Mapping[str, str]:
        if self.markers is not None:
            return self.markers
        return self.target.marker_environment()

    @property
    def python_version(self) -> str:
        """``3.12`` when requested as ``3.12`` (or ``3.12.0``); the full version when requested
        with a patch (``--python-version 3.11.7``) or when it is the running interpreter's:
        ``Requires-Python: >=3.11.5`` admits 3.11.7, not 3.11, as in uv."""
        major, minor = self.target.python_version
        full = self.target.python_full_version
        if not full or (self.requested_python and full.split(".")[2:] in (["0"], [])):
            return f"{major}.{minor}"
        return full

    @property
    def python_full_version(self) -> str:
        major, minor = self.target.python_version
        return self.target.python_full_version or f"{major}.{minor}.0"
