"""``RegistryIndex`` groups a page's files by version: the wheel fast path (version taken from
the second part of the name) agrees with the full file-name parser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prong.sources.index import RegistryIndex
from prong.dists import IndexFile
from prong.errors import ProngError
from prong.filenames import parse_dist_filename
from prong.resolver.index import Found

NAMES = [
    "demo_pkg-1.0-py3-none-any.whl",
    "demo_pkg-1.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",  # == 1.0
    "demo_pkg-2.0-1-py3-none-any.whl",  # build tag
    "Demo.Pkg-2.0.tar.gz",
    "demo-pkg-2.0.zip",
    "demo_pkg-3.0rc1-py2.py3-none-any.WHL",
    "demo_pkg-not.a.version-py3-none-any.whl",  # malformed: skipped
    "demo_pkg-4.0-py3-none.whl",  # too few parts: skipped
    "demo_pkg-4.0.exe",  # not a distribution
    "demo_pkg-1!5.0+local.7-py3-none-any.whl",
]


@dataclass
class _Page:
    files: tuple[IndexFile, ...]


class _Idx:
    url = "https://index.invalid/simple"


class _Client:
    class indexes:  # noqa: N801
        no_index = False
        flat: tuple[Any, ...] = ()

    def project_pages(self, name: str, pin: object = None) -> list[tuple[Any, Any]]:
        return [(_Idx(), _Page(tuple(IndexFile(n, f"https://index.invalid/f/{n}") for n in NAMES)))]


def _slow(name: str) -> dict[str, list[str]]:
    out: dict[Any, list[str]] = {}
    for n in NAMES:
        try:
            parsed = parse_dist_filename(n, name)
        except ProngError:
            continue
        if parsed is not None:
            out.setdefault(parsed.version, []).append(n)
    return {str(v): names for v, names in out.items()}


def test_versions_grouped_as_the_full_parser_groups_them() -> None:
    found = RegistryIndex(_Client(), None)._load_versions("demo-pkg")  # type: ignore[arg-type]
    assert isinstance(found, Found)
    got = {str(c.version): [f.filename for f in c.files] for c in found.candidates}
    assert got == _slow("demo-pkg")
    assert list(got) == ["1!5.0+local.7", "3.0rc1", "2.0", "1.0"]  # newest first
    assert got["1.0"] == NAMES[:2] and len(got["2.0"]) == 3


def test_metadata_requirements_arrive_parsed_and_bad_ones_stay_text(monkeypatch: Any) -> None:
    import prong.client.metadata as client_metadata
    from prong.pep508.requirement import Requirement
    from prong.resolver.index import MetadataFound

    raw = (b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Python: >=3.9\n"
           b"Requires-Dist: idna>=2; python_version >= '3.8'\nRequires-Dist: not a [valid req\n"
           b"Provides-Extra: fast\n\n")
    monkeypatch.setattr(client_metadata, "dist_metadata",  # each file's own version, the same requirements
                        lambda http, file, builder: raw.replace(b"Version: 1.0", b"Version: " +
                                                                file.filename.split("-")[1].encode()))
    index = RegistryIndex(_Client(), None)  # type: ignore[arg-type]
    f = IndexFile("demo-1.0-py3-none-any.whl", "https://index.invalid/f/demo-1.0-py3-none-any.whl")
    got = index._load_metadata(f)
    assert isinstance(got, MetadataFound)
    md = got.metadata
    first, second = md.requires_dist
    assert isinstance(first, Requirement) and first.name == "idna" and first.marker_tree is not None
    assert second == "not a [valid req"
    assert (md.requires_python, tuple(md.provides_extra)) == (">=3.9", ("fast",))
    # the same text parsed again is the same value (memoised across versions)
    again = index._load_metadata(IndexFile("demo-1.0-py3-none-any.whl", "https://index.invalid/g/x.whl"))
    assert isinstance(again, MetadataFound) and again.metadata.requires_dist[0] is first
