"""Lowering of non-index sources for ``prong lock``: a ``[tool.uv.sources]`` ``path`` (to a wheel
or sdist file), ``url`` or ``git`` entry, or a PEP 508 direct reference (``name @ https://…``,
``name @ file:///…``, ``name @ git+https://…@tag``), becomes a requirement's ``source`` tuple;
:func:`direct_project` turns one into the resolver's fixed-metadata ``LocalProject``.

A source tuple is ``(kind, value)`` as the lock's ``requires-dist`` writes it, then, for ``url``
and ``git``, the subdirectory and the URL to fetch (credentials kept for the fetch only; the
lock never sees them): ``("path", "../dists/a-1.0-py3-none-any.whl")``,
``("url", "https://h/a-1.0.tar.gz", "sub", "https://user:pw@h/a-1.0.tar.gz")``,
``("git", "https://h/repo?tag=v1", None, "https://h/repo")``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from prong.errors import ProngError

__all__ = ["direct_project", "direct_reference", "direct_sources", "locked_git_commits", "source_entry"]


def _path_value(given: str, base: Path, path_root: Path) -> str:
    """A file path as the lock records it: absolute if written absolute, else relative to the root."""
    if os.path.isabs(given):
        return os.path.normpath(given).replace(os.sep, "/")
    return os.path.relpath((base / given).resolve(), path_root).replace(os.sep, "/")


def _git_tuple(url: str, ref: Any, subdirectory: str | None) -> tuple[str, ...]:
    from prong.sources.git import lock_url

    return ("git", lock_url(url, ref, subdirectory), subdirectory or "", url)


def source_entry(s: Any, base: Path, path_root: Path) -> tuple[str, ...]:
    """The source tuple of a ``[tool.uv.sources]`` entry ``s`` (a file ``path``, ``url`` or ``git``)."""
    from prong.sources.direct import clean_url
    from prong.sources.git import GitRef

    if s.git:
        kind = "branch" if s.branch else "tag" if s.tag else "rev" if s.rev else None
        ref = GitRef(kind, s.branch or s.tag or s.rev) if kind else GitRef()
        return _git_tuple(s.git, ref, s.subdirectory)
    if s.url:
        clean, fragment_dir = clean_url(s.url)
        return ("url", clean, s.subdirectory or fragment_dir or "", s.url)
    return ("path", _path_value(s.path, base, path_root))


def direct_reference(url: str, where: str) -> tuple[str, ...]:
    """The source tuple of a PEP 508 direct reference's URL (``where``: the key, for errors)."""
    from prong.sources.direct import clean_url
    from prong.sources.git import parse_pep508_git

    if url.startswith("git+"):
        repo, ref, subdirectory = parse_pep508_git(url)
        return _git_tuple(repo, ref, subdirectory)
    scheme = urlsplit(url).scheme
    if scheme == "file":
        path = unquote(urlsplit(url).path)
        if Path(path).is_dir():
            return ("directory", os.path.normpath(path).replace(os.sep, "/"))
        return ("path", os.path.normpath(path).replace(os.sep, "/"))
    if scheme in ("http", "https"):
        clean, subdirectory = clean_url(url)
        return ("url", clean, subdirectory or "", url)
    from prong.api.lock import ProjectError

    raise ProjectError(f"{where}: `{url}` is not a URL prong can lock (use https://, file:// or git+)",
                       "Write a direct reference as `name @ https://...`, `name @ file:///...` or "
                       "`name @ git+https://...@tag`.")


def locked_git_commits(lock: Any, upgrade: Collection[str] = ()) -> dict[tuple[str, Any], str]:
    """The commits an existing lock keeps for its git sources: (repository URL, reference) ->
    commit, from every git package not named in ``upgrade``. As uv's, the key leaves the
    subdirectory out: another package from the same repository and reference gets the same commit."""
    from prong.sources.git import base_url, parse_lock_url

    out: dict[tuple[str, Any], str] = {}
    for pkg in lock.packages:
        if pkg.source.kind != "git" or pkg.name in upgrade:
            continue
        repo, ref, _subdirectory, commit = parse_lock_url(pkg.source.value)
        if commit:
            out.setdefault((base_url(repo), ref), commit)
    return out


@contextmanager
def direct_sources(index_urls: Any, *, cache_dir: Any = None, offline: bool = False,
                   git_pins: Mapping[tuple[str, Any], str] | None = None,
                   no_build: Callable[[str], bool] | None = None) -> Iterator[Any]:
    """A :class:`~prong.sources.direct.DirectSources` for one pass over the project's sources; a
    metadata build installs its build requirements from the project's indexes. ``git_pins``: the
    commits to keep (:func:`locked_git_commits`); ``no_build(name)``: the packages not to build
    (``--no-build``, ``--no-build-package``)."""
    from prong.cache import default_cache_dir
    from prong.sources.direct import DirectSources

    made: list[Any] = []

    def builder() -> Any:
        from prong.api._path_metadata import _SETTINGS
        from prong.api.index import build_registry
        from prong.pep517.dispatch import BuildDispatch
        from prong.sources.index import RegistryIndex

        # --no-cache (the command's, as path dependencies see it): built metadata is not kept
        no_cache = bool(_SETTINGS.get().get("no_cache"))
        registry = build_registry(index_urls, cache_dir=cache_dir, no_cache=no_cache, offline=offline)
        made.append(registry.http)
        dispatch = BuildDispatch(registry.http, registry.http.cache, no_build=no_build or False)
        dispatch.index = RegistryIndex(registry, registry.http, builder=dispatch)
        return dispatch

    direct = DirectSources(default_cache_dir(cache_dir), offline=offline, builder=builder, git_pins=git_pins)
    try:
        yield direct
    finally:
        direct.close()
        for http in made:
            http.close()


def direct_project(lr: Any, root: Path, direct: Any) -> Any:
    """The resolver's ``LocalProject`` for the requirement ``lr`` with a file, url or git source."""
    from dataclasses import replace

    from prong.api.lock import ProjectError, _specifier_text
    from prong.lock.model import LockArtifact
    from prong.pep440.version import parse_version
    from prong.pep508.names import normalize_name
    from prong.resolver.universal import LocalProject, _lower_plain
    from prong.resolver.universal_result import DistSource
    from prong.sources.git import parse_lock_url

    kind, value = lr.source[:2]
    name = lr.requirement.name
    shown = f"`{name}` ({kind} {value})"
    subdirectory = None
    sdist = None
    wheels: tuple[Any, ...] = ()
    if kind == "path":
        dist = direct.path_file(Path(value) if os.path.isabs(value) else root / value, shown, name=name)
        source = DistSource("path", value)
        if dist.kind == "wheel":
            wheels = (LockArtifact(filename=dist.filename, hash=f"sha256:{dist.sha256}"),)
        else:
            sdist = LockArtifact(hash=f"sha256:{dist.sha256}")
    elif kind == "url":
        subdirectory = lr.source[2] or None
        dist = direct.url(lr.source[3], subdirectory, name=name)
        source = DistSource("url", value, subdirectory)
        if dist.kind == "wheel":
            wheels = (LockArtifact(url=value, hash=f"sha256:{dist.sha256}"),)
        else:
            sdist = LockArtifact(hash=f"sha256:{dist.sha256}")
    elif kind == "git":
        _repo, ref, subdirectory, _ = parse_lock_url(value)
        commit, dist = direct.git(lr.source[3], ref, subdirectory, name=name)
        source = DistSource("git", f"{value}#{commit}")
    else:
        raise ProngError(f"{shown}: unknown source kind")
    if dist.name != normalize_name(name):
        raise ProjectError(f"{shown}: the package there is `{dist.name}`, not `{name}`",
                           f"Name the requirement `{dist.name}`, or point the source at `{name}`.")
    md = dist.metadata
    try:
        version = parse_version(dist.version)
        requires = tuple(replace(_lower_plain(r), specifier_text=_specifier_text(r)) for r in md.requires_dist)
    except ProngError as err:
        raise ProjectError(f"{shown}: its metadata cannot be used ({err})") from None
    return LocalProject(
        name=dist.name, version=version, source=source, requires_dist=requires,
        provides_extra=tuple(str(normalize_name(e)) for e in md.provides_extra),
        requires_python=md.requires_python, member=False, sdist=sdist, wheels=wheels,
    )
