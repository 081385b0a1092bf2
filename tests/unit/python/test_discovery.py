"""Interpreter requests, discovery on a controlled PATH, the query cache, and the not-found error.

The interpreters are real: the one running the tests, reached through fake PATH directories of
symlinks, so that the test controls what discovery can see.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from prong.cache import Cache
from prong.python import InterpreterNotFound, find_interpreter, parse_request, python_version_file, query_interpreter

HERE = f"{sys.version_info[0]}.{sys.version_info[1]}"


@pytest.mark.parametrize(("text", "path", "name", "impl", "spec"), [
    ("3.11", None, None, None, "==3.11.*"),
    ("3.11.7", None, None, None, "==3.11.7"),
    ("3", None, None, None, "==3.*"),
    (">=3.10,<3.13", None, None, None, "<3.13,>=3.10"),
    ("cpython@3.12", None, None, "cpython", "==3.12.*"),
    ("cp312", None, None, "cpython", "==3.12.*"),
    ("pypy3.10", None, None, "pypy", "==3.10.*"),
    ("python3.12", None, None, None, "==3.12.*"),
    ("/usr/bin/python3", Path("/usr/bin/python3"), None, None, None),
    ("./venv", Path("./venv"), None, None, None),
    ("mypython", None, "mypython", None, None),
])
def test_parse_request(text: str, path: Path | None, name: str | None, impl: str | None, spec: str | None) -> None:
    req = parse_request(text)
    assert (req.path, req.name, req.implementation, req.specifier) == (path, name, impl, spec)


def _path_env(tmp_path: Path, names: dict[str, str]) -> dict[str, str]:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name, target in names.items():
        (bindir / name).symlink_to(target)
    return {"PATH": str(bindir), "PYENV_ROOT": str(tmp_path / "no-pyenv")}


def test_finds_the_interpreter_on_path_and_caches_the_query(tmp_path: Path) -> None:
    env = _path_env(tmp_path, {f"python{HERE}": sys.executable})
    cache = Cache(tmp_path / "cache")
    found = find_interpreter(HERE, environ=env, cache=cache)
    assert found.minor == sys.version_info[:2]
    assert found.executable == tmp_path / "bin" / f"python{HERE}"
    assert found.scheme_for(Path("/v"))["purelib"] == Path(f"/v/lib/python{HERE}/site-packages")
    entries = list((tmp_path / "cache" / "interpreter-v1").rglob("*"))
    assert any(p.is_file() for p in entries)
    # the cached answer is used: a corrupt executable path would fail to run, the cache answers
    again = query_interpreter(found.executable, cache)
    assert again == found


def test_requires_python_that_nothing_satisfies_lists_what_was_found(tmp_path: Path) -> None:
    env = _path_env(tmp_path, {"python3": sys.executable})
    with pytest.raises(InterpreterNotFound) as info:
        find_interpreter(None, requires_python=">=4.0", environ=env)
    assert "Python >=4.0" in str(info.value)
    assert f"CPython {found_version()}" in info.value.hints()[0]


def found_version() -> str:
    return ".".join(map(str, sys.version_info[:3]))


def test_explicit_path_that_is_not_python(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(InterpreterNotFound) as info:
        find_interpreter(str(fake), environ={"PATH": ""})
    assert "is not a working Python interpreter" in str(info.value)


def test_python_version_file(tmp_path: Path) -> None:
    (tmp_path / ".python-version").write_text("# pinned\n\n3.12\n3.11\n")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert python_version_file(sub) == (tmp_path / ".python-version", "3.12")


def test_virtual_env_first_unless_a_base_interpreter_is_needed(tmp_path: Path) -> None:
    if sys.prefix == sys.base_prefix:
        pytest.skip("the tests do not run in a virtual environment")
    env = _path_env(tmp_path, {"python3": sys.executable})
    env["VIRTUAL_ENV"] = sys.prefix
    assert find_interpreter(None, environ=env).is_venv
    base = find_interpreter(None, environ={**env, "PATH": str(Path(sys.base_prefix) / "bin")}, allow_venv=False)
    assert not base.is_venv
    assert os.path.realpath(base.base_interpreter) == os.path.realpath(sys._base_executable)  # type: ignore[attr-defined]
