"""Start-up stays light, and every kind of bad input renders as one `error:` with a caret.

``prong --version`` must not import ``packaging``, ``tomlkit``, ``httpx``... (the 60 ms budget),
and each ``ParseError`` kind renders as ``error: invalid <kind>: ...`` followed by the input and
a ``^`` under the offending column.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import prong
from prong import errors
from prong.cli.diagnostics import render_error

HEAVY = ("packaging", "tomlkit", "httpx", "platformdirs", "filelock", "argparse", "typing", "prong.api", "prong.pep440",
         "prong.pep508", "prong.tags", "prong.filenames", "urllib", "email", "json", "ssl", "asyncio")


def test_version_via_subprocess() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "prong", "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout == f"prong {prong.__version__}\n"
    assert out.stderr == ""


def test_version_imports_nothing_heavy() -> None:
    code = (
        "import sys, json\n"
        "before = set(sys.modules)\n"
        "from prong.cli.main import main\n"
        "rc = main(['--version'])\n"
        "print(json.dumps([rc, sorted(set(sys.modules) - before)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    last = out.stdout.strip().splitlines()[-1]
    rc, loaded = json.loads(last)
    assert rc == 0
    assert out.stdout.startswith(f"prong {prong.__version__}\n")
    heavy = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert heavy == [], f"`prong --version` imported {heavy}"
    assert all(m == "prong" or m.startswith("prong.") or m in _STDLIB_OK for m in loaded), loaded


# `prong lock` imports what its path needs: a resolution does not import the other commands' modules
# nor what reads sdists or file:// indexes; the no-op (an up-to-date uv.lock) not even the typed
# pyproject view, the resolver or the lock model.
_LOCK_NOT_IMPORTED = ("prong.api.sync", "prong.api.compile", "tarfile", "urllib.request", "email.parser")
_NOOP_NOT_IMPORTED = (*_LOCK_NOT_IMPORTED, "prong.project.pyproject", "prong.resolver", "prong.lock", "prong.pubgrub",
                      "packaging", "tempfile")


def _lock_modules(project: Path, cache: Path) -> set[str]:
    code = (
        "import atexit, json, runpy, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
        "sys.argv = ['prong', 'lock', '--offline']\n"
        "runpy.run_module('prong', run_name='__main__', alter_sys=True)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=str(project),
                         env={**os.environ, "PRONG_CACHE_DIR": str(cache)})
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stderr.strip().splitlines()[-1]))


def test_lock_imports_only_its_path(tmp_path: Path, isolated_env: None) -> None:
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n')
    resolved = _lock_modules(project, tmp_path / "cache")
    assert "prong.resolver.universal" in resolved  # it did resolve
    assert [m for m in resolved if any(m == x or m.startswith(x + ".") for x in _LOCK_NOT_IMPORTED)] == []
    noop = _lock_modules(project, tmp_path / "cache")
    assert "prong.api.lock" in noop
    assert [m for m in noop if any(m == x or m.startswith(x + ".") for x in _NOOP_NOT_IMPORTED)] == []


# What the start path may import beyond the interpreter's own start-up (it varies a little by version).
_STDLIB_OK = {"collections", "collections.abc", "keyword", "operator", "reprlib", "itertools", "_collections",
              "_operator", "functools", "_functools", "types", "__future__"}


def _render(err: errors.ParseError) -> list[str]:
    text = render_error(err)
    return text.splitlines()


ALL_KINDS = {
    errors.InvalidVersion: "version",
    errors.InvalidSpecifier: "version specifier",
    errors.InvalidMarker: "marker",
    errors.InvalidRequirement: "requirement",
    errors.InvalidName: "package name",
    errors.InvalidWheelFilename: "wheel filename",
    errors.InvalidSdistFilename: "source distribution filename",
    errors.InvalidPlatform: "platform",
}


@pytest.mark.parametrize("cls", list(ALL_KINDS))
def test_every_kind_renders_header_input_and_caret(cls: type[errors.ParseError]) -> None:
    err = cls("`abc?def`: something is wrong", "abc?def", (3, 4))
    lines = _render(err)
    assert lines[0] == f"error: invalid {ALL_KINDS[cls]}: `abc?def`: something is wrong"
    assert lines[1] == "    abc?def"
    assert lines[2].index("^") == 4 + 4  # right after the one-character span
    assert lines[2].strip() == "~^"


def _version() -> None:
    from prong.pep440.version import parse_version

    parse_version("1.0.post-x")


def _specifier() -> None:
    from prong.pep440.specifiers import parse_specifiers

    parse_specifiers(">=1.0, =<2")


def _marker() -> None:
    try:
        from prong.pep508.markers import parse_marker
    except ImportError:
        pytest.skip("prong.pep508.markers is not there yet")
    parse_marker("python_version >= '3.8' and os_nam == 'nt'")


def _requirement() -> None:
    from prong.pep508.requirement import parse_requirement

    parse_requirement("torch>=2.0; python_version == 3.10")


def _name() -> None:
    from prong.pep508.names import normalize_name

    normalize_name("torch vision")


def _wheel() -> None:
    from prong.filenames import WheelFilename

    WheelFilename.parse("torch-2.7.0-cp310-cp310.whl")


def _wheel_version() -> None:
    from prong.filenames import WheelFilename

    WheelFilename.parse("torch-2.7.0~cpu-cp310-cp310-linux_aarch64.whl")


def _sdist() -> None:
    from prong.filenames import SdistFilename

    SdistFilename.parse("torch-two.tar.gz")


def _platform() -> None:
    from prong.tags import parse_platform

    parse_platform("aarch64-linux-gnu")


# parser, kind, the input, the text the caret must end under (the character before `^`).
REAL = [
    (_version, "version", "1.0.post-x", None),
    (_specifier, "version specifier", ">=1.0, =<2", None),
    (_marker, "marker", "python_version >= '3.8' and os_nam == 'nt'", None),
    (_requirement, "requirement", "torch>=2.0; python_version == 3.10", "torch>=2.0; python_version == "),
    (_name, "package name", "torch vision", "torch "),
    (_wheel, "wheel filename", "torch-2.7.0-cp310-cp310.whl", "torch-2.7.0-cp310-cp310"),
    (_wheel_version, "wheel filename", "torch-2.7.0~cpu-cp310-cp310-linux_aarch64.whl", "torch-2.7.0~cpu"),
    (_sdist, "source distribution filename", "torch-two.tar.gz", "torch-two"),
    (_platform, "platform", "aarch64-linux-gnu", "aarch64-linux-gnu"),
]


@pytest.mark.parametrize(("parse", "kind", "source", "caret_after"), REAL, ids=[r[1] + ":" + r[2] for r in REAL])
def test_real_parse_errors_render_with_a_caret(
    parse: Callable[[], None], kind: str, source: str, caret_after: str | None
) -> None:
    with pytest.raises(errors.ParseError) as info:
        parse()
    err = info.value
    assert err.kind == kind
    lines = _render(err)
    assert lines[0].startswith(f"error: invalid {kind}: ")
    assert source in lines[0] or f"`{source}`" in lines[0] or lines[1] == f"    {source}"
    assert lines[1] == f"    {source}"
    caret = lines[2].index("^")
    assert 4 <= caret <= 4 + len(source)
    assert set(lines[2][4:caret]) <= {" ", "~"}
    if caret_after is not None:
        assert caret == 4 + len(caret_after), lines
    assert "Traceback" not in "\n".join(lines)


@pytest.mark.parametrize(
    ("args", "kind", "source", "caret_after"),
    [
        (["index", "versions", "torch vision", "--offline"], "package name", "torch vision", "torch "),
        (
            ["index", "versions", "torch", "--offline", "--python-platform", "aarch64-linux-gnu"],
            "platform", "aarch64-linux-gnu", "aarch64-linux-gnu",
        ),
    ],
)
def test_cli_bad_input_is_one_error_with_a_caret(
    tmp_path: Path, args: list[str], kind: str, source: str, caret_after: str
) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "prong", *args], capture_output=True, text=True, timeout=120, cwd=str(tmp_path),
        env={**os.environ, "PRONG_CACHE_DIR": str(tmp_path), "PRONG_OFFLINE": "1"},
    )
    # a bad value of an option is a usage error (exit 2, docs/exit-codes.md); a bad package name, 1
    assert out.returncode == (2 if kind == "platform" else 1), out.stderr
    assert "Traceback" not in out.stderr
    lines = out.stderr.splitlines()
    assert lines[0].startswith(f"error: invalid {kind}: ") and f"`{source}`" in lines[0]
    assert lines[1] == f"    {source}"
    assert lines[2].index("^") == 4 + len(caret_after)
