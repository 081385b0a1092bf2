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
