"""Micro-benchmark: the PEP 508 marker algebra (prong.pep508.markers).

A pool of realistic markers (what requirements and universal-resolution forks carry: python
ranges, platform and machine combinations, conflict pseudo-extras) is combined pairwise: 10,000
operations cycling and / or / is_disjoint, once with cold operation caches and once warm (the
resolver asks the same questions many times). Also parsing and uv's display form.
``run()`` returns ``[(label, operations per second)]``; ``benchmarks/micro.py`` prints them.
"""

from __future__ import annotations

import itertools
import random
import time

OPERATIONS = 10_000
REPEATS = 3

REQUIREMENT_MARKERS = [
    "python_version < '3.11'",
    "python_version >= '3.9'",
    "python_full_version >= '3.10.4'",
    "python_version == '3.10'",
    "python_version >= '3.8' and python_version < '3.12'",
    "sys_platform == 'linux'",
    "sys_platform == 'win32'",
    "sys_platform == 'darwin'",
    "sys_platform != 'win32'",
    "platform_system == 'Windows'",
    "platform_system == 'Darwin' and platform_machine == 'arm64'",
    "platform_machine == 'x86_64' and sys_platform == 'linux'",
    "platform_machine == 'aarch64' and sys_platform == 'linux'",
    "os_name == 'nt'",
    "implementation_name == 'cpython'",
    "platform_python_implementation == 'CPython' and python_version < '3.13'",
    "python_version < '3.11' and (platform_machine == 'x86_64' or platform_machine == 'aarch64')",
    "sys_platform == 'linux' and platform_machine == 'x86_64' and extra == 'extra-3-xxx-cpu'",
    "sys_platform == 'linux' and extra == 'extra-5-xxx-cu128'",
    "extra != 'extra-3-xxx-cpu' and extra == 'extra-5-xxx-cu128'",
    "python_version == '3.10' and platform_machine == 'aarch64' and sys_platform == 'linux' and extra == 'extra-9-xxx-torch-jp6'",
    "extra == 'test'",
    "'linux' in sys_platform",
]


def pool():  # type: ignore[no-untyped-def]
    """Requirement markers plus fork markers built from them (python split x platform x extra)."""
    from prong.pep508.markers import parse_marker

    markers = [parse_marker(text) for text in REQUIREMENT_MARKERS]
    pythons = [parse_marker(t) for t in ("python_version < '3.10'", "python_version == '3.10'", "python_version == '3.11'", "python_version >= '3.12'")]
    platforms = [parse_marker(t) for t in (
        "sys_platform == 'linux' and platform_machine == 'x86_64'",
        "sys_platform == 'linux' and platform_machine == 'aarch64'",
        "sys_platform == 'darwin'",
        "sys_platform == 'win32'",
    )]
    extras = [parse_marker(t) for t in ("extra == 'extra-3-xxx-cpu'", "extra == 'extra-5-xxx-cu128'")]
    for py, plat, extra in itertools.product(pythons, platforms, extras):
        markers.append(py.and_(plat).and_(extra))
        markers.append(py.and_(plat).and_(extra.negate()))
    return markers


def _ops(markers, rng):  # type: ignore[no-untyped-def]
    pairs = [(rng.choice(markers), rng.choice(markers)) for _ in range(OPERATIONS)]
    return pairs


def _algebra(pairs) -> None:  # type: ignore[no-untyped-def]
    for i, (a, b) in enumerate(pairs):
        k = i % 3
        if k == 0:
            a.and_(b)
        elif k == 1:
            a.or_(b)
        else:
            a.is_disjoint(b)


def _best(fn) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run() -> list[tuple[str, float]]:
    from prong.pep508 import _marker_algebra as algebra
    from prong.pep508.markers import parse_marker

    markers = pool()
    pairs = _ops(markers, random.Random(508))

    def cold() -> None:
        algebra.clear_caches()
        _algebra(pairs)

    results = [
        ("marker and/or/is_disjoint, 10k ops, cold caches", OPERATIONS / _best(cold)),
        ("marker and/or/is_disjoint, 10k ops, warm caches", OPERATIONS / _best(lambda: _algebra(pairs))),
    ]
    texts = REQUIREMENT_MARKERS * 20

    def parse() -> None:
        algebra.clear_caches()
        for text in texts:
            parse_marker(text)

    results.append(("marker parse (cold caches)", len(texts) / _best(parse)))
    shown = markers[:60]

    from prong.pep508 import _marker_display

    def display() -> None:
        _marker_display._DISPLAY_CACHE.clear()
        for m in shown:
            str(m)

    results.append(("marker str() as uv writes it (uncached)", len(shown) / _best(display)))
    return results


if __name__ == "__main__":
    for label, rate in run():
        print(f"{label:55s} {rate:14,.0f} ops/s")
