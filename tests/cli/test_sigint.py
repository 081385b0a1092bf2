"""SIGINT during a cold ``prong pip compile`` of a large set (issue 15's acceptance): at 10 moments
from 0.1 s to the end of the run, prong exits 130 with one ``error: interrupted`` line, prints no
traceback, leaves no temporary file (working directory, cache, TMPDIR), and leaves an existing
``-o`` file byte-identical.

The index is the tests' local :class:`~tests.support.index_server.IndexServer` with 160 generated
projects (3 versions each, a web of dependencies), its project pages slowed a little so that a
cold compile lasts a couple of seconds; prong runs as a real process (``python -m prong``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.index_server import IndexServer
from tests.support.wheels import Dist

SRC = Path(__file__).resolve().parents[2] / "src"
N = 160
OLD = b"# an existing output, which an interrupted run must leave as it is\nsix==1.0\n"


def _dists() -> list[Dist]:
    out = []
    for i in range(N):
        deps = [f"pkg{j}>=1" for j in (2 * i + 1, 2 * i + 2) if j < N]
        for v in ("1.0", "1.1", "2.0"):
            out.append(Dist(f"pkg{i}", v, requires_dist=deps))
    return out


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")} if root.exists() else set()


def _run(work: Path, index: str, n: int, at: float | None) -> tuple[subprocess.CompletedProcess[bytes], float, Path]:
    cache = work / f"cache{n}"  # cold: a new cache every run
    tmp = work / f"tmp{n}"
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PRONG_"))}
    env.update(PYTHONPATH=str(SRC), TMPDIR=str(tmp), PRONG_CACHE_DIR=str(cache))
    cmd = [sys.executable, "-m", "prong", "pip", "compile", "req.in", "-o", "out.txt", "-i", index]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if at is not None:
        time.sleep(max(0.0, at - (time.monotonic() - start)))
        proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), time.monotonic() - start, tmp


@pytest.mark.slow
def test_sigint_at_ten_moments_of_a_cold_compile(tmp_path: Path) -> None:
    with IndexServer(_dists()) as srv:
        srv.delay = 0.02
        index = srv.simple_url + "/"
        (tmp_path / "req.in").write_text("pkg0\n")
        baseline, duration, _ = _run(tmp_path, index, 0, None)
        assert baseline.returncode == 0, baseline.stderr.decode()
        full = (tmp_path / "out.txt").read_bytes()
        assert full.count(b"==") == N and duration > 0.5, (duration, full[:200])
        moments = [0.1 + (0.95 * duration - 0.1) * k / 9 for k in range(10)]  # 0.1 s to the end
        interrupted = 0
        for n, at in enumerate(moments, 1):
            (tmp_path / "out.txt").write_bytes(OLD)
            before = _files(tmp_path) - {f"cache{n}", f"tmp{n}"}
            result, _, tmp = _run(tmp_path, index, n, at)
            err = result.stderr.decode()
            assert b"Traceback" not in result.stdout + result.stderr, (at, err)
            assert "Exception ignored" not in err, (at, err)
            new = {f for f in _files(tmp_path) - before if not f.startswith((f"cache{n}", f"tmp{n}"))}
            assert new == set(), (at, new)  # no temporary file beside the output
            cache_tmp = [f for f in _files(tmp_path / f"cache{n}") if f.endswith(".tmp")]
            assert cache_tmp == [], (at, cache_tmp)
            assert _files(tmp) == set(), (at, _files(tmp))
            if result.returncode in (0, 130, -signal.SIGINT) and (tmp_path / "out.txt").read_bytes() == full:
                # the signal came after the output was written whole (while the run closed its connections
                # or the interpreter shut down): the last moments only
                assert at >= moments[-2], (at, duration, err)
                assert (tmp_path / "out.txt").read_bytes() == full
                continue
            interrupted += 1
            assert result.returncode == 130, (at, result.returncode, err)
            assert [line for line in err.splitlines() if line.startswith("error:")] == ["error: interrupted"], (at, err)
            assert (tmp_path / "out.txt").read_bytes() == OLD, at
        print(f"cold compile {duration:.2f} s; {interrupted} of 10 interrupted")
        assert interrupted >= 9, interrupted
