"""`prong sync --frozen` against `uv sync --frozen` (uv 0.13.9) from the same uv.lock of real
projects (`tests/realworld/projects/`, locked by uv with `--exclude-newer 2026-11-01T00:00:00Z`, see
its `INDEX.toml`), each into its own copy of the project: the same `name==version` list, the same
RECORD per package (same paths in the same order, same hashes and sizes; the only differences are
the ones docs/conformance.md names: `INSTALLER` says `prong`, and the scripts' shebangs name each
venv's own interpreter), every top-level module of every package imports through
`prong run --frozen` exactly as it does in uv's venv, and console scripts run.

The corpus holds the projects' pyproject.toml and uv.lock but no source tree, so both tools sync
with `--no-install-project` (the project's own editable install is tested in test_sync_editable.py).

The default run syncs two projects (httpx, and scikit-learn for numpy's and scipy's large platform
wheels); ``PRONG_REALWORLD=all`` syncs all five (about a minute on a cold cache).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import prong
from prong.cli.main import main
from prong.installer.unpack import record_hash
from prong.pep508.names import normalize_name
from tests.support.uv import run_uv

PROJECTS_DIR = Path(__file__).resolve().parents[2] / "realworld" / "projects"

#: project -> console scripts to run (each must exit 0 in both venvs, with the same output).
PROJECTS: dict[str, tuple[tuple[str, ...], ...]] = {
    # default groups dev/pre-commit/tests/typing: pytest, tox, ruff, mypy, pre-commit, and uv's own
    # native binaries from a `.data/scripts` directory
    "flask": (("pytest", "--version"), ("py.test", "--version"), ("ruff", "--version"), ("tox", "--version"),
              ("mypy", "--version"), ("pre-commit", "--version"), ("uv", "--version"), ("pygmentize", "-V")),
    "httpx": (),
    "scikit-learn": (("numpy-config", "--version"), ("f2py", "-v")),
    # numpy, pandas, matplotlib, fonttools
    "seaborn": (("numpy-config", "--version"), ("fonttools", "help"), ("ttx", "--version")),
    # 92 packages: the Jupyter server stack, ipython, scripts by the dozen
    "jupyterlab": (("jupyter", "--version"), ("ipython", "--version"), ("jupyter-kernelspec", "--version"),
                   ("jsonschema", "--version"), ("pybabel", "--version"), ("normalizer", "--version")),
}
DEFAULT = ("httpx", "scikit-learn")
SELECTED = tuple(PROJECTS) if os.environ.get("PRONG_REALWORLD", "").strip().lower() == "all" else DEFAULT

#: Imports every name of argv[1:] (a JSON list) and prints the failures as JSON.
IMPORT_ALL = """
import importlib, json, sys
fails = {}
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except BaseException as exc:
        fails[name] = type(exc).__name__ + ": " + str(exc)[:200]
print("IMPORTS " + json.dumps(fails, sort_keys=True))
"""


def _site(venv: Path) -> Path:
    (site,) = venv.glob("lib/python3.*/site-packages")
    return site


def _records(venv: Path) -> dict[str, list[tuple[str, str, str]]]:
    """``name==version`` (from METADATA) -> the RECORD rows, in file order."""
    out = {}
    for dist_info in _site(venv).glob("*.dist-info"):
        name = version = ""
        for line in (dist_info / "METADATA").read_text(encoding="utf-8", errors="replace").splitlines():
            if not line:
                break
            key, _, value = line.partition(": ")
            if key == "Name":
                name = normalize_name(value.strip())
            elif key == "Version":
                version = value.strip()
        rows = csv.reader(io.StringIO((dist_info / "RECORD").read_text(encoding="utf-8")))
        out[f"{name}=={version}"] = [(r[0], r[1], r[2]) for r in rows if r]
    return out


def _top_level_modules(records: dict[str, list[tuple[str, str, str]]]) -> list[str]:
    """The importable top-level names of every package: the first component of each RECORD path
    in site-packages (packages, ``x.py`` modules, ``x.cpython-311-....so`` extensions)."""
    names: set[str] = set()
    for rows in records.values():
        for path, _, _ in rows:
            head, sep, _ = path.partition("/")
            if head.startswith("..") or head.endswith((".dist-info", ".data")) or head == "__pycache__":
                continue
            if not sep:
                if not head.endswith((".py", ".so")):
                    continue  # .pth files, licences
                head = head.split(".", 1)[0]
            if head.isidentifier():
                names.add(head)
    return sorted(names)


def _script_text(path: Path, venv: Path) -> bytes:
    return path.read_bytes().replace(str(venv).encode(), b"<venv>")


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_") and k != "VIRTUAL_ENV"}
    env["PYTHONPATH"] = str(Path(prong.__file__).resolve().parents[1])
    return env


@pytest.mark.pypi
@pytest.mark.slow
@pytest.mark.parametrize("name", SELECTED)
def test_prong_syncs_what_uv_syncs(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capfd: pytest.CaptureFixture[str]) -> None:
    # paths of the same length, so that the scripts' sizes agree too
    theirs_dir, ours_dir = tmp_path / "a" / name, tmp_path / "b" / name
    for d in (theirs_dir, ours_dir):
        d.mkdir(parents=True)
        for file in ("pyproject.toml", "uv.lock"):
            shutil.copy(PROJECTS_DIR / name / file, d / file)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for key in [k for k in os.environ if k.startswith("UV_") or k == "VIRTUAL_ENV"]:
        monkeypatch.delenv(key)

    done = run_uv(["sync", "--frozen", "--no-install-project"], theirs_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    code = main(["--directory", str(ours_dir), "--no-config", "--cache-dir", str(tmp_path / "cache"), "sync",
                 "--frozen", "--no-install-project", "--python", sys.executable])
    _, err = capfd.readouterr()
    assert code == 0, err
    lock_text = (ours_dir / "uv.lock").read_text()
    assert lock_text == (PROJECTS_DIR / name / "uv.lock").read_text()  # --frozen leaves it alone

    theirs_venv, ours_venv = theirs_dir / ".venv", ours_dir / ".venv"
    theirs, ours = _records(theirs_venv), _records(ours_venv)
    # the same packages, at the same versions
    assert sorted(ours) == sorted(theirs)
    assert len(ours) >= 5
    # the same RECORD per package
    for dist in sorted(theirs):
        assert [r[0] for r in ours[dist]] == [r[0] for r in theirs[dist]], dist
        for (path, their_hash, their_size), (_, our_hash, our_size) in zip(theirs[dist], ours[dist]):
            if path.endswith(".dist-info/INSTALLER") and path.count("/") == 1:
                assert (their_hash, their_size) == (record_hash(b"uv"), "2"), (dist, path)
                assert (our_hash, our_size) == (record_hash(b"prong"), "5"), (dist, path)
            elif path.startswith("../../../bin/"):
                # the same script but for the interpreter's path in its shebang
                script = path.removeprefix("../../../")
                assert (_script_text(ours_venv / script, ours_venv)
                        == _script_text(theirs_venv / script, theirs_venv)), (dist, path)
                assert our_size == their_size  # both venvs' paths have the same length here
            else:
                assert (our_hash, our_size) == (their_hash, their_size), (dist, path)
        # neither writes direct_url.json for a registry package; both write REQUESTED
        paths = {r[0] for r in ours[dist]}
        assert not any(p.endswith(".dist-info/direct_url.json") and p.count("/") == 1 for p in paths), dist
        assert any(p.endswith(".dist-info/REQUESTED") and p.count("/") == 1 for p in paths), dist

    # every top-level module imports through `prong run`, as it does in uv's venv
    modules = _top_level_modules(ours)
    assert modules
    arg = json.dumps(modules)
    code = main(["--directory", str(ours_dir), "--no-config", "--cache-dir", str(tmp_path / "cache"), "run",
                 "--frozen", "--no-install-project", "python", "-c", IMPORT_ALL, arg])
    out, err = capfd.readouterr()
    assert code == 0, err
    ours_failed = json.loads(out.split("IMPORTS ", 1)[1])
    in_uv = subprocess.run([str(theirs_venv / "bin" / "python"), "-c", IMPORT_ALL, arg], cwd=theirs_dir,
                           env=_clean_env(), capture_output=True, text=True, timeout=300)
    theirs_failed = json.loads(in_uv.stdout.split("IMPORTS ", 1)[1])
    assert ours_failed == theirs_failed
    # the few that fail in both need an optional dependency the lock leaves out
    assert all("ModuleNotFoundError" in why for why in ours_failed.values()), ours_failed
    assert len(ours_failed) <= 2, ours_failed

    # console scripts run, and print what uv's do
    for script, *args in PROJECTS[name]:
        ran = []
        for venv in (ours_venv, theirs_venv):
            proc = subprocess.run([str(venv / "bin" / script), *args], cwd=venv.parent, env=_clean_env(),
                                  capture_output=True, text=True, timeout=120)
            assert proc.returncode == 0, (script, venv, proc.stdout, proc.stderr)
            ran.append(proc.stdout.replace(str(venv), "<venv>"))
        assert ran[0] == ran[1], script
