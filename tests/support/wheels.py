"""Tiny, byte-for-byte reproducible wheels and sdists for tests (stdlib only).

``make_wheel(dir, "foo", "1.0", requires_dist=["bar>=2"])`` writes ``foo-1.0-py3-none-any.whl``
with a stub module and METADATA/WHEEL/RECORD; the same arguments always give the same bytes
(fixed zip timestamps and modes), hence the same sha256.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ZIP_DATE = (2025, 1, 1, 0, 0, 0)
TAR_MTIME = 1735689600  # 2025-01-01


@dataclass(frozen=True)
class Dist:
    """What to build: one wheel (``tag`` set) or one sdist (``tag=None``)."""

    name: str
    version: str
    tag: str | None = "py3-none-any"
    requires_dist: Sequence[str] = ()
    requires_python: str | None = None
    extras: Sequence[str] = ()
    summary: str = ""
    extra_metadata: Sequence[tuple[str, str]] = field(default_factory=tuple)

    @property
    def filename(self) -> str:
        stem = f"{escape(self.name)}-{self.version}"
        return f"{stem}-{self.tag}.whl" if self.tag else f"{stem}.tar.gz"


def escape(name: str) -> str:
    """The file-name form of a project name (``foo-bar`` -> ``foo_bar``)."""
    import re

    return re.sub(r"[-_.]+", "_", name).lower()


def metadata_text(d: Dist) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {d.name}", f"Version: {d.version}"]
    lines.append(f"Summary: {d.summary or f'Test stub {d.name}'}")
    if d.requires_python:
        lines.append(f"Requires-Python: {d.requires_python}")
    lines += [f"Provides-Extra: {e}" for e in d.extras]
    lines += [f"Requires-Dist: {r}" for r in d.requires_dist]
    lines += [f"{k}: {v}" for k, v in d.extra_metadata]
    return "\n".join(lines) + "\n\n"


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def wheel_bytes(d: Dist) -> bytes:
    assert d.tag is not None
    pkg = escape(d.name)
    distinfo = f"{pkg}-{d.version}.dist-info"
    files = [
        (f"{pkg}/__init__.py", f'__version__ = "{d.version}"\n'.encode()),
        (f"{distinfo}/METADATA", metadata_text(d).encode()),
        (f"{distinfo}/WHEEL", (
            f"Wheel-Version: 1.0\nGenerator: prong-tests\nRoot-Is-Purelib: {'true' if d.tag.endswith('none-any') else 'false'}\n"
            f"Tag: {d.tag}\n\n").encode()),
    ]
    record = [f"{p},{_record_hash(b)},{len(b)}" for p, b in files] + [f"{distinfo}/RECORD,,"]
    files.append((f"{distinfo}/RECORD", ("\n".join(record) + "\n").encode()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for arcname, data in files:
            info = zipfile.ZipInfo(arcname, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            zf.writestr(info, data)
    return buf.getvalue()


# A real, minimal in-tree PEP 517 backend: the metadata is the sdist's PKG-INFO.
_SDIST_BACKEND = """
import os, shutil
def get_requires_for_build_wheel(config_settings=None):
    return []
def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name, version = os.path.basename(os.getcwd()).rsplit("-", 1)
    dist_info = f"{name}-{version}.dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info))
    shutil.copy("PKG-INFO", os.path.join(metadata_directory, dist_info, "METADATA"))
    return dist_info
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("the test backend builds metadata only")
"""


def sdist_bytes(d: Dist) -> bytes:
    pkg = escape(d.name)
    root = f"{pkg}-{d.version}"
    pyproject = (
        "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n\n"
        f"[project]\nname = \"{d.name}\"\nversion = \"{d.version}\"\n"
    ).encode()
    members = [
        (f"{root}/PKG-INFO", metadata_text(d).encode()),
        (f"{root}/pyproject.toml", pyproject),
        (f"{root}/{pkg}/__init__.py", f'__version__ = "{d.version}"\n'.encode()),
        (f"{root}/backend.py", _SDIST_BACKEND.encode()),
    ]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = TAR_MTIME
            info.mode = 0o644
            info.uname = info.gname = ""
            tf.addfile(info, io.BytesIO(data))
    import gzip

    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def dist_bytes(d: Dist) -> bytes:
    return wheel_bytes(d) if d.tag else sdist_bytes(d)


def make_dist(directory: Path, d: Dist) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / d.filename
    path.write_bytes(dist_bytes(d))
    return path


def make_wheel(directory: Path, name: str, version: str, tag: str = "py3-none-any", **kw: object) -> Path:
    return make_dist(directory, Dist(name, version, tag, **kw))  # type: ignore[arg-type]


def make_sdist(directory: Path, name: str, version: str, **kw: object) -> Path:
    return make_dist(directory, Dist(name, version, None, **kw))  # type: ignore[arg-type]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
