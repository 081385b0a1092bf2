"""Unpack a wheel once into the cache, checked, so that every venv can link its files from there.

``unpack_wheel(wheel, dest)`` refuses, before anything is written outside a temporary directory,
a wheel whose member paths escape (``../``, absolute, drive letters, backslashes, symlinks), that
has no ``.dist-info`` with ``WHEEL`` and ``RECORD``, or whose files do not match their ``RECORD``
hashes or sizes. The tree is written to a temporary directory beside ``dest`` and renamed into
place, so ``dest`` is whole or absent; a second process that unpacked the same wheel meanwhile
wins and ours is dropped. ``dest/files`` holds the wheel's files (executable bits kept) and
``dest/manifest.json`` the facts the linker needs: the ``.dist-info`` prefix, whether the root is
purelib, and each file's RECORD entry (path, hash, size) in RECORD order, files the RECORD leaves
out added with their computed hash (so an uninstall removes them too).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from prong.errors import ProngError

__all__ = ["InvalidWheel", "Unpacked", "open_unpacked", "unpack_wheel"]

_MANIFEST_VERSION = 1


class InvalidWheel(ProngError):
    """A wheel prong refuses to install; nothing of it was written into any environment."""

    def __init__(self, wheel: str, why: str) -> None:
        self.wheel, self.why = wheel, why
        super().__init__(f"refusing to install {wheel}: {why}")


@dataclass(frozen=True, slots=True)
class Unpacked:
    """A wheel unpacked in the cache: ``root/files`` and the manifest's facts."""

    root: Path
    dist_info: str  # e.g. ``torch-2.7.0+cpu`` (the directory is ``<dist_info>.dist-info``)
    purelib: bool
    record: tuple[tuple[str, str, str], ...]  # (path, "sha256=...", size) in RECORD order

    @property
    def files(self) -> Path:
        return self.root / "files"


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _check_member(name: str, wheel: str) -> str:
    if not name or "\\" in name or "\0" in name:
        raise InvalidWheel(wheel, f"the archive member `{name}` has an unsafe path")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise InvalidWheel(wheel, f"the archive member `{name}` has an absolute path")
    parts = name.rstrip("/").split("/")
    if any(p in ("..", "") for p in parts) or parts[0] == ".":
        raise InvalidWheel(wheel, f"the archive member `{name}` escapes the installation directory")
    return name


def _find_dist_info(names: list[str], wheel: str) -> str:
    tops = {n.split("/", 1)[0] for n in names if "/" in n}
    candidates = [t for t in tops if t.endswith(".dist-info") and f"{t}/WHEEL" in names and f"{t}/RECORD" in names]
    if len(candidates) != 1:
        found = ", ".join(sorted(t for t in tops if t.endswith(".dist-info"))) or "none"
        raise InvalidWheel(wheel, f"expected one .dist-info directory with WHEEL and RECORD, found {found}")
    return candidates[0][: -len(".dist-info")]


def _parse_record(text: str, wheel: str) -> list[tuple[str, str, str]]:
    rows = []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        if len(row) < 3:
            row = [*row, "", ""][:3]
        rows.append((row[0], row[1], row[2]))
    return rows


def unpack_wheel(wheel: Path, dest: Path) -> Unpacked:
    """Unpack ``wheel`` to ``dest`` (a cache directory that must not exist yet), checking it."""
    existing = open_unpacked(dest)
    if existing is not None:
        return existing
    label = wheel.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".unpack-", suffix=".tmp", dir=dest.parent))
    try:
        try:
            zf = zipfile.ZipFile(wheel)
        except (zipfile.BadZipFile, OSError) as err:
            raise InvalidWheel(label, f"not a zip archive ({err})") from None
        with zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            for info in infos:
                _check_member(info.filename, label)
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise InvalidWheel(label, f"the archive member `{info.filename}` is a symbolic link")
            prefix = _find_dist_info(names, label)
            record_name = f"{prefix}.dist-info/RECORD"
            record_rows = _parse_record(zf.read(record_name).decode("utf-8"), label)
            recorded: dict[str, tuple[str, str]] = {}
            for path, digest, size in record_rows:
                _check_member(path, label) if not path.startswith("../") else None
                recorded[path] = (digest, size)
            wheel_meta = zf.read(f"{prefix}.dist-info/WHEEL").decode("utf-8", "replace")
            purelib = any(line.split(":", 1)[1].strip().lower() == "true" for line in wheel_meta.splitlines()
                          if line.lower().startswith("root-is-purelib:"))
            files = tmp / "files"
            files.mkdir()
            made: set[Path] = {files}
            extra: list[tuple[str, str, str]] = []
            for info in infos:
                if info.is_dir():
                    continue
                target = files / info.filename
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                hasher = hashlib.sha256()
                size = 0
                with zf.open(info) as src, open(target, "wb") as out:
                    while chunk := src.read(1 << 20):
                        hasher.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                mode = (info.external_attr >> 16) & 0o777
                os.chmod(target, 0o755 if mode & 0o111 else 0o644)
                digest = "sha256=" + base64.urlsafe_b64encode(hasher.digest()).rstrip(b"=").decode()
                entry = recorded.get(info.filename)
                if info.filename == record_name or info.filename.startswith(f"{prefix}.dist-info/RECORD."):
                    continue
                if entry is None:
                    extra.append((info.filename, digest, str(size)))
                    continue
                want, want_size = entry
                if want:
                    algo, _, value = want.partition("=")
                    if algo == "sha256":
                        ok = want == digest
                    elif algo in hashlib.algorithms_available:
                        h = hashlib.new(algo, target.read_bytes()).digest()
                        ok = base64.urlsafe_b64encode(h).rstrip(b"=").decode() == value
                    else:
                        raise InvalidWheel(label, f"RECORD uses the unknown hash `{algo}` for {info.filename}")
                    if not ok:
                        raise InvalidWheel(label, f"{info.filename} does not match its RECORD hash "
                                           f"(RECORD says {want}, the file has {digest})")
                if want_size and want_size.isdigit() and int(want_size) != size:
                    raise InvalidWheel(label, f"{info.filename} is {size} bytes, RECORD says {want_size}")
            present = {i.filename for i in infos if not i.is_dir()}
            missing = [p for p in recorded if p not in present and p != record_name
                       and not p.startswith(f"{prefix}.dist-info/RECORD.") and not p.startswith("../")]
            if missing:
                raise InvalidWheel(label, f"RECORD lists {missing[0]}, which the archive does not contain")
        record = [(p, d, s) for p, d, s in record_rows if p in present and p != record_name]
        record += extra
        manifest = {"v": _MANIFEST_VERSION, "dist_info": prefix, "purelib": purelib, "record": record}
        (tmp / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        try:
            os.rename(tmp, dest)
        except OSError:
            if open_unpacked(dest) is None:  # not someone else's finished copy: a real failure
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result = open_unpacked(dest)
    assert result is not None
    return result


def open_unpacked(dest: Path) -> Unpacked | None:
    """The wheel unpacked at ``dest``, or ``None`` when there is none (or it is from another format)."""
    try:
        manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("v") != _MANIFEST_VERSION:
        return None
    return Unpacked(dest, manifest["dist_info"], bool(manifest["purelib"]),
                    tuple(tuple(r) for r in manifest["record"]))  # type: ignore[misc]
