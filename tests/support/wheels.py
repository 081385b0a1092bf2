"""Tiny, byte-for-byte reproducible wheels and sdists for tests (stdlib only).

``make_wheel(dir, "foo", "1.0", requires_dist=["bar>=2"])`` writes ``foo-1.0-py3-none-any.whl``
with a stub module and METADATA/WHEEL/RECORD; the same arguments always give the same bytes
(fixed zip timestamps and modes), hence the same sha256.

``Dist(..., tag=None)`` is an sdist: ``PKG-INFO`` (Metadata-Version ``pkg_info_version``, with
``pkg_info_dynamic`` fields), a ``pyproject.toml`` whose ``[project]`` table agrees with it
(``project_table=False`` leaves it out, ``project_dynamic`` lists fields as dynamic), and an
in-tree backend (``backend="fail"``: every hook prints :data:`FAIL_LINES` lines and exits 1).
Every backend notes the hooks it runs in the file named by ``$PRONG_TEST_BUILD_LOG``.
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
    # -- sdists only (``tag=None``) --
    #: ``Metadata-Version`` of the sdist's ``PKG-INFO`` (PEP 643 trusts 2.2 and later).
    pkg_info_version: str = "2.1"
    #: ``Dynamic:`` fields of the sdist's ``PKG-INFO``.
    pkg_info_dynamic: Sequence[str] = ()
    #: Whether ``pyproject.toml`` has a ``[project]`` table (one that agrees with ``PKG-INFO``).
    project_table: bool = True
    #: ``[project] dynamic``: these fields are listed there and left out of the table.
    project_dynamic: Sequence[str] = ()
    #: The in-tree backend: ``"metadata"`` (its metadata is ``PKG-INFO``), ``"slow"`` (the same,
    #: whose ``build_wheel`` takes a second and logs its start and end times) or ``"fail"`` (every
    #: hook prints :data:`FAIL_LINES` numbered lines to stderr and exits with status 1).
    backend: str = "metadata"
    #: ``[build-system] requires`` of the sdist (the in-tree backend needs none; a test of build
    #: environments names wheels of the index here).
    build_requires: Sequence[str] = ()

    @property
    def filename(self) -> str:
        stem = f"{escape(self.name)}-{self.version}"
        return f"{stem}-{self.tag}.whl" if self.tag else f"{stem}.tar.gz"


def escape(name: str) -> str:
    """The file-name form of a project name (``foo-bar`` -> ``foo_bar``)."""
    import re

    return re.sub(r"[-_.]+", "_", name).lower()


def metadata_text(d: Dist) -> str:
    """METADATA of a wheel (Metadata-Version 2.1), or PKG-INFO of an sdist (its chosen version)."""
    lines = [f"Metadata-Version: {d.pkg_info_version if d.tag is None else '2.1'}", f"Name: {d.name}",
             f"Version: {d.version}"]
    lines.append(f"Summary: {d.summary or f'Test stub {d.name}'}")
    if d.requires_python:
        lines.append(f"Requires-Python: {d.requires_python}")
    lines += [f"Provides-Extra: {e}" for e in d.extras]
    lines += [f"Requires-Dist: {r}" for r in d.requires_dist]
    lines += [f"{k}: {v}" for k, v in d.extra_metadata]
    if d.tag is None:
        lines += [f"Dynamic: {f}" for f in d.pkg_info_dynamic]
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


#: How many numbered lines the failing backend prints (``backend line 1`` ... ``backend line 30``).
FAIL_LINES = 30
#: A variable naming a file every test backend appends ``<name> <version> <hook>`` lines to, so
#: that a test can prove no build ran (uv and prong both pass the environment to backends).
BUILD_LOG_VAR = "PRONG_TEST_BUILD_LOG"

_BACKEND_LOG = """
import os, sys
def _log(hook):
    path = os.environ.get("%s")
    if path:
        with open(path, "a") as f:
            f.write(hook + "\\n")
""" % BUILD_LOG_VAR

# A real, minimal in-tree PEP 517 backend: the metadata is the sdist's PKG-INFO.
_SDIST_BACKEND = _BACKEND_LOG + """
import shutil
def get_requires_for_build_wheel(config_settings=None):
    _log("get_requires_for_build_wheel")
    return []
def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _log("prepare_metadata_for_build_wheel")
    with open("PKG-INFO") as f:
        fields = dict(line.split(": ", 1) for line in f.read().split("\\n\\n")[0].splitlines() if ": " in line)
    dist_info = fields["Name"].replace("-", "_") + "-" + fields["Version"] + ".dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info))
    shutil.copy("PKG-INFO", os.path.join(metadata_directory, dist_info, "METADATA"))
    return dist_info
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _log("build_wheel")
    import base64, hashlib, zipfile
    with open("PKG-INFO") as f:
        text = f.read()
    fields = dict(line.split(": ", 1) for line in text.split("\\n\\n")[0].splitlines() if ": " in line)
    pkg = fields["Name"].replace("-", "_").lower()
    dist_info = pkg + "-" + fields["Version"] + ".dist-info"
    files = []
    for root, _dirs, names in os.walk(pkg):
        for n in sorted(names):
            path = os.path.join(root, n)
            with open(path, "rb") as f:
                files.append((path.replace(os.sep, "/"), f.read()))
    files.append((dist_info + "/METADATA", text.encode()))
    files.append((dist_info + "/WHEEL", b"Wheel-Version: 1.0\\nGenerator: prong-tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n\\n"))
    def h(b):
        return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b"=").decode()
    record = "".join(f"{p},{h(b)},{len(b)}\\n" for p, b in files) + dist_info + "/RECORD,,\\n"
    files.append((dist_info + "/RECORD", record.encode()))
    name = pkg + "-" + fields["Version"] + "-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as zf:
        for p, b in files:
            zf.writestr(p, b)
    return name
"""

# The in-tree backend whose build_wheel and prepare_metadata_for_build_wheel take a second each,
# noting when they start and end (``build_wheel start <time>``, ``build_wheel end <time>``, the
# same for ``prepare_metadata``): builds whose times overlap ran concurrently.
_SLOW_BACKEND = _SDIST_BACKEND + """
import time
_quick_build_wheel = build_wheel
_quick_prepare_metadata = prepare_metadata_for_build_wheel
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _log(f"build_wheel start {time.time()!r}")
    time.sleep(1.0)
    try:
        return _quick_build_wheel(wheel_directory, config_settings, metadata_directory)
    finally:
        _log(f"build_wheel end {time.time()!r}")
def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _log(f"prepare_metadata start {time.time()!r}")
    time.sleep(1.0)
    try:
        return _quick_prepare_metadata(metadata_directory, config_settings)
    finally:
        _log(f"prepare_metadata end {time.time()!r}")
"""

# An in-tree backend whose every hook fails after printing FAIL_LINES lines.
_FAILING_BACKEND = _BACKEND_LOG + """
def _fail(hook):
    _log(hook)
    for i in range(1, %d + 1):
        print(f"backend line {i}", file=sys.stderr)
    sys.stderr.flush()
    sys.exit(1)
def get_requires_for_build_wheel(config_settings=None):
    _fail("get_requires_for_build_wheel")
def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _fail("prepare_metadata_for_build_wheel")
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _fail("build_wheel")
def build_sdist(sdist_directory, config_settings=None):
    _fail("build_sdist")
""" % FAIL_LINES


def _toml_str(text: str) -> str:
    import json

    return json.dumps(text)


def _split_extras(d: Dist) -> tuple[list[str], dict[str, list[str]]]:
    """``requires_dist`` as ``[project]`` lists: plain requirements, and ``; extra == "x"`` ones
    per extra (other markers naming an extra cannot be written statically: declare them dynamic)."""
    import re

    plain: list[str] = []
    extras: dict[str, list[str]] = {e: [] for e in d.extras}
    for req in d.requires_dist:
        m = re.fullmatch(r"\s*(.*?)\s*;\s*extra\s*==\s*[\"']([^\"']+)[\"']\s*", req)
        if m:
            extras.setdefault(m.group(2), []).append(m.group(1))
        elif "extra" in req.split(";", 1)[-1] and ";" in req:
            raise ValueError(f"{req!r}: a marker on an extra that a [project] table cannot say; "
                             "list the fields in project_dynamic")
        else:
            plain.append(req)
    return plain, extras


def pyproject_text(d: Dist) -> str:
    """The sdist's ``pyproject.toml``: the in-tree backend, and a ``[project]`` table that agrees
    with ``PKG-INFO`` (minus the ``project_dynamic`` fields), unless ``project_table`` is off."""
    lines = ["[build-system]", "requires = [" + ", ".join(_toml_str(r) for r in d.build_requires) + "]",
             'build-backend = "backend"', 'backend-path = ["."]', ""]
    if not d.project_table:
        return "\n".join(lines)
    dyn = set(d.project_dynamic)
    plain, extras = _split_extras(d) if not {"dependencies", "optional-dependencies"} <= dyn else ([], {})
    lines += ["[project]", f"name = {_toml_str(d.name)}"]
    if "version" not in dyn:
        lines.append(f"version = {_toml_str(d.version)}")
    if d.requires_python and "requires-python" not in dyn:
        lines.append(f"requires-python = {_toml_str(d.requires_python)}")
    if "dependencies" not in dyn:
        lines.append("dependencies = [" + ", ".join(_toml_str(r) for r in plain) + "]")
    if d.project_dynamic:
        lines.append("dynamic = [" + ", ".join(_toml_str(f) for f in d.project_dynamic) + "]")
    if extras and "optional-dependencies" not in dyn:
        lines += ["", "[project.optional-dependencies]"]
        lines += [f"{_toml_str(e)} = [" + ", ".join(_toml_str(r) for r in reqs) + "]" for e, reqs in extras.items()]
    return "\n".join(lines) + "\n"


def sdist_bytes(d: Dist) -> bytes:
    pkg = escape(d.name)
    root = f"{pkg}-{d.version}"
    backend = {"metadata": _SDIST_BACKEND, "fail": _FAILING_BACKEND, "slow": _SLOW_BACKEND}[d.backend]
    members = [
        (f"{root}/PKG-INFO", metadata_text(d).encode()),
        (f"{root}/pyproject.toml", pyproject_text(d).encode()),
        (f"{root}/{pkg}/__init__.py", f'__version__ = "{d.version}"\n'.encode()),
        (f"{root}/backend.py", backend.encode()),
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
