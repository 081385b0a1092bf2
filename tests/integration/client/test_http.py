"""HttpClient against a real local server: retries, faults, redirects, downloads, offline, tracing."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cache import Cache
from prong.client.http import HashMismatch, HttpClient, HttpError, NetworkError, OfflineError
from tests.support.fault_server import FaultServer, Route

BODY = b"<html><body>" + b"x" * 5000 + b"</body></html>"


@pytest.fixture
def srv() -> Iterator[FaultServer]:
    with FaultServer() as s:
        yield s


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "cache")


def client(cache: Cache | None = None, **kw: object) -> HttpClient:
    kw.setdefault("timeout", 5.0)
    kw.setdefault("backoff", 0.01)
    return HttpClient(cache=cache, **kw)  # type: ignore[arg-type]


def test_plain_get(srv: FaultServer) -> None:
    srv.route("/a/", Route(BODY, content_type="text/html"))
    with client() as c:
        r = c.get(srv.url("/a/"))
    assert (r.status, r.content, r.cache) == (200, BODY, "uncached")
    assert r.headers["content-type"] == "text/html"
    assert r.url == srv.url("/a/")
    assert c.stats.requests == 1


def test_500_twice_then_200_recovers(srv: FaultServer, cache: Cache) -> None:
    srv.route("/flaky/", Route(BODY, fault="fail", fail_times=2))
    with client(cache) as c:
        r = c.get(srv.url("/flaky/"))
        assert r.status == 200 and r.content == BODY
        assert srv.count("/flaky/") == 3
        assert c.stats.retries == 2
        # the cache is usable afterwards: the entry was stored (no cache headers: refetched, same body)
        assert c.get(srv.url("/flaky/"), cache_mode="immutable").cache == "hit"


def test_500_forever_ends_in_http_error(srv: FaultServer) -> None:
    srv.route("/down/", Route(BODY, fault="fail", fail_times=100, fail_status=503))
    with client(retries=2) as c, pytest.raises(HttpError) as info:
        c.get(srv.url("/down/"))
    assert srv.count("/down/") == 3
    err = info.value
    assert err.status == 503 and err.url == srv.url("/down/")
    assert "Internal Server Error" in str(err) and "text/html" in str(err)


def test_404_allowed_or_raised(srv: FaultServer) -> None:
    with client() as c:
        assert c.get(srv.url("/nothing/"), allow_status=(404,)).status == 404
        with pytest.raises(HttpError) as info:
            c.get(srv.url("/nothing/"))
    assert info.value.status == 404
    assert srv.count("/nothing/") == 2  # a 404 is not retried


def test_connection_dropped_mid_body_names_both_sizes(srv: FaultServer, cache: Cache) -> None:
    srv.route("/cut/", Route(BODY, fault="drop"))
    with client(cache, retries=1) as c:
        with pytest.raises(NetworkError) as info:
            c.get(srv.url("/cut/"))
        assert srv.count("/cut/") == 2  # retried once
        msg = str(info.value)
        assert srv.url("/cut/") in msg
        assert f"truncated body: got {len(BODY) // 2} of {len(BODY)} bytes" in msg
        # nothing half-written was cached; once the server behaves, the same client and cache work
        assert cache.size().entries == 0
        srv.route("/cut/", Route(BODY))
        assert c.get(srv.url("/cut/")).content == BODY


def test_timeout(srv: FaultServer, cache: Cache) -> None:
    srv.route("/slow/", Route(BODY, fault="sleep", sleep=1.5))
    with client(cache, timeout=0.3, retries=1) as c:
        with pytest.raises(NetworkError) as info:
            c.get(srv.url("/slow/"))
        assert "0.3 s" in str(info.value) and "timeout" in str(info.value)
        assert srv.url("/slow/") in str(info.value)
        srv.route("/fast/", Route(BODY))
        assert c.get(srv.url("/fast/")).status == 200


def test_connection_refused() -> None:
    with FaultServer() as s:
        url = s.url("/gone/")
    with client(retries=1) as c, pytest.raises(NetworkError) as info:
        c.get(url)
    assert "connection refused" in str(info.value) and url in str(info.value)


def test_redirects_are_followed_and_recorded(srv: FaultServer) -> None:
    srv.route("/old/", Route(fault="redirect", status=301, location="/new/"))
    srv.route("/new/", Route(BODY))
    with client() as c:
        r = c.get(srv.url("/old/"))
    assert r.content == BODY
    assert r.url == srv.url("/new/")
    assert r.history == ((301, srv.url("/old/")),)


def test_redirect_loop_is_an_error(srv: FaultServer) -> None:
    srv.route("/loop/", Route(fault="redirect", status=302, location="/loop/"))
    with client() as c, pytest.raises(NetworkError, match="redirects"):
        c.get(srv.url("/loop/"))


def test_range_requests(srv: FaultServer) -> None:
    data = bytes(range(256)) * 10
    srv.route("/f.whl", Route(data, content_type="application/octet-stream"))
    srv.route("/plain.whl", Route(data, ranges=False))
    with client() as c:
        r = c.get_range(srv.url("/f.whl"), 10, 19)
        assert (r.status, r.content) == (206, data[10:20])
        assert r.headers["content-range"] == f"bytes 10-19/{len(data)}"
        assert c.get_range(srv.url("/f.whl"), -100, None).content == data[-100:]
        assert c.get_range(srv.url("/f.whl"), 2500, None).content == data[2500:]
        ignored = c.get_range(srv.url("/plain.whl"), 10, 19)
        assert (ignored.status, ignored.content) == (200, data)
    assert srv.requests("/f.whl")[0].headers["range"] == "bytes=10-19"
    assert srv.requests("/f.whl")[1].headers["range"] == "bytes=-100"


def test_head(srv: FaultServer) -> None:
    srv.route("/f.whl", Route(BODY))
    with client() as c:
        r = c.head(srv.url("/f.whl"))
    assert r.status == 200 and r.content == b""
    assert srv.count("/f.whl", method="HEAD") == 1


def test_download_checks_hash_and_is_atomic(srv: FaultServer, tmp_path: Path) -> None:
    data = b"wheel bytes " * 1000
    good = hashlib.sha256(data).hexdigest()
    srv.route("/w.whl", Route(data))
    dest = tmp_path / "out" / "w.whl"
    with client() as c:
        c.download(srv.url("/w.whl"), dest, hashes={"sha256": good})
        assert dest.read_bytes() == data
        wrong = "0" * 64
        dest2 = tmp_path / "out" / "w2.whl"
        with pytest.raises(HashMismatch) as info:
            c.download(srv.url("/w.whl"), dest2, hashes={"sha256": wrong})
    msg = str(info.value)
    assert f"sha256:{wrong}" in msg and f"sha256:{good}" in msg and srv.url("/w.whl") in msg
    assert not dest2.exists()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["w.whl"]  # no temporary left


def test_download_retries_a_dropped_body(srv: FaultServer, tmp_path: Path) -> None:
    data = b"z" * 100_000
    srv.route("/d.whl", Route(data, fault="drop"))
    dest = tmp_path / "d.whl"
    with client(retries=1) as c, pytest.raises(NetworkError, match="truncated"):
        c.download(srv.url("/d.whl"), dest, hashes={"sha256": hashlib.sha256(data).hexdigest()})
    assert not dest.exists() and list(tmp_path.iterdir()) == []


def test_offline_names_the_url(srv: FaultServer, cache: Cache) -> None:
    srv.route("/p/", Route(BODY))
    with client(cache) as online:
        online.get(srv.url("/p/"))
    with client(cache, offline=True) as c:
        assert c.get(srv.url("/p/")).content == BODY  # stale but cached: served offline
        with pytest.raises(OfflineError) as info:
            c.get(srv.url("/q/"))
    assert str(info.value) == f"network access is disabled (--offline) and {srv.url('/q/')} is not in the cache"
    assert srv.count("/q/") == 0 and srv.count("/p/") == 1


def test_concurrency_is_bounded_per_host(srv: FaultServer) -> None:
    srv.route("/s/", Route(BODY, fault="sleep", sleep=0.05))
    with client(max_per_host=4, workers=16) as c:
        results = list(c.map(lambda i: c.get(srv.url("/s/")).status, range(24)))
    assert results == [200] * 24
    assert 2 <= srv.max_in_flight <= 4


def test_trace_logs_each_request(srv: FaultServer, cache: Cache, caplog: pytest.LogCaptureFixture) -> None:
    srv.route("/t/", Route(BODY, cache="max-age"))
    with caplog.at_level(logging.INFO, logger="prong.http"), client(cache) as c:
        c.get(srv.url("/t/"))
        c.get(srv.url("/t/"))
    lines = [r.getMessage() for r in caplog.records if r.name == "prong.http"]
    assert len(lines) == 2
    assert lines[0].startswith(f"GET {srv.url('/t/')} 200 miss {len(BODY)} B ")
    assert lines[1].startswith(f"GET {srv.url('/t/')} 200 hit {len(BODY)} B ")
    assert lines[0].endswith(" ms")


def test_nested_map_does_not_deadlock(srv: FaultServer) -> None:
    srv.route("/n/", Route(b"n"))
    with client(workers=2) as c:

        def outer(i: int) -> int:
            return sum(len(c.get(srv.url("/n/")).content) for _ in c.map(lambda j: j, range(3)))

        result: list[int] = []
        t = threading.Thread(target=lambda: result.extend(c.map(outer, range(6))), daemon=True)
        t.start()
        t.join(timeout=30)
        assert result == [3] * 6, "nested map deadlocked"


def test_one_dns_lookup_per_host(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    import time as _time

    from prong.client.http import _DnsCache

    calls: list[str] = []

    def fake(host: str, port: int, *a: object, **kw: object) -> list[tuple[object, ...]]:
        calls.append(host)
        _time.sleep(0.1)
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    dns = _DnsCache()
    threads = [threading.Thread(target=lambda: results.append(dns.lookup("index.example", 443))) for _ in range(8)]
    results: list[str | None] = []
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["127.0.0.1"] * 8 and calls == ["index.example"]
    assert dns.lookup("127.0.0.1", 443) is None  # an address needs no lookup
    dns.forget("index.example", 443)
    dns.lookup("index.example", 443)
    assert len(calls) == 2


def test_file_urls(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4
    src = tmp_path / "demo-1.0-py3-none-any.whl"
    src.write_bytes(data)
    url = src.as_uri()
    with client() as c:
        assert c.get(url).content == data
        assert c.get_range(url, 10, 19).content == data[10:20]
        assert c.get_range(url, -16, None).headers["content-range"] == f"bytes {len(data) - 16}-{len(data) - 1}/{len(data)}"
        assert c.head(url).headers["content-length"] == str(len(data))
        c.download(url, tmp_path / "out.whl", hashes={"sha256": hashlib.sha256(data).hexdigest()})
        assert (tmp_path / "out.whl").read_bytes() == data
        with pytest.raises(HttpError) as info:
            c.get_range((tmp_path / "missing.whl").as_uri(), 0, 10)
        assert info.value.status == 404
