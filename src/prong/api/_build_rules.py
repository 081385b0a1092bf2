"""The build options of ``lock`` and ``sync`` (and ``run``): which packages may not be built from
source, and which may not be installed from wheels.

uv reads them from the command line (``--no-build``, ``--no-build-package``, ``--no-binary``,
``--no-binary-package``), its variables (``UV_NO_BUILD``, ``UV_NO_BUILD_PACKAGE``,
``UV_NO_BINARY``, ``UV_NO_BINARY_PACKAGE``) and the top-level ``[tool.uv]`` table of
pyproject.toml / uv.toml (``no-build``, ``no-build-package``, ``no-binary``, ``no-binary-package``;
``[tool.uv.pip]`` is for ``pip`` commands only). A boolean set on the command line or in a
variable wins over the files; the lists of names are joined.

The result is the ``no_build`` / ``no_binary`` pair of
:class:`~prong.resolver.options.ResolverOptions` (``True``: every package; else a set of names),
whose ``builds_disabled`` / ``binaries_disabled`` apply uv's exemptions (a package named for
``--no-binary-package`` may be built under ``--no-build``, and the reverse).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from prong.errors import ProngError

#: The keyword arguments of ``lock`` / ``sync`` these options arrive as.
KEYS = ("no_build", "no_build_package", "no_binary", "no_binary_package")
#: uv's variables for them (also part of what a lock's fingerprint depends on).
ENV_KEYS = ("UV_NO_BUILD", "UV_NO_BUILD_PACKAGE", "UV_NO_BINARY", "UV_NO_BINARY_PACKAGE")


def _normalize(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def build_rules(config: Any, environ: Mapping[str, str] | None = None, *, no_build: bool | None = False,
                no_build_package: Sequence[str] = (), no_binary: bool | None = False,
                no_binary_package: Sequence[str] = ()) -> tuple[bool | frozenset[str], bool | frozenset[str]]:
    """``(no_build, no_binary)`` as :class:`~prong.resolver.options.ResolverOptions` takes them."""
    from prong.project.settings import env_flag

    env = os.environ if environ is None else environ
    files = config.pip if config is not None else None

    def flag(cli: bool | None, var: str, configured: bool | None) -> bool:
        if cli:
            return True
        if env_flag(env, var):
            return True
        return bool(configured)

    def names(cli: Sequence[str], var: str, configured: Sequence[str]) -> frozenset[str]:
        listed = [*cli, *env_names(env, var), *configured]
        return frozenset(_normalize(n) for n in listed if n.strip())

    all_build = flag(no_build, "UV_NO_BUILD", files.no_build_all if files is not None else None)
    all_binary = flag(no_binary, "UV_NO_BINARY", files.no_binary_all if files is not None else None)
    build_names = names(no_build_package, "UV_NO_BUILD_PACKAGE", files.no_build_package if files is not None else ())
    binary_names = names(no_binary_package, "UV_NO_BINARY_PACKAGE",
                         files.no_binary_package if files is not None else ())
    return (True if all_build else build_names), (True if all_binary else binary_names)


def env_names(environ: Mapping[str, str], var: str) -> list[str]:
    """The package names of a list variable (``UV_NO_BUILD_PACKAGE``, ``UV_NO_BINARY_PACKAGE``:
    separated by spaces); a name that is not one is :class:`~prong.project.settings.EnvVarError`
    (uv parses them for every command, ``pip compile`` too, which does not use them)."""
    from prong.errors import InvalidName
    from prong.pep508.names import normalize_name
    from prong.project.settings import EnvVarError

    listed = environ.get(var, "").split()
    for name in listed:
        try:
            normalize_name(name)
        except InvalidName as err:
            raise EnvVarError(var, environ[var], f"package names separated by spaces ({err.message})") from None
    return listed


def rule_of(options: Any, name: str, kind: str) -> str:
    """The option that disables building (``kind="build"``) or wheels (``"binary"``) of ``name``,
    as a flag: ``--no-build`` or ``--no-build-package NAME`` (which the settings and variables
    stand for as well)."""
    every = (options.no_build if kind == "build" else options.no_binary) is True
    return f"`--no-{kind}`" if every else f"`--no-{kind}-package {name}`"


class BuildDisabled(ProngError):
    """A path dependency's metadata needs its build backend, and building it is disabled (uv:
    ``Failed to build `NAME @ file://...```, exit status 1)."""

    def __init__(self, package: str, where: str, rule: str, directory: Any) -> None:
        self.package = package
        super().__init__(f"failed to build `{package} @ {where}`: building from source is disabled for "
                         f"`{package}` ({rule})")
        self.hint = (f"`{package}` is a path dependency whose metadata only its build backend can give: allow "
                     f"its build, or write `version` and `dependencies` statically in "
                     f"{directory}/pyproject.toml")

    def hints(self) -> Sequence[str]:
        return (self.hint,)
