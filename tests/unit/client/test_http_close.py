"""``HttpClient.close``: it does not wait for requests in flight, leaks no thread nor socket, and
never leaves a cache write half-done; the process does not wait for abandoned requests either."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cache import Cache
from prong.client.http import HTTP_BUCKET, HttpClient, NetworkError
from tests.support.fault_server import FaultServer, Route

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def srv() -> Iterator[FaultServer]:
    with FaultServer() as s:
        s.route("/fast/", Route(b"fast page", cache="none"))
        s.route("/slow/", Route(b"slow page", cache="none", fault="sleep", sleep=1.5))
        yield s


def wait_until(predicate, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_close_returns_while_requests_are_in_flight_and_abandons_them(srv: FaultServer, tmp_path: Path) -> None:
    http = HttpClient(cache=Cache(tmp_path), max_per_host=2, workers=4)
    assert http.get(srv.url("/fast/")).content == b"fast page"  # the main thread's own request is cached
    # two requests in flight, two waiting for one of the host's two connections, the rest queued
    slow = [http.executor.submit(http.get, srv.url("/slow/")) for _ in range(4)]
    queued = [http.executor.submit(http.get, srv.url("/fast/")) for _ in range(10)]
    assert wait_until(lambda: srv.in_flight == 2)
    http.close()
    assert sum(not f.done() for f in slow) >= 2  # close did not wait for the two in flight
    assert all(f.cancelled() for f in queued)
    for f in slow:  # each ends as abandoned work (in flight: when its answer comes; waiting: at once)
        with pytest.raises(NetworkError, match="the HTTP client was closed"):
            f.result(timeout=10)
    assert srv.count("/slow/") == 2  # the two that waited for a connection never sent theirs
    assert [p.name for p in tmp_path.rglob("*") if p.name.endswith(".tmp")] == []
    assert len([p for p in (tmp_path / HTTP_BUCKET).rglob("*") if p.is_file()]) == 1  # /fast/ only
    # the client can be used again (a new pool on demand)
    assert http.get(srv.url("/fast/")).content == b"fast page"
    assert list(http.map(lambda p: http.get(srv.url(p)).content, ["/fast/"] * 3)) == [b"fast page"] * 3
    http.close()


def test_many_open_close_cycles_leave_no_thread_nor_socket(srv: FaultServer, tmp_path: Path) -> None:
    gc.collect()
    threads, fds = threading.active_count(), open_fds()
    for _ in range(15):
        http = HttpClient(cache=Cache(tmp_path), max_per_host=4)
        assert [r.content for r in http.map(http.get, [srv.url("/fast/")] * 6)] == [b"fast page"] * 6
        http.executor.submit(http.get, srv.url("/slow/"))  # still in flight at close
        http.close()
    # the abandoned requests end when their answers come; then nothing of the clients remains
    assert wait_until(lambda: threading.active_count() <= threads, timeout=15), threading.enumerate()
    gc.collect()
    assert wait_until(lambda: open_fds() <= fds, timeout=5), (open_fds(), fds)


def test_a_pool_dropped_without_close_stops_its_threads(srv: FaultServer) -> None:
    before = threading.active_count()
    http = HttpClient()
    list(http.map(http.get, [srv.url("/fast/")] * 4))
    assert threading.active_count() > before
    del http
    gc.collect()
    assert wait_until(lambda: threading.active_count() <= before), threading.enumerate()


def test_close_waits_for_a_cache_write_under_way_and_later_writes_are_skipped(
        srv: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(tmp_path)
    real_write = Cache.write
    started, release = threading.Event(), threading.Event()

    def slow_write(self: Cache, bucket: str, key: str, data: bytes) -> None:
        if key.endswith("slow-one"):
            started.set()
            release.wait(5)
        real_write(self, bucket, key, data)

    monkeypatch.setattr(Cache, "write", slow_write)
    http = HttpClient(cache=cache)
    writing = http.executor.submit(http.store_entry, "metadata-v1", "demo/slow-one", b"x" * 100_000)
    assert started.wait(5)
    gate = threading.Event()
    later = http.executor.submit(lambda: (gate.wait(5), http.store_entry("metadata-v1", "demo/late", b"y"))[1])
    closer = threading.Thread(target=http.close)
    closer.start()
    time.sleep(0.2)
    assert closer.is_alive()  # waiting for the write under way
    release.set()
    closer.join(5)
    assert not closer.is_alive() and writing.result(5) is True
    assert cache.read("metadata-v1", "demo/slow-one") == b"x" * 100_000  # whole
    gate.set()
    assert later.result(5) is False  # abandoned work writes nothing
    assert cache.read("metadata-v1", "demo/late") is None
    assert [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")] == []


def test_a_process_does_not_wait_for_abandoned_requests_at_exit(tmp_path: Path) -> None:
    with FaultServer() as s:
        s.route("/slow/", Route(b"slow", cache="none", fault="sleep", sleep=10))
        script = textwrap.dedent(
            """
            import sys, time
            from prong.cache import Cache
            from prong.client.http import HttpClient
            http = HttpClient(cache=Cache(sys.argv[2]))
            for _ in range(4):
                http.executor.submit(http.get, sys.argv[1])
            time.sleep(0.5)
            http.close()
            """
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-c", script, s.url("/slow/"), str(tmp_path)], env=env,
                              capture_output=True, text=True, timeout=60)
        elapsed = time.monotonic() - t0
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
        assert s.count("/slow/") >= 1
        assert elapsed < 8  # the server answers after 10 s: the process did not wait for it
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_the_pool_runs_queued_work_on_a_waiting_shutdown_and_refuses_new_work() -> None:
    from prong.client.http import _Workers

    pool = _Workers(2, "t")
    futures = [pool.submit(lambda i=i: (time.sleep(0.01), i * i)[1]) for i in range(10)]
    assert list(pool.map(lambda x: -x, range(5))) == [0, -1, -2, -3, -4]
    pool.shutdown(wait=True)
    assert [f.result(0) for f in futures] == [i * i for i in range(10)]
    with pytest.raises(RuntimeError):
        pool.submit(print)
    assert all(t.daemon for t in pool._threads) and not any(t.is_alive() for t in pool._threads)
