"""``prong index versions``: the versions of a package that have a file usable on a target."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.client.indexes import IndexConfig, IndexStrategy, IndexUrls
    from prong.dists import IndexFile
    from prong.project.settings import PipOptions, UvConfig
    from prong.tags import Tags, Target

__all__ = ["IndexVersions", "NoMatchingVersionsError", "index_urls", "index_versions", "make_target",
           "pip_settings", "usable_versions"]

log = logging.getLogger("prong.index")


@dataclass(frozen=True, slots=True)
class IndexVersions:
    """What ``index_versions`` found: versions newest first, and the warnings to print."""

    name: str
    versions: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    target: str = ""
    skipped: tuple[tuple[str, int], ...] = ()

    @property
    def latest(self) -> str | None:
        return self.versions[0] if self.versions else None


class NoMatchingVersionsError(ProngError):
    """No file of the package fits the target (or no index has the package)."""

    def __init__(self, name: str, target: str, searched: Sequence[str], n_files: int,
                 skipped: Mapping[str, int], warnings: Sequence[str] = (), found_on: Sequence[str] = ()) -> None:
        self.name = name
        self.target = target
        self.searched = tuple(searched)
        self.found_on = tuple(found_on)
        self.n_files = n_files
        self.skipped = dict(skipped)
        self.warnings = tuple(warnings)
        if n_files:
            msg = f"no version of `{name}` has a file usable on {target}"
        elif found_on:
            msg = f"`{name}` has no distribution files on {', '.join(self.found_on)}"
        else:
            msg = f"no index has `{name}` (searched: {', '.join(self.searched) or 'no index'})"
        super().__init__(msg)

    def hints(self) -> Sequence[str]:
        if not self.skipped:
            return ()
        parts = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0])))
        return (f"{self.n_files} files were found and all were skipped: {parts} (-vv shows each file).",)


def make_target(python_version: str | None = None, python_platform: str | None = None) -> tuple[Target, Tags]:
    """The target of ``--python-version`` / ``--python-platform`` (the running interpreter's by default)."""
    from prong.errors import UsageError
    from prong.tags import Tags, Target, parse_platform

    if python_version is None and python_platform is None:
        return Target.current(), Tags.current()
    current = Target.current()
    version = current.python_version
    full: str | None = current.python_full_version
    if python_version is not None:
        bits = python_version.strip().split(".")
        try:
            nums = tuple(int(b) for b in bits if b.isdigit() or int(""))  # int(""): ValueError for -1, +1, 1_0
        except ValueError:
            nums = ()
        if len(nums) < 2 or len(nums) > 3:
            raise UsageError(f"invalid --python-version value `{python_version}`: expected a Python version like "
                             "3.10 or 3.10.4", hint="Pass --python-version 3.12 (major.minor) or 3.12.4.")
        version = (nums[0], nums[1])
        full = ".".join(str(n) for n in nums) if len(nums) == 3 else None
    platform = parse_platform(python_platform) if python_platform is not None else current.platform
    target = Target(version, current.implementation, platform=platform, python_full_version=full)
    return target, Tags.for_target(target)


def usable_versions(files: Sequence[tuple[IndexConfig, IndexFile]], target: Target, tags: Tags, *,
                    pre: bool = False, project: str | None = None) -> tuple[list[str], Counter[str]]:
    """Versions with at least one file fit for ``target`` (newest first), and skip counts by reason.

    Each file's verdict is logged at DEBUG on ``prong.index`` (``-vv``).
    """
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    from prong.filenames import WheelFilename, parse_dist_filename

    major, minor = target.python_version
    python = Version(target.python_full_version or f"{major}.{minor}")
    kept: dict[Version, str] = {}
    skipped: Counter[str] = Counter()
    python_fits: dict[str, bool] = {}  # requires-python text -> does the target's Python fit

    def skip(f: IndexFile, idx: IndexConfig, kind: str, why: str) -> None:
        skipped[kind] += 1
        log.debug("skip %s from %s: %s", f.filename, idx.display, why)

    for idx, f in files:
        try:
            dist = parse_dist_filename(f.filename, project)
        except ProngError as err:
            skip(f, idx, "invalid file names", f"invalid file name ({str(err).splitlines()[0]})")
            continue
        if dist is None or (project is not None and dist.name != project):
            skip(f, idx, "not distributions of the project", "not a distribution of the project")
            continue
        version = dist.version
        if f.yanked is not None:
            skip(f, idx, "yanked", "yanked" + (f" ({f.yanked})" if f.yanked else ""))
            continue
        if version.is_prerelease and not pre:
            skip(f, idx, "pre-releases", f"{version} is a pre-release (pass --pre)")
            continue
        if f.requires_python:
            fits = python_fits.get(f.requires_python)
            if fits is None:
                try:
                    fits = SpecifierSet(f.requires_python).contains(python, prereleases=True)
                except InvalidSpecifier:
                    fits = True
                    log.debug("ignoring the invalid requires-python %r of %s", f.requires_python, f.filename)
                python_fits[f.requires_python] = fits
            if not fits:
                skip(f, idx, "requires-python", f"requires-python {f.requires_python} excludes Python {python}")
                continue
        if isinstance(dist, WheelFilename):
            if not tags.is_compatible(dist.tags):
                why = tags.why_incompatible(dist) or "no compatible tag"
                skip(f, idx, "wheel tags", why)
                continue
            reason = "compatible wheel"
        else:
            reason = "source distribution"
        log.debug("keep %s from %s: %s", f.filename, idx.display, reason)
        kept[version] = str(version)
    ordered = [kept[v] for v in sorted(kept, reverse=True)]
    return ordered, skipped


def pip_settings(args: PipOptions, config: UvConfig | None, environ: Mapping[str, str] | None) -> PipOptions:
    """What the caller passed (``args``, the command line), filled from uv's environment variables
    (``environ``; ``os.environ`` when ``None``), then combined with the configuration files
    (``config``; none when ``None``), as uv does: command line > environment > files."""
    from prong.project.settings import PipOptions, env_options

    return args.or_else(env_options(environ)).combine(config.pip if config is not None else PipOptions())


def index_urls(args: PipOptions, config: UvConfig | None, *, environ: Mapping[str, str] | None = None,
               extra_configured: Sequence[IndexConfig] = (), extra_find_links: Sequence[str] = (),
               extra_no_index: bool = False) -> IndexUrls:
    """The indexes of a run in uv's order: command line (``--index``, ``--extra-index-url``, then
    the default of ``--default-index`` / ``--index-url``), each filled from its environment variable,
    then the configuration files' ``index``, ``extra-index-url`` and ``index-url``, then
    ``extra_configured`` (from input files); the first default index met wins.

    ``args`` holds the command-line values only (see :func:`pip_settings`).
    """
    from prong.client.indexes import IndexConfig, IndexUrls, from_entries, to_url
    from prong.project.settings import PipOptions, env_options

    cli = args.or_else(env_options(environ))
    files = config.pip if config is not None else PipOptions()
    configured: list[IndexConfig] = list(from_entries(files.index, origin=files.origin("index") or "uv.toml"))
    configured += [IndexConfig(None, to_url(u), origin=files.origin("extra_index_url")) for u in files.extra_index_url]
    if files.index_url is not None:
        configured.append(IndexConfig(None, to_url(files.index_url), default=True, origin=files.origin("index_url")))
    configured += extra_configured
    no_index = cli.no_index if cli.no_index is not None else files.no_index
    urls = IndexUrls.from_args(
        index_url=cli.index_url,
        extra_index_urls=cli.extra_index_url,
        indexes=cli.index_args,
        default_index=cli.default_index,
        find_links=[*cli.find_links, *files.find_links, *extra_find_links],
        no_index=bool(no_index) or extra_no_index,
        configured=configured,
        environ=environ,
        origins=cli.origins,
    )
    _check_index_urls(urls)
    return urls


def _check_index_urls(urls: IndexUrls) -> None:
    """Refuse an index that cannot be one: a URL with no host, or a location that is not a URL and
    names no directory (``--index-url 'not a url'``); the error names the value and where it was
    set, instead of every package being "not found in the package registry" later."""
    from urllib.parse import unquote, urlsplit

    from prong.errors import UsageError

    for index in urls.indexes:
        parts = urlsplit(index.url)
        origin = f" (from {index.origin})" if index.origin else ""
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
            if not path.is_dir():
                raise UsageError(
                    f"invalid index URL `{path}`{origin}: not a URL, and no directory of that name exists",
                    "An index URL starts with https:// or http://; a local index is an existing directory.",
                )
        elif parts.scheme in ("http", "https") and not parts.hostname:
            from prong.client.auth import redact

            raise UsageError(f"invalid index URL `{redact(index.url)}`{origin}: no host name",
                             "An index URL looks like https://pypi.org/simple/.")


def build_registry(indexes: IndexUrls, *, strategy: IndexStrategy = "first-index", strict_index_urls: bool = False,
                   cache_dir: str | Path | None = None, no_cache: bool = False, offline: bool = False,
                   refresh: bool = False, refresh_packages: Sequence[str] = ()) -> Any:
    """A ``RegistryClient`` over a fresh ``HttpClient`` with the cache and credentials of the run.

    ``refresh`` revalidates every cached page and file with the index (``--refresh``);
    ``refresh_packages`` only those of the named packages (``--refresh-package``)."""
    from prong.cache import Cache
    from prong.client.http import HttpClient
    from prong.client.registry import RegistryClient

    cache = Cache.from_settings(cache_dir, no_cache=no_cache)
    auth = None
    try:
        from prong.client.auth import AuthProvider, IndexAuth

        auth = AuthProvider([IndexAuth(i.url, i.authenticate) for i in (*indexes.indexes, *indexes.flat)])
    except ImportError:  # pragma: no cover - auth lands with the HTTP client
        auth = None
    from prong.client.http import http_settings_from_env

    timeout, retries = http_settings_from_env()
    http = HttpClient(cache=cache, offline=offline, auth=auth, refresh=refresh, refresh_packages=refresh_packages,
                      timeout=timeout, retries=retries)
    return RegistryClient(http, indexes, strategy, strict_index_urls=strict_index_urls, cache=cache)


def _uploaded(text: str) -> Any:
    from datetime import datetime, timezone

    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def index_versions(
    name: str,
    *,
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    indexes: Sequence[str] = (),
    default_index: str | None = None,
    find_links: Sequence[str] = (),
    no_index: bool = False,
    python_version: str | None = None,
    python_platform: str | None = None,
    strict_index_urls: bool = False,
    index_strategy: IndexStrategy | None = None,
    pre: bool = False,
    cache_dir: str | Path | None = None,
    no_cache: bool = False,
    offline: bool | None = None,
    refresh: bool = False,
    refresh_packages: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    config: UvConfig | None = None,
    registry: Any = None,
    exclude_newer: str | None = None,
) -> IndexVersions:
    """The versions of ``name`` with at least one file usable on the target, newest first.

    ``exclude_newer`` (an RFC 3339 time or a date, also ``UV_EXCLUDE_NEWER`` and ``[tool.uv]``
    ``exclude-newer``) leaves out files uploaded after it, and files whose upload time the index
    does not give, as ``lock`` and ``pip compile`` do.

    Wheels must carry a tag the target accepts; sdists always count; a file whose
    requires-python excludes the target's Python, a yanked file and (without ``pre``) a
    pre-release do not count. Raises :class:`NoMatchingVersionsError` when nothing is left and
    ``IndexPageError`` when an index answers with something that is not a package index page.

    Settings come as in uv: the arguments (the command line) first, then uv's environment
    variables in ``environ`` (``os.environ`` when ``None``: ``UV_INDEX``, ``UV_DEFAULT_INDEX``,
    ``UV_INDEX_STRATEGY``, ``UV_OFFLINE``, ...), then ``config``: configuration files loaded with
    :func:`prong.project.settings.load_config` (no file is read when it is ``None``, the default).
    """
    from prong.pep508.names import normalize_name
    from prong.project.settings import PipOptions

    project = normalize_name(name)
    args = PipOptions(
        index_args=tuple(indexes), default_index=default_index, index_url=index_url,
        extra_index_url=tuple(extra_index_urls), find_links=tuple(find_links), no_index=no_index or None,
        index_strategy=index_strategy, python_version=python_version, python_platform=python_platform,
        offline=offline, exclude_newer=exclude_newer,
        origins={"exclude_newer": "--exclude-newer"} if exclude_newer else {},
    )
    opts = pip_settings(args, config, environ)
    target, tags = make_target(opts.python_version, opts.python_platform)
    owned = registry is None
    if registry is None:
        urls = index_urls(args, config, environ=environ)
        registry = build_registry(urls, strategy=opts.index_strategy or "first-index",  # type: ignore[arg-type]
                                  strict_index_urls=strict_index_urls, cache_dir=cache_dir, no_cache=no_cache,
                                  offline=bool(opts.offline), refresh=refresh, refresh_packages=refresh_packages)
    try:
        pages = registry.project_pages(project)
    finally:
        close = getattr(registry.http, "close", None)
        if owned and close is not None:
            close()
    files = [(idx, f) for idx, page in pages for f in page.files]
    cutoff_text = getattr(opts, "exclude_newer", None)
    if cutoff_text:
        from prong.api.compile import parse_exclude_newer

        cutoff = parse_exclude_newer(str(cutoff_text))
        files = [(idx, f) for idx, f in files if f.upload_time is not None and _uploaded(f.upload_time) <= cutoff]
    for idx, page in pages:
        log.debug("%s: %d file(s) of %s at %s", idx.display, len(page.files), project, page.url)
    versions, skipped = usable_versions(files, target, tags, pre=pre, project=project)
    warnings = tuple(str(w) for w in registry.warnings)
    desc = str(target)
    if not versions:
        searched = [i.display for i in (*registry.indexes.indexes, *registry.indexes.flat)]
        found_on = [idx.display for idx, _page in pages]
        raise NoMatchingVersionsError(project, desc, searched, len(files), skipped, warnings, found_on)
    return IndexVersions(project, tuple(versions), warnings, desc, tuple(sorted(skipped.items())))

