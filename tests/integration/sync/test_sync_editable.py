"""The project itself in `prong sync`: a package project (``src/`` layout, a ``[build-system]``)
is installed editable (PEP 660), so an edit to its modules is visible without a re-sync, and its
console scripts run; a virtual project (no ``[build-system]``) is not installed at all.

The backend is served by a local index (tests/support/index_server.py): ``tinybuild``, a PEP
517/660 backend of a few dozen lines (below) whose editable wheel is a ``.pth`` file naming
``src/``, as hatchling's and setuptools' are. uv syncs the same project from prong's lock with the
same index, and both venvs hold the same files (RECORD row by row, ``direct_url.json``).
``test_hatchling_project_as_uv`` (marked ``pypi``) does the same with hatchling from PyPI.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from prong.installer.unpack import record_hash
from tests.support.index_server import Hosted, IndexServer
from tests.support.uv import run_uv
from tests.support.wheels import ZIP_DATE, Dist, make_dist

#: A PEP 517 / PEP 660 backend: metadata from [project] (name, version, dependencies, scripts),
#: the wheel from ``src/``, the editable wheel a ``.pth`` file naming ``src/``.
pytestmark = pytest.mark.usefixtures("isolated_env")  # no configuration from outside (tests/conftest.py)


TINYBUILD = '''
import base64, hashlib, os, re, tomllib, zipfile

def _project():
    with open("pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]

def _stem(p):
    return re.sub(r"[-_.]+", "_", p["name"]).lower() + "-" + p["version"]

def _dist_info(p):
    meta = ["Metadata-Version: 2.1", "Name: " + p["name"], "Version: " + p["version"]]
    meta += ["Requires-Dist: " + d for d in p.get("dependencies", [])]
    di = _stem(p) + ".dist-info"
    files = {di + "/METADATA": "\\n".join(meta) + "\\n\\n",
             di + "/WHEEL": "Wheel-Version: 1.0\\nGenerator: tinybuild\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n\\n"}
    if p.get("scripts"):
        files[di + "/entry_points.txt"] = "[console_scripts]\\n" + "".join(
            k + " = " + v + "\\n" for k, v in p["scripts"].items())
    return di, {k: v.encode() for k, v in files.items()}

def _wheel(directory, files):
    p = _project()
    di, meta = _dist_info(p)
    files = {**files, **meta}
    rows = []
    name = _stem(p) + "-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, name), "w") as zf:
        for path, data in files.items():
            zf.writestr(zipfile.ZipInfo(path, (2025, 1, 1, 0, 0, 0)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            rows.append(path + ",sha256=" + digest + "," + str(len(data)))
        rows.append(di + "/RECORD,,")
        zf.writestr(zipfile.ZipInfo(di + "/RECORD", (2025, 1, 1, 0, 0, 0)), "\\n".join(rows) + "\\n")
    return name

def get_requires_for_build_wheel(config_settings=None):
    return []

get_requires_for_build_editable = get_requires_for_build_wheel

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    di, files = _dist_info(_project())
    for path, data in files.items():
        os.makedirs(os.path.join(metadata_directory, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(metadata_directory, path), "wb") as f:
            f.write(data)
    return di

prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = {}
    for top, _, names in os.walk("src"):
        for n in names:
            if not n.endswith(".pyc"):
                path = os.path.join(top, n)
                with open(path, "rb") as f:
                    files[os.path.relpath(path, "src").replace(os.sep, "/")] = f.read()
    return _wheel(wheel_directory, files)

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    stem = _stem(_project()).split("-")[0]
    return _wheel(wheel_directory, {"_" + stem + ".pth": (os.path.abspath("src") + "\\n").encode()})
'''


def _tinybuild_wheel() -> Hosted:
    """``tinybuild-1.0-py3-none-any.whl`` with the backend above."""
    dist = Dist("tinybuild", "1.0")
    files = {
        "tinybuild.py": TINYBUILD.encode(),
        "tinybuild-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: tinybuild\nVersion: 1.0\nSummary: Test stub tinybuild\n\n",
        "tinybuild-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n",
    }
    record = "".join(f"{p},{record_hash(b)},{len(b)}\n" for p, b in files.items()) + "tinybuild-1.0.dist-info/RECORD,,\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [*files.items(), ("tinybuild-1.0.dist-info/RECORD", record.encode())]:
            zf.writestr(zipfile.ZipInfo(name, ZIP_DATE), data)
    return Hosted(dist, buf.getvalue())


@pytest.fixture(scope="module")
def index() -> Iterator[IndexServer]:
    with IndexServer([Dist("helper", "1.0"), _tinybuild_wheel()]) as server:
        yield server


def _write_project(root: Path, index_url: str, *, backend: str | None = "tinybuild",
                   requires: str = '"tinybuild"', dependencies: str = '"helper"', extra: str = "") -> Path:
    root.mkdir(parents=True)
    build = (f'[build-system]\nrequires = [{requires}]\nbuild-backend = "{backend}"\n' if backend else "")
    index_table = f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n' if index_url else ""
    (root / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [project]
        name = "Demo_App"
        version = "0.1.0"
        requires-python = ">=3.9"
        dependencies = [{dependencies}]

        [project.scripts]
        demo-app = "demo_app.cli:main"

        """) + build + "\n" + index_table + extra)
    package = root / "src" / "demo_app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("VALUE = 1\n")
    (package / "cli.py").write_text("import demo_app\n\ndef main():\n    print('demo-app says', demo_app.VALUE)\n")
    return root


def _prong(directory: Path, cache: Path, capfd: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    # no --no-config: it drops [tool.uv] of pyproject.toml, the index included (as uv's does);
    # XDG_CONFIG_HOME is a private directory instead
    code = main(["--directory", str(directory), "--cache-dir", str(cache), *args])
    out, err = capfd.readouterr()
    return code, out, err


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("UV_") and k != "VIRTUAL_ENV"}


def _python(venv: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin" / "python"), "-c", code], cwd=cwd, env=_clean_env(),
                          capture_output=True, text=True, timeout=60)


def _site(venv: Path) -> Path:
    (site,) = venv.glob("lib/python3.*/site-packages")
    return site


def _record(venv: Path, dist_info: str) -> list[list[str]]:
    text = (_site(venv) / dist_info / "RECORD").read_text()
    return [r for r in csv.reader(io.StringIO(text)) if r]


def test_package_project_is_installed_editable(index: IndexServer, tmp_path: Path,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    root = _write_project(tmp_path / "demo", index.simple_url)
    cache = tmp_path / "cache"
    code, _, err = _prong(root, cache, capfd, "sync", "--python", sys.executable)
    assert code == 0, err
    url = root.resolve().as_uri()
    assert f" + demo-app==0.1.0 (from {url})" in err and " + helper==1.0" in err
    lock = (root / "uv.lock").read_text()
    assert 'name = "demo-app"\nversion = "0.1.0"\nsource = { editable = "." }' in lock

    venv = root / ".venv"
    site = _site(venv)
    dist_info = site / "demo_app-0.1.0.dist-info"
    assert json.loads((dist_info / "direct_url.json").read_text()) == {"url": url, "dir_info": {"editable": True}}
    assert (site / "_demo_app.pth").read_text() == f"{(root / 'src').resolve()}\n"
    assert not (site / "demo_app").exists()  # nothing of src/ is copied

    # `prong run` imports the project from src/
    code, out, err = _prong(root, cache, capfd, "run", "python", "-c",
                            "import demo_app, sys; print(demo_app.VALUE, demo_app.__file__)")
    assert code == 0, err
    assert out.split() == ["1", str(root.resolve() / "src" / "demo_app" / "__init__.py")]

    # an edit (and a new module) is visible without a sync: run the venv's interpreter directly
    (root / "src" / "demo_app" / "__init__.py").write_text("VALUE = 2\n")
    (root / "src" / "demo_app" / "extra.py").write_text("NAME = 'extra'\n")
    done = _python(venv, "import demo_app, demo_app.extra; print(demo_app.VALUE, demo_app.extra.NAME)", tmp_path)
    assert done.stdout.split() == ["2", "extra"], done.stderr
    # the project's console script runs the edited code
    done = subprocess.run([str(venv / "bin" / "demo-app")], env=_clean_env(), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout == "demo-app says 2\n", done.stderr
    assert (venv / "bin" / "demo-app").read_text().startswith(f"#!{venv / 'bin' / 'python'}\n")

    # and a sync after an edit to a module changes nothing (no rebuild)
    code, _, err = _prong(root, cache, capfd, "sync")
    assert code == 0, err
    assert "Installed" not in err and " + " not in err and " - " not in err
    done = _python(venv, "import demo_app; print(demo_app.VALUE)", tmp_path)
    assert done.stdout.strip() == "2"

    # a change to pyproject.toml builds and installs the project again (uv's default cache-keys)
    time.sleep(0.01)
    with (root / "pyproject.toml").open("a") as f:
        f.write("\n# edited\n")
    code, _, err = _prong(root, cache, capfd, "sync")
    assert code == 0, err
    assert f" ~ demo-app==0.1.0 (from {url})" in err
    assert (site / "_demo_app.pth").is_file() and (dist_info / "direct_url.json").is_file()


def test_editable_install_is_uvs(index: IndexServer, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """uv, from prong's lock and the same index, installs the project with the same files."""
    ours_root = _write_project(tmp_path / "b" / "demo", index.simple_url)
    theirs_root = tmp_path / "a" / "demo"
    shutil.copytree(ours_root, theirs_root)
    code, _, err = _prong(ours_root, tmp_path / "cache", capfd, "sync", "--python", sys.executable)
    assert code == 0, err
    shutil.copy(ours_root / "uv.lock", theirs_root / "uv.lock")
    assert run_uv(["lock", "--locked"], theirs_root, tmp_path).returncode == 0
    done = run_uv(["sync", "--frozen"], theirs_root, tmp_path)
    assert done.returncode == 0, done.stderr
    _same_install(theirs_root, ours_root, "demo_app-0.1.0.dist-info")


def _same_install(theirs_root: Path, ours_root: Path, dist_info: str) -> None:
    theirs_venv, ours_venv = theirs_root / ".venv", ours_root / ".venv"
    assert sorted(p.name for p in _site(ours_venv).glob("*.dist-info")) == \
        sorted(p.name for p in _site(theirs_venv).glob("*.dist-info"))
    theirs, ours = _record(theirs_venv, dist_info), _record(ours_venv, dist_info)
    # uv's note of the build settings (docs/conformance.md): not prong's business
    uv_only = {f"{dist_info}/uv_build.json"}
    assert uv_only <= {r[0] for r in theirs}
    theirs = [r for r in theirs if r[0] not in uv_only]
    assert [r[0] for r in ours] == [r[0] for r in theirs]
    for (path, *their_entry), (_, *our_entry) in zip(theirs, ours):
        if path.endswith("/uv_cache.json"):
            # uv's freshness record: the same fields, the times of two different trees
            ours_info = json.loads((_site(ours_venv) / path).read_text())
            theirs_info = json.loads((_site(theirs_venv) / path).read_text())
            assert list(ours_info) == list(theirs_info) == ["timestamp", "commit", "tags", "env", "directories"]
            assert {k: v for k, v in ours_info.items() if k not in ("timestamp", "directories")} == \
                {k: v for k, v in theirs_info.items() if k not in ("timestamp", "directories")}
            assert list(ours_info["directories"]) == list(theirs_info["directories"]) == ["src"]
            continue
        if path.endswith("/INSTALLER"):
            assert our_entry == [record_hash(b"prong"), "5"] and their_entry == [record_hash(b"uv"), "2"]
            continue
        if path.endswith("/RECORD"):
            continue  # compared row by row
        theirs_file = _site(theirs_venv) / path
        ours_file = _site(ours_venv) / path
        # paths differ only in a/ and b/: the .pth, direct_url.json and scripts name them
        assert ours_file.read_bytes().replace(b"/b/", b"/a/") == theirs_file.read_bytes(), path
        assert our_entry[1] == their_entry[1], path


def test_virtual_project_is_not_installed(index: IndexServer, tmp_path: Path,
                                          capfd: pytest.CaptureFixture[str]) -> None:
    root = _write_project(tmp_path / "demo", index.simple_url, backend=None)
    cache = tmp_path / "cache"
    code, _, err = _prong(root, cache, capfd, "sync", "--python", sys.executable)
    assert code == 0, err
    assert 'source = { virtual = "." }' in (root / "uv.lock").read_text()
    assert " + helper==1.0" in err and "demo-app" not in err
    venv = root / ".venv"
    assert sorted(p.name for p in _site(venv).glob("*.dist-info")) == ["helper-1.0.dist-info"]
    assert not list(_site(venv).glob("*.pth")) and not (venv / "bin" / "demo-app").exists()
    code, _, err = _prong(root, cache, capfd, "run", "python", "-c", "import demo_app")
    assert code == 1 and "ModuleNotFoundError: No module named 'demo_app'" in err

    # uv agrees: the same environment from the same lock
    theirs = tmp_path / "uv" / "demo"
    shutil.copytree(root, theirs, ignore=shutil.ignore_patterns(".venv"))
    done = run_uv(["sync", "--frozen"], theirs, tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in _site(theirs / ".venv").glob("*.dist-info")) == ["helper-1.0.dist-info"]
    # both name the venv after the project (normalized), not after its directory
    for venv in (venv, theirs / ".venv"):
        assert "prompt = demo-app\n" in (venv / "pyvenv.cfg").read_text()
        assert (venv / ".gitignore").read_bytes() == b"*"
        assert (venv / "CACHEDIR.TAG").read_bytes() == b"Signature: 8a477f597d28d172789f06886806bc55"


def test_project_that_becomes_virtual_is_uninstalled(index: IndexServer, tmp_path: Path,
                                                     capfd: pytest.CaptureFixture[str]) -> None:
    root = _write_project(tmp_path / "demo", index.simple_url)
    cache = tmp_path / "cache"
    code, _, err = _prong(root, cache, capfd, "sync", "--python", sys.executable)
    assert code == 0, err
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(text + '\n[tool.uv]\npackage = false\n')
    code, _, err = _prong(root, cache, capfd, "sync")
    assert code == 0, err
    assert f" - demo-app==0.1.0 (from {root.resolve().as_uri()})" in err
    site = _site(root / ".venv")
    assert sorted(p.name for p in site.glob("*.dist-info")) == ["helper-1.0.dist-info"]
    assert not (site / "_demo_app.pth").exists() and not (root / ".venv" / "bin" / "demo-app").exists()


@pytest.mark.pypi
def test_hatchling_project_as_uv(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A real backend from PyPI (hatchling): installed editable as uv installs it."""
    extra = '[tool.uv]\nexclude-newer = "2026-11-01T00:00:00Z"\n\n[tool.hatch.build.targets.wheel]\npackages = ["src/demo_app"]\n'
    ours_root = _write_project(tmp_path / "b" / "demo", "", backend="hatchling.build", requires='"hatchling"',
                               dependencies="", extra=extra)
    theirs_root = tmp_path / "a" / "demo"
    shutil.copytree(ours_root, theirs_root)
    code, _, err = _prong(ours_root, tmp_path / "cache", capfd, "sync", "--python", sys.executable)
    assert code == 0, err
    shutil.copy(ours_root / "uv.lock", theirs_root / "uv.lock")
    done = run_uv(["sync", "--frozen"], theirs_root, tmp_path)
    assert done.returncode == 0, done.stderr
    _same_install(theirs_root, ours_root, "demo_app-0.1.0.dist-info")
    venv = ours_root / ".venv"
    (ours_root / "src" / "demo_app" / "__init__.py").write_text("VALUE = 3\n")
    done = subprocess.run([str(venv / "bin" / "demo-app")], env=_clean_env(), capture_output=True, text=True,
                          timeout=60)
    assert done.stdout == "demo-app says 3\n", done.stderr


def test_path_sources_from_uvs_lock(index: IndexServer, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A uv-written lock with an editable path dependency, a directory built as a wheel and a
    wheel file by path: `prong sync --frozen` installs what `uv sync --frozen` installs, with the
    same direct_url.json targets."""
    extra = textwrap.dedent("""
        [tool.uv.sources]
        libedit = { path = "../libedit", editable = true }
        libdir = { path = "../libdir" }
        helper2 = { path = "wheels/helper2-1.0-py3-none-any.whl" }
        """)
    def make(base: Path) -> Path:
        root = _write_project(base / "demo", index.simple_url, dependencies='"helper", "libedit", "libdir", "helper2"',
                              extra=extra)
        for name in ("libedit", "libdir"):
            lib = base / name
            (lib / "src" / name).mkdir(parents=True)
            (lib / "src" / name / "__init__.py").write_text(f"NAME = {name!r}\n")
            (lib / "pyproject.toml").write_text(
                f'[project]\nname = "{name}"\nversion = "0.2.0"\nrequires-python = ">=3.9"\ndependencies = []\n\n'
                '[build-system]\nrequires = ["tinybuild"]\nbuild-backend = "tinybuild"\n\n'
                f'[[tool.uv.index]]\nname = "local"\nurl = "{index.simple_url}"\ndefault = true\n')
        make_dist(root / "wheels", Dist("helper2", "1.0"))
        return root

    theirs_root = make(tmp_path / "a")
    ours_root = make(tmp_path / "b")
    done = run_uv(["lock"], theirs_root, tmp_path)
    assert done.returncode == 0, done.stderr
    shutil.copy(theirs_root / "uv.lock", ours_root / "uv.lock")
    done = run_uv(["sync", "--frozen"], theirs_root, tmp_path)
    assert done.returncode == 0, done.stderr
    code, _, err = _prong(ours_root, tmp_path / "cache", capfd, "sync", "--frozen", "--python", sys.executable)
    assert code == 0, err
    ours_site, theirs_site = _site(ours_root / ".venv"), _site(theirs_root / ".venv")
    assert sorted(p.name for p in ours_site.glob("*.dist-info")) == sorted(p.name for p in theirs_site.glob("*.dist-info"))
    for name in ("libedit-0.2.0", "libdir-0.2.0", "helper2-1.0"):
        ours = json.loads((ours_site / f"{name}.dist-info" / "direct_url.json").read_text())
        theirs = json.loads((theirs_site / f"{name}.dist-info" / "direct_url.json").read_text())
        assert ours["url"].replace("/b/", "/a/") == theirs["url"], name
        assert ours.get("dir_info", {}).get("editable") == theirs.get("dir_info", {}).get("editable"), name
    probe = "import libedit, libdir, helper2; print(libedit.__file__); print(libdir.__file__)"
    out = _python(ours_root / ".venv", probe, ours_root)
    assert out.returncode == 0, out.stderr
    edit_file, dir_file = out.stdout.split()
    assert edit_file == str(tmp_path / "b" / "libedit" / "src" / "libedit" / "__init__.py")  # editable: the tree
    assert "site-packages" in dir_file  # built and installed
    code, _, err = _prong(ours_root, tmp_path / "cache", capfd, "sync", "--frozen", "--python", sys.executable)
    assert code == 0 and "Checked" in err, err  # nothing to change the second time
