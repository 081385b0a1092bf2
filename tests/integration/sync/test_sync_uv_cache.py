"""``uv_cache.json``: uv's freshness record of an install from a local source (the editable
project, a ``path`` directory, editable or not, a wheel by path).

prong writes it as uv does (the source's cache info: by default the change times of
pyproject.toml, setup.py and setup.cfg and the creation time of ``src/``), so ``uv sync`` over a
venv prong synced reinstalls nothing; and prong, as uv, installs such a package again when the
record no longer matches its source (an edited pyproject.toml) or when there is none.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.pep517.metadata_cache import cache_info, cache_info_json
from tests.integration.sync.test_sync_editable import _prong, _site, _tinybuild_wheel, _write_project
from tests.support.index_server import IndexServer
from tests.support.uv import run_uv
from tests.support.wheels import Dist, make_dist

pytestmark = pytest.mark.usefixtures("isolated_env")  # no configuration from outside (tests/conftest.py)


LOCAL = ("demo_app-0.1.0", "libedit-0.2.0", "libdir-0.2.0", "helper2-1.0")


@pytest.fixture(scope="module")
def index() -> Iterator[IndexServer]:
    with IndexServer([Dist("helper", "1.0"), Dist("extra", "1.0"), _tinybuild_wheel()]) as server:
        yield server


def _lib_pyproject(name: str, index_url: str, dependencies: str = "", extra: str = "") -> str:
    return (f'[project]\nname = "{name}"\nversion = "0.2.0"\nrequires-python = ">=3.9"\n'
            f'dependencies = [{dependencies}]\n\n'
            '[build-system]\nrequires = ["tinybuild"]\nbuild-backend = "tinybuild"\n\n'
            f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n' + extra)


def _make(base: Path, index_url: str) -> Path:
    """The editable project ``demo`` with an editable path dependency, a directory built as a
    wheel and a wheel file by path."""
    extra = textwrap.dedent("""
        [tool.uv.sources]
        libedit = { path = "../libedit", editable = true }
        libdir = { path = "../libdir" }
        helper2 = { path = "wheels/helper2-1.0-py3-none-any.whl" }
        """)
    root = _write_project(base / "demo", index_url, dependencies='"helper", "libedit", "libdir", "helper2"',
                          extra=extra)
    for name in ("libedit", "libdir"):
        lib = base / name
        (lib / "src" / name).mkdir(parents=True)
        (lib / "src" / name / "__init__.py").write_text(f"NAME = {name!r}\n")
        (lib / "pyproject.toml").write_text(_lib_pyproject(name, index_url))
    make_dist(root / "wheels", Dist("helper2", "1.0"))
    return root


def _reinstalled(err: str) -> list[str]:
    return sorted(line.split()[1] for line in err.splitlines() if line.startswith(" ~ "))


def test_uv_takes_prongs_local_installs_as_fresh(index: IndexServer, tmp_path: Path,
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    """After `prong sync`, `uv sync` reinstalls nothing: each local install has the
    ``uv_cache.json`` uv would have written, listed in RECORD."""
    root = _make(tmp_path, index.simple_url)
    code, _, err = _prong(root, tmp_path / "cache", capfd, "sync", "--python", sys.executable)
    assert code == 0, err
    site = _site(root / ".venv")
    sources = {"demo_app-0.1.0": root, "libedit-0.2.0": tmp_path / "libedit", "libdir-0.2.0": tmp_path / "libdir",
               "helper2-1.0": root / "wheels" / "helper2-1.0-py3-none-any.whl"}
    for name in LOCAL:
        raw = (site / f"{name}.dist-info" / "uv_cache.json").read_bytes()
        assert raw == cache_info_json(cache_info(sources[name])), name
        rows = list(csv.reader(io.StringIO((site / f"{name}.dist-info" / "RECORD").read_text())))
        assert [r[0] for r in rows if r[0].endswith("/uv_cache.json")] == [f"{name}.dist-info/uv_cache.json"]
    info = json.loads((site / "libdir-0.2.0.dist-info" / "uv_cache.json").read_text())
    assert set(info["directories"]) == {"src"} and info["commit"] is None and info["env"] == {}
    assert not (site / "helper-1.0.dist-info" / "uv_cache.json").exists()  # from the index: none

    done = run_uv(["sync", "--frozen"], root, tmp_path)
    assert done.returncode == 0, done.stderr
    assert " ~ " not in done.stderr and " + " not in done.stderr and "Checked 5 packages" in done.stderr, done.stderr
    done = run_uv(["sync"], root, tmp_path)
    assert done.returncode == 0 and " ~ " not in done.stderr, done.stderr


def test_edited_path_dependency_is_reinstalled(index: IndexServer, tmp_path: Path,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    """A dependency added to a path dependency's pyproject.toml: the next sync builds and installs
    it again (its cache info changed), as uv does, and its installed metadata has the dependency."""
    root = _make(tmp_path, index.simple_url)
    cache = tmp_path / "cache"
    code, _, err = _prong(root, cache, capfd, "sync", "--python", sys.executable)
    assert code == 0, err
    time.sleep(0.02)  # a later change time
    for name in ("libdir", "libedit"):
        (tmp_path / name / "pyproject.toml").write_text(_lib_pyproject(name, index.simple_url, '"extra"'))
    code, _, err = _prong(root, cache, capfd, "sync")  # locks again: extra joins
    assert code == 0, err
    url = (tmp_path / "libdir").resolve().as_uri()
    assert f" ~ libdir==0.2.0 (from {url})" in err and " + extra==1.0" in err, err
    assert _reinstalled(err) == ["libdir==0.2.0", "libedit==0.2.0"], err
    site = _site(root / ".venv")
    for name in ("libdir", "libedit"):
        assert "Requires-Dist: extra" in (site / f"{name}-0.2.0.dist-info" / "METADATA").read_text()
    # uv agrees that the new installs are fresh
    done = run_uv(["sync", "--frozen"], root, tmp_path)
    assert done.returncode == 0 and " ~ " not in done.stderr and "Checked 6 packages" in done.stderr, done.stderr

    # --frozen (the no-op fast path) notices an edit too
    time.sleep(0.02)
    (tmp_path / "libdir" / "pyproject.toml").write_text(_lib_pyproject("libdir", index.simple_url, '"extra"',
                                                                       "# edited\n"))
    code, _, err = _prong(root, cache, capfd, "sync", "--frozen")
    assert code == 0, err
    assert _reinstalled(err) == ["libdir==0.2.0"], err
    # a module edited in src/ is no cache key: nothing to do
    (tmp_path / "libdir" / "src" / "libdir" / "__init__.py").write_text("NAME = 'edited'\n")
    code, _, err = _prong(root, cache, capfd, "sync", "--frozen")
    assert code == 0 and " ~ " not in err and "Checked" in err, err


def test_second_sync_reinstalls_nothing(index: IndexServer, tmp_path: Path,
                                        capfd: pytest.CaptureFixture[str]) -> None:
    """An unchanged project: the second `prong sync` (and a `--frozen` one) changes nothing and
    leaves uv's record in place; after `uv sync`, prong too finds everything fresh."""
    root = _make(tmp_path, index.simple_url)
    cache = tmp_path / "cache"
    code, _, err = _prong(root, cache, capfd, "sync", "--python", sys.executable)
    assert code == 0, err
    site = _site(root / ".venv")
    before = {n: (site / f"{n}.dist-info" / "uv_cache.json").read_bytes() for n in LOCAL}
    for args in (("sync",), ("sync", "--frozen")):
        code, _, err = _prong(root, cache, capfd, *args)
        assert code == 0 and " ~ " not in err and "Checked 5 packages" in err, err
    assert {n: (site / f"{n}.dist-info" / "uv_cache.json").read_bytes() for n in LOCAL} == before
    done = run_uv(["sync", "--frozen", "--reinstall"], root, tmp_path)  # uv's own records now
    assert done.returncode == 0, done.stderr
    code, _, err = _prong(root, cache, capfd, "sync")
    assert code == 0 and " ~ " not in err and "Checked 5 packages" in err, err


def test_install_without_uv_cache_json_is_reinstalled(index: IndexServer, tmp_path: Path,
                                                      capfd: pytest.CaptureFixture[str]) -> None:
    """A local install without ``uv_cache.json`` (as pip leaves it) is out of date for uv: prong
    installs it again too."""
    root = _make(tmp_path, index.simple_url)
    cache = tmp_path / "cache"
    code, _, err = _prong(root, cache, capfd, "sync", "--python", sys.executable)
    assert code == 0, err
    site = _site(root / ".venv")
    for name in ("libedit-0.2.0", "helper2-1.0"):
        (site / f"{name}.dist-info" / "uv_cache.json").unlink(missing_ok=True)
    code, _, err = _prong(root, cache, capfd, "sync")
    assert code == 0, err
    assert _reinstalled(err) == ["helper2==1.0", "libedit==0.2.0"], err
    assert (site / "libedit-0.2.0.dist-info" / "uv_cache.json").is_file()


def test_cache_info_is_uvs(index: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Configured ``cache-keys`` (a file, a glob, a directory, a missing one, git commit and tags,
    variables): prong computes byte for byte the ``uv_cache.json`` uv writes for the same tree."""
    root = _make(tmp_path, index.simple_url)
    keys = ('[tool.uv]\ncache-keys = [{ file = "pyproject.toml" }, "conf/*.txt", { dir = "src" }, '
            '{ dir = "absent" }, { git = { commit = true, tags = true } }, { env = "PRONG_T_SET" }, '
            '{ env = "PRONG_T_UNSET" }]\n')
    lib = tmp_path / "libdir"
    (lib / "pyproject.toml").write_text(_lib_pyproject("libdir", index.simple_url, extra=keys))
    (lib / "conf").mkdir()
    (lib / "conf" / "a.txt").write_text("a")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "one"], ["tag", "v1"],
                 ["tag", "-a", "v2", "-m", "annotated"]):
        subprocess.run([*git, *args], cwd=lib, check=True, capture_output=True)
    time.sleep(0.02)
    (lib / "conf" / "a.txt").write_text("b")  # the latest change: the timestamp
    monkeypatch.setenv("PRONG_T_SET", "x\x01é")
    monkeypatch.delenv("PRONG_T_UNSET", raising=False)
    done = run_uv(["sync"], root, tmp_path)
    assert done.returncode == 0, done.stderr
    theirs = (_site(root / ".venv") / "libdir-0.2.0.dist-info" / "uv_cache.json").read_bytes()
    assert b'"v2":' in theirs and b'"absent":null' in theirs and b'"PRONG_T_UNSET":null' in theirs
    assert cache_info_json(cache_info(lib)) == theirs


def test_remove_in_workspace_member_reinstalls_it(index: IndexServer, tmp_path: Path,
                                                  capfd: pytest.CaptureFixture[str]) -> None:
    """`prong remove` in a workspace member edits the member's pyproject.toml: the member is
    built and installed again (` ~ b`), as `uv remove` does, and its metadata drops the dependency."""
    root = tmp_path / "ws"
    member = root / "packages" / "b"
    (member / "src" / "b").mkdir(parents=True)
    (member / "src" / "b" / "__init__.py").write_text("")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["b"]\n\n'
        '[tool.uv.sources]\nb = { workspace = true }\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{index.simple_url}"\ndefault = true\n')
    (member / "pyproject.toml").write_text(_lib_pyproject("b", index.simple_url, '"helper"'))
    cache = tmp_path / "cache"
    code, _, err = _prong(root, cache, capfd, "sync", "--python", sys.executable)
    assert code == 0 and " + b==0.2.0" in err, err
    time.sleep(0.02)
    code, _, err = _prong(member, cache, capfd, "remove", "helper")
    assert code == 0, err
    assert f" ~ b==0.2.0 (from {member.resolve().as_uri()})" in err and " - helper==1.0" in err, err
    metadata = (_site(root / ".venv") / "b-0.2.0.dist-info" / "METADATA").read_text()
    assert "Requires-Dist" not in metadata
