"""Metadata of source distributions without a build (uv's rules), dependency-metadata, and the
error a failed build becomes."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from prong.client.metadata import parse_metadata
from prong.pep517.hooks import BuildFailed
from prong.sources.index import DependencyMetadata, DependencyMetadataError
from prong.sources.sdist import pyproject_metadata, sdist_static_metadata, static_metadata
from prong.pep440.version import parse_version
from tests.support.wheels import Dist, make_dist


def _tar(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


STATIC = """
[project]
name = "Demo_Pkg"
version = "2.0"
requires-python = ">=3.9"
dependencies = ["dep>=1", "win-only; sys_platform == 'win32'"]
[project.optional-dependencies]
Fast = ["speedup>=2", "cy; python_version < '3.13'"]
"""


def test_a_static_project_table_gives_the_resolver_fields() -> None:
    md = parse_metadata(pyproject_metadata(STATIC) or b"")
    assert (md.name, md.version, md.requires_python) == ("Demo_Pkg", "2.0", ">=3.9")
    assert md.provides_extra == ("fast",)
    assert md.requires_dist == (
        "dep>=1",
        'win-only; sys_platform == "win32"',
        'speedup>=2 ; extra == "fast"',
        'cy ; (python_version < "3.13") and extra == "fast"',
    )


@pytest.mark.parametrize("field", ["dependencies", "optional-dependencies", "requires-python"])
def test_a_dynamic_resolver_field_needs_the_backend(field: str) -> None:
    text = STATIC.replace('version = "2.0"', f'version = "2.0"\ndynamic = ["{field}"]')
    assert pyproject_metadata(text) is None


def test_a_dynamic_version_is_the_sdists_own() -> None:
    text = STATIC.replace('version = "2.0"', 'dynamic = ["version", "readme"]')
    assert pyproject_metadata(text) is None  # a source tree: nothing fixes the version
    md = parse_metadata(pyproject_metadata(text, "2.0.post1") or b"")
    assert md.version == "2.0.post1" and md.requires_dist[0] == "dep>=1"


@pytest.mark.parametrize(
    "text",
    [
        '[project]\nname = "p"\nversion = "1"\n[tool.poetry.dependencies]\npython = "^3.9"\n',  # Poetry's deps
        '[project]\nversion = "1"\ndependencies = []\n',  # no name
        '[project]\nname = "p"\nversion = "1"\ndependencies = ["not a requirement !"]\n',
        '[project]\nname = "p"\nversion = "1"\ndependencies = "x"\n',
        '[build-system]\nrequires = []\n',  # no [project]
        "[project\n",  # not TOML
    ],
)
def test_tables_that_do_not_say_enough_need_the_backend(text: str) -> None:
    assert pyproject_metadata(text, "1") is None


def test_pkg_info_must_be_2_2_to_below_3_and_complete() -> None:
    assert static_metadata(b"Metadata-Version: 2.4\nName: p\nVersion: 1\n") is not None
    assert static_metadata(b"Metadata-Version: 3.0\nName: p\nVersion: 1\n") is None
    assert static_metadata(b"Metadata-Version: 2.2\nName: p\n") is None


def test_pyproject_comes_before_pkg_info(tmp_path: Path) -> None:
    """uv reads pyproject.toml first: with both static, its dependencies are the ones used."""
    sdist = _tar(tmp_path / "p-1.0.tar.gz", {
        "p-1.0/pyproject.toml": b'[project]\nname = "p"\nversion = "1.0"\ndependencies = ["from-pyproject"]\n',
        "p-1.0/PKG-INFO": b"Metadata-Version: 2.2\nName: p\nVersion: 1.0\nRequires-Dist: from-pkg-info\n",
    })
    raw, origin = sdist_static_metadata(sdist, "p", "1.0") or (b"", "")
    assert origin == "pyproject.toml" and parse_metadata(raw).requires_dist == ("from-pyproject",)


def test_metadata_for_another_name_or_version_is_not_used(tmp_path: Path) -> None:
    sdist = _tar(tmp_path / "p-1.0.tar.gz", {
        "p-1.0/pyproject.toml": b'[project]\nname = "other"\nversion = "1.0"\ndependencies = []\n',
        "p-1.0/PKG-INFO": b"Metadata-Version: 2.2\nName: p\nVersion: 1.0+local\nRequires-Dist: x\n",
    })
    raw, origin = sdist_static_metadata(sdist, "p", "1.0") or (b"", "")
    assert origin == "PKG-INFO"  # the local label does not count, the other name does
    assert sdist_static_metadata(sdist, "p", "1.1") is None


def test_fixture_sdists_choose_where_their_metadata_is(tmp_path: Path) -> None:
    """The test index's sdists: a [project] table agreeing with PKG-INFO unless told otherwise."""
    deps = ["dep>=1", 'extra-dep; extra == "x"']
    static = make_dist(tmp_path, Dist("a", "1.0", tag=None, requires_dist=deps, extras=["x"]))
    found = sdist_static_metadata(static, "a", "1.0")
    assert found is not None and found[1] == "pyproject.toml"
    assert parse_metadata(found[0]).requires_dist == ("dep>=1", 'extra-dep ; extra == "x"')
    dynamic = make_dist(tmp_path, Dist("b", "1.0", tag=None, requires_dist=deps, project_dynamic=["dependencies"]))
    assert sdist_static_metadata(dynamic, "b", "1.0") is None  # PKG-INFO is 2.1: a build is needed
    new_pkg_info = make_dist(tmp_path, Dist("c", "1.0", tag=None, requires_dist=["dep"], project_table=False,
                                            pkg_info_version="2.2"))
    assert (sdist_static_metadata(new_pkg_info, "c", "1.0") or (b"", ""))[1] == "PKG-INFO"
    dynamic_pkg_info = make_dist(tmp_path, Dist("d", "1.0", tag=None, project_table=False, pkg_info_version="2.2",
                                                pkg_info_dynamic=["Requires-Dist"]))
    assert sdist_static_metadata(dynamic_pkg_info, "d", "1.0") is None


# -- a failed build ---------------------------------------------------------------------------


OUTPUT = "".join(f"backend line {i}\n" for i in range(1, 31))


def test_a_build_failure_names_the_package_version_and_source_with_the_last_20_lines() -> None:
    err = BuildFailed("demo", "2.0", "http://127.0.0.1:1/files/demo-2.0.tar.gz", "prepare the metadata", OUTPUT, 1)
    text = str(err)
    assert text.startswith("failed to build `demo==2.0` from http://127.0.0.1:1/files/demo-2.0.tar.gz: "
                           "could not prepare the metadata (exit status 1); the last 20 of its 30 lines")
    assert "  backend line 11\n" in text and text.endswith("  backend line 30")
    assert "backend line 10\n" not in text
    everything = err.verbose_str()
    assert "  backend line 1\n" in everything and "all with `-v`" not in everything
    (hint,) = err.hints()
    assert "`--no-build-package demo`" in hint and "dependency-metadata" in hint


def test_a_short_output_is_shown_whole() -> None:
    err = BuildFailed("demo", "2.0", "demo-2.0.tar.gz", "get the build requirements", "boom\n", 3)
    assert str(err).endswith("; its output:\n  boom")


# -- dependency-metadata ----------------------------------------------------------------------


def test_dependency_metadata_exact_version_then_global_then_none() -> None:
    dm = DependencyMetadata([
        {"name": "Demo", "requires-dist": ["any-version"]},
        {"name": "demo", "version": "2.0", "requires-dist": ["dep>=1"], "requires-python": ">=3.9",
         "provides-extras": ["Fast"]},
        {"name": "pinned", "version": "1.0"},
    ])
    exact = dm.get("demo", parse_version("2.0"))
    assert exact is not None
    assert [str(r) for r in exact.requires_dist] == ["dep>=1"]
    assert (exact.version, exact.requires_python, exact.provides_extra) == ("2.0", ">=3.9", ("fast",))
    fallback = dm.get("demo", parse_version("1.5"))
    assert fallback is not None and fallback.version == "1.5"
    assert [str(r) for r in fallback.requires_dist] == ["any-version"]
    assert dm.get("pinned", parse_version("2.0")) is None  # read from its files
    assert dm.get("other", parse_version("1.0")) is None


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"version": "1"}, "needs `name`"),
        ({"name": "x", "requires": []}, "unknown field `requires`"),
        ({"name": "x", "requires-dist": "y"}, "must be a list"),
        ({"name": "x", "requires-dist": ["not valid !"]}, ""),
    ],
)
def test_bad_dependency_metadata_is_an_error_naming_the_entry(entry: dict[str, object], problem: str) -> None:
    with pytest.raises(DependencyMetadataError, match=r"dependency-metadata\[0\]"):
        try:
            DependencyMetadata([entry])
        except DependencyMetadataError as err:
            assert problem in str(err)
            raise


# -- the failure is kept for the run ----------------------------------------------------------


class _FailingBuilder:
    def __init__(self) -> None:
        self.calls = 0

    def build_metadata(self, file: object) -> bytes:
        self.calls += 1
        raise BuildFailed("demo", "2.0", "demo-2.0.tar.gz", "prepare the metadata", "boom", 1)


def test_a_failed_build_raises_out_of_the_index_and_is_not_retried_in_the_run() -> None:
    from types import SimpleNamespace

    from prong.sources.index import RegistryIndex
    from prong.dists import IndexFile

    builder = _FailingBuilder()
    http = SimpleNamespace(cache=None, store_entry=lambda *a: None)
    index = RegistryIndex(SimpleNamespace(), http, builder=builder)  # type: ignore[arg-type]
    sdist = IndexFile("demo-2.0.tar.gz", "http://127.0.0.1:1/files/demo-2.0.tar.gz")
    for _ in range(2):
        with pytest.raises(BuildFailed):
            index.metadata("demo", parse_version("2.0"), sdist)
    assert builder.calls == 1


def test_dependency_metadata_is_answered_without_touching_the_file() -> None:
    from types import SimpleNamespace

    from prong.sources.index import RegistryIndex
    from prong.dists import IndexFile
    from prong.resolver.index import MetadataFound

    builder = _FailingBuilder()
    declared = DependencyMetadata([{"name": "demo", "version": "2.0", "requires-dist": ["dep"]}])
    index = RegistryIndex(SimpleNamespace(), SimpleNamespace(cache=None), builder=builder,  # type: ignore[arg-type]
                          dependency_metadata=declared)
    response = index.metadata("demo", parse_version("2.0"), IndexFile("demo-2.0.tar.gz", "http://x/demo-2.0.tar.gz"))
    assert isinstance(response, MetadataFound) and builder.calls == 0
    assert [str(r) for r in response.metadata.requires_dist] == ["dep"]


def test_a_bad_entry_in_a_file_names_the_file() -> None:
    with pytest.raises(DependencyMetadataError, match=r"^/p/uv.toml: `dependency-metadata\[1\]`: needs `name`"):
        DependencyMetadata([{"name": "ok"}, {}], file="/p/uv.toml")
