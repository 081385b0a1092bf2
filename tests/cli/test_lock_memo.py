"""`prong lock` answered from its memo (prong.cli.quick): the same lock, no request, no resolver.

Each test runs the real CLI in a subprocess (the memo is read before anything heavy is imported,
so only a fresh process shows what it imports) against an index on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prong.api import _lock_memo
from prong.cli import quick
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist

SRC = str(Path(__file__).resolve().parents[2] / "src")
DISTS = [Dist("alpha", "1.0", requires_dist=["beta>=1"]), Dist("beta", "1.0"), Dist("beta", "2.0"),
         Dist("gamma", "1.0")]
PYPROJECT = '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["alpha"]\n'


@pytest.fixture
def index():  # type: ignore[no-untyped-def]
    with IndexServer(DISTS) as server:
        yield server


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PRONG_", "VIRTUAL_ENV"))}
    env.update(PYTHONPATH=SRC, PRONG_CACHE_DIR=str(tmp_path / "cache"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               HOME=str(tmp_path / "home"))
    return env


def _lock(project: Path, index: IndexServer, tmp_path: Path, *args: str, env: dict[str, str] | None = None,
          importtime: bool = False) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, *(["-X", "importtime"] if importtime else []), "-m", "prong", "lock",
           "--default-index", index.simple_url, *args]
    return subprocess.run(cmd, cwd=project, env=env or _env(tmp_path), capture_output=True, text=True, timeout=120)


def _page_requests(index: IndexServer) -> int:
    return sum(n for path, n in index.counts.items() if path.startswith("/simple/"))


def _memos(tmp_path: Path) -> list[Path]:
    bucket = tmp_path / "cache" / "locks-v1" / "resolved"
    return sorted(p for p in bucket.rglob("*") if p.is_file()) if bucket.is_dir() else []


def _summary(stderr: str) -> list[str]:
    return [line.rsplit(" in ", 1)[0] for line in stderr.splitlines() if not line.startswith("import time:")]


def test_second_lock_is_answered_from_the_memo(index: IndexServer, project: Path, tmp_path: Path) -> None:
    first = _lock(project, index, tmp_path)
    assert first.returncode == 0, first.stderr
    text = (project / "uv.lock").read_text()
    assert 'name = "beta"\nversion = "2.0"' in text
    assert len(_memos(tmp_path)) == 1
    requests = _page_requests(index)

    (project / "uv.lock").unlink()
    again = _lock(project, index, tmp_path, importtime=True)
    assert again.returncode == 0, again.stderr
    assert (project / "uv.lock").read_text() == text
    assert _page_requests(index) == requests  # no request at all
    assert _summary(again.stderr) == _summary(first.stderr) == ["Resolved 3 packages"]
    imported = {line.split("|")[-1].strip() for line in again.stderr.splitlines() if line.startswith("import time:")}
    assert "prong.cli.quick" in imported
    heavy = sorted(m for m in imported if m.startswith(("prong.api.", "prong.resolver", "prong.lock", "argparse"))
                   and m != "prong.api._lock_memo")
    assert heavy == []  # the memo was the answer: no resolver, not even the argument parser

    # a lock that is already the memo's: nothing written, same line
    before = (project / "uv.lock").stat().st_mtime_ns
    noop = _lock(project, index, tmp_path)  # (the first no-op run leaves the memo of the lock-present key)
    noop = _lock(project, index, tmp_path, "--locked", importtime=True)
    assert noop.returncode == 0, noop.stderr
    assert _summary(noop.stderr) == ["Resolved 3 packages"]
    assert not any("prong.resolver" in line for line in noop.stderr.splitlines())
    assert (project / "uv.lock").stat().st_mtime_ns == before
    quiet = _lock(project, index, tmp_path, "-q")
    assert (quiet.returncode, quiet.stderr) == (0, "")
    verbose = _lock(project, index, tmp_path, "-v")  # says where the answer came from
    assert verbose.returncode == 0
    assert verbose.stderr.startswith("INFO prong.lock: the inputs are those of an earlier lock"), verbose.stderr
    assert _page_requests(index) == requests


def test_a_verbose_run_leaves_a_memo_too(index: IndexServer, project: Path, tmp_path: Path) -> None:
    first = _lock(project, index, tmp_path, "-v")  # (its INFO lines are not warnings)
    assert first.returncode == 0 and "INFO prong.http: GET" in first.stderr
    assert len(_memos(tmp_path)) == 1


def test_any_changed_input_resolves_again(index: IndexServer, project: Path, tmp_path: Path) -> None:
    assert _lock(project, index, tmp_path).returncode == 0
    # the project
    (project / "pyproject.toml").write_text(PYPROJECT.replace('["alpha"]', '["alpha", "gamma"]'))
    (project / "uv.lock").unlink()
    assert _lock(project, index, tmp_path).returncode == 0
    assert 'name = "gamma"' in (project / "uv.lock").read_text()
    # an option on the command line
    (project / "uv.lock").unlink()
    assert _lock(project, index, tmp_path, "--resolution", "lowest").returncode == 0
    assert 'name = "beta"\nversion = "1.0"' in (project / "uv.lock").read_text()
    # the environment
    (project / "uv.lock").unlink()
    assert _lock(project, index, tmp_path, env={**_env(tmp_path), "UV_RESOLUTION": "highest"}).returncode == 0
    assert 'name = "beta"\nversion = "2.0"' in (project / "uv.lock").read_text()
    # the user's uv.toml
    config = tmp_path / "config" / "uv" / "uv.toml"
    config.parent.mkdir(parents=True)
    config.write_text('resolution = "lowest"\n')
    (project / "uv.lock").unlink()
    assert _lock(project, index, tmp_path).returncode == 0
    assert 'name = "beta"\nversion = "1.0"' in (project / "uv.lock").read_text()
    # a lock already there that is not the memo's: the full command, as without any memo
    config.unlink()
    lowest = (project / "uv.lock").read_text()
    with_memos = _lock(project, index, tmp_path)
    assert with_memos.returncode == 0, with_memos.stderr
    result = (project / "uv.lock").read_text()
    (project / "uv.lock").write_text(lowest)
    without = _lock(project, index, tmp_path, env={**_env(tmp_path), "PRONG_NO_MEMO": "1"})
    assert (without.returncode, _summary(without.stderr)) == (0, _summary(with_memos.stderr))
    assert (project / "uv.lock").read_text() == result


def test_a_page_gone_stale_or_rewritten_is_asked_again(project: Path, tmp_path: Path) -> None:
    with IndexServer(DISTS, max_age=2) as index:
        assert _lock(project, index, tmp_path).returncode == 0
        requests = _page_requests(index)
        time.sleep(2.2)  # every page is stale now: a full run revalidates them (and writes a new memo)
        (project / "uv.lock").unlink()
        assert _lock(project, index, tmp_path).returncode == 0
        assert _page_requests(index) > requests
    with IndexServer([*DISTS, Dist("beta", "3.0")]) as index:
        # --refresh rewrites the cached pages: the memo that read them no longer holds
        (project / "uv.lock").unlink()
        assert _lock(project, index, tmp_path, "--refresh").returncode == 0
        assert 'version = "3.0"' in (project / "uv.lock").read_text()
        (project / "uv.lock").unlink()
        assert _lock(project, index, tmp_path).returncode == 0
        assert 'version = "3.0"' in (project / "uv.lock").read_text()


def test_no_memo_for_a_path_source_or_a_workspace(index: IndexServer, project: Path, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "pyproject.toml").write_text('[project]\nname = "lib"\nversion = "1.0"\ndependencies = []\n'
                                        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n')
    (project / "pyproject.toml").write_text(PYPROJECT.replace('["alpha"]', '["alpha", "lib"]')
                                            + '[tool.uv.sources]\nlib = { path = "../lib" }\n')
    done = _lock(project, index, tmp_path)
    assert done.returncode == 0, done.stderr
    assert _memos(tmp_path) == []  # lib's own files are inputs the memo's key does not read


def test_a_subdirectory_is_answered_for_its_project_and_unknown_options_never(
    index: IndexServer, project: Path, tmp_path: Path
) -> None:
    sub = project / "src"
    sub.mkdir()
    for _ in range(2):
        (project / "uv.lock").unlink(missing_ok=True)
        done = _lock(sub, index, tmp_path, importtime=True)
        assert done.returncode == 0, done.stderr
        assert (project / "uv.lock").is_file() and not (sub / "uv.lock").exists()
    assert not any("prong.resolver" in line for line in done.stderr.splitlines())  # the second: from its memo
    nested = sub / "pkg"  # a pyproject.toml of its own below the project: no memo there
    nested.mkdir()
    (nested / "pyproject.toml").write_text('[tool.black]\nline-length = 100\n')
    before = len(_memos(tmp_path))
    ours = _lock(nested, index, tmp_path)
    plain = _lock(nested, index, tmp_path, env={**_env(tmp_path), "PRONG_NO_MEMO": "1"})
    assert (ours.returncode, ours.stderr) == (plain.returncode, plain.stderr)  # (what the full command says)
    assert len(_memos(tmp_path)) == before
    assert _lock(project, index, tmp_path, "--upgrade").returncode == 0
    assert len(_memos(tmp_path)) == before


@pytest.mark.parametrize(("args", "expected"), [
    (["lock"], ([], None, False, False, False)),
    (["-q", "lock", "--locked"], ([], None, True, True, False)),
    (["lock", "--default-index=http://x/simple", "-p", "3.12"], (["--default-index", "http://x/simple", "-p", "3.12"],
                                                                   None, False, False, False)),
    (["--cache-dir", "c", "lock"], (["--cache-dir", "c"], "c", False, False, False)),
    (["-v", "lock"], ([], None, False, False, True)),
    (["lock", "--upgrade"], None),
    (["lock", "-vvv"], None),
    (["lock", "--default-index"], None),
    (["sync"], None),
    (["lock", "lock"], None),
])
def test_command_lines_answered(args: list[str], expected: object) -> None:
    assert quick._parse(args) == expected


def test_memo_rejects_a_changed_entry(tmp_path: Path) -> None:
    entry = tmp_path / "entry"
    entry.write_bytes(b"page")
    memo = _lock_memo.path(str(tmp_path / "cache"), "ab" * 20)
    assert _lock_memo.write(memo, 3, "LOCK", {str(entry): time.time() + 60})
    assert _lock_memo.read(memo) == (3, b"LOCK")
    assert _lock_memo.read(memo, now=time.time() + 120) is None  # stale
    entry.write_bytes(b"page, rewritten")
    assert _lock_memo.read(memo) is None
    entry.unlink()
    assert _lock_memo.read(memo) is None
    assert not _lock_memo.write(memo, 3, "LOCK", {str(entry): time.time() - 1})  # already stale: not kept
    # a damaged memo (the lock cut short) is no memo: a lock is never written from it
    assert _lock_memo.write(memo, 3, "LOCK TEXT", {})
    Path(memo).write_bytes(Path(memo).read_bytes()[:-4])
    assert _lock_memo.read(memo) is None
    noop = _lock_memo.noop_path(str(tmp_path / "cache"), "cd" * 20)
    assert _lock_memo.write_noop(noop, "Checked 2 packages in \0\n")
    assert _lock_memo.read_noop(noop) == "Checked 2 packages in \0\n"
    Path(noop).write_bytes(Path(noop).read_bytes().replace(b"Checked 2", b"Checked 3"))
    assert _lock_memo.read_noop(noop) is None


def test_cache_prune_removes_the_memos_that_no_longer_hold(tmp_path: Path) -> None:
    from prong.api.cache import cache_prune

    root = tmp_path / "cache"
    page = tmp_path / "page"
    page.write_bytes(b"page")
    kept, dropped = _lock_memo.path(str(root), "aa" * 20), _lock_memo.path(str(root), "bb" * 20)
    assert _lock_memo.write(kept, 1, "KEPT", {})  # (a no-op lock's memo: no page, holds for good)
    assert _lock_memo.write(dropped, 2, "DROPPED", {str(page): time.time() + 60})
    page.write_bytes(b"page, rewritten")
    done = cache_prune(cache_dir=root)
    assert done.files == 1
    assert Path(kept).is_file() and not Path(dropped).exists()


def test_the_memo_holds_wherever_the_project_lives(index: IndexServer, project: Path, tmp_path: Path) -> None:
    assert _lock(project, index, tmp_path).returncode == 0
    text = (project / "uv.lock").read_text()
    requests = _page_requests(index)
    twin = tmp_path / "twin"  # the same files at the same depth: the same lock (it holds no absolute path)
    twin.mkdir()
    (twin / "pyproject.toml").write_text(PYPROJECT)
    done = _lock(twin, index, tmp_path, importtime=True)
    assert done.returncode == 0, done.stderr
    assert (twin / "uv.lock").read_text() == text
    assert _page_requests(index) == requests
    assert not any("prong.resolver" in line for line in done.stderr.splitlines())


# -- sync and run with nothing to do ------------------------------------------------------------

def _prong(project: Path, index: IndexServer, tmp_path: Path, *args: str, importtime: bool = False,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, *(["-X", "importtime"] if importtime else []), "-m", "prong", *args]
    run_env = {**(env or _env(tmp_path)), "UV_DEFAULT_INDEX": index.simple_url}
    return subprocess.run(cmd, cwd=project, env=run_env, capture_output=True, text=True, timeout=300)


def _imported(stderr: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def _site(project: Path) -> Path:
    return next((project / ".venv" / "lib").glob("python*/site-packages"))


def test_a_sync_with_nothing_to_do_is_answered_from_its_memo(index: IndexServer, project: Path,
                                                             tmp_path: Path) -> None:
    assert _prong(project, index, tmp_path, "sync").returncode == 0
    full = _prong(project, index, tmp_path, "sync")  # nothing to do: leaves the memo
    assert full.returncode == 0, full.stderr
    again = _prong(project, index, tmp_path, "sync", importtime=True)
    assert again.returncode == 0, again.stderr
    assert _summary(again.stderr) == _summary(full.stderr) == ["Resolved 3 packages", "Checked 2 packages"]
    assert not any(m.startswith(("prong.api.sync", "prong.resolver", "argparse")) for m in _imported(again.stderr))
    # a package taken out of site-packages by hand: site-packages changed, the full sync puts it back
    for path in _site(project).glob("beta*"):
        shutil.rmtree(path)
    fixed = _prong(project, index, tmp_path, "sync")
    assert fixed.returncode == 0 and " + beta==2.0" in fixed.stderr, fixed.stderr
    # the project changed: the full sync (and lock) run
    (project / "pyproject.toml").write_text(PYPROJECT.replace('["alpha"]', '["alpha", "gamma"]'))
    added = _prong(project, index, tmp_path, "sync")
    assert added.returncode == 0 and " + gamma==1.0" in added.stderr, added.stderr


def test_run_with_nothing_to_sync_starts_the_command_at_once(index: IndexServer, project: Path,
                                                            tmp_path: Path) -> None:
    assert _prong(project, index, tmp_path, "sync").returncode == 0
    script = "import os, sys, alpha; print(os.environ['VIRTUAL_ENV'], sys.prefix == os.environ['VIRTUAL_ENV']); " \
             "sys.exit(7)"
    first = _prong(project, index, tmp_path, "run", "python", "-c", script)  # leaves the memo
    again = _prong(project, index, tmp_path, "run", "--", "python", "-c", script, importtime=True)
    for done in (first, again):
        assert done.returncode == 7, done.stderr
        assert done.stdout == f"{project / '.venv'} True\n"
    assert _summary(again.stderr) == _summary(first.stderr)
    assert not any(m.startswith(("prong.api.run", "prong.resolver", "subprocess")) for m in _imported(again.stderr))
    (project / "hello.py").write_text("import sys\nprint(sys.executable)\n")
    script_run = _prong(project, index, tmp_path, "run", "hello.py")
    assert script_run.returncode == 0 and script_run.stdout == f"{project / '.venv' / 'bin' / 'python'}\n"
    sub = project / "tests"  # from a subdirectory: the project's environment, the command in the subdirectory
    sub.mkdir()
    here = "import os, sys; print(os.getcwd(), sys.prefix)"
    for _ in range(2):
        done = _prong(sub, index, tmp_path, "run", "python", "-c", here, importtime=True)
        assert done.returncode == 0 and done.stdout == f"{sub} {project / '.venv'}\n", done.stderr
    assert not any(m.startswith("prong.api.run") for m in _imported(done.stderr))  # the second: from its memo
    missing = _prong(project, index, tmp_path, "run", "no-such-command-here")  # the full command says so
    assert missing.returncode == 2 and "Failed to spawn: `no-such-command-here`" in missing.stderr


@pytest.mark.parametrize(("args", "expected"), [
    (["sync"], ("sync", [], None, [])),
    (["sync", "--frozen", "--extra", "x", "-q"], ("sync", ["--frozen", "--extra", "x", "-q"], None, [])),
    (["run", "python", "-c", "1"], ("run", [], None, ["python", "-c", "1"])),
    (["run", "--frozen", "--", "pytest", "-x"], ("run", ["--frozen"], None, ["pytest", "-x"])),
    (["run", "--with", "rich", "python"], None),
    (["sync", "--reinstall"], None),
    (["run"], None),
    (["--cache-dir", "c", "sync"], ("sync", ["--cache-dir", "c"], "c", [])),
])
def test_sync_command_lines_answered(args: list[str], expected: object) -> None:
    assert quick._parse_sync(args) == expected


def test_run_prints_what_uv_run_prints(index: IndexServer, project: Path, tmp_path: Path) -> None:
    """`uv run`'s sync says only what it installed or removed, unless -v or --show-resolution."""
    from tests.support.uv import run_uv

    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "pyproject.toml").write_text(PYPROJECT + f'\n[[tool.uv.index]]\nurl = "{index.simple_url}"\ndefault = true\n')
    outputs = []
    for where, tool in ((project, "prong"), (twin, "uv")):
        def run(*args: str) -> subprocess.CompletedProcess[str]:
            if tool == "prong":
                return _prong(where, index, tmp_path, "run", *args)
            return run_uv(["run", *args], where, tmp_path)

        assert (run("python", "-c", "pass")).returncode == 0  # creates and syncs the venv
        for path in _site(where).glob("beta*"):
            shutil.rmtree(path)
        reinstalled = run("python", "-c", "pass")
        unchanged = run("python", "-c", "pass")
        shown = run("--show-resolution", "python", "-c", "pass")
        outputs.append([_summary(p.stderr) for p in (reinstalled, unchanged, shown)])
    assert outputs[0] == outputs[1] == [["Installed 1 package"], [], ["Resolved 3 packages", "Checked 2 packages"]]
