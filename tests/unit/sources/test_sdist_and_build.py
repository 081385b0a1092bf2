from __future__ import annotations

import io
import tarfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from prong.pep517.hooks import BuildError, IsolatedEnv, prepare_metadata, read_build_system
from prong.sources.sdist import SdistError, read_pkg_info, static_metadata, unpack


def _tar(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


PKG_INFO_22 = b"Metadata-Version: 2.2\nName: foo\nVersion: 1.0\nRequires-Dist: bar>=1\n"


def test_static_pkg_info_is_used(tmp_path: Path) -> None:
    sdist = _tar(tmp_path / "foo-1.0.tar.gz", {"foo-1.0/PKG-INFO": PKG_INFO_22, "foo-1.0/x/PKG-INFO": b"no"})
    raw = read_pkg_info(sdist)
    assert raw == PKG_INFO_22
    assert static_metadata(raw) == PKG_INFO_22


@pytest.mark.parametrize(
    "pkg_info",
    [
        b"Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n",
        b"Metadata-Version: 2.2\nName: foo\nVersion: 1.0\nDynamic: Requires-Dist\n",
        b"Metadata-Version: 2.4\nName: foo\nVersion: 1.0\nDynamic: requires-python\n",
    ],
)
def test_old_or_dynamic_pkg_info_needs_a_build(pkg_info: bytes) -> None:
    assert static_metadata(pkg_info) is None


def test_dynamic_fields_the_resolver_does_not_read_are_fine() -> None:
    raw = b"Metadata-Version: 2.2\nName: foo\nVersion: 1.0\nDynamic: Summary\n"
    assert static_metadata(raw) == raw


def test_unpack_refuses_members_that_escape(tmp_path: Path) -> None:
    sdist = _tar(tmp_path / "evil-1.0.tar.gz", {"evil-1.0/PKG-INFO": PKG_INFO_22, "evil-1.0/../../escape.txt": b"x"})
    with pytest.raises(SdistError, match="outside the unpack directory"):
        unpack(sdist, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()
    assert not list((tmp_path / "out").iterdir())


def test_unpack_returns_the_top_directory(tmp_path: Path) -> None:
    sdist = _tar(tmp_path / "foo-1.0.tar.gz", {"foo-1.0/PKG-INFO": PKG_INFO_22, "foo-1.0/foo.py": b"x = 1\n"})
    top = unpack(sdist, tmp_path / "out")
    assert top.name == "foo-1.0" and (top / "foo.py").read_text() == "x = 1\n"


def test_a_truncated_archive_is_a_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "foo-1.0.tar.gz"
    bad.write_bytes(b"\x1f\x8b\x08garbage")
    with pytest.raises(SdistError, match="foo-1.0.tar.gz: not a readable tar archive"):
        read_pkg_info(bad)


class RecordingInstaller:
    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def install(self, requirements: Sequence[str], env: IsolatedEnv) -> None:
        assert env.python.exists()
        self.calls.append(tuple(requirements))


BACKEND = '''
import os
def get_requires_for_build_wheel(config_settings=None):
    return ["extra-build-dep>=1"]
def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    d = os.path.join(metadata_directory, "demo-1.0.dist-info")
    os.makedirs(d)
    with open(os.path.join(d, "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\\nName: demo\\nVersion: 1.0\\nRequires-Dist: six\\n")
    return "demo-1.0.dist-info"
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("not needed")
'''


def _tree(tmp_path: Path, backend_code: str) -> Path:
    src = tmp_path / "demo"
    (src / "backend").mkdir(parents=True)
    (src / "backend" / "demo_backend.py").write_text(backend_code)
    (src / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["base-dep"]\nbuild-backend = "demo_backend"\nbackend-path = ["backend"]\n'
    )
    return src


def test_metadata_from_a_real_backend_in_an_isolated_env(tmp_path: Path) -> None:
    src = _tree(tmp_path, BACKEND)
    installer = RecordingInstaller()
    raw = prepare_metadata(src, installer=installer, workdir=tmp_path)
    assert b"Requires-Dist: six" in raw
    assert installer.calls == [("base-dep",), ("extra-build-dep>=1",)]


def test_a_failing_backend_reports_its_last_lines(tmp_path: Path) -> None:
    src = _tree(tmp_path, "import sys\nprint('compiler exploded here', file=sys.stderr)\nraise SystemExit(3)\n")
    with pytest.raises(BuildError) as info:
        prepare_metadata(src, installer=RecordingInstaller(), workdir=tmp_path)
    assert "compiler exploded here" in info.value.last_lines()
    assert str(info.value).startswith("failed to ")


def test_build_system_defaults(tmp_path: Path) -> None:
    assert read_build_system(tmp_path).backend == "setuptools.build_meta:__legacy__"
