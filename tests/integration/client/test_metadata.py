"""wheel_metadata over a real local server: PEP 658, range requests, whole wheel; cached by hash."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cache import Cache
from prong.client.http import HashMismatch, HttpClient
from prong.client.metadata import (
    METADATA_BUCKET,
    InvalidMetadata,
    MetadataUnavailable,
    dist_metadata,
    parse_metadata,
    wheel_metadata,
)
from prong.dists import IndexFile
from tests.support.fault_server import FaultServer, Route
from tests.support.wheels import Dist, metadata_text, wheel_bytes

DIST = Dist("demo-pkg", "1.2.0", requires_dist=("idna>=2", "rich; extra == 'cli'"), requires_python=">=3.9",
            extras=("cli",))
WHEEL = wheel_bytes(DIST)
META = metadata_text(DIST).encode()
SHA = hashlib.sha256(WHEEL).hexdigest()


def big_wheel() -> bytes:
    """A wheel whose central directory and METADATA lie far from each other and from the end."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("big/__init__.py", os.urandom(300_000))  # stored, incompressible
        zf.writestr("big-1.0.dist-info/METADATA", b"Metadata-Version: 2.1\nName: big\nVersion: 1.0\n"
                    b"Requires-Dist: six\n\n")
        zf.writestr("big/data.bin", os.urandom(120_000))
        for i in range(3000):  # a central directory larger than the first tail request
            zf.writestr(f"big/m{i:04d}.py", b"")
    return buf.getvalue()


@pytest.fixture
def srv() -> Iterator[FaultServer]:
    with FaultServer() as s:
        yield s


def index_file(srv: FaultServer, path: str, body: bytes, **kw: object) -> IndexFile:
    return IndexFile(path.rsplit("/", 1)[-1], srv.url(path), (("sha256", hashlib.sha256(body).hexdigest()),),
                     **kw)  # type: ignore[arg-type]


def test_parse_metadata() -> None:
    md = parse_metadata(META)
    assert (md.name, md.version, md.requires_python) == ("demo-pkg", "1.2.0", ">=3.9")
    assert md.requires_dist == ("idna>=2", "rich; extra == 'cli'")
    assert md.provides_extra == ("cli",)
    with pytest.raises(InvalidMetadata):
        parse_metadata(b"Summary: no name\n\n")


def test_parse_metadata_is_lenient() -> None:
    raw = (b"Metadata-Version: 9.9\nName: odd\nVersion: 1.0-weird\nLicense: line\n  continued\n"
           b"Requires-Dist: a\nUnknown-Field: x\n\nbody text \xff\n")
    md = parse_metadata(raw)
    assert (md.name, md.version, md.requires_dist) == ("odd", "1.0-weird", ("a",))


def test_pep658_file_is_used_and_verified(srv: FaultServer, tmp_path: Path) -> None:
    path = "/files/demo_pkg-1.2.0-py3-none-any.whl"
    srv.route(path, Route(WHEEL))
    srv.route(path + ".metadata", Route(META))
    good = index_file(srv, path, WHEEL, core_metadata=(("sha256", hashlib.sha256(META).hexdigest()),))
    with HttpClient(cache=Cache(tmp_path)) as http:
        assert wheel_metadata(http, good) == META
        assert srv.count(path) == 0 and srv.count(path + ".metadata") == 1
        bad = IndexFile(good.filename, srv.url("/files/other-1.0-py3-none-any.whl"), (("sha256", "1" * 64),),
                        core_metadata=(("sha256", "0" * 64),))
        srv.route("/files/other-1.0-py3-none-any.whl.metadata", Route(META))
        with pytest.raises(HashMismatch) as info:
            wheel_metadata(http, bad)
        assert "sha256:" + "0" * 64 in str(info.value)
        assert "sha256:" + hashlib.sha256(META).hexdigest() in str(info.value)


def test_missing_pep658_file_falls_back_to_ranges(srv: FaultServer) -> None:
    path = "/files/demo_pkg-1.2.0-py3-none-any.whl"
    srv.route(path, Route(WHEEL))
    with HttpClient() as http:
        assert wheel_metadata(http, index_file(srv, path, WHEEL, core_metadata=True)) == META
    assert srv.count(path + ".metadata") == 1
    assert all("range" in s.headers for s in srv.requests(path))


def test_range_requests_read_only_the_end(srv: FaultServer) -> None:
    path = "/files/demo_pkg-1.2.0-py3-none-any.whl"
    srv.route(path, Route(WHEEL))
    with HttpClient() as http:
        raw = wheel_metadata(http, index_file(srv, path, WHEEL))
    assert raw == META
    reqs = srv.requests(path)
    assert len(reqs) == 1 and reqs[0].headers["range"].startswith("bytes=-")


def test_range_requests_on_a_big_wheel_fetch_only_parts(srv: FaultServer) -> None:
    body = big_wheel()
    path = "/files/big-1.0-py3-none-any.whl"
    srv.route(path, Route(body))
    with HttpClient() as http:
        raw = wheel_metadata(http, index_file(srv, path, body))
        fetched = http.stats.bytes
    assert parse_metadata(raw).requires_dist == ("six",)
    assert 2 <= srv.count(path) <= 4
    assert fetched < len(body) / 2


def test_server_without_ranges_gives_whole_wheel(srv: FaultServer) -> None:
    path = "/files/demo_pkg-1.2.0-py3-none-any.whl"
    srv.route(path, Route(WHEEL, ranges=False))
    with HttpClient() as http:
        assert wheel_metadata(http, index_file(srv, path, WHEEL)) == META
        srv.route(path, Route(WHEEL, ranges=False))
        wrong = IndexFile(path.rsplit("/", 1)[-1], srv.url(path), (("sha256", "2" * 64),))
        with pytest.raises(HashMismatch):
            wheel_metadata(http, wrong)
    assert srv.count(path) == 2


def test_cached_by_hash_forever(srv: FaultServer, tmp_path: Path) -> None:
    path = "/files/demo_pkg-1.2.0-py3-none-any.whl"
    srv.route(path, Route(WHEEL))
    cache = Cache(tmp_path)
    file = index_file(srv, path, WHEEL)
    with HttpClient(cache=cache) as http:
        wheel_metadata(http, file)
    with HttpClient(cache=cache) as http:
        assert wheel_metadata(http, file) == META
        assert http.stats.requests == 0
    with HttpClient(cache=cache, offline=True) as http:
        assert wheel_metadata(http, file) == META
    assert cache.read(METADATA_BUCKET, f"demo-pkg/{SHA}") == META
    assert srv.count(path) == 1


def test_not_a_zip_and_no_metadata(srv: FaultServer) -> None:
    srv.route("/files/bad-1.0-py3-none-any.whl", Route(b"<html>not a zip</html>" * 10))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("nometa/__init__.py", b"")
    srv.route("/files/nometa-1.0-py3-none-any.whl", Route(buf.getvalue()))
    with HttpClient() as http:
        with pytest.raises(MetadataUnavailable, match="not a valid zip"):
            wheel_metadata(http, IndexFile("bad-1.0-py3-none-any.whl", srv.url("/files/bad-1.0-py3-none-any.whl")))
        with pytest.raises(MetadataUnavailable, match="no .dist-info/METADATA"):
            wheel_metadata(http, IndexFile("nometa-1.0-py3-none-any.whl",
                                           srv.url("/files/nometa-1.0-py3-none-any.whl")))


def test_sdist_needs_a_builder(tmp_path: Path) -> None:
    sdist = IndexFile("demo-1.0.tar.gz", "http://127.0.0.1:9/demo-1.0.tar.gz", (("sha256", "3" * 64),))

    class Builder:
        calls = 0

        def build_metadata(self, file: IndexFile) -> bytes:
            Builder.calls += 1
            return META

    with HttpClient(cache=Cache(tmp_path)) as http:
        with pytest.raises(MetadataUnavailable, match="source distribution"):
            dist_metadata(http, sdist)
        assert dist_metadata(http, sdist, Builder()) == META
        assert dist_metadata(http, sdist, Builder()) == META
    assert Builder.calls == 1


def test_file_without_sha256_is_cached_by_url(srv: FaultServer, tmp_path: Path) -> None:
    path = "/files/demo_pkg-1.2.0-py3-none-any.whl"
    srv.route(path, Route(WHEEL))
    cache = Cache(tmp_path)
    file = IndexFile(path.rsplit("/", 1)[-1], srv.url(path, user="u", password="pw-secret"))
    for _ in range(2):
        with HttpClient(cache=cache) as http:
            assert wheel_metadata(http, file) == META
    assert srv.count(path) == 1
    assert not any("pw-secret" in str(p) for p in tmp_path.rglob("*"))


@pytest.mark.pypi
def test_real_index_range_read(tmp_path: Path) -> None:
    """Against the default index: one suffix range request yields a real wheel's METADATA."""
    import json

    from pip._internal.models.index import PyPI

    with HttpClient(cache=Cache(tmp_path)) as http:
        page = http.get(f"{PyPI.simple_url.rstrip('/')}/idna/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        entry = next(f for f in json.loads(page.content)["files"] if f["filename"] == "idna-3.10-py3-none-any.whl")
        file = IndexFile(entry["filename"], entry["url"], tuple(entry["hashes"].items()))
        before = http.stats.requests
        md = parse_metadata(wheel_metadata(http, file))
        assert (md.name, md.version, md.requires_python) == ("idna", "3.10", ">=3.6")
        assert http.stats.requests - before in (1, 2)  # a .metadata probe is not needed: ranges work
        assert wheel_metadata(http, file) and http.stats.requests - before in (1, 2)


def test_local_wheel(tmp_path: Path) -> None:
    path = tmp_path / "demo_pkg-1.2.0-py3-none-any.whl"
    path.write_bytes(WHEEL)
    with HttpClient(cache=Cache(tmp_path / "c")) as http:
        assert wheel_metadata(http, IndexFile(path.name, path.as_uri(), (("sha256", SHA),))) == META
        assert http.stats.requests == 0
