"""`prong lock` with sources beyond indexes: `path` to a wheel or sdist file, `url` to an archive
(with a `subdirectory`), `git` (tag, branch, rev, subdirectory), in `[tool.uv.sources]` and as PEP
508 direct references. Each lock is uv's byte for byte; each tool accepts the other's lock; `prong
sync` installs them; bad sources fail with an `error:` and a `hint:` and write no lock."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import Hosted, IndexServer
from tests.support.uv import run_uv
from tests.support.wheels import Dist, dist_bytes, make_sdist, make_wheel

WPKG = Dist("wpkg", "1.0", requires_dist=["six"])
SPKG = Dist("spkg", "2.0", None, requires_dist=["idna>=2"])


def _tar(members: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 1735689600, 0o644
            tf.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _tree_of(d: Dist) -> dict[str, bytes]:
    """The files of the sdist ``d`` (without its top directory)."""
    out = {}
    with tarfile.open(fileobj=io.BytesIO(dist_bytes(d)), mode="r:gz") as tf:
        for m in tf.getmembers():
            f = tf.extractfile(m)
            if f is not None:
                out[m.name.split("/", 1)[1]] = f.read()
    return out


#: an archive whose project lives in `sub/` (a `subdirectory` URL source)
UPKG = Hosted(Dist("upkg", "4.0", None), _tar({f"arch-1/sub/{k}": v for k, v in
                                                  _tree_of(Dist("upkg", "4.0", None, requires_dist=["six"])).items()}))
EVIL = Hosted(Dist("evil", "1.0", None), _tar({"evil-1.0/pyproject.toml": b"[project]\nname = 'evil'\n",
                                                 "evil-1.0/../../escaped.txt": b"x"}))


@pytest.fixture
def server() -> Iterator[IndexServer]:
    with IndexServer([Dist("six", "1.17.0"), Dist("idna", "3.10"), WPKG, SPKG, UPKG, EVIL]) as s:
        yield s


def _git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@e", GIT_AUTHOR_DATE="2025-01-01T00:00:00Z",
               GIT_COMMITTER_DATE="2025-01-01T00:00:00Z")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def git_init(root: Path) -> None:
    """Make ``root`` a git repository whose first commit (on `main`) holds every file in it."""
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "one")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with two projects: `gpkg` in `sub-g` (tag v1) and `hpkg` in `sub-h` (branch feat)."""
    root = tmp_path / "repo"
    for sub, d in (("sub-g", Dist("gpkg", "3.0", None, requires_dist=["six"])), ("sub-h", Dist("hpkg", "5.0", None))):
        for name, data in _tree_of(d).items():
            (root / sub / name).parent.mkdir(parents=True, exist_ok=True)
            (root / sub / name).write_bytes(data)
    git_init(root)
    _git(root, "tag", "v1")
    _git(root, "checkout", "-qb", "feat")
    (root / "sub-h" / "extra.txt").write_text("two\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "two")
    _git(root, "checkout", "-q", "main")
    return root


def _project(where: Path, index_url: str, deps: list[str], sources: str = "") -> Path:
    where.mkdir(parents=True, exist_ok=True)
    (where / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
        f"dependencies = [{', '.join(repr(d).replace(chr(39), chr(34)) for d in deps)}]\n\n"
        + (f"[tool.uv.sources]\n{sources}\n\n" if sources else "")
        + f'[[tool.uv.index]]\nname = "local"\nurl = "{index_url}"\ndefault = true\n')
    return where


def _prong(project: Path, cache: Path, *args: str) -> int:
    return main(["--directory", str(project), "--cache-dir", str(cache), *args])


def _same_as_uv(ours: Path, theirs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert _prong(ours, tmp_path / "cache", "lock") == 0, capsys.readouterr().err
    done = run_uv(["lock"], theirs, tmp_path)
    assert done.returncode == 0, done.stderr
    text = (ours / "uv.lock").read_text()
    assert text == (theirs / "uv.lock").read_text()
    check = run_uv(["lock", "--locked"], ours, tmp_path)
    assert check.returncode == 0, check.stderr
    capsys.readouterr()
    assert _prong(theirs, tmp_path / "cache2", "lock", "--locked") == 0, capsys.readouterr().err
    return text


def _import(project: Path, *modules: str) -> None:
    python = project / ".venv" / "bin" / "python"
    done = subprocess.run([str(python), "-c", f"import {', '.join(modules)}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_wheel_and_sdist_files_lock_as_uv(server: IndexServer, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    for side in ("prong", "uv"):
        make_wheel(tmp_path / side / "dists", "wpkg", "1.0", requires_dist=["six"])
        make_sdist(tmp_path / side / "dists", "spkg", "2.0", requires_dist=["idna>=2"])
        _project(tmp_path / side / "app", server.simple_url, ["wpkg", "spkg"],
                 'wpkg = { path = "../dists/wpkg-1.0-py3-none-any.whl" }\nspkg = { path = "../dists/spkg-2.0.tar.gz" }')
    ours = tmp_path / "prong" / "app"
    text = _same_as_uv(ours, tmp_path / "uv" / "app", tmp_path, capsys)
    assert 'source = { path = "../dists/wpkg-1.0-py3-none-any.whl" }' in text
    assert 'wheels = [\n    { filename = "wpkg-1.0-py3-none-any.whl", hash = "sha256:' in text
    assert 'source = { path = "../dists/spkg-2.0.tar.gz" }' in text and 'sdist = { hash = "sha256:' in text
    # moved elsewhere, the lock stays valid (relative paths)
    moved = tmp_path / "moved"
    shutil.copytree(tmp_path / "prong", moved)
    assert run_uv(["lock", "--locked"], moved / "app", tmp_path).returncode == 0
    assert _prong(moved / "app", tmp_path / "cache", "lock", "--locked") == 0, capsys.readouterr().err
    # a changed file is noticed
    make_wheel(moved / "dists", "wpkg", "1.0", requires_dist=["idna"])
    capsys.readouterr()
    assert _prong(moved / "app", tmp_path / "cache", "lock", "--locked") != 0
    assert _prong(ours, tmp_path / "cache", "sync") == 0, capsys.readouterr().err
    _import(ours, "wpkg", "spkg")


def test_url_sources_lock_as_uv(server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = server.url + "/files"
    deps = ["wpkg", "upkg", f"spkg @ {files}/spkg-2.0.tar.gz"]
    sources = (f'wpkg = {{ url = "{files}/wpkg-1.0-py3-none-any.whl" }}\n'
               f'upkg = {{ url = "{files}/upkg-4.0.tar.gz", subdirectory = "sub" }}')
    ours = _project(tmp_path / "prong", server.simple_url, deps, sources)
    text = _same_as_uv(ours, _project(tmp_path / "uv", server.simple_url, deps, sources), tmp_path, capsys)
    assert f'source = {{ url = "{files}/upkg-4.0.tar.gz", subdirectory = "sub" }}' in text
    assert f'{{ name = "spkg", url = "{files}/spkg-2.0.tar.gz" }}' in text
    assert _prong(ours, tmp_path / "cache", "sync") == 0, capsys.readouterr().err
    _import(ours, "wpkg", "spkg", "upkg")


def test_git_sources_lock_as_uv(server: IndexServer, repo: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    url = repo.as_uri()
    deps = ["gpkg", f"hpkg @ git+{url}@feat#subdirectory=sub-h"]
    sources = f'gpkg = {{ git = "{url}", tag = "v1", subdirectory = "sub-g" }}'
    ours = _project(tmp_path / "prong", server.simple_url, deps, sources)
    text = _same_as_uv(ours, _project(tmp_path / "uv", server.simple_url, deps, sources), tmp_path, capsys)
    v1 = _git(repo, "rev-parse", "v1")
    feat = _git(repo, "rev-parse", "feat")
    assert f'source = {{ git = "{url}?subdirectory=sub-g&tag=v1#{v1}" }}' in text
    assert f'source = {{ git = "{url}?subdirectory=sub-h&rev=feat#{feat}" }}' in text
    assert len(list((tmp_path / "cache" / "git-v0" / "db").iterdir())) == 1
    assert _prong(ours, tmp_path / "cache", "sync") == 0, capsys.readouterr().err
    _import(ours, "gpkg", "hpkg")


@pytest.mark.parametrize("kind", ["branch", "rev"])
def test_git_branch_and_rev(server: IndexServer, repo: Path, tmp_path: Path, kind: str,
                            capsys: pytest.CaptureFixture[str]) -> None:
    value = "feat" if kind == "branch" else _git(repo, "rev-parse", "v1")
    sources = f'hpkg = {{ git = "{repo.as_uri()}", {kind} = "{value}", subdirectory = "sub-h" }}'
    ours = _project(tmp_path / "prong", server.simple_url, ["hpkg"], sources)
    _same_as_uv(ours, _project(tmp_path / "uv", server.simple_url, ["hpkg"], sources), tmp_path, capsys)


def test_a_changed_git_tag_is_noticed(server: IndexServer, repo: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    sources = f'gpkg = {{ git = "{repo.as_uri()}", tag = "v1", subdirectory = "sub-g" }}'
    ours = _project(tmp_path / "prong", server.simple_url, ["gpkg"], sources)
    assert _prong(ours, tmp_path / "cache", "lock") == 0, capsys.readouterr().err
    (ours / "pyproject.toml").write_text((ours / "pyproject.toml").read_text().replace('tag = "v1"', 'branch = "feat"'))
    assert _prong(ours, tmp_path / "cache", "lock", "--locked") != 0
    assert "branch=feat" not in (ours / "uv.lock").read_text()


def test_credentials_never_reach_the_lock(server: IndexServer, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    url = server.url.replace("http://", "http://user:s3cret@") + "/files/wpkg-1.0-py3-none-any.whl"
    ours = _project(tmp_path / "prong", server.simple_url, ["wpkg"], f'wpkg = {{ url = "{url}" }}')
    assert _prong(ours, tmp_path / "cache", "lock") == 0, capsys.readouterr().err
    text = (ours / "uv.lock").read_text()
    assert "s3cret" not in text and "user" not in text
    assert f'source = {{ url = "{server.url}/files/wpkg-1.0-py3-none-any.whl" }}' in text


def _bad(tmp_path: Path, server: IndexServer, repo: Path, case: str) -> tuple[str, str]:
    files = server.url.replace("http://", "http://user:s3cret@") + "/files"
    (tmp_path / "dists").mkdir()
    (tmp_path / "dists" / "not-a-wheel.whl").write_bytes(dist_bytes(WPKG))
    return {
        "tag": (f'x = {{ git = "{repo.as_uri()}", tag = "v9" }}', "has no tag `v9`"),
        "404": (f'x = {{ url = "{files}/x-1.0.tar.gz" }}', f"{server.url}/files/x-1.0.tar.gz: HTTP 404"),
        "missing": ('x = { path = "../dists/x-1.0.tar.gz" }', "../dists/x-1.0.tar.gz does not exist"),
        "wheel-name": ('x = { path = "../dists/not-a-wheel.whl" }', "is not a valid wheel file name"),
        "escape": (f'x = {{ url = "{files}/evil-1.0.tar.gz" }}', "would be written outside"),
    }[case]


@pytest.mark.parametrize("case", ["tag", "404", "missing", "wheel-name", "escape"])
def test_bad_sources_fail_cleanly(server: IndexServer, repo: Path, tmp_path: Path, case: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    sources, wanted = _bad(tmp_path, server, repo, case)
    ours = _project(tmp_path / "app", server.simple_url, ["x"], sources)
    capsys.readouterr()
    assert _prong(ours, tmp_path / "cache", "lock") != 0
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "\nhint: " in err and wanted in err, err
    assert "s3cret" not in err and "Traceback" not in err
    assert not (ours / "uv.lock").exists()
    assert not (tmp_path / "escaped.txt").exists()


def test_a_moved_branch_keeps_the_locked_commit(server: IndexServer, repo: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """As uv: a lock that resolves again (another dependency added) keeps the commit the existing
    lock has for the repository and reference, also for a new package from the same repository
    and branch (another subdirectory); `--upgrade-package` / `--upgrade` take the branch's new head."""
    url = repo.as_uri()
    hsrc = f'hpkg = {{ git = "{url}", branch = "feat", subdirectory = "sub-h" }}'
    gsrc = f'gpkg = {{ git = "{url}", branch = "feat", subdirectory = "sub-g" }}'
    ours = _project(tmp_path / "prong", server.simple_url, ["hpkg"], hsrc)
    theirs = _project(tmp_path / "uv", server.simple_url, ["hpkg"], hsrc)
    _same_as_uv(ours, theirs, tmp_path, capsys)
    old = _git(repo, "rev-parse", "feat")
    _git(repo, "checkout", "-q", "feat")
    (repo / "sub-h" / "extra.txt").write_text("three\n")
    _git(repo, "commit", "-qam", "three")
    _git(repo, "checkout", "-q", "main")
    new = _git(repo, "rev-parse", "feat")
    assert new != old

    def step(deps: list[str], sources: str, *args: str) -> str:
        for where in (ours, theirs):
            _project(where, server.simple_url, deps, sources)
        capsys.readouterr()
        assert _prong(ours, tmp_path / "cache", "lock", *args) == 0, capsys.readouterr().err
        done = run_uv(["lock", *args], theirs, tmp_path)
        assert done.returncode == 0, done.stderr
        text = (ours / "uv.lock").read_text()
        assert text == (theirs / "uv.lock").read_text()
        return text

    text = step(["hpkg", "idna"], hsrc)  # resolves again: the commit is kept
    assert f"branch=feat#{old}" in text and new not in text and 'name = "idna"' in text
    capsys.readouterr()
    assert _prong(ours, tmp_path / "cache", "lock", "--locked") == 0, capsys.readouterr().err
    text = step(["hpkg", "idna", "gpkg"], f"{hsrc}\n{gsrc}")  # same repository and branch: same commit
    assert f"subdirectory=sub-g&branch=feat#{old}" in text and new not in text
    # `-P hpkg` alone: gpkg's entry still pins the repository and branch (uv's rule too)
    text = step(["hpkg", "idna", "gpkg"], f"{hsrc}\n{gsrc}", "--upgrade-package", "hpkg")
    assert new not in text
    text = step(["hpkg", "idna", "gpkg"], f"{hsrc}\n{gsrc}", "--upgrade-package", "hpkg", "--upgrade-package", "gpkg")
    assert f"subdirectory=sub-h&branch=feat#{new}" in text and old not in text
    text = step(["hpkg", "gpkg"], f"{hsrc}\n{gsrc}")
    assert f"subdirectory=sub-g&branch=feat#{new}" in text and 'name = "idna"' not in text
    _git(repo, "checkout", "-q", "feat")
    (repo / "sub-h" / "extra.txt").write_text("four\n")
    _git(repo, "commit", "-qam", "four")
    _git(repo, "checkout", "-q", "main")
    text = step(["hpkg", "gpkg"], f"{hsrc}\n{gsrc}", "--upgrade")
    assert f"branch=feat#{_git(repo, 'rev-parse', 'feat')}" in text and new not in text
    assert _prong(ours, tmp_path / "cache", "sync") == 0, capsys.readouterr().err
    _import(ours, "gpkg", "hpkg")


def _changes(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith((" + ", " - ", " ~ "))]


def test_sync_lines_name_the_sources_as_uv(server: IndexServer, repo: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`prong sync` says where each direct package comes from in uv's words: `git+URL@<commit>`
    for git, the URL for a URL source, the `file://` URL for a path file; a new commit of the same
    version is installed again."""
    make_wheel(tmp_path / "dists", "wpkg", "1.0", requires_dist=["six"])
    make_sdist(tmp_path / "dists", "spkg", "2.0", requires_dist=["idna>=2"])
    url = repo.as_uri()
    files = server.url + "/files"
    deps = ["gpkg", f"hpkg @ git+{url}@feat#subdirectory=sub-h", "wpkg", "spkg", "upkg"]
    sources = (f'gpkg = {{ git = "{url}", tag = "v1", subdirectory = "sub-g" }}\n'
               'wpkg = { path = "../dists/wpkg-1.0-py3-none-any.whl" }\nspkg = { path = "../dists/spkg-2.0.tar.gz" }\n'
               f'upkg = {{ url = "{files}/upkg-4.0.tar.gz", subdirectory = "sub" }}')
    ours = _project(tmp_path / "prong", server.simple_url, deps, sources)
    theirs = _project(tmp_path / "uv", server.simple_url, deps, sources)
    capsys.readouterr()
    assert _prong(ours, tmp_path / "cache", "sync") == 0
    mine = _changes(capsys.readouterr().err)
    done = run_uv(["sync"], theirs, tmp_path)
    assert done.returncode == 0, done.stderr
    assert mine == _changes(done.stderr)
    v1, feat = _git(repo, "rev-parse", "v1"), _git(repo, "rev-parse", "feat")
    assert f" + gpkg==3.0 (from git+{url}@{v1}#subdirectory=sub-g)" in mine
    assert f" + hpkg==5.0 (from git+{url}@{feat}#subdirectory=sub-h)" in mine
    assert f" + upkg==4.0 (from {files}/upkg-4.0.tar.gz#subdirectory=sub)" in mine
    assert f" + wpkg==1.0 (from {(tmp_path / 'dists' / 'wpkg-1.0-py3-none-any.whl').as_uri()})" in mine
    # the branch moves; after `lock -P hpkg` the same version at the new commit is installed again
    _git(repo, "checkout", "-q", "feat")
    (repo / "sub-h" / "extra.txt").write_text("three\n")
    _git(repo, "commit", "-qam", "three")
    _git(repo, "checkout", "-q", "main")
    new = _git(repo, "rev-parse", "feat")
    assert _prong(ours, tmp_path / "cache", "lock", "-P", "hpkg") == 0
    assert run_uv(["lock", "-P", "hpkg"], theirs, tmp_path).returncode == 0
    capsys.readouterr()
    assert _prong(ours, tmp_path / "cache", "sync") == 0
    mine = _changes(capsys.readouterr().err)
    done = run_uv(["sync"], theirs, tmp_path)
    assert mine == _changes(done.stderr)
    assert mine == [f" - hpkg==5.0 (from git+{url}@{feat}#subdirectory=sub-h)",
                    f" + hpkg==5.0 (from git+{url}@{new}#subdirectory=sub-h)"]
    # prong takes uv's environment as it is (the same installs, git commits included)
    capsys.readouterr()
    assert _prong(theirs, tmp_path / "cache", "sync") == 0
    assert _changes(capsys.readouterr().err) == []
