"""Micro-benchmark: wheel file names and tag compatibility (prong.filenames, prong.tags).

50,000 compatibility checks of realistic wheel names (the shapes PyPI and the PyTorch indexes
serve: per-version CPython wheels, abi3, compressed manylinux tag sets, musllinux, macOS,
Windows, pure wheels, local versions) against four targets. ``run()`` returns
``[(label, operations per second)]``; ``benchmarks/micro.py`` prints them.
"""

from __future__ import annotations

import itertools
import time

CHECKS = 50_000
REPEATS = 3

_PLATFORMS = (
    "manylinux_2_17_x86_64.manylinux2014_x86_64",
    "manylinux_2_28_x86_64",
    "manylinux_2_17_aarch64.manylinux2014_aarch64",
    "musllinux_1_1_x86_64",
    "musllinux_1_2_aarch64",
    "macosx_10_9_x86_64",
    "macosx_11_0_arm64",
    "macosx_10_9_universal2",
    "win_amd64",
    "win32",
    "win_arm64",
    "linux_aarch64",
)


def wheel_names() -> list[str]:
    """About 2,000 distinct wheel names in the shapes real indexes serve."""
    names: list[str] = []
    for project, versions in (
        ("numpy", ("1.26.4", "2.0.2", "2.1.3", "2.2.6")),
        ("torch", ("2.5.1+cpu", "2.6.0+cu126", "2.7.0", "2.7.0+cu128")),
        ("Pillow", ("10.4.0", "11.0.0")),
        ("pydantic_core", ("2.27.2", "2.33.1")),
        ("grpcio", ("1.66.2", "1.71.0")),
    ):
        for version, minor, platform in itertools.product(versions, range(8, 14), _PLATFORMS):
            names.append(f"{project}-{version}-cp3{minor}-cp3{minor}-{platform}.whl")
    for version, platform in itertools.product(("42.0.8", "43.0.3", "44.0.2"), _PLATFORMS):
        names.append(f"cryptography-{version}-cp39-abi3-{platform}.whl")
        names.append(f"cryptography-{version}-pp310-pypy310_pp73-{platform}.whl")
    for project, version in (("six", "1.16.0"), ("requests", "2.32.3"), ("typing_extensions", "4.12.2")):
        names.append(f"{project}-{version}-py2.py3-none-any.whl")
        names.append(f"{project}-{version}-py3-none-any.whl")
    names.append("ruff-0.6.9-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    names.append("foo-1.0-1-cp311-cp311-win_amd64.whl")
    return names


TARGETS = (
    ("x86_64-unknown-linux-gnu", (3, 12)),
    ("aarch64-unknown-linux-gnu", (3, 10)),
    ("aarch64-apple-darwin", (3, 11)),
    ("x86_64-pc-windows-msvc", (3, 13)),
)


def _best_rate(fn, count: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return count / best


def run() -> list[tuple[str, float]]:
    from prong.filenames import _VERSIONS, WheelFilename
    from prong.tags import Tags, Target, _TAGS_CACHE, parse_platform

    names = wheel_names()
    parse_count = len(names) * 10

    def parse_all() -> None:
        for _ in range(10):
            _VERSIONS.clear()  # as if each pass were a fresh process: versions shared only within it
            for n in names:
                WheelFilename.parse(n)

    wheels = [WheelFilename.parse(n) for n in names]
    for w in wheels:
        w.tags  # noqa: B018  (build each cached tag set once, as the resolver would)
    targets = [Target(v, platform=parse_platform(p)) for p, v in TARGETS]

    def build_tags() -> None:
        _TAGS_CACHE.clear()
        for t in targets:
            Tags.for_target(t)

    tag_sets = [Tags.for_target(t) for t in targets]
    per_target = CHECKS // len(tag_sets)
    work = list(itertools.islice(itertools.cycle(wheels), per_target))
    compatible = 0

    def check() -> None:
        nonlocal compatible
        compatible = 0
        for tags in tag_sets:
            best = tags.best_priority
            for w in work:
                if best(w.tags) is not None:
                    compatible += 1

    results = [
        ("wheel filename parse", _best_rate(parse_all, parse_count)),
        ("Tags.for_target (4 targets)", _best_rate(build_tags, len(targets))),
        (f"tag compatibility, {per_target * len(tag_sets):,} checks", _best_rate(check, per_target * len(tag_sets))),
    ]
    assert 0 < compatible < per_target * len(tag_sets)
    return results


if __name__ == "__main__":
    for label, rate in run():
        print(f"{label:45} {rate:>14,.0f} ops/s")
