"""What a new lock changes, package by package, in uv's words: ``Added idna v3.10``, ``Updated six
v1.16.0 -> v1.17.0``, ``Removed idna v3.9`` (``Add``/``Update``/``Remove`` for a dry run).

A package is its name; its versions are the set of (version, short git commit) of its entries in
the lock (a package locked at two versions for two forks has two), so a git package whose commit
moved is "updated" even at the same version. Names are listed in order; a version is ``v1.0``,
``v3.0 (8a99172a)`` for a git commit, ``(dynamic)`` for a source tree whose version is dynamic."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prong.lock.model import Lock, LockedPackage

__all__ = ["LockEvent", "lock_events"]


@dataclass(frozen=True, slots=True)
class LockEvent:
    """One package's change: ``kind`` is ``added``, ``updated`` or ``removed``."""

    kind: str
    name: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    def render(self, dry_run: bool = False) -> str:
        verb = {"added": ("Added", "Add"), "updated": ("Updated", "Update"), "removed": ("Removed", "Remove")}
        word = verb[self.kind][1 if dry_run else 0]
        if self.kind == "added":
            return f"{word} {self.name} {', '.join(self.after)}"
        if self.kind == "removed":
            return f"{word} {self.name} {', '.join(self.before)}"
        return f"{word} {self.name} {', '.join(self.before)} -> {', '.join(self.after)}"


def _versions(packages: list[LockedPackage]) -> tuple[str, ...]:
    from prong.errors import ProngError
    from prong.pep440.version import parse_version

    def key(item: tuple[str | None, str | None]) -> tuple[object, ...]:
        version, sha = item
        if version is None:
            return (0, (), sha or "")
        try:
            return (1, parse_version(version), sha or "")
        except (ProngError, ValueError):
            return (1, parse_version("0"), sha or "")

    items = {(p.version, _short_commit(p)) for p in packages}
    out = []
    for version, sha in sorted(items, key=key):
        text = f"v{version}" if version is not None else "(dynamic)"
        out.append(f"{text} ({sha})" if sha else text)
    return tuple(out)


def _short_commit(pkg: LockedPackage) -> str | None:
    if pkg.source.kind != "git" or "#" not in pkg.source.value:
        return None
    return pkg.source.value.rsplit("#", 1)[1][:8] or None


def lock_events(old: Lock | None, new: Lock) -> Iterator[LockEvent]:
    """The packages ``new`` adds, updates or removes against ``old`` (every package is added when
    there is no ``old``), by name."""
    before: dict[str, list[LockedPackage]] = {}
    after: dict[str, list[LockedPackage]] = {}
    for pkg in old.packages if old is not None else ():
        before.setdefault(pkg.name, []).append(pkg)
    for pkg in new.packages:
        after.setdefault(pkg.name, []).append(pkg)
    for name in sorted(set(before) | set(after)):
        b = _versions(before[name]) if name in before else ()
        a = _versions(after[name]) if name in after else ()
        if name not in before:
            yield LockEvent("added", name, (), a)
        elif name not in after:
            yield LockEvent("removed", name, b, ())
        elif set(a) != set(b):
            yield LockEvent("updated", name, b, a)
