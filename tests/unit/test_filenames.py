"""Wheel and sdist file names: parts, normalization, and errors that point at the bad part."""

from __future__ import annotations

import pytest
from packaging.tags import Tag
from packaging.version import Version

from prong.errors import InvalidSdistFilename, InvalidWheelFilename, ParseError
from prong.filenames import SdistFilename, WheelFilename, parse_dist_filename


@pytest.mark.parametrize(
    ("filename", "name", "version", "build", "py", "abi", "plat"),
    [
        ("torch-2.7.0-cp310-cp310-linux_aarch64.whl", "torch", "2.7.0", None, ("cp310",), ("cp310",), ("linux_aarch64",)),
        (
            "torch-2.7.0+cpu-cp310-cp310-manylinux_2_28_x86_64.whl",
            "torch", "2.7.0+cpu", None, ("cp310",), ("cp310",), ("manylinux_2_28_x86_64",),
        ),
        (
            "torchvision-0.22.0+cu128-cp312-cp312-manylinux_2_28_aarch64.whl",
            "torchvision", "0.22.0+cu128", None, ("cp312",), ("cp312",), ("manylinux_2_28_aarch64",),
        ),
        ("six-1.16.0-py2.py3-none-any.whl", "six", "1.16.0", None, ("py2", "py3"), ("none",), ("any",)),
        ("Foo_Bar-1.0-py3-none-any.whl", "foo-bar", "1.0", None, ("py3",), ("none",), ("any",)),
        ("zope.interface-6.0-cp311-cp311-win_amd64.whl", "zope-interface", "6.0", None, ("cp311",), ("cp311",), ("win_amd64",)),
        ("cryptography-42.0.5-cp39-abi3-macosx_10_12_universal2.whl", "cryptography", "42.0.5", None, ("cp39",), ("abi3",), ("macosx_10_12_universal2",)),
        ("foo-1.0-1-py3-none-any.whl", "foo", "1.0", (1, ""), ("py3",), ("none",), ("any",)),
        ("foo-1.0-12abc-py3-none-any.whl", "foo", "1.0", (12, "abc"), ("py3",), ("none",), ("any",)),
        (
            "numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            "numpy", "2.0.0", None, ("cp312",), ("cp312",), ("manylinux_2_17_x86_64", "manylinux2014_x86_64"),
        ),
        ("Pillow-10.0.0-CP311-CP311-WIN_AMD64.whl", "pillow", "10.0.0", None, ("cp311",), ("cp311",), ("win_amd64",)),
    ],
)
def test_wheel_parts(
    filename: str, name: str, version: str, build: tuple[int, str] | None,
    py: tuple[str, ...], abi: tuple[str, ...], plat: tuple[str, ...],
) -> None:
    w = WheelFilename.parse(filename)
    assert (w.name, w.version, w.build_tag) == (name, Version(version), build)
    assert (w.python_tags, w.abi_tags, w.platform_tags) == (py, abi, plat)
    assert w.filename == filename and str(w) == filename
    assert w.tags == frozenset(Tag(p, a, pl) for p in py for a in abi for pl in plat)
    assert w.tags is w.tags  # cached
    assert parse_dist_filename(filename) == w


def test_wheel_build_tags_sort_numerically() -> None:
    a = WheelFilename.parse("foo-1.0-2-py3-none-any.whl").build_tag
    b = WheelFilename.parse("foo-1.0-10-py3-none-any.whl").build_tag
    assert a is not None and b is not None and a < b


@pytest.mark.parametrize(
    ("filename", "bad", "words"),
    [
        ("foo-1.0-py3-none.whl", "", "platform tag is missing"),
        ("foo-1.0-py3.whl", "", "ABI tag is missing"),
        ("foo-1.0.whl", "", "python tag is missing"),
        ("foo.whl", "", "version is missing"),
        ("foo-1.0-x-y-py3-none-any.whl", "x-y-py3-none-any", "at most 6"),
        ("foo-1.0_x-py3-none-any.whl", "1.0_x", "`1.0_x` is not a valid version"),
        ("foo-bar-1.0-py3-none-any.whl", "bar", "`bar` is not a valid version"),
        ("foo--py3-none-any.whl", "", "version is empty"),
        ("foo-1.0-x1-py3-none-any.whl", "x1", "build tag `x1` must start with a digit"),
        ("fo+o-1.0-py3-none-any.whl", "+", "contains '+'"),
        ("_foo-1.0-py3-none-any.whl", "_", "must start with a letter or digit"),
        ("foo-1.0-py3--any.whl", "", "ABI tag is empty"),
        ("foo-1.0-py3-none-any..x.whl", "any..x", "platform tag `any..x` is malformed"),
        ("foo-1.0-py3-none-any.zip", ".zip", "must end with `.whl`"),
        ("foo-1.0-310-none-any.whl", "310", "python tag `310` is malformed"),
    ],
)
def test_bad_wheel_names_point_at_the_bad_part(filename: str, bad: str, words: str) -> None:
    with pytest.raises(InvalidWheelFilename) as info:
        WheelFilename.parse(filename)
    err = info.value
    assert isinstance(err, ParseError) and err.kind == "wheel filename"
    assert f"`{filename}`" in err.message and words in err.message, err.message
    start, end = err.span
    assert err.source == filename
    assert filename[start:end] == bad
    if "missing" in words:  # the caret sits where the missing part should have been
        assert start == len(filename) - 4
    if "empty" in words:
        assert filename[start - 1 : start + 1] == "--"
    rendered = str(err)
    assert rendered.splitlines()[1].strip() == filename
    assert rendered.splitlines()[2].index("^") == 4 + end


@pytest.mark.parametrize(
    ("filename", "expected_name", "name", "version", "ext"),
    [
        ("Django-4.0.tar.gz", None, "django", "4.0", ".tar.gz"),
        ("django-4.0.tar.gz", "Django", "django", "4.0", ".tar.gz"),
        ("foo_bar-1.0.zip", None, "foo-bar", "1.0", ".zip"),
        ("zope.interface-6.0.tar.gz", "zope-interface", "zope-interface", "6.0", ".tar.gz"),
        ("python-dateutil-2.9.0.post0.tar.gz", None, "python-dateutil", "2.9.0.post0", ".tar.gz"),
        ("pkg-2-1.0.tar.gz", None, "pkg-2", "1.0", ".tar.gz"),
        # Ambiguous: the last '-' whose rest is a version wins without a hint; the hint decides.
        ("foo-1.0-1.tar.gz", None, "foo-1-0", "1", ".tar.gz"),
        ("foo-1.0-1.tar.gz", "foo", "foo", "1.0.post1", ".tar.gz"),
        ("foo-1.0-beta.tar.gz", None, "foo", "1.0b0", ".tar.gz"),
        ("torch-2.7.0+cpu.tar.gz", None, "torch", "2.7.0+cpu", ".tar.gz"),
        ("Old-0.1.tar.bz2", None, "old", "0.1", ".tar.bz2"),
        ("Old-0.1.TGZ", None, "old", "0.1", ".tgz"),
    ],
)
def test_sdist_parts(filename: str, expected_name: str | None, name: str, version: str, ext: str) -> None:
    s = SdistFilename.parse(filename, expected_name)
    assert (s.name, s.version, s.extension) == (name, Version(version), ext)
    assert parse_dist_filename(filename, expected_name) == s


@pytest.mark.parametrize(
    ("filename", "expected_name", "bad", "words"),
    [
        ("foo.tar.gz", None, "foo", "no '-'"),
        ("foo-bar.tar.gz", None, "bar", "`bar` is not a valid version"),
        ("foo-.zip", None, "", "version is empty"),
        ("foo-1.0.tar.gz", "bar", "foo", "not a source distribution of `bar`"),
        ("f o-1.0.tar.gz", None, " ", "contains ' '"),
        ("foo-1.0.rar", None, "", "must end with"),
    ],
)
def test_bad_sdist_names(filename: str, expected_name: str | None, bad: str, words: str) -> None:
    with pytest.raises(InvalidSdistFilename) as info:
        SdistFilename.parse(filename, expected_name)
    err = info.value
    assert err.kind == "source distribution filename"
    assert f"`{filename}`" in err.message and words in err.message, err.message
    assert filename[err.span[0] : err.span[1]] == bad


@pytest.mark.parametrize(
    "filename",
    # The links of a devpi-web project page that uv skips (seed_jetson README), and other noise.
    ["", "+searchhelp", "+status", "2.4.0", "cu126", "jp6", "latest", "pypi", "torch", "index.html",
     "torch-2.7.0.egg", "torch-2.7.0.exe", "foo-1.0.tar", "README.md", "simple/"],
)
def test_not_distribution_files_give_none(filename: str) -> None:
    assert parse_dist_filename(filename) is None
    assert parse_dist_filename(filename, "torch") is None


@pytest.mark.parametrize(
    ("filename", "error"),
    [
        ("torch-2.7.0.whl", InvalidWheelFilename),
        ("latest.tar.gz", InvalidSdistFilename),
        ("torch-latest.zip", InvalidSdistFilename),
    ],
)
def test_malformed_distribution_names_raise(filename: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_dist_filename(filename)


def test_sdist_filename_is_normalized() -> None:
    assert SdistFilename.parse("Foo.Bar-1.0.tar.gz").filename == "foo_bar-1.0.tar.gz"


from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from packaging.utils import parse_wheel_filename  # noqa: E402

_ALNUM = "abcXYZ019"
_NAME = st.builds(
    lambda a, mid, z: a + mid + z if z else a,
    st.sampled_from(_ALNUM), st.text("aZ0._", max_size=6), st.sampled_from(["", *_ALNUM]),
)
_VERSION = st.builds(
    lambda rel, pre, local: ".".join(map(str, rel)) + pre + local,
    st.lists(st.integers(0, 30), min_size=1, max_size=4),
    st.sampled_from(["", "a1", "rc2", ".post1", ".dev3"]),
    st.sampled_from(["", "+cpu", "+cu128", "+local.7"]),
)
_TAGSET = st.lists(st.text("a0_Z9", min_size=1, max_size=8), min_size=1, max_size=2).map(".".join)
_PYSET = st.lists(
    st.builds(str.__add__, st.sampled_from("cpy_"), st.text("a0_Z9", max_size=6)), min_size=1, max_size=2
).map(".".join)


@settings(max_examples=300)  # a cross-check, not one of tests/property's algebra laws: kept cheap
@given(_NAME, _VERSION, st.one_of(st.none(), st.integers(0, 99)), _PYSET, _TAGSET, _TAGSET)
def test_generated_wheel_names_agree_with_packaging(
    name: str, version: str, build: int | None, py: str, abi: str, plat: str
) -> None:
    assume("__" not in name)  # packaging rejects `__` in a wheel's name part; prong (like uv) accepts it
    filename = f"{name}-{version}{'' if build is None else f'-{build}'}-{py}-{abi}-{plat}.whl"
    w = WheelFilename.parse(filename)
    ref_name, ref_version, ref_build, ref_tags = parse_wheel_filename(filename)
    assert (w.name, w.version, w.tags) == (ref_name, ref_version, ref_tags)
    assert w.build_tag == (None if build is None else (build, ""))
    assert WheelFilename._parse_slowly(filename) == w  # the fast and the explaining paths agree
