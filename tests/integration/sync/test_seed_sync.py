"""`prong sync` on the seed project (uv issue 13930): each extra installs its own torch build,
switching extras swaps them, conflicting extras are refused with nothing changed, the Jetson-only
build fails on this machine with the platform explanation, and installs for aarch64 when asked."""

from __future__ import annotations

import platform
import shutil
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.seed import Seed

pytestmark = pytest.mark.devpi


def _project(seed: Seed, tmp_path: Path) -> Path:
    target = tmp_path / "simple"
    shutil.copytree(seed.dir / "projects" / "simple", target)
    return target


def _sync(directory: Path, cache: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--directory", str(directory), "--no-config", "--cache-dir", str(cache), "sync", *args])
    _, err = capsys.readouterr()
    return code, err


def _installed(venv: Path) -> dict[str, str]:
    out = {}
    for site in venv.glob("lib/python3.*/site-packages"):
        for d in site.glob("*.dist-info"):
            name, _, version = d.name[: -len(".dist-info")].rpartition("-")
            out[name.lower()] = version
    return out


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the acceptance is written for an x86_64 machine")
def test_extras_install_their_own_builds_and_conflicts_and_platforms_are_explained(
    seed_latest: Seed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _project(seed_latest, tmp_path)
    cache = tmp_path / "cache"
    venv = directory / ".venv"

    code, err = _sync(directory, cache, capsys, "--extra", "cpu")
    assert code == 0, err
    assert _installed(venv) == {"torch": "2.7.0+cpu", "torchvision": "0.22.0+cpu"}
    assert " + torch==2.7.0+cpu" in err and " + torchvision==0.22.0+cpu" in err
    code = main(["--directory", str(directory), "--no-config", "--cache-dir", str(cache), "run", "--extra", "cpu",
                 "python", "-c", "import torch, torchvision; assert torch.__version__ == '2.7.0+cpu'"])
    assert code == 0

    code, err = _sync(directory, cache, capsys, "--extra", "cu128")
    assert code == 0, err
    assert _installed(venv) == {"torch": "2.7.0+cu128", "torchvision": "0.22.0+cu128"}
    for line in (" - torch==2.7.0+cpu", " + torch==2.7.0+cu128", " - torchvision==0.22.0+cpu",
                 " + torchvision==0.22.0+cu128"):
        assert line in err
    assert "Uninstalled 2 packages" in err and "Installed 2 packages" in err

    before = sorted(p.relative_to(venv).as_posix() for p in venv.rglob("*"))
    code, err = _sync(directory, cache, capsys, "--extra", "cpu", "--extra", "cu128")
    assert code == 2
    assert ("error: Extras `cpu` and `cu128` are incompatible with the declared conflicts: "
            "{`xxx[cpu]`, `xxx[cu128]`, `xxx[torch-jp6]`}") in err
    assert sorted(p.relative_to(venv).as_posix() for p in venv.rglob("*")) == before

    code, err = _sync(directory, cache, capsys, "--extra", "torch-jp6")
    assert code == 1
    assert "error: Distribution `torchvision==0.22.0 @ registry+" in err
    assert "doesn't have a source distribution or wheel for the current platform" in err
    assert "only has wheels with the following Python ABI tag: `cp310`" in err
    assert "`torchvision-0.22.0-cp310-cp310-linux_aarch64.whl`" in err
    assert "Traceback" not in err
    assert _installed(venv) == {"torch": "2.7.0+cu128", "torchvision": "0.22.0+cu128"}

    code, err = _sync(directory, cache, capsys, "--extra", "cu128")
    assert code == 0 and "Checked 2 packages" in err, err


@pytest.mark.skipif(shutil.which("python3.10") is None and not list(Path.home().glob(".pyenv/versions/3.10*")),
                    reason="needs a CPython 3.10 (the Jetson wheels are cp310)")
def test_jetson_wheels_install_for_aarch64_into_a_separate_environment(
    seed_latest: Seed, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = _project(seed_latest, tmp_path)
    monkeypatch.setenv("UV_PROJECT_ENVIRONMENT", ".venv-jp6")
    code, err = _sync(directory, tmp_path / "cache", capsys, "--python-platform", "aarch64-unknown-linux-gnu",
                      "--python", "3.10", "--extra", "torch-jp6")
    assert code == 0, err
    venv = directory / ".venv-jp6"
    assert _installed(venv) == {"torch": "2.7.0", "torchvision": "0.22.0"}
    wheel = (venv / "lib/python3.10/site-packages/torch-2.7.0.dist-info/WHEEL").read_text()
    assert "cp310-cp310-linux_aarch64" in wheel
    assert not (directory / ".venv").exists()


def test_frozen_sync_without_a_lock_says_how_to_make_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\nrequires-python = ">=3.9"\n')
    code, err = _sync(tmp_path, tmp_path / "cache", capsys, "--frozen")
    assert code == 1
    assert "error: Unable to find lockfile at `" in err and "prong lock" in err
    assert not (tmp_path / "uv.lock").exists()
