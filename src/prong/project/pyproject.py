"""A typed view of ``pyproject.toml``: ``[project]``, ``[dependency-groups]`` and ``[tool.uv]``.

The file is read as uv reads it: the same keys (kebab-case), the same shapes (a source may be
one table or a list of tables with ``marker``/``extra``/``group``), and unknown ``[tool.uv]``
keys are kept aside rather than rejected, so a newer uv's file still loads. ``uv.toml`` has
the ``[tool.uv]`` keys at its top level and is read by :func:`read_uv_toml`; as in uv, it may not
hold the keys that only make sense in a project (``sources``, ``conflicts``, ...).
``[tool.uv.pip]`` (``[pip]`` in uv.toml) is read into :class:`PipTable`. Settings a file does not
set stay ``None`` (or empty), so that :mod:`prong.project.settings` can merge files as uv does.

Errors name the file, the key and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prong.errors import ProngError
from prong.project._toml import PyProjectError, _load_toml, declares_workspace, read_toml

_NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One ``[[tool.uv.index]]`` table."""

    url: str
    name: str | None = None
    explicit: bool = False
    default: bool = False
    format: str = "simple"  # or "flat"
    authenticate: str = "auto"  # "always" | "never" | "auto"
    ignore_error_codes: tuple[int, ...] | None = None
    publish_url: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of ``[tool.uv.sources]`` for a package."""

    index: str | None = None
    path: str | None = None
    url: str | None = None
    git: str | None = None
    rev: str | None = None
    tag: str | None = None
    branch: str | None = None
    subdirectory: str | None = None
    editable: bool | None = None
    workspace: bool | None = None
    marker: str | None = None
    extra: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class ConflictItem:
    """One member of a ``conflicts`` set: an extra or a group of a package (None: this project)."""

    package: str | None = None
    extra: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class PipTable:
    """``[tool.uv.pip]``: settings of uv's pip interface (``None``: not set in this file)."""

    index: tuple[IndexEntry, ...] = ()
    index_url: str | None = None
    extra_index_url: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool | None = None
    index_strategy: str | None = None
    prerelease: str | None = None
    resolution: str | None = None
    exclude_newer: str | None = None
    python_version: str | None = None
    python_platform: str | None = None
    no_build: bool | None = None
    generate_hashes: bool | None = None
    no_annotate: bool | None = None
    no_header: bool | None = None
    other: Mapping[str, Any] = field(default_factory=dict)  # keys prong does not use (yet)


@dataclass(frozen=True, slots=True)
class ToolUv:
    index: tuple[IndexEntry, ...] = ()
    sources: Mapping[str, tuple[Source, ...]] = field(default_factory=dict)
    conflicts: tuple[tuple[ConflictItem, ...], ...] = ()
    environments: tuple[str, ...] = ()
    required_environments: tuple[str, ...] = ()
    constraint_dependencies: tuple[str, ...] = ()
    override_dependencies: tuple[str, ...] = ()
    #: ``build-constraint-dependencies``: constraints on every build environment's resolution
    build_constraint_dependencies: tuple[str, ...] = ()
    dev_dependencies: tuple[str, ...] = ()
    default_groups: tuple[str, ...] | str = ("dev",)
    index_url: str | None = None
    extra_index_url: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool | None = None
    index_strategy: str | None = None
    prerelease: str | None = None
    resolution: str | None = None
    exclude_newer: str | None = None
    package: bool | None = None
    no_build: bool | None = None
    offline: bool | None = None
    pip: PipTable | None = None
    other: Mapping[str, Any] = field(default_factory=dict)  # keys prong does not use (yet)


@dataclass(frozen=True, slots=True)
class PyProject:
    path: Path
    name: str | None
    version: str | None
    requires_python: str | None
    dependencies: tuple[str, ...]
    optional_dependencies: Mapping[str, tuple[str, ...]]
    dependency_groups: Mapping[str, tuple[str, ...]]  # includes expanded
    dynamic: tuple[str, ...]
    build_system: Mapping[str, Any] | None
    tool_uv: ToolUv

    @property
    def normalized_name(self) -> str | None:
        return _normalize(self.name) if self.name else None


def read_pyproject(path: str | Path) -> PyProject:
    """Read and check ``path`` (a pyproject.toml)."""
    path = Path(path)
    data = _load_toml(path)
    return pyproject_from_dict(data, path)


# Keys uv accepts in pyproject.toml's [tool.uv] but rejects in a uv.toml.
PYPROJECT_ONLY_KEYS: tuple[str, ...] = (
    "conflicts", "workspace", "sources", "dev-dependencies", "default-groups", "dependency-groups", "managed",
    "package", "build-backend", "environments", "required-environments",
)


def read_uv_toml(path: str | Path) -> ToolUv:
    """Read a ``uv.toml`` (``[tool.uv]`` keys at top level)."""
    path = Path(path)
    return uv_toml_from_dict(_load_toml(path), path)


def uv_toml_from_dict(data: Mapping[str, Any], path: Path) -> ToolUv:
    """The settings of a parsed ``uv.toml``; project-only keys are refused as uv refuses them."""
    for key in PYPROJECT_ONLY_KEYS:
        if key in data:
            raise PyProjectError(path, key, "is only allowed in a pyproject.toml ([tool.uv]), not in a uv.toml")
    if path.name != "pyproject.toml":  # (--config-file pyproject.toml is read with a warning instead)
        for key in data:
            if key not in UV_FIELDS:  # as uv: a uv.toml with a key it does not know is an error
                raise PyProjectError(path, key, f"unknown field `{key}`, expected one of {', '.join(UV_FIELDS[:6])}, ...",
                                     hint="A uv.toml holds the keys of [tool.uv] at its top level "
                                          "(https://docs.astral.sh/uv/reference/settings/).")
    return _tool_uv(data, path, "")


def read_tool_uv(path: str | Path) -> ToolUv | None:
    """Only the ``[tool.uv]`` table of a pyproject.toml (``None`` when it has none)."""
    path = Path(path)
    return tool_uv_from_dict(_load_toml(path), path)


def tool_uv_from_dict(data: Mapping[str, Any], path: Path) -> ToolUv | None:
    """The ``[tool.uv]`` table of a parsed pyproject.toml (``None`` when it has none)."""
    tool = data.get("tool")
    if not isinstance(tool, dict) or "uv" not in tool:
        return None
    return _tool_uv(tool["uv"], path, "tool.uv.")


def pyproject_from_dict(data: Mapping[str, Any], path: Path) -> PyProject:
    project = _table(data, "project", path)
    name = project.get("name")
    if name is not None:
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise PyProjectError(path, "project.name", f"{name!r} is not a valid package name",
                                 "A name has only ASCII letters, digits, '.', '-' and '_', and starts and ends "
                                 "with a letter or digit.")
    version = project.get("version")
    if version is not None and not isinstance(version, str):
        raise PyProjectError(path, "project.version", "must be a string")
    requires_python = project.get("requires-python")
    if requires_python is not None and not isinstance(requires_python, str):
        raise PyProjectError(path, "project.requires-python", "must be a string like \">=3.10\"")
    if requires_python is not None:
        from prong.pep440.specifiers import parse_specifiers

        try:
            parse_specifiers(requires_python)
        except ProngError:
            raise PyProjectError(path, "project.requires-python",
                                 f"`{requires_python}` is not a version specifier like \">=3.10\"") from None
    deps = _str_list(project.get("dependencies", []), path, "project.dependencies")
    optional_raw = _table(project, "optional-dependencies", path, "project.optional-dependencies")
    optional = {
        _normalize(extra): _str_list(reqs, path, f"project.optional-dependencies.{extra}")
        for extra, reqs in optional_raw.items()
    }
    groups_raw = _table(data, "dependency-groups", path)
    groups = _expand_groups(groups_raw, path)
    dynamic = _str_list(project.get("dynamic", []), path, "project.dynamic")
    build_system = data.get("build-system")
    tool = data.get("tool", {})
    uv_raw = tool.get("uv", {}) if isinstance(tool, dict) else {}
    if name is None and "project" in data:  # as uv: a [project] table must name the project
        raise PyProjectError(path, "project.name", "is not set: a `[project]` table needs a `name`",
                             hint="add `name = \"...\"` to [project], or remove the [project] table")
    return PyProject(
        path=path,
        name=name,
        version=version,
        requires_python=requires_python,
        dependencies=deps,
        optional_dependencies=optional,
        dependency_groups=groups,
        dynamic=dynamic,
        build_system=build_system if isinstance(build_system, dict) else None,
        tool_uv=_tool_uv(uv_raw, path, "tool.uv."),
    )


def _expand_groups(raw: Mapping[str, Any], path: Path) -> dict[str, tuple[str, ...]]:
    if not raw:
        return {}  # (packaging's resolver costs 20 ms to import)
    for group, items in raw.items():
        if not isinstance(items, list):
            raise PyProjectError(path, f"dependency-groups.{group}", "must be a list")
        for item in items:
            if not isinstance(item, (str, dict)):
                raise PyProjectError(path, f"dependency-groups.{group}", f"unexpected entry {item!r}")
    from packaging.dependency_groups import DependencyGroupResolver

    resolver = DependencyGroupResolver(raw)
    out: dict[str, tuple[str, ...]] = {}
    for group in raw:
        try:
            out[_normalize(group)] = tuple(str(r) for r in resolver.resolve(group))
        except ExceptionGroup as group_err:
            first = group_err.exceptions[0]
            raise PyProjectError(path, f"dependency-groups.{group}", str(first)) from None
        except (ValueError, LookupError, TypeError) as err:
            raise PyProjectError(path, f"dependency-groups.{group}", str(err)) from None
    return out


_KNOWN_UV_KEYS = {
    "index", "sources", "conflicts", "environments", "required-environments", "constraint-dependencies",
    "override-dependencies", "build-constraint-dependencies", "dev-dependencies", "default-groups", "index-url", "extra-index-url",
    "find-links", "no-index", "index-strategy", "prerelease", "resolution", "exclude-newer", "package",
    "no-build", "offline", "pip",
}
_PIP_KEYS = {
    "index", "index-url", "extra-index-url", "find-links", "no-index", "index-strategy", "prerelease", "resolution",
    "exclude-newer", "python-version", "python-platform", "no-build", "generate-hashes", "no-annotate", "no-header",
}
# The fields uv 0.13.9 knows in ``[tool.uv]`` and in ``[tool.uv.pip]``, in the order its "unknown
# field" message lists them (``uv pip compile`` with an unknown key prints them all).
UV_FIELDS: tuple[str, ...] = (
    "required-version", "system-certs", "native-tls", "offline", "no-cache", "cache-dir", "preview",
    "preview-features", "python-preference", "python-downloads", "concurrent-downloads", "concurrent-builds",
    "concurrent-installs", "index", "index-url", "extra-index-url", "no-index", "find-links", "index-strategy",
    "keyring-provider", "http-proxy", "https-proxy", "no-proxy", "allow-insecure-host", "resolution", "prerelease",
    "prerelease-package", "fork-strategy", "dependency-metadata", "config-settings", "config-settings-package",
    "no-build-isolation", "require-build-hashes", "no-build-isolation-package", "extra-build-dependencies",
    "extra-build-variables", "exclude-newer", "exclude-newer-package", "link-mode", "compile-bytecode",
    "no-sources", "no-sources-package", "upgrade", "upgrade-package", "reinstall", "reinstall-package", "no-build",
    "no-build-package", "no-binary", "no-binary-package", "torch-backend", "python-install-mirror",
    "pypy-install-mirror", "graalpy-install-mirror", "pyodide-install-mirror", "python-downloads-json-url",
    "publish-url", "trusted-publishing", "check-url", "add-bounds", "audit", "pip", "cache-keys",
    "override-dependencies", "exclude-dependencies", "constraint-dependencies", "build-constraint-dependencies",
    "environments", "required-environments", "minimum-libc-version", "conflicts", "workspace", "sources",
    "managed", "package", "default-groups", "dependency-groups", "dev-dependencies", "build-backend",
)
UV_PIP_FIELDS: tuple[str, ...] = (
    "python", "system", "break-system-packages", "target", "prefix", "index-url", "extra-index-url", "no-index",
    "find-links", "index-strategy", "keyring-provider", "no-build", "no-binary", "only-binary",
    "no-build-isolation", "require-build-hashes", "no-build-isolation-package", "extra-build-dependencies",
    "extra-build-variables", "strict", "extra", "all-extras", "no-extra", "no-deps", "group",
    "allow-empty-requirements", "resolution", "prerelease", "fork-strategy", "dependency-metadata", "output-file",
    "no-strip-extras", "no-strip-markers", "no-annotate", "no-header", "custom-compile-command", "generate-hashes",
    "config-settings", "config-settings-package", "python-version", "python-platform", "universal",
    "exclude-newer", "exclude-newer-package", "no-emit-package", "emit-index-url", "emit-find-links",
    "emit-build-options", "emit-marker-expression", "emit-index-annotation", "annotation-style", "link-mode",
    "compile-bytecode", "require-hashes", "verify-hashes", "no-sources", "no-sources-package", "upgrade",
    "upgrade-package", "reinstall", "reinstall-package", "torch-backend",
)


def unknown_uv_field(tool_uv: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first key of a ``[tool.uv]`` table (or of its ``pip`` table) that uv 0.13.9 does not know,
    as ``(table, key)`` with table ``tool.uv`` or ``tool.uv.pip``; ``None`` when all are known."""
    for key in tool_uv:
        if key not in UV_FIELDS:
            return "tool.uv", key
    pip = tool_uv.get("pip")
    if isinstance(pip, Mapping):
        for key in pip:
            if key not in UV_PIP_FIELDS:
                return "tool.uv.pip", key
    return None


def unknown_field_message(text: str, table: str, key: str) -> str:
    """uv's (toml crate's) words for an unknown key: ``TOML parse error at line L, column C``, the
    line with a caret under the key, and ``unknown field `KEY`, expected one of ...``. The
    position is found by reading the text's headers and dotted keys (omitted if not found)."""
    expected = UV_PIP_FIELDS if table == "tool.uv.pip" else UV_FIELDS
    tail = f"unknown field `{key}`, expected one of " + ", ".join(f"`{f}`" for f in expected)
    where = _key_position(text, table.split(".") + [key])
    if where is None:
        return tail
    lineno, col, width, line = where
    pad = " " * (len(str(lineno)) + 1)
    return (f"TOML parse error at line {lineno}, column {col + 1}\n{pad}|\n{lineno} | {line}\n"
            f"{pad}| {' ' * col}{'^' * width}\n{tail}")


def invalid_exclude_newer(tool_uv: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(table, value)`` for an ``exclude-newer`` in ``[tool.uv]`` or ``[tool.uv.pip]`` that uv
    0.13.9 cannot parse (a date, an RFC 3339 timestamp or a duration); ``None`` when all parse."""
    from datetime import datetime

    for table, values in (("tool.uv", tool_uv), ("tool.uv.pip", tool_uv.get("pip"))):
        if not isinstance(values, Mapping):
            continue
        value = values.get("exclude-newer")
        if not isinstance(value, str) or re.match(_DURATION, value.strip(), re.IGNORECASE):
            continue  # not a string: the type check names it; a duration: read (or refused) later
        text = value.strip()
        try:
            if len(text) == 10:
                datetime.strptime(text, "%Y-%m-%d")
            else:
                datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return table, value
    return None


# Compiled on first use (by re's cache): only a string exclude-newer in [tool.uv] is checked.
_DURATION = r"^(P[0-9TWDHMSY.]+|[0-9]+\s*[A-Za-z]+(\s*,?\s*[0-9]+\s*[A-Za-z]+)*)$"


def invalid_exclude_newer_message(text: str, table: str, value: str) -> str:
    """uv's words for an ``exclude-newer`` it cannot parse, with the line and a caret under the value."""
    tail = (f"`{value}` could not be parsed as a valid exclude-newer value (expected a date like `2024-01-01`, "
            "a timestamp like `2024-01-01T00:00:00Z`, or a duration like `3 days` or `P3D`)")
    where = _key_position(text, table.split(".") + ["exclude-newer"])
    if where is None:
        return tail
    lineno, col, width, line = where
    m = re.compile(r"\s*=\s*").match(line, col + width)
    if m is None:
        return tail
    vm = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""").match(line, m.end())
    if vm is None:
        return tail
    pad = " " * (len(str(lineno)) + 1)
    return (f"TOML parse error at line {lineno}, column {vm.start() + 1}\n{pad}|\n{lineno} | {line}\n"
            f"{pad}| {' ' * vm.start()}{'^' * (vm.end() - vm.start())}\n{tail}")


_KEY_TOKEN = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*""")


def _dotted(text: str, start: int) -> tuple[list[tuple[str, int, int]], int]:
    """The dotted key at ``text[start:]``: its parts as ``(name, start, end)`` and where it ends."""
    parts: list[tuple[str, int, int]] = []
    pos = start
    while True:
        m = _KEY_TOKEN.match(text, pos)
        if m is None:
            return parts, pos
        token = m.group(1)
        name = token[1:-1] if token[0] in "\"'" else token
        parts.append((name, m.start(1), m.end(1)))
        pos = m.end()
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


def _key_position(text: str, path: list[str]) -> tuple[int, int, int, str] | None:
    """Line number, column, width and text of the first key in ``text`` whose full dotted path
    starts with ``path`` (a table header or a key under one)."""
    header: list[str] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith("["):
            opening = 2 if stripped.startswith("[[") else 1
            start = len(line) - len(stripped) + opening
            parts, _ = _dotted(line, start)
            header = [p[0] for p in parts]
            if len(parts) >= len(path) and header[: len(path)] == path:
                _, s, e = parts[len(path) - 1]
                return lineno, s, e - s, line
            continue
        if not stripped or stripped.startswith("#"):
            continue
        parts, end = _dotted(line, 0)
        if not parts or end >= len(line) or line[end] not in "=.":
            continue
        full = header + [p[0] for p in parts]
        if len(full) >= len(path) and full[: len(path)] == path and len(header) < len(path):
            _, s, e = parts[len(path) - len(header) - 1]
            return lineno, s, e - s, line
    return None


_STRATEGIES = ("first-index", "unsafe-first-match", "unsafe-best-match")
_PRERELEASE = ("disallow", "allow", "if-necessary", "explicit", "if-necessary-or-explicit")
_RESOLUTION = ("highest", "lowest", "lowest-direct")


def _tool_uv(raw: Mapping[str, Any], path: Path, prefix: str) -> ToolUv:
    if not isinstance(raw, Mapping):
        raise PyProjectError(path, prefix.rstrip(".") or None, "must be a table")
    indexes = _indexes(raw, path, prefix)
    names = [e.name for e in indexes if e.name]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise PyProjectError(path, f"{prefix}index", f"index name `{dupes[0]}` is defined twice")
    sources: dict[str, tuple[Source, ...]] = {}
    for pkg, spec in _table(raw, "sources", path, f"{prefix}sources").items():
        entries = spec if isinstance(spec, list) else [spec]
        parsed = []
        for i, entry in enumerate(entries):
            key = f"{prefix}sources.{pkg}" + (f"[{i}]" if isinstance(spec, list) else "")
            src = _source(entry, path, key)
            if src.index is not None and src.index not in names:
                raise PyProjectError(
                    path, key, f"names index `{src.index}`, which no [[tool.uv.index]] defines",
                    hint=f"add [[tool.uv.index]] with name = \"{src.index}\" or fix the name",
                )
            parsed.append(src)
        sources[_normalize(pkg)] = tuple(parsed)
    raw_conflicts = raw.get("conflicts", []) or []
    if not isinstance(raw_conflicts, list):
        raise PyProjectError(path, f"{prefix}conflicts", "must be a list of conflict sets")
    conflicts = tuple(_conflict_set(s, path, f"{prefix}conflicts[{i}]") for i, s in enumerate(raw_conflicts))
    envs = raw.get("environments", [])
    envs = [envs] if isinstance(envs, str) else envs
    req_envs = raw.get("required-environments", [])
    req_envs = [req_envs] if isinstance(req_envs, str) else req_envs
    default_groups = raw.get("default-groups", ["dev"])
    if not (default_groups == "all" or isinstance(default_groups, list) and all(isinstance(g, str) for g in default_groups)):
        raise PyProjectError(path, f"{prefix}default-groups", 'must be a list of group names or "all"')
    extra_index = raw.get("extra-index-url", [])
    find_links = raw.get("find-links", [])
    package = raw.get("package")
    if package is not None and not isinstance(package, bool):
        raise PyProjectError(path, f"{prefix}package", "must be true or false")
    return ToolUv(
        index=indexes,
        sources=sources,
        conflicts=conflicts,
        environments=_str_list(envs, path, f"{prefix}environments"),
        required_environments=_str_list(req_envs, path, f"{prefix}required-environments"),
        constraint_dependencies=_str_list(raw.get("constraint-dependencies", []), path, f"{prefix}constraint-dependencies"),
        override_dependencies=_str_list(raw.get("override-dependencies", []), path, f"{prefix}override-dependencies"),
        build_constraint_dependencies=_str_list(raw.get("build-constraint-dependencies", []), path,
                                                f"{prefix}build-constraint-dependencies"),
        dev_dependencies=_str_list(raw.get("dev-dependencies", []), path, f"{prefix}dev-dependencies"),
        default_groups=default_groups if isinstance(default_groups, str) else tuple(_normalize(g) for g in default_groups),
        index_url=_opt_str(raw, "index-url", path, prefix),
        extra_index_url=_str_list(extra_index, path, f"{prefix}extra-index-url"),
        find_links=_str_list(find_links, path, f"{prefix}find-links"),
        no_index=_opt_bool(raw, "no-index", path, prefix),
        index_strategy=_choice(raw, "index-strategy", _STRATEGIES, path, prefix),
        prerelease=_choice(raw, "prerelease", _PRERELEASE, path, prefix),
        resolution=_choice(raw, "resolution", _RESOLUTION, path, prefix),
        exclude_newer=_opt_str(raw, "exclude-newer", path, prefix),
        package=package,
        no_build=_opt_bool(raw, "no-build", path, prefix),
        offline=_opt_bool(raw, "offline", path, prefix),
        pip=_pip_table(raw["pip"], path, f"{prefix}pip.") if "pip" in raw else None,
        other={k: v for k, v in raw.items() if k not in _KNOWN_UV_KEYS},
    )


def _indexes(raw: Mapping[str, Any], path: Path, prefix: str) -> tuple[IndexEntry, ...]:
    entries = raw.get("index", []) or []
    if not isinstance(entries, list):
        raise PyProjectError(path, f"{prefix}index", "must be an array of tables ([[index]])")
    return tuple(_index_entry(e, path, f"{prefix}index[{i}]") for i, e in enumerate(entries))


def _pip_table(raw: Any, path: Path, prefix: str) -> PipTable:
    if not isinstance(raw, Mapping):
        raise PyProjectError(path, prefix.rstrip("."), "must be a table")
    return PipTable(
        index=_indexes(raw, path, prefix),
        index_url=_opt_str(raw, "index-url", path, prefix),
        extra_index_url=_str_list(raw.get("extra-index-url", []), path, f"{prefix}extra-index-url"),
        find_links=_str_list(raw.get("find-links", []), path, f"{prefix}find-links"),
        no_index=_opt_bool(raw, "no-index", path, prefix),
        index_strategy=_choice(raw, "index-strategy", _STRATEGIES, path, prefix),
        prerelease=_choice(raw, "prerelease", _PRERELEASE, path, prefix),
        resolution=_choice(raw, "resolution", _RESOLUTION, path, prefix),
        exclude_newer=_opt_str(raw, "exclude-newer", path, prefix),
        python_version=_opt_str(raw, "python-version", path, prefix),
        python_platform=_opt_str(raw, "python-platform", path, prefix),
        no_build=_opt_bool(raw, "no-build", path, prefix),
        generate_hashes=_opt_bool(raw, "generate-hashes", path, prefix),
        no_annotate=_opt_bool(raw, "no-annotate", path, prefix),
        no_header=_opt_bool(raw, "no-header", path, prefix),
        other={k: v for k, v in raw.items() if k not in _PIP_KEYS},
    )


def _index_entry(raw: Any, path: Path, key: str) -> IndexEntry:
    if not isinstance(raw, dict):
        raise PyProjectError(path, key, "must be a table with at least `url`")
    url = raw.get("url")
    if not isinstance(url, str) or not url:
        raise PyProjectError(path, key, "needs a `url`")
    fmt = raw.get("format", "simple")
    if fmt not in ("simple", "flat"):
        raise PyProjectError(path, f"{key}.format", f'must be "simple" or "flat", not {fmt!r}')
    auth = raw.get("authenticate", "auto")
    if auth not in ("always", "never", "auto"):
        raise PyProjectError(path, f"{key}.authenticate", f'must be "always", "never" or "auto", not {auth!r}')
    codes = raw.get("ignore-error-codes")
    if codes is not None and not (isinstance(codes, list) and all(isinstance(c, int) for c in codes)):
        raise PyProjectError(path, f"{key}.ignore-error-codes", "must be a list of HTTP status codes")
    name = raw.get("name")
    if name is not None and not (isinstance(name, str) and re.match(r"^[A-Za-z0-9._-]+$", name)):
        raise PyProjectError(path, f"{key}.name", f"{name!r} is not a valid index name (letters, digits, -, _, .)")
    return IndexEntry(
        url=url,
        name=name,
        explicit=bool(raw.get("explicit", False)),
        default=bool(raw.get("default", False)),
        format=fmt,
        authenticate=auth,
        ignore_error_codes=tuple(codes) if codes is not None else None,
        publish_url=raw.get("publish-url"),
    )


_SOURCE_KEYS = {"index", "path", "url", "git", "rev", "tag", "branch", "subdirectory", "editable", "workspace",
                "marker", "extra", "group", "package"}


def _source(raw: Any, path: Path, key: str) -> Source:
    if not isinstance(raw, dict):
        raise PyProjectError(path, key, "must be a table such as { index = \"name\" }")
    unknown = sorted(set(raw) - _SOURCE_KEYS)
    if unknown:
        raise PyProjectError(path, key, f"unknown key `{unknown[0]}`")
    kinds = [k for k in ("index", "path", "url", "git", "workspace") if k in raw]
    if len(kinds) != 1:
        raise PyProjectError(path, key, "needs exactly one of `index`, `path`, `url`, `git` or `workspace`")
    if "extra" in raw and "group" in raw:
        raise PyProjectError(path, key, "cannot name both `extra` and `group`")
    return Source(
        index=raw.get("index"),
        path=raw.get("path"),
        url=raw.get("url"),
        git=raw.get("git"),
        rev=raw.get("rev"),
        tag=raw.get("tag"),
        branch=raw.get("branch"),
        subdirectory=raw.get("subdirectory"),
        editable=raw.get("editable"),
        workspace=raw.get("workspace"),
        marker=raw.get("marker"),
        extra=_name(raw, "extra", path, f"{key}."),
        group=_name(raw, "group", path, f"{key}."),
    )


def _conflict_set(raw: Any, path: Path, key: str) -> tuple[ConflictItem, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise PyProjectError(path, key, "a conflict set lists at least two extras or groups")
    items = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or ("extra" in item) == ("group" in item):
            raise PyProjectError(path, f"{key}[{i}]", "must be { extra = \"name\" } or { group = \"name\" }")
        items.append(
            ConflictItem(
                package=_name(item, "package", path, f"{key}[{i}]."),
                extra=_name(item, "extra", path, f"{key}[{i}]."),
                group=_name(item, "group", path, f"{key}[{i}]."),
            )
        )
    return tuple(items)


def _table(data: Mapping[str, Any], key: str, path: Path, label: str | None = None) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise PyProjectError(path, label or key, "must be a table")
    return value


def _str_list(value: Any, path: Path, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PyProjectError(path, key, "must be a list of strings")
    return tuple(value)


def _opt_str(raw: Mapping[str, Any], key: str, path: Path, prefix: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise PyProjectError(path, f"{prefix}{key}", "must be a string")
    return value


def _name(raw: Mapping[str, Any], key: str, path: Path, prefix: str) -> str | None:
    """The normalized name at ``raw[key]`` (``None`` when absent); anything but a string is an error."""
    value = _opt_str(raw, key, path, prefix)
    return None if value is None else _normalize(value)


def _opt_bool(raw: Mapping[str, Any], key: str, path: Path, prefix: str) -> bool | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, bool):
        raise PyProjectError(path, f"{prefix}{key}", f"must be true or false, not {value!r}")
    return value


def _choice(raw: Mapping[str, Any], key: str, choices: tuple[str, ...], path: Path, prefix: str) -> str | None:
    value = raw.get(key)
    if value is not None and value not in choices:
        raise PyProjectError(path, f"{prefix}{key}", f"must be one of {', '.join(choices)}; got {value!r}")
    return value
