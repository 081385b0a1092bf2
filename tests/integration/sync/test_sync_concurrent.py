"""Two `prong sync` started together in one project both succeed, one after the other."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.index_server import IndexServer
from tests.support.wheels import Dist

SRC = str(Path(__file__).resolve().parents[3] / "src")


def test_two_syncs_at_once_take_turns(tmp_path: Path) -> None:
    server = IndexServer([Dist(f"pkg{i}", "1.0") for i in range(12)]).start()
    try:
        root = tmp_path / "app"
        root.mkdir()
        deps = ", ".join(f'"pkg{i}"' for i in range(12))
        (root / "pyproject.toml").write_text(
            f'[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = [{deps}]\n'
            f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n')
        env = {**os.environ, "PYTHONPATH": SRC}
        cmd = [sys.executable, "-m", "prong", "--cache-dir", str(tmp_path / "cache"), "sync"]
        procs = [subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], results
        errs = [r[1] for r in results]
        # one installed the packages, the other found them there (it waited for the first)
        assert sum("Installed 12 packages" in e for e in errs) == 1, errs
        assert sum("Checked 12 packages" in e for e in errs) == 1, errs
        site = next((root / ".venv").glob("lib/python3.*/site-packages"))
        assert len(list(site.glob("pkg*.dist-info"))) == 12
    finally:
        server.stop()
