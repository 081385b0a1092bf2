"""Run every ``benchmarks/micro_*.py`` and print operations per second; time ``prong --version``.

Usage: ``python benchmarks/micro.py [--only NAME ...] [--startup-runs N] [--no-startup]``

Each ``micro_*.py`` exposes ``run() -> list[tuple[str, float]]`` (label, operations per second).
The start-up figure is the median wall time of N runs of ``prong --version`` (the console
script next to this interpreter, else ``python -m prong``), each a fresh process.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(only: list[str]) -> list[Path]:
    paths = sorted(HERE.glob("micro_*.py"))
    if only:
        paths = [p for p in paths if p.stem.removeprefix("micro_") in only or p.stem in only]
    return paths


def load(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(f"prong_bench_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prong_command() -> list[str]:
    script = Path(sys.executable).with_name("prong")
    if script.exists():
        return [str(script), "--version"]
    found = shutil.which("prong")
    return [found, "--version"] if found else [sys.executable, "-m", "prong", "--version"]


def startup_times(runs: int) -> tuple[list[str], list[float]]:
    cmd = prong_command()
    for _ in range(3):  # warm the OS caches
        subprocess.run(cmd, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return cmd, times


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            kb = int(f.readline().split()[1])
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPUs{mem}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="run only these (e.g. tags versions)")
    parser.add_argument("--startup-runs", type=int, default=30)
    parser.add_argument("--no-startup", action="store_true")
    ns = parser.parse_args(argv)

    print(f"machine: {machine()}")
    print(f"{'benchmark':12} {'operation':48} {'ops/s':>14}")
    print("-" * 76)
    failed = 0
    for path in discover(ns.only):
        name = path.stem.removeprefix("micro_")
        try:
            results = load(path).run()
        except Exception as err:  # one broken benchmark must not hide the others
            failed += 1
            print(f"{name:12} FAILED: {type(err).__name__}: {err}")
            continue
        for label, rate in results:
            print(f"{name:12} {label:48} {rate:>14,.0f}")
    if not ns.no_startup:
        cmd, times = startup_times(ns.startup_runs)
        ms = sorted(t * 1000 for t in times)
        print()
        print(f"start-up: `{' '.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))}` over {len(ms)} runs: "
              f"median {statistics.median(ms):.1f} ms, min {ms[0]:.1f} ms, max {ms[-1]:.1f} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
