"""``name==version`` sets out of each tool's output, and how two sets agree.

Locks: uv.lock, pdm.lock and poetry.lock (``[[package]]`` tables; the project itself is left out)
and requirements.txt (``name==version`` lines). Environments: the ``*.dist-info`` directories of a
venv's site-packages, i.e. what a sync really installed on this machine.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

_NORM = re.compile(r"[-_.]+")
_REQ_LINE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;\\#]+)")


def normalize(name: str) -> str:
    return _NORM.sub("-", name).lower()


def pins_of(path: Path, project_name: str = "") -> frozenset[str]:
    """The ``name==version`` pins a lock or requirements file holds."""
    text = path.read_text(encoding="utf-8")
    own = normalize(project_name)
    if path.name.endswith(".txt"):
        pins = set()
        for line in text.splitlines():
            m = _REQ_LINE.match(line)
            if m:
                pins.add(f"{normalize(m.group(1))}=={m.group(2)}")
        return frozenset(pins)
    data = tomllib.loads(text)
    pins = set()
    for pkg in data.get("package", []):
        name = normalize(str(pkg.get("name", "")))
        if not name or name == own:
            continue
        source = pkg.get("source", {})
        if isinstance(source, dict) and ("virtual" in source or "editable" in source):
            continue
        pins.add(f"{name}=={pkg.get('version', '?')}")
    return frozenset(pins)


def installed_of(venv: Path) -> frozenset[str]:
    """The ``name==version`` of every distribution installed in ``venv`` (pip/setuptools excluded)."""
    pins = set()
    for dist_info in venv.glob("lib/python*/site-packages/*.dist-info"):
        stem = dist_info.name[: -len(".dist-info")]
        name, _, version = stem.partition("-")
        name = normalize(name)
        if name in ("pip", "setuptools", "wheel", "_virtualenv"):
            continue
        pins.add(f"{name}=={version}")
    return frozenset(pins)


@dataclass(frozen=True, slots=True)
class Agreement:
    """How one set of pins compares with a reference set."""

    count: int
    same: int
    differ: tuple[str, ...]  # names pinned by both at different versions
    only_here: int
    only_ref: int

    @classmethod
    def of(cls, pins: frozenset[str], ref: frozenset[str]) -> Agreement:
        def by_name(s: frozenset[str]) -> dict[str, set[str]]:
            out: dict[str, set[str]] = {}
            for pin in s:
                name, _, version = pin.partition("==")
                out.setdefault(name, set()).add(version)
            return out

        mine, theirs = by_name(pins), by_name(ref)
        both = mine.keys() & theirs.keys()
        differ = tuple(sorted(n for n in both if not (mine[n] & theirs[n])))
        return cls(
            count=len(pins),
            same=len(pins & ref),
            differ=differ,
            only_here=len(mine.keys() - theirs.keys()),
            only_ref=len(theirs.keys() - mine.keys()),
        )

    def text(self) -> str:
        if self.same == self.count and not self.only_ref:
            return "identical"
        parts = [f"{self.same}/{self.count} same"]
        if self.differ:
            shown = ", ".join(self.differ[:3]) + ("…" if len(self.differ) > 3 else "")
            parts.append(f"{len(self.differ)} names differ ({shown})")
        if self.only_here or self.only_ref:
            parts.append(f"+{self.only_here}/-{self.only_ref} names")
        return "; ".join(parts)
