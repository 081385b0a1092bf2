"""The benchmark matrix: projects × scenarios × tools, run in pairs (A B A B …).

For each scenario the baseline is prong when prong has the command, else uv. Every other tool
runs in pairs with the baseline, one after the other, and the ratio of each pair is kept: a ratio
of two runs a few seconds apart holds on a noisy shared machine where absolute times do not.
Cold runs get an empty cache of their own; the cache of the last cold run becomes the tool's
warm cache for the warm and no-op scenarios.
"""

from __future__ import annotations

import os

import math

import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from benchmarks.harness.lockfiles import Agreement, installed_of, pins_of
from benchmarks.harness.measure import Sample, run_measured
from benchmarks.harness.network import parse_prong_log
from benchmarks.harness.projects import Project
from benchmarks.harness.tools import (
    COMPILE_SCENARIOS,
    LOCK_SCENARIOS,
    SYNC_SCENARIOS,
    Tool,
    clean_env,
    not_yet,
    rmtree,
    with_cache,
)

# Repetitions are cut for slow cells so that the whole matrix fits in an hour on two cores.
SLOW_S, VERY_SLOW_S = 5.0, 30.0
# ... and raised for cheap lock cells, whose ratios are what a rerun must reproduce: a ratio to
# uv's 20-40 ms no-op or to a tool whose own time is bimodal (poetry's no-op lock: 2 s or 3.5 s)
# needs more than 5 pairs to settle. Such a cell gets about LOCK_TARGET_S of pairs, at most
# MAX_FACTOR times the requested n.
LOCK_TARGET_S, MAX_FACTOR = 40.0, 3


@dataclass
class State:
    """What one tool left behind for one project: warm caches, its lock, its outputs."""

    lock_cache: Path | None = None
    lock_file: bytes | None = None
    lock_pins: frozenset[str] | None = None
    compile_cache: Path | None = None
    compile_out: bytes | None = None
    compile_pins: frozenset[str] | None = None
    sync_cache: Path | None = None
    noop_dir: Path | None = None  # a synced project the no-op sync runs again in
    installed: frozenset[str] | None = None


@dataclass
class Cell:
    """The measurements of one tool in one scenario of one project."""

    project: str
    scenario: str
    tool: str
    status: str = "ok"  # ok | not yet | n/a | failed | skipped
    note: str = ""
    samples: list[Sample] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    ratio_of: str = ""  # e.g. "pdm/uv" or "prong/pdm"
    http: list[str] = field(default_factory=list)
    pins: int | None = None
    agreement: str = ""

    def median(self, attr: str) -> float | None:
        values = [getattr(s, attr) for s in self.samples if s.ok]
        return statistics.median(values) if values else None

    def to_json(self) -> dict[str, object]:
        def r(x: float | None, nd: int = 3) -> float | None:
            return None if x is None else round(x, nd)

        return {
            "project": self.project,
            "scenario": self.scenario,
            "tool": self.tool,
            "status": self.status,
            "note": self.note,
            "n": len([s for s in self.samples if s.ok]),
            "wall_s": r(self.median("wall")),
            "cpu_s": r(self.median("cpu")),
            "peak_rss_mib": r(self.median("rss_mib"), 1),
            "walls_s": [r(s.wall) for s in self.samples if s.ok],
            "ratio_of": self.ratio_of,
            "ratio_median": r(statistics.median(self.ratios)) if self.ratios else None,
            "ratio_min": r(min(self.ratios)) if self.ratios else None,
            "ratio_max": r(max(self.ratios)) if self.ratios else None,
            "ratios": [r(x) for x in self.ratios],
            "pins": self.pins,
            "agreement_with_uv": self.agreement,
            "prong_http": self.http,
        }


def applicable(tool: str, project: Project, scenario: str) -> str | None:
    """None if ``tool`` runs ``scenario`` on ``project``; else why not (shown in the table)."""
    if scenario == "version":
        return None
    if project.uv_only and tool not in ("uv", "prong"):
        return "n/a: needs [tool.uv] sources/conflicts"
    if project.uv_only and scenario not in LOCK_SCENARIOS:
        return "n/a"
    if scenario in SYNC_SCENARIOS and not project.syncable:
        return "skipped: multi-GB wheels" if project.name == "torch" else "n/a"
    if project.name == "torch" and tool in ("pdm", "pip-tools"):
        return "skipped: downloads GBs (no PEP 658 here)"
    if scenario in LOCK_SCENARIOS and tool == "pip-tools":
        return "n/a: see compile"
    if scenario in COMPILE_SCENARIOS and tool not in ("prong", "uv", "pip-tools"):
        return "n/a"
    return None


class Matrix:
    def __init__(
        self,
        work: Path,
        tools: dict[str, Tool],
        projects: list[Project],
        scenarios: list[str],
        n: int,
        log: Callable[[str], None],
        urls: dict[str, str] | None = None,
        timeout: float = 1800.0,
        deadline: float | None = None,
        on_scenario: Callable[[list[Cell]], None] | None = None,
    ) -> None:
        self.work = work
        self.tools = tools
        self.projects = projects
        self.scenarios = scenarios
        self.n = n
        self.log = log
        self.urls = urls or {}
        self.timeout = timeout
        self.on_scenario = on_scenario
        self.deadline = deadline  # time.monotonic() past which every cell runs once
        self.home = work / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.env = clean_env(self.home)
        self.state: dict[tuple[str, str], State] = {}
        self.cells: list[Cell] = []
        self._counter = 0

    # -- one run ------------------------------------------------------------------------------------
    def _st(self, tool: str, project: Project) -> State:
        return self.state.setdefault((tool, project.name), State())

    def _untimed(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=self.timeout,
                       check=False)

    def _ensure(self, tool: Tool, project: Project, what: str) -> Sample | None:
        """Make sure the state ``what`` exists (by an untimed run); the failed run if it could not."""
        st = self._st(tool.name, project)
        need: tuple[str, str] = {
            "lock_cache": ("lock_cache", "lock-cold"),
            "compile_cache": ("compile_cache", "compile-cold"),
            "compile_out": ("compile_out", "compile-cold"),
            "sync_cache": ("sync_cache", "sync-cold"),
            "lock_file": ("lock_file", "lock-cold") if tool.lock_source() == "lock" else ("compile_out", "compile-cold"),
        }[what]
        if getattr(st, need[0]) is not None:
            return None
        sample = self.run_once(tool, project, need[1], timed=False)
        return None if getattr(st, need[0]) is not None else sample

    def run_once(self, tool: Tool, project: Project, scenario: str, timed: bool = True) -> Sample:
        """Prepare a fresh directory for one run, run it (measured) and keep what later runs need."""
        self._counter += 1
        st = self._st(tool.name, project)
        if scenario == "sync-noop" and st.noop_dir is not None:
            return self._rerun_noop(tool, project, st.noop_dir)
        run_dir = self.work / "runs" / project.name / tool.name / f"{scenario}-{self._counter}"
        rmtree(run_dir)
        proj = project.render(tool.name, run_dir / "proj", self.urls)
        cache = run_dir / "cache"
        needs: list[str] = []
        if scenario == "lock-warm":
            needs = ["lock_cache"]
        elif scenario == "lock-noop":
            needs = ["lock_cache", "lock_file"]
        elif scenario == "compile-warm":
            needs = ["compile_cache"]
        elif scenario in SYNC_SCENARIOS:
            needs = ["lock_file"] + ([] if scenario == "sync-cold" else ["sync_cache"])
        for need in needs:
            failed = self._ensure(tool, project, need)
            if failed is not None:
                return failed
        if scenario in ("lock-warm", "lock-noop"):
            cache = st.lock_cache  # type: ignore[assignment]
        if scenario == "lock-noop":
            (proj / tool.lockfile()).write_bytes(st.lock_file)  # type: ignore[arg-type]
        if scenario == "compile-warm":
            cache = st.compile_cache  # type: ignore[assignment]
        if scenario in SYNC_SCENARIOS:
            lock = st.compile_out if tool.lock_source() == "compile" else st.lock_file
            (proj / tool.lockfile()).write_bytes(lock)  # type: ignore[arg-type]
            if scenario != "sync-cold":
                cache = st.sync_cache  # type: ignore[assignment]
        cache.mkdir(parents=True, exist_ok=True)
        env = with_cache(self.env, cache)
        for argv in tool.setup(scenario, proj):
            self._untimed(argv, proj, env)
        argv = [a.replace("{cache}", str(cache)) for a in (tool.command(scenario, proj) or [])]
        if project.uv_only and "--exclude-newer" in argv:
            # The seed indexes are local and frozen, and their pages carry no upload times: a time pin
            # would filter out every file.
            at = argv.index("--exclude-newer")
            del argv[at : at + 2]
        if scenario == "sync-noop":
            self._untimed(argv, proj, env)
        if scenario == "version":
            proj = run_dir
        sample = run_measured(argv, proj, env, timeout=self.timeout, log_dir=run_dir)
        (run_dir / "argv.txt").write_text(" ".join(argv) + f"\nrc={sample.returncode} wall={sample.wall:.3f}\n")
        if not timed:
            self.log(f"    (setup) {tool.name} {scenario}: {sample.wall:.2f}s rc={sample.returncode}")
        if sample.ok:
            self._keep(tool, project, scenario, proj, cache, st)
        if scenario in ("sync-warm", "sync-noop") and sample.ok:
            # A synced venv: the no-op sync runs again in it (this spares a whole untimed sync per tool,
            # minutes for the large project).
            if st.noop_dir is not None and st.noop_dir != proj:
                rmtree(st.noop_dir)
            st.noop_dir = proj
        elif scenario in SYNC_SCENARIOS:
            rmtree(proj / ".venv")
        if cache == run_dir / "cache" and cache not in (st.lock_cache, st.compile_cache, st.sync_cache):
            rmtree(cache)
        if scenario in SYNC_SCENARIOS:
            # Deleting a venv of 20,000 files leaves the file system's journal busy for a second or
            # more; flushed here (untimed), it does not slow down whichever tool's sync comes next.
            os.sync()
        return sample

    def _rerun_noop(self, tool: Tool, project: Project, proj: Path) -> Sample:
        """Run the no-op sync again in the project it already synced (nothing to set up)."""
        st = self._st(tool.name, project)
        cache = st.sync_cache or proj.parent / "cache"
        env = with_cache(self.env, cache)
        argv = [a.replace("{cache}", str(cache)) for a in (tool.command("sync-noop", proj) or [])]
        log_dir = proj.parent / f"again-{self._counter}"
        return run_measured(argv, proj, env, timeout=self.timeout, log_dir=log_dir)

    def _keep(self, tool: Tool, project: Project, scenario: str, proj: Path, cache: Path, st: State) -> None:
        pname = f"bench-{project.name}"
        if scenario in LOCK_SCENARIOS:
            path = proj / tool.lockfile()
            if path.is_file():
                st.lock_file = path.read_bytes()
                st.lock_pins = pins_of(path, pname)
            if scenario == "lock-cold":
                old, st.lock_cache = st.lock_cache, cache
                if old is not None:
                    rmtree(old)
        elif scenario in COMPILE_SCENARIOS:
            path = proj / "requirements.txt"
            if path.is_file():
                st.compile_out = path.read_bytes()
                st.compile_pins = pins_of(path, pname)
            if scenario == "compile-cold":
                old, st.compile_cache = st.compile_cache, cache
                if old is not None:
                    rmtree(old)
        elif scenario in SYNC_SCENARIOS:
            st.installed = installed_of(proj / ".venv")
            if scenario == "sync-cold":
                old, st.sync_cache = st.sync_cache, cache
                if old is not None:
                    rmtree(old)

    # -- one scenario -------------------------------------------------------------------------------
    def _record(self, cell: Cell, sample: Sample) -> None:
        cell.samples.append(sample)
        if cell.tool == "prong":
            log = parse_prong_log(sample.stderr)
            cell.http.append(log.text() if log else "n/a")
        if not sample.ok and cell.status == "ok":
            cell.status = "failed"
            reason = "timeout" if sample.timed_out else f"exit {sample.returncode}"
            tail = (sample.stderr.strip().splitlines() or [""])[-1][:160]
            cell.note = f"{reason}: {tail}"

    def run_scenario(self, project: Project, scenario: str) -> list[Cell]:
        cells: dict[str, Cell] = {}
        runnable: list[Tool] = []
        for name, tool in self.tools.items():
            cell = Cell(project.name, scenario, name)
            cells[name] = cell
            why = applicable(name, project, scenario)
            if why:
                cell.status = why.split(":")[0]
                cell.note = why
            else:
                runnable.append(tool)
        baseline: Tool | None = None
        if "prong" in self.tools and any(t.name == "prong" for t in runnable):
            sample = self.run_once(self.tools["prong"], project, scenario)
            if sample.ok:
                self._record(cells["prong"], sample)
                baseline = self.tools["prong"]
            elif not_yet(sample.stderr):
                cells["prong"].status = "not yet"
            else:
                self._record(cells["prong"], sample)
            runnable = [t for t in runnable if t.name != "prong"]
        if baseline is None:
            baseline = next((t for t in runnable if t.name == "uv"), None)
            runnable = [t for t in runnable if t is not baseline]
        others = runnable
        if baseline is not None and not others:
            reps = self.n if baseline.name != "prong" else self.n - 1
            for _ in range(max(reps, 0)):
                self._record(cells[baseline.name], self.run_once(baseline, project, scenario))
        for other in others:
            if baseline is None:
                for _ in range(self.n):
                    self._record(cells[other.name], self.run_once(other, project, scenario))
                continue
            bcell, ocell = cells[baseline.name], cells[other.name]
            ocell.ratio_of = f"prong/{other.name}" if baseline.name == "prong" else f"{other.name}/uv"
            reps = self.n
            if self.deadline is not None and time.monotonic() > self.deadline:
                reps = 1
                ocell.note = "n=1: past the time budget"
            i = 0
            while i < reps:
                t0 = time.perf_counter()
                a = self.run_once(baseline, project, scenario)
                b = self.run_once(other, project, scenario)
                elapsed = time.perf_counter() - t0
                self._record(bcell, a)
                self._record(ocell, b)
                if a.ok and b.ok:
                    ratio = a.wall / b.wall if baseline.name == "prong" else b.wall / a.wall
                    ocell.ratios.append(ratio)
                if i == 0:
                    # Untimed set-up counts too (venvs, the first sync of a no-op), except where
                    # later repetitions reuse it.
                    setup_share = elapsed / 3 if scenario != "sync-noop" else 0.0
                    slowest = max(a.wall, b.wall, setup_share)
                    if slowest > VERY_SLOW_S:
                        reps = 1
                    elif slowest > SLOW_S:
                        reps = min(reps, 3)
                    elif scenario in LOCK_SCENARIOS and reps > 1:
                        pair = max(a.wall + b.wall, 0.01)
                        reps = max(reps, min(reps * MAX_FACTOR, math.ceil(LOCK_TARGET_S / pair)))
                if not b.ok:
                    break
                i += 1
            self.log(
                f"  {project.name} {scenario} {other.name}: n={len(ocell.samples)} "
                f"median {ocell.median('wall') or float('nan'):.2f}s vs {baseline.name} "
                f"{bcell.median('wall') or float('nan'):.2f}s"
            )
        self._agreement(project, scenario, cells)
        out = list(cells.values())
        self.cells.extend(out)
        if self.on_scenario is not None:
            self.on_scenario(self.cells)
        return out

    def _agreement(self, project: Project, scenario: str, cells: dict[str, Cell]) -> None:
        def pins(tool: str) -> frozenset[str] | None:
            st = self.state.get((tool, project.name))
            if st is None:
                return None
            if scenario in LOCK_SCENARIOS:
                return st.lock_pins
            if scenario in COMPILE_SCENARIOS:
                return st.compile_pins
            if scenario in SYNC_SCENARIOS:
                return st.installed
            return None

        ref = pins("uv")
        for name, cell in cells.items():
            mine = pins(name) if cell.samples else None
            if mine is None:
                continue
            cell.pins = len(mine)
            if ref is not None and name != "uv":
                cell.agreement = Agreement.of(mine, ref).text()

    def run(self) -> list[Cell]:
        # Scenario groups in turn (every project's locks, then compiles, then syncs): the lock cells,
        # which a rerun must reproduce, all run before the time budget can cut their repetitions.
        groups = (
            (LOCK_SCENARIOS, ("lock_cache",)),
            (COMPILE_SCENARIOS, ("compile_cache",)),
            (SYNC_SCENARIOS, ("sync_cache", "noop_dir")),
        )
        for group, leftovers in groups:
            for project in self.projects:
                for scenario in (s for s in group if s in self.scenarios):
                    t0 = time.perf_counter()
                    self.log(f"[{project.name}] {scenario}")
                    self.run_scenario(project, scenario)
                    self.log(f"[{project.name}] {scenario} done in {time.perf_counter() - t0:.0f}s")
                for tool in self.tools:
                    st = self.state.get((tool, project.name))
                    for attr in leftovers if st is not None else ():
                        path = getattr(st, attr)
                        if path is not None:
                            shutil.rmtree(path, ignore_errors=True)
                            setattr(st, attr, None)
        if "version" in self.scenarios:
            self.log("[cli] version")
            self.run_scenario(Project("cli", "", (), False, False), "version")
        return self.cells
