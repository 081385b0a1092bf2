"""``prong.lock``: a project's ``pyproject.toml`` in, a universal ``uv.lock`` out (``prong lock``).

The project is read as uv reads it (``[project]``, ``[dependency-groups]``, ``[tool.uv]``:
sources, indexes, conflicts, environments); its requirements are lowered through
``[tool.uv.sources]`` (an index source pins a package to an explicit index, per extra or group
where the source says so); the universal resolver (:mod:`prong.resolver.universal`) solves every
fork; :mod:`prong.lock.build` writes the lock uv would write. The lock file is written
atomically, and only when its text changes.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prong.api import _path_metadata
from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.lock.check import LockInputs, LockStatus
    from prong.lock.model import Lock
    from prong.project.pyproject import PyProject
    from prong.project.settings import UvConfig
    from prong.resolver.universal import LocalProject, LoweredRequirement
    from prong.resolver.universal_result import ConflictItemRef, UniversalResolution

log = logging.getLogger("prong.lock")

__all__ = ["LockResult", "ProjectError", "lock", "lock_status", "resolve_project"]


class ProjectError(ProngError):
    """The project's files say something prong cannot lock (names the file and the key); a
    configuration error (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def hints(self) -> Sequence[str]:
        return (self.hint,) if self.hint else ()


class LockedError(ProngError):
    """``--locked`` / ``--check`` and the lock would change; ``changes`` says how."""

    def __init__(self, message: str, changes: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.changes = tuple(changes)

    def hints(self) -> Sequence[str]:
        return self.changes


@dataclass(frozen=True, slots=True)
class LockResult:
    """What ``lock`` did: the lock, its text, whether the file changed, what changed, warnings."""

    lock: Lock | None  # None: the lock was known to be current (nothing was resolved)
    text: str
    path: Path
    written: bool
    changed: bool
    resolution: UniversalResolution | None
    packages: int
    seconds: float
    warnings: tuple[str, ...] = ()
    index_warnings: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()
    #: Why the existing lock was not used as it is, in uv's words, where uv says so without ``-v``
    #: (a changed resolution mode, fork strategy, exclude-newer or pre-release mode).
    notes: tuple[str, ...] = ()
    #: (index URL as configured, URL used instead), e.g. a devpi web page's ``+simple`` API
    index_fixes: tuple[tuple[str, str], ...] = ()
    #: the packages the new lock adds, updates or removes (``LockEvent``s, uv's "Added idna v3.10"
    #: lines), against the previous lock (every package when there was none: ``had_lock`` False)
    events: tuple[Any, ...] = ()
    had_lock: bool = False
    #: the cache entries the resolution read from the network's answers, each fresh until a time
    #: (:class:`prong.client.http.NetworkInputs`); ``None`` when nothing was resolved
    network_inputs: Any = None


@dataclass(slots=True)
class _Context:
    root: Path
    pyproject: PyProject
    config: UvConfig | None
    #: the root project (None: a virtual workspace root)
    project: LocalProject | None
    requires_python: str
    conflicts: list[list[ConflictItemRef]]
    environments: list[Any]
    required_environments: list[Any]
    index_urls: Any
    options: Any
    fork_strategy: str
    constraints: list[Any] = field(default_factory=list)
    overrides: list[Any] = field(default_factory=list)
    #: ``build-constraint-dependencies`` (``[manifest] build-constraints``)
    build_constraints: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: (index URL as configured, the URL used instead): a devpi web URL whose `+simple` API served
    index_fixes: list[tuple[str, str]] = field(default_factory=list)
    network_inputs: Any = None
    #: the projects that directory `path` sources name (resolved from their pyproject.toml)
    path_projects: list[Any] = field(default_factory=list)
    #: every workspace member (the root project among them), in name order
    members: list[Any] = field(default_factory=list)
    #: the workspace (:class:`prong.project.workspace.Workspace`)
    workspace: Any = None
    #: a virtual root's dependency groups, lowered (``[manifest.dependency-groups]``)
    manifest_groups: dict[str, Any] = field(default_factory=dict)


def find_project(start: str | Path) -> Path:
    """The directory of the nearest ``pyproject.toml`` with a ``[project]`` or ``[tool.uv]``."""
    here = Path(start).resolve()
    if here.is_file():
        here = here.parent
    for d in (here, *here.parents):
        if (d / "pyproject.toml").is_file():
            return d
    raise ProjectError(f"No `pyproject.toml` found in `{here}` or any parent directory",
                       "Run `prong init` to create a project here, or pass `--project DIR`.")


def workspace_root(start: str | Path) -> Path:
    """The directory of the workspace root of the project at or above ``start`` (uv's discovery:
    the project's own directory unless a ``[tool.uv.workspace]`` above includes it)."""
    from prong.project.settings import workspace_root_of

    return workspace_root_of(find_project(start))


def _is_package(pp: PyProject) -> bool:
    if pp.tool_uv.package is not None:
        return bool(pp.tool_uv.package)
    return pp.build_system is not None


def _exclude_newer(value: str | None, origin: str) -> Any:
    """:func:`prong.api.compile._exclude_newer` (a datetime, or ``None`` when unset); the compile
    module is imported only when there is a value to parse."""
    if value is None:
        return None
    from prong.api.compile import _exclude_newer as parse

    return parse(value, origin)


_NAME_PART = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*")


def _specifier_text(text: str) -> str | None:
    """The specifiers of a requirement string as written (order kept), or None for a URL."""
    head = text.split(";", 1)[0]
    if "@" in head:
        return None
    rest = _NAME_PART.sub("", head, count=1).strip()
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1]
    return rest.strip() or None


def _lower(
    pp: PyProject, text: str, marker_extra: str | None, group: str | None, indexes: Any, where: str,
    path_root: Path | None = None, workspace: Any = None,
) -> list[LoweredRequirement]:
    """uv's lowering of one requirement through ``[tool.uv.sources]`` (the project's own, else the
    workspace root's: ``workspace`` is the :class:`~prong.project.workspace.Workspace`)."""
    from prong.pep508.markers import TRUE, parse_marker
    from prong.pep508.requirement import parse_requirement
    from prong.resolver.universal import LoweredRequirement
    from prong.resolver.universal_result import ConflictItemRef

    try:
        req = parse_requirement(text)
    except ProngError as err:
        raise ProjectError(f"{pp.path}: `{where}`: {err}") from None
    spec_text = _specifier_text(text)
    base = req.marker_tree if req.marker_tree is not None else TRUE
    if marker_extra is not None:
        base = base.and_(parse_marker(f"extra == '{marker_extra}'"))
    if workspace is not None and req.name not in pp.tool_uv.sources:
        pp_sources = workspace.pyproject  # the root's sources apply where the member has none
    else:
        pp_sources = pp
    sources = [
        s for s in pp_sources.tool_uv.sources.get(req.name, ())
        if (s.extra is None or s.extra == marker_extra) and (s.group is None or s.group == group)
    ]
    if workspace is not None:
        from prong.api._workspace import check_member_sources

        check_member_sources(workspace, pp, pp_sources, req.name, sources, where)
    if not sources:
        if req.url is not None:  # a PEP 508 direct reference: a url, path or git source of its own
            from prong.api._sources import direct_reference

            return [LoweredRequirement(req, base, specifier_text=spec_text,
                                       source=direct_reference(req.url, f"{pp.path}: `{where}`"))]
        return [LoweredRequirement(req, base, specifier_text=spec_text)]
    project = pp.name.replace("_", "-").replace(".", "-").lower() if pp.name else None
    path_root = (path_root or pp.path.parent).resolve()
    out: list[LoweredRequirement] = []
    total = parse_marker("python_version < '0'")  # FALSE
    for i, s in enumerate(pp_sources.tool_uv.sources.get(req.name, ())):
        if s not in sources:
            continue
        key = f"tool.uv.sources.{req.name}[{i}]"
        smarker = parse_marker(s.marker) if s.marker else TRUE
        total = total.or_(smarker)
        if s.workspace or (s.index is None and (s.url or s.git or (
                s.path is not None and (pp_sources.path.parent / s.path).is_file()))):
            marker = smarker.and_(base)
            if not marker.is_false():
                if s.workspace:
                    from prong.api._workspace import workspace_source

                    entry = workspace_source(workspace, pp_sources.path, key, req.name, path_root)
                else:
                    from prong.api._sources import source_entry

                    entry = source_entry(s, pp_sources.path.parent, path_root)
                out.append(LoweredRequirement(req, marker, None, None, specifier_text=spec_text, source=entry))
            continue
        if s.index is None and s.path is not None:
            target = (pp_sources.path.parent / s.path)
            if not target.is_dir():
                raise ProjectError(f"{pp_sources.path}: `{key}.path`: {s.path} does not exist",
                                   hint="Point it at a project directory, a wheel or an sdist (relative to "
                                   f"{pp_sources.path.parent}).")
            rel = os.path.relpath(target.resolve(), path_root).replace(os.sep, "/")
            marker = smarker.and_(base)
            if not marker.is_false():
                out.append(LoweredRequirement(req, marker, None, None, specifier_text=spec_text,
                                              source=("editable" if s.editable else "directory", rel)))
            continue
        if s.index is None:
            kind = "workspace" if s.workspace else "?"
            raise ProjectError(
                f"{pp.path}: `{key}`: {kind} sources are not supported by `prong lock` yet (only `index`, `path`, "
                "`url` and `git` sources)"
            )
        index_url = None
        for idx in indexes:
            if idx.name == s.index:
                index_url = idx.url
                break
        if index_url is None:
            known = ", ".join(f"`{i.name}`" for i in indexes if i.name) or "none"
            raise ProjectError(
                f"{pp.path}: `{key}.index`: package `{req.name}` references an undeclared index: `{s.index}`"
                f" (defined: {known}); add a [[tool.uv.index]] entry with name = \"{s.index}\""
            )
        conflict = None
        if project is not None and s.extra is not None:
            conflict = ConflictItemRef(project, extra=s.extra)
        elif project is not None and s.group is not None:
            conflict = ConflictItemRef(project, group=s.group)
        marker = smarker.and_(base)
        if not marker.is_false():
            out.append(LoweredRequirement(req, marker, index_url, conflict, specifier_text=spec_text))
    remaining = total.negate().and_(base)
    if not remaining.is_false():
        out.append(LoweredRequirement(req, remaining, specifier_text=spec_text))
    return out


def _discovered_python(directory: Path, environ: Mapping[str, str]) -> str:
    """The ``major.minor`` of the interpreter uv would find for the project (its ``.venv``, the
    active virtual environment, then ``python3`` on ``PATH``), for a project without
    ``requires-python``; prong's own interpreter when none answers."""
    import shutil
    import subprocess
    import sys

    candidates = [directory / ".venv" / "bin" / "python"]
    if environ.get("VIRTUAL_ENV"):
        candidates.append(Path(environ["VIRTUAL_ENV"]) / "bin" / "python")
    for name in ("python3", "python"):
        found = shutil.which(name, path=environ.get("PATH"))
        if found:
            candidates.append(Path(found))
    for exe in candidates:
        if not exe.is_file():
            continue
        try:
            out = subprocess.run([str(exe), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        if re.fullmatch(r"\d+\.\d+", out):
            return out
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def _path_projects(root: Path, reqs: Sequence[Any], indexes: Any, direct: Any = None,
                   options: Any = None) -> list[Any]:
    """The projects that non-index sources name (and theirs, transitively): a directory ``path``
    source's read from its own pyproject.toml (a static name, version and dependencies, lowered
    through its own ``[tool.uv.sources]``, paths kept relative to ``root``); a wheel or sdist
    file's, a URL's and a git checkout's from their fixed metadata (:mod:`prong.sources.direct`,
    read through ``direct``, a ``DirectSources``). ``options`` (``ResolverOptions``): a directory
    whose metadata needs a build for which building is disabled is a :class:`BuildDisabled` error
    (unless the metadata is already in the cache, as with uv)."""
    from prong.pep440.version import parse_version
    from prong.project.pyproject import read_pyproject
    from prong.resolver.universal import LocalProject
    from prong.resolver.universal_result import DistSource

    out: dict[str, Any] = {}
    pending = [lr for lr in reqs if lr.source is not None]
    while pending:
        lr = pending.pop()
        kind, rel = lr.source[:2]
        if kind not in ("editable", "directory"):
            if lr.source not in out:
                from prong.api._sources import direct_project

                out[lr.source] = direct_project(lr, root, direct)
            continue
        if rel in out:
            continue
        target = (root / rel).resolve()
        pyproject = target / "pyproject.toml"
        if pyproject.is_file():
            pp = read_pyproject(pyproject)
        elif (target / "setup.py").is_file() or (target / "setup.cfg").is_file():
            from prong.project.pyproject import pyproject_from_dict

            pp = pyproject_from_dict({}, pyproject)  # a setuptools project: its metadata is built
        else:
            raise ProjectError(f"{root / 'pyproject.toml'}: the path source `{rel}` is not a Python project: "
                               f"{target} has no pyproject.toml, setup.py or setup.cfg",
                               hint="Point the source at the directory that holds the project's pyproject.toml.")
        dynamic = {"version", "dependencies", "optional-dependencies"} & set(pp.dynamic)
        if pp.name is None or pp.version is None or dynamic:  # the backend's metadata, cached (issue 12)
            from prong.api._path_metadata import built_pyproject

            pp = built_pyproject(target, pp, indexes, editable=kind == "editable",
                                 no_build=options.builds_disabled if options is not None else None,
                                 name=lr.requirement.name)
        name = pp.name.replace("_", "-").replace(".", "-").lower()
        requires: list[Any] = []
        for i, text in enumerate(pp.dependencies):
            requires += _lower(pp, text, None, None, indexes, f"project.dependencies[{i}]", path_root=root)
        for extra, texts in pp.optional_dependencies.items():
            for i, text in enumerate(texts):
                requires += _lower(pp, text, extra, None, indexes, f"project.optional-dependencies.{extra}[{i}]",
                                   path_root=root)
        out[rel] = LocalProject(name=name, version=parse_version(pp.version), source=DistSource(kind, rel),
                                requires_dist=tuple(requires), provides_extra=tuple(pp.optional_dependencies),
                                requires_python=pp.requires_python, member=False)
        pending.extend(r for r in requires if r.source is not None)
    return list(out.values())


def _conflicts_of(pp: PyProject, owner: str | None) -> list[list[ConflictItemRef]]:
    """The ``[tool.uv] conflicts`` of one pyproject.toml (``owner``: its project's normalized
    name, which an item without ``package`` names), each extra or group checked against it."""
    from prong.resolver.universal_result import ConflictItemRef

    path = pp.path
    out: list[list[ConflictItemRef]] = []
    for si, cset in enumerate(pp.tool_uv.conflicts):
        items = []
        for ii, item in enumerate(cset):
            key = f"tool.uv.conflicts[{si}][{ii}]"
            if item.package is None and owner is None:
                raise ProjectError(f"{path}: `{key}`: a conflict of a workspace root without [project] must name "
                                   "its `package`", hint='Add `package = "member-name"` to the item.')
            pkg = (item.package or owner or "").replace("_", "-").replace(".", "-").lower()
            if item.extra is not None:
                extra = item.extra.replace("_", "-").lower()
                if pkg == owner and extra not in pp.optional_dependencies:
                    raise ProjectError(
                        f"{path}: `{key}.extra`: the conflict names the extra `{item.extra}`, which "
                        f"[project.optional-dependencies] does not define (defined: "
                        f"{', '.join(f'`{e}`' for e in pp.optional_dependencies) or 'none'})"
                    )
                items.append(ConflictItemRef(pkg, extra=extra))
            elif item.group is not None:
                group = item.group.replace("_", "-").lower()
                groups = set(pp.dependency_groups) | ({"dev"} if pp.tool_uv.dev_dependencies else set())
                if pkg == owner and group not in groups:
                    raise ProjectError(
                        f"{path}: `{key}.group`: the conflict names the group `{item.group}`, which "
                        f"[dependency-groups] does not define"
                    )
                items.append(ConflictItemRef(pkg, group=group))
            else:
                items.append(ConflictItemRef(pkg))
        out.append(items)
    return out


def _check_sources(pp: PyProject, path: Path) -> None:
    """uv's rule: the sources of one package must not overlap (same extra or group, markers that
    some environment satisfies together)."""
    from prong.pep508.markers import TRUE, parse_marker

    for name, sources in pp.tool_uv.sources.items():
        for i, a in enumerate(sources):
            for j in range(i + 1, len(sources)):
                b = sources[j]
                if (a.extra is not None and b.extra is not None and a.extra != b.extra) or (
                    a.group is not None and b.group is not None and a.group != b.group
                ):
                    continue
                ma = parse_marker(a.marker) if a.marker else TRUE
                mb = parse_marker(b.marker) if b.marker else TRUE
                if ma.is_disjoint(mb):
                    continue
                sa, sb = str(ma) or "true", str(mb) or "true"
                fix = mb.and_(ma.negate())
                raise ProjectError(
                    f"{path}: `tool.uv.sources.{name}[{j}]`: source markers must be disjoint, but "
                    f"`{sa}` (`tool.uv.sources.{name}[{i}]`) and `{sb}` overlap",
                    hint=f"replace `{sb}` with `{fix}`" if not fix.is_false() else
                    f"give the sources of `{name}` markers that no environment satisfies together",
                )


def _project_indexes(path: Path, pp: PyProject, config: UvConfig | None, environ: Mapping[str, str], *,
                     default_index: str | None, indexes: Sequence[str], index_url: str | None,
                     extra_index_urls: Sequence[str], index_strategy: str | None, prerelease: str | None,
                     resolution: str | None, exclude_newer: str | None) -> tuple[Any, Any, Any]:
    """The project's indexes in force (flags, variables, configuration, ``[[tool.uv.index]]``), the
    pip-style settings and the parsed options: what ``_context`` and ``sync`` need to reach them."""
    from prong.api.index import index_urls as make_index_urls
    from prong.api.index import pip_settings
    from prong.client.indexes import IndexConfig
    from prong.project.settings import PipOptions

    directory = path.parent
    # the project's indexes are project data: kept under --no-config for the sources that name them
    config_files = {p.resolve() for p in config.files} if config is not None else set()
    project_indexes = [
        IndexConfig.from_toml(
            {"name": e.name, "url": e.url, "explicit": e.explicit, "default": e.default, "format": e.format,
             "authenticate": e.authenticate,
             "ignore-error-codes": list(e.ignore_error_codes) if e.ignore_error_codes is not None else None},
            origin=str(path), base=directory,
        )
        for e in pp.tool_uv.index
    ]
    extra_configured = [] if path.resolve() in config_files else [i for i in project_indexes if i.explicit]
    args = PipOptions(
        index_args=tuple(indexes), default_index=default_index, index_url=index_url,
        extra_index_url=tuple(extra_index_urls), index_strategy=index_strategy, prerelease=prerelease,
        resolution=resolution, exclude_newer=exclude_newer,
        origins={"exclude_newer": "--exclude-newer"} if exclude_newer else {},
    )
    opts = pip_settings(args, config, environ)
    urls = make_index_urls(args, config, environ=environ, extra_configured=extra_configured)
    return urls, opts, args


def _context(
    directory: Path,
    *,
    config: UvConfig | None,
    environ: Mapping[str, str],
    default_index: str | None,
    indexes: Sequence[str],
    index_url: str | None,
    extra_index_urls: Sequence[str],
    index_strategy: str | None,
    exclude_newer: str | None,
    resolution: str | None,
    prerelease: str | None,
    fork_strategy: str | None,
    cache_dir: Any = None,
    offline: bool = False,
    git_pins: Mapping[tuple[str, Any], str] | None = None,
    no_build: bool | None = False,
    no_build_package: Sequence[str] = (),
    no_binary: bool | None = False,
    no_binary_package: Sequence[str] = (),
) -> _Context:
    from prong.api._build_rules import build_rules
    from prong.api._workspace import member_projects, requires_python_of, root_groups
    from prong.api.index import index_urls as make_index_urls
    from prong.api.index import pip_settings
    from prong.client.indexes import IndexConfig
    from prong.pep508.markers import parse_marker
    from prong.project.settings import PipOptions
    from prong.project.workspace import discover_workspace
    from prong.resolver.options import PrereleaseMode, ResolutionMode, ResolverOptions
    from prong.resolver.universal_result import ConflictItemRef

    path = directory / "pyproject.toml"
    ws = discover_workspace(directory)
    pp = ws.pyproject
    if pp.name is None and not ws.explicit:
        raise ProjectError(f"{path}: `project.name`: a project to lock needs a [project] table with a name",
                           hint="Add a [project] table, or a [tool.uv.workspace] table to make it a workspace root.")
    name = pp.normalized_name or ""
    warnings: list[str] = list(ws.warnings)
    requires_python = requires_python_of(ws)
    if not requires_python:
        requires_python = f">={_discovered_python(directory, environ)}"
        warnings.append(
            f"No `requires-python` value found in the workspace. Defaulting to `{requires_python}`."
        )
    urls, opts, args = _project_indexes(path, pp, config, environ, default_index=default_index, indexes=indexes,
                                        index_url=index_url, extra_index_urls=extra_index_urls,
                                        index_strategy=index_strategy, prerelease=prerelease, resolution=resolution,
                                        exclude_newer=exclude_newer)
    config_files = {p.resolve() for p in config.files} if config is not None else set()
    all_indexes = list(urls.indexes)
    for m in ws.members.values():
        _check_sources(m.pyproject, m.pyproject.path)
    if ws.virtual_root:
        _check_sources(pp, path)
    members = member_projects(ws, all_indexes)  # every member, lowered (the root project among them)
    project = next((m for m in members if m.source.value == "."), None)
    extras = list(pp.optional_dependencies)
    manifest_groups = root_groups(ws, all_indexes)
    groups = {g: list(project.dependency_groups.get(g, ())) for g in pp.dependency_groups} if project else \
        dict(manifest_groups)
    rels = {m.source.value for m in members}
    # as uv: the build options of the command line, UV_NO_BUILD..., and [tool.uv] (not [tool.uv.pip])
    build_off, binary_off = build_rules(config, environ, no_build=no_build, no_build_package=no_build_package,
                                        no_binary=no_binary, no_binary_package=no_binary_package)
    build_options = ResolverOptions(no_build=build_off, no_binary=binary_off)
    from prong.api._sources import direct_sources

    with direct_sources(urls, cache_dir=cache_dir, offline=offline, git_pins=git_pins,
                        no_build=build_options.builds_disabled) as direct:
        path_projects = _path_projects(directory, [r for m in members
                                                   for r in (*m.requires_dist,
                                                             *(x for rs in m.dependency_groups.values() for x in rs))
                                                   if r.source is None or r.source[1] not in rels], all_indexes, direct,
                                       options=build_options)
    # conflicts: as uv, a virtual root's own and every member's (an item without `package` is
    # the declaring member's), members in name order
    conflicts: list[list[ConflictItemRef]] = []
    declaring = ([(pp, None)] if ws.virtual_root else []) + [(m.pyproject, m.name) for m in ws.members.values()]
    for decl, owner in declaring:
        conflicts += _conflicts_of(decl, owner)
    environments = [parse_marker(m) for m in pp.tool_uv.environments]
    required = [parse_marker(m) for m in pp.tool_uv.required_environments]
    if environments:
        from prong.pep508.markers import FALSE, TRUE

        union = FALSE
        for m in environments:
            union = union.or_(m)
        if union.and_(TRUE.complexify_python(requires_python)).is_false():
            raise ProjectError(
                f"{path}: `tool.uv.environments`: the environments exclude every Python that "
                f"`requires-python = \"{requires_python}\"` allows"
            )
    per_package: dict[str, Any] = {}
    if path.resolve() in config_files:  # a setting of [tool.uv]: not read under --no-config
        raw_per_package = pp.tool_uv.other.get("exclude-newer-package", {})
        if not isinstance(raw_per_package, dict):
            raise ProjectError(f"{path}: `tool.uv.exclude-newer-package`: expected a table of package names")
        for pkg_name, value in raw_per_package.items():
            key = str(pkg_name).replace("_", "-").replace(".", "-").lower()
            if value is False:
                per_package[key] = None
            else:
                per_package[key] = _exclude_newer(str(value), f"{path} (tool.uv.exclude-newer-package.{pkg_name})")
    options = ResolverOptions(
        resolution=ResolutionMode(opts.resolution) if opts.resolution else ResolutionMode.HIGHEST,
        prerelease=PrereleaseMode(opts.prerelease) if opts.prerelease else PrereleaseMode.IF_NECESSARY_OR_EXPLICIT,
        exclude_newer=_exclude_newer(opts.exclude_newer, opts.origin("exclude_newer")),
        exclude_newer_package=per_package,
        no_build=build_off,
        no_binary=binary_off,
    )
    strategy = fork_strategy or str(pp.tool_uv.other.get("fork-strategy", "requires-python"))
    from prong.pep508.requirement import parse_requirement

    return _Context(
        root=directory, pyproject=pp, config=config, project=project, members=members, workspace=ws,
        manifest_groups=manifest_groups, requires_python=requires_python,
        conflicts=conflicts, environments=environments, required_environments=required, index_urls=urls,
        path_projects=path_projects,
        options=options, fork_strategy=strategy,
        constraints=[parse_requirement(c) for c in pp.tool_uv.constraint_dependencies],
        overrides=[parse_requirement(c) for c in pp.tool_uv.override_dependencies],
        build_constraints=[parse_requirement(c) for c in pp.tool_uv.build_constraint_dependencies],
        warnings=warnings,
    )


@_path_metadata.uses_build_settings
def resolve_project(
    project: str | Path = ".",
    *,
    config: UvConfig | None = None,
    environ: Mapping[str, str] | None = None,
    default_index: str | None = None,
    indexes: Sequence[str] = (),
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    index_strategy: str | None = None,
    strict_index_urls: bool = False,
    exclude_newer: str | None = None,
    resolution: str | None = None,
    prerelease: str | None = None,
    fork_strategy: str | None = None,
    cache_dir: str | Path | None = None,
    no_cache: bool = False,
    offline: bool = False,
    refresh: bool = False,
    refresh_packages: Sequence[str] = (),
    no_build: bool | None = False,
    no_build_package: Sequence[str] = (),
    no_binary: bool | None = False,
    no_binary_package: Sequence[str] = (),
    no_build_isolation: bool | None = False,  # these two: read by `uses_build_settings`
    no_build_isolation_package: Sequence[str] = (),
    preferences: Mapping[str, Sequence[tuple[Any, Any, str | None]]] | None = None,
    fork_markers: Sequence[str] = (),
    git_pins: Mapping[tuple[str, Any], str] | None = None,
) -> tuple[UniversalResolution, _Context, tuple[str, ...]]:
    """Resolve the project in ``project`` (a directory or its pyproject.toml) for every
    environment; returns the forks' solutions, the project context and the index warnings.
    ``git_pins``: the commits git sources keep (an existing lock's)."""
    from prong.api.index import build_registry
    from prong.pep517.dispatch import BuildDispatch
    from prong.sources.index import RegistryIndex
    from prong.resolver.universal import env_from_fork_marker, resolve_universal

    env_vars = os.environ if environ is None else environ
    directory = workspace_root(project)
    ctx = _context(
        directory, config=config, environ=env_vars, default_index=default_index, indexes=indexes,
        index_url=index_url, extra_index_urls=extra_index_urls, index_strategy=index_strategy,
        exclude_newer=exclude_newer, resolution=resolution, prerelease=prerelease, fork_strategy=fork_strategy,
        cache_dir=cache_dir, offline=offline, git_pins=git_pins, no_build=no_build,
        no_build_package=no_build_package, no_binary=no_binary, no_binary_package=no_binary_package,
    )
    registry = build_registry(ctx.index_urls, strategy=index_strategy or "first-index",  # type: ignore[arg-type]
                              strict_index_urls=strict_index_urls, cache_dir=cache_dir, no_cache=no_cache,
                              offline=offline, refresh=refresh, refresh_packages=refresh_packages)
    http = registry.http
    index = None
    try:
        dispatch = BuildDispatch(http, http.cache, no_build=ctx.options.builds_disabled)
        index = RegistryIndex(registry, http, builder=dispatch)
        dispatch.index = index
        result = resolve_universal(
            [*ctx.members, *ctx.path_projects], requires_python=ctx.requires_python, index=index, options=ctx.options,
            conflicts=ctx.conflicts, constraints=ctx.constraints, overrides=ctx.overrides,
            environments=ctx.environments, required_environments=ctx.required_environments,
            preferences=preferences, fork_strategy=ctx.fork_strategy,
            initial_forks=[env_from_fork_marker(_marker(m), ctx.conflicts) for m in fork_markers],
            root_requirements=[r for rs in ctx.manifest_groups.values() for r in rs],
        )
        index_warnings = tuple(dict.fromkeys(str(w) for w in registry.warnings))
        ctx.network_inputs = http.inputs
        ctx.index_fixes = list(dict.fromkeys((w.index.url, w.suggested_url) for w in registry.warnings
                                             if getattr(w, "suggested_url", None)))
    finally:
        try:
            if index is not None:
                index.stop_speculation()  # the metadata builds started ahead of the solver
        finally:
            http.close()
    return result, ctx, index_warnings


@_path_metadata.uses_build_settings
def lock(
    project: str | Path = ".",
    *,
    locked: bool = False,
    frozen: bool = False,
    dry_run: bool = False,
    upgrade: bool = False,
    upgrade_packages: Sequence[str] = (),
    config: UvConfig | None = None,
    environ: Mapping[str, str] | None = None,
    **resolve_options: Any,
) -> LockResult:
    """Lock the project in ``project``: resolve it for every environment and write ``uv.lock``.

    ``locked`` (uv's ``--locked``/``--check``): fail with :class:`LockedError` naming what differs
    if the lock would change; ``dry_run``: compute, write nothing. The lock's versions are kept
    (as preferences) unless ``upgrade`` or the package is in ``upgrade_packages``.
    """
    import sys

    started = time.perf_counter()
    git = sys.modules.get("prong.sources.git")  # (not imported by a process that has used no git source)
    if git is not None:
        git.new_run()  # branches and tags are looked up again by each lock (a locked commit is kept)
    directory = workspace_root(project)
    lock_path = directory / "uv.lock"
    existing_text = lock_path.read_text(encoding="utf-8") if lock_path.is_file() else None
    fingerprint = None
    remember = not resolve_options.get("no_cache")
    refreshing = bool(resolve_options.get("refresh") or resolve_options.get("refresh_packages"))
    if not upgrade and not upgrade_packages and not refreshing and remember:
        fingerprint = _fingerprint(directory, existing_text, config, environ, resolve_options)
        known = _known_fingerprint(resolve_options.get("cache_dir"), directory, fingerprint)
        if known is not None:  # the same inputs gave this lock: nothing to resolve
            return LockResult(
                lock=None, text=existing_text or "", path=lock_path, written=False, changed=False,
                resolution=None, packages=known, seconds=time.perf_counter() - started,
            )
    preferences = None
    fork_markers: tuple[str, ...] = ()
    status: Any = None
    git_pins: dict[tuple[str, Any], str] = {}
    previous: Lock | None = None
    if existing_text is not None:
        from prong.api._sources import locked_git_commits
        from prong.lock import parse_lock
        from prong.lock.check import check_lock

        previous = parse_lock(existing_text, lock_path)  # a lock prong cannot read is an error, as in uv
        if not upgrade:  # uv keeps a git source's locked commit until --upgrade / --upgrade-package
            git_pins = locked_git_commits(previous, set(upgrade_packages))
        env_vars = os.environ if environ is None else environ
        checked = _context(directory, config=config, environ=env_vars,
                           **{k: resolve_options.get(k) for k in _CONTEXT_OPTIONS},
                           indexes=resolve_options.get("indexes") or (),
                           extra_index_urls=resolve_options.get("extra_index_urls") or (),
                           no_build_package=resolve_options.get("no_build_package") or (),
                           no_binary_package=resolve_options.get("no_binary_package") or (),
                           cache_dir=resolve_options.get("cache_dir"), offline=bool(resolve_options.get("offline")),
                           git_pins=git_pins)
        status = check_lock(previous, lock_inputs(checked))
        log.debug("%s", status)
        refreshing = bool(resolve_options.get("refresh") or resolve_options.get("refresh_packages"))
        if status.satisfied and not upgrade and not upgrade_packages and not refreshing:
            # uv's `Satisfies`: the lock is the project's; nothing to resolve, nothing to write
            packages = len(previous.packages)
            if remember and not dry_run and not frozen:
                _remember_fingerprint(resolve_options.get("cache_dir"), directory, fingerprint, packages)
            return LockResult(
                lock=previous, text=existing_text, path=lock_path, written=False, changed=False,
                resolution=None, packages=packages, seconds=time.perf_counter() - started,
                warnings=tuple(checked.warnings),
            )
        reuse = "unusable" if upgrade else status.reuse if not status.satisfied else "preferable"
        if reuse == "preferable":
            fork_markers = tuple(previous.resolution_markers)
        if reuse != "unusable":
            preferences = _preferences_from_lock(previous, set(upgrade_packages))
        else:
            git_pins = {}
    resolution, ctx, index_warnings = resolve_project(
        directory, config=config, environ=environ, preferences=preferences, fork_markers=fork_markers,
        git_pins=git_pins, **resolve_options,
    )
    try:
        from prong.lock.build import build_lock
    except ImportError:
        raise ProngError("`prong lock` cannot write a lock yet (the lock builder is missing)") from None
    from prong.lock import render_lock
    from prong.lock.events import lock_events

    lk = build_lock(resolution, **_build_options(ctx))
    text = render_lock(lk)
    changed = text != existing_text
    changes = _lock_changes(previous, lk) if changed else ()
    events = tuple(lock_events(previous, lk)) if changed else ()
    if changed and status is not None and not status.satisfied:
        changes = tuple(dict.fromkeys((*status.hints(), *changes)))
    notes = (status.message,) if status is not None and not status.satisfied and status.kind in _NOTED else ()
    if locked and changed:
        from prong.lock.check import locked_message

        raise LockedError(locked_message("prong"), changes)
    written = False
    if changed and not dry_run and not frozen:
        from prong.api._files import write_atomic

        try:
            write_atomic(lock_path, text)
        except OSError as err:
            raise ProngError(
                f"cannot write {lock_path}: {err.strerror or err}; nothing was changed"
            ) from None
        written = True
    packages = len(lk.packages)
    if remember and not dry_run and not frozen and (written or not changed):
        _remember_fingerprint(resolve_options.get("cache_dir"), directory,
                              _fingerprint(directory, text, config, environ, resolve_options), packages)
    return LockResult(
        lock=lk, text=text, path=lock_path, written=written, changed=changed, resolution=resolution,
        packages=packages, seconds=time.perf_counter() - started,
        warnings=tuple(ctx.warnings) + tuple(resolution.warnings), index_warnings=index_warnings,
        changes=changes, notes=notes, index_fixes=tuple(ctx.index_fixes), events=events,
        had_lock=previous is not None, network_inputs=ctx.network_inputs,
    )


#: The ``_context`` options that ``lock``'s keyword arguments carry.
_CONTEXT_OPTIONS = ("default_index", "index_url", "index_strategy", "exclude_newer", "resolution", "prerelease",
                    "fork_strategy", "no_build", "no_binary")
#: The differences uv reports without ``-v`` (the others are debug messages).
_NOTED = frozenset({"resolution-mode", "fork-strategy", "exclude-newer", "prerelease"})


def lock_inputs(ctx: _Context) -> LockInputs:
    """What a lock of the project in ``ctx`` records (the values ``build_lock`` is given, plus the
    indexes in force), for :func:`prong.lock.check.check_lock`."""
    from prong.lock.check import LockInputs

    opts = _build_options(ctx)
    urls = ctx.index_urls
    configured = urls.no_index or bool(urls.flat) or any(i.origin != "default" for i in urls.indexes)
    return LockInputs(
        projects=tuple(opts["projects"]),
        requires_python=opts["requires_python"],
        conflicts=tuple(tuple(s) for s in opts["conflicts"]),
        environments=tuple(opts["environments"]),
        required_environments=tuple(opts["required_environments"]),
        options=opts["options"],
        constraints=tuple(opts["constraints"]),
        overrides=tuple(opts["overrides"]),
        build_constraints=tuple(opts["build_constraints"]),
        dynamic_version=tuple(opts["dynamic_version"]),
        default_groups={m.name: m.pyproject.tool_uv.default_groups for m in ctx.workspace.members.values()},
        members=tuple(opts["members"]),
        manifest_groups=opts["manifest_groups"],
        index_urls=tuple(i.url for i in (*urls.indexes, *urls.flat)) if configured else None,
        root=ctx.root,
    )


def lock_status(
    project: str | Path = ".",
    *,
    config: UvConfig | None = None,
    environ: Mapping[str, str] | None = None,
    default_index: str | None = None,
    indexes: Sequence[str] = (),
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    index_strategy: str | None = None,
    exclude_newer: str | None = None,
    resolution: str | None = None,
    prerelease: str | None = None,
    fork_strategy: str | None = None,
) -> LockStatus:
    """Whether the project's ``uv.lock`` still satisfies it, decided without the network as uv
    decides it (:func:`prong.lock.check.check_lock`): ``SATISFIED`` or a ``Stale`` naming the
    first difference. A missing or unreadable lock is a :class:`~prong.lock.LockFileError`."""
    from prong.lock import read_lock
    from prong.lock.check import check_lock

    directory = workspace_root(project)
    from prong.api._sources import locked_git_commits

    lk = read_lock(directory / "uv.lock")
    ctx = _context(
        directory, config=config, environ=os.environ if environ is None else environ,
        default_index=default_index, indexes=indexes, index_url=index_url, extra_index_urls=extra_index_urls,
        index_strategy=index_strategy, exclude_newer=exclude_newer, resolution=resolution, prerelease=prerelease,
        fork_strategy=fork_strategy, git_pins=locked_git_commits(lk),
    )
    return check_lock(lk, lock_inputs(ctx))


def _lock_changes(old: Lock | None, new: Lock) -> tuple[str, ...]:
    """What a new lock changes against ``old`` (the existing lock, read), one sentence each
    (packages added, removed, moved to another version or source; the lock's settings), for
    ``--locked``."""
    if old is None:
        return ("there is no uv.lock yet",)
    out: list[str] = []
    if old.requires_python != new.requires_python:
        out.append(f"requires-python changes from `{old.requires_python}` to `{new.requires_python}`")
    before: dict[str, set[str]] = {}
    after: dict[str, set[str]] = {}
    for pkg in old.packages:
        before.setdefault(pkg.name, set()).add(f"{pkg.version} ({pkg.source.kind} {pkg.source.value})")
    for pkg in new.packages:
        after.setdefault(pkg.name, set()).add(f"{pkg.version} ({pkg.source.kind} {pkg.source.value})")
    for name in sorted(set(before) | set(after)):
        b, a = before.get(name, set()), after.get(name, set())
        if b == a:
            continue
        if not b:
            out.append(f"`{name}` would be added: {', '.join(sorted(a))}")
        elif not a:
            out.append(f"`{name}` would be removed: {', '.join(sorted(b))}")
        else:
            out.append(f"`{name}` would change: {', '.join(sorted(b - a))} -> {', '.join(sorted(a - b))}")
    if not out:
        if old.manifest != new.manifest:
            out.append("the lock's [manifest] (members, constraints, overrides, groups) would change")
        elif old.options != new.options:
            out.append("the lock's [options] (exclude-newer, resolution, prerelease) would change")
        else:
            old_by_id = {p.id: p for p in old.packages}
            for pkg in new.packages:
                before_pkg = old_by_id.get(pkg.id)
                if before_pkg is None or before_pkg.metadata == pkg.metadata:
                    continue
                for label, a, b in (("requirement", before_pkg.metadata.requires_dist, pkg.metadata.requires_dist),
                                    *((f"requirement of group `{g}`", before_pkg.metadata.requires_dev.get(g, ()),
                                       pkg.metadata.requires_dev.get(g, ()))
                                      for g in sorted(set(before_pkg.metadata.requires_dev)
                                                      | set(pkg.metadata.requires_dev)))):
                    gone = [r for r in a if r not in b]
                    added = [r for r in b if r not in a]
                    out += [f"`{pkg.name}`: {label} `{_req_text(r)}` was removed" for r in gone]
                    out += [f"`{pkg.name}`: {label} `{_req_text(r)}` was added" for r in added]
                if before_pkg.metadata.provides_extras != pkg.metadata.provides_extras:
                    out.append(f"`{pkg.name}`: the extras change from {list(before_pkg.metadata.provides_extras)} "
                               f"to {list(pkg.metadata.provides_extras)}")
            names = sorted({p.name for p in new.packages if old_by_id.get(p.id) != p})
            if names and not out:
                out.append("the recorded requirements or files of " + ", ".join(f"`{n}`" for n in names[:5])
                           + " would change")
            elif not out:
                out.append("the lock's layout would change (it was not written by uv 0.13 or prong)")
    return tuple(out)


_FINGERPRINT_BUCKET = "lock-inputs-v2"
_ENV_KEYS = ("UV_INDEX", "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX_URL", "UV_FIND_LINKS",
             "UV_INDEX_STRATEGY", "UV_EXCLUDE_NEWER", "UV_PRERELEASE", "UV_RESOLUTION", "UV_NO_CONFIG",
             "UV_CONFIG_FILE", "UV_PROJECT_ENVIRONMENT", "UV_NO_BUILD", "UV_NO_BUILD_PACKAGE", "UV_NO_BINARY",
             "UV_NO_BINARY_PACKAGE")


def _fingerprint(directory: Path, lock_text: str | None, config: UvConfig | None,
                 environ: Mapping[str, str] | None, options: Mapping[str, Any]) -> str | None:
    """A digest of everything a lock depends on that is not the network: the contents of the
    project's pyproject.toml and uv.toml and of the configuration files read, the lock's text,
    uv's variables and the options. A digest prong has seen (``_remember_fingerprint``) means the
    lock is current for these inputs, wherever the project lives, and nothing needs resolving."""
    import hashlib

    if lock_text is None:
        return None
    h = hashlib.sha256(b"prong-lock-inputs-2\0")
    path_sources = _path_source_files(directory)
    files = [directory / "pyproject.toml", directory / "uv.toml", *(config.files if config is not None else ()),
             *path_sources, *_member_files(directory)]
    for f in files:
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"<absent>")
        h.update(b"\0")
    h.update(lock_text.encode("utf-8") + b"\0")
    h.update(_path_metadata.dynamic_tree_keys(path_sources).encode("utf-8", "surrogateescape") + b"\0")
    env = os.environ if environ is None else environ
    for key in _ENV_KEYS:
        h.update(f"{key}={env.get(key, '')}\0".encode())
    for key in sorted(options):
        if key in ("cache_dir", "no_cache", "offline", "refresh", "refresh_packages"):
            continue
        h.update(f"{key}={options[key]!r}\0".encode())
    return h.hexdigest()


def _path_source_files(directory: Path) -> list[Path]:
    """The pyproject.toml of every directory a ``path`` source names, transitively (their
    contents are inputs of the lock too)."""
    import tomllib

    out: list[Path] = []
    seen: set[Path] = set()
    pending = [directory.resolve()]
    while pending:
        here = pending.pop()
        try:
            data = tomllib.loads((here / "pyproject.toml").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        sources = ((data.get("tool") or {}).get("uv") or {}).get("sources") or {}
        if not isinstance(sources, dict):
            continue
        for entry in sources.values():
            for item in entry if isinstance(entry, list) else [entry]:
                if isinstance(item, dict) and isinstance(item.get("path"), str):
                    target = (here / item["path"]).resolve()
                    if target not in seen and target.is_file():  # a wheel or sdist: its bytes
                        seen.add(target)
                        out.append(target)
                    elif target not in seen and target.is_dir():
                        seen.add(target)
                        out.append(target / "pyproject.toml")
                        pending.append(target)
    return sorted(out)


def _member_files(directory: Path) -> list[Path]:
    """The pyproject.toml of every workspace member (their contents are inputs of the lock), and
    the member directories themselves: a member added or removed changes the list."""
    from prong.project._toml import declares_workspace, read_toml

    try:
        if not declares_workspace(read_toml(directory / "pyproject.toml")):
            return []  # no [tool.uv.workspace]: the project is the only member (fast: no full read)
        from prong.api._workspace import workspace_of

        ws = workspace_of(directory)
    except (ProngError, OSError):
        return []
    return [m.path / "pyproject.toml" for m in ws.members.values() if m.rel != "."]


def _fingerprint_file(cache_dir: Any, fingerprint: str) -> Path:
    from prong.cache import default_cache_dir

    return Path(default_cache_dir(cache_dir)) / _FINGERPRINT_BUCKET / fingerprint[:2] / fingerprint


def _known_fingerprint(cache_dir: Any, directory: Path, fingerprint: str | None) -> int | None:
    if fingerprint is None:
        return None
    try:
        stored = _fingerprint_file(cache_dir, fingerprint).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(stored) if stored.isdigit() else None


def _remember_fingerprint(cache_dir: Any, directory: Path, fingerprint: str | None, packages: int) -> None:
    if fingerprint is None:
        return
    try:
        from prong.api._files import write_atomic

        write_atomic(_fingerprint_file(cache_dir, fingerprint), f"{packages}\n")
    except OSError:
        pass  # only an optimisation


def _build_options(ctx: _Context) -> dict[str, Any]:
    from prong.lock.build import options_of
    from prong.pep508.markers import TRUE
    from prong.resolver.universal import LoweredRequirement

    opts = ctx.options
    return {
        "projects": [*ctx.members, *ctx.path_projects],
        "requires_python": ctx.requires_python,
        "conflicts": ctx.conflicts,
        "environments": ctx.environments,
        "required_environments": ctx.required_environments,
        "options": options_of(
            exclude_newer=opts.exclude_newer,
            exclude_newer_package=opts.exclude_newer_package,
            resolution=opts.resolution.value,
            prerelease=opts.prerelease.value,
            fork_strategy=ctx.fork_strategy,
        ),
        "constraints": [LoweredRequirement(c, c.marker_tree or TRUE, specifier_text=_specifier_text(str(c)))
                        for c in ctx.constraints],
        "overrides": [LoweredRequirement(o, o.marker_tree or TRUE, specifier_text=_specifier_text(str(o)))
                      for o in ctx.overrides],
        "build_constraints": [LoweredRequirement(c, c.marker_tree or TRUE, specifier_text=_specifier_text(str(c)))
                              for c in ctx.build_constraints],
        "dynamic_version": [m.name for m in ctx.workspace.members.values() if "version" in m.pyproject.dynamic]
        + _path_metadata.dynamic_versions(ctx.root, ctx.path_projects),
        "default_groups": {m.name: m.pyproject.tool_uv.default_groups for m in ctx.workspace.members.values()
                           if _sets_default_groups(m.pyproject.path)},
        # uv leaves out the members of a lone project (it is its own workspace)
        "members": list(ctx.workspace.members) if ctx.workspace.virtual_root or len(ctx.workspace.members) > 1
        else [],
        "manifest_groups": ctx.manifest_groups,
    }


def _sets_default_groups(path: Path) -> bool:
    """Whether ``[tool.uv] default-groups`` is written in the file (uv then records it)."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return "default-groups" in data.get("tool", {}).get("uv", {})


def _req_text(r: Any) -> str:
    """A recorded requirement as PEP 508-ish text, for messages."""
    text = r.name + (f"[{','.join(r.extras)}]" if r.extras else "") + (r.specifier or "")
    if r.get("index"):
        text += f" (index {r.get('index')})"
    if r.marker:
        text += f" ; {r.marker}"
    return text


def _marker(text: str) -> Any:
    from prong.pep508.markers import TRUE, parse_marker

    return parse_marker(text) if text else TRUE


def _preferences_from_lock(lk: Lock, upgrade: set[str]) -> dict[str, list[tuple[Any, Any, str | None]]]:
    """The previous lock's versions, each with the forks it was locked for (uv keeps a locked
    version unless ``-U`` / ``-P`` or the requirements no longer allow it)."""
    from prong.pep440.version import parse_version
    from prong.pep508.markers import TRUE, parse_marker

    out: dict[str, list[tuple[Any, Any, str | None]]] = {}
    for pkg in lk.packages:
        if pkg.name in upgrade or pkg.version is None or not pkg.source.is_registry:
            continue
        markers = [parse_marker(m) for m in pkg.resolution_markers] or [TRUE]
        marker = markers[0]
        for m in markers[1:]:
            marker = marker.or_(m)
        try:
            out.setdefault(pkg.name, []).append((marker, parse_version(pkg.version), pkg.source.value))
        except ProngError:
            continue
    return out
