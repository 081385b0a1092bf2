"""`prong init`, `prong add`, `prong remove`: pyproject.toml edited with its layout kept, bounds
from the lock, indexes pinned in sources, and both files restored byte for byte on any failure."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist

REALWORLD = Path(__file__).resolve().parents[2] / "realworld" / "projects"


@pytest.fixture
def server() -> Iterator[IndexServer]:
    with IndexServer([Dist("lib", "1.4.2"), Dist("lib", "2.3.1"), Dist("other", "0.9")]) as s:
        yield s


def prong(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--directory", str(project), "--cache-dir", str(project.parent / "cache"), *args])
    out, err = capsys.readouterr()
    return code, out + err


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.fixture
def project(tmp_path: Path, server: IndexServer, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "app"
    code, err = prong(tmp_path, capsys, "init", "--no-package", "--vcs", "none", "app")
    assert code == 0, err
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(
        text + f'\n[[tool.uv.index]]\nname = "local"\nurl = "{server.simple_url}"\ndefault = true\n')
    return root


def test_init_writes_uvs_layout_and_refuses_an_existing_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code, err = prong(tmp_path, capsys, "init", "--vcs", "none", "demo")
    assert code == 0, err
    root = tmp_path / "demo"
    text = (root / "pyproject.toml").read_text()
    assert text.startswith('[project]\nname = "demo"\nversion = "0.1.0"\n')
    assert '[project.scripts]\ndemo = "demo:main"\n\n[build-system]\nrequires = ["hatchling"]' in text
    assert (root / "src" / "demo" / "__init__.py").read_text() == 'def main() -> None:\n    print("Hello from demo!")\n'
    assert (root / ".python-version").is_file() and (root / "README.md").is_file()
    code, err = prong(tmp_path, capsys, "init", "--vcs", "none", "demo")
    assert code == 2 and "because `pyproject.toml` already exists" in err
    assert (root / "pyproject.toml").read_text() == text


def test_add_writes_a_lower_bound_locks_and_syncs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = prong(project, capsys, "add", "lib")
    assert code == 0, err
    assert 'dependencies = [\n    "lib>=2.3.1",\n]' in (project / "pyproject.toml").read_text()
    assert " + lib==2.3.1" in err
    assert next((project / ".venv").glob("lib/python3.*/site-packages/lib-2.3.1.dist-info")).is_dir()
    code, err = prong(project, capsys, "add", "other", "--dev", "--bounds", "exact")
    assert code == 0, err
    assert '[dependency-groups]\ndev = [\n    "other==0.9",\n]' in (project / "pyproject.toml").read_text()


@pytest.mark.parametrize(("bounds", "written"), [("major", "lib>=2.3.1,<3"), ("minor", "lib>=2.3.1,<2.4")])
def test_bounds(project: Path, capsys: pytest.CaptureFixture[str], bounds: str, written: str) -> None:
    code, err = prong(project, capsys, "add", "lib", "--bounds", bounds, "--no-sync")
    assert code == 0, err
    assert f'"{written}"' in (project / "pyproject.toml").read_text()


def test_raw_and_a_given_version_are_kept_as_typed(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert prong(project, capsys, "add", "lib<2", "--no-sync")[0] == 0
    assert '"lib<2"' in (project / "pyproject.toml").read_text()
    assert prong(project, capsys, "add", "other", "--raw", "--no-sync", "--optional", "x")[0] == 0
    assert '[project.optional-dependencies]\nx = [\n    "other",\n]' in (project / "pyproject.toml").read_text()


def test_add_then_remove_gives_the_file_back(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (project / "pyproject.toml").read_text()
    assert prong(project, capsys, "add", "lib", "--group", "test")[0] == 0
    code, err = prong(project, capsys, "remove", "lib", "--group", "test")
    assert code == 0, err
    assert (project / "pyproject.toml").read_text() == before
    code, err = prong(project, capsys, "remove", "lib")
    assert code == 2 and "error: The dependency `lib` could not be found in `project.dependencies`" in err


def test_a_failed_lock_restores_both_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert prong(project, capsys, "add", "lib")[0] == 0
    before = {p: digest(project / p) for p in ("pyproject.toml", "uv.lock")}
    code, err = prong(project, capsys, "add", "no-such-package-anywhere")
    assert code == 1
    assert "no-such-package-anywhere" in err
    assert "hint: pyproject.toml and uv.lock are back as they were before this command." in err
    assert {p: digest(project / p) for p in ("pyproject.toml", "uv.lock")} == before


@pytest.mark.parametrize("name", ["flask", "httpx", "pandas", "seaborn", "uvicorn"])
def test_editing_keeps_the_layout_of_real_pyprojects(name: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / name
    root.mkdir()
    shutil.copy(REALWORLD / name / "pyproject.toml", root / "pyproject.toml")
    before = (root / "pyproject.toml").read_bytes()
    for where in ((), ("--dev",), ("--optional", "extra1")):
        code, err = prong(root, capsys, "add", "zzz-new-package>=1", "--frozen", *where)
        assert code == 0, err
        assert (root / "pyproject.toml").read_bytes() != before
        code, err = prong(root, capsys, "remove", "zzz-new-package", "--frozen", *where)
        assert code == 0, err
        assert (root / "pyproject.toml").read_bytes() == before


@pytest.mark.devpi
def test_the_seeds_add(seed_latest, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    if shutil.which("python3.10") is None and not list(Path.home().glob(".pyenv/versions/3.10*")):
        pytest.skip("needs a CPython 3.10 (the Jetson wheels are cp310)")
    code, err = prong(tmp_path, capsys, "init", "--python", "3.10", "--vcs", "none", "jet")
    assert code == 0, err
    root = tmp_path / "jet"
    files = [root / "pyproject.toml", root / "uv.lock"]
    before = [digest(f) for f in files]

    code, err = prong(root, capsys, "add", "torch", "--index", f"jp6={seed_latest.jp6_simple_url}",
                      "--optional", "torch-jp6")
    assert code == 1
    assert "error: Distribution `torch==2.7.0 @ registry+" in err and "`linux_aarch64`" in err
    assert "hint: pyproject.toml and uv.lock are back as they were before this command." in err
    assert [digest(f) for f in files] == before

    code, err = prong(root, capsys, "add", "torch", "--index", f"jp6={seed_latest.jp6_web_url}",
                      "--optional", "torch-jp6", "--strict-index-urls")
    assert code == 1
    assert f'Use url = "{seed_latest.jp6_simple_url}" for [[tool.uv.index]] `jp6`' in " ".join(err.split())
    assert [digest(f) for f in files] == before

    code, err = prong(root, capsys, "add", "torch", "--index", f"jp6={seed_latest.jp6_web_url}",
                      "--optional", "torch-jp6", "--no-sync")
    assert code == 0, err
    assert f"pyproject.toml now names its Simple API, {seed_latest.jp6_simple_url}" in err
    text = (root / "pyproject.toml").read_text()
    assert f'url = "{seed_latest.jp6_simple_url}"' in text and 'torch = { index = "jp6" }' in text
