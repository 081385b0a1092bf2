"""uv.lock text: read into the model, written back as uv writes it, and bad locks refused with the
place and the way out. ``data/*.uv.lock`` are locks uv 0.13.9 wrote (the benchmark's small project
and the seed/Jetson project with its three conflicting extras)."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prong.lock import (
    Conflict,
    Lock,
    LockArtifact,
    LockDependency,
    LockedPackage,
    LockFileError,
    LockOptions,
    LockRequirement,
    LockSource,
    PackageId,
    PackageMetadata,
    parse_lock,
    read_lock,
    render_lock,
)
from prong.lock.text import _string

DATA = Path(__file__).parent / "data"
PYPI = LockSource("registry", "https://pypi.org/simple")


@pytest.mark.parametrize("name", ["small", "seed"])
def test_uv_locks_round_trip_byte_for_byte(name: str) -> None:
    path = DATA / f"{name}.uv.lock"
    assert render_lock(read_lock(path)) == path.read_text(encoding="utf-8")


def test_small_lock_model() -> None:
    lock = read_lock(DATA / "small.uv.lock")
    assert (lock.version, lock.revision, lock.requires_python) == (1, 5, ">=3.9")
    assert lock.resolution_markers == ("python_full_version >= '3.10'", "python_full_version < '3.10'")
    assert lock.options == LockOptions(exclude_newer="2026-11-01T00:00:00Z")
    (root,) = lock.roots()
    assert root.id == PackageId("bench-small", "0.0.0", LockSource("virtual", "."))
    # Two packages named requests (the fork), each edge with its own marker.
    edges = {(d.package.version, d.marker) for d in root.dependencies}
    assert edges == {("2.32.5", "python_full_version < '3.10'"), ("2.34.2", "python_full_version >= '3.10'")}
    assert [p.version for p in lock.find("Requests")] == ["2.32.5", "2.34.2"]
    # An edge the file writes as `{ name = "certifi" }` still knows the whole identity.
    newest = lock.package(PackageId("requests", "2.34.2", PYPI))
    certifi = next(d for d in newest.dependencies if d.name == "certifi")
    assert certifi.package == lock.find("certifi")[0].id
    assert root.metadata.requires_dist == (LockRequirement.of(name="requests"),)
    with pytest.raises(KeyError):
        lock.package(PackageId("requests", "0.1", PYPI))


def test_seed_lock_model() -> None:
    lock = read_lock(DATA / "seed.uv.lock")
    assert lock.conflicts == ((Conflict("bench-seed", "cpu"), Conflict("bench-seed", "cu128"),
                               Conflict("bench-seed", "torch-jp6")),)
    (root,) = lock.roots()
    jp6 = root.optional_dependencies["torch-jp6"]
    assert [(d.name, d.package.version) for d in jp6] == [("torch", "2.7.0"), ("torchvision", "0.22.0")]
    assert jp6[0].marker == "python_full_version < '3.11' and platform_machine == 'aarch64' and sys_platform == 'linux'"
    cpu_torch = lock.package(root.optional_dependencies["cpu"][0].package)
    assert cpu_torch.version == "2.7.0+cpu" and cpu_torch.sdist is None
    # File names come out of their URL decoded (%2B is +).
    assert cpu_torch.wheels[0].name == "torch-2.7.0+cpu-cp310-cp310-macosx_11_0_arm64.whl"
    conflict = root.metadata.requires_dist[0].get("conflict")
    assert conflict.get("extra") == "torch-jp6"


def _lock_with_a_fork() -> Lock:
    a1 = PackageId("a", "1.0", PYPI)
    a2 = PackageId("a", "2.0", PYPI)
    b = PackageId("b", "0.3", PYPI)
    wheel = LockArtifact(url="https://files.example/a.whl", hash="sha256:" + "ab" * 32, size=10,
                         upload_time="2025-01-01T00:00:00Z")
    root = LockedPackage(
        id=PackageId("proj", "0.1.0", LockSource("editable", ".")),
        dependencies=(LockDependency(a1, marker="python_full_version < '3.12'"),
                      LockDependency(a2, marker="python_full_version >= '3.12'"), LockDependency(b, extras=("x",))),
        metadata=PackageMetadata(requires_dist=(LockRequirement.of(name="a"), LockRequirement.of(name="b", extras=("x",))),
                                 requires_dev={"dev": ()}),
    )
    return Lock(
        requires_python=">=3.10",
        resolution_markers=("python_full_version >= '3.12'", "python_full_version < '3.12'"),
        packages=(LockedPackage(id=a1, wheels=(wheel,)), LockedPackage(id=a2, wheels=(wheel,)),
                  LockedPackage(id=b, sdist=LockArtifact(url="https://files.example/b.tar.gz")), root),
    )


def test_written_lock_names_version_and_source_only_where_names_repeat() -> None:
    lock = _lock_with_a_fork()
    text = render_lock(lock)
    assert '    { name = "a", version = "1.0", source = { registry = "https://pypi.org/simple" }, ' \
           'marker = "python_full_version < \'3.12\'" },\n' in text
    assert '    { name = "b", extra = ["x"] },\n' in text
    assert 'requires-dist = [\n    { name = "a" },\n    { name = "b", extras = ["x"] },\n]\n' in text
    assert "\n[package.metadata.requires-dev]\ndev = []\n" in text
    assert text.startswith('version = 1\nrevision = 5\nrequires-python = ">=3.10"\nresolution-markers = [\n')
    assert text.endswith('\n')
    assert not text.endswith('\n\n')
    # What prong writes, it reads back as the same model.
    assert parse_lock(text) == lock
    assert tomllib.loads(text)["package"][3]["name"] == "proj"


def test_exclude_newer_span_keeps_uv_comment() -> None:
    text = ('version = 1\nrevision = 5\nrequires-python = ">=3.12"\n\n[options]\n'
            'exclude-newer = "2025-01-01T00:00:00Z" # This has no effect and is included for backwards '
            'compatibility when using relative exclude-newer values.\nexclude-newer-span = "P7D"\n\n'
            '[options.exclude-newer-package]\nidna = false\nsix = "2024-01-01T00:00:00Z"\n')
    lock = parse_lock(text)
    assert lock.options.exclude_newer_span == "P7D"
    assert lock.options.exclude_newer_package == {"idna": False, "six": "2024-01-01T00:00:00Z"}
    assert render_lock(lock) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain/url?x=1", '"plain/url?x=1"'),
        ("python_full_version < '3.11'", "\"python_full_version < '3.11'\""),
        ('has"quote', "'has\"quote'"),
        ("C:\\path", "'C:\\path'"),
        ("both ' and \"", '"both \' and \\""'),
        ("bell\x07", '"bell\\u0007"'),
        ("λ-unicode", '"λ-unicode"'),
    ],
)
def test_string_forms(text: str, expected: str) -> None:
    assert _string(text) == expected


@given(st.text())
def test_every_string_reads_back(text: str) -> None:
    assert tomllib.loads(f"k = {_string(text)}")["k"] == text


# -- refusals ------------------------------------------------------------------------------------------

GOOD_HEAD = 'version = 1\nrevision = 5\nrequires-python = ">=3.9"\n'
PKG = '\n[[package]]\nname = "a"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\n'


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("version = 1\nrequires-python = \n", None, "invalid TOML"),
        ('version = 2\nrequires-python = ">=3.9"\n', "`version`", "lock format version 2 is not supported"),
        ('requires-python = ">=3.9"\n', "`version`", "expected the lock format version 1, found nothing"),
        ("version = 1\n", None, "missing `requires-python`"),
        (GOOD_HEAD + "frobnicate = 1\n", "`frobnicate`", "unknown key"),
        (GOOD_HEAD + PKG + "frob = 1\n", "package a 1.0: `frob`", "unknown key"),
        (GOOD_HEAD + PKG + 'dependencies = [{ name = "nope" }]\n', "package a 1.0: `dependencies[0]`",
         "points to nope, which the lock has no package for"),
        (GOOD_HEAD + PKG + PKG.replace('"1.0"', '"2.0"') + '\n[[package]]\nname = "c"\nversion = "1"\n'
         'source = { registry = "https://pypi.org/simple" }\ndependencies = [{ name = "a" }]\n',
         "package c 1: `dependencies[0]`", "2 packages of the lock match"),
        (GOOD_HEAD + PKG + PKG.replace('"a"', '"b"') + "dependencies = [{ name = \"a\", marker = \"os_name >< 'x'\" }]\n",
         "package b 1.0: `dependencies[0].marker`", "`os_name >< 'x'` is not a valid marker"),
        (GOOD_HEAD + PKG + 'wheels = [{ url = "https://x/a.whl", hash = "md5 nope" }]\n',
         "package a 1.0: `wheels[0].hash`", "expected `algorithm:hexdigest`"),
        (GOOD_HEAD + PKG + 'wheels = [{ hash = "sha256:00" }]\n', "package a 1.0: `wheels[0]`", "exactly one of"),
        (GOOD_HEAD + PKG + 'wheels = [{ url = "https://x/a.whl", size = -3 }]\n', "package a 1.0: `wheels[0].size`",
         "expected a non-negative integer"),
        (GOOD_HEAD + '\n[[package]]\nname = "a"\nsource = { registry = "r", path = "p" }\n', "package a: `source`",
         "found 2"),
        (GOOD_HEAD + '\n[[package]]\nname = "a"\n', "package a", "missing `source`"),
        (GOOD_HEAD + PKG + PKG, "package `a`", "listed twice"),
        (GOOD_HEAD + 'conflicts = [[{ extra = "x" }]]\n', "`conflicts[0][0]`", "missing `package`"),
        (GOOD_HEAD + '\n[manifest]\nrequirements = ["a"]\n', "[manifest]: `requirements[0]`",
         "expected a requirement table"),
    ],
)
def test_bad_locks_name_the_place(text: str, where: str | None, problem: str) -> None:
    with pytest.raises(LockFileError) as caught:
        parse_lock(text, "/proj/uv.lock")
    err = caught.value
    assert err.path == "/proj/uv.lock" and err.where == where and problem in err.problem, str(err)
    assert str(err).startswith("/proj/uv.lock: ")
    assert err.hints()


def test_invalid_toml_says_where(tmp_path: Path) -> None:
    path = tmp_path / "uv.lock"
    path.write_text(GOOD_HEAD + "\n[[package]\n", encoding="utf-8")
    with pytest.raises(LockFileError, match=r"uv\.lock: invalid TOML: .*line 5"):
        read_lock(path)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(LockFileError) as caught:
        read_lock(tmp_path / "uv.lock")
    assert caught.value.problem == "file not found" and "uv lock" in caught.value.hints()[0]
    (tmp_path / "uv.lock").write_bytes(b'version = 1\n# \xff\n')
    with pytest.raises(LockFileError, match="not UTF-8 text"):
        read_lock(tmp_path / "uv.lock")


def test_newer_revision_is_read() -> None:
    lock = parse_lock(GOOD_HEAD.replace("revision = 5", "revision = 9") + PKG)
    assert lock.revision == 9 and render_lock(lock).startswith("version = 1\nrevision = 9\n")
    assert dataclasses.replace(lock, revision=0).packages == lock.packages
    assert "revision" not in render_lock(dataclasses.replace(lock, revision=0))


# -- the artifact lines read without tomllib ------------------------------------------------------------


@pytest.mark.parametrize("name", ["small", "seed"])
def test_set_aside_artifacts_read_as_tomllib_reads_them(name: str) -> None:
    from prong.lock.text import _Reader

    text = (DATA / f"{name}.uv.lock").read_text(encoding="utf-8")
    assert parse_lock(text) == _Reader("uv.lock").lock(tomllib.loads(text))


WHEELS = ('wheels = [\n'
          '    { url = "https://x/a-1.0-py3-none-any.whl", hash = "sha256:00", size = 3, upload-time = "2025-01-01T00:00:00Z" },\n'
          '    { url = \'https://x/a"b.whl\', hash = "sha256:01" },\n'
          ']\n')


def test_a_block_in_another_form_goes_to_tomllib_whole() -> None:
    lock = parse_lock(GOOD_HEAD + PKG + WHEELS + 'sdist = { url = "https://x/a-1.0.tar.gz", hash = "sha256:02", size = 9 }\n')
    (pkg,) = lock.packages
    assert [w.url for w in pkg.wheels] == ["https://x/a-1.0-py3-none-any.whl", 'https://x/a"b.whl']
    assert pkg.wheels[0].size == 3 and pkg.wheels[1].size is None
    assert pkg.sdist == LockArtifact(url="https://x/a-1.0.tar.gz", hash="sha256:02", size=9)


def test_placeholders_cannot_be_forged() -> None:
    with pytest.raises(LockFileError, match="expected an array, found a string"):
        parse_lock(GOOD_HEAD + PKG + 'wheels = "\\u2063prong-0000000000000000:0"\n')


def test_invalid_toml_after_artifacts_names_the_file_line() -> None:
    text = GOOD_HEAD + PKG + WHEELS.replace("\'https://x/a\"b.whl\'", '"https://x/b.whl"') + "name = = 1\n"
    with pytest.raises(LockFileError, match=r"invalid TOML: .*\(at line 13, column 8\)"):
        parse_lock(text)
