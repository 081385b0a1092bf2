"""Cold and warm index fetching: prong's HTTP client against `uv pip compile`, side by side.

The work: the project pages of the ~200 projects in ``benchmarks/data/closure-200.txt`` (the
dependency closure of ``jupyterlab`` + ``apache-airflow``) and the core metadata of one wheel of
each pinned version. The pins come from one untimed ``uv pip compile --universal`` of the names
(``--exclude-newer`` fixed), so both tools fetch the same pages and the same metadata:

* uv: ``uv pip compile pins.txt --universal --no-cache --exclude-newer ...`` (pinned with ``==``);
* prong: a fresh process that fetches every page and, for each pin, the metadata of one wheel of
  that version through :mod:`prong.client.http` and :mod:`prong.client.metadata`, cold (empty
  cache), concurrently on the client's thread pool.

Rounds alternate (prong, uv, prong, uv, ...); the report gives each median, the median of the
paired ratios, and request counts. Then a warm prong run over the cache left by the last cold
one counts its requests: the index reached here sends no cache headers, so pages are fetched
again, and metadata comes from the cache by file hash.

    python benchmarks/index_fetch.py [--rounds 3] [--index URL] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NAMES = HERE / "data" / "closure-200.txt"
EXCLUDE_NEWER = "2026-11-01T00:00:00Z"
ROOTS = ("jupyterlab", "apache-airflow")
ACCEPT_FALLBACK = "application/vnd.pypi.simple.v1+json, text/html;q=0.01"


def default_index() -> str:
    from pip._internal.models.index import PyPI

    return PyPI.simple_url


def uv_bin() -> str:
    venv_uv = Path(sys.executable).parent / "uv"
    return str(venv_uv) if venv_uv.exists() else (shutil.which("uv") or "uv")


# -- the prong side (runs in a fresh process) ----------------------------------------------


def worker(index: str, pins_path: Path, cache_dir: Path, max_per_host: int, parser: str) -> dict[str, object]:
    t0 = time.perf_counter()
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version

    from prong.cache import Cache
    from prong.client.http import HttpClient
    from prong.client.metadata import parse_metadata, wheel_metadata

    try:
        from prong.client.simple import ACCEPT, parse_page
    except ImportError:  # before the Simple API parsers existed
        ACCEPT, parse_page = ACCEPT_FALLBACK, None
    if parser == "minimal":  # json.loads only: what the HTTP client costs without prong's page model
        ACCEPT, parse_page = "application/vnd.pypi.simple.v1+json", None
    registry = None
    if parser == "registry":  # prong's RegistryClient: pages parsed once, kept parsed in the cache
        from prong.client.indexes import IndexUrls
        from prong.client.registry import RegistryClient

    pins: dict[str, list[str]] = json.loads(pins_path.read_text())
    http = HttpClient(cache=Cache(cache_dir), max_per_host=max_per_host)
    if parser == "registry":
        registry = RegistryClient(http, IndexUrls.from_args(index_url=index))
    missing: list[str] = []

    def files_of(name: str, resp) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:  # type: ignore[no-untyped-def]
        if parse_page is not None:
            page = parse_page(resp.content, resp.url, name, resp.headers.get("content-type", ""))
            return [(f.filename, f.url, f.hashes) for f in page.files]
        data = json.loads(resp.content)
        return [(f["filename"], f["url"], tuple(f.get("hashes", {}).items())) for f in data["files"]]

    def one(item: tuple[str, list[str]]) -> int:
        from prong.dists import IndexFile

        name, versions = item
        if registry is not None:
            all_files = [(f.filename, f.url, f.hashes) for _, f in registry.files(name)]
        else:
            all_files = files_of(name, http.get(f"{index.rstrip('/')}/{name}/", headers={"Accept": ACCEPT}))
        files = [f for f in all_files if f[0].endswith(".whl")]
        done = 0
        for v in versions:
            # cheap string test first; parse file names only when the spelling differs
            candidates = [f for f in files if f[0].split("-")[1:2] == [v]]
            if not candidates:
                want = Version(v)
                for f in files:
                    try:
                        if parse_wheel_filename(f[0])[1] == want:
                            candidates.append(f)
                    except ValueError:
                        continue
            if not candidates:
                missing.append(f"{name}=={v}")
                continue
            # one wheel of the version: a pure one if there is one (the metadata is the same)
            candidates.sort(key=lambda c: (not c[0].endswith("-none-any.whl"), c[0]))
            filename, url, hashes = candidates[0]
            raw = wheel_metadata(http, IndexFile(filename, url, hashes))
            md = parse_metadata(raw)
            assert canonicalize_name(md.name) == canonicalize_name(name), (md.name, name)
            done += 1
        return done

    with http:
        n_meta = sum(http.map(one, sorted(pins.items())))
    return {
        "seconds": time.perf_counter() - t0,
        "pages": len(pins),
        "metadata": n_meta,
        "missing": missing,
        "stats": http.stats.snapshot(),
    }


# -- the driver ------------------------------------------------------------------------------


def make_pins(index: str, workdir: Path) -> tuple[Path, Path, int]:
    """One untimed universal resolution of the roots; pins as requirements and as JSON.

    The pinned names must be those of ``closure-200.txt`` (the list was made the same way).
    """
    roots = workdir / "roots.in"
    roots.write_text("\n".join(ROOTS) + "\n")
    out = workdir / "pins.txt"
    env = {**os.environ, "UV_CACHE_DIR": str(workdir / "uv-pin-cache")}
    subprocess.run(
        [uv_bin(), "pip", "compile", str(roots), "--universal", "--exclude-newer", EXCLUDE_NEWER,
         "--index-url", index, "--no-header", "--no-annotate", "-q", "-o", str(out)],
        check=True, env=env,
    )
    pins: dict[str, list[str]] = {}
    n = 0
    for line in out.read_text().splitlines():
        m = re.match(r"\s*([A-Za-z0-9._-]+)==([^\s;]+)", line)
        if m:
            pins.setdefault(m.group(1).lower(), []).append(m.group(2))
            n += 1
    expected = set(NAMES.read_text().split())
    if set(pins) != expected:
        print(f"warning: the closure changed: +{sorted(set(pins) - expected)} -{sorted(expected - set(pins))}")
    pins_json = workdir / "pins.json"
    pins_json.write_text(json.dumps(pins))
    return out, pins_json, n


def run_prong(index: str, pins_json: Path, cache_dir: Path, max_per_host: int,
              parser: str = "prong") -> tuple[float, dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__)), "--worker", "--index", index, "--pins", str(pins_json),
         "--cache-dir", str(cache_dir), "--max-per-host", str(max_per_host), "--parser", parser],
        capture_output=True, text=True, env=env,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"prong worker failed:\n{proc.stderr}")
    return wall, json.loads(proc.stdout.strip().splitlines()[-1])


def run_uv(index: str, pins_txt: Path, workdir: Path, *, verbose: bool = False) -> tuple[float, str]:
    cmd = [uv_bin(), "pip", "compile", str(pins_txt), "--universal", "--no-cache", "--exclude-newer",
           EXCLUDE_NEWER, "--index-url", index, "-o", os.devnull, "-v" if verbose else "-q"]
    env = {**os.environ, "UV_CACHE_DIR": str(workdir / "uv-cache")}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"uv failed:\n{proc.stderr[-3000:]}")
    return wall, proc.stderr


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--index", default=None, help="Simple API root (default: pip's default index)")
    ap.add_argument("--max-per-host", type=int, default=16)
    ap.add_argument("--parser", choices=("prong", "registry", "minimal"), default="prong",
                    help="prong: prong.client.simple pages (default); registry: prong's RegistryClient "
                         "(parsed pages cached); minimal: json.loads only")
    ap.add_argument("--json", type=Path, help="Also write the figures here")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--pins", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--cache-dir", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    index = args.index or default_index()

    if args.worker:
        print(json.dumps(worker(index, args.pins, args.cache_dir, args.max_per_host, args.parser)))
        return 0

    work = Path(tempfile.mkdtemp(prefix="prong-index-fetch-"))
    try:
        pins_txt, pins_json, n_pins = make_pins(index, work)
        n_names = len(json.loads(pins_json.read_text()))
        print(f"parser: {args.parser}; max {args.max_per_host} connections per host")
        print(f"{n_names} projects, {n_pins} pins (exclude-newer {EXCLUDE_NEWER}); {args.rounds} rounds, alternating")
        prong_t: list[float] = []
        uv_t: list[float] = []
        cold: dict[str, object] = {}
        cache_dir = work / "prong-cache"
        for r in range(args.rounds):
            shutil.rmtree(cache_dir, ignore_errors=True)
            wall, cold = run_prong(index, pins_json, cache_dir, args.max_per_host, args.parser)
            prong_t.append(wall)
            uwall, _ = run_uv(index, pins_txt, work)
            uv_t.append(uwall)
            print(f"  round {r + 1}: prong {wall:.2f} s (in-process {cold['seconds']:.2f} s)  uv {uwall:.2f} s  "
                  f"ratio {wall / uwall:.2f}")
        ratios = [p / u for p, u in zip(prong_t, uv_t)]
        warm_wall, warm = run_prong(index, pins_json, cache_dir, args.max_per_host, args.parser)
        _, uv_log = run_uv(index, pins_txt, work, verbose=True)
        uv_get = len(re.findall(r"Sending fresh GET request", uv_log))
        uv_head = len(re.findall(r"Sending fresh HEAD request", uv_log))
        cs, ws = cold["stats"], warm["stats"]
        assert isinstance(cs, dict) and isinstance(ws, dict)
        result = {
            "projects": n_names,
            "pins": n_pins,
            "rounds": args.rounds,
            "parser": args.parser,
            "max_per_host": args.max_per_host,
            "prong_cold_s": prong_t,
            "uv_cold_s": uv_t,
            "prong_cold_median_s": statistics.median(prong_t),
            "uv_cold_median_s": statistics.median(uv_t),
            "ratio_median": statistics.median(ratios),
            "prong_cold_requests": cs["requests"],
            "prong_cold_bytes": cs["bytes"],
            "prong_metadata": cold["metadata"],
            "prong_missing": cold["missing"],
            "uv_logged_get": uv_get,
            "uv_logged_head": uv_head,
            "prong_warm_s": warm_wall,
            "prong_warm_requests": ws["requests"],
            "prong_warm_metadata_from_cache": ws["hits"],
        }
        print(f"cold  prong median {result['prong_cold_median_s']:.2f} s, uv median {result['uv_cold_median_s']:.2f} s, "
              f"ratio (median of pairs) {result['ratio_median']:.2f}")
        print(f"      prong {cs['requests']} requests ({cold['pages']} pages + {cold['metadata']} metadata, "
              f"{cs['bytes'] / 1e6:.1f} MB); uv logs {uv_get} GET (pages; its range reads are not logged) "
              f"+ {uv_head} HEAD")
        if cold["missing"]:
            print(f"      pins without a wheel (skipped by prong): {', '.join(cold['missing'])}")  # type: ignore[arg-type]
        print(f"warm  prong {warm_wall:.2f} s, {ws['requests']} requests (pages only: the index sends no cache "
              f"headers), {ws['hits']} metadata from the cache by hash")
        if args.json:
            args.json.write_text(json.dumps(result, indent=2))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
