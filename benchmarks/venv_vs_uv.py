"""``prong venv`` against ``uv venv``, side by side: median wall time of fresh venv creations.

Usage: ``python -m benchmarks.venv_vs_uv [-n 15] [--python 3.11]``. Each run creates a new venv
in an empty temporary directory (``--clear`` is never needed), alternating the tools; prints the
medians and the ratio prong / uv. Both use the same interpreter and their default settings (no
seed packages). uv is the one next to this interpreter, else on PATH.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _tool(name: str) -> list[str]:
    local = Path(sys.executable).parent / name
    if local.exists():
        return [str(local)]
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found")
    return [found]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=15)
    parser.add_argument("--python", default=f"{sys.version_info[0]}.{sys.version_info[1]}")
    args = parser.parse_args(argv)
    tools = {"prong": _tool("prong"), "uv": _tool("uv")}
    env_extra = {"UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1"}
    import os

    env = {**os.environ, **env_extra}
    times: dict[str, list[float]] = {name: [] for name in tools}
    with tempfile.TemporaryDirectory(prefix="venv-bench-") as tmp:
        for i in range(args.n + 1):
            for name, cmd in tools.items():
                target = Path(tmp) / f"{name}-{i}"
                t0 = time.perf_counter()
                subprocess.run([*cmd, "venv", "-q", "--python", args.python, str(target)], env=env, check=True,
                               cwd=tmp)
                elapsed = time.perf_counter() - t0
                if i:  # the first round warms the interpreter caches of both
                    times[name].append(elapsed)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        print(f"{name:6} venv: {value * 1000:.1f} ms (median of {args.n})")
    print(f"prong / uv: x{medians['prong'] / medians['uv']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
