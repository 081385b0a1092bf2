"""``-o`` writes through a temporary file and a rename, except onto something that is not a
regular file: ``-o /dev/null`` once replaced the device with a file (as root)."""

from __future__ import annotations

import os
import stat
import sys
import threading
from pathlib import Path

import pytest

from prong.api._files import write_atomic as _write_atomic


def test_regular_file_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "req.txt"
    _write_atomic(out, "a==1\n")
    _write_atomic(out, "b==2\n")
    assert out.read_text() == "b==2\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["req.txt"]  # no temporary left


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    _write_atomic(fifo, "a==1\n")
    reader.join(10)
    assert got == ["a==1\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("value", ["3", "abc", "", "3.10.4.5", "3.-1"])
def test_an_invalid_python_version_names_the_option(value: str) -> None:
    """The report's flag-pyver-* cases: `invalid version: expected a Python version like 3.10`
    named neither --python-version nor the value's source (exit 1)."""
    from prong.api.index import make_target
    from prong.errors import UsageError

    with pytest.raises(UsageError) as err:
        make_target(value)
    assert f"--python-version value `{value}`" in str(err.value) and err.value.exit_code == 2
