"""RegistryClient over a scripted HTTP double: strategies, pins, status codes, the devpi trap.

The double answers from a table (URL -> status, headers, body, final URL) and records every
request, so these tests pin down exactly which URLs are asked and the exact error text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from prong.cli.diagnostics import render_error
from prong.client.http import HttpError, Response
from prong.client.indexes import IndexConfig, IndexUrls
from prong.client.registry import IndexAccessError, IndexPageError, RegistryClient

RECORDED = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "seed_jetson" / "recorded"
JSON = "application/vnd.pypi.simple.v1+json"
HTML = "text/html; charset=UTF-8"


@dataclass
class Route:
    status: int
    content_type: str
    body: bytes
    final: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeHttp:
    def __init__(self, routes: Mapping[str, Route]) -> None:
        self.routes = dict(routes)
        self.calls: list[str] = []
        self.accepts: list[str] = []
        self.cache = None

    def get(self, url: str, *, headers: Mapping[str, str] | None = None, cache_mode: str = "default",
            allow_status: Collection[int] = ()) -> Response:
        self.calls.append(url)
        self.accepts.append((headers or {}).get("Accept", ""))
        r = self.routes.get(url, Route(404, "text/plain", b"not found"))
        hdrs = {"content-type": r.content_type, **{k.lower(): v for k, v in r.headers.items()}}
        if r.status >= 400 and r.status not in allow_status:
            raise HttpError(url, r.status, content_type=r.content_type, body=r.body,
                            auth="missing" if r.status in (401, 403) else None)
        final = r.final or url
        history = ((302, url),) if final != url else ()
        return Response(final, r.status, hdrs, r.body, "uncached", history)

    def map(self, fn, items):  # type: ignore[no-untyped-def]
        return [fn(i) for i in items]


def simple_json(name: str, versions: list[str], prefix: str = "../../f/") -> Route:
    files = [{"filename": f"{name}-{v}.tar.gz", "url": f"{prefix}{name}-{v}.tar.gz", "hashes": {}} for v in versions]
    return Route(200, JSON, json.dumps({"meta": {"api-version": "1.0"}, "name": name, "files": files}).encode())


def urls(*indexes: IndexConfig, default: str = "https://default.invalid/simple") -> IndexUrls:
    return IndexUrls.from_args(configured=indexes, default_index=default)


def devpi_web_page() -> bytes:
    return (RECORDED / "devpi-6.12.1" / "web-torch-page-full.html").read_bytes()


WEB = "http://devpi.invalid:3141/jp6/cu126"
DEVPI_HDR = {"X-Devpi-Server-Version": "6.12.1"}


def devpi_routes(simple_ok: bool = True) -> dict[str, Route]:
    routes = {
        f"{WEB}/torch/": Route(200, HTML, devpi_web_page(), final=f"{WEB}/torch", headers=DEVPI_HDR),
        f"{WEB}/torchvision/": Route(200, HTML, devpi_web_page().replace(b"torch versions", b"torchvision versions"),
                                     final=f"{WEB}/torchvision", headers=DEVPI_HDR),
    }
    if simple_ok:
        routes[f"{WEB}/+simple/torch/"] = simple_json("torch", ["2.4.0", "2.7.0"], "../../+f/")
        routes[f"{WEB}/+simple/torchvision/"] = simple_json("torchvision", ["0.22.0"], "../../+f/")
    return routes


# ----------------------------------------------------------------------------- strategies


def test_first_index_stops_at_the_first_index_that_has_the_project() -> None:
    a, b = IndexConfig("a", "https://a.invalid/simple"), IndexConfig("b", "https://b.invalid/simple")
    http = FakeHttp({
        "https://a.invalid/simple/foo/": simple_json("foo", ["1.0"]),
        "https://b.invalid/simple/foo/": simple_json("foo", ["2.0"]),
        "https://default.invalid/simple/bar/": simple_json("bar", ["3.0"]),
    })
    reg = RegistryClient(http, urls(a, b))
    assert [(i.name, len(p.files)) for i, p in reg.project_pages("Foo")] == [("a", 1)]
    assert http.calls == ["https://a.invalid/simple/foo/"]
    # not on a or b (404): the default index, asked last
    assert [f.filename for _, f in reg.files("bar")] == ["bar-3.0.tar.gz"]
    assert http.calls[1:] == ["https://a.invalid/simple/bar/", "https://b.invalid/simple/bar/",
                              "https://default.invalid/simple/bar/"]
    # pages are fetched once
    reg.files("foo")
    assert len(http.calls) == 4


@pytest.mark.parametrize("strategy", ["unsafe-first-match", "unsafe-best-match"])
def test_unsafe_strategies_ask_every_index(strategy: str) -> None:
    a, b = IndexConfig("a", "https://a.invalid/simple"), IndexConfig("b", "https://b.invalid/simple")
    http = FakeHttp({
        "https://a.invalid/simple/foo/": simple_json("foo", ["1.0"]),
        "https://b.invalid/simple/foo/": simple_json("foo", ["2.0"]),
    })
    reg = RegistryClient(http, urls(a, b), strategy)  # type: ignore[arg-type]
    assert [(i.name, f.filename) for i, f in reg.files("foo")] == [("a", "foo-1.0.tar.gz"), ("b", "foo-2.0.tar.gz")]
    assert http.calls[-1] == "https://default.invalid/simple/foo/"


def test_explicit_index_only_for_pinned_packages() -> None:
    private = IndexConfig("private", "https://p.invalid/simple", explicit=True)
    http = FakeHttp({
        "https://p.invalid/simple/foo/": simple_json("foo", ["9.0"]),
        "https://default.invalid/simple/foo/": simple_json("foo", ["1.0"]),
    })
    reg = RegistryClient(http, urls(private))
    assert [f.filename for _, f in reg.files("foo")] == ["foo-1.0.tar.gz"]
    assert "https://p.invalid/simple/foo/" not in http.calls
    assert [f.filename for _, f in reg.files("foo", index="private")] == ["foo-9.0.tar.gz"]


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_stop_the_search(status: int) -> None:
    a = IndexConfig("a", "https://a.invalid/simple")
    http = FakeHttp({"https://a.invalid/simple/foo/": Route(status, "text/plain", b"no"),
                     "https://default.invalid/simple/foo/": simple_json("foo", ["1.0"])})
    reg = RegistryClient(http, urls(a))
    with pytest.raises(IndexAccessError) as info:
        reg.files("foo")
    assert str(info.value).startswith(f"index `a` (https://a.invalid/simple) answered {status}")
    assert "https://default.invalid/simple/foo/" not in http.calls
    assert any(f"ignore-error-codes = [{status}]" in h for h in info.value.hints())
    assert "No credentials were sent" in info.value.hints()[0]


def test_ignore_error_codes_moves_on() -> None:
    a = IndexConfig("a", "https://a.invalid/simple", ignore_error_codes=(403,))
    http = FakeHttp({"https://a.invalid/simple/foo/": Route(403, "text/plain", b"no"),
                     "https://default.invalid/simple/foo/": simple_json("foo", ["1.0"])})
    reg = RegistryClient(http, urls(a))
    assert [f.filename for _, f in reg.files("foo")] == ["foo-1.0.tar.gz"]


def test_server_errors_are_not_swallowed() -> None:
    http = FakeHttp({"https://default.invalid/simple/foo/": Route(500, "text/plain", b"boom")})
    with pytest.raises(HttpError):
        RegistryClient(http, urls()).files("foo")


def test_prefetch_fetches_each_page_once_and_defers_errors() -> None:
    http = FakeHttp({
        "https://default.invalid/simple/foo/": simple_json("foo", ["1.0"]),
        "https://default.invalid/simple/bad/": Route(500, "text/plain", b"boom"),
    })
    reg = RegistryClient(http, urls())
    reg.prefetch(["foo", "bad", "foo"])
    assert sorted(http.calls) == ["https://default.invalid/simple/bad/", "https://default.invalid/simple/foo/"]
    assert len(reg.files("foo")) == 1
    with pytest.raises(HttpError):
        reg.files("bad")
    assert len(http.calls) == 2


def test_accept_header_allows_html() -> None:
    http = FakeHttp({"https://default.invalid/simple/foo/": simple_json("foo", ["1.0"])})
    RegistryClient(http, urls()).files("foo")
    assert "text/html" in http.accepts[0] and http.accepts[0].startswith(JSON)


# ----------------------------------------------------------------------------- devpi trap


def test_devpi_web_url_falls_back_to_simple_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    idx = IndexConfig("jp6-cuda", WEB, explicit=True)
    http = FakeHttp(devpi_routes())
    reg = RegistryClient(http, urls(idx))
    with caplog.at_level(logging.WARNING, logger="prong.index"):
        torch = reg.files("torch", index="jp6-cuda")
        vision = reg.files("torchvision", index="jp6-cuda")
    assert [f.url for _, f in torch] == [f"{WEB}/+f/torch-2.4.0.tar.gz", f"{WEB}/+f/torch-2.7.0.tar.gz"]
    assert len(vision) == 1
    # the second project goes straight to +simple
    assert http.calls == [f"{WEB}/torch/", f"{WEB}/+simple/torch/", f"{WEB}/+simple/torchvision/"]
    assert len(reg.warnings) == 1
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    w = str(reg.warnings[0])
    assert w == (
        f"index `jp6-cuda` ({WEB}) serves the devpi web interface, not a package index: {WEB}/torch/ is an HTML "
        'page titled "jp6/cu126/: torch versions" with no links to distribution files of `torch`, '
        f"X-Devpi-Server-Version: 6.12.1. Using its Simple API at {WEB}/+simple instead; "
        f'use url = "{WEB}/+simple" for [[tool.uv.index]] `jp6-cuda` to silence this warning.'
    )
    assert reg.warnings[0].suggested_url == f"{WEB}/+simple"


def test_devpi_trap_strict_golden_error() -> None:
    idx = IndexConfig("jp6-cuda", WEB + "/", explicit=True)
    reg = RegistryClient(FakeHttp(devpi_routes()), urls(idx), strict_index_urls=True)
    with pytest.raises(IndexPageError) as info:
        reg.files("torch", index="jp6-cuda")
    assert render_error(info.value) == "\n".join([
        f"error: index `jp6-cuda` ({WEB}/) did not return a package index page for `torch`:",
        f"GET {WEB}/torch/ returned 200 text/html (after a redirect to {WEB}/torch): an HTML page titled "
        '"jp6/cu126/: torch versions" with 19 links, none to a distribution file of `torch`;',
        "this looks like the devpi web interface (X-Devpi-Server-Version: 6.12.1).",
        f"hint: devpi serves the Simple API under `+simple`; {WEB}/+simple/torch/ lists 2 files.",
        f'hint: Use url = "{WEB}/+simple" for [[tool.uv.index]] `jp6-cuda`.',
        "hint: Without --strict-index-urls, prong uses that URL and prints a warning.",
    ])
    assert reg.warnings == ()


def test_devpi_trap_probe_failure_golden_error() -> None:
    idx = IndexConfig(None, WEB, default=True, origin="--index-url")
    reg = RegistryClient(FakeHttp(devpi_routes(simple_ok=False)), IndexUrls(indexes=(idx,)))
    with pytest.raises(IndexPageError) as info:
        reg.files("torch")
    text = render_error(info.value)
    assert text.splitlines()[0] == f"error: index {WEB} did not return a package index page for `torch`:"
    assert text.splitlines()[-2:] == [
        f"hint: prong also tried GET {WEB}/+simple/torch/, which returned 404 text/plain.",
        "hint: Point the index at the server's Simple API (PEP 503/691): for devpi that is "
        "`<server>/<user>/<index>/+simple`.",
    ]


def test_index_already_on_simple_is_not_probed_again() -> None:
    base = WEB + "/+simple"
    http = FakeHttp({f"{base}/torch/": Route(200, HTML, devpi_web_page(), headers=DEVPI_HDR)})
    reg = RegistryClient(http, IndexUrls(indexes=(IndexConfig("x", base, default=True),)))
    with pytest.raises(IndexPageError) as info:
        reg.files("torch")
    assert http.calls == [f"{base}/torch/"]
    assert info.value.probe is None


def test_links_but_no_distribution_triggers_the_probe_even_without_devpi_markers() -> None:
    base = "http://web.invalid/idx"
    http = FakeHttp({
        f"{base}/foo/": Route(200, "text/html", b'<a href="/">home</a><a href="1.0">1.0</a>'),
        f"{base}/+simple/foo/": simple_json("foo", ["1.0"]),
    })
    reg = RegistryClient(http, IndexUrls(indexes=(IndexConfig("web", base, default=True),)))
    assert len(reg.files("foo")) == 1
    assert len(reg.warnings) == 1
    assert "X-Devpi" not in str(reg.warnings[0])


def test_genuinely_empty_page_is_no_versions_without_hint() -> None:
    http = FakeHttp({"https://default.invalid/simple/foo/": Route(200, "text/html", b"<html><body></body></html>")})
    reg = RegistryClient(http, urls())
    pages = reg.project_pages("foo")
    assert len(pages) == 1 and pages[0][1].files == ()
    assert http.calls == ["https://default.invalid/simple/foo/"]
    assert reg.warnings == ()


def test_page_of_old_style_files_is_not_taken_for_a_web_page() -> None:
    http = FakeHttp({"https://default.invalid/simple/foo/": Route(
        200, "text/html", b'<a href="../../f/foo-0.1-py2.7.egg">e</a><a href="../../f/Foo-0.1.win32.exe">x</a>')})
    reg = RegistryClient(http, urls())
    assert reg.project_pages("foo")[0][1].files == ()
    assert http.calls == ["https://default.invalid/simple/foo/"] and reg.warnings == ()


def test_empty_json_page_from_devpi_is_trusted() -> None:
    http = FakeHttp({f"{WEB}/foo/": Route(200, JSON, b'{"meta": {"api-version": "1.0"}, "files": []}',
                                          headers=DEVPI_HDR)})
    reg = RegistryClient(http, IndexUrls(indexes=(IndexConfig(None, WEB, default=True),)))
    assert reg.project_pages("foo")[0][1].files == ()
    assert http.calls == [f"{WEB}/foo/"]


# ----------------------------------------------------------------------------- flat and file://


def test_file_index_and_find_links_directory(tmp_path: Path) -> None:
    from tests.support.wheels import make_sdist, make_wheel

    simple = tmp_path / "simple"
    (simple / "foo").mkdir(parents=True)
    (simple / "foo" / "index.html").write_text('<a href="../../files/foo-1.0.tar.gz#sha256=00">x</a>')
    links = tmp_path / "links"
    make_wheel(links, "foo", "2.0")
    make_sdist(links, "bar", "1.0")
    (links / "notes.txt").write_text("x")
    idx = IndexUrls.from_args(index_url=simple.as_uri(), find_links=[str(links)])
    reg = RegistryClient(FakeHttp({}), idx)
    got = reg.files("foo")
    assert [(i.origin, f.filename) for i, f in got] == [("--index-url", "foo-1.0.tar.gz"),
                                                        ("--find-links", "foo-2.0-py3-none-any.whl")]
    assert got[0][1].url == (tmp_path / "files" / "foo-1.0.tar.gz").as_uri()
    assert got[1][1].url == (links / "foo-2.0-py3-none-any.whl").as_uri()
    assert [f.filename for _, f in reg.files("bar")] == ["bar-1.0.tar.gz"]
    assert reg.files("baz") == []


def test_credentials_never_shown_in_devpi_warning_or_error() -> None:
    secret_web = "http://jp6:s3cret@devpi.invalid:3141/jp6/cu126"
    routes = {k.replace(WEB, secret_web): v for k, v in devpi_routes().items()}
    reg = RegistryClient(FakeHttp(routes), IndexUrls(indexes=(IndexConfig("jp6", secret_web, default=True),)))
    assert len(reg.files("torch")) == 2
    assert "s3cret" not in str(reg.warnings[0]) and "jp6:" not in str(reg.warnings[0])
    assert f"{WEB}/+simple" in str(reg.warnings[0])
    strict = RegistryClient(FakeHttp(routes), IndexUrls(indexes=(IndexConfig("jp6", secret_web, default=True),)),
                            strict_index_urls=True)
    with pytest.raises(IndexPageError) as info:
        strict.files("torch")
    assert "s3cret" not in render_error(info.value)
