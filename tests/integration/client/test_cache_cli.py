"""`prong cache dir|clean|prune` and the -v request trace on stderr."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cache import Cache
from prong.cli.logs import setup_logging
from prong.cli.main import main
from prong.client.http import HttpClient
from tests.support.fault_server import FaultServer, Route


@pytest.fixture
def restore_logging() -> Iterator[None]:
    logger = logging.getLogger("prong")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


def filled(root: Path) -> Cache:
    cache = Cache(root)
    cache.write("http-v1", "numpy/a", b"x" * 3000)
    cache.write("metadata-v1", "numpy/b", b"y")
    cache.write("metadata-v1", "six/c", b"z")
    cache.write("simple-v0", "six/d", b"old")
    return cache


def test_cache_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                   restore_logging: None) -> None:
    assert main(["cache", "dir", "--cache-dir", str(tmp_path / "c")]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "c")
    monkeypatch.setenv("PRONG_CACHE_DIR", str(tmp_path / "env"))
    assert main(["cache", "dir"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "env")


def test_cache_clean_packages_then_all(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      restore_logging: None) -> None:
    cache = filled(tmp_path / "c")
    assert main(["--cache-dir", str(cache.root), "cache", "clean", "NumPy"]) == 0
    assert "Removed 2 files" in capsys.readouterr().err
    assert cache.read("metadata-v1", "six/c") == b"z" and cache.read("http-v1", "numpy/a") is None
    assert main(["--cache-dir", str(cache.root), "cache", "clean"]) == 0
    assert "Removed 2 files" in capsys.readouterr().err
    assert not cache.root.exists()


def test_cache_prune(tmp_path: Path, capsys: pytest.CaptureFixture[str], restore_logging: None) -> None:
    cache = filled(tmp_path / "c")
    assert main(["--cache-dir", str(cache.root), "cache", "prune"]) == 0
    assert "Pruned 1 file " in capsys.readouterr().err
    assert cache.size().entries == 3


def test_verbose_trace_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str], restore_logging: None) -> None:
    with FaultServer() as srv:
        srv.route("/simple/a/", Route(b"page", cache="etag"))
        for flags, expect in ((0, False), (1, True)):
            setup_logging(verbose=flags)
            with HttpClient(cache=Cache(tmp_path)) as http:
                http.get(srv.url("/simple/a/", user="u", password="topsecret"))
            err = capsys.readouterr().err
            assert ("INFO prong.http: GET " + srv.url("/simple/a/")) in err if expect else err == ""
            assert "topsecret" not in err
        assert " 304 revalidated 0 B " in err
