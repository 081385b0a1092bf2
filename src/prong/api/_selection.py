"""From uv's selection options (``--extra``, ``--group``, ``--only-group``, ``--no-dev``, ...)
to a :class:`~prong.install.selection.Selection` of a lock: shared by ``export`` and ``sync``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from prong.install.selection import Selection, SelectionError

if TYPE_CHECKING:
    from prong.lock.model import Lock
    from prong.project.pyproject import PyProject


@dataclass(frozen=True, slots=True)
class SelectionOptions:
    """uv's options for what to take from a lock (the defaults take the project, no extras, and the
    groups of ``[tool.uv] default-groups``)."""

    package: str | None = None
    all_packages: bool = False
    extras: Sequence[str] = ()
    all_extras: bool = False
    no_extras: Sequence[str] = ()
    groups: Sequence[str] = ()
    no_groups: Sequence[str] = ()
    only_groups: Sequence[str] = ()
    all_groups: bool = False
    no_default_groups: bool = False
    dev: bool = True
    only_dev: bool = False
    prune: Sequence[str] = ()


def build_selection(pyproject: PyProject, pyproject_path: Path, lock: Lock, opts: SelectionOptions) -> Selection:
    """The selection ``opts`` asks for; unknown extras, groups or packages are a
    :class:`SelectionError` in uv's words."""
    from prong.pep508.names import normalize_extra, normalize_group, normalize_name

    members = tuple(lock.manifest.members)
    if opts.all_packages:
        roots = members or ((pyproject.normalized_name,) if pyproject.normalized_name else ())
    elif opts.package is not None:
        name = normalize_name(opts.package)
        if name not in members and name != pyproject.normalized_name:
            raise SelectionError(f"The workspace does not have a member {opts.package}: {pyproject_path.parent}",
                                 f"The workspace's members: {', '.join(members) or pyproject.normalized_name}.")
        roots = (name,)
    else:
        if pyproject.normalized_name is None:
            raise SelectionError(f"{pyproject_path} has no [project] name",
                                 "Use --all-packages (or --package NAME) in a workspace without a root project.")
        roots = (pyproject.normalized_name,)

    root_packages = [p for r in roots for p in lock.find(r)]
    own = pyproject.normalized_name or (roots[0] if roots else "")
    known_extras = {e for p in root_packages for e in p.metadata.provides_extras} | {
        e for p in root_packages for e in p.optional_dependencies}
    wanted_extras = {normalize_extra(e) for e in opts.extras}
    unknown = sorted(wanted_extras - known_extras)
    if unknown:
        raise SelectionError(f"Extra `{unknown[0]}` is not defined in the `optional-dependencies` table for `{own}`",
                             f"The project's extras: {', '.join(sorted(known_extras)) or 'none'}.")
    if opts.all_extras:
        wanted_extras = known_extras - {normalize_extra(e) for e in opts.no_extras}

    known_groups = {g for p in root_packages for g in (*p.dev_dependencies, *p.metadata.requires_dev)}
    # a workspace root without [project]: its own groups are the lock's [manifest.dependency-groups]
    root_groups = set(lock.manifest.dependency_groups) if pyproject.normalized_name is None else set()
    known_groups |= root_groups
    asked = {normalize_group(g) for g in (*opts.groups, *opts.only_groups)}
    unknown = sorted(asked - known_groups)
    if unknown:
        raise SelectionError(f"Group `{unknown[0]}` is not defined in the project's `dependency-groups` table",
                             f"The project's groups: {', '.join(sorted(known_groups)) or 'none'}.")
    prod = not (opts.only_groups or opts.only_dev)
    if opts.only_groups or opts.only_dev:
        chosen = {normalize_group(g) for g in opts.only_groups} | ({"dev"} if opts.only_dev else set())
    else:
        default = pyproject.tool_uv.default_groups
        chosen = set() if opts.no_default_groups else (set(known_groups) if default == "all" else set(default))
        chosen |= {normalize_group(g) for g in opts.groups}
        if opts.all_groups:
            chosen |= known_groups
        if not opts.dev:
            chosen.discard("dev")
        chosen -= {normalize_group(g) for g in opts.no_groups}
    return Selection(
        roots=roots,
        extras=frozenset(wanted_extras),
        groups=frozenset(chosen),
        prod=prod,
        prune=frozenset(normalize_name(p) for p in opts.prune),
        manifest_groups=frozenset(chosen & root_groups),
    )


def check_known_names(pyproject: PyProject, lock: Lock, extras: Sequence[str], groups: Sequence[str]) -> None:
    """Refuse (:class:`SelectionError`, exit 2) an extra or group the project does not define, in the
    words of :func:`build_selection`, for commands that do not select (``prong tree``)."""
    from prong.pep508.names import normalize_extra, normalize_group

    own = pyproject.normalized_name
    root_packages = list(lock.find(own)) if own else []
    known_extras = {e for p in root_packages for e in p.metadata.provides_extras} | {
        e for p in root_packages for e in p.optional_dependencies}
    unknown = sorted({normalize_extra(e) for e in extras} - known_extras)
    if unknown:
        raise SelectionError(f"Extra `{unknown[0]}` is not defined in the `optional-dependencies` table for `{own}`",
                             f"The project's extras: {', '.join(sorted(known_extras)) or 'none'}.")
    known_groups = {g for p in root_packages for g in (*p.dev_dependencies, *p.metadata.requires_dev)} | set(
        lock.manifest.dependency_groups)
    unknown = sorted({normalize_group(g) for g in groups} - known_groups)
    if unknown:
        raise SelectionError(f"Group `{unknown[0]}` is not defined in the project's `dependency-groups` table",
                             f"The project's groups: {', '.join(sorted(known_groups)) or 'none'}.")
