"""`prong why`: the chains from the project to a package, and what rules out each newer version."""

from __future__ import annotations

from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist


def test_why_names_the_chain_and_the_requirement_that_holds_a_package_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = IndexServer([Dist("lib", "1.0", requires_dist=["dep<2"]), Dist("dep", "1.0"), Dist("dep", "2.0"),
                          Dist("tool", "3.0", requires_dist=["dep"])]).start()
    try:
        root = tmp_path / "app"
        root.mkdir()
        (root / "pyproject.toml").write_text(
            '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["lib"]\n'
            '[dependency-groups]\ndev = ["tool"]\n'
            f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n')
        args = ["--directory", str(root), "--cache-dir", str(tmp_path / "cache")]
        assert main([*args, "lock"]) == 0
        capsys.readouterr()
        assert main([*args, "why", "dep"]) == 0
        out = capsys.readouterr().out.splitlines()
        assert out[0] == f"dep 1.0 (registry+{server.simple_url})"
        assert "  app -> lib 1.0 -> dep 1.0" in out
        assert "  app (group: dev) -> tool 3.0 -> dep 1.0" in out
        assert "  lib 1.0 requires dep<2" in out
        assert "  2.0: lib 1.0 requires dep<2" in out
        code = main([*args, "why", "nothere"])
        assert code == 2 and "`nothere` is not in the lock" in capsys.readouterr().err
    finally:
        server.stop()
