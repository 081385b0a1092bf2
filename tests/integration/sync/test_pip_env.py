"""`prong pip install|uninstall|sync|list|freeze|show|check` in a venv made by hand, against a
local index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist


@pytest.fixture
def server() -> Iterator[IndexServer]:
    with IndexServer([Dist("lib", "1.0", requires_dist=["dep>=1,<3"]), Dist("lib", "2.0", requires_dist=["dep>=1,<3"]),
                          Dist("dep", "1.5"), Dist("dep", "3.0"), Dist("other", "1.0")]) as s:
        yield s


def prong(cwd: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--directory", str(cwd), "--cache-dir", str(cwd / "cache"), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_install_list_show_check_uninstall_sync(tmp_path: Path, server: IndexServer,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    code, _out, err = prong(tmp_path, capsys, "pip", "list")
    assert code == 2 and "error: No virtual environment found" in err and "prong venv" in err
    assert prong(tmp_path, capsys, "venv", ".venv")[0] == 0
    code, _out, err = prong(tmp_path, capsys, "pip", "install", "lib", "--index-url", server.simple_url)
    assert code == 0, err
    assert " + dep==1.5" in err and " + lib==2.0" in err and "Installed 2 packages" in err
    code, out, _err = prong(tmp_path, capsys, "pip", "freeze")
    assert out == "dep==1.5\nlib==2.0\n"
    code, out, _err = prong(tmp_path, capsys, "pip", "list")
    assert out.splitlines()[2:] == ["dep     1.5", "lib     2.0"]
    code, out, _err = prong(tmp_path, capsys, "pip", "show", "dep")
    assert "Name: dep\nVersion: 1.5\n" in out and "Required-by: lib" in out
    code, out, _err = prong(tmp_path, capsys, "pip", "check")
    assert code == 0 and "All installed packages are compatible" in out
    code, _out, err = prong(tmp_path, capsys, "pip", "uninstall", "dep")
    assert code == 0 and " - dep==1.5" in err
    code, out, _err = prong(tmp_path, capsys, "pip", "check")
    assert code == 1 and "The package `lib` requires `dep>=1,<3`, but it's not installed" in out
    (tmp_path / "pins.txt").write_text("other==1.0\ndep==1.5\n")
    code, _out, err = prong(tmp_path, capsys, "pip", "sync", "pins.txt", "--index-url", server.simple_url)
    assert code == 0, err
    assert " - lib==2.0" in err and " + other==1.0" in err and " + dep==1.5" in err
    code, out, _err = prong(tmp_path, capsys, "pip", "freeze")
    assert out == "dep==1.5\nother==1.0\n"
