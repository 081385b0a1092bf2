"""A path dependency that is a setuptools project without a pyproject.toml (only `setup.py`): its
metadata comes from a build by PEP 517's fallback backend, `setuptools.build_meta:__legacy__`, as
uv does it. The local index serves a small stand-in for setuptools (below) that runs `setup.py`
and writes the metadata and wheel from the arguments it gives `setup()`. prong's lock is uv's byte
for byte, each tool accepts the other's, an edit of `setup.py` makes the lock stale, and `prong
sync` installs the package."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import Hosted, IndexServer
from tests.support.uv import run_uv
from tests.support.wheels import ZIP_DATE, Dist

pytestmark = pytest.mark.usefixtures("isolated_env")  # no configuration from outside (tests/conftest.py)


SETUPTOOLS_INIT = '''
_ARGS = {}
def setup(**kwargs):
    _ARGS.clear()
    _ARGS.update(kwargs)
'''

BUILD_META = r'''
import base64, hashlib, os, runpy, types, zipfile
import setuptools

def _args():
    runpy.run_path("setup.py", run_name="__main__")
    return dict(setuptools._ARGS)

def _dist_info(a):
    stem = a["name"].replace("-", "_") + "-" + a["version"]
    meta = ["Metadata-Version: 2.1", "Name: " + a["name"], "Version: " + a["version"]]
    meta += ["Requires-Dist: " + r for r in a.get("install_requires", [])]
    di = stem + ".dist-info"
    return stem, di, {di + "/METADATA": ("\n".join(meta) + "\n\n").encode(),
                      di + "/WHEEL": b"Wheel-Version: 1.0\nGenerator: stub\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"}

def get_requires_for_build_wheel(config_settings=None):
    return []

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _, di, files = _dist_info(_args())
    for path, data in files.items():
        os.makedirs(os.path.join(metadata_directory, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(metadata_directory, path), "wb") as f:
            f.write(data)
    return di

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    a = _args()
    stem, di, files = _dist_info(a)
    for package in a.get("packages", []):
        for name in sorted(os.listdir(package)):
            if name.endswith(".py"):
                with open(os.path.join(package, name), "rb") as f:
                    files[package + "/" + name] = f.read()
    rows = []
    name = stem + "-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as zf:
        for path, data in files.items():
            zf.writestr(zipfile.ZipInfo(path, (2025, 1, 1, 0, 0, 0)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            rows.append(path + ",sha256=" + digest + "," + str(len(data)))
        rows.append(di + "/RECORD,,")
        zf.writestr(zipfile.ZipInfo(di + "/RECORD", (2025, 1, 1, 0, 0, 0)), "\n".join(rows) + "\n")
    return name

__legacy__ = types.SimpleNamespace(get_requires_for_build_wheel=get_requires_for_build_wheel,
                                   prepare_metadata_for_build_wheel=prepare_metadata_for_build_wheel,
                                   build_wheel=build_wheel)
'''


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _stub_setuptools() -> Hosted:
    files = {
        "setuptools/__init__.py": SETUPTOOLS_INIT.encode(),
        "setuptools/build_meta.py": BUILD_META.encode(),
        "setuptools-69.0.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: setuptools\nVersion: 69.0.0\n\n",
        "setuptools-69.0.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n",
    }
    record = "".join(f"{p},{_record_hash(b)},{len(b)}\n" for p, b in files.items())
    record += "setuptools-69.0.0.dist-info/RECORD,,\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [*files.items(), ("setuptools-69.0.0.dist-info/RECORD", record.encode())]:
            zf.writestr(zipfile.ZipInfo(name, ZIP_DATE), data)
    return Hosted(Dist("setuptools", "69.0.0"), buf.getvalue())


@pytest.fixture(scope="module")
def server() -> Iterator[IndexServer]:
    with IndexServer([Dist("six", "1.17.0"), Dist("idna", "3.10"), _stub_setuptools()]) as s:
        yield s


def _tree(base: Path, index_url: str) -> Path:
    legacy = base / "legacy"
    (legacy / "legacy").mkdir(parents=True)
    (legacy / "legacy" / "__init__.py").write_text("NAME = 'legacy'\n")
    (legacy / "setup.py").write_text(
        "from setuptools import setup\n"
        "setup(name='legacy', version='1.2', packages=['legacy'], install_requires=['six'])\n")
    app = base / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["legacy"]\n\n'
        '[tool.uv.sources]\nlegacy = { path = "../legacy" }\n\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n')
    return app


def test_a_setup_py_project_locks_and_syncs_as_uv(server: IndexServer, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    ours = _tree(tmp_path / "prong", server.simple_url)
    theirs = _tree(tmp_path / "uv", server.simple_url)
    cache = tmp_path / "cache"
    assert main(["--directory", str(ours), "--cache-dir", str(cache), "lock"]) == 0, capsys.readouterr().err
    done = run_uv(["lock"], theirs, tmp_path)
    assert done.returncode == 0, done.stderr
    text = (ours / "uv.lock").read_text()
    assert text == (theirs / "uv.lock").read_text()
    assert '[[package]]\nname = "legacy"\nversion = "1.2"\nsource = { directory = "../legacy" }\n' in text
    assert run_uv(["lock", "--locked"], ours, tmp_path).returncode == 0
    assert main(["--directory", str(theirs), "--cache-dir", str(cache), "lock", "--locked"]) == 0
    # an edit of setup.py is an edit of the lock's inputs
    setup_py = tmp_path / "prong" / "legacy" / "setup.py"
    setup_py.write_text(setup_py.read_text().replace("['six']", "['six', 'idna']"))
    capsys.readouterr()
    assert main(["--directory", str(ours), "--cache-dir", str(cache), "lock", "--locked"]) != 0
    assert main(["--directory", str(ours), "--cache-dir", str(cache), "lock"]) == 0, capsys.readouterr().err
    assert '{ name = "idna" }' in (ours / "uv.lock").read_text()
    capsys.readouterr()
    assert main(["--directory", str(ours), "--cache-dir", str(cache), "sync", "--python", sys.executable]) == 0
    legacy = (tmp_path / "prong" / "legacy").as_uri()
    err = capsys.readouterr().err
    assert f"   Building legacy @ {legacy}\n      Built legacy @ {legacy}\n" in err  # uv's lines
    assert f" + legacy==1.2 (from {legacy})" in err
    done = subprocess.run([str(ours / ".venv" / "bin" / "python"), "-c", "import legacy, six, idna; print(legacy.NAME)"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "legacy", done.stderr


def test_a_directory_that_is_not_a_project_is_refused(server: IndexServer, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    app = _tree(tmp_path, server.simple_url)
    (tmp_path / "legacy" / "setup.py").unlink()
    code = main(["--directory", str(app), "--cache-dir", str(tmp_path / "cache"), "lock"])
    err = capsys.readouterr().err
    assert code == 2 and not (app / "uv.lock").exists()
    assert "the path source `../legacy` is not a Python project" in err and "no pyproject.toml, setup.py" in err
    assert "hint: Point the source at the directory" in err
