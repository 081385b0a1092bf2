"""uv's persistent configuration and environment variables for the pip interface, as uv reads them.

Files (uv's rules):

* project: the nearest ``uv.toml`` or ``pyproject.toml`` with a ``[tool.uv]`` table, searching
  the start directory and then its parents; in one directory ``uv.toml`` wins (a ``[tool.uv]``
  beside it is ignored, with a warning); a pyproject.toml without ``[tool.uv]`` is skipped, and
  one that cannot be read is skipped with a warning;
* user: ``$XDG_CONFIG_HOME/uv/uv.toml`` (an absolute ``XDG_CONFIG_HOME`` only), else
  ``~/.config/uv/uv.toml`` (``%APPDATA%\\uv\\uv.toml`` on Windows);
* system: the first ``DIR/uv/uv.toml`` for DIR in ``$XDG_CONFIG_DIRS``, else
  ``/etc/xdg/uv/uv.toml``, else ``/etc/uv/uv.toml``;
* ``--config-file`` / ``UV_CONFIG_FILE`` reads that one file instead of all of these;
  ``--no-config`` / ``UV_NO_CONFIG`` reads none.

Merging (uv's ``Combine``): a string, number or boolean set at a higher level wins (project over
user over system); arrays are joined with the higher level's items first. Within one file,
``[tool.uv.pip]`` wins over the top-level ``[tool.uv]`` settings in the same way. Relative paths
in a file are taken against that file's directory.

Environment variables act as command-line options do in uv (clap's ``env``): a variable fills an
option the command line left unset, and the result then combines with the files. So the order
is command line > environment > project file > user file > system file > built-in default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from prong.errors import ProngError
from prong.project._toml import PyProjectError, read_toml

if TYPE_CHECKING:
    from prong.project.pyproject import IndexEntry, PipTable, ToolUv

# The typed view (prong.project.pyproject, a dozen dataclasses) is imported where a file holds
# [tool.uv] settings to read: most runs have none, and `prong lock`'s no-op path never needs it.

__all__ = [
    "ConfigSource",
    "EnvVarError",
    "PipOptions",
    "UvConfig",
    "env_options",
    "find_project_config",
    "load_config",
    "pip_options",
    "system_config_path",
    "user_config_path",
]

Level = Literal["project", "user", "system", "file"]

# What uv falls back to when no ``$XDG_CONFIG_DIRS`` entry holds a uv.toml.
SYSTEM_FALLBACKS: tuple[Path, ...] = (Path("/etc/xdg/uv/uv.toml"), Path("/etc/uv/uv.toml"))

_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}
_STRATEGIES = ("first-index", "unsafe-first-match", "unsafe-best-match")
_PRERELEASE = ("disallow", "allow", "if-necessary", "explicit", "if-necessary-or-explicit")
_RESOLUTION = ("highest", "lowest", "lowest-direct")
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class EnvVarError(ProngError):
    """An environment variable with a value prong cannot use."""

    exit_code = 2  # a usage/configuration error (docs/exit-codes.md)

    def __init__(self, name: str, value: str, expected: str) -> None:
        self.name, self.value, self.expected = name, value, expected
        super().__init__(f"invalid value `{value}` for {name}: expected {expected}")


@dataclass(frozen=True, slots=True)
class ConfigSource:
    """A configuration file that was read, and at which level."""

    path: Path
    level: Level


@dataclass(frozen=True, slots=True)
class PipOptions:
    """Settings of uv's pip interface at one level; ``None`` or empty: not set at that level.

    ``index`` holds ``[[index]]`` tables (files only), ``index_args`` the ``[NAME=]URL`` values of
    ``--index`` / ``UV_INDEX``. ``origins`` names, for each setting, the file or variable it came
    from (for messages).
    """

    index: tuple[IndexEntry, ...] = ()
    index_args: tuple[str, ...] = ()
    default_index: str | None = None
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
    offline: bool | None = None
    #: ``dependency-metadata`` tables (``[tool.uv]`` or ``[tool.uv.pip]``), as written
    dependency_metadata: tuple[Mapping[str, Any], ...] = ()
    #: ``[tool.uv.pip]`` ``only-binary`` / ``no-binary``: names, ``:all:``, ``:none:`` (pip's lists)
    only_binary: tuple[str, ...] = ()
    no_binary: tuple[str, ...] = ()
    #: top-level ``[tool.uv]`` ``no-build``, ``no-build-package``, ``no-binary`` (a boolean there),
    #: ``no-binary-package``: what ``lock`` and ``sync`` read (``no_build`` also takes ``[pip]``'s)
    no_build_all: bool | None = None
    no_build_package: tuple[str, ...] = ()
    no_binary_all: bool | None = None
    no_binary_package: tuple[str, ...] = ()
    #: top-level ``[tool.uv]`` build environment settings: ``no-build-isolation``,
    #: ``no-build-isolation-package`` and ``extra-build-dependencies`` (normalized name -> the
    #: requirements as written; a mapping is one value, as a scalar: a higher level's wins whole)
    no_build_isolation: bool | None = None
    no_build_isolation_package: tuple[str, ...] = ()
    extra_build_dependencies: Mapping[str, tuple[str, ...]] | None = None
    origins: Mapping[str, str] = field(default_factory=dict)

    def combine(self, lower: PipOptions) -> PipOptions:
        """uv's merge of two levels: a scalar set here wins; arrays are joined, this level's first."""
        values: dict[str, Any] = {}
        origins = dict(lower.origins)
        for f in fields(self):
            if f.name == "origins":
                continue
            mine, theirs = getattr(self, f.name), getattr(lower, f.name)
            if isinstance(mine, tuple):
                values[f.name] = mine + theirs
                if mine:
                    origins[f.name] = self.origins.get(f.name, "")
            else:
                values[f.name] = theirs if mine is None else mine
                if mine is not None:
                    origins[f.name] = self.origins.get(f.name, "")
        return PipOptions(**values, origins=origins)

    def or_else(self, fallback: PipOptions) -> PipOptions:
        """An option and its variable (clap's ``env``): each setting set here wins whole, arrays too."""
        values: dict[str, Any] = {}
        origins = dict(self.origins)
        for f in fields(self):
            if f.name == "origins":
                continue
            mine = getattr(self, f.name)
            unset = mine is None or mine == ()
            values[f.name] = getattr(fallback, f.name) if unset else mine
            if unset and f.name in fallback.origins:
                origins[f.name] = fallback.origins[f.name]
        return PipOptions(**values, origins=origins)

    def origin(self, name: str) -> str:
        """Where setting ``name`` came from (a file path or a variable name), or ``""``."""
        return self.origins.get(name, "")


@dataclass(frozen=True, slots=True)
class UvConfig:
    """The configuration files that were read (highest precedence first) and their merged settings."""

    sources: tuple[ConfigSource, ...] = ()
    pip: PipOptions = field(default_factory=PipOptions)
    warnings: tuple[str, ...] = ()

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(s.path for s in self.sources)


def load_config(
    start: str | Path,
    environ: Mapping[str, str] | None = None,
    *,
    config_file: str | Path | None = None,
    no_config: bool | None = None,
    home: str | Path | None = None,
    system_fallbacks: Sequence[Path] = SYSTEM_FALLBACKS,
) -> UvConfig:
    """Find and merge uv's configuration files for a run in directory ``start``.

    ``config_file`` / ``no_config`` left as ``None`` are taken from ``UV_CONFIG_FILE`` /
    ``UV_NO_CONFIG`` in ``environ`` (``os.environ`` when ``None``), which also gives
    ``XDG_CONFIG_HOME``, ``XDG_CONFIG_DIRS``, ``APPDATA`` and ``HOME`` (``home`` overrides the
    latter). A malformed uv.toml raises ``PyProjectError`` naming the file and the key.
    """
    env = os.environ if environ is None else environ
    if config_file is None:
        config_file = env.get("UV_CONFIG_FILE") or None
    if no_config is None:
        no_config = env_flag(env, "UV_NO_CONFIG") or False
    warnings: list[str] = []
    if config_file is not None:
        path = Path(config_file)
        if path.name == "pyproject.toml":
            warnings.append(
                f"--config-file expects a uv.toml, not a pyproject.toml ({path}); its top-level keys are read "
                "as uv.toml settings (use --project to run in another project)"
            )
        from prong.project.pyproject import uv_toml_from_dict

        tool = uv_toml_from_dict(read_toml(path), path)
        return UvConfig((ConfigSource(path, "file"),), pip_options(tool, path), tuple(warnings))
    if no_config:
        return UvConfig()
    found: list[tuple[ConfigSource, ToolUv]] = []
    project = find_project_config(workspace_root_of(Path(start)), warnings)
    if project is not None:
        found.append(project)
    user = user_config_path(env, home)
    if user is not None:
        tool = _read_if_file(user)
        if tool is not None:
            found.append((ConfigSource(user, "user"), tool))
    system = system_config_path(env, system_fallbacks)
    if system is not None:
        tool = _read_if_file(system)
        if tool is not None:
            found.append((ConfigSource(system, "system"), tool))
    merged = PipOptions()
    for source, tool in reversed(found):
        merged = pip_options(tool, source.path).combine(merged)
    return UvConfig(tuple(s for s, _ in found), merged, tuple(warnings))


def workspace_root_of(start: Path) -> Path:
    """Where uv reads project settings from: the workspace root of the project at or above
    ``start`` when there is one, else ``start``."""
    from prong.errors import ProngError
    from prong.project._toml import declares_workspace

    here = start.absolute()
    chain = (here, *here.parents)
    for i, directory in enumerate(chain):
        if (directory / "pyproject.toml").is_file():
            try:
                if declares_workspace(read_toml(directory / "pyproject.toml")):
                    return directory.resolve()  # a workspace root itself
                if not any((d / "pyproject.toml").is_file() for d in chain[i + 1:]):
                    return directory.resolve()  # nothing above that could include it
                from prong.project.workspace import workspace_root

                return workspace_root(directory)
            except (ProngError, OSError, ValueError):
                return start
    return start


def find_project_config(start: Path, warnings: list[str] | None = None) -> tuple[ConfigSource, ToolUv] | None:
    """The nearest ``uv.toml``, or ``pyproject.toml`` with ``[tool.uv]``, in ``start`` or above."""
    for directory in (start.absolute(), *start.absolute().parents):
        uv_toml = directory / "uv.toml"
        tool = _read_if_file(uv_toml)
        if tool is not None:
            masked = _masked_keys(directory / "pyproject.toml")
            if masked and warnings is not None:
                warnings.append(
                    f"found both {uv_toml} and a [tool.uv] table in the pyproject.toml beside it; these "
                    f"[tool.uv] settings are ignored in favour of the uv.toml: {', '.join(masked)}"
                )
            return ConfigSource(uv_toml, "project"), tool
        pyproject = directory / "pyproject.toml"
        try:
            text = pyproject.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError):
            continue
        if b"uv" not in text:  # no [tool.uv] table can be there: skip the TOML parse
            continue
        from prong.project.pyproject import (
            invalid_exclude_newer,
            invalid_exclude_newer_message,
            tool_uv_from_dict,
            unknown_field_message,
            unknown_uv_field,
        )

        try:
            data = read_toml(pyproject)
            parsed = tool_uv_from_dict(data, pyproject)
        except PyProjectError as err:
            if warnings is not None:
                warnings.append(f"failed to parse {pyproject} during settings discovery (skipped): {err}")
            continue
        detail = None
        if parsed is not None:  # what uv cannot deserialize: it refuses the whole table, warns, looks further up
            unknown = unknown_uv_field(data["tool"]["uv"])
            bad_date = invalid_exclude_newer(data["tool"]["uv"]) if unknown is None else None
            if unknown is not None:
                detail = unknown_field_message(text.decode("utf-8", "replace"), *unknown)
            elif bad_date is not None:
                detail = invalid_exclude_newer_message(text.decode("utf-8", "replace"), *bad_date)
        if detail is not None:
            if warnings is not None:
                indented = "\n".join("  " + line if line else line for line in detail.splitlines())
                warnings.append(f"Failed to parse `{_user_display(pyproject)}` during settings discovery:\n"
                                f"{indented}\n")
            continue
        if parsed is not None:
            return ConfigSource(pyproject, "project"), parsed
    return None


def _user_display(path: Path) -> str:
    """A path as uv shows it to the user: relative to the working directory when under it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def user_config_path(environ: Mapping[str, str], home: str | Path | None = None) -> Path | None:
    """Where uv looks for the user's uv.toml (the file may not exist)."""
    if os.name == "nt":  # pragma: no cover - Windows
        appdata = environ.get("APPDATA")
        return Path(appdata) / "uv" / "uv.toml" if appdata else None
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "uv" / "uv.toml"
    base = Path(home) if home is not None else (Path(environ["HOME"]) if environ.get("HOME") else None)
    if base is None:
        try:
            base = Path.home()
        except RuntimeError:  # pragma: no cover - no home directory at all
            return None
    return base / ".config" / "uv" / "uv.toml"


def system_config_path(environ: Mapping[str, str], fallbacks: Sequence[Path] = SYSTEM_FALLBACKS) -> Path | None:
    """The system uv.toml uv would read: the first that exists, or ``None``."""
    if os.name == "nt":  # pragma: no cover - Windows
        drive = environ.get("SYSTEMDRIVE", "C:")
        candidate = Path(f"{drive}\\ProgramData\\uv\\uv.toml")
        return candidate if candidate.is_file() else None
    for directory in environ.get("XDG_CONFIG_DIRS", "").split(":"):
        if not directory:
            break  # as uv: the list ends at the first empty entry
        candidate = Path(directory) / "uv" / "uv.toml"
        if candidate.is_file():
            return candidate
    for candidate in fallbacks:
        if candidate.is_file():
            return candidate
    return None


def pip_options(tool: ToolUv, path: Path) -> PipOptions:
    """The pip-interface settings of one file: ``[pip]`` over the top-level settings.

    Relative paths (index URLs that are paths, find-links) are made absolute against the file's
    directory.
    """
    base = path.absolute().parent
    origin = str(path)
    top = _with_origin(_level(tool, base, path), origin)
    if tool.pip is None:
        return top
    return _with_origin(_level(tool.pip, base, path), origin).combine(top)


def _level(table: ToolUv | PipTable, base: Path, path: Path | None = None) -> PipOptions:
    """The settings one table of a file holds: every field it shares with :class:`PipOptions`,
    its index URLs and find-links made absolute against ``base``."""
    from prong.project.pyproject import PipTable

    values = {f.name: getattr(table, f.name) for f in fields(PipOptions) if hasattr(table, f.name)}
    values.update(
        index=tuple(_absolute_entry(e, base) for e in table.index),
        index_url=_absolute(table.index_url, base),
        extra_index_url=tuple(_absolute(u, base) for u in table.extra_index_url),
        find_links=tuple(_absolute(u, base) for u in table.find_links),
    )
    declared = table.other.get("dependency-metadata")
    if declared is not None:  # checked where it is used (an entry that is not a table is an error there)
        values["dependency_metadata"] = tuple(declared) if isinstance(declared, list) else (declared,)
    where = path if path is not None else base
    prefix = "pip." if isinstance(table, PipTable) else ""
    if isinstance(table, PipTable):  # pip's lists of names, `:all:`, `:none:`
        values["only_binary"] = _names_of(table.other, "only-binary", where, prefix)
        values["no_binary"] = _names_of(table.other, "no-binary", where, prefix)
    else:
        values["no_build_package"] = _names_of(table.other, "no-build-package", where, prefix)
        values["no_binary_package"] = _names_of(table.other, "no-binary-package", where, prefix)
        no_binary = table.other.get("no-binary")
        if no_binary is not None and not isinstance(no_binary, bool):
            raise PyProjectError(where, "no-binary", "must be true or false (`no-binary-package` lists names)")
        values["no_binary_all"] = no_binary
        values["no_build_all"] = table.no_build
        values["no_build_isolation_package"] = _names_of(table.other, "no-build-isolation-package", where, prefix)
        isolation = table.other.get("no-build-isolation")
        if isolation is not None and not isinstance(isolation, bool):
            raise PyProjectError(where, "no-build-isolation", "must be true or false")
        values["no_build_isolation"] = isolation
        values["extra_build_dependencies"] = _extra_build_dependencies(table.other, where)
    return PipOptions(**values)


def _extra_build_dependencies(table: Mapping[str, Any], path: Path) -> Mapping[str, tuple[str, ...]] | None:
    """``extra-build-dependencies``: a table of package names to lists of requirements, each a
    string or ``{ requirement = "...", match-runtime = false }`` (``match-runtime = true`` is
    kept as a ``match-runtime:`` prefix, which a build refuses: see docs/conformance.md)."""
    from prong.pep508.names import normalize_name

    value = table.get("extra-build-dependencies")
    if value is None:
        return None
    key = "extra-build-dependencies"
    if not isinstance(value, dict):
        raise PyProjectError(path, key, "must be a table of package names to lists of requirements")
    out: dict[str, tuple[str, ...]] = {}
    for name, reqs in value.items():
        if not isinstance(reqs, list):
            raise PyProjectError(path, f"{key}.{name}", "must be a list of requirements")
        items: list[str] = []
        for req in reqs:
            if isinstance(req, dict) and isinstance(req.get("requirement"), str) \
                    and set(req) <= {"requirement", "match-runtime"} \
                    and isinstance(req.get("match-runtime", False), bool):
                items.append(("match-runtime:" if req.get("match-runtime") else "") + req["requirement"])
            elif isinstance(req, str):
                items.append(req)
            else:
                raise PyProjectError(path, f"{key}.{name}", 'each entry must be a requirement string or '
                                     '`{ requirement = "...", match-runtime = true }`')
        out[str(normalize_name(name))] = tuple(items)
    return out


def _names_of(table: Mapping[str, Any], key: str, path: Path, prefix: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PyProjectError(path, prefix + key, "must be a list of package names")
    return tuple(value)


def env_options(environ: Mapping[str, str] | None = None) -> PipOptions:
    """The pip-interface settings uv takes from environment variables (empty values are unset).

    ``UV_INDEX`` and ``UV_EXTRA_INDEX_URL`` are space-separated lists, ``UV_FIND_LINKS`` a
    comma-separated one; ``UV_OFFLINE`` is a boolean (1/0, true/false, yes/no, on/off, y/n, t/f).
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}

    def text(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    def put(key: str, name: str, value: Any) -> None:
        if value is not None and value != ():
            values[key] = value
            origins[key] = name

    put("index_args", "UV_INDEX", tuple((text("UV_INDEX") or "").split()))
    put("default_index", "UV_DEFAULT_INDEX", text("UV_DEFAULT_INDEX"))
    put("index_url", "UV_INDEX_URL", text("UV_INDEX_URL"))
    put("extra_index_url", "UV_EXTRA_INDEX_URL", tuple((text("UV_EXTRA_INDEX_URL") or "").split()))
    put("find_links", "UV_FIND_LINKS", tuple(p.strip() for p in (text("UV_FIND_LINKS") or "").split(",") if p.strip()))
    for key, name, choices in (
        ("index_strategy", "UV_INDEX_STRATEGY", _STRATEGIES),
        ("prerelease", "UV_PRERELEASE", _PRERELEASE),
        ("resolution", "UV_RESOLUTION", _RESOLUTION),
    ):
        value = text(name)
        if value is not None and value not in choices:
            raise EnvVarError(name, value, "one of " + ", ".join(choices))
        put(key, name, value)
    put("exclude_newer", "UV_EXCLUDE_NEWER", text("UV_EXCLUDE_NEWER"))
    put("offline", "UV_OFFLINE", env_flag(env, "UV_OFFLINE"))
    return PipOptions(**values, origins=origins)


def env_flag(environ: Mapping[str, str], name: str) -> bool | None:
    """A boolean variable as uv (clap) reads it: ``None`` when unset or empty."""
    value = environ.get(name, "").strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvVarError(name, environ[name], "a boolean (1/0, true/false, yes/no, on/off)")


# -- helpers


def _read_if_file(path: Path) -> ToolUv | None:
    """A uv.toml's settings, or ``None`` when there is no such file (uv's NotFound, NotADirectory,
    PermissionDenied); a malformed file raises ``PyProjectError``."""
    try:
        if not path.is_file():
            return None
        data = read_toml(path)
    except PermissionError:
        return None
    from prong.project.pyproject import uv_toml_from_dict

    return uv_toml_from_dict(data, path)


def _masked_keys(pyproject: Path) -> list[str]:
    """The settings in a pyproject.toml's [tool.uv] that a uv.toml beside it hides."""
    try:
        text = pyproject.read_bytes()
    except OSError:
        return []
    if b"uv" not in text:
        return []
    try:
        data = read_toml(pyproject)
    except PyProjectError:
        return []
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    if not isinstance(uv, dict):
        return []
    from prong.project.pyproject import PYPROJECT_ONLY_KEYS

    return [k for k in uv if k not in PYPROJECT_ONLY_KEYS]


def _absolute(location: str | None, base: Path) -> Any:
    if location is None or _URL_RE.match(location):
        return location
    path = Path(location).expanduser()
    if not path.is_absolute():
        path = base / path
    text = str(path)
    return text + "/" if location.endswith("/") and not text.endswith("/") else text


def _absolute_entry(entry: IndexEntry, base: Path) -> IndexEntry:
    url = _absolute(entry.url, base)
    return entry if url == entry.url else replace(entry, url=url)


def _with_origin(options: PipOptions, origin: str) -> PipOptions:
    origins = {f.name: origin for f in fields(options) if f.name != "origins"
               and getattr(options, f.name) not in (None, ())}
    return replace(options, origins=origins)
