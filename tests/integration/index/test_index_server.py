"""The index client against tests/support/index_server.py: real HTTP on 127.0.0.1.

HTML and JSON pages, PEP 658 metadata, yanked files, requires-python, flat indexes, file://
indexes, several indexes and strategies, explicit indexes, the devpi-like web page, the HTTP and
parsed-page caches.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.api.index import NoMatchingVersionsError, build_registry, index_versions
from prong.cli.main import main
from prong.client.indexes import IndexConfig, IndexUrls
from prong.client.registry import IndexPageError
from tests.support.index_server import Hosted, IndexServer
from tests.support.wheels import Dist, dist_bytes, make_sdist, make_wheel

PY310 = {"python_version": "3.10", "python_platform": "x86_64-unknown-linux-gnu"}


def fill(server: IndexServer) -> IndexServer:
    server.add(Dist("foo", "1.0"))
    server.add(Dist("foo", "1.0", tag=None))
    server.add(Dist("foo", "2.0", tag="cp310-cp310-manylinux_2_17_x86_64"))
    server.add(Dist("foo", "2.1", tag="cp311-cp311-manylinux_2_17_x86_64"))
    server.add(Dist("foo", "3.0", requires_python=">=3.12"))
    server.add(Dist("foo", "4.0"), yanked="broken")
    server.add(Dist("foo", "5.0a1"))
    server.add(Dist("bar-baz", "0.1", tag=None))
    return server


@pytest.fixture
def server() -> Iterator[IndexServer]:
    with fill(IndexServer()) as s:
        yield s


def versions(server_url: str, tmp_path: Path, **kw: object) -> tuple[str, ...]:
    args = {**PY310, **kw}
    return index_versions("foo", index_url=server_url, cache_dir=tmp_path / "cache", **args).versions  # type: ignore[arg-type]


@pytest.mark.parametrize("formats", [("json", "html"), ("html",), ("json",)], ids=["negotiated", "html", "json"])
def test_html_and_json_give_the_same_versions(formats: tuple[str, ...], tmp_path: Path) -> None:
    with fill(IndexServer(formats=formats)) as s:
        assert versions(s.simple_url, tmp_path) == ("2.0", "1.0")
        accept = s.requests[0][2]["accept"]
        assert "application/vnd.pypi.simple.v1+json" in accept and "text/html" in accept


def test_target_selection_requires_python_yanked_and_pre(server: IndexServer, tmp_path: Path) -> None:
    assert versions(server.simple_url, tmp_path, python_version="3.11") == ("2.1", "1.0")
    assert versions(server.simple_url, tmp_path, python_version="3.12") == ("3.0", "1.0")
    assert versions(server.simple_url, tmp_path, python_version="3.12", pre=True) == ("5.0a1", "3.0", "1.0")
    # on another platform only the pure wheel and the sdist fit
    assert versions(server.simple_url, tmp_path, python_platform="aarch64-apple-darwin") == ("1.0",)


def test_sdist_only_project_and_name_normalization(server: IndexServer, tmp_path: Path) -> None:
    got = index_versions("Bar_Baz", index_url=server.simple_url, cache_dir=tmp_path, **PY310)  # type: ignore[arg-type]
    assert got.name == "bar-baz" and got.versions == ("0.1",)
    assert server.counts["/simple/bar-baz/"] == 1


def test_missing_project(server: IndexServer, tmp_path: Path) -> None:
    with pytest.raises(NoMatchingVersionsError) as info:
        index_versions("nope", index_url=server.simple_url, cache_dir=tmp_path, **PY310)  # type: ignore[arg-type]
    assert str(info.value) == f"no index has `nope` (searched: {server.simple_url})"


def test_no_usable_file_explains_the_skips(tmp_path: Path) -> None:
    s = IndexServer([Dist("foo", "2.0", tag="cp310-cp310-manylinux_2_17_x86_64"),
                     Dist("foo", "2.1", tag="cp311-cp311-win_amd64"),
                     Dist("foo", "3.0", requires_python=">=3.12"), Dist("foo", "5.0a1")])
    s.add(Dist("foo", "4.0"), yanked="broken")
    with s:
        with pytest.raises(NoMatchingVersionsError) as info:
            index_versions("foo", index_url=s.simple_url, cache_dir=tmp_path, python_version="3.9",
                           python_platform="aarch64-pc-windows-msvc")
    assert str(info.value) == "no version of `foo` has a file usable on cp39 on aarch64-pc-windows-msvc"
    assert info.value.hints() == (
        "5 files were found and all were skipped: 2 wheel tags, 1 pre-releases, 1 requires-python, 1 yanked "
        "(-vv shows each file).",
    )


@pytest.mark.parametrize("metadata", [True, False])
def test_pep_658_flag_reaches_the_files(metadata: bool, tmp_path: Path) -> None:
    with fill(IndexServer(metadata=metadata)) as s:
        reg = build_registry(IndexUrls.from_args(index_url=s.simple_url), cache_dir=tmp_path)
        files = reg.files("foo")
        wheels = [f for _, f in files if f.filename.endswith(".whl")]
        sdists = [f for _, f in files if f.filename.endswith(".tar.gz")]
        assert all(f.has_core_metadata is metadata for f in wheels)
        assert not any(f.has_core_metadata for f in sdists)
        yanked = [f for f in wheels if f.filename.startswith("foo-4.0")]
        assert yanked[0].yanked == "broken"
        assert all(f.sha256 and len(f.sha256) == 64 for _, f in files)
        assert all(f.upload_time and f.size for _, f in files)
        reg.http.close()


def test_find_links_page_and_directory(server: IndexServer, tmp_path: Path) -> None:
    links = tmp_path / "links"
    make_wheel(links, "foo", "7.0")
    make_sdist(links, "foo", "8.0")
    got = index_versions("foo", no_index=True, find_links=[server.url + "/flat/", str(links)],
                         cache_dir=tmp_path / "c", **PY310)  # type: ignore[arg-type]
    # a flat page carries no requires-python nor yanked marks: 3.0 and 4.0 count here
    assert got.versions == ("8.0", "7.0", "4.0", "3.0", "2.0", "1.0")
    # find-links files are merged with the index's
    got = index_versions("foo", index_url=server.simple_url, find_links=[str(links)], cache_dir=tmp_path / "c",
                         **PY310)  # type: ignore[arg-type]
    assert got.versions == ("8.0", "7.0", "2.0", "1.0")


def test_file_url_index(tmp_path: Path) -> None:
    root = tmp_path / "simple"
    (root / "foo").mkdir(parents=True)
    w = make_wheel(tmp_path / "files", "foo", "1.5")
    (root / "foo" / "index.html").write_text(f'<a href="../../files/{w.name}">{w.name}</a>')
    got = index_versions("foo", index_url=root.as_uri(), cache_dir=tmp_path / "c", **PY310)  # type: ignore[arg-type]
    assert got.versions == ("1.5",)
    # a bare directory per project works too
    (root / "bar").mkdir()
    make_sdist(root / "bar", "bar", "0.3")
    assert index_versions("bar", index_url=str(root), cache_dir=tmp_path / "c", **PY310).versions == ("0.3",)  # type: ignore[arg-type]


def two_servers() -> tuple[IndexServer, IndexServer]:
    private = IndexServer([Dist("foo", "1.0"), Dist("only-private", "1.0")]).start()
    public = IndexServer([Dist("foo", "1.0"), Dist("foo", "9.0")]).start()
    return private, public


@pytest.mark.parametrize(
    ("strategy", "expected", "public_asked"),
    [("first-index", ("1.0",), 0), ("unsafe-first-match", ("9.0", "1.0"), 1), ("unsafe-best-match", ("9.0", "1.0"), 1)],
)
def test_strategies(strategy: str, expected: tuple[str, ...], public_asked: int, tmp_path: Path) -> None:
    private, public = two_servers()
    try:
        got = index_versions("foo", indexes=[f"private={private.simple_url}"], default_index=public.simple_url,
                             index_strategy=strategy, cache_dir=tmp_path, **PY310)  # type: ignore[arg-type]
        assert got.versions == expected
        assert public.counts["/simple/foo/"] == public_asked
        # a project only the private index has: the public one is asked only when not first-index... or not found
        got = index_versions("only-private", indexes=[f"private={private.simple_url}"],
                             default_index=public.simple_url, index_strategy=strategy, cache_dir=tmp_path,
                             **PY310)  # type: ignore[arg-type]
        assert got.versions == ("1.0",)
    finally:
        private.stop()
        public.stop()


def test_explicit_index_is_used_only_when_pinned(tmp_path: Path) -> None:
    private, public = two_servers()
    try:
        urls = IndexUrls.from_args(configured=[IndexConfig("private", private.simple_url, explicit=True)],
                                   default_index=public.simple_url)
        reg = build_registry(urls, cache_dir=tmp_path)
        assert sorted(f.filename for _, f in reg.files("foo")) == ["foo-1.0-py3-none-any.whl", "foo-9.0-py3-none-any.whl"]
        assert private.counts["/simple/foo/"] == 0
        assert [f.filename for _, f in reg.files("foo", index="private")] == ["foo-1.0-py3-none-any.whl"]
        assert private.counts["/simple/foo/"] == 1
        reg.http.close()
    finally:
        private.stop()
        public.stop()


def test_forbidden_stops_unless_ignored(tmp_path: Path) -> None:
    private, public = two_servers()
    private.status["/simple/foo/"] = 403
    try:
        with pytest.raises(Exception) as info:
            index_versions("foo", indexes=[private.simple_url], default_index=public.simple_url, cache_dir=tmp_path,
                           **PY310)  # type: ignore[arg-type]
        assert "answered 403 Forbidden" in str(info.value)
        assert public.counts["/simple/foo/"] == 0
        urls = IndexUrls.from_args(configured=[IndexConfig("p", private.simple_url, ignore_error_codes=(403,))],
                                   default_index=public.simple_url)
        reg = build_registry(urls, cache_dir=tmp_path)
        assert len(reg.files("foo")) == 2 and public.counts["/simple/foo/"] == 1
        reg.http.close()
    finally:
        private.stop()
        public.stop()


def test_devpi_like_web_page_warns_or_fails(server: IndexServer, tmp_path: Path) -> None:
    web = server.url + "/devpi"
    got = index_versions("foo", index_url=web, cache_dir=tmp_path, **PY310)  # type: ignore[arg-type]
    assert got.versions == ("2.0", "1.0")
    (warning,) = got.warnings
    assert f"Using its Simple API at {web}/+simple instead" in warning
    with pytest.raises(IndexPageError) as info:
        index_versions("foo", index_url=web, strict_index_urls=True, cache_dir=tmp_path, **PY310)  # type: ignore[arg-type]
    assert info.value.probe is not None and info.value.probe.n_files == 7
    assert info.value.info.devpi_markers and info.value.info.server_version == "6.12.1"


def test_cli_output_like_pip(server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--cache-dir", str(tmp_path), "index", "versions", "foo", "--index-url", server.simple_url,
                 "--python-version", "3.11", "--python-platform", "x86_64-unknown-linux-gnu"])
    out, err = capsys.readouterr()
    assert (code, out, err) == (0, "foo (2.1)\nAvailable versions: 2.1, 1.0\n", "")
    code = main(["--cache-dir", str(tmp_path), "index", "versions", "foo", "--index-url", server.simple_url,
                 "--python-platform", "not-a-platform"])
    out, err = capsys.readouterr()
    # a bad option value is a usage error: exit 2 (docs/exit-codes.md)
    assert code == 2 and err.startswith("error: invalid platform: unknown platform `not-a-platform`")


def test_warm_cache_makes_no_request_and_stale_pages_are_revalidated(tmp_path: Path) -> None:
    with fill(IndexServer(max_age=600)) as s:
        assert versions(s.simple_url, tmp_path) == ("2.0", "1.0")
        s.reset_counts()
        assert versions(s.simple_url, tmp_path) == ("2.0", "1.0")
        assert sum(s.counts.values()) == 0
    with fill(IndexServer(max_age=0)) as s:
        versions(s.simple_url, tmp_path / "b")
        s.reset_counts()
        assert versions(s.simple_url, tmp_path / "b") == ("2.0", "1.0")
        assert s.counts["/simple/foo/"] == 1
        assert "if-none-match" in s.requests[0][2]


def test_big_page_parsed_once_then_loaded_from_the_compact_cache(tmp_path: Path, parses: list[str]) -> None:
    server = IndexServer(cache_headers=False)
    for i in range(300):
        server.add(Hosted(Dist("big", f"1.{i}"), dist_bytes(Dist("big", "1.0"))))
    with server:
        args = dict(index_url=server.simple_url, cache_dir=tmp_path, **PY310)
        first = index_versions("big", **args)  # type: ignore[arg-type]
        second = index_versions("big", **args)  # type: ignore[arg-type]
        assert first == second and len(first.versions) == 300
        assert len(parses) == 1  # the second run fetched the page again (no cache headers) but did not parse it
        assert server.counts["/simple/big/"] == 2


def test_prefetch_fetches_pages_concurrently(tmp_path: Path) -> None:
    names = [f"p{i}" for i in range(8)]
    with IndexServer([Dist(n, "1.0") for n in names]) as s:
        s.delay = 0.3
        reg = build_registry(IndexUrls.from_args(index_url=s.simple_url), cache_dir=tmp_path)
        import time

        t0 = time.perf_counter()
        reg.prefetch(names)  # returns at once: the fetches run on the client's pool
        assert time.perf_counter() - t0 < 0.3
        assert all(len(reg.files(n)) == 1 for n in names)  # waits for the fetches in flight
        elapsed = time.perf_counter() - t0
        s.delay = 0.0
        reg.prefetch(names, wait=True)  # all known: nothing to do
        assert sum(s.counts[f"/simple/{n}/"] for n in names) == 8  # each page once, none refetched
        assert s.max_in_flight >= 4
        assert elapsed < 8 * 0.3
        reg.http.close()


def test_empty_project_page_is_no_versions_without_devpi_hint(tmp_path: Path) -> None:
    with IndexServer([Dist("foo", "1.0")]) as s:
        s.files["empty"] = []
        with pytest.raises(NoMatchingVersionsError) as info:
            index_versions("empty", index_url=s.simple_url, cache_dir=tmp_path, **PY310)  # type: ignore[arg-type]
        assert str(info.value) == f"`empty` has no distribution files on {s.simple_url}"
        assert info.value.hints() == () and info.value.warnings == ()
        assert s.counts["/simple/empty/"] == 1 and sum(s.counts.values()) == 1


def test_flat_index_in_the_index_list(tmp_path: Path) -> None:
    links = tmp_path / "links"
    make_wheel(links, "foo", "3.0")
    with IndexServer([Dist("foo", "1.0")]) as s:
        urls = IndexUrls.from_args(configured=[IndexConfig("local", links.as_uri(), format="flat")],
                                   default_index=s.simple_url)
        reg = build_registry(urls, cache_dir=tmp_path)
        assert [f.filename for _, f in reg.files("foo")] == ["foo-3.0-py3-none-any.whl"]  # first-index: flat wins
        assert s.counts["/simple/foo/"] == 0
        assert [f.filename for _, f in reg.files("other")] == []
        reg.http.close()
