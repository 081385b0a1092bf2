"""``prong lock`` against ``uv lock`` on a project whose metadata needs three sdist builds.

Usage: ``python -m benchmarks.sdist_builds_vs_uv [-n 3] [--wheels DIR]``. The script writes a
small index on 127.0.0.1: three sdist-only packages built with setuptools whose dependencies are
dynamic (``[tool.setuptools.dynamic]`` reads them from ``requirements.txt``, and ``PKG-INFO`` is
Metadata-Version 2.1, so no tool can skip the build), a wheel they depend on, and the setuptools
wheel (fetched once from PyPI with ``pip download`` into ``--wheels``, so that the runs measure
builds, not the network). A project depends on the three packages.

* cold: an empty cache for each run (metadata builds, build environments, index pages);
* warm: the cache of the last cold run kept, ``uv.lock`` deleted (resolved again). prong answers
  from the memo the cold run left (:mod:`prong.cli.quick`: same inputs, every page still fresh);
* warm, no memo (prong only, ``PRONG_NO_MEMO=1``): the same, resolved in full from the cache.

Each run alternates the tools; prints the medians and the ratios prong / uv. prong runs from this
checkout (``python -m prong`` with ``src`` on ``PYTHONPATH``); uv is the one next to this
interpreter, else on PATH.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import http.server
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("pkg-a", "pkg-b", "pkg-c")


def _uv() -> str:
    local = Path(sys.executable).parent / "uv"
    found = str(local) if local.exists() else shutil.which("uv")
    if found is None:
        raise SystemExit("uv not found")
    return found


def _sdist(name: str, version: str, requirements: list[str]) -> bytes:
    module = name.replace("-", "_")
    root = f"{module}-{version}"
    pyproject = (
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{name}"\nversion = "{version}"\ndynamic = ["dependencies"]\n\n'
        '[tool.setuptools.dynamic]\ndependencies = { file = ["requirements.txt"] }\n\n'
        f'[tool.setuptools]\npackages = ["{module}"]\n'
    )
    pkg_info = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n"
    members = {
        f"{root}/PKG-INFO": pkg_info,
        f"{root}/pyproject.toml": pyproject,
        f"{root}/requirements.txt": "\n".join(requirements) + "\n",
        f"{root}/{module}/__init__.py": f"VERSION = {version!r}\n",
    }
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for path, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(data), 1735689600, 0o644
            tf.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _wheel(name: str, version: str) -> bytes:
    module = name.replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": b"",
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n".encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n",
    }
    files[f"{dist_info}/RECORD"] = "".join(f"{p},,\n" for p in [*files, f"{dist_info}/RECORD"]).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path, data in files.items():
            zf.writestr(zipfile.ZipInfo(path, date_time=(2025, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def _setuptools(wheels: Path) -> Path:
    found = sorted(wheels.glob("setuptools-*.whl"))
    if not found:
        wheels.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                        "--dest", str(wheels), "setuptools>=70"], check=True)
        found = sorted(wheels.glob("setuptools-*.whl"))
    return found[-1]


def _write_index(root: Path, setuptools_wheel: Path) -> None:
    files = root / "files"
    files.mkdir(parents=True)
    dists: dict[str, list[str]] = {}
    for name in PACKAGES:
        fn = f"{name.replace('-', '_')}-1.0.tar.gz"
        (files / fn).write_bytes(_sdist(name, "1.0", ["dep>=1"]))
        dists[name] = [fn]
    (files / "dep-1.0-py3-none-any.whl").write_bytes(_wheel("dep", "1.0"))
    dists["dep"] = ["dep-1.0-py3-none-any.whl"]
    shutil.copy(setuptools_wheel, files / setuptools_wheel.name)
    dists["setuptools"] = [setuptools_wheel.name]
    for name, filenames in dists.items():
        page = root / "simple" / name
        page.mkdir(parents=True)
        links = "".join(
            f'<a href="../../files/{fn}#sha256={hashlib.sha256((files / fn).read_bytes()).hexdigest()}">{fn}</a>\n'
            for fn in filenames)
        (page / "index.html").write_text(f"<!DOCTYPE html>\n<html><body>\n{links}</body></html>\n")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=3)
    parser.add_argument("--wheels", type=Path, default=Path(tempfile.gettempdir()) / "prong-bench-wheels",
                        help="where the setuptools wheel is kept between runs (downloaded once)")
    args = parser.parse_args(argv)
    setuptools_wheel = _setuptools(args.wheels)
    tools = {"prong": [sys.executable, "-m", "prong"], "uv": [_uv()]}
    with tempfile.TemporaryDirectory(prefix="sdist-bench-") as tmp_name:
        tmp = Path(tmp_name)
        _write_index(tmp / "index", setuptools_wheel)
        handler = lambda *a, **kw: _Quiet(*a, directory=str(tmp / "index"), **kw)  # noqa: E731
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/simple"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PRONG_", "PIP_"))}
        env.update(UV_PYTHON=sys.executable, UV_PYTHON_DOWNLOADS="never", UV_NO_CONFIG="1", UV_NO_PROGRESS="1",
                   PYTHONPATH=str(REPO / "src"), XDG_CONFIG_HOME=str(tmp / "config"))
        times: dict[tuple[str, str], list[float]] = {}
        for name in tools:
            project = tmp / name / "app"
            project.mkdir(parents=True)
            (project / "pyproject.toml").write_text(
                '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
                f"dependencies = {list(PACKAGES)!r}\n".replace("'", '"'))
        for i in range(args.n):
            for name, cmd in tools.items():
                project = tmp / name / "app"
                cache = tmp / name / f"cache-{i}"
                run_env = {**env, "UV_CACHE_DIR": str(cache), "PRONG_CACHE_DIR": str(cache)}
                for scenario in ("cold", "warm", "warm, no memo"):
                    if scenario == "warm, no memo" and name != "prong":
                        continue
                    (project / "uv.lock").unlink(missing_ok=True)
                    scenario_env = {**run_env, "PRONG_NO_MEMO": "1"} if scenario == "warm, no memo" else run_env
                    t0 = time.perf_counter()
                    done = subprocess.run([*cmd, "lock", "--default-index", url], cwd=project, env=scenario_env,
                                          capture_output=True, text=True)
                    elapsed = time.perf_counter() - t0
                    if done.returncode != 0:
                        raise SystemExit(f"{name} lock ({scenario}) failed:\n{done.stderr}")
                    times.setdefault((name, scenario), []).append(elapsed)
        server.shutdown()
        same = (tmp / "prong" / "app" / "uv.lock").read_text() == (tmp / "uv" / "app" / "uv.lock").read_text()
    print(f"lock of a project needing 3 sdist metadata builds (setuptools {setuptools_wheel.name.split('-')[1]}), "
          f"n={args.n}; locks identical: {same}")
    for scenario in ("cold", "warm", "warm, no memo"):
        prong = statistics.median(times[("prong", scenario)])
        uv = statistics.median(times[("uv", "warm" if scenario == "warm, no memo" else scenario)])
        print(f"{scenario:13}  prong {prong * 1000:7.0f} ms   uv {uv * 1000:7.0f} ms   prong / uv: x{prong / uv:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
