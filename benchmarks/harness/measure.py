"""Run one command and measure it: wall time, user+sys CPU and peak RSS of its process tree.

* Wall: ``time.perf_counter`` around spawn and reap.
* CPU: the ``rusage`` that ``os.wait4`` returns for the child, which on Linux includes every
  descendant the child (or its descendants) waited for: user + sys of the whole tree.
* Peak RSS: the larger of (a) the maximum, over samples every ``POLL_S`` seconds, of the summed
  RSS of every process in the child's session (the child is started in a new session; the
  harness scans ``/proc/*/stat`` for that session id), and (b) ``ru_maxrss`` from ``wait4``,
  the peak of the single largest process of the tree, which catches runs shorter than a sample.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

POLL_S = 0.05
resource_struct = resource.struct_rusage
_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True, slots=True)
class Sample:
    """One timed run."""

    wall: float
    cpu: float
    rss_mib: float
    returncode: int
    timed_out: bool
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def _session_rss_kib(sid: int) -> int:
    total = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
            fields = stat[stat.rindex(b")") + 2 :].split()
            # fields: state ppid pgrp session ... ; rss is field 24 of the full line (index 21 here)
            if int(fields[3]) != sid:
                continue
            total += int(fields[21]) * _PAGE_KIB
        except (OSError, ValueError, IndexError):
            continue
    return total


class _RssPoller(threading.Thread):
    def __init__(self, sid: int) -> None:
        super().__init__(daemon=True)
        self.sid = sid
        self.peak_kib = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak_kib = max(self.peak_kib, _session_rss_kib(self.sid))
            self._halt.wait(POLL_S)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _tail(path: Path, limit: int = 200_000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-limit:].decode("utf-8", "replace")


def run_measured(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    *,
    timeout: float = 1800.0,
    log_dir: Path | None = None,
) -> Sample:
    """Run ``argv`` once, wait for it (and its tree) and return the measurements."""
    log_dir = log_dir or cwd
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / "stdout.txt", log_dir / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True
        )
        poller = _RssPoller(proc.pid)
        poller.start()
        reaped: dict[str, object] = {}

        def reap() -> None:
            _, st, ru = os.wait4(proc.pid, 0)
            reaped["end"] = time.perf_counter()
            reaped["status"], reaped["usage"] = st, ru

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        waiter.join(timeout)
        timed_out = waiter.is_alive()
        if timed_out:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            waiter.join()
        wall = float(reaped["end"]) - start  # type: ignore[arg-type]
        status = int(reaped["status"])  # type: ignore[call-overload]
        usage = reaped["usage"]
        assert isinstance(usage, resource_struct)
        proc.returncode = os.waitstatus_to_exitcode(status)
        poller.stop()
    # Reap nothing else: descendants that outlive the child are killed with its session.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    rss_kib = max(poller.peak_kib, usage.ru_maxrss)
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mib=rss_kib / 1024,
        returncode=proc.returncode,
        timed_out=timed_out,
        stdout=_tail(out_path),
        stderr=_tail(err_path),
    )
