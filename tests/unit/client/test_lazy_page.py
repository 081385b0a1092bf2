"""JSON project pages build their files lazily: grouped by version, built only when read, and
the same files as building them all at once."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

import prong.client.simple as simple
from prong.client.simple import dump_page, load_page, parse_json
from prong.sources.index import RegistryIndex
from prong.dists import IndexFile
from prong.pep440.version import parse_version as V
from prong.resolver.index import Found, VersionCandidate
from prong.resolver.options import ResolverOptions
from prong.resolver.selector import VersionMap
from prong.tags import Tags, Target, parse_platform

URL = "https://i.invalid/simple/foo/"


def _entry(name: str, when: str, **extra: object) -> dict[str, object]:
    return {"filename": name, "url": f"../../files/{name}#sha256=AB", "upload-time": when, **extra}


ENTRIES = [
    _entry("foo-1.0-py3-none-any.whl", "2020-01-01T00:00:00Z"),
    _entry("foo-1.0.tar.gz", "2020-01-01T00:00:01Z", **{"requires-python": ">=3.8"}),
    _entry("foo-2.0-cp311-cp311-manylinux_2_17_x86_64.whl", "2021-05-01T00:00:00.123456Z", yanked="bad"),
    _entry("foo-2.0-py3-none-any.whl", "2021-05-01T00:00:00Z", hashes={"sha256": "CD"}),
    _entry("foo-3.0-py3-none-any.whl", "2026-11-01T00:00:01Z"),  # after the cutoff below
    _entry("foo-3.0.tar.gz", "2026-10-20T00:00:00Z"),  # before it
    _entry("bar-1.0-py3-none-any.whl", "2020-01-01T00:00:00Z"),  # another project: not a file of foo
    _entry("foo-1.0.0-py3-none-any.whl", "2020-02-01T00:00:00Z"),  # the same version as 1.0
]
BODY = json.dumps({"meta": {"api-version": "1.1"}, "name": "foo", "files": ENTRIES}).encode()
CUTOFF = datetime(2026, 11, 1, tzinfo=timezone.utc)
TAGS = Tags.for_target(Target((3, 11), "cp", platform=parse_platform("x86_64-manylinux2014")))


@pytest.fixture()
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """File names built into ``IndexFile`` values, in order."""
    names: list[str] = []
    real = simple._json_file

    def counting(entry: dict[str, object], base: str) -> IndexFile:
        names.append(str(entry[0]))  # a compact entry: the file name first
        return real(entry, base)

    monkeypatch.setattr(simple, "_json_file", counting)
    return names


def _eager(entries: list[dict[str, object]]) -> tuple[IndexFile, ...]:
    return tuple(simple._json_file(simple._compact(e), URL) for e in entries)


def test_page_files_are_built_on_first_read_and_match_eager_parsing(built: list[str]) -> None:
    page = parse_json(BODY, URL, "Foo")
    assert built == []
    assert page.files and len(page.files) == 7
    assert set(page.files.groups) == {"1.0", "2.0", "3.0", "1.0.0"}  # type: ignore[attr-defined]
    assert set(page.files.sdists) == {"1.0", "3.0"}  # type: ignore[attr-defined]
    assert built == []  # bool, len and grouping build nothing
    mine = [e for e in ENTRIES if not str(e["filename"]).startswith("bar")]
    assert page.files == _eager(mine)
    assert page.files[2].yanked == "bad" and page.files[3].hashes == (("sha256", "cd"),)
    assert page.files[0].url == "https://i.invalid/files/foo-1.0-py3-none-any.whl"
    assert page.files[1].requires_python == ">=3.8"
    assert page.info.non_dist_links == ("bar-1.0-py3-none-any.whl",)
    assert tuple(page.files) + () == () + tuple(page.files) == page.files + ()


def test_compact_form_keeps_the_files_unbuilt(built: list[str]) -> None:
    page = parse_json(BODY, URL, "foo")
    back = load_page(dump_page(page))
    assert back is not None and built == []
    assert set(back.files.groups) == set(page.files.groups)  # type: ignore[attr-defined]
    assert set(back.files.sdists) == set(page.files.sdists)  # type: ignore[attr-defined]
    assert back == page


def test_registry_index_builds_only_the_versions_read(built: list[str]) -> None:
    page = parse_json(BODY, URL, "foo")
    client = SimpleNamespace(
        indexes=SimpleNamespace(no_index=False, flat=()),
        project_pages=lambda name, pin=None: [(SimpleNamespace(url="https://i.invalid/simple"), page)],
    )
    response = RegistryIndex(client, http=None).versions("foo")  # type: ignore[arg-type]
    assert isinstance(response, Found)
    assert [str(c.version) for c in response.candidates] == ["3.0", "2.0", "1.0"]
    # nothing was built (nor decoded: the sdists are grouped by version too)
    assert built == []
    one = response.candidates[2]
    assert [f.filename for f in one.files] == [
        "foo-1.0-py3-none-any.whl", "foo-1.0.0-py3-none-any.whl", "foo-1.0.tar.gz",
    ]
    assert sorted(built) == sorted(f.filename for f in one.files)

    vmap = VersionMap("foo", response.candidates, options=ResolverOptions(exclude_newer=CUTOFF), tags=TAGS,
                      python_version=V("3.11.7"))
    # 1.0 and 2.0 are wholly older than the cutoff: kept without building their files
    assert sorted(built) == sorted(["foo-1.0-py3-none-any.whl", "foo-1.0.0-py3-none-any.whl", "foo-1.0.tar.gz",
                                    "foo-3.0-py3-none-any.whl", "foo-3.0.tar.gz"])
    assert [f.filename for f in vmap.candidates[V("3.0")].files] == ["foo-3.0.tar.gz"]
    assert [f.filename for f in vmap.candidates[V("2.0")].files] == [
        "foo-2.0-cp311-cp311-manylinux_2_17_x86_64.whl", "foo-2.0-py3-none-any.whl",
    ]


@pytest.mark.parametrize("when", ["2026-10-30T10:00:00Z", "2026-10-31T23:59:59-05:00", "2026-11-01T00:00:00Z",
                                  "2026-10-29T00:00:00+23:00", "not a time", ""])
def test_exclude_newer_on_unbuilt_files_agrees_with_built_ones(when: str) -> None:
    entries = [_entry("foo-1.0-py3-none-any.whl", "2019-01-01T00:00:00Z"), _entry("foo-1.0.tar.gz", when)]
    body = json.dumps({"meta": {"api-version": "1.0"}, "files": entries}).encode()
    files = parse_json(body, URL, "foo").files
    eager = _eager(entries)

    def kept(files: object) -> object:
        vm = VersionMap("foo", (VersionCandidate(V("1.0"), files, URL),),  # type: ignore[arg-type]
                        options=ResolverOptions(exclude_newer=CUTOFF), tags=TAGS, python_version=V("3.11.7"))
        return tuple(vm.candidates[V("1.0")].files) if V("1.0") in vm.candidates else None

    joined = files.groups["1.0"].joined([files.sdists["1.0"]])  # type: ignore[attr-defined]
    assert kept(joined) == kept(eager)
    split = files.groups["1.0"].joined([f for _n, f in files.sdists["1.0"].split()])  # type: ignore[attr-defined]
    assert kept(split) == kept(eager)


def test_groups_keep_page_order_urls_and_odd_names_through_the_compact_form() -> None:
    # URLs on two hosts (the common prefix shrinks to ``https://``), one equal to the prefix plus
    # the file name, one with a fragment, a relative one; sdists interleaved with wheels; names
    # the quick split cannot read (grouped under None)
    entries = [
        {"filename": "foo-2.0.tar.gz", "url": "https://a.invalid/p/foo-2.0.tar.gz", "upload-time": "2021-01-01T00:00:00Z"},
        {"filename": "foo-1.0-py3-none-any.whl", "url": "https://a.invalid/p/x/foo-1.0-py3-none-any.whl#sha256=EF",
         "upload-time": "2020-01-01T00:00:00Z", "yanked": True},
        {"filename": "foo-2.0-py3-none-any.whl", "url": "https://b.invalid/foo-2.0-py3-none-any.whl",
         "hashes": {"sha256": "ab" * 32, "md5": "CD"}, "upload-time": "not a time"},
        {"filename": "foo-1.0.zip", "url": "https://a.invalid/p/y/foo-1.0.zip", "size": 12},
        {"filename": "Foo-1.0-1-py3-none-any.whl", "url": "https://a.invalid/p/foo-1.0-1-py3-none-any.whl"},
        {"filename": "foo-1.0-beta.tar.gz", "url": "https://a.invalid/p/foo-1.0-beta.tar.gz"},
    ]
    body = json.dumps({"meta": {"api-version": "1.1"}, "files": entries}).encode()
    page = parse_json(body, URL, "foo")
    assert page.files == _eager(entries)
    assert [f.url for f in page.files] == [
        "https://a.invalid/p/foo-2.0.tar.gz", "https://a.invalid/p/x/foo-1.0-py3-none-any.whl",
        "https://b.invalid/foo-2.0-py3-none-any.whl", "https://a.invalid/p/y/foo-1.0.zip",
        "https://a.invalid/p/foo-1.0-1-py3-none-any.whl", "https://a.invalid/p/foo-1.0-beta.tar.gz",
    ]
    files = page.files
    assert files._prefix == "https://"  # type: ignore[attr-defined]
    assert set(files.groups) == {"1.0", "2.0", None} and set(files.sdists) == {"2.0", "1.0"}  # type: ignore[attr-defined]
    assert [f.filename for f in files.groups["1.0"]] == ["foo-1.0-py3-none-any.whl", "Foo-1.0-1-py3-none-any.whl"]  # type: ignore[attr-defined]
    assert [n for n, _f in files.groups[None].split()] == ["foo-1.0-beta.tar.gz"]  # type: ignore[attr-defined]
    assert files.groups["2.0"].uploaded_before("2030-01-01") is False  # type: ignore[attr-defined]
    assert files.sdists["2.0"].uploaded_before("2021-01-02") is True  # type: ignore[attr-defined]
    assert files.sdists["2.0"].uploaded_before("2021-01-01") is False  # type: ignore[attr-defined]
    back = load_page(dump_page(page))
    assert back is not None and back == page
    assert [f.url for f in back.files] == [f.url for f in page.files]
    assert back.files.sdists["2.0"].uploaded_before("2021-01-02") is True  # type: ignore[attr-defined]


def test_a_page_of_one_host_strips_its_common_directory() -> None:
    entries = [
        {"filename": f"foo-{v}-py3-none-any.whl", "url": f"https://f.invalid/packages/{v}/foo-{v}-py3-none-any.whl",
         "hashes": {"sha256": "0" * 64}} for v in ("1.0", "1.1", "2.0")
    ] + [{"filename": "foo-2.0.tar.gz", "url": "https://f.invalid/packages/foo-2.0.tar.gz"}]
    body = json.dumps({"meta": {"api-version": "1.1"}, "files": entries}).encode()
    page = parse_json(body, URL, "foo")
    assert page.files._prefix == "https://f.invalid/packages/"  # type: ignore[attr-defined]
    assert page.files == _eager(entries)
    assert load_page(dump_page(page)) == page
    assert page.files.groups["1.1"][0].hashes == (("sha256", "0" * 64),)  # type: ignore[attr-defined]
