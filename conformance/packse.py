"""Score ``prong pip compile`` on the packse scenarios, with uv beside it in the same run.

    python -m conformance.packse [--subset fast|nonuniversal] [--with-uv] [-k REGEX] [--work DIR]

It drives the shared harness (``../shared/packse/run.py``), which serves the scenario index on
127.0.0.1. ``setup`` runs first when the harness's work directory has no index yet (about 75 s,
needs a Python >= 3.12 and PyPI). Results go to ``docs/conformance/*.tsv`` and the summary
lines are printed; ``docs/conformance.md`` explains each failure.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HARNESS = REPO.parent / "shared" / "packse" / "run.py"
DEFAULT_WORK = Path(os.environ.get("PACKSE_HARNESS_WORK", "/tmp/packse-harness"))

# A quick, representative slice for CI: one or more scenarios of every non-universal category.
FAST = (
    "^(does-not-exist|incompatible|excluded|extra-|all-extras|local-|post-|"
    "package-only-prereleases|requires-python|python-|yanked|no-wheels|no-sdist|"
    "specific-tag|only-wheels|no-binary|no-build|backtracking|direct-|transitive-yanked)"
)


def prong_command() -> str:
    exe = shutil.which("prong", path=str(Path(sys.executable).parent)) or f"{sys.executable} -m prong"
    return exe


def templates(prong: str) -> list[str]:
    cmd = (
        f"{prong} pip compile {{requirements_file}} -o {{out_file}} --index-url {{index_url}} "
        "--python-version {python_version} --no-cache --no-header --no-annotate --quiet {options}"
    )
    universal = (
        "cd {workdir} && PATH={python_path} " + prong + " --no-cache -q lock --index-url {index_url} "
        "&& cp uv.lock {out_file}"
    )
    return [
        "--cmd", cmd,
        "--universal-cmd", universal,
        "--opt", "universal=",
        "--opt", "required_environments=",
        "--opt", "prereleases=--prerelease=allow",
        "--opt", "no_build=--only-binary {package}",
        "--opt", "no_binary=--no-binary {package}",
        "--opt", "python_override=",
        "--opt", "python_platform=--python-platform {python_platform}",
        "--unsat-pattern", "No solution found when resolving|requirements are unsatisfiable",
    ]


def ensure_setup(work: Path) -> None:
    if (work / "index" / "simple").is_dir():
        return
    subprocess.run([sys.executable, str(HARNESS), "setup", "--work", str(work)], check=True)


def run(label: str, args: list[str], work: Path, tsv: Path, pattern: str | None, jobs: int) -> str:
    cmd = [sys.executable, str(HARNESS), "run", "--work", str(work), "--label", label, "--tsv", str(tsv),
           "-j", str(jobs), "-q", *args]
    if pattern:
        cmd += ["-k", pattern]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("packse:")]
    return lines[-1] if lines else f"packse: harness exited {proc.returncode}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.packse", description=__doc__.split("\n\n")[0])
    parser.add_argument("--subset", choices=("fast", "nonuniversal"), default="nonuniversal")
    parser.add_argument("-k", help="only scenarios matching this regex (overrides --subset fast)")
    parser.add_argument("--with-uv", action="store_true", help="also score uv 0.13.9 in the same run")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "conformance")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    ns = parser.parse_args(argv)
    if not HARNESS.is_file():
        print(f"error: the packse harness is missing: {HARNESS}", file=sys.stderr)
        return 2
    ensure_setup(ns.work)
    ns.out.mkdir(parents=True, exist_ok=True)
    pattern = ns.k or (FAST if ns.subset == "fast" else None)
    # universal scenarios: `prong lock` in the scenario's project, as uv's preset runs `uv lock`
    summaries = {"prong": run("prong", templates(shlex.quote(prong_command())), ns.work, ns.out / "prong.tsv", pattern, ns.jobs)}
    if ns.with_uv:
        uv_args = ["--preset", "uv"]
        summaries["uv"] = run("uv", uv_args, ns.work, ns.out / "uv.tsv", pattern, ns.jobs)
    for label, line in summaries.items():
        print(f"{label}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
