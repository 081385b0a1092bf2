"""The benchmark harness's smoke mode, run as a user would (needs the default index, as CI has)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = ("lock-cold", "lock-warm", "lock-noop", "compile-cold", "compile-warm", "sync-cold", "sync-warm",
             "sync-noop")


@pytest.mark.pypi
@pytest.mark.slow
def test_smoke_run_reports_uv_and_prong(tmp_path: Path) -> None:
    docs = REPO / "docs" / "benchmarks.md"
    before = docs.read_bytes() if docs.exists() else None
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "run", "--smoke", "--work", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert elapsed < 180, f"smoke mode took {elapsed:.0f} s"

    report = json.loads((tmp_path / "report.json").read_text())
    assert report["tools_order"] == ["prong", "uv"]
    assert report["versions"]["uv"][0].isdigit()
    cells = {(c["project"], c["scenario"], c["tool"]): c for c in report["cells"]}
    for scenario in SCENARIOS:
        uv = cells[("small", scenario, "uv")]
        assert uv["status"] == "ok", uv
        assert isinstance(uv["wall_s"], float) and 0 < uv["wall_s"] < 60, uv
        assert uv["cpu_s"] is not None and uv["peak_rss_mib"] > 1, uv
        prong = cells[("small", scenario, "prong")]
        assert prong["status"] in ("ok", "not yet", "failed"), prong
        if prong["status"] == "ok":
            assert uv["ratio_of"] == "prong/uv" and uv["ratio_median"] > 0
    assert cells[("small", "lock-cold", "uv")]["pins"] >= 5  # requests and its four dependencies
    assert cells[("small", "sync-cold", "uv")]["pins"] >= 5
    assert cells[("cli", "version", "uv")]["wall_s"] > 0

    markdown = proc.stdout
    assert "| project · scenario | prong | uv |" in markdown
    for label in ("small · lock, cold", "small · lock, no-op", "small · pip compile, warm", "small · sync, no-op",
                  "cli · `--version`"):
        row = next(line for line in markdown.splitlines() if line.startswith(f"| {label} |"))
        uv_cell = row.strip("|").split("|")[2].strip()
        float(uv_cell.split()[0])  # a number of seconds
    assert "PEP 658 metadata advertised:" in markdown
    # Smoke mode never touches the repository's docs.
    assert (docs.read_bytes() if docs.exists() else None) == before


# -- the harness's pieces, offline ----------------------------------------------------------------------


def test_splice_replaces_only_the_peers_section(tmp_path: Path) -> None:
    from benchmarks.harness.report import END, START, splice, splice_append

    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Title\n\n<!-- micro:start -->\nmicro\n<!-- micro:end -->\n\n{START}\nold\n{END}\ntail\n")
    splice(doc, "new table")
    text = doc.read_text()
    assert "old" not in text and f"{START}\nnew table\n{END}" in text
    assert text.startswith("# Title\n\n<!-- micro:start -->\nmicro\n") and text.endswith("tail\n")
    splice_append(doc, "rerun")
    assert f"{START}\nnew table\n\nrerun\n{END}" in doc.read_text()
    fresh = tmp_path / "absent.md"
    splice(fresh, "body")
    assert fresh.read_text() == f"{START}\nbody\n{END}\n"


def test_rerun_comparison_counts_moves_and_names_the_machine_speed() -> None:
    from benchmarks.harness.report import compare_markdown

    def run(date: str, ratios: dict[str, float], probes: list[float] | None) -> dict:
        cells = [{"project": "small", "scenario": "lock-cold", "tool": tool, "ratio_of": f"{tool}/uv",
                  "ratio_median": r} for tool, r in ratios.items()]
        cells.append({"project": "small", "scenario": "version", "tool": "pdm", "ratio_of": "pdm/prong",
                      "ratio_median": 9.0})
        return {"date": date, "command": "c", "cells": cells, **({"cpu_probe_ms": probes} if probes else {})}

    first = run("d1", {"pdm": 6.0, "poetry": 4.0}, [100.0, 110.0, 90.0])
    second = run("d2", {"pdm": 6.6, "poetry": 5.0}, [120.0, 120.0, 130.0])
    text = compare_markdown(first, second, ["lock-cold"])
    assert "| pdm/uv | 6.00 | 6.60 | +10% |" in text
    assert "| poetry/uv | 4.00 | 5.00 | +25% ⚠ |" in text
    assert "1 of 2 ratios within ±15 %" in text
    assert "pdm/prong" not in text  # a scenario not asked for
    assert "CPU probe median: 100 ms in the first run, 120 ms in the second (+20%)" in text
    assert "CPU probe" not in compare_markdown(run("d1", {"pdm": 6.0}, None), second, ["lock-cold"])


def test_pins_and_agreement(tmp_path: Path) -> None:
    from benchmarks.harness.lockfiles import Agreement, installed_of, pins_of

    uv_lock = tmp_path / "uv.lock"
    uv_lock.write_text(
        'version = 1\n[[package]]\nname = "bench-small"\nversion = "0.0.0"\nsource = { virtual = "." }\n'
        '[[package]]\nname = "Charset_Normalizer"\nversion = "3.5.2"\n'
        '[[package]]\nname = "requests"\nversion = "2.32.5"\n[[package]]\nname = "requests"\nversion = "2.34.2"\n'
    )
    uv = pins_of(uv_lock, "bench-small")
    assert uv == {"charset-normalizer==3.5.2", "requests==2.32.5", "requests==2.34.2"}
    req = tmp_path / "requirements.txt"
    req.write_text("charset-normalizer==3.5.2 \\\n    --hash=sha256:00\nrequests[socks]==2.31.0\n    # via x\nidna==3.20\n")
    pins = pins_of(req)
    assert pins == {"charset-normalizer==3.5.2", "requests==2.31.0", "idna==3.20"}
    agreement = Agreement.of(pins, uv)
    assert (agreement.same, agreement.differ, agreement.only_here, agreement.only_ref) == (1, ("requests",), 1, 0)
    assert "requests" in agreement.text()
    assert Agreement.of(uv, uv).text() == "identical"
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    for d in ("idna-3.20.dist-info", "pip-25.0.dist-info", "typing_extensions-4.15.0.dist-info"):
        (site / d).mkdir(parents=True)
    assert installed_of(tmp_path / "venv") == {"idna==3.20", "typing-extensions==4.15.0"}


def test_measure_sees_the_whole_process_tree(tmp_path: Path) -> None:
    import os

    from benchmarks.harness.measure import run_measured

    # Two children, each holding ~60 MiB at the same time and burning a little CPU.
    child = "import time; x = bytearray(60 * 2**20); t = time.process_time(); exec('while time.process_time() - t < 0.2: pass'); time.sleep(0.4)"
    script = f"import subprocess, sys; ps = [subprocess.Popen([sys.executable, '-c', {child!r}]) for _ in range(2)]; [p.wait() for p in ps]"
    sample = run_measured([sys.executable, "-c", script], tmp_path, dict(os.environ))
    assert sample.ok
    assert sample.rss_mib > 110  # the sum of both children, not the largest one
    assert sample.cpu >= 0.35  # both children's CPU reaches the parent's wait4
    assert sample.wall >= 0.4
    slow = run_measured([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path, dict(os.environ), timeout=0.5)
    assert slow.timed_out and not slow.ok and slow.wall < 10


def test_poetry_cutoff_is_never_after_the_pin() -> None:
    import datetime as dt

    from benchmarks.harness.tools import EXCLUDE_NEWER, poetry_min_release_age_days

    pin = dt.datetime.fromisoformat(EXCLUDE_NEWER.replace("Z", "+00:00"))
    for hours in (0.5, 23.9, 24.0, 24.1, 24 * 23 + 8):
        now = pin + dt.timedelta(hours=hours)
        days = poetry_min_release_age_days(now)
        assert now - dt.timedelta(days=days) <= pin < now - dt.timedelta(days=days - 1)


def test_prong_log_parsing() -> None:
    from benchmarks.harness.network import parse_prong_log

    err = "resolving\nGET http://h/simple/a/ 200 miss 10 B 5 ms\nGET http://h/simple/a/ 200 hit 10 B 1 ms\n" \
          "GET http://h/simple/b/ 304 revalidated 0 B 3 ms\n"
    log = parse_prong_log(err)
    assert log is not None and (log.requests, log.hits, log.revalidated) == (3, 1, 1)
    assert parse_prong_log("error: `prong lock` is not implemented yet") is None
