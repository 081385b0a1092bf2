"""Where the cache keeps what: one entry per project page, every entry under its package.

Real HTTP on 127.0.0.1 (tests/support/index_server.py): the page entries of ``simple-v2``
(revalidation, an index without cache headers, ``--offline``, a changed page), the old
``simple-v1`` layout, and ``prong cache clean PKG`` after a ``prong pip compile``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cache import Cache, dist_package_key
from prong.cli.main import main
from prong.client.http import HTTP_BUCKET, HttpClient
from prong.client.indexes import IndexUrls
from prong.client.registry import PAGE_BUCKET, RegistryClient
from prong.dists import IndexFile
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist


def entries(root: Path) -> set[str]:
    """Every file under the cache root, as a path relative to it (not the root's CACHEDIR.TAG marker)."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {"CACHEDIR.TAG"}


def page_files(index_url: str, name: str, cache_dir: Path, *, offline: bool = False) -> list[str]:
    with HttpClient(cache=Cache(cache_dir), offline=offline) as http:
        reg = RegistryClient(http, IndexUrls.from_args(index_url=index_url))
        return [f.filename for _, f in reg.files(name)]


def served(cache_headers: bool, formats: tuple[str, ...] = ("json", "html"), max_age: int = 600) -> IndexServer:
    s = IndexServer(cache_headers=cache_headers, formats=formats, max_age=max_age)
    for v in ("1.0", "1.1", "2.0"):
        s.add(Dist("foo", v))
    s.add(Dist("foo", "2.0", tag=None))
    return s


# -- one entry per page -----------------------------------------------------------------------


@pytest.mark.parametrize("cache_headers", [True, False], ids=["etag+max-age", "no-cache-headers"])
@pytest.mark.parametrize("formats", [("json",), ("html",)])
def test_a_cold_fetch_writes_each_page_once(tmp_path: Path, cache_headers: bool, formats: tuple[str, ...],
                                            parses: list[str]) -> None:
    with served(cache_headers, formats) as s:
        got = page_files(s.simple_url, "foo", tmp_path)
    assert len(got) == 4 and len(parses) == 1
    written = entries(tmp_path)
    assert len(written) == 1, written  # the page, parsed, in simple-v2 under its project; no raw copy
    (only,) = written
    assert only.startswith(f"{PAGE_BUCKET}/foo/")
    assert not (tmp_path / HTTP_BUCKET).exists() or not entries(tmp_path / HTTP_BUCKET)


def test_warm_run_on_an_index_without_cache_headers_refetches_but_neither_parses_nor_writes(
        tmp_path: Path, parses: list[str]) -> None:
    with served(cache_headers=False) as s:
        first = page_files(s.simple_url, "foo", tmp_path)
        (entry,) = [tmp_path / e for e in entries(tmp_path)]
        stamp = (entry.stat().st_ino, entry.stat().st_mtime_ns)
        second = page_files(s.simple_url, "foo", tmp_path)
        assert s.counts["/simple/foo/"] == 2
        assert not any("if-none-match" in h for _, _, h in s.requests)
    assert first == second and len(parses) == 1
    assert (entry.stat().st_ino, entry.stat().st_mtime_ns) == stamp  # not rewritten


def test_stale_page_is_revalidated_and_a_304_gives_the_stored_page(tmp_path: Path, parses: list[str]) -> None:
    with served(cache_headers=True, max_age=0) as s:
        first = page_files(s.simple_url, "foo", tmp_path)
        s.reset_counts()
        with HttpClient(cache=Cache(tmp_path)) as http:
            reg = RegistryClient(http, IndexUrls.from_args(index_url=s.simple_url))
            second = [f.filename for _, f in reg.files("foo")]
            assert http.stats.revalidated == 1
        assert s.counts["/simple/foo/"] == 1 and "if-none-match" in s.requests[0][2]
    assert first == second and len(parses) == 1


def test_fresh_page_costs_no_request_and_offline_works_from_the_one_entry(tmp_path: Path, parses: list[str]) -> None:
    with served(cache_headers=True) as s:
        first = page_files(s.simple_url, "foo", tmp_path)
        s.reset_counts()
        assert page_files(s.simple_url, "foo", tmp_path) == first
        assert sum(s.counts.values()) == 0
    with served(cache_headers=False) as s:
        page_files(s.simple_url, "foo", tmp_path / "b")
        s.reset_counts()
        assert page_files(s.simple_url, "foo", tmp_path / "b", offline=True) == first
        assert sum(s.counts.values()) == 0
    assert len(parses) == 2


def test_a_changed_page_is_parsed_again_and_replaces_the_entry(tmp_path: Path, parses: list[str]) -> None:
    with served(cache_headers=False) as s:
        assert "foo-3.0-py3-none-any.whl" not in page_files(s.simple_url, "foo", tmp_path)
        s.add(Dist("foo", "3.0"))
        assert "foo-3.0-py3-none-any.whl" in page_files(s.simple_url, "foo", tmp_path)
        assert "foo-3.0-py3-none-any.whl" in page_files(s.simple_url, "foo", tmp_path, offline=True)
    assert len(parses) == 2 and len(entries(tmp_path)) == 1


def test_entries_of_the_old_layout_are_ignored_and_pruned(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.write("simple-v1", "0123456789abcdef", b"\x00 not a page of this format")
    with served(cache_headers=False) as s:
        assert len(page_files(s.simple_url, "foo", tmp_path)) == 4
    assert cache.prune() == 1
    assert not (tmp_path / "simple-v1").exists() and len(entries(tmp_path)) == 1


def test_an_entry_of_another_format_is_refetched_even_offline_first(tmp_path: Path) -> None:
    with served(cache_headers=True) as s:
        page_files(s.simple_url, "foo", tmp_path)
        (entry,) = entries(tmp_path)
        key = entry.split("/", 1)[1]
        blob = Cache(tmp_path).read(PAGE_BUCKET, key)
        assert blob is not None
        head = blob.split(b"\n", 1)[0]
        Cache(tmp_path).write(PAGE_BUCKET, key, head + b"\n" + b"garbage, not marshal")
        s.reset_counts()
        with pytest.raises(Exception, match="not in the cache"):
            page_files(s.simple_url, "foo", tmp_path, offline=True)
        assert len(page_files(s.simple_url, "foo", tmp_path)) == 4
        assert s.counts["/simple/foo/"] == 1


# -- every entry under its package ------------------------------------------------------------


def test_dist_package_key() -> None:
    assert dist_package_key("requests-2.31.0-py3-none-any.whl") == "requests"
    assert dist_package_key("requests-2.31.0-py3-none-any.whl.metadata") == "requests"
    assert dist_package_key("zope.interface-6.0-cp311-cp311-linux_x86_64.whl") == "zope-interface"
    assert dist_package_key("python-dateutil-2.8.2.tar.gz") == "python-dateutil"
    assert dist_package_key("Django-4.2.zip") == "django"
    assert dist_package_key("foo_bar-1.0.tar.gz") == "foo-bar"
    assert dist_package_key("weird.tar.gz") == "weird-tar-gz"  # no version: the whole name, normalized


def test_clean_finds_files_kept_by_digest_and_legacy_sdist_names(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.write("metadata-v1", f"{dist_package_key('python-dateutil-2.8.2.tar.gz')}/abc", b"m")
    cache.write("metadata-v1", "python/def", b"other")
    by_digest = tmp_path / "sdists-v1" / ("a" * 64) / "python-dateutil-2.8.2.tar.gz"
    by_digest.parent.mkdir(parents=True)
    by_digest.write_bytes(b"sdist")
    other = tmp_path / "sdists-v1" / ("b" * 64) / "python-3.0.tar.gz"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"sdist")
    assert cache.clean(["Python_Dateutil"]) == 2
    assert not by_digest.parent.exists() and other.exists()
    assert cache.read("metadata-v1", "python/def") == b"other"


def test_metadata_keys_carry_the_project_of_a_legacy_sdist_name() -> None:
    from prong.client.metadata import _cache_key

    key = _cache_key(IndexFile("python-dateutil-2.8.2.tar.gz", "https://files.invalid/python-dateutil-2.8.2.tar.gz",
                               (("sha256", "c" * 64),)))
    assert key == f"python-dateutil/{'c' * 64}"


@pytest.fixture
def index() -> Iterator[IndexServer]:
    s = IndexServer()  # ETag + max-age=600: a warm run asks nothing
    s.add(Dist("requests", "2.0", requires_dist=["idna>=1", "urllib3"]))
    s.add(Dist("requests", "2.0", tag=None))
    s.add(Dist("idna", "1.0"))
    s.add(Dist("urllib3", "1.0"))
    s.add(Dist("requests-toolbelt", "1.0", requires_dist=["requests"]))
    with s:
        yield s


def test_cache_clean_pkg_after_a_compile_removes_that_package_only(
        index: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache_dir = tmp_path / "cache"
    req = tmp_path / "r.in"
    req.write_text("requests-toolbelt\n")
    args = ["--cache-dir", str(cache_dir), "pip", "compile", str(req), "--index-url", index.simple_url,
            "--python-version", "3.11", "--no-header"]
    assert main(args) == 0
    pins = capsys.readouterr().out
    assert "requests==2.0" in pins and "requests-toolbelt==1.0" in pins
    before = entries(cache_dir)
    of_requests = {e for e in before if e.split("/")[1] == "requests"}
    # its page and its wheel's metadata, each kept once, both under `requests`
    assert {e.split("/")[0] for e in of_requests} == {PAGE_BUCKET, "metadata-v1"}, before
    assert all(e.split("/")[1] in ("requests", "requests-toolbelt", "idna", "urllib3") for e in before), before

    assert main(["--cache-dir", str(cache_dir), "cache", "clean", "requests"]) == 0
    assert f"Removed {len(of_requests)} files" in capsys.readouterr().err
    assert entries(cache_dir) == before - of_requests  # nothing of another package went

    index.reset_counts()
    assert main(args) == 0
    assert capsys.readouterr().out == pins
    asked = {path for path, n in index.counts.items() if n}
    assert asked == {"/simple/requests/", "/files/requests-2.0-py3-none-any.whl.metadata"}
    assert entries(cache_dir) == before
