"""Tag compatibility and priority for explicit targets.

The big table below was obtained from uv 0.13.9 itself: one stub wheel ``p{i}-1.0-{tag}.whl`` per
probe tag in a directory, then for each platform and tag
``echo p{i} | uv pip compile --no-index --find-links DIR --python-platform PLATFORM
--python-version V -`` (with ``UV_PYTHON_DOWNLOADS=never UV_OFFLINE=1``); exit 0 means uv accepts
the tag. The minimums (glibc 2.28 for ``*-unknown-linux-gnu``, musl 1.2, macOS 13.0, Android 24,
iOS 13.0, riscv64 glibc 2.39) are the ``e.g., `...``` tags of uv's "no matching platform tag" errors.
"""

from __future__ import annotations

import pytest
from packaging.tags import Tag

from prong.errors import InvalidPlatform
from prong.filenames import WheelFilename
from prong.tags import PLATFORM_NAMES, Platform, Tags, Target, parse_platform

# Probe tags: uv 0.13.9 was asked about one stub wheel per tag (see module docstring).
PROBE_TAGS_310 = (
    'cp310-cp310-linux_aarch64', 'cp310-cp310-linux_x86_64', 'cp310-cp310-manylinux_2_28_aarch64',
    'cp310-cp310-manylinux_2_17_aarch64', 'cp310-cp310-manylinux2014_aarch64',
    'cp310-cp310-manylinux_2_31_aarch64', 'cp310-cp310-manylinux_2_28_x86_64',
    'cp310-cp310-manylinux2014_x86_64', 'cp310-cp310-manylinux2010_x86_64',
    'cp310-cp310-manylinux1_x86_64', 'cp310-cp310-manylinux_2_5_x86_64',
    'cp310-cp310-musllinux_1_1_x86_64', 'cp310-cp310-musllinux_1_2_x86_64',
    'cp310-cp310-musllinux_1_3_x86_64', 'cp310-cp310-musllinux_1_2_aarch64',
    'cp310-cp310-macosx_11_0_arm64', 'cp310-cp310-macosx_13_0_arm64', 'cp310-cp310-macosx_14_0_arm64',
    'cp310-cp310-macosx_10_9_universal2', 'cp310-cp310-macosx_11_0_universal2',
    'cp310-cp310-macosx_10_9_x86_64', 'cp310-cp310-macosx_13_0_x86_64', 'cp310-cp310-macosx_14_0_x86_64',
    'cp310-cp310-macosx_10_9_intel', 'cp310-cp310-win_amd64', 'cp310-cp310-win32', 'cp310-cp310-win_arm64',
    'cp39-abi3-manylinux_2_17_x86_64', 'cp311-abi3-manylinux_2_17_x86_64', 'py3-none-any',
    'cp310-none-any', 'py310-none-any', 'cp39-cp39-linux_aarch64', 'cp311-cp311-linux_aarch64',
    'py2.py3-none-any', 'cp310-cp310-linux_armv7l', 'cp310-none-linux_aarch64', 'py3-none-linux_aarch64',
    'py3-none-manylinux_2_28_aarch64', 'cp310-abi3-win_amd64', 'cp32-abi3-win_amd64',
    'pp310-pypy310_pp73-manylinux_2_17_x86_64', 'py310-none-linux_x86_64', 'cp310-cp310d-linux_x86_64',
    'cp310-cp310-manylinux_2_40_x86_64', 'cp310-cp310-manylinux_2_41_x86_64', 'py30-none-any',
    'py3-none-win_amd64', 'cp310-cp310-macosx_10_4_x86_64', 'cp310-cp310-macosx_10_9_universal',
    'cp310-cp310-macosx_10_9_fat64',
)
PROBE_TAGS_312 = (
    'cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64', 'cp312-cp312-manylinux_2_28_aarch64',
    'cp312-abi3-linux_x86_64', 'cp38-abi3-macosx_11_0_arm64', 'cp312-cp312t-manylinux_2_17_x86_64',
    'cp313-cp313t-manylinux_2_17_x86_64', 'cp312-cp312-win_amd64', 'cp312-none-win_arm64',
    'py312-none-any', 'py313-none-any', 'cp312-cp312-musllinux_1_2_x86_64',
    'cp312-cp312-musllinux_1_1_aarch64', 'cp312-cp312-macosx_12_0_x86_64',
    'cp312-cp312-macosx_10_13_universal2', 'cp311-cp311-macosx_11_0_arm64',
    'cp312-cp312-android_24_arm64_v8a', 'cp312-cp312-android_21_x86_64',
    'cp312-cp312-android_27_arm64_v8a', 'cp312-cp312-ios_13_0_arm64_iphoneos',
    'cp312-cp312-ios_12_0_arm64_iphoneos', 'cp312-cp312-ios_13_0_arm64_iphonesimulator',
    'cp312-cp312-ios_14_0_arm64_iphoneos', 'cp312-abi3-win32', 'cp312-cp312-manylinux_2_39_riscv64',
    'cp312-cp312-manylinux_2_31_riscv64', 'cp312-cp312-manylinux_2_17_riscv64',
    'cp312-cp312-linux_riscv64', 'py3-none-manylinux1_x86_64', 'py3-none-manylinux2010_x86_64',
    'cp312-cp312-manylinux_2_17_i686', 'py2-none-any', 'cp2-none-any', 'cp3-none-any',
)
# (platform, python) -> the probe tags uv 0.13.9 accepted; every other probe tag was rejected.
UV_ACCEPTS: dict[tuple[str, str], frozenset[str]] = {
    ('aarch64-unknown-linux-gnu', '3.10'): frozenset((
        'cp310-cp310-linux_aarch64', 'cp310-cp310-manylinux_2_28_aarch64',
        'cp310-cp310-manylinux_2_17_aarch64', 'cp310-cp310-manylinux2014_aarch64', 'py3-none-any',
        'cp310-none-any', 'py310-none-any', 'py2.py3-none-any', 'cp310-none-linux_aarch64',
        'py3-none-linux_aarch64', 'py3-none-manylinux_2_28_aarch64', 'py30-none-any',
    )),
    ('linux', '3.10'): frozenset((
        'cp310-cp310-linux_x86_64', 'cp310-cp310-manylinux_2_28_x86_64',
        'cp310-cp310-manylinux2014_x86_64', 'cp310-cp310-manylinux2010_x86_64',
        'cp310-cp310-manylinux1_x86_64', 'cp310-cp310-manylinux_2_5_x86_64',
        'cp39-abi3-manylinux_2_17_x86_64', 'py3-none-any', 'cp310-none-any', 'py310-none-any',
        'py2.py3-none-any', 'py310-none-linux_x86_64', 'py30-none-any',
    )),
    ('windows', '3.10'): frozenset((
        'cp310-cp310-win_amd64', 'py3-none-any', 'cp310-none-any', 'py310-none-any', 'py2.py3-none-any',
        'cp310-abi3-win_amd64', 'cp32-abi3-win_amd64', 'py30-none-any', 'py3-none-win_amd64',
    )),
    ('macos', '3.10'): frozenset((
        'cp310-cp310-macosx_11_0_arm64', 'cp310-cp310-macosx_13_0_arm64',
        'cp310-cp310-macosx_10_9_universal2', 'cp310-cp310-macosx_11_0_universal2', 'py3-none-any',
        'cp310-none-any', 'py310-none-any', 'py2.py3-none-any', 'py30-none-any',
    )),
    ('x86_64-unknown-linux-gnu', '3.10'): frozenset((
        'cp310-cp310-linux_x86_64', 'cp310-cp310-manylinux_2_28_x86_64',
        'cp310-cp310-manylinux2014_x86_64', 'cp310-cp310-manylinux2010_x86_64',
        'cp310-cp310-manylinux1_x86_64', 'cp310-cp310-manylinux_2_5_x86_64',
        'cp39-abi3-manylinux_2_17_x86_64', 'py3-none-any', 'cp310-none-any', 'py310-none-any',
        'py2.py3-none-any', 'py310-none-linux_x86_64', 'py30-none-any',
    )),
    ('x86_64-unknown-linux-musl', '3.10'): frozenset((
        'cp310-cp310-linux_x86_64', 'cp310-cp310-musllinux_1_1_x86_64', 'cp310-cp310-musllinux_1_2_x86_64',
        'py3-none-any', 'cp310-none-any', 'py310-none-any', 'py2.py3-none-any', 'py310-none-linux_x86_64',
        'py30-none-any',
    )),
    ('aarch64-unknown-linux-musl', '3.10'): frozenset((
        'cp310-cp310-linux_aarch64', 'cp310-cp310-musllinux_1_2_aarch64', 'py3-none-any', 'cp310-none-any',
        'py310-none-any', 'py2.py3-none-any', 'cp310-none-linux_aarch64', 'py3-none-linux_aarch64',
        'py30-none-any',
    )),
    ('x86_64-pc-windows-msvc', '3.10'): frozenset((
        'cp310-cp310-win_amd64', 'py3-none-any', 'cp310-none-any', 'py310-none-any', 'py2.py3-none-any',
        'cp310-abi3-win_amd64', 'cp32-abi3-win_amd64', 'py30-none-any', 'py3-none-win_amd64',
    )),
    ('aarch64-pc-windows-msvc', '3.10'): frozenset((
        'cp310-cp310-win_arm64', 'py3-none-any', 'cp310-none-any', 'py310-none-any', 'py2.py3-none-any',
        'py30-none-any',
    )),
    ('i686-pc-windows-msvc', '3.10'): frozenset((
        'cp310-cp310-win32', 'py3-none-any', 'cp310-none-any', 'py310-none-any', 'py2.py3-none-any',
        'py30-none-any',
    )),
    ('x86_64-apple-darwin', '3.10'): frozenset((
        'cp310-cp310-macosx_10_9_universal2', 'cp310-cp310-macosx_11_0_universal2',
        'cp310-cp310-macosx_10_9_x86_64', 'cp310-cp310-macosx_13_0_x86_64',
        'cp310-cp310-macosx_10_9_intel', 'py3-none-any', 'cp310-none-any', 'py310-none-any',
        'py2.py3-none-any', 'py30-none-any', 'cp310-cp310-macosx_10_4_x86_64',
        'cp310-cp310-macosx_10_9_universal', 'cp310-cp310-macosx_10_9_fat64',
    )),
    ('aarch64-apple-darwin', '3.10'): frozenset((
        'cp310-cp310-macosx_11_0_arm64', 'cp310-cp310-macosx_13_0_arm64',
        'cp310-cp310-macosx_10_9_universal2', 'cp310-cp310-macosx_11_0_universal2', 'py3-none-any',
        'cp310-none-any', 'py310-none-any', 'py2.py3-none-any', 'py30-none-any',
    )),
    ('x86_64-manylinux2014', '3.10'): frozenset((
        'cp310-cp310-linux_x86_64', 'cp310-cp310-manylinux2014_x86_64', 'cp310-cp310-manylinux2010_x86_64',
        'cp310-cp310-manylinux1_x86_64', 'cp310-cp310-manylinux_2_5_x86_64',
        'cp39-abi3-manylinux_2_17_x86_64', 'py3-none-any', 'cp310-none-any', 'py310-none-any',
        'py2.py3-none-any', 'py310-none-linux_x86_64', 'py30-none-any',
    )),
    ('x86_64-manylinux_2_17', '3.10'): frozenset((
        'cp310-cp310-linux_x86_64', 'cp310-cp310-manylinux2014_x86_64', 'cp310-cp310-manylinux2010_x86_64',
        'cp310-cp310-manylinux1_x86_64', 'cp310-cp310-manylinux_2_5_x86_64',
        'cp39-abi3-manylinux_2_17_x86_64', 'py3-none-any', 'cp310-none-any', 'py310-none-any',
        'py2.py3-none-any', 'py310-none-linux_x86_64', 'py30-none-any',
    )),
    ('x86_64-manylinux_2_31', '3.10'): frozenset((
        'cp310-cp310-linux_x86_64', 'cp310-cp310-manylinux_2_28_x86_64',
        'cp310-cp310-manylinux2014_x86_64', 'cp310-cp310-manylinux2010_x86_64',
        'cp310-cp310-manylinux1_x86_64', 'cp310-cp310-manylinux_2_5_x86_64',
        'cp39-abi3-manylinux_2_17_x86_64', 'py3-none-any', 'cp310-none-any', 'py310-none-any',
        'py2.py3-none-any', 'py310-none-linux_x86_64', 'py30-none-any',
    )),
    ('aarch64-manylinux_2_40', '3.10'): frozenset((
        'cp310-cp310-linux_aarch64', 'cp310-cp310-manylinux_2_28_aarch64',
        'cp310-cp310-manylinux_2_17_aarch64', 'cp310-cp310-manylinux2014_aarch64',
        'cp310-cp310-manylinux_2_31_aarch64', 'py3-none-any', 'cp310-none-any', 'py310-none-any',
        'py2.py3-none-any', 'cp310-none-linux_aarch64', 'py3-none-linux_aarch64',
        'py3-none-manylinux_2_28_aarch64', 'py30-none-any',
    )),
    ('aarch64-manylinux2014', '3.10'): frozenset((
        'cp310-cp310-linux_aarch64', 'cp310-cp310-manylinux_2_17_aarch64',
        'cp310-cp310-manylinux2014_aarch64', 'py3-none-any', 'cp310-none-any', 'py310-none-any',
        'py2.py3-none-any', 'cp310-none-linux_aarch64', 'py3-none-linux_aarch64', 'py30-none-any',
    )),
    ('linux', '3.12'): frozenset((
        'cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64', 'cp312-abi3-linux_x86_64',
        'py312-none-any', 'py3-none-manylinux1_x86_64', 'py3-none-manylinux2010_x86_64',
    )),
    ('aarch64-unknown-linux-gnu', '3.12'): frozenset((
        'cp312-cp312-manylinux_2_28_aarch64', 'py312-none-any',
    )),
    ('macos', '3.12'): frozenset((
        'cp38-abi3-macosx_11_0_arm64', 'py312-none-any', 'cp312-cp312-macosx_10_13_universal2',
    )),
    ('x86_64-apple-darwin', '3.12'): frozenset((
        'py312-none-any', 'cp312-cp312-macosx_12_0_x86_64', 'cp312-cp312-macosx_10_13_universal2',
    )),
    ('windows', '3.12'): frozenset((
        'cp312-cp312-win_amd64', 'py312-none-any',
    )),
    ('aarch64-pc-windows-msvc', '3.12'): frozenset((
        'cp312-none-win_arm64', 'py312-none-any',
    )),
    ('i686-pc-windows-msvc', '3.12'): frozenset((
        'py312-none-any', 'cp312-abi3-win32',
    )),
    ('x86_64-unknown-linux-musl', '3.12'): frozenset((
        'cp312-abi3-linux_x86_64', 'py312-none-any', 'cp312-cp312-musllinux_1_2_x86_64',
    )),
    ('aarch64-unknown-linux-musl', '3.12'): frozenset((
        'py312-none-any', 'cp312-cp312-musllinux_1_1_aarch64',
    )),
    ('x86_64-manylinux_2_17', '3.12'): frozenset((
        'cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64', 'cp312-abi3-linux_x86_64',
        'py312-none-any', 'py3-none-manylinux1_x86_64', 'py3-none-manylinux2010_x86_64',
    )),
    ('riscv64-unknown-linux', '3.12'): frozenset((
        'py312-none-any', 'cp312-cp312-manylinux_2_39_riscv64', 'cp312-cp312-manylinux_2_31_riscv64',
        'cp312-cp312-linux_riscv64',
    )),
    ('aarch64-linux-android', '3.12'): frozenset((
        'py312-none-any', 'cp312-cp312-android_24_arm64_v8a',
    )),
    ('x86_64-linux-android', '3.12'): frozenset((
        'py312-none-any', 'cp312-cp312-android_21_x86_64',
    )),
    ('arm64-apple-ios', '3.12'): frozenset((
        'py312-none-any', 'cp312-cp312-ios_13_0_arm64_iphoneos', 'cp312-cp312-ios_12_0_arm64_iphoneos',
    )),
    ('arm64-apple-ios-simulator', '3.12'): frozenset((
        'py312-none-any', 'cp312-cp312-ios_13_0_arm64_iphonesimulator',
    )),
}


def _target(platform: str, python: str) -> Target:
    major, minor = (int(x) for x in python.split("."))
    return Target((major, minor), platform=parse_platform(platform))


@pytest.mark.parametrize(("platform", "python"), sorted(UV_ACCEPTS))
def test_compatibility_matches_uv(platform: str, python: str) -> None:
    tags = Tags.for_target(_target(platform, python))
    probes = PROBE_TAGS_310 if python == "3.10" else PROBE_TAGS_312
    accepted = {t for t in probes if tags.is_compatible(WheelFilename.parse(f"p-1.0-{t}.whl").tags)}
    assert accepted == UV_ACCEPTS[(platform, python)]


# `uv pip compile --help` of uv 0.13.9, "possible values" of --python-platform.
UV_PLATFORM_NAMES = (
    "windows linux macos x86_64-pc-windows-msvc aarch64-pc-windows-msvc i686-pc-windows-msvc "
    "x86_64-unknown-linux-gnu aarch64-apple-darwin x86_64-apple-darwin aarch64-unknown-linux-gnu "
    "aarch64-unknown-linux-musl x86_64-unknown-linux-musl riscv64-unknown-linux x86_64-manylinux2014 "
    "x86_64-manylinux_2_17 x86_64-manylinux_2_28 x86_64-manylinux_2_31 x86_64-manylinux_2_32 "
    "x86_64-manylinux_2_33 x86_64-manylinux_2_34 x86_64-manylinux_2_35 x86_64-manylinux_2_36 "
    "x86_64-manylinux_2_37 x86_64-manylinux_2_38 x86_64-manylinux_2_39 x86_64-manylinux_2_40 "
    "aarch64-manylinux2014 aarch64-manylinux_2_17 aarch64-manylinux_2_28 aarch64-manylinux_2_31 "
    "aarch64-manylinux_2_32 aarch64-manylinux_2_33 aarch64-manylinux_2_34 aarch64-manylinux_2_35 "
    "aarch64-manylinux_2_36 aarch64-manylinux_2_37 aarch64-manylinux_2_38 aarch64-manylinux_2_39 "
    "aarch64-manylinux_2_40 aarch64-linux-android x86_64-linux-android wasm32-pyodide2024 "
    "wasm32-pyodide2025 arm64-apple-ios arm64-apple-ios-simulator x86_64-apple-ios-simulator"
).split()


def test_platform_names_are_uvs_except_pyodide() -> None:
    assert list(PLATFORM_NAMES) == [n for n in UV_PLATFORM_NAMES if not n.startswith("wasm32-")]


@pytest.mark.parametrize(
    ("name", "os", "arch", "version", "best"),
    [
        ("linux", "manylinux", "x86_64", (2, 28), "manylinux_2_28_x86_64"),
        ("x86_64-unknown-linux-gnu", "manylinux", "x86_64", (2, 28), "manylinux_2_28_x86_64"),
        ("aarch64-unknown-linux-gnu", "manylinux", "aarch64", (2, 28), "manylinux_2_28_aarch64"),
        ("x86_64-manylinux2014", "manylinux", "x86_64", (2, 17), "manylinux_2_17_x86_64"),
        ("aarch64-manylinux_2_35", "manylinux", "aarch64", (2, 35), "manylinux_2_35_aarch64"),
        ("x86_64-manylinux_2_40", "manylinux", "x86_64", (2, 40), "manylinux_2_40_x86_64"),
        ("x86_64-unknown-linux-musl", "musllinux", "x86_64", (1, 2), "musllinux_1_2_x86_64"),
        ("aarch64-unknown-linux-musl", "musllinux", "aarch64", (1, 2), "musllinux_1_2_aarch64"),
        ("riscv64-unknown-linux", "manylinux", "riscv64", (2, 39), "manylinux_2_39_riscv64"),
        ("windows", "windows", "x86_64", (0, 0), "win_amd64"),
        ("aarch64-pc-windows-msvc", "windows", "aarch64", (0, 0), "win_arm64"),
        ("i686-pc-windows-msvc", "windows", "i686", (0, 0), "win32"),
        ("macos", "macos", "aarch64", (13, 0), "macosx_13_0_arm64"),
        ("arm64-apple-darwin", "macos", "aarch64", (13, 0), "macosx_13_0_arm64"),
        ("x86_64-apple-darwin", "macos", "x86_64", (13, 0), "macosx_13_0_x86_64"),
        ("aarch64-linux-android", "android", "aarch64", (24, 0), "android_24_arm64_v8a"),
        ("x86_64-linux-android", "android", "x86_64", (24, 0), "android_24_x86_64"),
        ("arm64-apple-ios", "ios", "aarch64", (13, 0), "ios_13_0_arm64_iphoneos"),
        ("arm64-apple-ios-simulator", "ios-simulator", "aarch64", (13, 0), "ios_13_0_arm64_iphonesimulator"),
    ],
)
def test_parse_platform(name: str, os: str, arch: str, version: tuple[int, int], best: str) -> None:
    p = parse_platform(name)
    assert (p.os, p.arch, p.os_version) == (os, arch, version)
    # uv's "no matching platform tag (e.g., `...`)" names the target's best platform tag.
    assert p.platform_tags()[0] == best


def test_arm64_apple_darwin_is_an_alias() -> None:
    assert parse_platform("arm64-apple-darwin") == parse_platform("aarch64-apple-darwin")
    assert parse_platform("Linux") == parse_platform("linux")


@pytest.mark.parametrize("text", ["", "linux-gnu", "x86_64-manylinux_2_29", "wasm32-pyodide2024", "darwin"])
def test_unknown_platform_lists_the_accepted_names(text: str) -> None:
    with pytest.raises(InvalidPlatform) as info:
        parse_platform(text)
    err = info.value
    assert f"`{text}`" in err.message
    assert "aarch64-unknown-linux-gnu" in err.message and "x86_64-manylinux_2_40" in err.message
    assert err.kind == "platform"


def test_manylinux_order_has_legacy_aliases_and_plain_linux_last() -> None:
    tags = parse_platform("x86_64-manylinux_2_17").platform_tags()
    assert tags[:2] == ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    assert tags.index("manylinux2010_x86_64") == tags.index("manylinux_2_12_x86_64") + 1
    assert tags[-3:] == ["manylinux_2_5_x86_64", "manylinux1_x86_64", "linux_x86_64"]
    arm = parse_platform("aarch64-manylinux_2_28").platform_tags()
    assert arm[-1] == "linux_aarch64" and arm[-2] == "manylinux2014_aarch64"
    assert not any("2010" in t or "manylinux1" in t for t in arm)


# Wheel names of ../shared/fixtures/seed_jetson (jp6 devpi index, cpu and cu128 indexes).
JP6 = [f"torch-{v}-cp310-cp310-linux_aarch64.whl" for v in ("2.4.0", "2.5.0", "2.6.0", "2.7.0")] + [
    f"torchvision-{v}-cp310-cp310-linux_aarch64.whl" for v in ("0.19.0", "0.20.0", "0.21.0", "0.22.0")
]
CPU = [
    f"torch-2.7.0+cpu-cp3{m}-cp3{m}-{plat}.whl"
    for m in (10, 11, 12)
    for plat in ("manylinux_2_28_x86_64", "macosx_11_0_arm64", "win_amd64")
]
CU128 = [
    f"torch-2.7.0+cu128-cp3{m}-cp3{m}-{plat}.whl"
    for m in (10, 11, 12)
    for plat in ("manylinux_2_28_x86_64", "manylinux_2_28_aarch64")
]


def _compatible(files: list[str], platform: str, python: str) -> list[str]:
    tags = Tags.for_target(_target(platform, python))
    return [f for f in files if tags.is_compatible(WheelFilename.parse(f).tags)]


def test_jetson_wheels_need_cp310_on_aarch64_linux() -> None:
    assert _compatible(JP6, "aarch64-unknown-linux-gnu", "3.10") == JP6
    assert _compatible(JP6, "aarch64-manylinux_2_17", "3.10") == JP6
    assert _compatible(JP6, "aarch64-unknown-linux-musl", "3.10") == JP6  # plain linux_ fits musl too
    assert _compatible(JP6, "aarch64-unknown-linux-gnu", "3.11") == []
    assert _compatible(JP6, "x86_64-unknown-linux-gnu", "3.10") == []
    assert _compatible(JP6, "macos", "3.10") == []
    assert _compatible(JP6, "windows", "3.10") == []


@pytest.mark.parametrize(
    ("platform", "python", "cpu", "cu128"),
    [
        ("x86_64-unknown-linux-gnu", "3.11", ["cp311-cp311-manylinux_2_28_x86_64"], ["cp311-cp311-manylinux_2_28_x86_64"]),
        ("x86_64-manylinux_2_17", "3.11", [], []),  # glibc 2.28 wheels on a 2.17 target
        ("aarch64-unknown-linux-gnu", "3.10", [], ["cp310-cp310-manylinux_2_28_aarch64"]),
        ("aarch64-apple-darwin", "3.12", ["cp312-cp312-macosx_11_0_arm64"], []),
        ("x86_64-apple-darwin", "3.12", [], []),
        ("windows", "3.10", ["cp310-cp310-win_amd64"], []),
        ("x86_64-unknown-linux-musl", "3.11", [], []),
    ],
)
def test_pytorch_index_wheels(platform: str, python: str, cpu: list[str], cu128: list[str]) -> None:
    def tags_of(files: list[str]) -> list[str]:
        return [f.split("-", 2)[2].removesuffix(".whl") for f in files]

    assert tags_of(_compatible(CPU, platform, python)) == cpu
    assert tags_of(_compatible(CU128, platform, python)) == cu128


def test_priority_order_for_linux() -> None:
    tags = Tags.for_target(_target("x86_64-unknown-linux-gnu", "3.11"))
    order = [
        "cp311-cp311-manylinux_2_28_x86_64",
        "cp311-cp311-manylinux_2_17_x86_64",
        "cp311-cp311-manylinux2014_x86_64",
        "cp311-cp311-linux_x86_64",
        "cp311-abi3-manylinux_2_28_x86_64",
        "cp311-none-manylinux_2_28_x86_64",
        "cp310-abi3-manylinux_2_28_x86_64",
        "cp32-abi3-linux_x86_64",
        "py311-none-manylinux_2_28_x86_64",
        "py3-none-linux_x86_64",
        "cp311-none-any",
        "py311-none-any",
        "py3-none-any",
        "py30-none-any",
    ]
    prios = [tags.priority(Tag(*t.split("-"))) for t in order]
    assert None not in prios
    assert prios == sorted(prios, reverse=True) and len(set(prios)) == len(prios)
    assert tags.priority(Tag("cp312", "cp312", "manylinux_2_17_x86_64")) is None
    assert tags.priority(Tag("py3", "none", "win_amd64")) is None
    assert tags.tags[0] == Tag("cp311", "cp311", "manylinux_2_28_x86_64")
    assert tags.tags[-1] == Tag("py30", "none", "any")


def test_best_priority_of_a_compressed_tag_set() -> None:
    tags = Tags.for_target(_target("x86_64-unknown-linux-gnu", "3.12"))
    wheel = WheelFilename.parse("numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    best = tags.best_priority(wheel.tags)
    assert best == tags.priority(Tag("cp312", "cp312", "manylinux_2_17_x86_64"))
    assert best is not None and best > tags.priority(Tag("cp312", "cp312", "manylinux2014_x86_64"))  # type: ignore[operator]
    assert tags.best_priority([]) is None
    assert tags.best_priority(WheelFilename.parse("x-1-cp312-cp312-win_amd64.whl").tags) is None
    assert tags.is_compatible(wheel.tags)
    assert not tags.is_compatible([])


def test_why_incompatible_names_the_failing_part() -> None:
    jetson = WheelFilename.parse("torch-2.7.0-cp310-cp310-linux_aarch64.whl")
    tags = Tags.for_target(_target("aarch64-unknown-linux-gnu", "3.10"))
    assert tags.why_incompatible(jetson) is None

    py311 = Tags.for_target(_target("aarch64-unknown-linux-gnu", "3.11"))
    msg = py311.why_incompatible(jetson)
    assert msg is not None and "Python tag (`cp310`)" in msg and "needs `cp311`" in msg

    py312 = WheelFilename.parse("foo-1.0-py312-none-any.whl")
    msg = py311.why_incompatible(py312)
    assert msg is not None and "Python tag (`py312`)" in msg and "`cp311`" in msg

    x86 = Tags.for_target(_target("x86_64-unknown-linux-gnu", "3.10"))
    msg = x86.why_incompatible(jetson)
    assert msg is not None and "platform tag (`linux_aarch64`)" in msg and "`manylinux_2_28_x86_64`" in msg

    debug = WheelFilename.parse("foo-1.0-cp310-cp310d-linux_aarch64.whl")
    msg = tags.why_incompatible(debug)
    assert msg is not None and "ABI tag (`cp310d`)" in msg and "`abi3`" in msg


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", ("linux", "Linux", "posix", "x86_64")),
        ("aarch64-unknown-linux-gnu", ("linux", "Linux", "posix", "aarch64")),
        ("x86_64-unknown-linux-musl", ("linux", "Linux", "posix", "x86_64")),
        ("windows", ("win32", "Windows", "nt", "AMD64")),
        ("aarch64-pc-windows-msvc", ("win32", "Windows", "nt", "ARM64")),
        ("i686-pc-windows-msvc", ("win32", "Windows", "nt", "x86")),
        ("macos", ("darwin", "Darwin", "posix", "arm64")),
        ("x86_64-apple-darwin", ("darwin", "Darwin", "posix", "x86_64")),
        ("riscv64-unknown-linux", ("linux", "Linux", "posix", "riscv64")),
        ("aarch64-linux-android", ("android", "Android", "posix", "aarch64")),
        ("arm64-apple-ios", ("ios", "iOS", "posix", "arm64")),
    ],
)
def test_marker_environment_matches_uv(platform: str, expected: tuple[str, str, str, str]) -> None:
    # The values uv 0.13.9 uses: each was checked with `uv pip compile --python-platform P` on
    # requirements guarded by `VAR == "VALUE"` markers.
    env = _target(platform, "3.10").marker_environment()
    assert (env["sys_platform"], env["platform_system"], env["os_name"], env["platform_machine"]) == expected
    assert env["python_version"] == "3.10" and env["python_full_version"] == "3.10.0"
    assert env["implementation_name"] == "cpython" and env["platform_python_implementation"] == "CPython"
    assert env["platform_release"] == "" and env["platform_version"] == ""


def test_marker_environment_full_version_when_given() -> None:
    t = Target((3, 12), platform=parse_platform("linux"), python_full_version="3.12.4")
    assert t.marker_environment()["python_full_version"] == "3.12.4"
    assert t.marker_environment()["python_version"] == "3.12"


def test_current_target_agrees_with_packaging() -> None:
    from packaging.markers import default_environment

    env = Target.current().marker_environment()
    real = default_environment()
    for key in ("sys_platform", "os_name", "platform_system", "python_version", "python_full_version",
                "implementation_name", "platform_python_implementation"):
        assert env[key] == real[key], key
    current = Tags.current()
    assert current.priority(Tag("py3", "none", "any")) is not None
    assert current.tags[0] in current


def test_tags_for_target_is_cached_and_platform_is_hashable() -> None:
    a = Tags.for_target(_target("linux", "3.11"))
    assert Tags.for_target(_target("linux", "3.11")) is a
    assert isinstance(parse_platform("linux"), Platform)
    assert len({parse_platform("linux"), parse_platform("x86_64-unknown-linux-gnu")}) == 2


def test_macos_deployment_target_moves_the_floor() -> None:
    p = parse_platform("aarch64-apple-darwin", macos_version=(14, 2))
    assert p.os_version == (14, 2) and p.platform_tags()[0] == "macosx_14_0_arm64"
    tags = Tags.for_target(Target((3, 12), platform=p))
    assert tags.is_compatible(WheelFilename.parse("x-1-cp312-cp312-macosx_14_0_arm64.whl").tags)
    assert parse_platform("linux", macos_version=(14, 2)).os_version == (2, 28)


def test_current_target_tags_equal_packagings_sys_tags_as_a_set() -> None:
    # Cross-checks the hand-built manylinux list (and the rest) against packaging's own view of
    # this machine; only the order differs (uv puts plain linux_<arch> last, packaging first).
    import sys

    from packaging.tags import sys_tags

    target = Target.current()
    if sys.implementation.name != "cpython" or target.platform.os not in ("manylinux", "macos", "windows"):
        pytest.skip(f"prong builds CPython tags only; this is {sys.implementation.name} on {target.platform}")
    assert set(Tags.for_target(target).tags) == set(sys_tags())
