"""uv workspaces in ``prong lock`` / ``sync``: the members as the resolver's roots, ``workspace =
true`` sources, the workspace's ``requires-python`` (the intersection of the members'), and
the virtual root's dependency groups. Discovery and membership are :mod:`prong.project.workspace`."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prong.project.pyproject import PyProject, Source
    from prong.project.workspace import Member, Workspace
    from prong.resolver.universal import LocalProject, LoweredRequirement

__all__ = ["ProjectTarget", "check_member_sources", "member_projects", "project_environment", "project_target",
           "requires_python_of", "root_groups", "workspace_of", "workspace_source"]


def project_environment(root: Path, environ: Mapping[str, str] | None = None) -> Path:
    """Where the project's venv lives: ``UV_PROJECT_ENVIRONMENT`` (relative to the project) or
    ``.venv`` beside its pyproject.toml."""
    env = os.environ if environ is None else environ
    value = env.get("UV_PROJECT_ENVIRONMENT")
    if value:
        path = Path(value).expanduser()
        return path if path.is_absolute() else (root / path)
    return root / ".venv"


def workspace_of(start: str | Path) -> Workspace:
    """The workspace of the project at or above ``start`` (uv's discovery)."""
    from prong.api.lock import find_project
    from prong.project.workspace import discover_workspace

    return discover_workspace(find_project(start))


@dataclass(frozen=True, slots=True)
class ProjectTarget:
    """What a project command acts on, found as uv finds it: the workspace (its root holds
    ``uv.lock`` and ``.venv``) and the member the command is about (the one it was run in, or the
    one ``--package`` names; ``None`` for a virtual root)."""

    workspace: Workspace
    member: Member | None

    @property
    def root(self) -> Path:
        """The workspace root (where ``uv.lock`` and ``.venv`` are)."""
        return self.workspace.root

    @property
    def lock_path(self) -> Path:
        return self.workspace.root / "uv.lock"

    @property
    def directory(self) -> Path:
        """The directory of the project acted on (the member's, else the root's)."""
        return self.member.path if self.member is not None else self.workspace.root

    @property
    def pyproject_path(self) -> Path:
        """The pyproject.toml a command reads or edits: the member's, else the root's."""
        return self.directory / "pyproject.toml"


def project_target(start: str | Path, package: str | None = None) -> ProjectTarget:
    """The workspace of the project at or above ``start`` and the member a command acts on: the
    one ``package`` names, else the one whose directory holds ``start``'s project (uv's rule for
    ``add``, ``remove``, ``version``, ``export``, ``tree``...). An unknown ``package`` is refused
    in uv's words."""
    from prong.api.lock import find_project
    from prong.install.selection import SelectionError
    from prong.pep508.names import normalize_name
    from prong.project.workspace import discover_workspace

    directory = find_project(start)
    ws = discover_workspace(directory)
    if package is not None:
        member = ws.members.get(normalize_name(package))
        if member is None:
            raise SelectionError(f"The workspace does not have a member {package}: {ws.root}",
                                 f"The workspace's members: {', '.join(ws.members) or 'none'}.")
        return ProjectTarget(ws, member)
    return ProjectTarget(ws, ws.member_at(directory))


def check_member_sources(ws: Workspace, pp: PyProject, pp_sources: PyProject, name: str,
                         sources: Sequence[Source], where: str) -> None:
    """uv's rule: a requirement on another workspace member must use a ``workspace = true`` source."""
    from prong.api.lock import ProjectError

    if name not in ws.members or name == pp.normalized_name:
        return
    if not sources:
        raise ProjectError(
            f"{pp.path}: `{where}`: `{name}` is included as a workspace member, but is missing an entry in "
            "`tool.uv.sources`",
            hint=f"Add `{name} = {{ workspace = true }}` to [tool.uv.sources] in {pp.path}.")
    for s in sources:
        if not s.workspace:
            kind = "index" if s.index else "path" if s.path else "URL" if s.url else "Git repository"
            raise ProjectError(
                f"{pp_sources.path}: `tool.uv.sources.{name}`: `{name}` is included as a workspace member, but "
                f"references a {kind} in `tool.uv.sources`",
                hint=f"Write `{name} = {{ workspace = true }}`.")


def workspace_source(ws: Workspace | None, file: Path, key: str, name: str, path_root: Path) -> tuple[str, str]:
    """A ``workspace = true`` source as the lock writes it: ``("editable" | "virtual", path)``,
    the member's directory relative to ``path_root``."""
    from prong.api.lock import ProjectError

    member = ws.members.get(name) if ws is not None else None
    if ws is None or member is None:
        known = ", ".join(f"`{m}`" for m in ws.members) if ws is not None and ws.members else "none"
        raise ProjectError(
            f"{file}: `{key}`: `{name}` references a workspace in `tool.uv.sources` "
            f"(`{name} = {{ workspace = true }}`), but is not a workspace member (members: {known})",
            hint=f"Add its directory to `tool.uv.workspace.members` in {ws.root / 'pyproject.toml' if ws else file}, "
            f"or give `{name}` another source.")
    rel = os.path.relpath(member.path, path_root).replace(os.sep, "/")
    return ("editable" if ws.is_package(name) else "virtual", rel)


def _lower_all(pp: PyProject, ws: Workspace, indexes: Any, root: Path) -> tuple[list[Any], dict[str, list[Any]]]:
    """A project's ``dependencies`` and extras, and its dependency groups, lowered."""
    from prong.api.lock import _lower

    requires: list[LoweredRequirement] = []
    for i, text in enumerate(pp.dependencies):
        requires += _lower(pp, text, None, None, indexes, f"project.dependencies[{i}]", path_root=root,
                           workspace=ws)
    for extra in pp.optional_dependencies:  # the written order: `provides-extras` keeps it
        for i, text in enumerate(pp.optional_dependencies[extra]):
            requires += _lower(pp, text, extra, None, indexes, f"project.optional-dependencies.{extra}[{i}]",
                               path_root=root, workspace=ws)
    groups: dict[str, list[LoweredRequirement]] = {}
    for group, reqs in pp.dependency_groups.items():
        for i, text in enumerate(reqs):
            groups.setdefault(group, []).extend(
                _lower(pp, text, None, group, indexes, f"dependency-groups.{group}[{i}]", path_root=root,
                       workspace=ws))
    if pp.tool_uv.dev_dependencies:
        for i, text in enumerate(pp.tool_uv.dev_dependencies):
            groups.setdefault("dev", []).extend(
                _lower(pp, text, None, "dev", indexes, f"tool.uv.dev-dependencies[{i}]", path_root=root,
                       workspace=ws))
    for group in pp.dependency_groups:
        groups.setdefault(group, [])
    return requires, groups


def member_projects(ws: Workspace, indexes: Any) -> list[LocalProject]:
    """Every member as a :class:`LocalProject` (the resolution's roots), in name order."""
    from prong.api.lock import ProjectError
    from prong.pep440.version import parse_version
    from prong.resolver.universal import LocalProject
    from prong.resolver.universal_result import DistSource

    out = []
    for member in ws.members.values():
        pp = member.pyproject
        path = pp.path
        requires, groups = _lower_all(pp, ws, indexes, ws.root)
        if "version" in pp.dynamic:
            version = parse_version("0")
        elif pp.version is None:
            raise ProjectError(f"{path}: `project.version`: a version is required unless it is listed in `dynamic`")
        else:
            version = parse_version(pp.version)
        if "dependencies" in pp.dynamic or "optional-dependencies" in pp.dynamic:
            raise ProjectError(
                f"{path}: `project.dynamic`: dynamic dependencies need a build of the project, which `prong lock` "
                "cannot do yet"
            )
        source = DistSource("editable" if ws.is_package(member.name) else "virtual", member.rel)
        out.append(LocalProject(
            name=member.name, version=version, source=source, requires_dist=tuple(requires),
            provides_extra=tuple(pp.optional_dependencies),
            dependency_groups={k: tuple(v) for k, v in groups.items()}, requires_python=pp.requires_python,
        ))
    return out


def root_groups(ws: Workspace, indexes: Any) -> dict[str, tuple[LoweredRequirement, ...]]:
    """A virtual root's own dependency groups, lowered (uv records them in ``[manifest]``)."""
    if not ws.virtual_root:
        return {}
    _, groups = _lower_all(ws.pyproject, ws, indexes, ws.root)
    return {k: tuple(v) for k, v in groups.items()}


def requires_python_of(ws: Workspace) -> str | None:
    """The workspace's ``requires-python``: the one member's as written, else the intersection of
    the members' (uv's: the highest lower bound, the lowest upper bound); None when no member
    says."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    specs = list(dict.fromkeys(m.pyproject.requires_python for m in ws.members.values()
                               if m.pyproject.requires_python))
    if ws.virtual_root and ws.pyproject.requires_python:
        specs.insert(0, ws.pyproject.requires_python)
    if len(specs) <= 1:
        return specs[0] if specs else None
    lows: list[tuple[Version, bool, str]] = []  # (version, strict, text)
    highs: list[tuple[Version, bool, str]] = []
    try:
        for spec in specs:
            for s in SpecifierSet(spec):
                v = Version(s.version.removesuffix(".*")) if s.operator != "~=" else Version(s.version)
                if s.operator in (">=", ">"):
                    lows.append((v, s.operator == ">", f"{s.operator}{s.version}"))
                elif s.operator in ("<", "<="):
                    highs.append((v, s.operator == "<", f"{s.operator}{s.version}"))
                elif s.operator == "~=":
                    lows.append((v, False, f">={s.version}"))
                    upper = Version(".".join(str(x) for x in (*v.release[:-2], v.release[-2] + 1)))
                    highs.append((upper, True, f"<{upper}"))
                else:
                    return ", ".join(specs)  # `==`, `!=`: every bound kept
    except (InvalidSpecifier, ValueError, IndexError):
        return ", ".join(specs)
    parts = []
    if lows:
        parts.append(max(lows, key=lambda t: (t[0], t[1]))[2])
    if highs:
        parts.append(min(highs, key=lambda t: (t[0], not t[1]))[2])
    return ", ".join(parts) or None
