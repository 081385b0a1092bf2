"""`prong index versions` against the seed_jetson fixture: real devpi (6.12.1 and 6.20.3) and the
two static PyTorch-style indexes, started by the session fixtures and stopped by pid.

prong's User-Agent is not one devpi sniffs as an installer, so both devpi flavours send it the
devpi-web HTML page at the web URL: the acceptance of issue 4 holds on both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.seed import Seed

pytestmark = pytest.mark.devpi

JETSON = ["--python-version", "3.10", "--python-platform", "aarch64-unknown-linux-gnu"]


def run(capsys: pytest.CaptureFixture[str], cache: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--cache-dir", str(cache), "index", "versions", *args])
    out, err = capsys.readouterr()
    return code, out, err


def warnings_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning:")]


@pytest.mark.parametrize("slash", ["", "/"], ids=["web", "web-slash"])
def test_web_url_lists_versions_with_one_plus_simple_warning(
    seed: Seed, slash: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    web = seed.jp6_web_url + slash
    code, out, err = run(capsys, tmp_path, "torch", "--index-url", web, *JETSON)
    assert code == 0, err
    assert out == "torch (2.7.0)\nAvailable versions: 2.7.0, 2.6.0, 2.5.0, 2.4.0\n"
    (warning,) = warnings_of(err)
    assert f"index {web} serves the devpi web interface" in warning
    assert f"X-Devpi-Server-Version: {seed.server_version}" in warning
    assert f"--index-url {seed.jp6_simple_url} " in warning
    assert f'url = "{seed.jp6_simple_url}" in [[tool.uv.index]]' in warning


def test_named_web_index_warning_names_the_pyproject_entry(
    seed: Seed, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, tmp_path, "torchvision", "--index", f"jp6-cuda={seed.jp6_web_url}",
                         "--default-index", seed.cu128_url, *JETSON)
    assert code == 0, err
    assert out == "torchvision (0.22.0)\nAvailable versions: 0.22.0, 0.21.0, 0.20.0, 0.19.0\n"
    (warning,) = warnings_of(err)
    assert f'use url = "{seed.jp6_simple_url}" for [[tool.uv.index]] `jp6-cuda` to silence this warning.' in warning


def test_web_url_strict_fails_with_the_whole_story(
    seed: Seed, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, tmp_path, "torch", "--index-url", seed.jp6_web_url, "--strict-index-urls", *JETSON)
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == f"error: index {seed.jp6_web_url} did not return a package index page for `torch`:"
    assert lines[1].startswith(f"GET {seed.jp6_web_url}/torch/ returned 200 text/html")
    assert 'an HTML page titled "jp6/cu126/: torch versions" with ' in lines[1]
    assert lines[1].endswith("links, none to a distribution file of `torch`;")
    if seed.flavor == "6.12.1":  # 6.12.1 redirects /torch/ to /torch
        assert f"(after a redirect to {seed.jp6_web_url}/torch)" in lines[1]
    assert lines[2] == f"this looks like the devpi web interface (X-Devpi-Server-Version: {seed.server_version})."
    assert lines[3] == f"hint: devpi serves the Simple API under `+simple`; {seed.jp6_simple_url}/torch/ lists 4 files."
    assert lines[4] == f"hint: Use --index-url {seed.jp6_simple_url} (or url = \"{seed.jp6_simple_url}\" in [[tool.uv.index]])."
    assert warnings_of(err) == []


@pytest.mark.parametrize("slash", ["", "/"], ids=["simple", "simple-slash"])
def test_simple_url_has_no_warning(seed: Seed, slash: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, tmp_path, "torch", "--index-url", seed.jp6_simple_url + slash, "--strict-index-urls",
                         *JETSON)
    assert code == 0, err
    assert out == "torch (2.7.0)\nAvailable versions: 2.7.0, 2.6.0, 2.5.0, 2.4.0\n"
    assert err == ""


def test_jetson_wheels_do_not_fit_another_python(seed: Seed, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, tmp_path, "torch", "--index-url", seed.jp6_simple_url, "--python-version", "3.11",
                         "--python-platform", "aarch64-unknown-linux-gnu")
    assert code == 1
    assert "error: no version of `torch` has a file usable on cp311 on aarch64-unknown-linux-gnu" in err
    assert "4 files were found and all were skipped: 4 wheel tags" in err


def test_static_cpu_and_cu128_indexes(seed: Seed, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, tmp_path, "torch", "--index-url", seed.cu128_url, "--strict-index-urls", *JETSON)
    assert (code, out, err) == (0, "torch (2.7.0+cu128)\nAvailable versions: 2.7.0+cu128\n", "")
    code, out, err = run(capsys, tmp_path, "torchvision", "--index-url", seed.cpu_url, "--python-version", "3.12",
                         "--python-platform", "x86_64-unknown-linux-gnu")
    assert (code, out, err) == (0, "torchvision (0.22.0+cpu)\nAvailable versions: 0.22.0+cpu\n", "")
    # the cpu index has no linux aarch64 wheels: no version, and no false devpi hint
    code, out, err = run(capsys, tmp_path, "torch", "--index-url", seed.cpu_url, *JETSON)
    assert code == 1
    assert "no version of `torch` has a file usable on cp310 on aarch64-unknown-linux-gnu" in err
    assert "+simple" not in err and "devpi" not in err


def test_verbose_trace_shows_each_file_kept_or_skipped(
    seed: Seed, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, tmp_path, "torch", "--index-url", seed.cpu_url, "--python-version", "3.11",
                         "--python-platform", "x86_64-unknown-linux-gnu")
    assert code == 0
    code = main(["-vv", "--cache-dir", str(tmp_path), "index", "versions", "torch", "--index-url", seed.cpu_url,
                 "--python-version", "3.11", "--python-platform", "x86_64-unknown-linux-gnu"])
    out, err = capsys.readouterr()
    keep = [line for line in err.splitlines() if "prong.index: keep " in line]
    skip = [line for line in err.splitlines() if "prong.index: skip " in line]
    assert any("torch-2.7.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl" in line for line in keep)
    assert len(keep) + len(skip) == 9
    assert any("win_amd64" in line and "platform tag" in line for line in skip)
    assert any("cp312-cp312" in line and "Python tag (`cp312`)" in line for line in skip)
    assert any("cp310-cp310" in line and "another Python" in line for line in skip)


def test_the_two_traps_recorded_in_the_fixture_readme(seed: Seed) -> None:
    """The index root answers valid PEP 691 JSON; a JSON-only request for a project is a 404.

    prong never judges an index by its root, and asks with an Accept header that also takes HTML,
    so it gets the web page (and can tell what it is) instead of a false "not found".
    """
    from prong.client.http import HttpClient
    from prong.client.simple import ACCEPT

    json_only = {"Accept": "application/vnd.pypi.simple.v1+json"}
    with HttpClient() as http:
        root = http.get(seed.jp6_web_url, headers=json_only)
        assert root.status == 200 and root.content_type.startswith("application/vnd.pypi.simple.v1+json")
        assert b'"projects"' in root.content
        page = http.get(seed.jp6_web_url + "/torch/", headers=json_only, allow_status=(404,))
        assert page.status == 404 and page.content_type.startswith("text/html")
        page = http.get(seed.jp6_web_url + "/torch/", headers={"Accept": ACCEPT})
        assert page.status == 200 and page.content_type.startswith("text/html")
        assert page.headers.get("x-devpi-server-version") == seed.server_version
