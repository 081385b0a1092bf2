"""`prong export --frozen` in-process, on the seed/Jetson project's lock that uv wrote."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prong.cli.main import main

DATA = Path(__file__).parents[1] / "unit" / "lock" / "data"
SEED_PYPROJECT = """[project]
name = "bench-seed"
version = "0.1.0"
requires-python = ">=3.10,<3.13"

[project.optional-dependencies]
cpu = ["torch>=2.7.0", "torchvision>=0.22.0"]
cu128 = ["torch>=2.7.0", "torchvision>=0.22.0"]
torch-jp6 = ["torch>=2.0.0; sys_platform == 'linux' and platform_machine == 'aarch64' and python_version == '3.10'",
             "torchvision"]

[tool.uv]
conflicts = [[{ extra = "cpu" }, { extra = "cu128" }, { extra = "torch-jp6" }]]
"""


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(SEED_PYPROJECT, encoding="utf-8")
    shutil.copy(DATA / "seed.uv.lock", tmp_path / "uv.lock")
    (tmp_path / "sub").mkdir()
    return tmp_path


def _export(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_picks_the_extras_build(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = seed / "requirements.txt"
    code, out, err = _export(capsys, "--project", str(seed / "sub"), "--frozen", "--extra", "cu128", "--no-header",
                             "-o", str(out_file))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "torch==2.7.0+cu128 \\" and lines[-1] == "    # via bench-seed"
    assert "torchvision==0.22.0+cu128 \\" in lines
    assert sum(line.startswith("    --hash=sha256:") for line in lines) == 12
    assert out_file.read_text(encoding="utf-8") == out
    assert f"Exported 3 packages from {seed / 'uv.lock'}" in err


def test_export_errors(seed: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = _export(capsys, "--project", str(seed), "--frozen", "--extra", "cpu", "--extra", "torch-jp6")
    assert code != 0 and out == ""
    assert "error: Extras `cpu` and `torch-jp6` are incompatible with the declared conflicts" in err
    code, out, err = _export(capsys, "--project", str(seed), "--frozen", "--extra", "cuda")
    assert code != 0 and "Extra `cuda` is not defined in the `optional-dependencies` table" in err and "cpu, cu128, torch-jp6" in err
    code, out, err = _export(capsys, "--project", str(seed), "--extra", "cpu")  # locks first: current, kept
    assert code == 0 and "torch==" in out and "# via torch" in out, err
    (seed / "uv.lock").write_text((seed / "uv.lock").read_text().replace("version = 1\n", "version = 3\n", 1))
    code, out, err = _export(capsys, "--project", str(seed), "--frozen")
    assert code != 0 and "uv.lock: `version`: lock format version 3 is not supported" in err
    (seed / "uv.lock").unlink()
    code, out, err = _export(capsys, "--project", str(seed), "--frozen")
    assert code != 0 and "uv.lock: file not found" in err and "uv lock" in err


def test_a_virtual_workspace_roots_requirements_are_refused_not_dropped(
        seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (seed / "uv.lock").read_text(encoding="utf-8")
    head, _, rest = text.partition("\n[[package]]\n")
    (seed / "uv.lock").write_text(head + '\n[manifest]\n\n[manifest.dependency-groups]\ndev = [{ name = "torch" }]\n'
                                  "\n[[package]]\n" + rest, encoding="utf-8")
    code, out, err = _export(capsys, "--project", str(seed), "--frozen", "--all-packages")
    assert code == 2 and out == "" and "workspace root without a [project]" in err and "not implemented yet" in err
