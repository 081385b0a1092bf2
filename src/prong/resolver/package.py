"""The packages the solver sees (uv's ``PubGrubPackage``).

``Root`` is the user's requirements; ``Python`` stands for the target interpreter (a candidate's
``Requires-Python`` is a dependency on it, and its only version is the target's); ``Package``
is a project; ``Extra`` is a proxy for ``name[extra]`` that depends on ``Package(name)`` at the
same version plus the extra's own requirements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True, slots=True)
class Root:
    """The root of the resolution: the user's requirements (``name`` for a project root)."""

    name: str | None = None

    def __str__(self) -> str:
        return self.name or "root"


@dataclass(frozen=True, slots=True)
class Python:
    """The target Python; ``Requires-Python`` of every candidate is a dependency on it."""

    def __str__(self) -> str:
        return "Python"


@dataclass(frozen=True, slots=True)
class Package:
    """A project, by normalized name."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Extra:
    """``name[extra]``: a proxy depending on ``Package(name)`` at the same version."""

    name: str
    extra: str

    def __str__(self) -> str:
        return f"{self.name}[{self.extra}]"


@dataclass(frozen=True, slots=True)
class Group:
    """``name:group``: a dependency group of a local project (universal locks); it depends on the
    group's requirements only, not on the project itself."""

    name: str
    group: str

    def __str__(self) -> str:
        return f"{self.name}:{self.group}"


PubGrubPackage = Union[Root, Python, Package, Extra, Group]


def package_name(package: PubGrubPackage) -> str | None:
    """The project a package stands for (``None`` for Root and Python)."""
    if isinstance(package, (Package, Extra, Group)):
        return package.name
    return None
