"""``prong.compile``: requirements in, a pinned requirements.txt out (``prong pip compile``).

Inputs are requirements files (``-r``/``-c`` includes and index options honoured) and
``pyproject.toml`` files (``[project]`` dependencies, extras and dependency groups). The
resolution is for one environment: the running interpreter, or ``python_version`` /
``python_platform``.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.resolver.resolver import ResolvedPackage

__all__ = ["CompileResult", "compile_requirements", "parse_exclude_newer"]


@dataclass(frozen=True, slots=True)
class CompileResult:
    """The output text, the pins behind it, warnings to show, and what it cost."""

    text: str
    packages: Mapping[str, ResolvedPackage]
    warnings: tuple[str, ...]  # from the resolution (missing extras, ...)
    seconds: float
    requests: Mapping[str, int]
    index_warnings: tuple[str, ...] = ()  # from the index client (also logged on ``prong.index``)


class InputError(ProngError):
    pass


def parse_exclude_newer(value: str) -> datetime:
    """An RFC 3339 timestamp, or a date meaning the end of that day (UTC), as uv reads it."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
            return day + timedelta(days=1)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"invalid --exclude-newer value `{value}`: expected a date (2026-11-01) or an RFC 3339 "
            "timestamp (2026-11-01T00:00:00Z)"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _names(values: Sequence[str]) -> bool | frozenset[str]:
    from prong.pep508.names import normalize_name

    if ":all:" in values:
        return True
    return frozenset(normalize_name(v) for part in values for v in part.split(",") if v and v != ":none:")


def compile_requirements(
    src_files: Sequence[str | Path] = (),
    *,
    requirements: Sequence[str] = (),
    constraints: Sequence[str | Path] = (),
    overrides: Sequence[str | Path] = (),
    extras: Sequence[str] = (),
    all_extras: bool = False,
    groups: Sequence[str] = (),
    python_version: str | None = None,
    python_platform: str | None = None,
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    indexes: Sequence[str] = (),
    find_links: Sequence[str] = (),
    no_index: bool = False,
    index_strategy: str | None = None,
    strict_index_urls: bool = False,
    exclude_newer: str | datetime | None = None,
    prerelease: str | None = None,
    resolution: str | None = None,
    no_build: bool = False,
    only_binary: Sequence[str] = (),
    no_binary: Sequence[str] = (),
    generate_hashes: bool = False,
    annotate: bool = True,
    header: bool = True,
    command: str | None = None,
    output_file: str | Path | None = None,
    universal: bool = False,
    cache_dir: str | Path | None = None,
    no_cache: bool = False,
    offline: bool = False,
    environ: Mapping[str, str] | None = None,
) -> CompileResult:
    """Resolve requirements for one environment and render them as pinned requirements.txt text.

    ``requirements`` are extra requirement strings (labelled ``-r -`` in ``# via``). Raises
    ``NoSolutionError`` (with ``report()`` and ``hints()``) when no set of versions fits, and
    other ``ProngError``s for bad input files, index failures or options.
    """
    from prong.api.index import build_registry, make_target
    from prong.client.indexes import IndexConfig, IndexUrls
    from prong.dispatch import BuildDispatch
    from prong.dist.index import RegistryIndex
    from prong.pep508.requirement import parse_requirement
    from prong.project.requirements_txt import PinnedLine, format_requirements_txt, order_via, read_requirements
    from prong.resolver.options import PrereleaseMode, ResolutionMode, ResolverEnvironment, ResolverOptions
    from prong.resolver.resolver import resolve

    if universal:
        raise InputError("`--universal` is not supported by `prong pip compile` yet; use `prong lock` for a universal lock")
    started = time.perf_counter()
    env_vars = os.environ if environ is None else environ

    # -- inputs
    reqs: list[str] = list(requirements)
    labels: dict[str, set[str]] = defaultdict(set)
    cons: list[str] = []
    overs: list[str] = []
    configured: list[IndexConfig] = []
    file_index_url: str | None = None
    file_extra: list[str] = []
    file_links: list[str] = []
    file_no_index = False
    pre_from_file = False
    for name in requirements:
        labels[parse_requirement(name).name].add("-r -")
    if not src_files and not requirements:
        raise InputError("no requirements given: name a requirements.in or pyproject.toml file")

    for src in src_files:
        path = Path(src)
        if path.name == "pyproject.toml":
            from prong.project.pyproject import read_pyproject

            project = read_pyproject(path)
            label = f"{project.name or path.parent.name} ({path})"
            selected = list(project.dependencies)
            wanted_extras = list(project.optional_dependencies) if all_extras else list(extras)
            for extra in wanted_extras:
                key = extra.replace("_", "-").lower()
                if key not in project.optional_dependencies:
                    raise InputError(f"{path}: no extra `{extra}` in [project.optional-dependencies]")
                selected += project.optional_dependencies[key]
            for group in groups:
                key = group.replace("_", "-").lower()
                if key not in project.dependency_groups:
                    raise InputError(f"{path}: no group `{group}` in [dependency-groups]")
                selected += project.dependency_groups[key]
            for text in selected:
                req = parse_requirement(text)
                reqs.append(text)
                labels[req.name].add(label)
            configured += [
                IndexConfig.from_toml(
                    {"name": e.name, "url": e.url, "explicit": e.explicit, "default": e.default, "format": e.format,
                     "authenticate": e.authenticate,
                     "ignore-error-codes": list(e.ignore_error_codes) if e.ignore_error_codes is not None else None},
                    origin=str(path), base=path.parent,
                )
                for e in project.tool_uv.index
            ]
            cons += project.tool_uv.constraint_dependencies
            overs += project.tool_uv.override_dependencies
            continue
        parsed = read_requirements(path, validate=parse_requirement, environ=dict(env_vars))
        for line in parsed.requirements:
            if line.editable:
                raise InputError(f"{line.source}:{line.line}: editable requirements (-e) are not supported yet")
            reqs.append(line.text)
            labels[parse_requirement(line.text).name].add(f"-r {line.source}")
        for line in parsed.constraints:
            cons.append(line.text)
            labels[parse_requirement(line.text).name].add(f"-c {line.source}")
        file_index_url = file_index_url or parsed.index_url
        file_extra += parsed.extra_index_urls
        file_links += parsed.find_links
        file_no_index = file_no_index or parsed.no_index
        pre_from_file = pre_from_file or parsed.pre
    for src in constraints:
        parsed = read_requirements(Path(src), validate=parse_requirement, environ=dict(env_vars))
        for line in (*parsed.requirements, *parsed.constraints):
            cons.append(line.text)
            labels[parse_requirement(line.text).name].add(f"-c {line.source}")
    for src in overrides:
        parsed = read_requirements(Path(src), validate=parse_requirement, environ=dict(env_vars))
        for line in (*parsed.requirements, *parsed.constraints):
            overs.append(line.text)
            labels[parse_requirement(line.text).name].add(f"--override {line.source}")

    # -- options
    target, _tags = make_target(python_version, python_platform)
    env = ResolverEnvironment(target, requested_python=python_version is not None)
    if prerelease is None and pre_from_file:
        prerelease = "allow"
    options = ResolverOptions(
        resolution=ResolutionMode(resolution) if resolution else ResolutionMode.HIGHEST,
        prerelease=PrereleaseMode(prerelease) if prerelease else PrereleaseMode.IF_NECESSARY_OR_EXPLICIT,
        exclude_newer=exclude_newer if isinstance(exclude_newer, datetime) or exclude_newer is None
        else parse_exclude_newer(exclude_newer),
        no_build=True if no_build else _names(only_binary),
        no_binary=_names(no_binary),
    )
    urls = IndexUrls.from_args(
        index_url=index_url or file_index_url,
        extra_index_urls=[*extra_index_urls, *file_extra],
        indexes=indexes,
        find_links=[*find_links, *file_links],
        no_index=no_index or file_no_index,
        configured=configured,
        environ=env_vars,
    )
    registry = build_registry(urls, strategy=index_strategy or "first-index",  # type: ignore[arg-type]
                              strict_index_urls=strict_index_urls, cache_dir=cache_dir, no_cache=no_cache,
                              offline=offline)
    http = registry.http
    try:
        dispatch = BuildDispatch(http, http.cache, no_build=options.no_build is True)
        index = RegistryIndex(registry, http, builder=dispatch)
        dispatch.index = index
        result = resolve(reqs, env=env, index=index, options=options, constraints=cons, overrides=overs)

        pins: list[PinnedLine] = []
        for name, pkg in sorted(result.packages.items()):
            hashes: tuple[str, ...] = ()
            if generate_hashes:
                hashes = _hashes_for(index, name, pkg)
            via = order_via([*pkg.via, *labels.get(name, ())])
            pins.append(PinnedLine(name, str(pkg.version), via=via, hashes=hashes))
        text = format_requirements_txt(pins, command=command if header else None, annotate=annotate)
        warnings = tuple(dict.fromkeys(result.warnings))
        index_warnings = tuple(dict.fromkeys(str(w) for w in registry.warnings))
        requests = http.stats.snapshot()
    finally:
        http.close()
    if output_file is not None:
        _write_atomic(Path(output_file), text)
    return CompileResult(text, result.packages, warnings, time.perf_counter() - started, requests, index_warnings)


def _hashes_for(index: object, name: str, pkg: ResolvedPackage) -> tuple[str, ...]:
    from prong.resolver.index import Found

    response = index.versions(name)  # type: ignore[attr-defined]
    files = ()
    if isinstance(response, Found):
        for candidate in response.candidates:
            if candidate.version == pkg.version:
                files = candidate.files
                break
    if not files and pkg.file is not None:
        files = (pkg.file,)
    out = []
    for f in files:
        for algo, digest in f.hashes:
            if algo == "sha256":
                out.append(f"sha256:{digest}")
    return tuple(sorted(set(out)))


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename; a path that exists and is
    not a regular file (``/dev/null``, a FIFO, ``/dev/stdout``) is written in place: renaming
    over it would replace the device with a file."""
    import stat
    import tempfile

    try:
        mode = path.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with path.open("w", encoding="utf-8") as handle:
            handle.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
