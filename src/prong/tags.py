"""Wheel tag compatibility for an explicit target, not only for the running interpreter.

A :class:`Target` is a Python version, an implementation and a :class:`Platform`; the platforms
are the names uv 0.13.9 accepts for ``--python-platform`` (``parse_platform``), with the same
implied minimums (glibc 2.28 for ``*-unknown-linux-gnu``, musl 1.2, macOS 13.0, Android API 24,
iOS 13.0). :class:`Tags` holds the ordered compatible tags of a target and answers
compatibility and priority questions with one dict lookup per wheel tag.

The tag lists come from ``packaging.tags`` generators called with explicit arguments; the
manylinux list is built here because ``packaging`` builds it only for the running system.
Following uv, a glibc Linux target accepts ``manylinux_2_X`` up to its glibc, the legacy
``manylinux2014/2010/1`` aliases, and plain ``linux_<arch>`` at the lowest priority.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prong.errors import InvalidPlatform

if TYPE_CHECKING:
    from packaging.tags import Tag

    from prong.filenames import WheelFilename

__all__ = [
    "PLATFORM_NAMES",
    "Platform",
    "Tags",
    "Target",
    "parse_platform",
]


@dataclass(frozen=True, slots=True)
class Platform:
    """An operating system, its version floor and a CPU architecture.

    ``os`` is one of ``manylinux`` (glibc Linux), ``musllinux``, ``windows``, ``macos``,
    ``android``, ``ios``, ``ios-simulator``; ``os_version`` is the glibc, musl, macOS, iOS
    version or ``(api_level, 0)`` for Android (``(0, 0)`` for Windows); ``arch`` is the
    architecture as it appears in Linux platform tags (``x86_64``, ``aarch64``, ``i686``...).
    ``name`` is the ``--python-platform`` spelling it came from.
    """

    name: str
    os: str
    arch: str
    os_version: tuple[int, int] = (0, 0)

    # -- PEP 508 marker values -------------------------------------------------------------

    @property
    def sys_platform(self) -> str:
        return _SYS_PLATFORM[self.os]

    @property
    def platform_system(self) -> str:
        return _PLATFORM_SYSTEM[self.os]

    @property
    def os_name(self) -> str:
        return "nt" if self.os == "windows" else "posix"

    @property
    def platform_machine(self) -> str:
        if self.os == "windows":
            return {"x86_64": "AMD64", "aarch64": "ARM64", "i686": "x86"}[self.arch]
        if self.os in ("macos", "ios", "ios-simulator"):
            return "arm64" if self.arch == "aarch64" else self.arch
        return self.arch

    # -- wheel platform tags -----------------------------------------------------------------

    def platform_tags(self) -> list[str]:
        """Compatible wheel platform tags, best first."""
        from packaging import tags as pt

        if self.os == "manylinux":
            return list(_manylinux_tags(self.arch, self.os_version))
        if self.os == "musllinux":
            major, minor = self.os_version
            return [f"musllinux_{major}_{m}_{self.arch}" for m in range(minor, -1, -1)] + [
                f"linux_{self.arch}"
            ]
        if self.os == "windows":
            return [{"x86_64": "win_amd64", "aarch64": "win_arm64", "i686": "win32"}[self.arch]]
        if self.os == "macos":
            return list(pt.mac_platforms(self.os_version, "arm64" if self.arch == "aarch64" else self.arch))
        if self.os == "android":
            abi = {"aarch64": "arm64_v8a", "x86_64": "x86_64"}[self.arch]
            return list(pt.android_platforms(self.os_version[0], abi))
        if self.os in ("ios", "ios-simulator"):
            sdk = "iphoneos" if self.os == "ios" else "iphonesimulator"
            arch = "arm64" if self.arch == "aarch64" else self.arch
            return list(pt.ios_platforms(self.os_version, f"{arch}_{sdk}"))
        raise AssertionError(self.os)  # pragma: no cover

    def __str__(self) -> str:
        return self.name


_SYS_PLATFORM = {
    "manylinux": "linux",
    "musllinux": "linux",
    "windows": "win32",
    "macos": "darwin",
    "android": "android",
    "ios": "ios",
    "ios-simulator": "ios",
}
_PLATFORM_SYSTEM = {
    "manylinux": "Linux",
    "musllinux": "Linux",
    "windows": "Windows",
    "macos": "Darwin",
    "android": "Android",
    "ios": "iOS",
    "ios-simulator": "iOS",
}

# The oldest glibc each architecture has manylinux tags for (PEP 600 and its predecessors);
# uv 0.13.9 starts riscv64 at 2.31 (checked against it), the others at 2.17.
_OLDEST_GLIBC_MINOR = {"x86_64": 5, "i686": 5, "riscv64": 31}
_LEGACY_MANYLINUX = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}
_LEGACY_ARCHS = {
    "manylinux2014": frozenset({"x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"}),
    "manylinux2010": frozenset({"x86_64", "i686"}),
    "manylinux1": frozenset({"x86_64", "i686"}),
}


def _manylinux_tags(arch: str, glibc: tuple[int, int]) -> Iterator[str]:
    oldest = _OLDEST_GLIBC_MINOR.get(arch, 17)
    for minor in range(glibc[1], oldest - 1, -1):
        yield f"manylinux_2_{minor}_{arch}"
        legacy = _LEGACY_MANYLINUX.get((2, minor))
        if legacy is not None and arch in _LEGACY_ARCHS[legacy]:
            yield f"{legacy}_{arch}"
    yield f"linux_{arch}"


def _build_platforms() -> dict[str, Platform]:
    table: dict[str, Platform] = {}

    def add(name: str, os: str, arch: str, version: tuple[int, int] = (0, 0)) -> None:
        table[name] = Platform(name, os, arch, version)

    add("windows", "windows", "x86_64")
    add("linux", "manylinux", "x86_64", (2, 28))
    add("macos", "macos", "aarch64", (13, 0))
    add("x86_64-pc-windows-msvc", "windows", "x86_64")
    add("aarch64-pc-windows-msvc", "windows", "aarch64")
    add("i686-pc-windows-msvc", "windows", "i686")
    add("x86_64-unknown-linux-gnu", "manylinux", "x86_64", (2, 28))
    add("aarch64-apple-darwin", "macos", "aarch64", (13, 0))
    add("x86_64-apple-darwin", "macos", "x86_64", (13, 0))
    add("aarch64-unknown-linux-gnu", "manylinux", "aarch64", (2, 28))
    add("aarch64-unknown-linux-musl", "musllinux", "aarch64", (1, 2))
    add("x86_64-unknown-linux-musl", "musllinux", "x86_64", (1, 2))
    add("riscv64-unknown-linux", "manylinux", "riscv64", (2, 39))
    for arch in ("x86_64", "aarch64"):
        add(f"{arch}-manylinux2014", "manylinux", arch, (2, 17))
        for minor in (17, 28, *range(31, 41)):
            add(f"{arch}-manylinux_2_{minor}", "manylinux", arch, (2, minor))
    add("aarch64-linux-android", "android", "aarch64", (24, 0))
    add("x86_64-linux-android", "android", "x86_64", (24, 0))
    add("arm64-apple-ios", "ios", "aarch64", (13, 0))
    add("arm64-apple-ios-simulator", "ios-simulator", "aarch64", (13, 0))
    add("x86_64-apple-ios-simulator", "ios-simulator", "x86_64", (13, 0))
    return table


_PLATFORMS = _build_platforms()
# Accepted spellings that uv does not list; they map to a listed platform.
_ALIASES = {"arm64-apple-darwin": "aarch64-apple-darwin"}

PLATFORM_NAMES: tuple[str, ...] = tuple(_PLATFORMS)
"""The ``--python-platform`` names, in uv's order (aliases excluded)."""


def parse_platform(text: str, *, macos_version: tuple[int, int] | None = None) -> Platform:
    """The platform for a ``--python-platform`` name (``aarch64-unknown-linux-gnu``...).

    ``macos_version`` replaces the 13.0 floor of the macOS names (uv reads it from
    ``MACOSX_DEPLOYMENT_TARGET``; the caller does that here). Raises
    :class:`~prong.errors.InvalidPlatform` listing the accepted names.
    """
    key = text.strip().lower()
    key = _ALIASES.get(key, key)
    platform = _PLATFORMS.get(key)
    if platform is None:
        raise InvalidPlatform(
            f"unknown platform `{text}`; expected one of: {', '.join(PLATFORM_NAMES)}",
            text,
        )
    if macos_version is not None and platform.os == "macos":
        platform = Platform(platform.name, platform.os, platform.arch, macos_version)
    return platform


# -- targets ------------------------------------------------------------------------------------


_IMPLEMENTATIONS = {"cp": ("cpython", "CPython"), "pp": ("pypy", "PyPy")}


@dataclass(frozen=True, slots=True)
class Target:
    """What a resolution or an install is for: Python version, implementation and platform."""

    python_version: tuple[int, int]
    implementation: str = "cp"
    platform: Platform = field(kw_only=True)
    python_full_version: str | None = field(default=None, kw_only=True)

    @classmethod
    def current(cls) -> Target:
        """The running interpreter's target (its platform is approximated by the nearest name)."""
        impl = {"cpython": "cp", "pypy": "pp"}.get(sys.implementation.name, sys.implementation.name)
        info = sys.version_info
        full = f"{info.major}.{info.minor}.{info.micro}"
        if info.releaselevel != "final":
            full += {"alpha": "a", "beta": "b", "candidate": "rc"}[info.releaselevel] + str(info.serial)
        return cls((info.major, info.minor), impl, platform=_current_platform(), python_full_version=full)

    def marker_environment(self) -> dict[str, str]:
        """The PEP 508 marker variables of this target (``platform_release`` etc. are empty, as in uv)."""
        major, minor = self.python_version
        full = self.python_full_version or f"{major}.{minor}.0"
        impl_name, impl_display = _IMPLEMENTATIONS.get(self.implementation, (self.implementation, self.implementation))
        p = self.platform
        return {
            "implementation_name": impl_name,
            "implementation_version": full,
            "os_name": p.os_name,
            "platform_machine": p.platform_machine,
            "platform_python_implementation": impl_display,
            "platform_release": "",
            "platform_system": p.platform_system,
            "platform_version": "",
            "python_full_version": full,
            "python_version": f"{major}.{minor}",
            "sys_platform": p.sys_platform,
        }

    def __str__(self) -> str:
        major, minor = self.python_version
        return f"{self.implementation}{major}{minor} on {self.platform.name}"


def _current_platform() -> Platform:
    import platform as _platform

    machine = _platform.machine().lower()
    arch = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64", "i386": "i686", "x86": "i686"}.get(
        machine, machine
    )
    if sys.platform == "win32":
        return Platform(f"{arch}-pc-windows-msvc", "windows", arch)
    if sys.platform == "darwin":
        release = _platform.mac_ver()[0] or "13.0"
        parts = [int(x) for x in release.split(".")[:2]] + [0]
        return Platform(f"{arch}-apple-darwin", "macos", arch, (parts[0], parts[1]))
    libc, version = _platform.libc_ver()
    if libc == "glibc" and version:
        major, minor = (int(x) for x in version.split(".")[:2])
        return Platform(f"{arch}-unknown-linux-gnu", "manylinux", arch, (major, minor))
    return Platform(f"{arch}-unknown-linux-musl", "musllinux", arch, (1, 2))


# -- compatible tag sets ------------------------------------------------------------------------


class Tags:
    """The tags a target accepts, best first, with priorities (bigger is better).

    ``priority`` and ``best_priority`` are dict lookups, cheap enough for the resolver's inner
    loop; ``why_incompatible`` explains a rejected wheel for error hints.
    """

    __slots__ = ("_interpreters", "_pairs", "_platforms", "_priority", "description", "tags")

    def __init__(self, tags: Iterable[Tag], description: str = "") -> None:
        ordered: list[Tag] = []
        seen: set[Tag] = set()
        for tag in tags:
            if tag not in seen:
                seen.add(tag)
                ordered.append(tag)
        self.tags: tuple[Tag, ...] = tuple(ordered)
        self.description = description
        n = len(ordered)
        self._priority: dict[Tag, int] = {tag: n - i for i, tag in enumerate(ordered)}
        self._interpreters = frozenset(t.interpreter for t in ordered)
        self._pairs = frozenset((t.interpreter, t.abi) for t in ordered)
        self._platforms = frozenset(t.platform for t in ordered)

    @classmethod
    def for_target(cls, target: Target) -> Tags:
        """The tags ``target`` accepts, in the order uv and pip prefer them."""
        return _tags_for_target(target)

    @classmethod
    def current(cls) -> Tags:
        """The running interpreter's tags (``packaging.tags.sys_tags()``)."""
        from packaging.tags import sys_tags

        return cls(sys_tags(), "the running interpreter")

    def __len__(self) -> int:
        return len(self.tags)

    def __iter__(self) -> Iterator[Tag]:
        return iter(self.tags)

    def __contains__(self, tag: object) -> bool:
        return tag in self._priority

    def priority(self, tag: Tag) -> int | None:
        """How good ``tag`` is for this target (bigger is better), ``None`` if incompatible."""
        return self._priority.get(tag)

    def best_priority(self, tags: Iterable[Tag]) -> int | None:
        """The highest priority among ``tags`` (a wheel's tag set), ``None`` if none fits."""
        get = self._priority.get
        best: int | None = None
        for tag in tags:
            p = get(tag)
            if p is not None and (best is None or p > best):
                best = p
        return best

    def is_compatible(self, tags: Iterable[Tag]) -> bool:
        """Whether any of ``tags`` is accepted."""
        prio = self._priority
        return any(tag in prio for tag in tags)

    def why_incompatible(self, wheel: WheelFilename) -> str | None:
        """Which part of ``wheel``'s tags rules it out (python tag, ABI or platform), or ``None``."""
        if self.is_compatible(wheel.tags):
            return None
        target = f" ({self.description})" if self.description else ""
        if not any(py in self._interpreters for py in wheel.python_tags):
            return (
                f"the wheel's Python tag ({_listing(wheel.python_tags)}) is not supported by the target"
                f"{target}, which accepts {_listing(_first_unique(t.interpreter for t in self.tags), 8)}"
            )
        own = self.tags[0].interpreter if self.tags else ""
        if own not in wheel.python_tags and not any(abi in _GENERIC_ABIS for abi in wheel.abi_tags):
            # e.g. cp310-cp310 for a 3.11 target: cp310 is acceptable only with abi3.
            return (
                f"the wheel's Python tag ({_listing(wheel.python_tags)}) with ABI tag "
                f"({_listing(wheel.abi_tags)}) is for another Python than the target{target}, which "
                f"needs `{own}`"
            )
        pairs = [(py, abi) for py in wheel.python_tags for abi in wheel.abi_tags]
        if not any(pair in self._pairs for pair in pairs):
            ok_abis = _first_unique(t.abi for t in self.tags if t.interpreter in wheel.python_tags)
            return (
                f"the wheel's ABI tag ({_listing(wheel.abi_tags)}) is not supported by the target"
                f"{target} for {_listing(wheel.python_tags)}, which accepts {_listing(ok_abis, 8)}"
            )
        if not any(plat in self._platforms for plat in wheel.platform_tags):
            return (
                f"the wheel's platform tag ({_listing(wheel.platform_tags)}) is not supported by the target"
                f"{target}, which accepts {_listing(_first_unique(t.platform for t in self.tags), 6)}"
            )
        return (
            f"no combination of the wheel's tags ({_listing(sorted(str(t) for t in wheel.tags))}) is "
            f"supported by the target{target}"
        )


_GENERIC_ABIS = frozenset({"none", "abi3", "abi3t"})


def _first_unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _listing(items: Iterable[str], limit: int = 0) -> str:
    items = list(items)
    shown = items[:limit] if limit and len(items) > limit else items
    text = ", ".join(f"`{i}`" for i in shown)
    if len(shown) < len(items):
        text += f", ... ({len(items) - len(shown)} more)"
    return text


_TAGS_CACHE: dict[Target, Tags] = {}


def _tags_for_target(target: Target) -> Tags:
    cached = _TAGS_CACHE.get(target)
    if cached is not None:
        return cached
    from packaging import tags as pt

    platforms = target.platform.platform_tags()
    major, minor = target.python_version
    nodot = f"{major}{minor}"
    if target.implementation == "cp":
        generated: Iterable[Tag] = pt.cpython_tags((major, minor), [f"cp{nodot}"], platforms)
        interpreter = f"cp{nodot}"
    else:
        interpreter = f"{target.implementation}{nodot}"
        generated = pt.generic_tags(interpreter, ["none"], platforms)
    all_tags = [*generated, *pt.compatible_tags((major, minor), interpreter, platforms)]
    result = Tags(all_tags, str(target))
    _TAGS_CACHE[target] = result
    return result
