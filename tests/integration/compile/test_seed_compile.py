"""The seed report, through `prong pip compile`: the devpi web URL as the index (issue 13930)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.seed import Seed

pytestmark = pytest.mark.devpi

JETSON = ["--python-version", "3.10", "--python-platform", "aarch64-unknown-linux-gnu"]


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    req = tmp_path / "torch.in"
    req.write_text("torch\n")
    code = main(["--cache-dir", str(tmp_path / "cache"), "pip", "compile", str(req), "--no-header", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_strict_web_url_fails_naming_the_index_and_the_fix(
    seed: Seed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(tmp_path, capsys, "--index-url", seed.jp6_web_url, *JETSON, "--strict-index-urls")
    assert code == 1
    assert out == ""
    assert "No solution found when resolving dependencies" in err
    assert f"index {seed.jp6_web_url} did not return a package index page for `torch`" in err
    assert "none to a distribution file of `torch`" in err or "no links to distribution files" in err
    assert f"{seed.jp6_web_url}/+simple/torch/ lists 4 files" in err
    assert f"--index-url {seed.jp6_simple_url}" in err
    assert "no versions of torch" not in err


def test_web_url_works_with_one_warning(seed: Seed, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(tmp_path, capsys, "--index-url", seed.jp6_web_url, *JETSON)
    assert code == 0, err
    assert out.startswith("torch==2.7.0\n")
    assert err.count("warning:") == 1
    assert seed.jp6_simple_url in err


def test_simple_url_needs_no_warning(seed: Seed, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(tmp_path, capsys, "--index-url", seed.jp6_simple_url + "/", *JETSON)
    assert code == 0, err
    assert out.startswith("torch==2.7.0\n")
    assert "warning:" not in err


def test_cpu_index_gives_the_local_version(seed: Seed, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(tmp_path, capsys, "--index-url", seed.cpu_url, "--python-version", "3.12",
                          "--python-platform", "aarch64-apple-darwin")
    assert code == 0, err
    assert out.startswith("torch==2.7.0+cpu\n")


def test_jetson_wheels_do_not_fit_x86_64(seed: Seed, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(tmp_path, capsys, "--index-url", seed.jp6_simple_url, "--python-version", "3.10",
                          "--python-platform", "x86_64-unknown-linux-gnu")
    assert code == 1
    assert "linux_aarch64" in err  # the hint names the platform the wheels are for
