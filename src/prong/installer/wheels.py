"""Which of a locked package's wheels an environment takes: the one whose best tag ranks highest
for the target; and, when none fits, an error that names the package, its version, its index and
the wheels that exist, with uv's hint about the Python, ABI or platform tag that rules them out."""

from __future__ import annotations

from dataclasses import dataclass

from prong.errors import ProngError
from prong.lock.model import LockArtifact, LockedPackage
from prong.tags import Tags, Target

__all__ = ["NoCompatibleWheel", "pick_wheel"]


class NoCompatibleWheel(ProngError):
    """A package of the selection has no wheel (and no source distribution) for the target."""

    def __init__(self, package: LockedPackage, target: Target, hint: str | None) -> None:
        self.package, self.target, self.hint = package, target, hint
        source = package.source
        origin = f"{source.kind}+{source.value}"
        self.wheels = tuple(w.name or "?" for w in package.wheels)
        super().__init__(
            f"Distribution `{package.name}=={package.version} @ {origin}` can't be installed because it "
            f"doesn't have a source distribution or wheel for the current platform")

    def hints(self) -> tuple[str, ...]:
        out = []
        if self.hint:
            out.append(self.hint)
        if self.wheels:
            out.append(f"The wheels of `{self.package.name}` {self.package.version} on {self.package.source.value}: "
                       + ", ".join(f"`{w}`" for w in self.wheels) + ".")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class _Parsed:
    artifact: LockArtifact
    python: tuple[str, ...]
    abi: tuple[str, ...]
    platform: tuple[str, ...]
    priority: int | None


def pick_wheel(package: LockedPackage, target: Target, tags: Tags | None = None) -> LockArtifact | None:
    """The best wheel of ``package`` for ``target``; ``None`` when it has none but an sdist (to
    build); raises :class:`NoCompatibleWheel` when it has neither."""
    from prong.filenames import WheelFilename

    tags = tags or Tags.for_target(target)
    fast = _best_by_name(package, tags)
    if fast is not None:
        return fast
    parsed: list[_Parsed] = []
    best: _Parsed | None = None
    for artifact in package.wheels:
        name = artifact.name
        if name is None:
            continue
        try:
            wf = WheelFilename.parse(name)
        except ProngError:
            continue
        p = _Parsed(artifact, wf.python_tags, wf.abi_tags, wf.platform_tags, tags.best_priority(wf.tags))
        parsed.append(p)
        if p.priority is not None and (best is None or p.priority > best.priority):  # type: ignore[operator]
            best = p
    if best is not None:
        return best.artifact
    if package.sdist is not None:
        return None
    raise NoCompatibleWheel(package, target, _hint(package, target, tags, parsed))


def _best_by_name(package: LockedPackage, tags: Tags) -> LockArtifact | None:
    """The best wheel, read from the file names' last three fields alone (no full parse): most
    wheels are ruled out by their platform before a tag is even made. ``None`` when none fits
    (the slow path then explains why)."""
    from packaging.tags import Tag

    platforms = tags._platforms
    priority = tags._priority
    best: LockArtifact | None = None
    best_p = -1
    for artifact in package.wheels:
        name = artifact.name
        if name is None or not name.endswith(".whl"):
            continue
        parts = name[:-4].split("-")
        if len(parts) < 5:
            continue
        plats = [p for p in parts[-1].split(".") if p in platforms]
        if not plats:
            continue
        for py in parts[-3].split("."):
            for abi in parts[-2].split("."):
                for plat in plats:
                    p = priority.get(Tag(py, abi, plat))
                    if p is not None and p > best_p:
                        best, best_p = artifact, p
    return best


def _hint(package: LockedPackage, target: Target, tags: Tags, wheels: list[_Parsed]) -> str | None:
    if not wheels:
        return None
    major, minor = target.python_version
    impl = {"cp": "CPython", "pp": "PyPy"}.get(target.implementation, target.implementation)
    own = f"{target.implementation}{major}{minor}"
    you = f"{impl} {major}.{minor} (`{own}`)"
    ref = f"`{package.name}` (v{package.version})"
    interpreters = {t.interpreter for t in tags}
    pairs = {(t.interpreter, t.abi) for t in tags}

    def listing(items: set[str]) -> tuple[str, str]:
        ordered = sorted(items)
        return ("" if len(ordered) == 1 else "s"), ", ".join(f"`{i}`" for i in ordered)

    if not any(py in interpreters for w in wheels for py in w.python):
        s, text = listing({py for w in wheels for py in w.python})
        return f"You're using {you}, but {ref} only has wheels with the following Python implementation tag{s}: {text}"
    if not any((py, abi) in pairs for w in wheels for py in w.python for abi in w.abi):
        s, text = listing({abi for w in wheels for abi in w.abi})
        return f"You're using {you}, but {ref} only has wheels with the following Python ABI tag{s}: {text}"
    s, text = listing({plat for w in wheels for plat in w.platform})
    best = tags.tags[0].platform if tags.tags else target.platform.name
    env = target.marker_environment()
    marker = f"sys_platform == '{env['sys_platform']}' and platform_machine == '{env['platform_machine']}'"
    return (f"You're on {target.platform.name} (`{best}`), but {ref} only has wheels for the following platform{s}: "
            f"{text}; consider adding \"{marker}\" to `tool.uv.required-environments` to ensure uv resolves to a "
            "version with compatible wheels")
