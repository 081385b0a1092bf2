"""``BuildDispatch``: metadata of source distributions, with build environments prong fills itself.

It implements the index client's ``MetadataBuilder`` (sdist -> METADATA) and the builder's
``BuildInstaller`` (requirements -> an isolated env): build requirements are resolved with
prong's own resolver for the interpreter that runs the backend, restricted to wheels (so a
build never needs another build), and the wheels are installed with ``installer``.
"""

from __future__ import annotations

import logging
import sys
import sysconfig
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from prong.client.metadata import MetadataUnavailable
from prong.dist.build import BuildError, IsolatedEnv, prepare_metadata
from prong.dist.sdist import read_pkg_info, static_metadata, unpack

if TYPE_CHECKING:
    from prong.cache import Cache
    from prong.client.http import HttpClient
    from prong.dists import IndexFile
    from prong.resolver.index import PackageIndex

log = logging.getLogger("prong.build")


class BuildDispatch:
    """Reads or builds sdist metadata; installs build requirements into isolated envs."""

    def __init__(
        self,
        http: HttpClient,
        cache: Cache,
        *,
        index: PackageIndex | None = None,
        no_build: bool = False,
        python: str = sys.executable,
    ) -> None:
        self.http = http
        self.cache = cache
        self.index = index  # set after construction: the index needs the builder and vice versa
        self.no_build = no_build
        self.python = python
        self._installed: dict[Path, dict[str, str]] = {}  # env -> name -> version already installed

    # -- MetadataBuilder --------------------------------------------------------------------

    def build_metadata(self, file: IndexFile) -> bytes:
        path = self.fetch(file)
        raw = read_pkg_info(path)
        if raw is not None:
            static = static_metadata(raw)
            if static is not None:
                log.debug("%s: static PKG-INFO (PEP 643)", file.filename)
                return static
        if self.no_build:
            raise MetadataUnavailable(file.filename, "its metadata is dynamic and building is disabled (--no-build)")
        with tempfile.TemporaryDirectory(prefix="prong-sdist-") as tmp:
            source = unpack(path, Path(tmp) / "src")
            try:
                return prepare_metadata(source, python=self.python, installer=self, label=file.filename, workdir=tmp)
            except BuildError as err:
                raise MetadataUnavailable(file.filename, f"the build failed: {err.last_lines(3)}") from err

    def fetch(self, file: IndexFile) -> Path:
        """The file in the cache (downloaded once, verified against its hashes)."""
        digest = file.sha256 or _url_key(file.url)
        dest = self.cache.bucket("sdists-v1") / digest / file.filename
        if not dest.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            self.http.download(file.url, dest, hashes=dict(file.hashes))
        return dest

    # -- BuildInstaller ---------------------------------------------------------------------

    def install(self, requirements: Sequence[str], env: IsolatedEnv) -> None:
        if not requirements:
            return
        if self.index is None:
            raise BuildError(str(env.path), "install build requirements", "no index to install them from")
        from prong.resolver.options import ResolverEnvironment, ResolverOptions
        from prong.resolver.resolver import resolve
        from prong.tags import Target

        installed = self._installed.setdefault(env.path, {})
        # The backend's extra requirements are resolved together with what is already there,
        # so that nothing installed earlier is installed a second time.
        pinned = [f"{name}=={version}" for name, version in installed.items()]
        resolution = resolve(
            [*pinned, *requirements],
            env=ResolverEnvironment(Target.current()),
            index=self.index,
            options=ResolverOptions(no_build=True),
        )
        for name, pkg in resolution.packages.items():
            if pkg.file is None or name in installed:
                continue
            wheel = self.fetch(pkg.file)
            install_wheel(wheel, env)
            installed[name] = str(pkg.version)


def install_wheel(wheel: Path, env: IsolatedEnv) -> None:
    """Install one wheel into a venv (scripts, data, purelib/platlib) with ``installer``."""
    from installer import install
    from installer.destinations import SchemeDictionaryDestination
    from installer.sources import WheelFile

    scheme = sysconfig.get_paths("venv" if "venv" in sysconfig.get_scheme_names() else "posix_prefix",
                                 vars={"base": str(env.path), "platbase": str(env.path)})
    destination = SchemeDictionaryDestination(
        {"purelib": scheme["purelib"], "platlib": scheme["platlib"], "headers": scheme["include"],
         "scripts": scheme["scripts"], "data": scheme["data"]},
        interpreter=str(env.python),
        script_kind="posix",
    )
    with WheelFile.open(wheel) as source:
        install(source, destination, {"INSTALLER": b"prong\n"})


def _url_key(url: str) -> str:
    import hashlib

    return hashlib.sha256(url.encode()).hexdigest()
