"""Edits of pyproject.toml that keep its comments, blank lines and key order (``tomlkit``).

``PyProjectEditor(text)`` changes the document in memory; ``text()`` gives it back. Requirement
arrays keep their layout: an entry goes where it sorts when the array is sorted, else at the end;
an empty array becomes one entry per line (uv's layout), and an array emptied again becomes ``[]``,
so that adding and then removing a package gives the file back byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from prong.errors import ProngError

__all__ = ["DependencyTarget", "EditError", "PyProjectEditor"]


class EditError(ProngError):
    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(message)

    def hints(self) -> tuple[str, ...]:
        return (self.hint,) if self.hint else ()


@dataclass(frozen=True, slots=True)
class DependencyTarget:
    """Where a requirement goes: the project's dependencies, an extra, or a dependency group."""

    optional: str | None = None
    group: str | None = None

    def describe(self) -> str:
        if self.optional is not None:
            return f"project.optional-dependencies.{self.optional}"
        if self.group is not None:
            return f"dependency-groups.{self.group}"
        return "project.dependencies"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def requirement_name(text: str) -> str | None:
    m = _NAME.match(text)
    return _norm(m.group(1)) if m else None


class PyProjectEditor:
    def __init__(self, text: str, path: str = "pyproject.toml") -> None:
        import tomlkit

        self.path = path
        self._original = text
        self._new_headers: set[str] = set()  # tables this editor created (a blank line goes before them)
        try:
            self.doc = tomlkit.parse(text)
        except Exception as err:  # tomlkit's ParseError and friends
            raise EditError(f"{path}: invalid TOML ({err})", "Fix the file, then try again.") from None

    def text(self) -> str:
        out = self.doc.as_string()
        for header in self._new_headers:  # a table this editor made: blank lines around it, as uv
            out = re.sub(r"([^\n])\n(" + re.escape(header) + r"\n)", r"\1\n\n\2", out)
            at = out.find(f"\n{header}\n")
            if at >= 0:
                nxt = re.compile(r"\n(\[[^\n]*\]\n)").search(out, at + len(header) + 2)
                if nxt is not None and out[nxt.start() - 1] != "\n":
                    out = out[:nxt.start()] + "\n" + out[nxt.start():]
        if out.endswith("\n\n") and not self._original.endswith("\n\n"):
            out = out.rstrip("\n") + "\n"  # a table removed from the end leaves its blank line
        return out

    # -- requirement arrays -------------------------------------------------------------------

    def _array(self, target: DependencyTarget, create: bool) -> Any:
        import tomlkit

        doc = self.doc
        if target.group is not None:
            groups = doc.get("dependency-groups")
            if groups is None:
                if not create:
                    return None
                groups = tomlkit.table()
                doc["dependency-groups"] = groups
            arr = groups.get(target.group)
            if arr is None:
                if not create:
                    return None
                arr = tomlkit.array()
                groups[target.group] = arr
            return arr
        project = doc.get("project")
        if project is None:
            raise EditError(f"{self.path} has no [project] table", "Add one (`prong init`), then try again.")
        if target.optional is None:
            arr = project.get("dependencies")
            if arr is None:
                if not create:
                    return None
                arr = tomlkit.array()
                project["dependencies"] = arr
            return arr
        extras = project.get("optional-dependencies")
        if extras is None:
            if not create:
                return None
            extras = tomlkit.table()
            project["optional-dependencies"] = extras
            self._new_headers.add("[project.optional-dependencies]")
        arr = extras.get(target.optional)
        if arr is None:
            if not create:
                return None
            arr = tomlkit.array()
            extras[target.optional] = arr
        return arr

    def entries(self, target: DependencyTarget) -> list[str]:
        arr = self._array(target, create=False)
        return [str(x) for x in arr] if arr is not None else []

    def add_requirement(self, target: DependencyTarget, requirement: str) -> str | None:
        """Put ``requirement`` into the target's array, replacing an entry for the same package
        (and marker); returns the entry it replaced, if any."""
        arr = self._array(target, create=True)
        name = requirement_name(requirement)
        marker = _marker_of(requirement)
        for i, item in enumerate(arr):
            if requirement_name(str(item)) == name and _marker_of(str(item)) == marker:
                old = str(item)
                arr[i] = requirement
                return old
        was_empty = len(arr) == 0
        names = [requirement_name(str(x)) or "" for x in arr]
        if names == sorted(names) and names:
            position = next((i for i, n in enumerate(names) if n > (name or "")), len(names))
            arr.insert(position, requirement)
        else:
            arr.append(requirement)
        if was_empty:
            arr.multiline(True)
        return None

    def remove_requirement(self, target: DependencyTarget, name: str) -> list[str]:
        """Remove every entry for ``name`` from the target's array; returns them."""
        arr = self._array(target, create=False)
        if arr is None:
            return []
        wanted = _norm(name)
        removed = []
        for i in reversed(range(len(arr))):
            if requirement_name(str(arr[i])) == wanted:
                removed.append(str(arr[i]))
                del arr[i]
        if removed and len(arr) == 0:
            self._drop_empty(target)
        return removed

    def _drop_empty(self, target: DependencyTarget) -> None:
        """An array emptied by a removal: ``dependencies = []``; an extra or a group goes away
        (and its table, when that was its last key), as uv leaves them."""
        import tomlkit

        if target.optional is None and target.group is None:
            self.doc["project"]["dependencies"] = tomlkit.array()
            return
        if target.group is not None:
            parent, key, owner, owner_key = self.doc["dependency-groups"], target.group, self.doc, "dependency-groups"
        else:
            project = self.doc["project"]
            parent, key, owner, owner_key = project["optional-dependencies"], target.optional, project, \
                "optional-dependencies"
        del parent[key]
        if len(parent) == 0:
            del owner[owner_key]

    def requirement_targets(self) -> Iterator[DependencyTarget]:
        """Every array a requirement can be in."""
        yield DependencyTarget()
        project = self.doc.get("project") or {}
        for extra in (project.get("optional-dependencies") or {}):
            yield DependencyTarget(optional=str(extra))
        for group in (self.doc.get("dependency-groups") or {}):
            yield DependencyTarget(group=str(group))

    # -- [tool.uv] ----------------------------------------------------------------------------

    def _tool_uv(self, create: bool) -> Any:
        import tomlkit

        tool = self.doc.get("tool")
        if tool is None:
            if not create:
                return None
            tool = tomlkit.table(is_super_table=True)
            self.doc["tool"] = tool
        uv = tool.get("uv")
        if uv is None:
            if not create:
                return None
            uv = tomlkit.table(is_super_table=True)
            tool["uv"] = uv
        return uv

    def indexes(self) -> list[dict[str, Any]]:
        uv = self._tool_uv(create=False)
        if uv is None:
            return []
        return [dict(i) for i in (uv.get("index") or [])]

    def add_index(self, name: str | None, url: str, *, default: bool = False) -> None:
        """A ``[[tool.uv.index]]`` entry (or an update of the one with this name or URL)."""
        import tomlkit

        uv = self._tool_uv(create=True)
        entries = uv.get("index")
        if entries is None:
            entries = tomlkit.aot()
            uv["index"] = entries
            self._new_headers.add("[[tool.uv.index]]")
        for entry in entries:
            if (name is not None and entry.get("name") == name) or (name is None and entry.get("url") == url):
                entry["url"] = url
                if default:
                    entry["default"] = True
                return
        table = tomlkit.table()
        if name is not None:
            table["name"] = name
        table["url"] = url
        if default:
            table["default"] = True
        entries.append(table)

    def replace_index_url(self, old: str, new: str) -> bool:
        uv = self._tool_uv(create=False)
        changed = False
        for entry in (uv.get("index") or []) if uv is not None else []:
            if str(entry.get("url", "")).rstrip("/") == old.rstrip("/"):
                entry["url"] = new
                changed = True
        return changed

    def set_source(self, package: str, source: dict[str, Any]) -> None:
        import tomlkit

        uv = self._tool_uv(create=True)
        sources = uv.get("sources")
        if sources is None:
            sources = tomlkit.table()
            uv["sources"] = sources
            self._new_headers.add("[tool.uv.sources]")
        # uv's spelling, `{ index = "cpu" }` (tomlkit's own inline tables have no inner spaces)
        body = ", ".join(f"{k} = {tomlkit.item(v).as_string()}" for k, v in source.items())
        sources[package] = tomlkit.parse(f"x = {{ {body} }}\n")["x"]

    def remove_source(self, package: str) -> bool:
        uv = self._tool_uv(create=False)
        sources = uv.get("sources") if uv is not None else None
        if sources is None:
            return False
        for key in list(sources):
            if _norm(str(key)) == _norm(package):
                del sources[key]
                if len(sources) == 0:
                    del uv["sources"]
                return True
        return False

    def project_version(self) -> str | None:
        project = self.doc.get("project") or {}
        version = project.get("version")
        return str(version) if version is not None else None

    def set_project_version(self, version: str) -> None:
        project = self.doc.get("project")
        if project is None:
            raise EditError(f"{self.path} has no [project] table")
        project["version"] = version


def _marker_of(requirement: str) -> str:
    _, sep, marker = requirement.partition(";")
    return marker.strip() if sep else ""
