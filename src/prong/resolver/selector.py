"""Which versions and files of a project the resolver may use in one environment.

A :class:`VersionMap` holds the candidates of one project after the environment-wide filters
(``--exclude-newer``), and answers, for a version, which file to use or why none can be used
(yanked, no compatible wheel, no source distribution, ...). Version order (``--resolution``),
pre-release policy and preferences are applied by :func:`ordered_versions`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from prong.resolver.index import VersionCandidate
from prong.resolver.options import PrereleaseMode, ResolutionMode, ResolverOptions

if TYPE_CHECKING:
    from prong.dists import IndexFile
    from prong.pep440.version import Version
    from prong.pep440.ranges import Range
    from prong.tags import Tags


@dataclass(frozen=True, slots=True)
class UnavailableVersion:
    """Why one version of a project cannot be used; ``str()`` follows ``name==version``.

    ``kind`` is one of ``yanked``, ``no-wheels`` (no compatible wheel and no sdist),
    ``no-sdist`` (binaries disabled, no sdist), ``no-build`` (builds disabled, no compatible
    wheel), ``metadata`` (metadata could not be read) or ``other``. ``details`` carries what
    hints need: the yank reason, or the wheels' tags (``platform``, ``abi``, ``python`` tuples).
    """

    kind: str
    message: str
    details: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class FileChoice:
    """The file picked for a version, and the Requires-Python every usable file shares."""

    file: IndexFile | None
    requires_python: str | None
    python_incompatible: bool  # every usable file's Requires-Python excludes the target


def parse_upload_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


class VersionMap:
    """The usable view of one project's versions for one environment."""

    def __init__(
        self,
        name: str,
        candidates: tuple[VersionCandidate, ...],
        *,
        options: ResolverOptions,
        tags: Tags,
        python_version: Version,
        allowed_yanks: frozenset[Version] = frozenset(),
    ) -> None:
        self.name = name
        self.options = options
        self.tags = tags
        self.python_version = python_version
        self.allowed_yanks = allowed_yanks
        # versions hidden by --exclude-newer: version -> newest upload time seen (None: no time)
        self.excluded_newer: dict[Version, datetime | None] = {}
        kept: dict[Version, VersionCandidate] = {}
        cutoff = options.exclude_newer_for(name)
        # an ISO date two days before the cutoff: a time stamp on an earlier day is before the
        # cutoff in any time zone, which a string comparison tells without parsing it
        early = (cutoff - timedelta(days=2)).date().isoformat() if cutoff is not None else ""
        for cand in candidates:
            files = cand.files
            before = getattr(files, "uploaded_before", None)  # lazily built files (prong.client.simple)
            if cutoff is not None and not (before is not None and before(early)):
                ok = []
                newest: datetime | None = None
                for f in files:
                    t = parse_upload_time(f.upload_time)
                    if t is not None and t < cutoff:
                        ok.append(f)
                    elif t is not None and (newest is None or t > newest):
                        newest = t
                if not ok:
                    if files:
                        self.excluded_newer[cand.version] = newest
                    continue
                files = tuple(ok)
            prev = kept.get(cand.version)
            if prev is not None:  # the same version on a second index: first index wins (first-index)
                continue
            kept[cand.version] = VersionCandidate(cand.version, files, cand.index_url)
        self.candidates = kept
        self.versions: list[Version] = sorted(kept)  # ascending
        self._choices: dict[Version, FileChoice | UnavailableVersion] = {}

    def choose(self, version: Version) -> FileChoice | UnavailableVersion:
        hit = self._choices.get(version)
        if hit is None:
            hit = self._choose(version)
            self._choices[version] = hit
        return hit

    def _choose(self, version: Version) -> FileChoice | UnavailableVersion:
        from prong.filenames import WheelFilename

        cand = self.candidates[version]
        files = cand.files
        if not files:
            return FileChoice(None, None, False)  # a version without files (tests, flat lists)
        unyanked = [f for f in files if f.yanked is None]
        if not unyanked:
            if version not in self.allowed_yanks:
                reason = next((f.yanked for f in files if f.yanked), "") or ""
                msg = f"was yanked (reason: {reason})"  # uv's words, even for an empty reason
                return UnavailableVersion("yanked", msg, {"reason": reason})
            unyanked = list(files)
        no_binary = self.options.binaries_disabled(self.name)
        no_build = self.options.builds_disabled(self.name)
        best: tuple[int, IndexFile] | None = None
        sdist: IndexFile | None = None
        unusable_wheel: IndexFile | None = None
        universal = getattr(self.tags, "universal", False)
        wheels: list[WheelFilename] = []
        for f in unyanked:
            if f.filename.endswith(".whl"):
                try:
                    wheel = WheelFilename.parse(f.filename)
                except Exception:
                    continue
                wheels.append(wheel)
                if no_binary:
                    continue
                prio = self.tags.best_priority(wheel.tags)
                if prio is not None and (best is None or prio > best[0]):
                    best = (prio, f)
                elif prio is None and universal and unusable_wheel is None:
                    unusable_wheel = f
            elif sdist is None and not no_build and _is_sdist(f.filename):
                sdist = f
        chosen = best[1] if best is not None else sdist
        if best is None and sdist is not None and unusable_wheel is not None:
            # as uv does in a universal resolution: an sdist's metadata is read from one of its
            # version's wheels (none of which fits the lock's Pythons) rather than built
            chosen = unusable_wheel
        if chosen is None:
            return self._no_file(wheels, any(_is_sdist(f.filename) for f in unyanked), no_binary, no_build)
        rp = chosen.requires_python
        incompatible = False
        if rp:
            try:
                incompatible = not python_compatible(rp, self.python_version)
            except Exception:
                incompatible = False  # an unreadable Requires-Python does not rule a file out
        return FileChoice(chosen, rp, incompatible)

    def _no_file(self, wheels: list[object], has_sdist: bool, no_binary: bool, no_build: bool) -> UnavailableVersion:
        if no_binary and not has_sdist:
            return UnavailableVersion("no-sdist", "has no source distribution", {"no_binary": True})
        if no_build and not wheels:
            return UnavailableVersion("no-build", "has no usable wheels", {"no_build": True})
        if not wheels:
            return UnavailableVersion("other", "has no distribution files", {})
        first = self.tags.tags[0] if len(self.tags) else None
        pythons = sorted({t for w in wheels for t in w.python_tags}, key=_natural)  # type: ignore[attr-defined]
        abis = sorted({t for w in wheels for t in w.abi_tags}, key=_natural)  # type: ignore[attr-defined]
        platforms = sorted({t for w in wheels for t in w.platform_tags}, key=_natural)  # type: ignore[attr-defined]
        accepted_py = {t.interpreter for t in self.tags}
        accepted_pairs = {(t.interpreter, t.abi) for t in self.tags}
        details: dict[str, object] = {
            "python_tags": tuple(pythons),
            "abi_tags": tuple(abis),
            "platform_tags": tuple(platforms),
            "no_build": no_build,
        }
        if not any(p in accepted_py for p in pythons):
            details["part"] = "python"
            eg = first.interpreter if first else "?"
            msg = f"has no wheels with a matching Python implementation tag (e.g., `{eg}`)"
        elif not any(
            (p, a) in accepted_pairs for w in wheels for p in w.python_tags for a in w.abi_tags  # type: ignore[attr-defined]
        ):
            details["part"] = "abi"
            eg = first.abi if first else "?"
            msg = f"has no wheels with a matching Python ABI tag (e.g., `{eg}`)"
        else:
            details["part"] = "platform"
            eg = first.platform if first else "?"
            msg = f"has no wheels with a matching platform tag (e.g., `{eg}`)"
        if no_build:
            kind = "no-build"
        else:
            kind = "no-wheels"
        return UnavailableVersion(kind, msg, details)


def python_compatible(requires_python: object, python_version: Version) -> bool:
    """Whether the target Python may use a distribution with this ``Requires-Python``.

    As uv does, only the lower bound counts (``<=3.8`` does not rule out 3.9: upper bounds on
    Python are widely wrong); ``>=3.9.4`` rules out a target of ``3.9``.
    """
    from prong.pep440.ranges import Range

    rng = Range.from_specifiers(str(requires_python))
    intervals = rng.intervals()
    if not intervals:
        return False
    lo, lo_inc, _, _ = intervals[0]
    if lo is None:
        return True
    return lo < python_version or (lo_inc and lo == python_version)


def _natural(tag: str) -> tuple[object, ...]:
    """``cp38`` before ``cp310``: digits compare as numbers (as uv lists tags)."""
    import re

    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", tag))


def _is_sdist(filename: str) -> bool:
    return filename.endswith((".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar"))


def allows_prereleases(
    mode: PrereleaseMode, name: str, explicit: frozenset[str]
) -> bool | None:
    """``True``: pre-releases rank with stable versions; ``None``: only when no stable version
    of the range is left; ``False``: never."""
    if mode is PrereleaseMode.ALLOW:
        return True
    if mode is PrereleaseMode.DISALLOW:
        return False
    if mode is PrereleaseMode.EXPLICIT:
        return None if name in explicit else False
    return None  # if-necessary, if-necessary-or-explicit (uv's default)


def ordered_versions(
    vmap: VersionMap,
    vs: Range,
    *,
    resolution: ResolutionMode,
    direct: bool,
    prereleases: bool | None,
    preference: Version | None = None,
) -> Iterator[Version]:
    """The versions of ``vs`` in the order they should be tried."""
    if preference is not None and preference in vmap.candidates and vs.contains(preference):
        if prereleases is not False or not preference.is_prerelease:
            yield preference
    lowest = resolution is ResolutionMode.LOWEST or (resolution is ResolutionMode.LOWEST_DIRECT and direct)
    seq = vmap.versions if lowest else reversed(vmap.versions)
    if prereleases is True:
        for v in seq:
            if vs.contains(v):
                yield v
        return
    pres: list[Version] = []
    for v in seq:
        if vs.contains(v):
            if v.is_prerelease:
                pres.append(v)
            else:
                yield v
    if prereleases is None:
        yield from pres
