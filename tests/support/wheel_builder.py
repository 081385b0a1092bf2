"""Wheels with chosen contents for installer tests: several modules, console scripts, ``.data``
scripts, and the broken shapes an installer must refuse (``../`` or absolute members, symbolic
links, a RECORD whose hash does not match a file).

``wheel_bytes(name, version, files={"pkg/a.py": b"..."}, console_scripts={"tool": "pkg:main"})``
gives a ``py3-none-any`` wheel whose RECORD lists every file with its hash; the same arguments
always give the same bytes. ``record_lies`` replaces the RECORD hash of one path, ``members`` adds
raw archive members (``Member("../evil.py", b"x")``, ``Member("pkg/link", b"/etc", symlink=True)``)
that the RECORD does not list. :func:`hosted` wraps the bytes for :class:`IndexServer`, whose
``.metadata`` route then serves the wheel's METADATA.

:func:`check_installed` verifies a venv's site-packages: every ``*.dist-info`` has a RECORD and
every file it lists is present with its hash.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import stat
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.support.index_server import Hosted
from tests.support.wheels import ZIP_DATE, Dist, escape, metadata_text


@dataclass(frozen=True)
class Member:
    """A raw archive member, written as given (``symlink``: a symbolic link whose target is ``data``)."""

    name: str
    data: bytes
    symlink: bool = False


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def default_files(name: str, version: str) -> dict[str, bytes]:
    pkg = escape(name)
    return {f"{pkg}/__init__.py": f'__version__ = "{version}"\n\ndef main():\n    print("{name}")\n'.encode()}


def wheel_bytes(
    name: str,
    version: str,
    files: Mapping[str, bytes] | None = None,
    *,
    console_scripts: Mapping[str, str] | None = None,
    data_scripts: Mapping[str, bytes] | None = None,
    record_lies: Mapping[str, str] | None = None,
    members: Sequence[Member] = (),
) -> bytes:
    """A ``py3-none-any`` wheel of ``files`` (default: ``<pkg>/__init__.py`` with a ``main``)."""
    dist = Dist(name, version)
    distinfo = f"{escape(name)}-{version}.dist-info"
    entries: list[tuple[str, bytes]] = list((files or default_files(name, version)).items())
    entries += [(f"{escape(name)}-{version}.data/scripts/{script}", body)
                for script, body in (data_scripts or {}).items()]
    entries.append((f"{distinfo}/METADATA", metadata_text(dist).encode()))
    entries.append((f"{distinfo}/WHEEL", b"Wheel-Version: 1.0\nGenerator: prong-tests\nRoot-Is-Purelib: true\n"
                    b"Tag: py3-none-any\n\n"))
    if console_scripts:
        text = "[console_scripts]\n" + "".join(f"{k} = {v}\n" for k, v in console_scripts.items())
        entries.append((f"{distinfo}/entry_points.txt", text.encode()))
    lies = dict(record_lies or {})
    rows = [f"{p},{lies.pop(p, record_hash(b))},{len(b)}" for p, b in entries]
    assert not lies, f"record_lies names paths the wheel does not have: {sorted(lies)}"
    rows.append(f"{distinfo}/RECORD,,")
    entries.append((f"{distinfo}/RECORD", ("\n".join(rows) + "\n").encode()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for member in [*(Member(p, b) for p, b in entries[:-1]), *members, Member(*entries[-1])]:
            info = zipfile.ZipInfo(member.name, date_time=ZIP_DATE)
            info.create_system = 3
            if member.symlink:
                mode = stat.S_IFLNK | 0o777
            else:
                mode = stat.S_IFREG | (0o755 if ".data/scripts/" in member.name else 0o644)
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, member.data)
    return buf.getvalue()


def hosted(name: str, version: str, data: bytes) -> Hosted:
    """``data`` served as ``<name>-<version>-py3-none-any.whl`` (its metadata from :class:`Dist`)."""
    return Hosted(Dist(name, version), data)


def site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3.*/site-packages"))
    assert len(found) == 1, found
    return found[0]


def installed(venv: Path) -> dict[str, str]:
    """``name -> version`` of the ``.dist-info`` directories in the venv's site-packages."""
    out = {}
    for d in site_packages(venv).glob("*.dist-info"):
        name, _, version = d.name[: -len(".dist-info")].rpartition("-")
        out[name] = version
    return out


def check_installed(venv: Path) -> list[str]:
    """What is wrong with the venv's installed packages (empty when every one is whole): a
    ``.dist-info`` without RECORD, a RECORD file missing or with another hash."""
    site = site_packages(venv)
    problems: list[str] = []
    for dist_info in sorted(site.glob("*.dist-info")):
        record = dist_info / "RECORD"
        if not record.is_file():
            problems.append(f"{dist_info.name}: no RECORD")
            continue
        for row in csv.reader(io.StringIO(record.read_text(encoding="utf-8"))):
            if not row or not row[0]:
                continue
            path = (site / row[0]).resolve() if not row[0].startswith("/") else Path(row[0])
            if not path.is_file():
                problems.append(f"{dist_info.name}: {row[0]} is missing")
            elif len(row) > 1 and row[1] and record_hash(path.read_bytes()) != row[1]:
                problems.append(f"{dist_info.name}: {row[0]} does not match its hash")
    return problems


def recorded_files(venv: Path) -> set[Path]:
    """Every file the RECORDs of the venv's installed packages list (resolved paths)."""
    site = site_packages(venv)
    out: set[Path] = set()
    for record in site.glob("*.dist-info/RECORD"):
        for row in csv.reader(io.StringIO(record.read_text(encoding="utf-8"))):
            if row and row[0]:
                out.add(Path(os.path.normpath(site / row[0])))
    return out


def tree(root: Path) -> list[str]:
    """Every path under ``root`` (relative, sorted; directories end with ``/``)."""
    out = []
    for p in root.rglob("*"):
        rel = p.relative_to(root).as_posix()
        out.append(rel + "/" if p.is_dir() and not p.is_symlink() else rel)
    return sorted(out)
