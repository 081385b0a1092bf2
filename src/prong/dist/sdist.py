"""Source distributions: safe unpacking and static metadata (PEP 643).

An sdist whose ``PKG-INFO`` has Metadata-Version 2.2 or later and marks none of the fields
a resolver needs as ``Dynamic`` can be resolved without running its build backend.
"""

from __future__ import annotations

import email.parser
import io
import os
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from prong.errors import ProngError

#: The fields a resolver reads; if any is Dynamic the backend must compute the metadata.
RESOLVER_FIELDS = frozenset({"requires-dist", "requires-python", "provides-extra"})


class SdistError(ProngError):
    """An sdist that cannot be read or unpacked safely."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{Path(path).name}: {problem}")


def _members_tar(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:*")
    except (tarfile.TarError, OSError) as err:
        raise SdistError(path, f"not a readable tar archive ({err})") from None


def read_pkg_info(path: str | Path) -> bytes | None:
    """The top-level ``PKG-INFO`` of an sdist (``name-version/PKG-INFO``), or None if absent."""
    path = Path(path)
    if path.name.endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    parts = PurePosixPath(name).parts
                    if len(parts) == 2 and parts[1] == "PKG-INFO":
                        return zf.read(name)
        except zipfile.BadZipFile as err:
            raise SdistError(path, f"not a readable zip archive ({err})") from None
        return None
    try:
        with _members_tar(path) as tf:
            for member in tf:
                parts = PurePosixPath(member.name).parts
                if len(parts) == 2 and parts[1] == "PKG-INFO" and member.isfile():
                    handle = tf.extractfile(member)
                    return handle.read() if handle is not None else None
    except (tarfile.TarError, EOFError, OSError) as err:
        raise SdistError(path, f"not a readable tar archive ({err})") from None
    return None


def static_metadata(pkg_info: bytes) -> bytes | None:
    """``pkg_info`` if it is reliable for resolution under PEP 643, else None."""
    headers = email.parser.BytesParser().parse(io.BytesIO(pkg_info), headersonly=True)
    version = headers.get("Metadata-Version", "")
    try:
        major, minor = (int(x) for x in version.strip().split(".")[:2])
    except ValueError:
        return None
    if (major, minor) < (2, 2):
        return None
    dynamic = {d.strip().lower() for d in headers.get_all("Dynamic", [])}
    if dynamic & RESOLVER_FIELDS:
        return None
    return pkg_info


def unpack(path: str | Path, dest: str | Path) -> Path:
    """Unpack an sdist into ``dest`` and return its single top-level directory.

    Members that would land outside ``dest`` (absolute paths, ``..``, links pointing out) are
    refused with an error naming the member, never written.
    """
    path, dest = Path(path), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    if path.name.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                _check_inside(path, root, name)
            zf.extractall(dest)
    else:
        with _members_tar(path) as tf:
            try:
                members = tf.getmembers()
            except (tarfile.TarError, EOFError, OSError) as err:
                raise SdistError(path, f"not a readable tar archive ({err})") from None
            for member in members:
                _check_inside(path, root, member.name)
                if member.issym() or member.islnk():
                    target = PurePosixPath(member.name).parent / member.linkname if member.issym() else PurePosixPath(
                        member.linkname
                    )
                    _check_inside(path, root, str(target))
                if member.isdev():
                    raise SdistError(path, f"member {member.name!r} is a device file")
            tf.extractall(dest, members=members, filter="data")
    tops = [p for p in dest.iterdir()]
    if len(tops) == 1 and tops[0].is_dir():
        return tops[0]
    return dest


def _check_inside(archive: Path, root: Path, name: str) -> None:
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise SdistError(archive, f"member {name!r} has an absolute path")
    target = Path(os.path.normpath(root / name))
    if target != root and root not in target.parents:
        raise SdistError(archive, f"member {name!r} would be written outside the unpack directory")
