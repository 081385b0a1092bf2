"""Advice after an explanation. Each hint is a value (a frozen dataclass) found by walking the
solver's derivation tree with the provider's facts; ``message()`` is one plain sentence.

Where uv gives the same advice, the words are uv 0.13.9's; the others say what uv leaves out
(an index page without files, a yanked pin, versions hidden by ``--exclude-newer``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from prong.resolver.index import IndexProblem, NoIndex, Offline
from prong.resolver.package import Extra, Package

if TYPE_CHECKING:
    from prong.resolver.provider import PythonProvider


@dataclass(frozen=True, slots=True)
class IndexProblemHint:
    """An index failed for the package: an empty page (with the client's ``+simple`` probe), a
    server error, anything but credentials."""

    package: str
    message_text: str
    extra: tuple[str, ...] = ()

    def message(self) -> str:
        return " ".join((self.message_text, *self.extra))


@dataclass(frozen=True, slots=True)
class AuthHint:
    """A 401/403 hid an index (uv's words)."""

    package: str
    index_url: str
    status: int

    def message(self) -> str:
        reason = "Unauthorized" if self.status == 401 else "Forbidden"
        return (
            f"An index URL ({self.index_url}) could not be queried due to a lack of valid "
            f"authentication credentials ({self.status} {reason})."
        )


@dataclass(frozen=True, slots=True)
class WheelTagsHint:
    """No wheel fits the target; names what the wheels are for. ``part`` is ``platform``,
    ``abi`` or ``python``. Prong adds the marker that would skip the package elsewhere."""

    package: str
    version: str
    part: str
    tags: tuple[str, ...]
    target: str = ""

    def message(self) -> str:
        listing = ", ".join(f"`{t}`" for t in self.tags)
        plural = "s" if len(self.tags) > 1 else ""
        if self.part == "platform":
            text = (
                f"Wheels are available for `{self.package}` (v{self.version}) on the following "
                f"platform{plural}: {listing}"
            )
            cond = _platform_condition(self.tags)
            if cond:
                text += f" (a marker such as `; {cond}` on the requirement would skip `{self.package}` elsewhere)"
            return text
        kind = "Python ABI tag" if self.part == "abi" else "Python implementation tag"
        return (
            f"You require {self.target}, but we only found wheels for `{self.package}` "
            f"(v{self.version}) with the following {kind}{plural}: {listing}"
        )


@dataclass(frozen=True, slots=True)
class OfflineHint:
    """Packages were missing because the network was disabled (uv's words)."""

    def message(self) -> str:
        return (
            "Packages were unavailable because the network was disabled. When the network is "
            "disabled, registry packages may only be read from the cache."
        )


@dataclass(frozen=True, slots=True)
class NoIndexHint:
    """Packages were missing because index lookups were disabled (uv's words)."""

    def message(self) -> str:
        return (
            "Packages were unavailable because index lookups were disabled and no additional "
            "package locations were provided (try: `--find-links <uri>`)"
        )


@dataclass(frozen=True, slots=True)
class NoBinaryHint:
    """Wheels were refused (uv's words); ``every``: for all packages, not this one by name."""

    package: str
    every: bool = False

    def message(self) -> str:
        option = ("for all packages (i.e., with `--no-binary`)" if self.every
                  else f"for `{self.package}` (i.e., with `--no-binary-package {self.package}`)")
        return f"A source distribution is required for `{self.package}` because using pre-built wheels is disabled {option}"


@dataclass(frozen=True, slots=True)
class NoBuildHint:
    """Source distributions were refused (uv's words); ``every``: for all packages."""

    package: str
    every: bool = False

    def message(self) -> str:
        option = ("for all packages (i.e., with `--no-build`)" if self.every
                  else f"for `{self.package}` (i.e., with `--no-build-package {self.package}`)")
        return f"Wheels are required for `{self.package}` because building from source is disabled {option}"


@dataclass(frozen=True, slots=True)
class RequiresPythonHint:
    """The target Python is older than a candidate's ``Requires-Python`` (uv's words when the
    version was requested)."""

    package: str
    version: str
    requires_python: str
    target: str
    requested: bool

    def message(self) -> str:
        if self.requested:
            return (
                f"The `--python-version` value ({self.target}) includes Python versions that are not "
                f"supported by your dependencies (e.g., {self.package}=={self.version} only supports "
                f"{self.requires_python}). Consider using a higher `--python-version` value."
            )
        return (
            f"The current Python version ({self.target}) is not supported by your dependencies "
            f"(e.g., {self.package}=={self.version} only supports {self.requires_python}). Consider "
            "using a newer Python, or `--python-version`."
        )


@dataclass(frozen=True, slots=True)
class PrereleaseHint:
    """A pre-release would satisfy the range, but pre-releases are not enabled (uv's words)."""

    package: str
    example: str

    def message(self) -> str:
        return (
            f"Pre-releases are available for `{self.package}` in the requested range (e.g., "
            f"{self.example}), but pre-releases weren't enabled (try: `--prerelease=allow`)"
        )


@dataclass(frozen=True, slots=True)
class YankedHint:
    """The only matching version is yanked; prong says how to take it anyway."""

    package: str
    version: str
    reason: str

    def message(self) -> str:
        why = f" (reason: {self.reason})" if self.reason else ""
        return (
            f"`{self.package}=={self.version}` was yanked{why}; a yanked version is used only when "
            f"pinned exactly, e.g. `{self.package}=={self.version}` in your requirements."
        )


@dataclass(frozen=True, slots=True)
class ExcludeNewerHint:
    """``--exclude-newer`` hid versions that fall in the range the resolver needed."""

    package: str
    cutoff: str
    versions: tuple[str, ...]

    def message(self) -> str:
        shown = ", ".join(self.versions[:3]) + (", ..." if len(self.versions) > 3 else "")
        plural = "s" if len(self.versions) > 1 else ""
        return (
            f"`{self.package}` has {len(self.versions)} version{plural} in the requested range "
            f"uploaded after the `--exclude-newer` date ({self.cutoff}): {shown}"
        )


Hint = Union[
    IndexProblemHint,
    AuthHint,
    WheelTagsHint,
    NoBinaryHint,
    RequiresPythonHint,
    PrereleaseHint,
    YankedHint,
    ExcludeNewerHint,
    OfflineHint,
    NoIndexHint,
]


_MACHINES = {
    "linux": {"x86_64": "x86_64", "aarch64": "aarch64", "armv7l": "armv7l", "i686": "i686", "ppc64le": "ppc64le",
              "s390x": "s390x", "riscv64": "riscv64"},
    "darwin": {"arm64": "arm64", "x86_64": "x86_64"},
    "win32": {"amd64": "AMD64", "arm64": "ARM64", "win32": "x86"},
}


def _platform_clause(tag: str) -> str | None:
    """The marker that holds where a wheel with platform ``tag`` can be installed."""
    system = _sys_platform(tag)
    if system is None:
        return None
    if system == "win32":
        arch = tag.split("_", 1)[1] if "_" in tag else "win32"
    else:
        arch = next((a for a in _MACHINES[system] if tag.endswith("_" + a)), "")
        if system == "darwin" and tag.endswith("_universal2"):
            return "sys_platform == 'darwin'"
    machine = _MACHINES[system].get(arch)
    if machine is None:
        return f"sys_platform == '{system}'"
    return f"sys_platform == '{system}' and platform_machine == '{machine}'"


def _platform_condition(tags: Sequence[str]) -> str | None:
    """One marker (in uv's display form) covering every platform the wheels are for."""
    clauses = sorted({c for c in (_platform_clause(t) for t in tags) if c})
    if not clauses:
        return None
    from prong.pep508.markers import parse_marker

    return str(parse_marker(" or ".join(f"({c})" for c in clauses)))


def _sys_platform(tag: str) -> str | None:
    if tag.startswith("macosx"):
        return "darwin"
    if tag.startswith("win"):
        return "win32"
    if tag.startswith(("manylinux", "musllinux", "linux")):
        return "linux"
    return None


def _leaves(tree: Any) -> Iterator[Any]:
    from prong.pubgrub import Derived

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Derived):
            stack.append(node.cause2)
            stack.append(node.cause1)
        else:
            yield node


def collect_hints(tree: Any, provider: PythonProvider) -> list[Hint]:
    """Every hint the failure supports, in tree order, without repeats."""
    from prong.pubgrub import FromDependencyOf, NoVersions, UnavailableVersions

    found: list[Hint] = []

    def add(h: Hint) -> None:
        if isinstance(h, RequiresPythonHint) and any(isinstance(x, RequiresPythonHint) for x in found):
            return  # one example is enough (as uv)
        if h not in found:
            found.append(h)

    seen_packages: list[str] = []
    for leaf in _leaves(tree):
        pkg = getattr(leaf, "package", None)
        name = pkg.name if isinstance(pkg, (Package, Extra)) else None
        if isinstance(leaf, FromDependencyOf) and isinstance(leaf.dependency, (Package, Extra)):
            dep = leaf.dependency.name
            if dep not in seen_packages:
                seen_packages.append(dep)
        if name is None:
            continue
        if name not in seen_packages:
            seen_packages.append(name)
        if isinstance(leaf, UnavailableVersions):
            for h in _unavailable_hints(provider, name, leaf):
                add(h)
        elif isinstance(leaf, NoVersions):
            for h in _no_versions_hints(provider, name, leaf.versions):
                add(h)
    for name in seen_packages:
        for problem in provider.index_problems.get(name, ()):
            add(_problem_hint(name, problem))
        unavailable = provider.unavailable_packages.get(name)
        if unavailable is not None and isinstance(unavailable.response, Offline):
            add(OfflineHint())
        elif (
            unavailable is not None
            and isinstance(unavailable.response, NoIndex)
            and not unavailable.response.find_links
        ):
            add(NoIndexHint())
    return found


def _problem_hint(name: str, problem: IndexProblem) -> Hint:
    if problem.kind == "auth" and problem.status in (401, 403):
        return AuthHint(name, problem.index_url or "", problem.status)
    return IndexProblemHint(name, problem.message, problem.hints)


def _unavailable_hints(provider: PythonProvider, name: str, leaf: Any) -> Iterator[Hint]:
    reason = leaf.reason
    kind = getattr(reason, "kind", None)
    details = getattr(reason, "details", {}) or {}
    versions = [v for v in provider.available_versions(name) if leaf.versions.contains(v)]
    version = str(versions[-1]) if versions else "?"
    if kind == "requires-python":
        env = provider.env
        target = f">={env.python_version}" if env.requested_python else env.python_version
        yield RequiresPythonHint(name, version, str(details.get("requires_python")), target, env.requested_python)
    elif kind in ("no-wheels", "no-build") and "part" in details:
        part = str(details["part"])
        key = {"platform": "platform_tags", "abi": "abi_tags", "python": "python_tags"}[part]
        tags = tuple(details.get(key, ()))
        if part == "abi" and len(tags) > 1:
            tags = tuple(t for t in tags if t != "none")  # as uv: `none` says nothing here
        yield WheelTagsHint(name, version, part, tags, _target_text(provider))
    elif kind == "no-sdist":
        yield NoBinaryHint(name, provider.options.no_binary is True)
    elif kind == "no-build":
        yield NoBuildHint(name, provider.options.no_build is True)
    elif kind == "yanked":
        yield YankedHint(name, version, str(details.get("reason", "")))


def _target_text(provider: PythonProvider) -> str:
    target = provider.env.target
    impl = {"cp": "CPython", "pp": "PyPy"}.get(target.implementation, target.implementation)
    major, minor = target.python_version
    return f"{impl} {major}.{minor} (`{target.implementation}{major}{minor}`)"


def _no_versions_hints(provider: PythonProvider, name: str, versions: Any) -> Iterator[Hint]:
    vmap = provider.version_maps.get(name)
    if vmap is None:
        return
    # pre-releases in the range that the policy kept out
    from prong.resolver.selector import allows_prereleases

    policy = allows_prereleases(provider.options.prerelease, name, frozenset(provider.explicit_prereleases))
    if policy is False:
        pres = [v for v in vmap.versions if v.is_prerelease and versions.contains(v)]
        if pres:
            yield PrereleaseHint(name, str(pres[-1]))
    hidden = sorted(v for v in vmap.excluded_newer if versions.contains(v))
    if hidden and provider.options.exclude_newer is not None:
        cutoff = provider.options.exclude_newer.isoformat().replace("+00:00", "Z")
        yield ExcludeNewerHint(name, cutoff, tuple(str(v) for v in hidden))


__all__ = [
    "AuthHint",
    "ExcludeNewerHint",
    "Hint",
    "IndexProblemHint",
    "NoBinaryHint",
    "NoBuildHint",
    "NoIndexHint",
    "OfflineHint",
    "PrereleaseHint",
    "RequiresPythonHint",
    "WheelTagsHint",
    "YankedHint",
    "collect_hints",
]


