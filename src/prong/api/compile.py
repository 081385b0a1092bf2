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

from prong.api._files import write_atomic
from prong.errors import ParseError, ProngError, UsageError

if TYPE_CHECKING:
    from prong.project.pyproject import PyProject
    from prong.project.settings import UvConfig
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
    """The inputs or options of the command are unusable (a usage error: exit code 2)."""

    exit_code = 2


def parse_exclude_newer(value: str) -> datetime:
    """An RFC 3339 timestamp, or a date meaning the end of that day (UTC), as uv reads it."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
            try:
                return day + timedelta(days=1)
            except OverflowError:  # 9999-12-31: the end of the last representable day
                return datetime.max.replace(tzinfo=timezone.utc)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"invalid --exclude-newer value `{value}`: expected a date (2026-11-01) or an RFC 3339 "
            "timestamp (2026-11-01T00:00:00Z)"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _exclude_newer(value: str | None, origin: str) -> datetime | None:
    """``value`` parsed; an invalid value names where it was set (a file or a variable)."""
    if value is None:
        return None
    try:
        return parse_exclude_newer(value)
    except InputError as err:
        if origin and not origin.startswith("--"):
            raise InputError(f"{err} (set by {origin})") from None
        raise


def _check_project_source(project: PyProject, path: Path, *, no_build: bool | None) -> None:
    """What a pyproject.toml source asks that pip compile cannot honour is a configuration error
    naming the key, not a silent wrong answer: dependencies that only a build can tell
    (``project.dynamic``), and a ``[tool.uv.sources]`` path that does not exist."""
    from prong.project.pyproject import PyProjectError

    if "dependencies" in project.dynamic:
        if no_build:
            raise PyProjectError(path, "project.dynamic", "lists `dependencies`, which only a build of the project "
                                 "can tell, and building is disabled (--no-build)",
                                 hint="list the dependencies in `project.dependencies`, or drop --no-build")
        raise PyProjectError(path, "project.dynamic", "lists `dependencies`, which only a build of the project can "
                             "tell; building the project to read them is not implemented yet",
                             hint="list the dependencies in `project.dependencies` (static metadata)")
    for name, sources in project.tool_uv.sources.items():
        for source in sources:
            if source.path is None:
                continue
            target = (path.parent / source.path).resolve()
            if not target.exists():
                raise PyProjectError(path, f"tool.uv.sources.{name}",
                                     f"path `{source.path}` does not exist ({target})",
                                     hint="fix the path, or remove the source to take the package from the index")


def _names(values: Sequence[str]) -> bool | frozenset[str]:
    """pip's ``--no-binary`` / ``--only-binary`` values (comma-separated names, ``:all:``,
    ``:none:``) read as uv reads them: ``:none:`` forgets what came before it, ``:all:`` anywhere
    means every package. ``True`` for all, else the normalized names (maybe none)."""
    from prong.pep508.names import normalize_name

    names: list[str] = []
    every = False
    for part in values:
        for value in part.split(","):
            value = value.strip()
            if value == ":none:":
                names.clear()
                every = False
            elif value == ":all:":
                every = True
            elif value:
                names.append(normalize_name(value))
    return True if every else frozenset(names)


def _either(a: bool | frozenset[str], b: bool | frozenset[str]) -> bool | frozenset[str]:
    """Two build (or binary) exclusions together: all if either is all, else the union."""
    if a is True or b is True:
        return True
    return frozenset(a or ()) | frozenset(b or ())


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
    default_index: str | None = None,
    extra_index_urls: Sequence[str] = (),
    indexes: Sequence[str] = (),
    find_links: Sequence[str] = (),
    no_index: bool = False,
    index_strategy: str | None = None,
    strict_index_urls: bool = False,
    exclude_newer: str | datetime | None = None,
    prerelease: str | None = None,
    resolution: str | None = None,
    no_build: bool | None = None,
    only_binary: Sequence[str] = (),
    no_binary: Sequence[str] = (),
    no_build_packages: Sequence[str] = (),
    no_binary_packages: Sequence[str] = (),
    dependency_metadata: Sequence[Mapping[str, object]] = (),
    generate_hashes: bool | None = None,
    annotate: bool | None = None,
    header: bool | None = None,
    command: str | None = None,
    output_file: str | Path | None = None,
    universal: bool = False,
    cache_dir: str | Path | None = None,
    no_cache: bool = False,
    offline: bool | None = None,
    refresh: bool = False,
    refresh_packages: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    config: UvConfig | None = None,
) -> CompileResult:
    """Resolve requirements for one environment and render them as pinned requirements.txt text.

    ``requirements`` are extra requirement strings (labelled ``-r -`` in ``# via``). Raises
    ``NoSolutionError`` (with ``report()`` and ``hints()``) when no set of versions fits, and
    other ``ProngError``s for bad input files, index failures or options.

    Settings come as in ``uv pip compile``: the arguments (the command line) first; then uv's
    environment variables in ``environ`` (``os.environ`` when ``None``: ``UV_INDEX``,
    ``UV_EXTRA_INDEX_URL``, ``UV_DEFAULT_INDEX``, ``UV_INDEX_URL``, ``UV_FIND_LINKS``,
    ``UV_INDEX_STRATEGY``, ``UV_EXCLUDE_NEWER``, ``UV_PRERELEASE``, ``UV_RESOLUTION``,
    ``UV_OFFLINE``); then ``config``, the configuration files loaded by
    :func:`prong.project.settings.load_config` (``[tool.uv.pip]`` over ``[tool.uv]``). With
    ``config=None`` (the default) no configuration file is read. Index options inside the input
    files come last. A boolean left as ``None`` takes the configured value, else uv's default.

    Build options as uv's: ``no_build`` (no sdist is built or read), ``only_binary`` (pip's
    ``--only-binary``: names, ``:all:``, ``:none:``) and ``no_build_packages``, ``no_binary``
    (``--no-binary``) and ``no_binary_packages``; a package named in one list is exempt from the
    other's ``:all:`` (``--no-binary :all: --only-binary foo`` uses foo's wheels). Source
    distributions are read without a build when their ``pyproject.toml`` or ``PKG-INFO`` allow
    it; a build that fails raises :class:`~prong.pep517.hooks.BuildFailed`.
    ``dependency_metadata`` holds uv's ``dependency-metadata`` tables (``name``, ``version``,
    ``requires-dist``, ``requires-python``, ``provides-extras``), before those of ``config``:
    they replace the metadata of the versions they name, which are then never fetched or built.
    """
    from prong.api.index import build_registry, index_urls, make_target, pip_settings
    from prong.client.indexes import IndexConfig, to_url
    from prong.project.settings import PipOptions
    from prong.pep517.dispatch import BuildDispatch
    from prong.sources.index import DependencyMetadata, RegistryIndex
    from prong.pep508.requirement import parse_requirement
    from prong.project.requirements_txt import PinnedLine, format_requirements_txt, order_via, read_requirements
    from prong.resolver.options import PrereleaseMode, ResolutionMode, ResolverEnvironment, ResolverOptions
    from prong.resolver.resolver import resolve

    started = time.perf_counter()
    env_vars = os.environ if environ is None else environ
    args = PipOptions(
        index_args=tuple(indexes), default_index=default_index, index_url=index_url,
        extra_index_url=tuple(extra_index_urls), find_links=tuple(find_links), no_index=no_index or None,
        index_strategy=index_strategy, prerelease=prerelease, resolution=resolution,
        exclude_newer=exclude_newer if isinstance(exclude_newer, str) else None,
        python_version=python_version, python_platform=python_platform, no_build=no_build,
        only_binary=tuple(only_binary), no_binary=tuple(no_binary),
        generate_hashes=generate_hashes, no_annotate=None if annotate is None else not annotate,
        no_header=None if header is None else not header, offline=offline,
        origins={"exclude_newer": "--exclude-newer"} if isinstance(exclude_newer, str) else {},
    )
    opts = pip_settings(args, config, env_vars)
    config_files = {p.resolve() for p in config.files} if config is not None else set()
    # as uv 0.13.9: UV_NO_BUILD, UV_NO_BINARY and their package lists are lock's and sync's, not
    # pip compile's (which ignores them); only a list holding a bad name is an error, as in uv
    from prong.api._build_rules import env_names

    for var in ("UV_NO_BUILD_PACKAGE", "UV_NO_BINARY_PACKAGE"):
        env_names(env_vars, var)

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
    if (extras or all_extras or groups) and not any(Path(s).name == "pyproject.toml" for s in src_files):
        flag = "--group" if groups else ("--all-extras" if all_extras else "--extra")
        raise InputError(f"`{flag}` needs a pyproject.toml source: requirements files have no extras or groups")
    if output_file is not None:
        from prong.api._files import refuse_input_as_output

        refuse_input_as_output(Path(output_file), {
            **{Path(p): "constraints file" for p in constraints},
            **{Path(p): "overrides file" for p in overrides},
            **{Path(p): "input file" for p in src_files if str(p) != "-"},
        })

    for src in src_files:
        path = Path(src)
        if path.name == "pyproject.toml":
            from prong.project.pyproject import read_pyproject

            project = read_pyproject(path)
            _check_project_source(project, path, no_build=no_build)
            label = f"{project.name or path.parent.name} ({path})"
            selected = [("project.dependencies", t) for t in project.dependencies]
            wanted_extras = list(project.optional_dependencies) if all_extras else list(extras)
            for extra in wanted_extras:
                key = extra.replace("_", "-").lower()
                if key not in project.optional_dependencies:
                    raise InputError(f"{path}: no extra `{extra}` in [project.optional-dependencies]")
                selected += [(f"project.optional-dependencies.{key}", t) for t in project.optional_dependencies[key]]
            for group in groups:
                key = group.replace("_", "-").lower()
                if key not in project.dependency_groups:
                    raise InputError(f"{path}: no group `{group}` in [dependency-groups]")
                selected += [(f"dependency-groups.{key}", t) for t in project.dependency_groups[key]]
            for where, text in selected:
                try:
                    req = parse_requirement(text)
                except ParseError as err:  # name the file and the key, as uv does
                    from prong.project.pyproject import PyProjectError

                    raise PyProjectError(path, where, f"invalid requirement: {err.message}") from None
                reqs.append(text)
                labels[req.name].add(label)
            if path.resolve() not in config_files:  # else its indexes are already in as configuration
                configured += [
                    IndexConfig.from_toml(
                        {"name": e.name, "url": e.url, "explicit": e.explicit, "default": e.default,
                         "format": e.format, "authenticate": e.authenticate,
                         "ignore-error-codes": list(e.ignore_error_codes) if e.ignore_error_codes is not None
                         else None},
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

    # -- options (command line > environment > configuration files > input files > defaults)
    try:
        target, _tags = make_target(opts.python_version, opts.python_platform)
    except UsageError as err:  # name the file or variable a bad value came from
        origin = opts.origin("python_version")
        if origin and not origin.startswith("--"):
            raise UsageError(f"{err} (set by {origin})", err.hint) from None
        raise
    env = ResolverEnvironment(target, requested_python=opts.python_version is not None)
    chosen_prerelease = opts.prerelease
    if chosen_prerelease is None and pre_from_file:
        chosen_prerelease = "allow"
    generate_hashes = bool(opts.generate_hashes)
    options = ResolverOptions(
        resolution=ResolutionMode(opts.resolution) if opts.resolution else ResolutionMode.HIGHEST,
        prerelease=PrereleaseMode(chosen_prerelease) if chosen_prerelease else PrereleaseMode.IF_NECESSARY_OR_EXPLICIT,
        exclude_newer=exclude_newer if isinstance(exclude_newer, datetime)
        else _exclude_newer(opts.exclude_newer, opts.origin("exclude_newer")),
        # as uv: pip's options (command line, then [tool.uv.pip]) with the top-level ones
        no_build=_either(True if opts.no_build else _names(opts.only_binary),
                         _names([*no_build_packages, *opts.no_build_package])),
        no_binary=_either(_names(opts.no_binary),
                          True if opts.no_binary_all else _names([*no_binary_packages, *opts.no_binary_package])),
    )
    declared = DependencyMetadata(
        [*dependency_metadata, *opts.dependency_metadata],
        file=opts.origin("dependency_metadata") or None if opts.dependency_metadata and not dependency_metadata
        else None,
    )
    # as uv: the input files' indexes come after the command line's and the configuration's
    configured += [IndexConfig(None, to_url(u), origin="--extra-index-url") for u in file_extra]
    if file_index_url is not None:
        configured.append(IndexConfig(None, to_url(file_index_url), default=True, origin="--index-url"))
    urls = index_urls(args, config, environ=env_vars, extra_configured=configured, extra_find_links=file_links,
                      extra_no_index=file_no_index)
    registry = build_registry(urls, strategy=opts.index_strategy or "first-index",  # type: ignore[arg-type]
                              strict_index_urls=strict_index_urls, cache_dir=cache_dir, no_cache=no_cache,
                              offline=bool(opts.offline), refresh=refresh, refresh_packages=refresh_packages)
    http = registry.http
    try:
        dispatch = BuildDispatch(http, http.cache, no_build=options.builds_disabled)
        index = RegistryIndex(registry, http, builder=dispatch, dependency_metadata=declared)
        dispatch.index = index
        if universal:
            pins, packages, warnings_u = _universal_pins(
                reqs, cons, overs, index, options, opts.python_version, labels, generate_hashes
            )
            text = format_requirements_txt(pins, command=None if opts.no_header else command,
                                           annotate=not opts.no_annotate)
            index_warnings = tuple(dict.fromkeys(str(w) for w in registry.warnings))
            requests = http.stats.snapshot()
            if output_file is not None:
                write_atomic(Path(output_file), text)
            return CompileResult(text, packages, warnings_u, time.perf_counter() - started, requests,
                                 index_warnings)
        result = resolve(reqs, env=env, index=index, options=options, constraints=cons, overrides=overs)

        pins: list[PinnedLine] = []
        for name, pkg in sorted(result.packages.items()):
            hashes: tuple[str, ...] = ()
            if generate_hashes:
                hashes = _hashes_for(index, name, pkg)
            via = order_via([*pkg.via, *labels.get(name, ())])
            pins.append(PinnedLine(name, str(pkg.version), via=via, hashes=hashes))
        text = format_requirements_txt(pins, command=None if opts.no_header else command,
                                       annotate=not opts.no_annotate)
        warnings = tuple(dict.fromkeys(result.warnings))
        index_warnings = tuple(dict.fromkeys(str(w) for w in registry.warnings))
        requests = http.stats.snapshot()
    finally:
        http.close()
    if output_file is not None:
        write_atomic(Path(output_file), text)
    return CompileResult(text, result.packages, warnings, time.perf_counter() - started, requests, index_warnings)


def _universal_pins(
    reqs: Sequence[str],
    cons: Sequence[str],
    overs: Sequence[str],
    index: object,
    options: object,
    python_version: str | None,
    labels: Mapping[str, set[str]],
    generate_hashes: bool,
) -> tuple[list[object], dict[str, object], tuple[str, ...]]:
    """``--universal``: resolve for every environment from ``>= python_version`` (the running
    Python's when not given) and mark each pin with where it applies, as ``uv pip compile
    --universal`` does."""
    import sys

    from prong.pep508.markers import TRUE
    from prong.pep508.requirement import parse_requirement
    from prong.project.requirements_txt import PinnedLine, order_via
    from prong.resolver.resolver import ResolvedPackage
    from prong.resolver.universal import LoweredRequirement, resolve_universal
    from prong.lock.build import merge_graph

    if python_version:
        parts = python_version.split(".")
        requires_python = ">=" + ".".join(parts[:2])
    else:
        requires_python = f">={sys.version_info[0]}.{sys.version_info[1]}"
    root = []
    for text in reqs:
        req = parse_requirement(text)
        root.append(LoweredRequirement(req, req.marker_tree if req.marker_tree is not None else TRUE))
    result = resolve_universal(
        [], requires_python=requires_python, index=index, options=options,  # type: ignore[arg-type]
        root_requirements=root,
        constraints=[parse_requirement(c) for c in cons],
        overrides=[parse_requirement(o) for o in overs],
    )
    graph = merge_graph(result)
    parents: dict[object, list[object]] = {}
    for parent, children in graph.out.items():
        for child in children:
            parents.setdefault(child, []).append(parent)
    pins: list[object] = []
    packages: dict[str, object] = {}
    for node in graph.order:
        if node.name is None or node.extra is not None or node.group is not None:
            continue
        marker = graph.nodes.get(node, TRUE)
        if marker.is_false():
            continue
        shown = str(marker.simplify_python(requires_python)) or None
        via = {p.name for p in parents.get(node, ()) if p is not None and p.name != node.name}  # type: ignore[attr-defined]
        via |= set(labels.get(node.name, ()))
        hashes: tuple[str, ...] = ()
        if generate_hashes:
            pin = next((fork.pins[k] for fork in result.forks for k in fork.pins
                        if k[0] == node.name and k[1] == node.version), None)
            if pin is not None:
                hashes = tuple(sorted({f"sha256:{d}" for f in pin.files for a, d in f.hashes if a == "sha256"}))
        pins.append(PinnedLine(node.name, str(node.version), via=order_via(via), hashes=hashes, marker=shown))
        packages[f"{node.name}=={node.version}"] = ResolvedPackage(
            name=node.name, version=node.version, file=None,  # type: ignore[arg-type]
            index_url=node.source.value if node.source is not None else None, via=tuple(sorted(via)),
            direct=node.name in labels,
        )
    return pins, packages, tuple(result.warnings)


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


