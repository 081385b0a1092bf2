"""uv workspaces: ``[tool.uv.workspace]`` ``members`` / ``exclude`` globs, which directories are
members, where a project's workspace root is, and which members are packages.

The rules are uv's (0.13):

* a workspace root is a ``pyproject.toml`` with a ``[tool.uv.workspace]`` table; its own
  ``[project]``, if any, is a member; without one it is a *virtual* root;
* the other members are the directories the ``members`` globs match (relative to the root), less
  those an ``exclude`` glob matches; a matched directory without a ``pyproject.toml`` is an error,
  unless it is hidden (``.name``), not a directory, or holds no file but caches (uv: only
  git-ignored files); a member with ``[tool.uv] managed = false`` is left out;
* a glob that matches nothing is accepted (uv says nothing; prong warns);
* from a project directory, the workspace root is the first ancestor with a ``pyproject.toml``: if
  that one has ``[tool.uv.workspace]`` whose globs include the project (and do not exclude it), it
  is the root; otherwise (another project, or not included) the project is its own workspace;
* a member is a package if ``[tool.uv] package`` says so, else if it has a ``[build-system]``, else
  if another member (or the root's sources) names it with a ``workspace = true`` source.

Files are read here (this is the project layer); nothing is written.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from prong.project.pyproject import PyProject, PyProjectError, pyproject_from_dict, read_toml

__all__ = [
    "Member",
    "Workspace",
    "discover_workspace",
    "workspace_root",
    "excluded",
    "included",
    "normalize_glob",
    "workspace_table",
]


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True, slots=True)
class Member:
    """One workspace member: its normalized name, its directory, its path relative to the root
    (``"."`` for the root, ``/``-separated) and its pyproject."""

    name: str
    path: Path
    rel: str
    pyproject: PyProject


@dataclass(frozen=True, slots=True)
class Workspace:
    """A workspace: its root directory and pyproject, the members by name (sorted), the members
    that a ``workspace = true`` source names (``required``), and the glob warnings."""

    root: Path
    pyproject: PyProject
    members: Mapping[str, Member]
    required: frozenset[str] = frozenset()
    #: the root has ``[tool.uv.workspace]`` (False: a lone project, its own workspace)
    explicit: bool = False
    warnings: tuple[str, ...] = ()
    #: the globs as written (for the lock's inputs)
    member_globs: tuple[str, ...] = ()
    exclude_globs: tuple[str, ...] = field(default_factory=tuple)

    @property
    def virtual_root(self) -> bool:
        """The root has no ``[project]`` (uv: a non-project workspace)."""
        return self.pyproject.name is None

    def member_at(self, directory: Path) -> Member | None:
        """The member whose directory is ``directory``, if any."""
        target = directory.resolve()
        for m in self.members.values():
            if m.path == target:
                return m
        return None

    def is_package(self, name: str) -> bool:
        """uv's ``is_package``: ``[tool.uv] package``, else a ``[build-system]``, else whether a
        ``workspace = true`` source names the member."""
        pp = self.members[name].pyproject
        if pp.tool_uv.package is not None:
            return bool(pp.tool_uv.package)
        return pp.build_system is not None or name in self.required


def normalize_glob(pattern: str) -> str:
    """A ``members`` / ``exclude`` glob without ``./`` parts and trailing slashes."""
    parts = [p for p in pattern.replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts)


def included(rel: str, members: Sequence[str]) -> bool:
    """Whether a directory (``rel``, relative to the root, ``/``-separated) matches a ``members``
    glob (as uv's check from a member: ``*`` also crosses ``/``)."""
    return any(fnmatch.fnmatchcase(rel, normalize_glob(g)) for g in members)


def excluded(rel: str, exclude: Sequence[str]) -> bool:
    """Whether a directory (relative to the root) matches an ``exclude`` glob."""
    return any(fnmatch.fnmatchcase(rel, normalize_glob(g)) for g in exclude)


def workspace_table(data: Mapping[str, Any], path: Path) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """``[tool.uv.workspace]``'s ``members`` and ``exclude`` from a parsed pyproject, checked;
    None when the file has no such table."""
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    table = uv.get("workspace") if isinstance(uv, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise PyProjectError(path, "tool.uv.workspace", "must be a table",
                             hint='Write `[tool.uv.workspace]` with `members = ["packages/*"]`.')
    out = []
    for key in ("members", "exclude"):
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PyProjectError(path, f"tool.uv.workspace.{key}", "must be a list of glob strings",
                                 hint=f'Write for example `{key} = ["packages/*"]`.')
        for i, g in enumerate(value):
            if os.path.isabs(g) or ".." in g.replace("\\", "/").split("/"):
                raise PyProjectError(path, f"tool.uv.workspace.{key}[{i}]",
                                     f"`{g}` is not a path below the workspace root",
                                     hint="Write globs relative to the directory of this pyproject.toml.")
        out.append(tuple(value))
    return out[0], out[1]


def _read(path: Path) -> tuple[dict[str, Any], PyProject]:
    data = read_toml(path)
    return data, pyproject_from_dict(data, path)


def _has_content(directory: Path) -> bool:
    """Whether ``directory`` holds a file that is not a cache (prong's stand-in for uv's "only
    git-ignored files": ``__pycache__``, ``*.pyc`` and ``.git*`` entries do not count)."""
    for _dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = [d for d in dirnames if d != "__pycache__" and not d.startswith(".git")]
        if any(not f.endswith((".pyc", ".pyo")) and not f.startswith(".git") for f in filenames):
            return True
    return False


def _managed(data: Mapping[str, Any]) -> bool:
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    return not (isinstance(uv, dict) and uv.get("managed") is False)


def _collect(root: Path, data: Mapping[str, Any], pp: PyProject, globs: Sequence[str],
             exclude: Sequence[str]) -> tuple[dict[str, Member], list[str]]:
    """The members of the workspace rooted at ``root`` (uv's ``collect_members``)."""
    path = root / "pyproject.toml"
    members: dict[str, Member] = {}
    warnings: list[str] = []
    seen: set[Path] = set()
    if pp.name is not None:
        members[_normalize(pp.name)] = Member(_normalize(pp.name), root, ".", pp)
        seen.add(root)
    for i, pattern in enumerate(globs):
        key = f"tool.uv.workspace.members[{i}]"
        norm = normalize_glob(pattern)
        matches = sorted(root.glob(norm)) if norm else [root]
        if not matches:
            warnings.append(f"{path}: `{key}`: `{pattern}` matches no directory")
        for found in matches:
            member_root = Path(os.path.normpath(found))
            if member_root in seen:
                continue
            seen.add(member_root)
            rel = PurePosixPath(*member_root.relative_to(root).parts).as_posix() if member_root != root else "."
            if excluded(rel, exclude):
                continue
            pyproject = member_root / "pyproject.toml"
            if not pyproject.is_file():
                if not member_root.is_dir() or member_root.name.startswith(".") or not _has_content(member_root):
                    continue
                raise PyProjectError(
                    path, key, f"workspace member `{rel}` (matched by `{pattern}`) has no pyproject.toml",
                    hint=f"Add a pyproject.toml with a [project] table to `{rel}`, or add `{rel}` to "
                    "`tool.uv.workspace.exclude`.")
            mdata, mpp = _read(pyproject)
            if not _managed(mdata):
                continue
            if mpp.name is None:
                raise PyProjectError(pyproject, "project", f"workspace member `{rel}` (matched by `{pattern}`) "
                                     "has no [project] table",
                                     hint=f"Add a [project] table with a name, or add `{rel}` to "
                                     "`tool.uv.workspace.exclude`.")
            if workspace_table(mdata, pyproject) is not None:
                raise PyProjectError(pyproject, "tool.uv.workspace", f"workspace member `{rel}` declares a "
                                     "workspace of its own (nested workspaces are not supported)",
                                     hint=f"Remove [tool.uv.workspace] from {pyproject}, or exclude `{rel}`.")
            name = _normalize(mpp.name)
            if name in members:
                first = members[name].rel
                raise PyProjectError(
                    path, key, f"two workspace members are both named `{name}`: `{first}` and `{rel}`",
                    hint=f"Rename one of them in its [project] table, or add one to `tool.uv.workspace.exclude`.")
            members[name] = Member(name, member_root, rel, mpp)
    return dict(sorted(members.items())), warnings


def _required(pp: PyProject, members: Mapping[str, Member]) -> frozenset[str]:
    """uv's required members: the names a ``workspace = true`` source of the root (other than the
    root project's own name) or of a member (other than its own) mentions."""
    out: set[str] = set()
    tables = [(pp.normalized_name, pp.tool_uv.sources)]
    tables += [(m.name, m.pyproject.tool_uv.sources) for m in members.values() if m.rel != "."]
    for own, sources in tables:
        for name, entries in sources.items():
            if name != own and any(s.workspace for s in entries):
                out.add(name)
    return frozenset(out)


def _find_root(project: Path) -> tuple[Path, dict[str, Any], tuple[str, ...], tuple[str, ...]] | None:
    """The workspace root above ``project`` that includes it (uv's ``find_workspace``), if any."""
    for ancestor in project.parents:
        path = ancestor / "pyproject.toml"
        if not path.is_file():
            continue
        data = read_toml(path)
        table = workspace_table(data, path)
        if table is None:
            return None  # another project (or a bare pyproject.toml): not a workspace of ours
        rel = PurePosixPath(*project.relative_to(ancestor).parts).as_posix()
        if not included(rel, table[0]) or excluded(rel, table[1]):
            return None
        return ancestor, data, table[0], table[1]
    return None


def workspace_root(project: Path) -> Path:
    """The root of the workspace of the project in directory ``project``, without reading its
    members (see :func:`discover_workspace`): ``project`` itself when it declares a workspace or
    no workspace above includes it."""
    project = project.resolve()
    path = project / "pyproject.toml"
    if workspace_table(read_toml(path), path) is not None:
        return project
    found = _find_root(project)
    return found[0] if found is not None else project


def discover_workspace(project: Path) -> Workspace:
    """The workspace of the project in directory ``project`` (its own, when no workspace root
    above it includes it, or when its own pyproject.toml has ``[tool.uv.workspace]``)."""
    project = project.resolve()
    path = project / "pyproject.toml"
    data, pp = _read(path)
    table = workspace_table(data, path)
    found = None if table is not None else _find_root(project)
    if table is not None:
        root, root_data, root_pp, (globs, exclude) = project, data, pp, table
    elif found is not None:
        root, root_data, globs, exclude = found
        root_pp = pyproject_from_dict(root_data, root / "pyproject.toml")
    else:
        members = {pp.normalized_name: Member(pp.normalized_name, project, ".", pp)} if pp.name else {}
        return Workspace(root=project, pyproject=pp, members=members)  # type: ignore[arg-type]
    members, warnings = _collect(root, root_data, root_pp, globs, exclude)
    return Workspace(root=root, pyproject=root_pp, members=members, required=_required(root_pp, members),
                     explicit=True, warnings=tuple(warnings), member_globs=tuple(globs),
                     exclude_globs=tuple(exclude))
