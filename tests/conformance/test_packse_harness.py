"""The packse harness (../shared/packse) scoring `prong pip compile` on a slice of every category.

The in-memory copy of the scenarios runs in tests/scenarios; this test runs the real thing:
built wheels and sdists served over HTTP on 127.0.0.1, prong as a subprocess.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# packse 0.3.59 still encodes uv's pre-0.12 pre-release policy; uv 0.13.9 fails these too.
KNOWN = {
    "package-only-prereleases-in-range",
    "package-prerelease-specified-mixed-available",
    "package-prereleases-specifier-boundary",
    "transitive-package-only-prereleases-in-range",
    "transitive-prerelease-and-stable-dependency",
    "transitive-prerelease-and-stable-dependency-many-versions",
    "transitive-prerelease-and-stable-dependency-many-versions-holes",
}


@pytest.mark.slow
def test_fast_slice_of_packse(tmp_path: Path) -> None:
    work = Path(os.environ.get("PACKSE_HARNESS_WORK", str(Path.home() / ".cache" / "prong-tests" / "packse")))
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "conformance.packse", "--subset", "fast", "--work", str(work), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=1800,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with open(out / "prong.tsv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    ran = [r for r in rows if r["result"] != "skip"]
    failed = {r["scenario"]: r["detail"] for r in ran if r["result"] == "fail"}
    assert len(ran) >= 50, f"only {len(ran)} scenarios ran"
    assert set(failed) <= KNOWN, {k: v for k, v in failed.items() if k not in KNOWN}
