"""`prong.lock.events`: uv's package events between two locks."""

from __future__ import annotations

from prong.lock.events import lock_events
from prong.lock.model import Lock, LockedPackage, LockSource, PackageId

REG = LockSource("registry", "https://example.invalid/simple")


def _pkg(name: str, version: str | None, source: LockSource = REG) -> LockedPackage:
    return LockedPackage(PackageId(name, version, source))


def _lock(*packages: LockedPackage) -> Lock:
    return Lock(requires_python=">=3.9", packages=tuple(packages))


def _lines(old: Lock | None, new: Lock, dry_run: bool = False) -> list[str]:
    return [e.render(dry_run) for e in lock_events(old, new)]


def test_added_updated_removed_in_name_order() -> None:
    old = _lock(_pkg("b", "1.0"), _pkg("c", "1.0"), _pkg("d", "2.0"))
    new = _lock(_pkg("a", "0.1"), _pkg("b", "1.0"), _pkg("c", "1.10"))
    assert _lines(old, new) == ["Added a v0.1", "Updated c v1.0 -> v1.10", "Removed d v2.0"]
    assert _lines(old, new, dry_run=True) == ["Add a v0.1", "Update c v1.0 -> v1.10", "Remove d v2.0"]
    assert _lines(None, new) == ["Added a v0.1", "Added b v1.0", "Added c v1.10"]


def test_forked_versions_git_commits_and_dynamic_versions() -> None:
    git = lambda sha: LockSource("git", f"https://h.invalid/r?tag=v1#{sha}")  # noqa: E731
    old = _lock(_pkg("np", "1.26.4"), _pkg("np", "2.0.0"), _pkg("g", "3.0", git("8a99172ad53b9d77")),
                _pkg("lib", None, LockSource("directory", "../lib")))
    new = _lock(_pkg("np", "2.0.0"), _pkg("np", "1.10.0"), _pkg("g", "3.0", git("7829ed343f43974c")),
                _pkg("lib", None, LockSource("directory", "../lib")))
    assert _lines(old, new) == [
        "Updated g v3.0 (8a99172a) -> v3.0 (7829ed34)",
        "Updated np v1.26.4, v2.0.0 -> v1.10.0, v2.0.0",  # versions in PEP 440 order, not as text
    ]
