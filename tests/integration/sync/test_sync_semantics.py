"""`prong sync`, `prong run` and `prong venv` against a local index: exact and inexact syncs, the
no-op, `--dry-run`, `--reinstall`, groups and extras, `run` with the venv first on PATH, and
`venv`'s refusal to replace a directory without `--clear`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist


@pytest.fixture
def server() -> Iterator[IndexServer]:
    with IndexServer([Dist("lib", "1.0", requires_dist=["dep"]), Dist("lib", "2.0", requires_dist=["dep"]),
                          Dist("dep", "1.0"), Dist("tool", "1.0"), Dist("extra-pkg", "1.0")]) as s:
        yield s


@pytest.fixture
def project(tmp_path: Path, server: IndexServer) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["lib==1.0"]\n'
        '[project.optional-dependencies]\nfancy = ["extra-pkg"]\n'
        '[dependency-groups]\ndev = ["tool"]\n'
        f'[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n'
    )
    return root


def prong(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--directory", str(project), "--cache-dir", str(project.parent / "cache"), *args])
    out, err = capsys.readouterr()
    return code, out + err


def installed(project: Path) -> dict[str, str]:
    out = {}
    for d in (project / ".venv").glob("lib/python3.*/site-packages/*.dist-info"):
        name, _, version = d.name[: -len(".dist-info")].rpartition("-")
        out[name] = version
    return out


def test_sync_installs_the_default_groups_and_a_second_sync_checks_only(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = prong(project, capsys, "sync")
    assert code == 0, err
    assert "Creating virtual environment at: .venv" in err
    assert "Resolved 5 packages" in err
    assert installed(project) == {"lib": "1.0", "dep": "1.0", "tool": "1.0"}  # dev by default; app is virtual
    for line in (" + dep==1.0", " + lib==1.0", " + tool==1.0", "Installed 3 packages"):
        assert line in err
    code, err = prong(project, capsys, "sync")
    assert code == 0 and "Checked 3 packages" in err and " + " not in err
    code, err = prong(project, capsys, "sync", "--frozen")  # the stamped fast path
    assert code == 0 and "Checked 3 packages" in err


def test_exact_sync_removes_what_the_selection_leaves_out_and_inexact_keeps_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert prong(project, capsys, "sync", "--extra", "fancy")[0] == 0
    assert "extra_pkg" in installed(project)
    code, err = prong(project, capsys, "sync", "--inexact", "--no-dev")
    assert code == 0 and "extra_pkg" in installed(project) and "tool" in installed(project)
    code, err = prong(project, capsys, "sync", "--no-dev")
    assert code == 0, err
    assert installed(project) == {"lib": "1.0", "dep": "1.0"}
    assert " - extra-pkg==1.0" in err and " - tool==1.0" in err and "Uninstalled 2 packages" in err
    # nothing of an uninstalled package is left behind
    site = next((project / ".venv").glob("lib/python3.*/site-packages"))
    assert not (site / "tool").exists() and not (site / "extra_pkg").exists()


def test_dry_run_says_what_would_change_and_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert prong(project, capsys, "sync", "--no-dev")[0] == 0
    before = installed(project)
    code, err = prong(project, capsys, "sync", "--dry-run", "--extra", "fancy")
    assert code == 0 and "Would install 2 packages" in err and " + extra-pkg==1.0" in err
    assert installed(project) == before


def test_a_package_removed_behind_syncs_back_is_reinstalled(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    assert prong(project, capsys, "sync", "--frozen" if (project / "uv.lock").exists() else "--no-dev")[0] == 0
    site = next((project / ".venv").glob("lib/python3.*/site-packages"))
    shutil.rmtree(site / "dep-1.0.dist-info")  # as `pip uninstall` would (site-packages changes)
    code, err = prong(project, capsys, "sync", "--frozen", "--no-dev")
    assert code == 0 and " + dep==1.0" in err, err


def test_reinstall_installs_again(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert prong(project, capsys, "sync")[0] == 0
    code, err = prong(project, capsys, "sync", "--reinstall-package", "lib")
    assert code == 0 and " ~ lib==1.0" in err, err  # uv's line for a reinstall at the same version


def test_unknown_extra_and_group_are_uvs_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = prong(project, capsys, "sync", "--extra", "nope")
    assert code == 2 and "error: Extra `nope` is not defined in the `optional-dependencies` table for `app`" in err
    code, err = prong(project, capsys, "sync", "--group", "nope")
    assert code == 2 and "error: Group `nope` is not defined in the project's `dependency-groups` table" in err


def test_run_puts_the_venv_first_and_returns_the_exit_code(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out.txt"
    code = main(["--directory", str(project), "--cache-dir", str(tmp_path / "cache"), "run",
                 "python", "-c",
                 f"import lib, os, sys; open({str(out)!r}, 'w').write(lib.__version__ + ' ' + sys.prefix + ' ' "
                 "+ os.environ['VIRTUAL_ENV'])"])
    assert code == 0
    version, prefix, venv = out.read_text().split(" ")
    assert version == "1.0" and Path(prefix) == project / ".venv" and Path(venv) == project / ".venv"
    code = main(["--directory", str(project), "--cache-dir", str(tmp_path / "cache"), "run",
                 "--frozen", "python", "-c", "raise SystemExit(7)"])
    assert code == 7
    code, err = prong(project, capsys, "run", "--frozen", "no-such-command-here")
    assert code == 2 and "error: Failed to spawn: `no-such-command-here`" in err


def test_run_a_script_with_the_venvs_python(project: Path, tmp_path: Path) -> None:
    script = project / "hello.py"
    script.write_text("import sys, lib\nprint(sys.prefix)\n")
    proc = subprocess.run([sys.executable, "-m", "prong", "--cache-dir", str(tmp_path / "cache"),
                           "run", "hello.py"], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3] / "src")})
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()) == project / ".venv"


def test_venv_refuses_an_existing_directory_without_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--directory", str(tmp_path), "--no-config", "venv", "env"])
    assert code == 0
    cfg = (tmp_path / "env" / "pyvenv.cfg").read_text()
    assert "version_info = " in cfg and "include-system-site-packages = false" in cfg
    capsys.readouterr()
    code = main(["--directory", str(tmp_path), "--no-config", "venv", "env"])
    _, err = capsys.readouterr()
    assert code == 2 and "already exists at: env" in err and "--clear" in err
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "keep.txt").write_text("mine")
    code = main(["--directory", str(tmp_path), "--no-config", "venv", "data", "--clear"])
    _, err = capsys.readouterr()
    assert code != 0 and (tmp_path / "data" / "keep.txt").read_text() == "mine"
    code = main(["--directory", str(tmp_path), "--no-config", "venv", "env", "--clear"])
    assert code == 0
    proc = subprocess.run([str(tmp_path / "env" / "bin" / "python"), "-c", "import sys; print(sys.prefix)"],
                          capture_output=True, text=True)
    assert Path(proc.stdout.strip()) == tmp_path / "env"


def test_copy_link_mode_and_bytecode(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = prong(project, capsys, "sync", "--link-mode", "copy", "--compile-bytecode")
    assert code == 0, err
    site = next((project / ".venv").glob("lib/python3.*/site-packages"))
    init = site / "lib" / "__init__.py"
    assert init.stat().st_nlink == 1  # a copy, not a link into the cache
    assert list((site / "lib" / "__pycache__").glob("__init__.*.pyc"))


def test_run_with_an_overlay_package(project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                     server: IndexServer) -> None:
    out = tmp_path / "with.txt"
    code = main(["--directory", str(project), "--cache-dir", str(tmp_path / "cache"), "run", "--with", "extra-pkg",
                 "--index-url", server.simple_url, "python", "-c",
                 f"import lib, extra_pkg; open({str(out)!r}, 'w').write(lib.__version__ + extra_pkg.__version__)"])
    capsys.readouterr()
    assert code == 0 and out.read_text() == "1.01.0"
    assert "extra_pkg" not in installed(project)  # the overlay, not the project's venv
