"""Which indexes to ask, in which order: uv's rules for ``--index`` & co. and ``[[tool.uv.index]]``.

* Indexes are consulted in definition order; command-line indexes come before configured ones.
* The default index (``default = true``, ``--default-index``, ``--index-url``; else the PyPI
  Simple URL that pip knows) always comes last.
* ``explicit = true`` indexes are used only for packages pinned to them (``[tool.uv.sources]``).
* ``--find-links`` locations are flat indexes whose files are merged into every lookup;
  ``--no-index`` drops every Simple index and keeps only those.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from prong.errors import ProngError

if TYPE_CHECKING:
    from prong.project.pyproject import IndexEntry

__all__ = [
    "INDEX_STRATEGIES",
    "IndexConfig",
    "IndexStrategy",
    "IndexUrls",
    "NoDefaultIndexError",
    "UnknownIndexError",
    "default_index_url",
    "from_entries",
    "parse_index_arg",
    "to_url",
]

IndexFormat = Literal["simple", "flat"]
AuthPolicy = Literal["always", "never", "auto"]
IndexStrategy = Literal["first-index", "unsafe-first-match", "unsafe-best-match"]
INDEX_STRATEGIES: tuple[str, ...] = ("first-index", "unsafe-first-match", "unsafe-best-match")

# What uv does without `ignore-error-codes`: a 404 (or 410) means "not on this index, ask the
# next one"; a 401 or 403 stops the search, so that a failed login on a private index cannot
# let a public namesake in.
DEFAULT_IGNORED: tuple[int, ...] = (404, 410)


class NoDefaultIndexError(ProngError):
    exit_code = 2  # a usage/configuration error (docs/exit-codes.md)

    def __init__(self) -> None:
        super().__init__("no default index: UV_DEFAULT_INDEX and UV_INDEX_URL are unset and pip is not importable")

    def hints(self) -> Sequence[str]:
        return ("Pass --default-index URL (or --index-url URL), or set UV_DEFAULT_INDEX.",)


class UnknownIndexError(ProngError):
    exit_code = 2  # a usage/configuration error (docs/exit-codes.md)

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        self.known = tuple(known)
        listing = ", ".join(f"`{k}`" for k in known) or "none"
        super().__init__(f"no index named `{name}` is defined (defined: {listing})")


def to_url(location: str, base: Path | None = None) -> str:
    """``location`` as a URL: URLs pass through, paths become ``file://`` URLs."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", location):
        return location
    path = Path(location).expanduser()
    if not path.is_absolute():
        path = (base or Path.cwd()) / path
    uri = path.resolve().as_uri()
    if location.endswith(("/", os.sep)) and not uri.endswith("/"):
        uri += "/"
    return uri


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """One index: a ``[[tool.uv.index]]`` entry or an index given on the command line."""

    name: str | None
    url: str
    explicit: bool = False
    default: bool = False
    format: IndexFormat = "simple"
    authenticate: AuthPolicy = "auto"
    ignore_error_codes: tuple[int, ...] | None = None
    origin: str = ""

    @property
    def display(self) -> str:
        """```name` (url)`` or just the URL, for messages (credentials removed)."""
        url = redact(self.url)
        return f"`{self.name}` ({url})" if self.name else url

    @property
    def is_file(self) -> bool:
        return self.url.startswith("file:")

    def project_url(self, project: str, base: str | None = None) -> str:
        """The Simple API page of ``project`` (a normalized name) on this index."""
        return f"{(base or self.url).rstrip('/')}/{project}/"

    def ignores(self, status: int) -> bool:
        """Whether an HTTP ``status`` on a project page means "not here, try the next index"."""
        if status in DEFAULT_IGNORED:
            return True
        if self.ignore_error_codes is not None:
            return status in self.ignore_error_codes
        # as uv does: the PyTorch download server answers 403 for a project it does not have
        return status == 403 and _host(self.url) == "download.pytorch.org"

    @classmethod
    def from_toml(cls, table: Mapping[str, object], origin: str = "pyproject.toml",
                  base: Path | None = None) -> IndexConfig:
        """An index from a ``[[tool.uv.index]]`` table (already validated for types)."""
        url = str(table.get("url", ""))
        fmt = str(table.get("format", "simple"))
        codes = table.get("ignore-error-codes")
        return cls(
            name=str(table["name"]) if table.get("name") is not None else None,
            url=to_url(url, base),
            explicit=bool(table.get("explicit", False)),
            default=bool(table.get("default", False)),
            format="flat" if fmt == "flat" else "simple",
            authenticate=_auth_policy(table.get("authenticate", "auto")),
            ignore_error_codes=tuple(int(c) for c in codes) if isinstance(codes, list) else None,
            origin=origin,
        )


def from_entries(entries: Iterable[IndexEntry], base: Path | None = None,
                 origin: str = "pyproject.toml") -> tuple[IndexConfig, ...]:
    """``[[tool.uv.index]]`` entries as read by ``prong.project`` (relative paths against ``base``)."""
    return tuple(
        IndexConfig(
            name=e.name,
            url=to_url(e.url, base),
            explicit=e.explicit,
            default=e.default,
            format="flat" if e.format == "flat" else "simple",
            authenticate=_auth_policy(e.authenticate),
            ignore_error_codes=e.ignore_error_codes,
            origin=origin,
        )
        for e in entries
    )


def _auth_policy(value: object) -> AuthPolicy:
    if value == "always":
        return "always"
    if value == "never":
        return "never"
    return "auto"


def redact(url: str) -> str:
    """``url`` with any ``user:password@`` removed."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host, slash, path = rest.partition("/")
    if "@" in host:
        host = host.rpartition("@")[2]
    return f"{scheme}://{host}{slash}{path}"


def _host(url: str) -> str:
    return url.partition("://")[2].partition("/")[0].rpartition("@")[2].partition(":")[0].lower()


_NAMED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)=(.+)$")


def parse_index_arg(value: str, origin: str = "--index", base: Path | None = None) -> IndexConfig:
    """``--index [NAME=]URL`` (a path is accepted for the URL)."""
    name: str | None = None
    m = _NAMED.match(value)
    if m is not None and ("://" in m.group(2) or m.group(2).startswith(("/", ".", "~"))):
        name, value = m.group(1), m.group(2)
    return IndexConfig(name=name, url=to_url(value, base), origin=origin)


def default_index_url(environ: Mapping[str, str] | None = None) -> str:
    """The default index: ``UV_DEFAULT_INDEX``, ``UV_INDEX_URL``, else pip's PyPI Simple URL."""
    env = os.environ if environ is None else environ
    for key in ("UV_DEFAULT_INDEX", "UV_INDEX_URL"):
        value = env.get(key, "").strip()
        if value:
            return value.partition("=")[2] if _NAMED.match(value) and "://" in value.partition("=")[2] else value
    try:
        from pip._internal.models.index import PyPI  # the one place the public index is named
    except Exception:  # pip missing or reorganised: the user must say
        raise NoDefaultIndexError() from None
    return str(PyPI.simple_url)


@dataclass(frozen=True, slots=True)
class IndexUrls:
    """The indexes of one run, in priority order (the default index last)."""

    indexes: tuple[IndexConfig, ...] = ()
    flat: tuple[IndexConfig, ...] = ()
    no_index: bool = False

    @classmethod
    def from_args(
        cls,
        *,
        index_url: str | None = None,
        extra_index_urls: Iterable[str] = (),
        indexes: Iterable[str] = (),
        default_index: str | None = None,
        find_links: Iterable[str] = (),
        no_index: bool = False,
        configured: Iterable[IndexConfig] = (),
        environ: Mapping[str, str] | None = None,
        base: Path | None = None,
        origins: Mapping[str, str] | None = None,
    ) -> IndexUrls:
        """Combine command-line options with configured indexes the way uv does.

        ``--index`` entries come first, then ``--extra-index-url``, then the configured ones;
        ``--default-index`` (or ``--index-url``) replaces any configured default; with none at
        all, the default is :func:`default_index_url`.

        ``origins`` names where each value came from when it was not the command line (an
        environment variable such as ``UV_INDEX_URL``), keyed ``index_args``, ``extra_index_url``,
        ``default_index``, ``index_url`` and ``find_links``; messages name that origin.
        """
        where = {"index_args": "--index", "extra_index_url": "--extra-index-url", "default_index": "--default-index",
                 "index_url": "--index-url", "find_links": "--find-links"}
        where.update({k: v for k, v in (origins or {}).items() if k in where and v})
        cli: list[IndexConfig] = [parse_index_arg(v, where["index_args"], base) for v in indexes]
        cli += [IndexConfig(None, to_url(u, base), origin=where["extra_index_url"]) for u in extra_index_urls]
        default: IndexConfig | None = None
        if default_index is not None:
            default = replace(parse_index_arg(default_index, where["default_index"], base), default=True)
        elif index_url is not None:
            default = IndexConfig(None, to_url(index_url, base), default=True, origin=where["index_url"])
        ordered: list[IndexConfig] = []
        flat: list[IndexConfig] = [
            IndexConfig(None, to_url(p, base), format="flat", origin=where["find_links"]) for p in find_links
        ]
        seen_names: set[str] = set()
        for idx in [*cli, *configured]:
            if idx.name is not None:
                if idx.name in seen_names:  # the first definition of a name wins
                    continue
                seen_names.add(idx.name)
            if idx.default:
                if default is None:
                    default = idx
                continue
            ordered.append(idx)
        if no_index:
            return cls(indexes=(), flat=tuple(flat), no_index=True)
        if default is None:
            default = IndexConfig(None, default_index_url(environ), default=True, origin="default")
        return cls(indexes=(*ordered, default), flat=tuple(flat), no_index=False)

    def implicit(self) -> tuple[IndexConfig, ...]:
        """The indexes asked for a package that is not pinned to an index."""
        return tuple(i for i in self.indexes if not i.explicit)

    def by_name(self, name: str) -> IndexConfig:
        for idx in self.indexes:
            if idx.name == name:
                return idx
        raise UnknownIndexError(name, [i.name for i in self.indexes if i.name])

    def for_package(self, pin: str | IndexConfig | None = None) -> tuple[IndexConfig, ...]:
        """The indexes to ask for a package: the one it is pinned to, else the implicit ones."""
        if pin is None:
            return self.implicit()
        if isinstance(pin, IndexConfig):
            return (pin,)
        for idx in self.indexes:
            if idx.url == pin:
                return (idx,)
        return (self.by_name(pin),)
