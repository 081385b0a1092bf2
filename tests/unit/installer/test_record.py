"""The RECORD prong writes for an installed wheel is the one uv writes: every file of the wheel,
the console scripts, ``INSTALLER``/``REQUESTED``, sorted by path."""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

from prong.installer.install import install_wheel_file
from prong.python import find_interpreter
from prong.venv import create_venv
from tests.support.wheels import _record_hash


def _wheel(directory: Path) -> Path:
    files = {
        "zeta/__init__.py": b"def main():\n    return 0\n",
        "alpha.py": b"",
        "demo-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\n",
        "demo-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n",
        "demo-1.0.dist-info/entry_points.txt": b"[console_scripts]\ndemo = zeta:main\n",
    }
    record = "".join(f"{p},{_record_hash(b)},{len(b)}\n" for p, b in files.items()) + "demo-1.0.dist-info/RECORD,,\n"
    path = directory / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in [*files.items(), ("demo-1.0.dist-info/RECORD", record.encode())]:
            zf.writestr(name, data)
    return path


def test_record_is_sorted_by_path_and_names_what_uv_names(tmp_path: Path) -> None:
    venv = create_venv(tmp_path / ".venv", find_interpreter(sys.executable))
    assert install_wheel_file(_wheel(tmp_path), venv) == "demo==1.0"
    dist_info = venv.site_packages / "demo-1.0.dist-info"
    rows = list(csv.reader(io.StringIO((dist_info / "RECORD").read_text())))
    paths = [r[0] for r in rows]
    assert paths == sorted(paths)
    assert paths == ["../../../bin/demo", "alpha.py", "demo-1.0.dist-info/INSTALLER", "demo-1.0.dist-info/METADATA",
                     "demo-1.0.dist-info/RECORD", "demo-1.0.dist-info/REQUESTED", "demo-1.0.dist-info/WHEEL",
                     "demo-1.0.dist-info/entry_points.txt", "zeta/__init__.py"]
    assert (dist_info / "INSTALLER").read_bytes() == b"prong"
    assert (dist_info / "REQUESTED").read_bytes() == b""
