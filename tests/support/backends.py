"""Stub build backends served as wheels of a test index.

``backend_wheel("stubback", "2.0")`` is a wheel whose module ``stubback`` is a PEP 517 backend:
it reads ``name`` and ``version`` from the ``[project]`` table of the tree's ``pyproject.toml``
(so a tree may list ``version`` as dynamic and still be built), and its every hook appends
``stubback==2.0 <hook> helper=<helper's version, or missing>`` to ``$PRONG_TEST_BUILD_LOG``: a
test sees which backend version ran and whether the module ``helper`` (an extra build
dependency) could be imported in its environment. ``module_wheel("helper", "1.0")`` is that
module."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

from tests.support.index_server import Hosted
from tests.support.wheels import BUILD_LOG_VAR, ZIP_DATE, Dist

_BACKEND = r'''
import os, re, zipfile

VERSION = "@VERSION@"
NAME = "@NAME@"

def _log(hook):
    try:
        import helper
        seen = helper.__version__
    except ImportError:
        seen = "missing"
    path = os.environ.get("@LOG@")
    if path:
        with open(path, "a") as f:
            f.write(f"{NAME}=={VERSION} {hook} helper={seen}\n")

def _project():
    with open("pyproject.toml") as f:
        text = f.read()
    table = text.split("[project]", 1)[1]
    name = re.search(r'^name\s*=\s*"([^"]+)"', table, re.M).group(1)
    version = re.search(r'^version\s*=\s*"([^"]+)"', table, re.M)
    return name, version.group(1) if version else "1.0"

def _files():
    name, version = _project()
    stem = name.replace("-", "_") + "-" + version
    di = stem + ".dist-info"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n".encode()
    wheel = b"Wheel-Version: 1.0\nGenerator: stub\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"
    return stem, di, {di + "/METADATA": meta, di + "/WHEEL": wheel}

def get_requires_for_build_wheel(config_settings=None):
    _log("get_requires_for_build_wheel")
    return []

get_requires_for_build_editable = get_requires_for_build_wheel
get_requires_for_build_sdist = get_requires_for_build_wheel

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _log("prepare_metadata_for_build_wheel")
    _, di, files = _files()
    for path, data in files.items():
        os.makedirs(os.path.join(metadata_directory, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(metadata_directory, path), "wb") as f:
            f.write(data)
    return di

prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _log("build_wheel")
    stem, di, files = _files()
    name = stem + "-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as zf:
        for path, data in files.items():
            zf.writestr(zipfile.ZipInfo(path, (2025, 1, 1, 0, 0, 0)), data)
        zf.writestr(zipfile.ZipInfo(di + "/RECORD", (2025, 1, 1, 0, 0, 0)),
                    "".join(p + ",," + "\n" for p in [*files, di + "/RECORD"]))
    return name

build_editable = build_wheel
'''


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _wheel(name: str, version: str, files: dict[str, bytes]) -> Hosted:
    di = f"{name}-{version}.dist-info"
    files = {**files,
             f"{di}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n".encode(),
             f"{di}/WHEEL": b"Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"}
    record = "".join(f"{p},{_record_hash(b)},{len(b)}\n" for p, b in files.items()) + f"{di}/RECORD,,\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path, data in [*files.items(), (f"{di}/RECORD", record.encode())]:
            zf.writestr(zipfile.ZipInfo(path, ZIP_DATE), data)
    return Hosted(Dist(name, version), buf.getvalue())


def backend_wheel(name: str, version: str) -> Hosted:
    """A wheel of the backend module ``name`` (see the module's docstring)."""
    source = _BACKEND.replace("@VERSION@", version).replace("@NAME@", name).replace("@LOG@", BUILD_LOG_VAR)
    return _wheel(name, version, {f"{name}.py": source.encode()})


def module_wheel(name: str, version: str) -> Hosted:
    """A wheel of a module ``name`` with ``__version__``."""
    return _wheel(name, version, {f"{name}.py": f'__version__ = "{version}"\n'.encode()})
