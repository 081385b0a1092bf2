"""Source distributions: safe unpacking and metadata read without a build.

As uv does, an sdist's metadata is taken, without running its backend, from (in this order):

1. its ``pyproject.toml`` ``[project]`` table (PEP 621) when ``dependencies``,
   ``optional-dependencies`` and ``requires-python`` are not ``dynamic`` (a dynamic or missing
   ``version`` is the file name's: an sdist's version is fixed by it), and it is not a Poetry
   project without ``project.dependencies``;
2. its ``PKG-INFO`` when its Metadata-Version is 2.2 or later (and below 3) and none of
   ``Requires-Dist``, ``Requires-Python``, ``Provides-Extra`` is ``Dynamic`` (PEP 643).

Either is used only when its name and version agree with the file name's; otherwise the next
one is tried, and with neither the backend has to compute the metadata.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from prong.errors import ProngError

if TYPE_CHECKING:
    import tarfile

# tarfile and email.parser are imported where an sdist is read: a resolution whose metadata all
# comes from wheels or the cache (every `prong lock` with a warm cache) does without them.

#: The fields a resolver reads; if any is Dynamic the backend must compute the metadata.
RESOLVER_FIELDS = frozenset({"requires-dist", "requires-python", "provides-extra"})


class SdistError(ProngError):
    """An sdist that cannot be read or unpacked safely."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{Path(path).name}: {problem}")


def _members_tar(path: Path) -> tarfile.TarFile:
    import tarfile

    try:
        return tarfile.open(path, mode="r:*")
    except (tarfile.TarError, OSError) as err:
        raise SdistError(path, f"not a readable tar archive ({err})") from None


def read_pkg_info(path: str | Path) -> bytes | None:
    """The top-level ``PKG-INFO`` of an sdist (``name-version/PKG-INFO``), or None if absent."""
    return read_top_file(path, "PKG-INFO")


def read_top_file(path: str | Path, filename: str) -> bytes | None:
    """The file ``filename`` in an sdist's top directory (``name-version/<filename>``), or None."""
    import tarfile

    path = Path(path)
    if path.name.endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    parts = PurePosixPath(name).parts
                    if len(parts) == 2 and parts[1] == filename:
                        return zf.read(name)
        except zipfile.BadZipFile as err:
            raise SdistError(path, f"not a readable zip archive ({err})") from None
        return None
    try:
        with _members_tar(path) as tf:
            for member in tf:
                parts = PurePosixPath(member.name).parts
                if len(parts) == 2 and parts[1] == filename and member.isfile():
                    handle = tf.extractfile(member)
                    return handle.read() if handle is not None else None
    except (tarfile.TarError, EOFError, OSError) as err:
        raise SdistError(path, f"not a readable tar archive ({err})") from None
    return None


def static_metadata(pkg_info: bytes) -> bytes | None:
    """``pkg_info`` if it is reliable for resolution under PEP 643, else None.

    Field names are compared without regard to case (``Dynamic: requires-dist`` counts too,
    where uv looks for the exact spelling only)."""
    import email.parser

    headers = email.parser.BytesParser().parse(io.BytesIO(pkg_info), headersonly=True)
    version = headers.get("Metadata-Version", "")
    try:
        major, minor = (int(x) for x in version.strip().split(".")[:2])
    except ValueError:
        return None
    if (major, minor) < (2, 2) or major >= 3:
        return None
    dynamic = {d.strip().lower() for d in headers.get_all("Dynamic", [])}
    if dynamic & RESOLVER_FIELDS:
        return None
    if not headers.get("Name") or not headers.get("Version"):
        return None
    return pkg_info


def pyproject_metadata(text: str, sdist_version: str | None = None) -> bytes | None:
    """Core metadata (Metadata-Version 2.2) made from a ``pyproject.toml`` ``[project]`` table,
    or None when the table does not say what a resolver needs (PEP 621).

    The fields a resolver reads must not be ``dynamic``; ``version`` may be when
    ``sdist_version`` (the version in an sdist's file name) stands in for it. An unreadable file
    or table, or a requirement that does not parse, gives None: the backend decides then.
    Optional dependencies become ``Requires-Dist`` entries with an ``extra == "name"`` marker.
    """
    import tomllib

    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    project = data.get("project")
    if not isinstance(project, dict):
        return None
    dynamic = project.get("dynamic", [])
    if not isinstance(dynamic, list):
        return None
    if {"dependencies", "optional-dependencies", "requires-python"} & set(dynamic):
        return None
    name = project.get("name")
    if not isinstance(name, str) or not name:
        return None
    version = project.get("version") if "version" not in dynamic else None
    if version is None:
        version = sdist_version
    if not isinstance(version, str) or not version:
        return None
    dependencies = project.get("dependencies")
    tool = data.get("tool")
    if dependencies is None and isinstance(tool, dict) and "poetry" in tool:
        return None  # Poetry's own dependency tables: the backend knows them, [project] does not
    optional = project.get("optional-dependencies", {})
    requires_python = project.get("requires-python")
    if not _str_list(dependencies or []) or not isinstance(optional, dict):
        return None
    if requires_python is not None and not isinstance(requires_python, str):
        return None
    lines = ["Metadata-Version: 2.2", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    try:
        requires = [str(Requirement(r)) for r in dependencies or []]
        extras: list[str] = []
        for extra, reqs in optional.items():
            if not isinstance(extra, str) or not _str_list(reqs):
                return None
            key = str(canonicalize_name(extra))
            extras.append(key)
            for text_ in reqs:
                req = Requirement(text_)
                marker = str(req.marker) if req.marker is not None else None
                req.marker = None
                cond = f'({marker}) and extra == "{key}"' if marker else f'extra == "{key}"'
                requires.append(f"{req} ; {cond}")
    except InvalidRequirement:
        return None
    lines += [f"Provides-Extra: {e}" for e in extras]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return ("\n".join(lines) + "\n\n").encode()


def _str_list(value: object) -> bool:
    """Whether ``value`` is a list of strings (an empty one included)."""
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def sdist_static_metadata(path: str | Path, name: str, version: str) -> tuple[bytes, str] | None:
    """Metadata of the sdist at ``path`` read without a build, and where it came from
    (``"pyproject.toml"`` or ``"PKG-INFO"``), or None: see the module's docstring.

    ``name`` and ``version`` are the file name's; metadata naming another project or version
    is not used (a ``+local`` label on the metadata's version is ignored in that comparison)."""
    raw = read_top_file(path, "pyproject.toml")
    if raw is not None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        md = pyproject_metadata(text, version) if text is not None else None
        if md is not None and _agrees(md, name, version):
            return md, "pyproject.toml"
    pkg_info = read_top_file(path, "PKG-INFO")
    if pkg_info is not None:
        md = static_metadata(pkg_info)
        if md is not None and _agrees(md, name, version):
            return md, "PKG-INFO"
    return None


def _agrees(metadata: bytes, name: str, version: str) -> bool:
    import email.parser

    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version

    headers = email.parser.BytesParser().parse(io.BytesIO(metadata), headersonly=True)
    if canonicalize_name(headers.get("Name", "")) != canonicalize_name(name):
        return False
    try:
        have, want = Version(headers.get("Version", "")), Version(version)
    except InvalidVersion:
        return False
    return have == want or Version(have.public) == want


def unpack(path: str | Path, dest: str | Path) -> Path:
    """Unpack an sdist into ``dest`` and return its single top-level directory.

    Members that would land outside ``dest`` (absolute paths, ``..``, links pointing out) are
    refused with an error naming the member, never written.
    """
    import tarfile

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
