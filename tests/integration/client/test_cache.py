"""The HTTP cache and the on-disk cache: freshness, revalidation, corruption, two processes at once."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cache import BUCKETS, Cache
from prong.client.http import HTTP_BUCKET, HttpClient
from prong.client.metadata import wheel_metadata
from prong.dists import IndexFile
from tests.support.fault_server import FaultServer, Route
from tests.support.wheels import Dist, wheel_bytes

ROOT = Path(__file__).resolve().parents[3]
PAGES = [f"/simple/p{i}/" for i in range(6)]


@pytest.fixture
def srv() -> Iterator[FaultServer]:
    with FaultServer() as s:
        yield s


def page(i: int) -> bytes:
    return f"<html><body><a href='p{i}-1.0.tar.gz'>p{i}-1.0.tar.gz</a></body></html>".encode()


def fetch_all(cache: Cache, srv: FaultServer, **kw: object) -> HttpClient:
    http = HttpClient(cache=cache, **kw)  # type: ignore[arg-type]
    with http:
        for i, p in enumerate(PAGES):
            assert http.get(srv.url(p)).content == page(i)
    return http


# -- the entry store ----------------------------------------------------------------------


def test_write_read_and_layout(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.write("simple-v1", "NumPy/abc", b"data")
    assert cache.read("simple-v1", "NumPy/abc") == b"data"
    assert cache.read("simple-v1", "numpy/missing") is None
    assert cache.path("simple-v1", "NumPy/abc").is_file()
    assert cache.bucket("wheels-v1") == tmp_path / "wheels-v1" and (tmp_path / "wheels-v1").is_dir()
    # keys cannot escape their bucket
    cache.write("simple-v1", "../../etc/x", b"y")
    assert cache.read("simple-v1", "../../etc/x") == b"y"
    assert all(tmp_path in p.parents for p in tmp_path.rglob("*"))
    assert not (tmp_path.parent / "etc").exists()


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_corrupt_entry_is_discarded(tmp_path: Path, damage: str) -> None:
    cache = Cache(tmp_path)
    cache.write("http-v1", "a/b", b"0123456789" * 100)
    path = cache.path("http-v1", "a/b")
    blob = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(blob[:-7])
    elif damage == "flip":
        path.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff" * 50)
    else:
        path.write_bytes(b"")
    assert cache.read("http-v1", "a/b") is None
    assert not path.exists()


def test_corrupt_http_entry_is_refetched(srv: FaultServer, tmp_path: Path) -> None:
    srv.route(PAGES[0], Route(page(0), cache="max-age"))
    cache = Cache(tmp_path)
    with HttpClient(cache=cache) as http:
        http.get(srv.url(PAGES[0]))
    (entry,) = [p for p in (tmp_path / HTTP_BUCKET).rglob("*") if p.is_file()]
    entry.write_bytes(entry.read_bytes()[:-10])
    with HttpClient(cache=cache) as http:
        r = http.get(srv.url(PAGES[0]))
        assert (r.content, r.cache) == (page(0), "miss")
        assert http.get(srv.url(PAGES[0])).cache == "hit"
    assert srv.count(PAGES[0]) == 2


def test_clean_and_prune(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.write("http-v1", "numpy/1", b"a")
    cache.write("metadata-v1", "numpy/2", b"b")
    cache.write("metadata-v1", "requests/3", b"c")
    cache.write("simple-v0", "old/1", b"d")  # a bucket from an older prong
    (tmp_path / "http-v1" / "numpy" / ".1.xyz.tmp").write_bytes(b"partial")
    old = time.time() - 7200
    os.utime(tmp_path / "http-v1" / "numpy" / ".1.xyz.tmp", (old, old))
    (tmp_path / "metadata-v1" / "requests" / "bad").write_bytes(b"not an entry")
    assert cache.size().entries == 6
    assert cache.prune() == 3  # the old bucket, the stale temporary file, the corrupt entry
    assert not (tmp_path / "simple-v0").exists()
    assert cache.clean(["NumPy"]) == 2
    assert cache.read("metadata-v1", "requests/3") == b"c"
    assert cache.read("http-v1", "numpy/1") is None
    assert cache.clean() == 1
    assert cache.size().entries == 0
    assert "http-v1" in BUCKETS


def test_prune_removes_stale_temporary_directories(tmp_path: Path) -> None:
    """What an interrupted unpack or build-environment creation leaves (issue 12/15): pruned once
    stale (an hour), kept while it may still be in use, and never a finished entry beside it."""
    cache = Cache(tmp_path)
    stale = tmp_path / "archive-v1" / ".unpack-abc.tmp"
    fresh = tmp_path / "environments-v1" / ".build-k-def.tmp"
    done = tmp_path / "archive-v1" / "0123abcd"
    for d in (stale / "pkg", fresh / "bin", done / "pkg"):
        d.mkdir(parents=True)
        (d / "f.py").write_text("x")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    assert cache.prune() == 1
    assert not stale.exists() and fresh.exists() and (done / "pkg" / "f.py").exists()


def test_temporary_cache(tmp_path: Path) -> None:
    cache = Cache.temporary()
    cache.write("http-v1", "x/y", b"1")
    assert cache.read("http-v1", "x/y") == b"1" and cache.is_temporary


# -- HTTP semantics -------------------------------------------------------------------------


def test_warm_with_fresh_entries_makes_no_request(srv: FaultServer, tmp_path: Path) -> None:
    for i, p in enumerate(PAGES):
        srv.route(p, Route(page(i), cache="max-age", max_age=600))
    cache = Cache(tmp_path)
    fetch_all(cache, srv)
    srv.reset()
    warm = fetch_all(cache, srv)
    assert srv.count() == 0
    assert warm.stats.requests == 0 and warm.stats.hits == len(PAGES)


@pytest.mark.parametrize("headers", ["etag", "last-modified", "max-age+etag"])
def test_stale_entries_are_only_revalidated(srv: FaultServer, tmp_path: Path, headers: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for i, p in enumerate(PAGES):
        srv.route(p, Route(page(i), cache=headers, max_age=0))  # type: ignore[arg-type]
    cache = Cache(tmp_path)
    fetch_all(cache, srv)
    assert srv.count(conditional=True) == 0
    srv.reset()
    if headers == "last-modified":
        # only Last-Modified: fresh for 10 minutes, as in uv (no request), then revalidated
        assert fetch_all(cache, srv).stats.hits == len(PAGES) and srv.count() == 0
        import prong.client.http

        monkeypatch.setattr(prong.client.http, "HEURISTIC_LIFETIME", 0.0)
    warm = fetch_all(cache, srv)
    assert srv.count() == len(PAGES)
    assert srv.count(conditional=True) == len(PAGES)  # If-None-Match / If-Modified-Since on every one
    assert warm.stats.revalidated == len(PAGES)
    header = "if-none-match" if "etag" in headers else "if-modified-since"
    assert all(header in s.headers for s in srv.requests())


def test_revalidated_response_carries_the_cached_body(srv: FaultServer, tmp_path: Path) -> None:
    srv.route("/e/", Route(b"cached body", cache="etag", content_type="application/vnd.pypi.simple.v1+json"))
    cache = Cache(tmp_path)
    with HttpClient(cache=cache) as http:
        http.get(srv.url("/e/"))
        r = http.get(srv.url("/e/"))
    assert (r.status, r.cache, r.content) == (200, "revalidated", b"cached body")
    assert r.headers["content-type"] == "application/vnd.pypi.simple.v1+json"


def test_changed_resource_replaces_the_entry(srv: FaultServer, tmp_path: Path) -> None:
    srv.route("/c/", Route(b"v1", cache="etag"))
    cache = Cache(tmp_path)
    with HttpClient(cache=cache) as http:
        http.get(srv.url("/c/"))
        srv.route("/c/", Route(b"v2", cache="etag"))
        r = http.get(srv.url("/c/"))
        assert (r.content, r.cache) == (b"v2", "miss")
        assert http.get(srv.url("/c/")).cache == "revalidated"


def test_no_store_and_refresh(srv: FaultServer, tmp_path: Path) -> None:
    srv.route("/ns/", Route(b"secret", cache="no-store"))
    srv.route("/f/", Route(b"fresh", cache="max-age"))
    cache = Cache(tmp_path)
    with HttpClient(cache=cache) as http:
        http.get(srv.url("/ns/"))
        http.get(srv.url("/ns/"))
        http.get(srv.url("/f/"))
        assert http.get(srv.url("/f/"), cache_mode="refresh").cache == "miss"
        assert http.get(srv.url("/f/"), cache_mode="no-store").cache == "uncached"
    assert srv.count("/ns/") == 2 and srv.count("/f/") == 3
    assert not list((tmp_path / HTTP_BUCKET).glob("ns/*"))


def test_accept_header_is_part_of_the_key(srv: FaultServer, tmp_path: Path) -> None:
    srv.route("/neg/", Route(b"x", cache="max-age"))
    cache = Cache(tmp_path)
    with HttpClient(cache=cache) as http:
        http.get(srv.url("/neg/"), headers={"Accept": "text/html"})
        http.get(srv.url("/neg/"), headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        http.get(srv.url("/neg/"), headers={"Accept": "text/html"})
    assert srv.count("/neg/") == 2


def test_index_without_cache_headers_refetches_pages_but_not_metadata(srv: FaultServer, tmp_path: Path) -> None:
    """The index reachable here sends no cache headers: a warm run fetches the pages only."""
    files = []
    for i, p in enumerate(PAGES):
        srv.route(p, Route(page(i), cache="none"))
        wheel = wheel_bytes(Dist(f"p{i}", "1.0"))
        srv.route(f"/files/p{i}-1.0-py3-none-any.whl", Route(wheel, cache="none"))
        files.append(IndexFile(f"p{i}-1.0-py3-none-any.whl", srv.url(f"/files/p{i}-1.0-py3-none-any.whl"),
                               (("sha256", hashlib.sha256(wheel).hexdigest()),)))
    cache = Cache(tmp_path)
    for run in ("cold", "warm"):
        srv.reset()
        with HttpClient(cache=cache) as http:
            for i, p in enumerate(PAGES):
                http.get(srv.url(p))
            metas = list(http.map(lambda f: wheel_metadata(http, f), files))
        assert all(f"Name: p{i}".encode() in m for i, m in enumerate(metas))
        page_requests = sum(srv.count(p) for p in PAGES)
        assert page_requests == len(PAGES)
        assert srv.count(conditional=True) == 0
        assert srv.count() - page_requests == (len(files) if run == "cold" else 0)


def test_offline_serves_stale_entries(srv: FaultServer, tmp_path: Path) -> None:
    for i, p in enumerate(PAGES):
        srv.route(p, Route(page(i), cache="none"))
    cache = Cache(tmp_path)
    fetch_all(cache, srv)
    srv.reset()
    fetch_all(cache, srv, offline=True)
    assert srv.count() == 0


def test_two_processes_fill_one_cache(srv: FaultServer, tmp_path: Path) -> None:
    """Two prong processes writing the same entries at once leave only whole entries."""
    n = 40
    bodies = {f"/simple/q{i}/": (f"page {i} ".encode() * (2000 + 500 * i)) for i in range(n)}
    for path, body in bodies.items():
        srv.route(path, Route(body, cache="none"))
    cache_dir = tmp_path / "cache"
    script = textwrap.dedent(
        """
        import sys
        from prong.cache import Cache
        from prong.client.http import HttpClient
        base, root, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
        with HttpClient(cache=Cache(root), max_per_host=8) as http:
            for _ in range(3):
                list(http.map(lambda i: http.get(f"{base}/simple/q{i}/"), range(n)))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [
        subprocess.Popen([sys.executable, "-c", script, srv.url("").rstrip("/"), str(cache_dir), str(n)], env=env)
        for _ in range(2)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert srv.count() == 2 * 3 * n
    cache = Cache(cache_dir)
    entries = [p for p in (cache_dir / HTTP_BUCKET).rglob("*") if p.is_file()]
    assert len(entries) == n  # no temporary file left behind, one entry per page
    assert cache.prune() == 0  # prune finds nothing corrupt
    with HttpClient(cache=cache, offline=True) as http:
        for path, body in bodies.items():
            assert http.get(srv.url(path)).content == body


def test_credentials_never_reach_the_disk(srv: FaultServer, tmp_path: Path) -> None:
    srv.route("/private/simple/p0/", Route(page(0), fault="auth", user="alice", password="hunter2-pw"))
    cache = Cache(tmp_path)
    with HttpClient(cache=cache) as http:
        r = http.get(srv.url("/private/simple/p0/", user="alice", password="hunter2-pw"))
    assert r.content == page(0) and "hunter2" not in r.url and "alice" not in r.url
    for path in tmp_path.rglob("*"):
        assert "hunter2" not in str(path) and "alice" not in str(path)
        if path.is_file():
            data = path.read_bytes()
            assert b"hunter2" not in data and b"alice" not in data


def test_refresh_and_refresh_package(srv: FaultServer, tmp_path: Path) -> None:
    srv.route("/simple/a/", Route(b"a", cache="max-age+etag"))
    srv.route("/simple/b/", Route(b"b", cache="max-age+etag"))
    cache = Cache(tmp_path)
    with HttpClient(cache=cache) as http:
        http.get(srv.url("/simple/a/"))
        http.get(srv.url("/simple/b/"))
    srv.reset()
    with HttpClient(cache=cache, refresh_packages=["A"]) as http:
        assert http.get(srv.url("/simple/a/")).cache == "revalidated"
        assert http.get(srv.url("/simple/b/")).cache == "hit"
    with HttpClient(cache=cache, refresh=True) as http:
        assert http.get(srv.url("/simple/b/")).cache == "revalidated"
    assert srv.count("/simple/a/", conditional=True) == 1 and srv.count("/simple/b/", conditional=True) == 1


def test_unchanged_page_without_validators_is_not_rewritten(srv: FaultServer, tmp_path: Path) -> None:
    srv.route("/simple/u/", Route(b"same", cache="none"))
    cache = Cache(tmp_path)
    with HttpClient(cache=cache) as http:
        http.get(srv.url("/simple/u/"))
        (entry,) = [p for p in (tmp_path / HTTP_BUCKET).rglob("*") if p.is_file()]
        inode = entry.stat().st_ino
        assert http.get(srv.url("/simple/u/")).content == b"same"
        assert entry.stat().st_ino == inode  # not replaced
        srv.route("/simple/u/", Route(b"changed", cache="none"))
        assert http.get(srv.url("/simple/u/")).content == b"changed"
    with HttpClient(cache=cache, offline=True) as http:
        assert http.get(srv.url("/simple/u/")).content == b"changed"
    assert srv.count("/simple/u/") == 3


def test_two_prong_commands_share_a_cache(tmp_path: Path) -> None:
    """Two `prong index versions` processes at once on one --cache-dir, then a third offline."""
    from tests.support.index_server import IndexServer

    names = [f"pkg{i}" for i in range(4)]
    dists = [Dist(n, v) for n in names for v in ("1.0", "1.1", "2.0")]
    cache_dir = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with IndexServer(dists, cache_headers=False) as index:
        loop = "; ".join(
            f"r=subprocess.run([sys.executable, '-m', 'prong', '-v', 'index', 'versions', {n!r}, '--index-url', "
            f"{index.simple_url!r}, '--cache-dir', {str(cache_dir)!r}], capture_output=True, text=True); "
            f"assert r.returncode == 0, r.stderr; assert '2.0' in r.stdout, r.stdout"
            for n in names
        )
        script = f"import subprocess, sys; {loop}"
        procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        errors = [p.communicate(timeout=300)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errors
        offline = subprocess.run(
            [sys.executable, "-m", "prong", "--offline", "index", "versions", names[0], "--index-url",
             index.simple_url, "--cache-dir", str(cache_dir)], env=env, capture_output=True, text=True)
        assert offline.returncode == 0 and "2.0" in offline.stdout, offline.stderr
    files = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert files and not [p for p in files if p.name.endswith(".tmp")]
    assert Cache(cache_dir).prune() == 0  # every entry whole


def test_fetch_keeps_distribution_files_by_hash(srv: FaultServer, tmp_path: Path) -> None:
    wheel = wheel_bytes(Dist("demo", "1.0"))
    sha = hashlib.sha256(wheel).hexdigest()
    name = "demo-1.0-py3-none-any.whl"
    srv.route("/files/" + name, Route(wheel, cache="none"))
    cache = Cache(tmp_path)
    with HttpClient(cache=cache) as http:
        path = http.fetch(srv.url("/files/" + name), filename=name, hashes={"sha256": sha})
        assert path.name == name and path.read_bytes() == wheel
        assert path == tmp_path / "wheels-v1" / "demo" / sha / name
        assert http.fetch(srv.url("/files/" + name), filename=name, hashes={"sha256": sha}) == path
        with pytest.raises(Exception, match="hash mismatch"):
            http.fetch(srv.url("/files/" + name), filename=name, hashes={"sha256": "f" * 64})
        assert not (tmp_path / "wheels-v1" / "demo" / ("f" * 64) / name).exists()
    with HttpClient(cache=cache, offline=True) as http:
        assert http.fetch(srv.url("/files/" + name), filename=name, hashes={"sha256": sha}) == path
    assert srv.count("/files/" + name) == 2  # the first fetch and the mismatching one
    assert cache.prune() == 0 and path.exists()  # plain files are not entries: prune keeps them
    (tmp_path / "builds-v1" / "x").mkdir(parents=True)
    (tmp_path / "unrelated").mkdir()
    assert cache.prune() == 0 and (tmp_path / "builds-v1" / "x").is_dir() and (tmp_path / "unrelated").is_dir()
    assert cache.clean(["demo"]) == 1 and not path.exists()
