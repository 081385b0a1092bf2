"""What an environment has, what it should have, and the difference (pure except for the scan).

``scan_installed(site_packages)`` reads each ``*.dist-info`` directory's name (``name-version``)
and its ``direct_url.json``; ``make_plan`` compares that with the wanted distributions:
unchanged (same name, same version, same kind of source), install (absent), reinstall (another
version or source, or asked for with ``--reinstall``), remove (installed but not wanted, unless
``exact`` is off).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["InstalledDist", "Plan", "Wanted", "direct_url_label", "make_plan", "scan_installed"]


@dataclass(frozen=True, slots=True)
class InstalledDist:
    """One ``.dist-info`` directory of site-packages."""

    name: str  # normalized
    version: str
    path: Path
    editable_url: str | None = None
    direct_url: str | None = None
    complete: bool = True  # has a RECORD

    def __str__(self) -> str:
        return f"{self.name}=={self.version}"


@dataclass(frozen=True, slots=True)
class Wanted:
    """A distribution the environment should have. ``editable_url`` is the ``file://`` URL of a
    project installed editable; ``direct_url`` that of a wheel or directory installed from a URL or
    path, as :func:`direct_url_label` names it (``None`` for an index)."""

    name: str
    version: str
    editable_url: str | None = None
    direct_url: str | None = None
    payload: object = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.name}=={self.version}"


@dataclass(frozen=True, slots=True)
class Plan:
    unchanged: tuple[tuple[Wanted, InstalledDist], ...]
    install: tuple[Wanted, ...]
    reinstall: tuple[tuple[Wanted, InstalledDist], ...]
    remove: tuple[InstalledDist, ...]

    @property
    def to_install(self) -> tuple[Wanted, ...]:
        return (*self.install, *(w for w, _ in self.reinstall))

    @property
    def to_remove(self) -> tuple[InstalledDist, ...]:
        return (*(i for _, i in self.reinstall), *self.remove)

    @property
    def empty(self) -> bool:
        return not (self.install or self.reinstall or self.remove)


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def scan_installed(site_packages: Path) -> list[InstalledDist]:
    """The distributions installed in ``site_packages`` (by their ``.dist-info`` directories)."""
    out: list[InstalledDist] = []
    try:
        entries = list(site_packages.iterdir())
    except FileNotFoundError:
        return out
    for entry in entries:
        n = entry.name
        if not n.endswith(".dist-info") or n.startswith("."):
            continue
        stem = n[: -len(".dist-info")]
        name, sep, version = stem.rpartition("-")
        if not sep:
            continue
        editable = direct = None
        try:
            data = json.loads((entry / "direct_url.json").read_text(encoding="utf-8"))
            url = data.get("url")
            if data.get("dir_info", {}).get("editable"):
                editable = url
            else:
                direct = direct_url_label(data)
        except (OSError, ValueError, AttributeError):
            pass
        out.append(InstalledDist(_normalize(name), version, entry, editable, direct,
                                 (entry / "RECORD").is_file()))
    return out


def direct_url_label(data: Mapping[str, Any]) -> str | None:
    """A ``direct_url.json`` (PEP 610) as uv names the install in its ``(from ...)``: the URL, as
    ``git+URL@<commit>`` for git, with ``#subdirectory=...`` when there is one. Two installs with
    the same label are the same; another commit of a git source is another install."""
    url = data.get("url")
    if not isinstance(url, str):
        return None
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        url = f"git+{url}@{vcs.get('commit_id')}"
    subdirectory = data.get("subdirectory")
    if isinstance(subdirectory, str) and subdirectory:
        url += f"#subdirectory={subdirectory}"
    return url


def _same_version(a: str, b: str) -> bool:
    if a == b:
        return True
    from packaging.version import InvalidVersion, Version

    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return False


def make_plan(wanted: Sequence[Wanted], installed: Iterable[InstalledDist], *, exact: bool = True,
              reinstall: bool | Collection[str] = False) -> Plan:
    """Compare ``wanted`` with ``installed``. ``reinstall``: everything (``True``) or those names."""
    by_name: dict[str, list[InstalledDist]] = {}
    for dist in installed:
        by_name.setdefault(dist.name, []).append(dist)
    unchanged: list[tuple[Wanted, InstalledDist]] = []
    install: list[Wanted] = []
    again: list[tuple[Wanted, InstalledDist]] = []
    remove: list[InstalledDist] = []
    for want in wanted:
        have = by_name.pop(want.name, [])
        if not have:
            install.append(want)
            continue
        first, *rest = sorted(have, key=lambda d: d.path.name)
        remove.extend(rest)  # duplicates of one name: keep one to compare
        forced = reinstall is True or (not isinstance(reinstall, bool) and want.name in reinstall)
        same = (
            first.complete
            and _same_version(first.version, want.version)
            and first.editable_url == want.editable_url
            and (first.direct_url == want.direct_url)
        )
        if same and not forced:
            unchanged.append((want, first))
        else:
            again.append((want, first))
    if exact:
        for dists in by_name.values():
            remove.extend(dists)
    return Plan(tuple(unchanged), tuple(install), tuple(again),
                tuple(sorted(remove, key=lambda d: (d.name, d.version))))
