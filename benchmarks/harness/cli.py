"""``python -m benchmarks run``: install the peers, run the matrix, print and write the report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness.network import probe_index, probe_text
from benchmarks.harness.projects import ALL_PROJECTS, Project, SeedIndexes, default_simple_url
from benchmarks.harness.report import render_markdown, splice
from benchmarks.harness.runner import LOCK_TARGET_S, MAX_FACTOR, SLOW_S, VERY_SLOW_S, Cell, Matrix
from benchmarks.harness.tools import (
    ALL_SCENARIOS,
    ALL_TOOLS,
    EXCLUDE_NEWER,
    Tool,
    base_python,
    clean_env,
    poetry_min_release_age_days,
)

REPO = Path(__file__).resolve().parents[2]
NOTES = (
    "n pairs per cell as requested (-n {n}), cut to 3 when the first pair (with its untimed set-up) took over "
    "{slow:.0f} s and to 1 over {very_slow:.0f} s; in the lock scenarios raised, for a pair under {slow:.0f} s, to about "
    "{target:.0f} s of pairs (at most {factor}n); and to 1 for every cell once the run has used {budget:.0f} min. "
    "The lock scenarios of every project run first, then pip compile, then sync, so the budget never cuts a lock cell. "
    "Every cold run has its own empty cache (UV_CACHE_DIR, PDM_CACHE_DIR, POETRY_CACHE_DIR, PIP_CACHE_DIR, "
    "PRONG_CACHE_DIR); warm runs reuse the last cold run's cache. Environment: PIP_CONFIG_FILE=/dev/null, no "
    "PIP_FIND_LINKS, UV_NO_CONFIG=1, UV_PYTHON_DOWNLOADS=never. Sync = install from the tool's own lock into a "
    "fresh venv (uv/prong `sync --frozen`, pdm `sync`, poetry `sync`, `pip-sync` into a venv made beforehand, "
    "untimed); no-op sync runs again in the venv that the last warm sync made. pdm and poetry make their venv before a lock, "
    "untimed. pip compile reads a requirements.in with the project's dependencies. Peak RSS = the highest sum of "
    "RSS over the process tree (the child's session, sampled every 50 ms from /proc), or the largest single "
    "process's ru_maxrss if higher; CPU = user+sys from wait4 (the whole tree)."
)
SMOKE = {"tools": ["prong", "uv"], "projects": ["small"], "n": 1}


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the benchmark matrix")
    run.add_argument("--tools", type=_csv, default=list(ALL_TOOLS), help=f"comma list of {','.join(ALL_TOOLS)}")
    run.add_argument("--projects", type=_csv, default=list(ALL_PROJECTS), help=f"comma list of {','.join(ALL_PROJECTS)}")
    run.add_argument("--scenarios", type=_csv, default=list(ALL_SCENARIOS),
                     help=f"comma list of {','.join(ALL_SCENARIOS)}")
    run.add_argument("-n", type=int, default=5, help="pairs per cell (cut to 3 above %gs, 1 above %gs; more for cheap lock cells)"
                     % (SLOW_S, VERY_SLOW_S))
    run.add_argument("--smoke", action="store_true", help="one tiny project, n=1, uv and prong only; no docs")
    run.add_argument("--work", type=Path, default=None, help="work directory (venvs, caches, runs)")
    run.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md and .json")
    run.add_argument("--budget", type=float, default=45.0,
                     help="minutes after which every remaining cell runs one pair only")
    run.add_argument("--timeout", type=float, default=1800.0, help="seconds before one run is killed")
    rep = sub.add_parser("report", help="render (and splice) the markdown of a report.json")
    rep.add_argument("json", type=Path)
    rep.add_argument("--splice", action="store_true", help="write it into docs/benchmarks.md and .json")
    cmp = sub.add_parser("compare", help="how far the paired ratios moved between two runs' report.json")
    cmp.add_argument("first", type=Path)
    cmp.add_argument("second", type=Path)
    cmp.add_argument("--scenarios", type=_csv, default=["lock-cold", "lock-warm", "lock-noop"])
    cmp.add_argument("--splice", action="store_true", help="append the comparison to the peers section of the docs")
    return parser


def compare_main(ns: argparse.Namespace) -> int:
    from benchmarks.harness.report import compare_markdown, splice_append

    first = json.loads(ns.first.read_text(encoding="utf-8"))
    second = json.loads(ns.second.read_text(encoding="utf-8"))
    text = compare_markdown(first, second, ns.scenarios)
    print(text)
    if ns.splice:
        splice_append(REPO / "docs" / "benchmarks.md", text)
    return 0


def _machine() -> str:
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem_gib:.1f} GiB, {platform.machine()} Linux, Python {platform.python_version()}"


def _git_rev() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        return out.stdout.strip() or "?"
    except OSError:
        return "?"


def cpu_probe_ms() -> float:
    """How long a fixed pure-Python loop takes here (best of 3, ms): the machine's speed at that moment.

    Taken after every scenario, so a report shows whether the CPU itself got slower during a run
    (which moves the ratio of a CPU-bound tool to a network-bound one).
    """
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        sum(i * i for i in range(300_000))
        best = min(best, time.perf_counter() - t0)
    return round(best * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    ns = build_parser().parse_args(argv)
    if ns.command == "compare":
        return compare_main(ns)
    if ns.command == "report":
        report = json.loads(ns.json.read_text(encoding="utf-8"))
        markdown = render_markdown(report)
        print(markdown)
        if ns.splice:
            splice(REPO / "docs" / "benchmarks.md", markdown)
            (REPO / "docs" / "benchmarks.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        return 0
    started = time.perf_counter()
    if ns.smoke:
        ns.tools, ns.projects, ns.n = SMOKE["tools"], SMOKE["projects"], SMOKE["n"]
    for value, allowed, what in ((ns.tools, ALL_TOOLS, "tool"), (ns.projects, ALL_PROJECTS, "project"),
                                 (ns.scenarios, ALL_SCENARIOS, "scenario")):
        bad = [v for v in value if v not in allowed]
        if bad:
            print(f"error: unknown {what}(s): {', '.join(bad)}", file=sys.stderr)
            return 2
    work: Path = (ns.work or Path(tempfile.gettempdir()) / "prong-benchmarks").resolve()
    work.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    load_at_start = os.getloadavg()[0]
    log(f"work directory: {work}")
    env = clean_env(work / "home")
    tools: dict[str, Tool] = {}
    for name in [t for t in ALL_TOOLS if t in ns.tools]:
        tool = Tool(name)
        tool.install(work / "tools", env, log)
        log(f"{name} {tool.version}")
        tools[name] = tool
    if "prong" in tools:
        tools["prong"].version += f" (checkout {_git_rev()})"

    seed: SeedIndexes | None = None
    urls: dict[str, str] = {}
    projects = [Project.load(p) for p in ALL_PROJECTS if p in ns.projects]
    if any(p.name == "seed" for p in projects):
        if SeedIndexes.available():
            seed = SeedIndexes(work)
            urls = seed.start()
            log(f"seed indexes served at {urls['JP6_URL'].rsplit('/', 1)[0]}")
        else:
            log("seed fixture not found beside the repository (../shared): seed project left out")
            projects = [p for p in projects if p.name != "seed"]
    log("probing the index")
    facts = probe_index(default_simple_url())
    log(probe_text(facts))

    command = "python -m benchmarks " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))

    def build_report(cells: list[Cell]) -> dict[str, object]:
        days = poetry_min_release_age_days()
        return {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": _machine(),
            "command": command,
            "duration_s": round(time.perf_counter() - started, 1),
            "load": [load_at_start, os.getloadavg()[0]],
            "load_max": max([*loads, os.getloadavg()[0]]),
            "cpu_probe_ms": probes,
            "python": base_python(),
            "tools_order": list(tools),
            "versions": {name: t.version for name, t in tools.items()},
            "time_pin": (
                f"`{EXCLUDE_NEWER}` for every tool (uv/prong/pdm `--exclude-newer`, pip-compile "
                f"`--pip-args --uploaded-prior-to`); poetry has only `solver.min-release-age` in whole days: {days} "
                "days before the run, so its cut-off drifts with the clock (up to a day before the pin today, more "
                "later)"
            ),
            "index_probe": facts,
            "index_probe_text": probe_text(facts),
            "n_requested": ns.n,
            "notes": NOTES.format(n=ns.n, slow=SLOW_S, very_slow=VERY_SLOW_S, target=LOCK_TARGET_S, factor=MAX_FACTOR,
                              budget=ns.budget),
            "cells": [c.to_json() for c in cells],
        }

    loads: list[float] = [load_at_start]
    probes: list[float] = [cpu_probe_ms()]

    def checkpoint(cells: list[Cell]) -> None:
        loads.append(os.getloadavg()[0])
        probes.append(cpu_probe_ms())
        # A partial report after every scenario, so that a run cut short still leaves its figures.
        partial = {**build_report(cells), "partial": True}
        (work / "report.partial.json").write_text(json.dumps(partial, indent=1), encoding="utf-8")

    matrix = Matrix(work, tools, projects, ns.scenarios, max(1, ns.n), log, urls=urls, timeout=ns.timeout,
                    deadline=time.monotonic() + ns.budget * 60, on_scenario=checkpoint)
    try:
        cells = matrix.run()
    finally:
        if seed is not None:
            seed.stop()
    duration = time.perf_counter() - started
    report = build_report(cells)
    markdown = render_markdown(report)
    print(markdown)
    (work / "report.md").write_text(markdown, encoding="utf-8")
    (work / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    if not ns.smoke and not ns.no_docs:
        splice(REPO / "docs" / "benchmarks.md", markdown)
        (REPO / "docs" / "benchmarks.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        log("wrote docs/benchmarks.md and docs/benchmarks.json")
    log(f"done in {duration / 60:.1f} min")
    return 0
