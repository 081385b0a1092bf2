"""Wheel and source-distribution file names (PEP 427, PEP 491, PEP 625).

``parse_dist_filename`` tells distribution files apart from anything else an index page may
link to: it returns ``None`` for names that are not distribution files at all and raises only
for names that look like a wheel or an sdist but are malformed.

Names found on real indexes are often not normalized (``Django-4.0.tar.gz``,
``Foo_Bar-1.0-py3-none-any.whl``); they are accepted and normalized. Local versions are
accepted (``torch-2.7.0+cpu-...``); the caller decodes ``%2B`` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prong.errors import InvalidName, InvalidSdistFilename, InvalidWheelFilename
from prong.pep508.names import PackageName, normalize_name

if TYPE_CHECKING:
    from packaging.tags import Tag
    from packaging.version import Version

__all__ = [
    "SDIST_EXTENSIONS",
    "SdistFilename",
    "WheelFilename",
    "parse_dist_filename",
]

# Longest first, so that ``.tar.gz`` wins over a shorter suffix.
SDIST_EXTENSIONS: tuple[str, ...] = (".tar.gz", ".tar.bz2", ".tar.xz", ".zip", ".tgz", ".tbz", ".txz")

_BUILD_TAG = re.compile(r"(\d+)(.*)")
_TAG = r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*"
_PY_TAG = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"  # interpreters are identifiers
_TAG_PART = re.compile(_TAG)
_PY_TAG_PART = re.compile(_PY_TAG)
# The well-formed case in one match; anything else goes the slow way, which explains the error.
_WHEEL = re.compile(
    rf"([A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?)-([^-]+)(?:-(\d+)([^-]*))?-({_PY_TAG})-({_TAG})-({_TAG})\.(?i:whl)"
)

# Many files share a version (every wheel of a release); parsing it once is the costly part.
_VERSIONS: dict[str, Version | None] = {}


def _cached_version(text: str) -> Version | None:
    try:
        return _VERSIONS[text]
    except KeyError:
        pass
    from packaging.version import InvalidVersion, Version

    try:
        version: Version | None = Version(text)
    except InvalidVersion:
        version = None
    if len(_VERSIONS) < 1 << 16:
        _VERSIONS[text] = version
    return version


def _version(text: str) -> Version:
    from packaging.version import Version

    return Version(text)


@dataclass(frozen=True, slots=True)
class WheelFilename:
    """``{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl``, split into its parts.

    ``python_tags``, ``abi_tags`` and ``platform_tags`` keep the compressed tag sets apart
    (``py2.py3`` gives two python tags); ``tags`` is their product as ``packaging`` tags.
    """

    name: PackageName
    version: Version
    build_tag: tuple[int, str] | None
    python_tags: tuple[str, ...]
    abi_tags: tuple[str, ...]
    platform_tags: tuple[str, ...]
    filename: str
    _tags: Any = field(default=None, init=False, repr=False, compare=False, hash=False)

    @property
    def tags(self) -> frozenset[Tag]:
        """Every (python, abi, platform) combination the file declares."""
        tags: frozenset[Tag] | None = self._tags
        if tags is None:
            from packaging.tags import Tag

            tags = frozenset(
                Tag(py, abi, plat)
                for py in self.python_tags
                for abi in self.abi_tags
                for plat in self.platform_tags
            )
            object.__setattr__(self, "_tags", tags)
        return tags

    @classmethod
    def parse(cls, filename: str) -> WheelFilename:
        """Parse a wheel file name; raises :class:`~prong.errors.InvalidWheelFilename`."""
        m = _WHEEL.fullmatch(filename)
        if m is not None:
            version = _cached_version(m.group(2))
            if version is not None:
                build = m.group(3)
                return cls(
                    normalize_name(m.group(1)),
                    version,
                    None if build is None else (int(build), m.group(4)),
                    tuple(m.group(5).lower().split(".")),
                    tuple(m.group(6).lower().split(".")),
                    tuple(m.group(7).lower().split(".")),
                    filename,
                )
        return cls._parse_slowly(filename)

    @classmethod
    def _parse_slowly(cls, filename: str) -> WheelFilename:
        """The same grammar, part by part, to say what is wrong and where."""
        if not filename.lower().endswith(".whl"):
            end = len(filename)
            dot = filename.rfind(".")
            raise InvalidWheelFilename(
                f"`{filename}` is not a wheel file name: it must end with `.whl`",
                filename,
                (dot, end) if dot >= 0 else (end, end),
            )
        stem = filename[:-4]
        parts = stem.split("-")
        offsets = _offsets(parts)
        if len(parts) < 5:
            # The missing parts are at the end: python, abi, platform (in that order).
            missing = ("version", "python tag", "ABI tag", "platform tag")[len(parts) - 1 :]
            raise InvalidWheelFilename(
                f"`{filename}`: the {missing[0]} is missing "
                "(expected name-version[-build]-python-abi-platform.whl)",
                filename,
                (len(stem), len(stem)),
            )
        if len(parts) > 6:
            start = offsets[2]
            raise InvalidWheelFilename(
                f"`{filename}`: it has {len(parts)} dash-separated "
                "parts, at most 6 are allowed (a '-' inside the name or version must be '_')",
                filename,
                (start, len(stem)),
            )
        name_text = parts[0]
        try:
            name = normalize_name(name_text)
        except InvalidName as err:
            raise InvalidWheelFilename(
                f"`{filename}`: {err.message}",
                filename,
                err.span if name_text else (0, 0),
            ) from None
        version = _parse_version(parts[1], filename, offsets[1], InvalidWheelFilename)
        build_tag: tuple[int, str] | None = None
        if len(parts) == 6:
            m = _BUILD_TAG.fullmatch(parts[2])
            if m is None:
                raise InvalidWheelFilename(
                    f"`{filename}`: the build tag `{parts[2]}` "
                    "must start with a digit",
                    filename,
                    (offsets[2], offsets[2] + len(parts[2])),
                )
            build_tag = (int(m.group(1)), m.group(2))
        tag_sets: list[tuple[str, ...]] = []
        for kind, i in zip(("python tag", "ABI tag", "platform tag"), range(len(parts) - 3, len(parts))):
            text = parts[i]
            if (_PY_TAG_PART if kind == "python tag" else _TAG_PART).fullmatch(text) is None:
                raise InvalidWheelFilename(
                    f"`{filename}`: the {kind} `{text}` is malformed"
                    if text
                    else f"`{filename}`: the {kind} is empty",
                    filename,
                    (offsets[i], offsets[i] + len(text)),
                )
            tag_sets.append(tuple(text.lower().split(".")))
        return cls(name, version, build_tag, tag_sets[0], tag_sets[1], tag_sets[2], filename)

    def __str__(self) -> str:
        return self.filename


@dataclass(frozen=True, slots=True)
class SdistFilename:
    """``{name}-{version}{extension}`` of a source distribution."""

    name: PackageName
    version: Version
    extension: str

    @classmethod
    def parse(cls, filename: str, expected_name: str | None = None) -> SdistFilename:
        """Parse an sdist file name; raises :class:`~prong.errors.InvalidSdistFilename`.

        Where the name ends and the version starts is ambiguous (both may contain ``-``): with
        ``expected_name`` the split is where the normalized prefix equals it; without, at the
        last ``-`` whose rest is a valid version.
        """
        ext = sdist_extension(filename)
        if ext is None:
            raise InvalidSdistFilename(
                f"`{filename}` is not a source distribution file name: it must end with "
                + ", ".join(f"`{e}`" for e in SDIST_EXTENSIONS),
                filename,
                (len(filename), len(filename)),
            )
        stem = filename[: -len(ext)]
        dashes = [i for i, ch in enumerate(stem) if ch == "-"]
        if not dashes:
            raise InvalidSdistFilename(
                f"`{filename}`: expected "
                f"name-version{ext}, found no '-' before the version",
                filename,
                (0, len(stem)),
            )
        if expected_name is not None:
            want = normalize_name(expected_name)
            for i in dashes:
                try:
                    if normalize_name(stem[:i]) == want:
                        break
                except InvalidName:
                    continue
            else:
                raise InvalidSdistFilename(
                    f"`{filename}` is not a source distribution of `{want}`: the file name does not "
                    "start with that name",
                    filename,
                    (0, dashes[-1]),
                )
            split = i
        else:
            split = dashes[-1]
            for i in reversed(dashes):
                if _is_version(stem[i + 1 :]):
                    split = i
                    break
        name_text = stem[:split]
        try:
            name = normalize_name(name_text)
        except InvalidName as err:
            raise InvalidSdistFilename(
                f"`{filename}`: {err.message}",
                filename,
                err.span,
            ) from None
        version = _parse_version(stem[split + 1 :], filename, split + 1, InvalidSdistFilename)
        return cls(name, version, ext)

    @property
    def filename(self) -> str:
        """The normalized file name (not necessarily the one parsed)."""
        return f"{self.name.replace('-', '_')}-{self.version}{self.extension}"


def sdist_extension(filename: str) -> str | None:
    """The sdist extension ``filename`` ends with (case-insensitive), or ``None``."""
    lower = filename.lower()
    for ext in SDIST_EXTENSIONS:
        if lower.endswith(ext):
            return filename[-len(ext) :].lower()
    return None


def parse_dist_filename(
    filename: str, expected_name: str | None = None
) -> WheelFilename | SdistFilename | None:
    """A wheel or sdist file name, parsed; ``None`` for names that are not distribution files.

    Only names with a distribution extension (``.whl``, ``.tar.gz``, ``.zip``, ...) are
    considered; for those, a malformed name raises ``InvalidWheelFilename`` or
    ``InvalidSdistFilename``. Anything else (``+searchhelp``, ``2.4.0``, ``index.html``) gives
    ``None`` without raising.
    """
    if filename.lower().endswith(".whl"):
        return WheelFilename.parse(filename)
    if sdist_extension(filename) is not None:
        return SdistFilename.parse(filename, expected_name)
    return None


def _offsets(parts: list[str]) -> list[int]:
    offsets = []
    pos = 0
    for part in parts:
        offsets.append(pos)
        pos += len(part) + 1
    return offsets


def _is_version(text: str) -> bool:
    from packaging.version import InvalidVersion

    try:
        _version(text)
    except InvalidVersion:
        return False
    return True


def _parse_version(text: str, filename: str, start: int, error: type[InvalidWheelFilename] | type[InvalidSdistFilename]) -> Version:
    from packaging.version import InvalidVersion

    try:
        return _version(text)
    except InvalidVersion:
        what = "is empty" if not text else f"`{text}` is not a valid version"
        raise error(
            f"`{filename}`: the version {what}",
            filename,
            (start, start + len(text)),
        ) from None
