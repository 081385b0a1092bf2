"""`prong pip compile` against `uv pip compile` and pip-tools' `pip-compile`, side by side.

Each tool compiles the same ``tests/realworld/sets/<name>.in`` for one environment (this
interpreter's Python version, e.g. 3.11.7, and this platform), pinned in time with one
timestamp. Runs alternate (prong, uv, pip-compile, prong, uv, ...), ``--rounds`` times per set
and scenario:

* cold: every run gets a fresh, empty cache directory;
* warm: each tool keeps one cache directory per set, filled by an untimed run first.

The report gives each tool's median wall time, the median of the paired ratios prong/uv and
pip-compile/prong, and whether the three pin sets agree. ``--write-docs`` puts the table into
``docs/benchmarks.md`` between ``<!-- compile:start -->`` and ``<!-- compile:end -->``.

How each tool runs, so that the comparison is fair:

* prong runs as installed, from compiled bytecode: this machine sets PYTHONDONTWRITEBYTECODE,
  which would make every prong run compile its own sources, so the benchmark unsets it and
  points PYTHONPYCACHEPREFIX into the work directory (untimed warm-up run first);
* uv: ``uv pip compile --python-version 3.11 --exclude-newer T`` with ``UV_NO_CONFIG=1``;
* pip-tools is installed into its own venv under the work directory (pip-tools 7.6.2, pip 26.3),
  run with ``PIP_CONFIG_FILE=/dev/null`` and no ``PIP_*`` variables, the default index only,
  and pinned in time with pip's ``--uploaded-prior-to T`` through ``--pip-args``. It resolves
  for the interpreter of its venv (this Python, 3.11). Sets that pull torch are left out for
  pip-compile by default: without PEP 658 metadata it downloads whole wheels (GBs).

    python benchmarks/compile_vs_peers.py [--sets a,b] [--rounds 3] [--work DIR] [--no-pip-tools]
                                          [--json out.json] [--write-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
SETS = ROOT / "tests" / "realworld" / "sets"
DOCS = ROOT / "docs" / "benchmarks.md"
EXCLUDE_NEWER = "2026-11-01T00:00:00Z"
# pip-compile resolves for its venv's interpreter (this one): give prong and uv the same full
# version, since Requires-Python bounds with a patch (soupsieve: >=3.11.5) tell 3.11 from 3.11.7
PYTHON_VERSION = platform.python_version()
PIP_TOOLS = ("pip-tools==7.6.2", "pip==26.3")
LARGE_SETS = ("apache-airflow", "jupyterlab", "langchain", "fastapi-standard", "transformers-torch")
NO_PIP_TOOLS = frozenset({"transformers-torch"})  # torch wheels: GBs of downloads for pip
TOOLS = ("prong", "uv", "pip-compile")
START, END = "<!-- compile:start -->", "<!-- compile:end -->"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def uv_bin() -> str:
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.exists() else (shutil.which("uv") or "uv")


def clean_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "PRONG_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["UV_NO_CONFIG"] = "1"
    env["PIP_CONFIG_FILE"] = os.devnull
    env["NO_COLOR"] = "1"
    return env


def pins_of(text: str) -> frozenset[str]:
    out = set()
    for line in text.splitlines():
        m = PIN.match(line.strip())
        if m:
            out.add(f"{re.sub(r'[-_.]+', '-', m.group(1)).lower()}=={m.group(2)}")
    return frozenset(out)


def install_pip_tools(work: Path, env: dict[str, str]) -> Path:
    venv = work / "pip-tools-venv"
    exe = venv / ("Scripts" if os.name == "nt" else "bin") / "pip-compile"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        py = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
        subprocess.run([str(py), "-m", "pip", "install", "-q", *PIP_TOOLS], check=True, env=env)
    return exe


def command(tool: str, in_file: Path, cache: Path, out: Path, pip_compile: Path | None) -> list[str]:
    if tool == "prong":
        return [sys.executable, "-m", "prong", "pip", "compile", str(in_file), "--exclude-newer", EXCLUDE_NEWER,
                "--python-version", PYTHON_VERSION, "--cache-dir", str(cache), "--no-header", "-q", "-o", str(out)]
    if tool == "uv":
        return [uv_bin(), "pip", "compile", str(in_file), "--exclude-newer", EXCLUDE_NEWER,
                "--python-version", PYTHON_VERSION, "--cache-dir", str(cache), "--no-header", "-q", "-o", str(out)]
    assert pip_compile is not None
    return [str(pip_compile), str(in_file), "-q", "--no-header", "--strip-extras", "--cache-dir", str(cache),
            "--pip-args", f"--uploaded-prior-to {EXCLUDE_NEWER}", "-o", str(out)]


def run_once(tool: str, in_file: Path, cache: Path, work: Path, env: dict[str, str],
             pip_compile: Path | None) -> tuple[float, frozenset[str]]:
    out = work / f"out-{tool}-{in_file.stem}.txt"
    out.unlink(missing_ok=True)
    cmd = command(tool, in_file, cache, out, pip_compile)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work, timeout=1800)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{tool} failed on {in_file.name} (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return wall, pins_of(out.read_text(encoding="utf-8"))


def measure(sets: list[str], rounds: int, work: Path, with_pip_tools: bool) -> dict[str, object]:
    env = clean_env(work)
    pip_compile = install_pip_tools(work, env) if with_pip_tools else None
    # compile prong's bytecode once (untimed), as an installed copy would have it
    subprocess.run([sys.executable, "-m", "prong", "--version"], env=env, check=True, capture_output=True)
    rows: list[dict[str, object]] = []
    for name in sets:
        in_file = SETS / f"{name}.in"
        tools = [t for t in TOOLS if t != "pip-compile" or (with_pip_tools and name not in NO_PIP_TOOLS)]
        for scenario in ("cold", "warm"):
            times: dict[str, list[float]] = {t: [] for t in tools}
            pins: dict[str, frozenset[str]] = {}
            warm_dirs = {t: work / "warm" / name / t for t in tools}
            if scenario == "warm":
                for t in tools:
                    shutil.rmtree(warm_dirs[t], ignore_errors=True)
                    run_once(t, in_file, warm_dirs[t], work, env, pip_compile)  # fill the cache, untimed
            for _ in range(rounds):
                for t in tools:
                    if scenario == "cold":
                        cache = Path(tempfile.mkdtemp(prefix=f"cold-{t}-", dir=work))
                    else:
                        cache = warm_dirs[t]
                    wall, got = run_once(t, in_file, cache, work, env, pip_compile)
                    if scenario == "cold":
                        shutil.rmtree(cache, ignore_errors=True)
                    times[t].append(wall)
                    pins[t] = got
                    print(f"  {name:20} {scenario} {t:11} {wall:7.2f} s  {len(got)} pins", file=sys.stderr, flush=True)
            row: dict[str, object] = {"set": name, "scenario": scenario, "times": times,
                                      "median": {t: statistics.median(v) for t, v in times.items()},
                                      "pins": {t: len(p) for t, p in pins.items()},
                                      "agree": len({pins[t] for t in tools}) == 1}
            row["prong_vs_uv"] = statistics.median(p / u for p, u in zip(times["prong"], times["uv"]))
            if "pip-compile" in times:
                row["pip_compile_vs_prong"] = statistics.median(
                    c / p for c, p in zip(times["pip-compile"], times["prong"]))
            rows.append(row)
    return {"rows": rows, "rounds": rounds, "exclude_newer": EXCLUDE_NEWER, "python": PYTHON_VERSION,
            "uv": subprocess.run([uv_bin(), "--version"], capture_output=True, text=True).stdout.strip(),
            "pip_tools": " + ".join(PIP_TOOLS) if with_pip_tools else None,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def table(report: dict[str, object]) -> str:
    lines = [
        f"`prong pip compile` vs `uv pip compile` ({report['uv']}) vs `pip-compile` ({report['pip_tools']}), "
        f"{report['date']}, {report['machine']} shared with other work (1-min load {report['load']:.1f}); "
        f"Python {report['python']}, `--exclude-newer {report['exclude_newer']}` (pip: `--uploaded-prior-to`); "
        f"median of {report['rounds']} alternating runs; cold = empty cache each run, warm = cache kept. "
        "Run: `python benchmarks/compile_vs_peers.py --write-docs`.",
        "",
        "| set · scenario | pins | prong s | uv s | pip-compile s | prong ÷ uv | pip-compile ÷ prong | same pins |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for row in report["rows"]:  # type: ignore[union-attr]
        med = row["median"]
        pc = f"{med['pip-compile']:.2f}" if "pip-compile" in med else "–"
        pcr = f"{row['pip_compile_vs_prong']:.1f} ×" if "pip_compile_vs_prong" in row else "–"
        lines.append(
            f"| {row['set']} · {row['scenario']} | {row['pins']['uv']} | {med['prong']:.2f} | {med['uv']:.2f} | {pc} "
            f"| {row['prong_vs_uv']:.2f} × | {pcr} | {'yes' if row['agree'] else 'NO'} |"
        )
    return "\n".join(lines)


def write_docs(text: str) -> None:
    doc = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    block = f"{START}\n{text}\n{END}"
    if START in doc and END in doc:
        head, rest = doc.split(START, 1)
        _, tail = rest.split(END, 1)
        doc = head + block + tail
    else:
        doc = doc.rstrip("\n") + "\n\n## `pip compile`: prong, uv, pip-tools\n\n" + block + "\n"
    DOCS.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default=",".join(LARGE_SETS), help="comma-separated set names (tests/realworld/sets)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None, help="work directory (default: a temporary one)")
    ap.add_argument("--no-pip-tools", action="store_true")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--write-docs", action="store_true")
    ns = ap.parse_args(argv)
    sets = [s for s in ns.sets.split(",") if s]
    for s in sets:
        if not (SETS / f"{s}.in").exists():
            ap.error(f"no set {s!r} in {SETS}")
    work = ns.work or Path(tempfile.mkdtemp(prefix="prong-compile-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report = measure(sets, ns.rounds, work.resolve(), not ns.no_pip_tools)
    text = table(report)
    print(text)
    if ns.json:
        ns.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    if ns.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
