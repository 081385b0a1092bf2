"""`prong sync` is safe (issue 13, section 7): a wheel whose paths escape the environment or whose
RECORD does not match its files, and a download whose hash is not the lock's, are refused before
anything is written into the venv, even with good packages in the same sync; and a SIGINT at any
moment of a 60-package sync exits 130 with ``error: interrupted``, leaves every installed package
whole, and the next sync repairs the rest.

Everything runs against a local index on 127.0.0.1 serving wheels the tests build, with prong as a
subprocess (``python -m prong``) so that the exit status, stderr and signals are the real ones.
``PRONG_FULL=1`` runs the 20 interrupt trials of the acceptance; by default 6.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import prong
from tests.support.index_server import Hosted, IndexServer
from tests.support.wheel_builder import (
    Member,
    check_installed,
    hosted,
    installed,
    recorded_files,
    site_packages,
    tree,
    wheel_bytes,
)

SRC = Path(prong.__file__).resolve().parents[1]
FULL = os.environ.get("PRONG_FULL", "").strip() not in ("", "0")


def _env(home: Path) -> dict[str, str]:
    """The environment of a prong subprocess: this tree's sources, no user configuration, no
    ambient venv or uv settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("UV_") and k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONHOME")}
    env["PYTHONPATH"] = str(SRC)
    env["XDG_CONFIG_HOME"] = str(home / "config")
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Project:
    root: Path
    cache: Path
    server: IndexServer
    env: dict[str, str] = field(default_factory=dict)

    @property
    def venv(self) -> Path:
        return self.root / ".venv"

    def argv(self, *args: str, cache: Path | None = None) -> list[str]:
        return [sys.executable, "-m", "prong", "--directory", str(self.root),
                "--cache-dir", str(cache or self.cache), *args]

    def prong(self, *args: str, cache: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.argv(*args, cache=cache), env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)


def _pyproject(url: str, names: Sequence[str]) -> str:
    deps = ", ".join(f'"{n}"' for n in names)
    return (f'[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = [{deps}]\n\n'
            f'[[tool.uv.index]]\nname = "local"\nurl = "{url}"\ndefault = true\n')


@pytest.fixture
def make_project(tmp_path: Path) -> Iterator[Callable[[Sequence[Hosted]], Project]]:
    """A virtual project depending on every hosted wheel, locked against a local index serving them."""
    servers: list[IndexServer] = []

    def make(wheels: Sequence[Hosted]) -> Project:
        server = IndexServer(wheels).start()
        servers.append(server)
        root = tmp_path / "app"
        root.mkdir()
        (root / "pyproject.toml").write_text(_pyproject(server.simple_url, [h.dist.name for h in wheels]))
        project = Project(root, tmp_path / "cache", server, _env(tmp_path))
        done = project.prong("lock")
        assert done.returncode == 0, done.stderr
        return project

    yield make
    for server in servers:
        server.stop()


def _good(name: str, *, modules: int = 1, script: bool = False) -> Hosted:
    pkg = name.replace("-", "_")
    files = {f"{pkg}/__init__.py": f'def main():\n    print("{name}")\n'.encode()}
    for i in range(1, modules):
        files[f"{pkg}/sub{i % 3}/mod{i}.py"] = f"VALUE = {i}\n".encode() * (1 + i)
    for i in range(3):
        if any(f.startswith(f"{pkg}/sub{i}/") for f in files):
            files[f"{pkg}/sub{i}/__init__.py"] = b""
    return hosted(name, "1.0", wheel_bytes(name, "1.0", files, console_scripts={f"{name}-cli": f"{pkg}:main"}
                                           if script else None))


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


# -- wheels refused before anything is written -----------------------------------------------------

_FILES = {"evil/__init__.py": b"X = 1\n"}

BAD_WHEELS = {
    # kind: (wheel bytes, what the error says)
    "dotdot": (wheel_bytes("evil", "1.0", _FILES, members=[Member("evil/../../escaped.py", b"pwned\n")]),
               "escapes the installation directory"),
    "dotdot-data": (wheel_bytes("evil", "1.0", _FILES, members=[Member("evil-1.0.data/data/../../../x", b"x\n")]),
                    "escapes the installation directory"),
    "absolute": (wheel_bytes("evil", "1.0", _FILES, members=[Member("/tmp/prong-escaped.py", b"pwned\n")]),
                 "has an absolute path"),
    "symlink": (wheel_bytes("evil", "1.0", _FILES, members=[Member("evil/passwd", b"../../../../../etc/passwd",
                                                                   symlink=True)]),
                "is a symbolic link"),
    "record-hash": (wheel_bytes("evil", "1.0", _FILES,
                                record_lies={"evil/__init__.py": "sha256=" + "A" * 43}),
                    "does not match its RECORD hash"),
}


@pytest.mark.parametrize("kind", sorted(BAD_WHEELS))
def test_an_unsafe_wheel_is_refused_and_nothing_is_written(
    kind: str, make_project: Callable[[Sequence[Hosted]], Project]
) -> None:
    data, reason = BAD_WHEELS[kind]
    good = [_good("alpha", modules=4, script=True), _good("beta"), _good("gamma", modules=2)]
    project = make_project([*good, hosted("evil", "1.0", data)])
    made = project.prong("venv")
    assert made.returncode == 0, made.stderr
    before = tree(project.venv)

    done = project.prong("sync", "--frozen")

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = _error_lines(done.stderr)
    assert len(errors) == 1, done.stderr
    assert "evil-1.0-py3-none-any.whl" in errors[0] and reason in errors[0], errors[0]
    # every wheel was fetched and checked before any install: the good ones are not there either
    assert tree(project.venv) == before
    assert not Path("/tmp/prong-escaped.py").exists()
    assert not (project.root / "escaped.py").exists()
    # the refused wheel left nothing in the cache's unpacked archives
    sha = hashlib.sha256(data).hexdigest()
    assert not (project.cache / "archive-v1" / sha).exists()


def test_a_download_that_differs_from_the_lock_is_refused_with_both_hashes(
    make_project: Callable[[Sequence[Hosted]], Project]
) -> None:
    project = make_project([_good("alpha", modules=3, script=True), _good("beta"), _good("gamma")])
    served = project.server.by_filename("beta-1.0-py3-none-any.whl")
    assert served is not None
    locked = served.sha256
    served.data = wheel_bytes("beta", "1.0", {"beta/__init__.py": b"TAMPERED = True\n"})  # same name, other bytes
    assert served.sha256 != locked
    made = project.prong("venv")
    assert made.returncode == 0, made.stderr
    before = tree(project.venv)

    done = project.prong("sync", "--frozen")

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = _error_lines(done.stderr)
    assert len(errors) == 1, done.stderr
    assert "beta-1.0-py3-none-any.whl" in errors[0]
    assert f"sha256:{locked}" in errors[0] and f"sha256:{served.sha256}" in errors[0], errors[0]
    assert errors[0].index(locked) < errors[0].index(served.sha256)  # expected, then actual
    assert tree(project.venv) == before
    # without --frozen (the lock is up to date: it is not resolved again) the same
    done = project.prong("sync")
    assert done.returncode == 1 and f"sha256:{served.sha256}" in done.stderr, done.stderr
    assert tree(project.venv) == before


# -- SIGINT at any moment of a 60-package sync ---------------------------------------------------------

PACKAGES = 60


def _sixty() -> list[Hosted]:
    out = []
    for i in range(PACKAGES):
        name = f"pkg-{i:02d}"
        pkg = name.replace("-", "_")
        files = {f"{pkg}/__init__.py": f'def main():\n    print("{name}")\n'.encode()}
        for j in range(1, 1 + (12 if i % 3 == 0 else 2)):  # every third: 12 more modules in 3 subpackages
            files[f"{pkg}/sub{j % 3}/mod{j}.py"] = (f"# {name} module {j}\n" * (20 + j)).encode()
        for j in range(3):
            if any(f.startswith(f"{pkg}/sub{j}/") for f in files):
                files[f"{pkg}/sub{j}/__init__.py"] = b""
        scripts = {f"{name}-cli": f"{pkg}:main", f"{name}-alt": f"{pkg}:main"} if i % 4 == 0 else None
        data_scripts = {f"{name}-sh": b"#!python\nprint('hello')\n"} if i % 10 == 0 else None
        out.append(hosted(name, "1.0", wheel_bytes(name, "1.0", files, console_scripts=scripts,
                                                   data_scripts=data_scripts)))
    return out


@dataclass
class Run:
    code: int
    stderr: str
    seconds: float  # from the first line prong printed to its exit
    missed: bool = False  # it had ended (or finished its work) before the signal


def _interrupted(project: Project, cache: Path, delay: float | None) -> Run:
    """``prong sync --frozen``, sent SIGINT ``delay`` seconds after its first line (``None``: not sent)."""
    proc = subprocess.Popen(project.argv("sync", "--frozen", cache=cache), env=project.env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    first = threading.Event()
    started = [0.0]

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if not first.is_set():
                started[0] = time.monotonic()
                first.set()
            lines.append(line)
        first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert first.wait(60), "prong printed nothing"
        missed = False
        if delay is not None:
            time.sleep(max(0.0, started[0] + delay - time.monotonic()))
            missed = proc.poll() is not None
            if not missed:
                proc.send_signal(signal.SIGINT)
        code = proc.wait(60)
        ended = time.monotonic()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(10)
    text = "".join(lines)
    # a signal that comes once the sync is done and prong is exiting (Python then dies by it) missed too
    missed = missed or (code != 130 and f"Installed {PACKAGES} packages" in text)
    return Run(code, text, ended - started[0], missed)


def _orphans(venv: Path, baseline: set[str]) -> list[str]:
    """Files in site-packages or bin that neither a fresh venv nor any installed RECORD has: the
    remains of a package that was half linked."""
    owned = recorded_files(venv)
    out = []
    for top in (site_packages(venv), venv / "bin"):
        for path in top.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                continue
            rel = path.relative_to(venv).as_posix()
            if rel not in baseline and Path(os.path.normpath(path)) not in owned:
                out.append(rel)
    return sorted(out)


def _staging(venv: Path) -> list[str]:
    return sorted(p.name for p in site_packages(venv).iterdir() if ".prong-tmp" in p.name)


def test_sigint_at_any_moment_leaves_whole_packages_and_the_next_sync_repairs(
    make_project: Callable[[Sequence[Hosted]], Project], tmp_path: Path
) -> None:
    trials = 20 if FULL else 6
    project = make_project(_sixty())
    server = project.server
    made = project.prong("venv")
    assert made.returncode == 0, made.stderr
    baseline = set(tree(project.venv))
    shutil.rmtree(project.venv)

    # how long a sync takes, cold (slow downloads: 1-2 s) and warm (everything unpacked in the cache)
    server.file_delay = 0.15
    cold = _interrupted(project, project.cache, None)
    assert cold.code == 0, cold.stderr
    assert len(installed(project.venv)) == PACKAGES and not check_installed(project.venv)
    shutil.rmtree(project.venv)
    warm_runs = []
    for _ in range(2):
        warm_runs.append(_interrupted(project, project.cache, None))
        assert warm_runs[-1].code == 0, warm_runs[-1].stderr
        shutil.rmtree(project.venv)
    warm = min(warm_runs, key=lambda r: r.seconds)

    rng = random.Random(int(os.environ.get("PRONG_SEED", "13")))
    outcomes: list[tuple[str, float, int]] = []
    for trial in range(trials):
        # alternate a cold cache (the signal falls in venv creation, downloads, unpacking or
        # linking) and the warm one (mostly linking); the delays are stratified over each run
        is_cold = trial % 2 == 0
        span = (cold if is_cold else warm).seconds * 0.85
        k, n = trial // 2, (trials + 1) // 2
        delay = span * (k + rng.random()) / n
        cache = tmp_path / f"cache-{trial}" if is_cold else project.cache
        server.file_delay = 0.15
        for _attempt in range(4):
            run = _interrupted(project, cache, delay)
            if not run.missed:
                break
            # the sync ended before the signal (faster than the calibration): again, sooner
            shutil.rmtree(project.venv)
            if is_cold:
                shutil.rmtree(cache)
            delay /= 2
        label = f"trial {trial} ({'cold' if is_cold else 'warm'}, SIGINT after {delay:.3f}s)"
        assert not run.missed, f"{label}: the sync had ended ({run.seconds:.3f}s)"
        assert run.code == 130, f"{label}: exit {run.code}\n{run.stderr}"
        assert "Traceback" not in run.stderr, f"{label}\n{run.stderr}"
        assert run.stderr.splitlines()[-1] == "error: interrupted", f"{label}\n{run.stderr}"
        if project.venv.exists() and (project.venv / "pyvenv.cfg").exists():
            assert check_installed(project.venv) == [], label
            assert _staging(project.venv) == [], label
            assert _orphans(project.venv, baseline) == [], label
            count = len(installed(project.venv))
        else:
            count = -1  # interrupted before the venv was whole
        outcomes.append((label, delay, count))

        server.file_delay = 0.0
        repair = project.prong("sync", "--frozen", cache=cache)
        assert repair.returncode == 0, f"{label}: the repair failed\n{repair.stderr}"
        assert len(installed(project.venv)) == PACKAGES, label
        assert check_installed(project.venv) == [], label
        assert _staging(project.venv) == [], label
        assert _orphans(project.venv, baseline) == [], label
        shutil.rmtree(project.venv)
        if is_cold:
            shutil.rmtree(cache)

    summary = "\n".join(f"{label}: {count} of {PACKAGES} installed" for label, _d, count in outcomes)
    print(f"\ncold sync {cold.seconds:.2f}s, warm sync {warm.seconds:.2f}s\n{summary}")
