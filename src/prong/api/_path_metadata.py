"""Path dependencies whose metadata is dynamic: what their build backend says, cached.

``api.lock._path_projects`` reads a directory ``path`` source from its pyproject.toml; when the
name, version, dependencies or optional dependencies are dynamic there, :func:`built_pyproject`
gives the same view filled from the backend's ``prepare_metadata_for_build_wheel`` (through
:class:`~prong.pep517.dispatch.BuildDispatch`, build requirements from the project's indexes),
kept in the cache by the directory's cache key (:mod:`prong.pep517.metadata_cache`), as uv does.

The cache and network settings of the command (``--cache-dir``, ``--no-cache``, ``--offline``)
reach this code, which runs while the project is read, through :func:`uses_build_settings`.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from prong.errors import ProngError

_SETTINGS: ContextVar[Mapping[str, Any]] = ContextVar("prong_build_settings", default={})
_KEYS = ("cache_dir", "no_cache", "offline", "refresh", "refresh_packages")

F = TypeVar("F", bound=Callable[..., Any])


def uses_build_settings(fn: F) -> F:
    """Make the ``cache_dir``/``no_cache``/``offline``/``refresh``/``refresh_packages`` keyword
    arguments of ``fn`` the settings of the builds that reading the project may need, while ``fn``
    runs (``--refresh``, or ``--refresh-package`` naming the package, builds the tree again)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from contextlib import nullcontext

        from prong.pep517.settings import build_settings_scope

        given = {k: kwargs[k] for k in _KEYS if kwargs.get(k) is not None}
        outer = _SETTINGS.get()
        # one memo per command (the outermost call): what it built, it does not build twice
        token = _SETTINGS.set({"memo": {}, **outer, **given, "scoped": True})
        # the outermost call also reads the project's build settings, for every build it makes
        scope = nullcontext() if outer.get("scoped") else build_settings_scope(
            lambda: _project_build_settings(args, kwargs))
        try:
            with scope:
                return fn(*args, **kwargs)
        finally:
            _SETTINGS.reset(token)

    return wrapper  # type: ignore[return-value]


def _project_build_settings(args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
    """The build settings of the project a decorated command runs on (the defaults when the
    project cannot be read: the command itself then says why)."""
    from prong.api._build_settings import project_build_settings
    from prong.pep517.settings import BuildSettings

    config = kwargs.get("config")
    try:
        return project_build_settings(args[0] if args else kwargs.get("project", "."),
                                      config() if callable(config) else config, kwargs.get("environ"),
                                      no_build_isolation=kwargs.get("no_build_isolation"),
                                      no_build_isolation_package=kwargs.get("no_build_isolation_package") or ())
    except (ProngError, OSError, ValueError):
        return BuildSettings()


def built_pyproject(directory: Path, pp: Any, indexes: Sequence[Any], *, editable: bool = False,
                    no_build: Callable[[str], bool] | None = None, name: str | None = None) -> Any:
    """``pp`` (the directory's pyproject view) with the name, version, dependencies, optional
    dependencies and Requires-Python of the metadata its backend builds (cached by the
    directory's cache key; ``editable``: by the PEP 660 hooks, as uv asks an editable path
    dependency). A failed build is :class:`~prong.pep517.hooks.BuildFailed`; a build that
    ``no_build(name)`` forbids is :class:`~prong.api._build_rules.BuildDisabled` (metadata already
    in the cache is used all the same, as uv uses it). ``name``: the requirement's name, for a
    project whose pyproject.toml gives none."""
    from prong.cache import Cache
    from prong.client.metadata import parse_metadata
    from prong.pep517.metadata_cache import tree_metadata

    settings = _SETTINGS.get()
    cache = Cache.from_settings(settings.get("cache_dir"), no_cache=bool(settings.get("no_cache")))
    package = _normalize(pp.name or name or directory.name)

    def build() -> bytes:
        if no_build is not None and no_build(package):
            from prong.api._build_rules import BuildDisabled

            raise BuildDisabled(package, directory.as_uri(), no_build_rule(no_build, package), directory)
        from prong.api.index import build_registry
        from prong.client.indexes import IndexUrls
        from prong.pep517.dispatch import BuildDispatch
        from prong.sources.index import RegistryIndex

        urls = IndexUrls(indexes=tuple(i for i in indexes if not getattr(i, "explicit", False)))
        registry = build_registry(urls, cache_dir=cache.root, offline=bool(settings.get("offline")))
        http = registry.http
        try:
            dispatch = BuildDispatch(http, cache)
            dispatch.index = RegistryIndex(registry, http, builder=dispatch)
            return dispatch.build_tree_metadata(directory, package=package, editable=editable)
        finally:
            http.close()

    refreshed = {_normalize(n) for n in settings.get("refresh_packages") or ()}
    refresh = bool(settings.get("refresh")) or package in refreshed
    raw = tree_metadata(directory, package=package, cache=cache, python=sys.executable, build=build,
                        editable=editable, refresh=refresh, memo=settings.get("memo"))
    md = parse_metadata(raw)
    if pp.name is not None and _normalize(md.name) != _normalize(pp.name):
        from prong.api.lock import ProjectError

        raise ProjectError(f"{directory / 'pyproject.toml'}: `project.name`: the metadata its build backend "
                           f"gives names `{md.name}`, not `{pp.name}`",
                           hint="Make the backend's name and the pyproject.toml's agree.")
    dependencies, optional = split_extras(md.requires_dist, md.provides_extra)
    return dataclasses.replace(pp, name=pp.name or md.name, version=md.version, dependencies=tuple(dependencies),
                               optional_dependencies={k: tuple(v) for k, v in optional.items()},
                               requires_python=md.requires_python)


def no_build_rule(no_build: Callable[[str], bool], package: str) -> str:
    """The flag behind ``no_build`` (a ``ResolverOptions.builds_disabled``) for ``package``."""
    from prong.api._build_rules import rule_of

    options = getattr(no_build, "__self__", None)
    return rule_of(options, package, "build") if options is not None else "`--no-build`"


_EXTRA_AT_END = re.compile(r"""^(?P<rest>.*?)\s*\band\s+extra\s*==\s*(?P<q>['"])(?P<extra>[^'"]+)(?P=q)\s*$""")
_ONLY_EXTRA = re.compile(r"""^\s*extra\s*==\s*(?P<q>['"])(?P<extra>[^'"]+)(?P=q)\s*$""")


def split_extras(requires_dist: Sequence[str],
                 provides_extra: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Requires-Dist as ``[project]`` would write it: the plain requirements, and per extra (in
    Provides-Extra's order) the requirements whose marker ends in ``and extra == "x"`` (or is
    only that), without that clause, so that ``[tool.uv.sources]`` scoped to an extra apply as
    they do to a static table. A marker this cannot take apart stays a plain requirement (its
    ``extra == ...`` clause still selects it)."""
    plain: list[str] = []
    extras: dict[str, list[str]] = {_normalize(e): [] for e in provides_extra}
    for text in requires_dist:
        req, sep, marker = text.partition(";")
        if not sep:
            plain.append(text.strip())
            continue
        m = _ONLY_EXTRA.match(marker)
        if m is not None and _normalize(m.group("extra")) in extras:
            extras[_normalize(m.group("extra"))].append(req.strip())
            continue
        m = _EXTRA_AT_END.match(marker)
        rest = m.group("rest").strip() if m else ""
        if m is not None and _normalize(m.group("extra")) in extras and _one_term(rest):
            extras[_normalize(m.group("extra"))].append(f"{req.strip()}; {rest}")
            continue
        plain.append(text.strip())
    return plain, extras


def _one_term(marker: str) -> bool:
    """Whether ``marker`` binds tighter than the ``and`` after it: a parenthesised whole, or no
    ``or`` at the top level."""
    depth = 0
    for i, ch in enumerate(marker):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and marker.startswith(" or ", i):
            return False
    return "extra" not in marker


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def dynamic_versions(root: Path, projects: Sequence[Any]) -> list[str]:
    """The names of the path projects (``api.lock``'s ``LocalProject`` values that are not
    members) whose version is dynamic in their pyproject.toml: the lock gives them no version."""
    from prong.project.pyproject import read_pyproject

    out = []
    for project in projects:
        if getattr(project, "member", True) or project.source.kind not in ("editable", "directory"):
            continue
        try:
            pp = read_pyproject(root / project.source.value / "pyproject.toml")
        except ProngError:
            continue
        if "version" in pp.dynamic:
            out.append(project.name)
    return out


def dynamic_tree_keys(pyprojects: Sequence[Path]) -> str:
    """The cache keys of the directories among ``pyprojects``' parents whose metadata is dynamic
    (what a lock of a project with such path dependencies depends on beyond their pyproject.toml)."""
    if not pyprojects:
        return ""  # (the no-op lock of a project without path sources imports nothing more)
    from prong.pep517.metadata_cache import tree_cache_key
    from prong.project.pyproject import read_pyproject

    out = []
    for path in pyprojects:
        if not path.exists() and path.suffix == ".toml":  # a setuptools project without one: all built
            if (path.parent / "setup.py").is_file() or (path.parent / "setup.cfg").is_file():
                out.append(f"{path.parent} {tree_cache_key(path.parent, python=sys.executable)}")
            continue
        try:
            pp = read_pyproject(path)
        except ProngError:
            continue
        if pp.name is None or pp.version is None or {"version", "dependencies", "optional-dependencies"} & set(
                pp.dynamic):
            out.append(f"{path.parent} {tree_cache_key(path.parent, python=sys.executable)}")
    return "\n".join(out)
