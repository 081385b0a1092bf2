"""An in-memory ``PackageIndex`` built from packse scenario files, and a scenario runner.

The scenario format is packse's (``[root] requires``, ``[packages.X.versions."V"]`` with
``requires``, ``extras``, ``requires_python`` (default ``>=3.12``), ``wheel_tags``, ``wheel``,
``sdist``, ``yanked``; ``[environment] python``; ``[resolver_options]``; ``[expected]``), with a
few additions for prong's own scenarios:

* ``yanked = "reason"`` (a string is the yank reason);
* ``upload_time = "2024-01-01T00:00:00Z"`` on a version (all its files);
* ``metadata_error = "why"`` on a version (metadata cannot be read);
* ``[index.problems.NAME]`` with ``kind``, ``message``, ``status``, ``hints``, ``alone``:
  versions(NAME) returns that ``IndexProblem`` (``alone = true``) or reports it beside the
  versions found (``Found.problems``) / beside ``NotFound`` when NAME has no versions;
* ``[index] mode = "offline" | "no-index"``: projects not in ``packages`` answer ``Offline`` /
  ``NoIndex`` (the cache or the local locations lack them);
* ``[resolver_options]`` also takes ``resolution``, ``prerelease``, ``exclude_newer``,
  ``constraints``, ``overrides``, ``preferences`` (name -> version), ``python_platform``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from prong.dists import IndexFile
from prong.pep440.version import Version, parse_version
from prong.pep508.names import normalize_name
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

INDEX_URL = "https://index.invalid/simple"
DEFAULT_REQUIRES_PYTHON = ">=3.12"


@dataclass(frozen=True, slots=True)
class ScenarioMetadata:
    name: str
    version: str
    requires_dist: tuple[str, ...]
    requires_python: str | None
    provides_extra: tuple[str, ...]


@dataclass
class ScenarioIndex:
    """Serves a scenario's packages; records the order of calls (for prefetch tests)."""

    packages: Mapping[str, Any]
    problems: Mapping[str, Any] = field(default_factory=dict)
    mode: str = "online"  # "offline" (versions -> Offline) or "no-index" (versions -> NoIndex)
    index_url: str = INDEX_URL
    calls: list[tuple[str, Any]] = field(default_factory=list)

    @classmethod
    def from_scenario(cls, data: Mapping[str, Any]) -> ScenarioIndex:
        packages = {normalize_name(k): v for k, v in data.get("packages", {}).items()}
        problems = {normalize_name(k): v for k, v in data.get("index", {}).get("problems", {}).items()}
        return cls(packages, problems, mode=data.get("index", {}).get("mode", "online"))

    def _problem(self, name: str) -> IndexProblem | None:
        p = self.problems.get(name)
        if p is None:
            return None
        return IndexProblem(
            message=p["message"],
            hints=tuple(p.get("hints", ())),
            kind=p.get("kind", "other"),
            index_url=p.get("index_url", self.index_url),
            status=p.get("status"),
        )

    def versions(self, name: str) -> VersionsResponse:
        self.calls.append(("versions", name))
        if self.mode == "offline" and name not in self.packages:
            return Offline()
        if self.mode == "no-index" and name not in self.packages:
            return NoIndex()
        problem = self._problem(name)
        if problem is not None and self.problems[name].get("alone"):
            return problem
        pkg = self.packages.get(name)
        problems = (problem,) if problem is not None else ()
        if pkg is None:
            return NotFound("not found", problems)
        cands = []
        for ver, info in pkg.get("versions", {}).items():
            cands.append(VersionCandidate(parse_version(ver), self._files(name, ver, info or {}), self.index_url))
        return Found(tuple(cands), problems)

    def _files(self, name: str, ver: str, info: Mapping[str, Any]) -> tuple[IndexFile, ...]:
        stem = name.replace("-", "_")
        rp = info.get("requires_python", DEFAULT_REQUIRES_PYTHON) or None
        yanked = info.get("yanked", False)
        yank = (yanked if isinstance(yanked, str) else "") if yanked else None
        upload = info.get("upload_time")
        files = []
        if info.get("wheel", True):
            for tag in info.get("wheel_tags", ["py3-none-any"]):
                fn = f"{stem}-{ver}-{tag}.whl"
                files.append(IndexFile(fn, f"{self.index_url}/../files/{fn}", requires_python=rp, yanked=yank, upload_time=upload))
        if info.get("sdist", True):
            fn = f"{stem}-{ver}.tar.gz"
            files.append(IndexFile(fn, f"{self.index_url}/../files/{fn}", requires_python=rp, yanked=yank, upload_time=upload))
        return tuple(files)

    def metadata(self, name: str, version: Version, file: IndexFile | None) -> MetadataResponse:
        self.calls.append(("metadata", (name, str(version))))
        pkg = self.packages.get(name, {})
        for ver, info in pkg.get("versions", {}).items():
            if parse_version(ver) == version:
                info = info or {}
                if "metadata_error" in info:
                    return MetadataUnavailable(info["metadata_error"])
                reqs = list(info.get("requires", ()))
                extras = info.get("extras", {})
                for extra, ereqs in extras.items():
                    for r in ereqs:
                        if ";" in r:
                            head, marker = r.split(";", 1)
                            reqs.append(f"{head}; extra == '{extra}' and ({marker.strip()})")
                        else:
                            reqs.append(f"{r}; extra == '{extra}'")
                return MetadataFound(
                    ScenarioMetadata(
                        name,
                        ver,
                        tuple(reqs),
                        info.get("requires_python", DEFAULT_REQUIRES_PYTHON) or None,
                        tuple(extras),
                    )
                )
        return MetadataUnavailable("no such version")

    def versions_from(self, name: str, index: str) -> VersionsResponse:
        """One index only (the scenario has one)."""
        return self.versions(name)

    def prefetch(self, names: Iterable[str]) -> None:
        self.calls.append(("prefetch", tuple(names)))

    def prefetch_metadata(self, name: str, versions: Sequence[tuple[Version, IndexFile | None]]) -> None:
        self.calls.append(("prefetch_metadata", (name, tuple(str(v) for v, _ in versions))))


# -- running a scenario ------------------------------------------------------------------------


def load(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def scenario_environment(data: Mapping[str, Any]) -> Any:
    from prong.resolver.options import ResolverEnvironment
    from prong.tags import Target, parse_platform

    opts = data.get("resolver_options", {})
    python = opts.get("python") or data.get("environment", {}).get("python", "3.12")
    major, minor = (int(x) for x in python.split(".")[:2])
    full = python if python.count(".") >= 2 else None
    platform = parse_platform(opts.get("python_platform", "x86_64-unknown-linux-gnu"))
    target = Target((major, minor), "cp", platform=platform, python_full_version=full)
    return ResolverEnvironment(target, requested_python=True)


def scenario_options(data: Mapping[str, Any]) -> Any:
    from prong.resolver.options import PrereleaseMode, ResolutionMode, ResolverOptions

    opts = data.get("resolver_options", {})
    prerelease = PrereleaseMode(opts.get("prerelease", "if-necessary-or-explicit"))
    if opts.get("prereleases"):
        prerelease = PrereleaseMode.ALLOW
    exclude_newer = None
    if opts.get("exclude_newer"):
        exclude_newer = datetime.fromisoformat(opts["exclude_newer"].replace("Z", "+00:00"))
        if exclude_newer.tzinfo is None:
            exclude_newer = exclude_newer.replace(tzinfo=timezone.utc)
    return ResolverOptions(
        resolution=ResolutionMode(opts.get("resolution", "highest")),
        prerelease=prerelease,
        exclude_newer=exclude_newer,
        no_build=frozenset(normalize_name(n) for n in opts.get("no_build", ())),
        no_binary=frozenset(normalize_name(n) for n in opts.get("no_binary", ())),
    )


def run_scenario(data: Mapping[str, Any], index: ScenarioIndex | None = None) -> Any:
    """Resolve a scenario: a ``Resolution``, or the ``NoSolutionError`` raised."""
    from prong.resolver.resolver import NoSolutionError, resolve

    opts = data.get("resolver_options", {})
    index = index or ScenarioIndex.from_scenario(data)
    try:
        return resolve(
            data.get("root", {}).get("requires", []),
            env=scenario_environment(data),
            index=index,
            options=scenario_options(data),
            constraints=opts.get("constraints", ()),
            overrides=opts.get("overrides", ()),
            preferences={normalize_name(k): parse_version(v) for k, v in opts.get("preferences", {}).items()},
        )
    except NoSolutionError as err:
        return err
