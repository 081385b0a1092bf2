"""Direct sources: a wheel or sdist file named by a ``path``, an archive named by a ``url`` (with
an optional ``subdirectory``), a ``git`` checkout; each read into a :class:`DirectDist` (name,
version, core metadata, the file's sha256) for the lock.

Metadata is fixed by the source, read as uv reads it: a wheel's ``.dist-info/METADATA``; a
source tree's (an unpacked sdist's, a checkout's) static ``pyproject.toml`` ``[project]`` table,
else a PEP 643 ``PKG-INFO``, else the backend's ``prepare_metadata_for_build_wheel``, run by a
:class:`~prong.pep517.dispatch.BuildDispatch` (which installs the build requirements and applies
the package's build settings) and kept in the cache by what fixes the tree: the git commit, or
the archive's sha256, with the subdirectory (:func:`prong.pep517.metadata_cache.source_metadata`),
so a second run builds nothing. An archive is unpacked into a temporary
directory only; a member that would land outside it is refused (:func:`prong.sources.sdist.unpack`)
before anything is written.

URL archives are downloaded into the cache bucket ``direct-v0`` (once per run); credentials in
a URL are used for the download and never shown (errors name the URL without them).
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from prong.client.auth import redact, redact_text
from prong.errors import ProngError

__all__ = ["DirectDist", "DirectSourceError", "DirectSources", "archive_kind", "clean_url", "read_wheel",
           "tree_metadata"]

BUCKET = "direct-v0"


class DirectSourceError(ProngError):
    """A direct source that cannot be read: a missing file, a bad file name, a failed download, an
    unsafe archive. The message names the source; the hint says what to change."""

    def __init__(self, message: str, hint: str | None = None, exit_code: int = 1) -> None:
        super().__init__(redact_text(message))
        self.hint = redact_text(hint) if hint else None
        self.exit_code = exit_code

    def hints(self) -> Sequence[str]:
        return (self.hint,) if self.hint else ()


@dataclass(frozen=True, slots=True)
class DirectDist:
    """What a direct source gives the resolver and the lock."""

    name: str  # normalized
    version: str
    metadata: Any  # prong.client.metadata.CoreMetadata
    kind: str  # "wheel", "sdist" or "tree"
    filename: str | None = None
    sha256: str | None = None


def archive_kind(filename: str) -> str | None:
    """``wheel``, ``sdist`` or None, from a file name's extension."""
    from prong.filenames import sdist_extension

    if filename.lower().endswith(".whl"):
        return "wheel"
    return "sdist" if sdist_extension(filename) is not None else None


def clean_url(url: str) -> tuple[str, str | None]:
    """A direct URL as a lock records it (no credentials, no fragment), and the ``subdirectory``
    its fragment names (``#subdirectory=sub``), if any."""
    parts = urlsplit(redact(url))
    subdirectory = None
    for pair in parts.fragment.split("&") if parts.fragment else ():
        k, _, v = pair.partition("=")
        if k == "subdirectory" and v:
            subdirectory = unquote(v)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")), subdirectory


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _parse(raw: bytes, where: str) -> Any:
    from prong.client.metadata import InvalidMetadata, parse_metadata

    try:
        return parse_metadata(raw)
    except InvalidMetadata as err:
        raise DirectSourceError(f"{where}: its metadata cannot be read ({err})") from None


def read_wheel(path: Path, shown: str) -> DirectDist:
    """A wheel file's name, version and METADATA (its file name must be a valid wheel name)."""
    from prong.client.metadata import MetadataUnavailable, _find_metadata
    from prong.filenames import WheelFilename
    from prong.pep508.names import normalize_name

    try:
        WheelFilename.parse(path.name)
    except ProngError as err:
        detail = str(err).splitlines()[0].replace(f"`{path.name}`: ", "")
        raise DirectSourceError(
            f"{shown}: `{path.name}` is not a valid wheel file name ({detail})",
            "A wheel is named `{name}-{version}-{python tag}-{abi tag}-{platform tag}.whl`; rename the file "
            "or point the source at the wheel as it was built.", exit_code=2) from None
    try:
        with zipfile.ZipFile(path) as zf:
            member = _find_metadata(zf.namelist(), path.name)
            if member is None:
                raise MetadataUnavailable(path.name, "the wheel has no .dist-info/METADATA")
            raw = zf.read(member)
    except (zipfile.BadZipFile, OSError) as err:
        raise DirectSourceError(f"{shown}: not a readable wheel ({err})") from None
    except MetadataUnavailable as err:
        raise DirectSourceError(f"{shown}: {err}") from None
    md = _parse(raw, shown)
    return DirectDist(str(normalize_name(md.name)), md.version, md, "wheel", path.name, _sha256(path))


def tree_metadata(tree: Path, *, version_hint: str | None = None, builder: Callable[[], Any] | None = None,
                  label: str, name: str | None = None, key: str = "") -> bytes:
    """METADATA of a source tree: static (``[project]``, else PEP 643 ``PKG-INFO``), else built by
    the dispatch ``builder()`` gives for the package ``name`` (the requirement's: its build
    settings apply) and cached under ``key`` (what fixes the tree: the commit or the archive's
    sha256, and the subdirectory). ``label``: the source, for errors."""
    from prong.sources.sdist import pyproject_metadata, static_metadata

    pyproject = tree / "pyproject.toml"
    if pyproject.is_file():
        try:
            md = pyproject_metadata(pyproject.read_text(encoding="utf-8"), version_hint)
        except (OSError, UnicodeDecodeError):
            md = None
        if md is not None:
            return md
    pkg_info = tree / "PKG-INFO"
    if pkg_info.is_file():
        md = static_metadata(pkg_info.read_bytes())
        if md is not None:
            return md
    if not pyproject.is_file() and not (tree / "setup.py").is_file():
        raise DirectSourceError(f"{label}: no pyproject.toml or setup.py in {tree.name or tree}",
                                "Point the source at a Python project (set `subdirectory` if it lives in one).",
                                exit_code=2)
    if builder is None:
        raise DirectSourceError(f"{label}: its metadata is dynamic, and no build is possible here")
    raw: bytes = builder().source_metadata(tree, package=name or label, key=key, source=label)
    return raw


def _subdirectory_key(subdirectory: str | None) -> str:
    return f"subdirectory={subdirectory}" if subdirectory else "root"


def _unpacked_metadata(archive: Path, *, subdirectory: str | None, shown: str, sha256: str,
                       builder: Callable[[], Any] | None, name: str | None) -> Any:
    from prong.filenames import SdistFilename
    from prong.sources.sdist import SdistError, unpack

    try:
        version_hint: str | None = str(SdistFilename.parse(archive.name).version)
    except ProngError:
        version_hint = None
    with tempfile.TemporaryDirectory(prefix="prong-direct-") as tmp:
        try:
            root = unpack(archive, Path(tmp) / "src")
        except SdistError as err:
            raise DirectSourceError(f"{shown}: the archive was refused: {err.problem}",
                                    "Only archives whose members stay inside their directory are unpacked; "
                                    "fix the archive or use another source.") from None
        tree = root / subdirectory if subdirectory else root
        if not tree.is_dir():
            raise DirectSourceError(f"{shown}: the archive has no subdirectory `{subdirectory}`",
                                    "Fix the source's `subdirectory`.", exit_code=2)
        raw = tree_metadata(tree, version_hint=version_hint if not subdirectory else None, builder=builder,
                            label=shown, name=name, key=f"archive sha256={sha256} {_subdirectory_key(subdirectory)}")
    return _parse(raw, shown)


class DirectSources:
    """Reads direct sources for one run: downloads and checkouts in the cache at ``cache_root``,
    metadata built with the dispatch ``builder()`` makes (called only when a build is needed)."""

    _memo: dict[tuple[Any, ...], Any] = {}
    _memo_lock = threading.Lock()

    def __init__(self, cache_root: Path, *, offline: bool = False,
                 builder: Callable[[], Any] | None = None,
                 git_pins: Mapping[tuple[str, Any], str] | None = None) -> None:
        self.cache_root = Path(cache_root)
        self.offline = offline
        #: (repository URL without credentials, GitRef) -> the commit an existing lock keeps for it
        self.git_pins = dict(git_pins or {})
        self._builder = builder
        self._dispatch: Any = None
        self._http: Any = None

    def builder(self) -> Any:
        if self._dispatch is None:
            if self._builder is None:
                raise DirectSourceError("a build is needed, and no build environment is available")
            self._dispatch = self._builder()
        return self._dispatch

    def _remember(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        key = (str(self.cache_root), *key)
        with self._memo_lock:
            found = self._memo.get(key)
        if found is None:
            found = make()
            with self._memo_lock:
                self._memo[key] = found
        return found

    # -- path files ---------------------------------------------------------------------------

    def path_file(self, path: Path, shown: str, *, name: str | None = None) -> DirectDist:
        """A wheel or sdist file named by a ``path`` source (``shown``: the source, for errors;
        ``name``: the requirement's, whose build settings a metadata build takes)."""
        kind = archive_kind(path.name)
        if not path.is_file():
            raise DirectSourceError(f"{shown}: the file {path} does not exist",
                                    "Fix the `path` of the source (it is relative to the project's directory).",
                                    exit_code=2)
        if kind is None:
            raise DirectSourceError(f"{shown}: {path.name} is neither a wheel (`.whl`) nor a source archive "
                                    "(`.tar.gz`, `.zip`)", "Point the `path` at a wheel, an sdist or a project "
                                    "directory.", exit_code=2)
        st = path.stat()
        key = ("path", str(path.resolve()), st.st_size, st.st_mtime_ns)
        return self._remember(key, lambda: self._archive(path, kind, shown, None, name))  # type: ignore[no-any-return]

    def _archive(self, path: Path, kind: str, shown: str, subdirectory: str | None, name: str | None) -> DirectDist:
        from prong.pep508.names import normalize_name

        if kind == "wheel":
            return read_wheel(path, shown)
        sha256 = _sha256(path)
        md = _unpacked_metadata(path, subdirectory=subdirectory, shown=shown, sha256=sha256, builder=self.builder,
                                name=name)
        return DirectDist(str(normalize_name(md.name)), md.version, md, "sdist", path.name, sha256)

    # -- URLs -----------------------------------------------------------------------------------

    def http(self) -> Any:
        if self._http is None:
            from prong.cache import Cache
            from prong.client.http import HttpClient, http_settings_from_env

            timeout, retries = http_settings_from_env()
            self._http = HttpClient(cache=Cache(self.cache_root), offline=self.offline, timeout=timeout,
                                    retries=retries)
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def download(self, url: str) -> Path:
        """The archive at ``url`` in the cache (downloaded once per run)."""
        shown = redact(url)
        filename = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        if archive_kind(filename) is None:
            raise DirectSourceError(f"{shown} does not name a wheel (`.whl`) or a source archive "
                                    "(`.tar.gz`, `.zip`)", "Point the `url` at a wheel or an sdist.", exit_code=2)
        dest = self.cache_root / BUCKET / hashlib.sha256(shown.encode()).hexdigest()[:32] / filename

        def get() -> Path:
            from prong.client.http import HttpError, NetworkError, OfflineError

            try:
                self.http().download(url.split("#", 1)[0], dest, hashes={})
            except HttpError as err:
                raise DirectSourceError(f"cannot download {shown}: HTTP {err.status}",
                                        "Check the `url` of the source" + (
                                            " (the server has no such file)." if err.status == 404 else ".")) from None
            except (NetworkError, OfflineError) as err:
                raise DirectSourceError(f"cannot download {shown}: {err}", "Check the `url` and the network.") from None
            return dest

        return self._remember(("download", url), get)  # type: ignore[no-any-return]

    def url(self, url: str, subdirectory: str | None = None, *, name: str | None = None) -> DirectDist:
        """A wheel or sdist at ``url`` (an sdist's project in ``subdirectory``, if given; ``name``:
        the requirement's, whose build settings a metadata build takes)."""
        shown = redact(url)

        def read() -> DirectDist:
            path = self.download(url)
            kind = archive_kind(path.name)
            assert kind is not None
            return self._archive(path, kind, shown, subdirectory, name)

        return self._remember(("url", url, subdirectory), read)  # type: ignore[no-any-return]

    # -- git ------------------------------------------------------------------------------------

    def git(self, url: str, ref: Any, subdirectory: str | None = None, *,
            name: str | None = None) -> tuple[str, DirectDist]:
        """(the commit ``ref`` names, the distribution at that commit's ``subdirectory``). A commit
        pinned for the repository and reference (``git_pins``: the existing lock's, as uv keeps
        them until ``--upgrade``) is taken as it is: the reference is not looked up again.
        ``name``: the requirement's, whose build settings a metadata build takes."""
        from prong.pep508.names import normalize_name
        from prong.sources import git

        commit = self.git_pins.get((git.base_url(url), ref)) or git.resolve(self.cache_root, url, ref)

        def read() -> DirectDist:
            tree = git.checkout(self.cache_root, url, commit)
            where = tree / subdirectory if subdirectory else tree
            shown = git.lock_url(url, ref, subdirectory)
            if not where.is_dir():
                raise DirectSourceError(f"{shown}: the repository has no subdirectory `{subdirectory}` at "
                                        f"{commit[:8]}", "Fix the source's `subdirectory`.", exit_code=2)
            raw = tree_metadata(where, builder=self.builder, label=shown, name=name,
                                key=f"git commit={commit} {_subdirectory_key(subdirectory)}")
            md = _parse(raw, shown)
            return DirectDist(str(normalize_name(md.name)), md.version, md, "tree")

        return commit, self._remember(("git", git.base_url(url), commit, subdirectory), read)
