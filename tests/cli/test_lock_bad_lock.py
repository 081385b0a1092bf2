"""`prong lock` (and `--locked`) on a uv.lock that cannot be read: one `error:` line naming the file
and the place, a hint, exit code 2, no traceback, nothing touched, and no request to any index
(the lock is read before anything is resolved)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prong.cli.main import main

PYPROJECT = """[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["lib"]
"""

GOOD = """version = 1
revision = 3
requires-python = ">=3.10"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "lib" },
]

[package.metadata]
requires-dist = [{ name = "lib" }]

[[package]]
name = "lib"
version = "1.0"
source = { registry = "http://127.0.0.1:9/simple" }
wheels = [
    { url = "http://127.0.0.1:9/files/lib-1.0-py3-none-any.whl", hash = "sha256:00", size = 1 },
]
"""

CASES = {
    "truncated": (GOOD[: GOOD.index("[[package]]", 120) + 5],
                  ("uv.lock: line 16: the file ends in the middle of a value: it looks truncated",), "cut short"),
    "newer-format": (GOOD.replace("version = 1\n", "version = 2\n", 1),
                     ("uv.lock: `version`: lock format version 2 is not supported",), "upgrade prong"),
    "missing-version": (GOOD.replace('name = "lib"\nversion = "1.0"\n', 'name = "lib"\n'),
                        ("uv.lock: package lib: missing `version`",), "uv lock"),
    "not-pep-440": (GOOD.replace('name = "lib"\nversion = "1.0"\n', 'name = "lib"\nversion = "one"\n'),
                    ("uv.lock: package lib: `version`: `one` is not a valid version (PEP 440)",), "uv lock"),
    "bad-requires-python": (GOOD.replace('requires-python = ">=3.10"', 'requires-python = ">=3.x"'),
                            ("uv.lock: `requires-python`: `>=3.x` is not a valid version specifier",), "uv lock"),
}


@pytest.mark.parametrize("locked", [False, True], ids=["lock", "locked"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_lock_that_cannot_be_read(case: str, locked: bool, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    text, expected, hint = CASES[case]
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT)
    (project / "uv.lock").write_text(text)
    code = main(["--directory", str(project), "--no-config", "--cache-dir", str(tmp_path / "cache"),
                 "lock", "--default-index", "http://127.0.0.1:9/simple", *(["--locked"] if locked else [])])
    _, err = capsys.readouterr()
    assert code == 2, err
    assert "Traceback" not in err
    first, *rest = err.splitlines()
    assert first.startswith("error: ") and str(project / "uv.lock") in first
    for piece in expected:
        assert piece in first, first
    assert any(line.startswith("hint: ") and hint in line for line in rest), err
    assert (project / "uv.lock").read_text() == text  # untouched


def test_the_same_lock_intact_is_accepted_without_asking_the_index(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The control: the intact lock satisfies the project, so `--locked` passes although the index
    (port 9, the discard port) answers nothing; nothing is resolved."""
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT)
    (project / "uv.lock").write_text(GOOD)
    code = main(["--directory", str(project), "--no-config", "--cache-dir", str(tmp_path / "cache"),
                 "lock", "--locked", "--default-index", "http://127.0.0.1:9/simple"])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert "Resolved 2 packages" in err
    assert (project / "uv.lock").read_text() == GOOD
