"""`prong lock` on the seed project (uv issue 13930) against the seed_jetson fixture: real devpi
(6.12.1 and 6.20.3) and the two PyTorch-style static indexes.

The forks are uv's (one per extra of the conflict set, and one without any), each extra's torch
and torchvision come from its own explicit index; the devpi web URL works with exactly one warning
that gives the ``+simple`` URL, and fails under ``--strict-index-urls`` naming the fork.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.seed import Seed

pytestmark = pytest.mark.devpi


def project(seed: Seed, name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(seed.dir / "projects" / name, target)
    return target


def forks_of(directory: Path, cache: Path) -> tuple[list[tuple[str, dict[str, tuple[str, str]]]], tuple[str, ...]]:
    from prong.api.lock import resolve_project

    result, _ctx, warnings = resolve_project(directory, cache_dir=cache)
    out = []
    for fork in result.forks:
        included = ",".join(sorted(i.extra or "" for i in fork.env.included))
        pins = {n.name: (str(n.version), n.source.value) for n in fork.nodes
                if n.extra is None and n.group is None and n.name != "xxx"}
        out.append((included, pins))
    return out, warnings


@pytest.mark.parametrize("name", ["simple", "simple-slash", "web", "web-slash"])
def test_each_extra_resolves_in_its_own_fork_from_its_own_index(
    seed: Seed, name: str, tmp_path: Path
) -> None:
    forks, warnings = forks_of(project(seed, name, tmp_path), tmp_path / "cache")
    jp6 = seed.jp6_simple_url + ("/" if name == "simple-slash" else "")
    if name.startswith("web"):
        jp6 = seed.jp6_web_url + ("/" if name == "web-slash" else "")
    # uv's order: the fork pushed last (torch-jp6) is solved first; the fork without extras last
    assert forks == [
        ("torch-jp6", {"torch": ("2.7.0", jp6), "torchvision": ("0.22.0", jp6)}),
        ("cu128", {"torch": ("2.7.0+cu128", seed.cu128_url), "torchvision": ("0.22.0+cu128", seed.cu128_url)}),
        ("cpu", {"torch": ("2.7.0+cpu", seed.cpu_url), "torchvision": ("0.22.0+cpu", seed.cpu_url)}),
        ("", {}),
    ]
    if name.startswith("web"):
        (warning,) = warnings
        assert "serves the devpi web interface" in warning
        assert f'use url = "{seed.jp6_simple_url}" for [[tool.uv.index]] `jp6-cuda`' in warning
    else:
        assert warnings == ()


@pytest.mark.parametrize("name", ["web", "web-slash"])
def test_strict_index_urls_fails_naming_the_fork_and_the_fix(
    seed: Seed, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = project(seed, name, tmp_path)
    before = sorted(p.name for p in directory.iterdir())
    code = main(["--directory", str(directory), "--no-config", "--cache-dir", str(tmp_path / "cache"),
                 "lock", "--strict-index-urls"])
    _, err = capsys.readouterr()
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == (
        "error: No solution found when resolving dependencies for split "
        "(included: xxx[torch-jp6]; excluded: xxx[cpu], xxx[cu128]):"
    )
    assert "torch has no distribution files on its index page" in err
    assert f"Use url = \"{seed.jp6_simple_url}\" for [[tool.uv.index]] `jp6-cuda`" in err
    assert f"X-Devpi-Server-Version: {seed.server_version}" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in directory.iterdir()) == before  # no uv.lock written


def _prong_lock(directory: Path, cache: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--directory", str(directory), "--no-config", "--cache-dir", str(cache), "lock", *args])
    _, err = capsys.readouterr()
    return code, err


@pytest.mark.parametrize("name", ["simple", "simple-slash"])
def test_the_lock_is_uvs_byte_for_byte_and_each_tool_accepts_the_others(
    seed: Seed, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.uv import run_uv

    ours = project(seed, name, tmp_path / "prong")
    code, err = _prong_lock(ours, tmp_path / "cache", capsys)
    assert code == 0, err
    assert "Resolved 7 packages" in err
    theirs = project(seed, name, tmp_path / "uv")
    done = run_uv(["lock"], theirs, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (ours / "uv.lock").read_text() == (theirs / "uv.lock").read_text()
    # uv accepts prong's lock unchanged ...
    check = run_uv(["lock", "--locked"], ours, tmp_path)
    assert check.returncode == 0, check.stderr
    # ... and prong accepts uv's (without its own record of having written it)
    code, err = _prong_lock(theirs, tmp_path / "other-cache", capsys, "--locked")
    assert code == 0, err


@pytest.mark.parametrize("name", ["web", "web-slash"])
def test_the_web_url_locks_with_one_warning(
    seed: Seed, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = project(seed, name, tmp_path)
    code, err = _prong_lock(directory, tmp_path / "cache", capsys)
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, err
    assert f'use url = "{seed.jp6_simple_url}"' in warnings[0]
    text = (directory / "uv.lock").read_text()
    web = seed.jp6_web_url + ("/" if name == "web-slash" else "")
    # the lock keeps the index as the project names it; the files come from its +simple pages
    assert f'source = {{ registry = "{web}" }}' in text
    assert f"{seed.jp6_simple_url.rsplit('/+simple', 1)[0]}/+f/" in text
