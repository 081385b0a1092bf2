"""`prong index versions --exclude-newer` (and UV_EXCLUDE_NEWER) leaves out later uploads."""

from __future__ import annotations

from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist


def test_exclude_newer(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    server = IndexServer().start()
    try:
        server.add(Dist("pkg", "1.0"), upload_time="2025-01-01T00:00:00Z")
        server.add(Dist("pkg", "2.0"), upload_time="2025-06-01T00:00:00Z")
        args = ["--no-config", "--cache-dir", str(tmp_path / "c"), "index", "versions", "pkg", "-i", server.simple_url]
        assert main(args) == 0
        assert capsys.readouterr().out.splitlines()[0] == "pkg (2.0)"
        assert main([*args, "--exclude-newer", "2025-03-01"]) == 0
        out = capsys.readouterr().out.splitlines()
        assert out[0] == "pkg (1.0)" and "2.0" not in out[1]
        monkeypatch.setenv("UV_EXCLUDE_NEWER", "2025-03-01T00:00:00Z")
        assert main(args) == 0
        assert capsys.readouterr().out.splitlines()[0] == "pkg (1.0)"
    finally:
        server.stop()
