"""`prong pip compile` against `uv pip compile` on real requirement sets from the default index.

Both tools resolve ``sets/<name>.in`` for one environment (CPython 3.11 on x86_64 Linux, glibc),
pinned in time with the same ``--exclude-newer``; the name==version sets must be equal, or
differ exactly as ``expected_differences.toml`` says (with its reason).

The default run compiles three small sets (``DEFAULT_SETS``); ``PRONG_REALWORLD=all`` runs all
twenty (about a minute on a warm cache, a few cold). Sets not selected are not collected at all, so no
skip stands in for a result.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SETS_DIR = HERE / "sets"
EXCLUDE_NEWER = "2026-11-01T00:00:00Z"
PYTHON_VERSION = "3.11"
PYTHON_PLATFORM = "x86_64-unknown-linux-gnu"
UV_VERSION = "0.13.9"

# Small to large (by the number of pins uv 0.13.9 gives).
ALL_SETS = (
    "requests", "numpy-scipy-numba", "ansible", "black-mypy-ruff", "httpx-pydantic", "boto3-awscli",
    "pytest-plugins", "flask-stack", "pandas-sklearn-matplotlib", "django-celery", "dask-complete",
    "streamlit", "sphinx-themes", "scrapy", "poetry", "transformers-torch", "fastapi-standard",
    "langchain", "jupyterlab", "apache-airflow",
)
DEFAULT_SETS = ("requests", "black-mypy-ruff", "django-celery")
SELECTED = ALL_SETS if os.environ.get("PRONG_REALWORLD", "").strip().lower() == "all" else DEFAULT_SETS

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def uv_bin() -> str:
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    assert found, "uv is not installed: `pip install -e '.[test]'` installs it"
    return found


def pins_of(text: str) -> set[str]:
    """``name==version`` of every pin in requirements.txt text, names normalised."""
    out = set()
    for line in text.splitlines():
        m = PIN.match(line.strip())
        if m:
            out.add(f"{re.sub(r'[-_.]+', '-', m.group(1)).lower()}=={m.group(2)}")
    return out


def expected_differences() -> dict[str, dict[str, object]]:
    data = tomllib.loads((HERE / "expected_differences.toml").read_text(encoding="utf-8"))
    return data.get("sets", {})


def compile_with(tool: str, in_file: Path, cache_dir: Path | None = None, python: str = PYTHON_VERSION) -> set[str]:
    args = ["pip", "compile", str(in_file), "--exclude-newer", EXCLUDE_NEWER, "--python-version", python,
            "--python-platform", PYTHON_PLATFORM, "--no-header", "--no-annotate"]
    if cache_dir is not None:
        args += ["--cache-dir", str(cache_dir)]
    cmd = [uv_bin(), *args] if tool == "uv" else [sys.executable, "-m", "prong", *args]
    env = {**os.environ, "UV_NO_CONFIG": "1", "NO_COLOR": "1"}
    env.pop("UV_INDEX_URL", None)
    env.pop("UV_EXTRA_INDEX_URL", None)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, f"{tool} failed on {in_file.name} (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
    pins = pins_of(proc.stdout)
    assert pins, f"{tool} printed no pins for {in_file.name}:\n{proc.stdout[-2000:]}"
    return pins


def test_twenty_sets_are_saved_and_the_table_names_only_them() -> None:
    on_disk = {p.stem for p in SETS_DIR.glob("*.in")}
    assert on_disk == set(ALL_SETS)
    assert len(ALL_SETS) == 20
    for name, entry in expected_differences().items():
        assert name in ALL_SETS, f"expected_differences.toml names an unknown set {name!r}"
        assert str(entry.get("reason", "")).strip(), f"{name}: an expected difference needs a reason"
        assert entry.get("prong") or entry.get("uv"), f"{name}: an expected difference lists no pins"


def test_pins_of_reads_names_and_versions() -> None:
    text = "Foo_Bar==1.0\n    # via x\nbaz==2.0rc1 ; python_version < '3.12'\n--hash=sha256:00\n# a==1\n"
    assert pins_of(text) == {"foo-bar==1.0", "baz==2.0rc1"}


@pytest.mark.pypi
@pytest.mark.parametrize("name", SELECTED)
def test_prong_picks_the_pins_uv_picks(name: str) -> None:
    in_file = SETS_DIR / f"{name}.in"
    prong = compile_with("prong", in_file)
    uv = compile_with("uv", in_file)
    only_prong, only_uv = sorted(prong - uv), sorted(uv - prong)
    entry = expected_differences().get(name)
    shown = (f"{name}: {len(prong)} pins from prong, {len(uv)} from uv\n"
             f"  only prong: {only_prong}\n  only uv:    {only_uv}")
    if entry is None:
        assert (only_prong, only_uv) == ([], []), shown
    else:
        want = (sorted(entry.get("prong", [])), sorted(entry.get("uv", [])))  # type: ignore[arg-type]
        assert (only_prong, only_uv) == want, (
            f"{shown}\n  expected difference ({entry['reason']}):\n"
            f"  only prong: {want[0]}\n  only uv:    {want[1]}"
        )


@pytest.mark.pypi
def test_a_requested_patch_version_counts_as_in_uv(tmp_path: Path) -> None:
    """soupsieve 3.0.2+ needs Python >=3.11.5: `--python-version 3.11` gets 2.x, `3.11.7` gets
    3.x, with both tools (prong once dropped the patch)."""
    in_file = tmp_path / "soup.in"
    in_file.write_text("soupsieve\n", encoding="utf-8")
    got = {}
    for python in ("3.11", "3.11.7"):
        prong, uv = compile_with("prong", in_file, python=python), compile_with("uv", in_file, python=python)
        assert prong == uv, f"--python-version {python}: prong {sorted(prong)}, uv {sorted(uv)}"
        got[python] = next(iter(prong)).partition("==")[2].split(".")[0]
    assert got == {"3.11": "2", "3.11.7": "3"}
