"""Install an unpacked wheel into a venv by linking its files, and uninstall by RECORD.

``link_unpacked`` places every file of a wheel unpacked in the cache (see :mod:`.unpack`):
the root into purelib/platlib, ``<name>.data/<scheme>/`` into the venv's scheme (``scripts``
with their ``#!python`` shebang rewritten, ``headers`` under ``include/site/pythonX.Y/<name>``,
``data`` at the venv root), by hard link (the default; a copy where the file system refuses),
copy, symlink or clone (reflink where the OS offers it, else a copy). Then it writes the
console and GUI scripts of ``entry_points.txt``, ``INSTALLER`` (``prong``), ``REQUESTED``,
``direct_url.json`` and ``uv_cache.json`` (uv's freshness record of a local source) when given,
and ``RECORD`` listing all of them (sorted by path, as uv
writes it). The ``.dist-info``
directory is assembled under a temporary name and renamed last, so until then the package
does not count as installed; any error or interrupt removes what was written (the package is
whole or absent).
"""

from __future__ import annotations

import configparser
import contextlib
import csv
import errno
import io
import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from prong.errors import ProngError
from prong.installer.unpack import InvalidWheel, Unpacked, record_hash

if TYPE_CHECKING:
    from prong.venv import Venv

__all__ = ["LinkMode", "finish_removals", "install_wheel_file", "link_unpacked", "uninstall"]

LinkMode = Literal["hardlink", "copy", "symlink", "clone"]
INSTALLER_NAME = "prong"
_REMOVING = ".prong-del"  # the suffix of a .dist-info being uninstalled


class InstallError(ProngError):
    def __init__(self, what: str, why: str) -> None:
        self.what, self.why = what, why
        super().__init__(f"failed to install {what}: {why}")


@dataclass
class _Linker:
    mode: LinkMode

    def place(self, src: Path | str, dest: Path | str) -> None:
        mode = self.mode
        if mode == "hardlink":
            try:
                _replace_with(lambda: os.link(src, dest), dest)
                return
            except OSError as err:
                if err.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES):
                    raise
                self.mode = "copy"  # across file systems: copy from now on
        elif mode == "symlink":
            _replace_with(lambda: os.symlink(src, dest), dest)
            return
        elif mode == "clone":
            if _reflink(src, dest):
                return
        _replace_with(lambda: shutil.copy2(src, dest), dest)


def _replace_with(action: object, dest: Path | str) -> None:
    try:
        action()  # type: ignore[operator]
    except FileExistsError:
        os.unlink(dest)
        action()  # type: ignore[operator]


def _reflink(src: Path | str, dest: Path | str) -> bool:
    """A copy-on-write clone (Linux FICLONE), ``False`` when the file system cannot."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return False
    ficlone = 0x40049409
    with contextlib.suppress(FileNotFoundError):
        os.unlink(dest)
    try:
        with open(src, "rb") as s, open(dest, "wb") as d:
            fcntl.ioctl(d.fileno(), ficlone, s.fileno())
        shutil.copystat(src, dest)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(dest)
        return False


def _link_tree(site: str, files: str, paths: list[str], linker: _Linker, written: list[Path | str]) -> None:
    """Place ``files/<path>`` at ``site/<path>`` for each path: the directories first (parents
    before children; those made are added to ``written``), then the files (each added too)."""
    parents = {p.rpartition("/")[0] for p in paths}
    parents.discard("")
    for d in list(parents):
        while "/" in d:
            d = d.rpartition("/")[0]
            if d in parents:
                break
            parents.add(d)
    mkdir = os.mkdir
    for d in sorted(parents):  # a parent is a prefix of its children: it sorts first
        target = f"{site}/{d}"
        try:
            mkdir(target)
        except FileExistsError:
            continue
        written.append(target)
    append = written.append
    # each path is noted before it is made: an interrupt between the two leaves nothing unnoted
    if linker.mode != "hardlink":
        for p in paths:
            dest = f"{site}/{p}"
            append(dest)
            linker.place(f"{files}/{p}", dest)
        return
    link = os.link
    for i, p in enumerate(paths):
        dest = f"{site}/{p}"
        append(dest)
        try:
            link(f"{files}/{p}", dest)
        except FileExistsError:
            os.unlink(dest)
            link(f"{files}/{p}", dest)
        except OSError as err:
            if err.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES):
                raise
            linker.mode = "copy"  # across file systems: copy this file and the rest
            for q in paths[i:]:
                target = f"{site}/{q}"
                if q != p:
                    append(target)
                linker.place(f"{files}/{q}", target)
            return


def _shebang(python: Path) -> str:
    exe = str(python)
    if len(exe) + 3 > 127 or " " in exe:
        quoted = exe.replace("'", "'\"'\"'")
        return f"#!/bin/sh\n'''exec' '{quoted}' \"$0\" \"$@\"\n' '''"
    return f"#!{exe}"


_ENTRY = re.compile(r"^(?P<module>[\w.]+)\s*(?::\s*(?P<attr>[\w.]+))?\s*(?P<extras>\[.*\])?\s*$")


def _script_text(shebang: str, module: str, attr: str) -> str:
    head = attr.split(".")[0]
    return (f"{shebang}\n# -*- coding: utf-8 -*-\nimport sys\nfrom {module} import {head}\n"
            f"if __name__ == \"__main__\":\n"
            f"    if sys.argv[0].endswith(\"-script.pyw\"):\n        sys.argv[0] = sys.argv[0][:-11]\n"
            f"    elif sys.argv[0].endswith(\".exe\"):\n        sys.argv[0] = sys.argv[0][:-4]\n"
            f"    sys.exit({attr}())\n")


def _entry_points(path: Path) -> list[tuple[str, str, str]]:
    """(name, module, attr) of ``[console_scripts]`` and ``[gui_scripts]``."""
    if not path.is_file():
        return []
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except configparser.Error:
        return []
    out = []
    for section in ("console_scripts", "gui_scripts"):
        if parser.has_section(section):
            for name, value in parser.items(section):
                m = _ENTRY.match(value)
                if m and m.group("attr") and "/" not in name and "\\" not in name and name not in ("", ".", ".."):
                    out.append((name, m.group("module"), m.group("attr")))
    return out


def link_unpacked(
    unpacked: Unpacked,
    venv: Venv,
    *,
    link_mode: LinkMode = "hardlink",
    direct_url: Mapping[str, object] | None = None,
    extra_files: Mapping[str, bytes] | None = None,
    cache_info: bytes | None = None,
) -> list[str]:
    """Install ``unpacked`` into ``venv``; returns the RECORD paths written (relative to site-packages).

    ``extra_files`` are more files for the root of site-packages (an editable install's ``.pth``);
    ``cache_info`` the ``uv_cache.json`` of an install from a local source
    (:func:`prong.pep517.metadata_cache.cache_info_json`)."""
    scheme = venv.scheme()
    site = scheme["purelib"] if unpacked.purelib else scheme["platlib"]
    dist_info = f"{unpacked.dist_info}.dist-info"
    staging = site / f".{dist_info}.prong-tmp"
    name = unpacked.dist_info.rsplit("-", 1)[0]
    data_prefix = f"{unpacked.dist_info}.data/"
    python = venv.python
    shebang = _shebang(python)
    linker = _Linker(link_mode)
    written: list[Path | str] = []
    made: set[Path] = set()
    record: list[tuple[str, str, str]] = []

    def mkdir(directory: Path) -> None:
        if directory not in made:
            if not directory.is_dir():
                # remember the directories we create, to remove them again on failure
                missing = []
                d = directory
                while not d.exists():
                    missing.append(d)
                    d = d.parent
                written.extend(reversed(missing))  # before: an interrupt may come at any point
                directory.mkdir(parents=True, exist_ok=True)
            made.add(directory)

    def rel(dest: Path) -> str:
        return os.path.relpath(dest, site).replace(os.sep, "/")

    if staging.exists():
        shutil.rmtree(staging)
    committing = False
    try:
        site_s, files_s = str(site), str(unpacked.files)
        dist_info_slash = f"{dist_info}/"
        # The common case first, in a tight loop: the files of the wheel's root (everything but
        # its .dist-info and .data), their directories made parents first, then one link each.
        plain = [row for row in unpacked.record
                 if not row[0].startswith(data_prefix) and not row[0].startswith(dist_info_slash)]
        _link_tree(site_s, files_s, [row[0] for row in plain], linker, written)
        record.extend(plain)
        for path, digest, size in unpacked.record:
            if not path.startswith(data_prefix) and not path.startswith(dist_info_slash):
                continue
            if path.startswith(data_prefix):
                src = unpacked.files / path
                key, _, rest = path[len(data_prefix):].partition("/")
                if key in ("purelib", "platlib"):
                    dest = scheme[key] / rest
                elif key == "scripts":
                    dest = scheme["scripts"] / rest
                elif key == "headers":
                    dest = scheme["include"] / name / rest
                elif key == "data":
                    dest = scheme["data"] / rest
                else:
                    raise InvalidWheel(src.name, f"unknown .data scheme `{key}` ({path})")
                if not rest:
                    continue
                if venv.root not in dest.resolve().parents and dest.resolve() != venv.root:
                    raise InvalidWheel(path, "a .data path escapes the environment")
                mkdir(dest.parent)
                if key == "scripts":
                    content = src.read_bytes()
                    if content.startswith(b"#!python"):
                        _, _, body = content.partition(b"\n")
                        content = shebang.encode() + b"\n" + body
                        digest, size = record_hash(content), str(len(content))
                        with contextlib.suppress(FileNotFoundError):
                            dest.unlink()
                        written.append(dest)
                        dest.write_bytes(content)
                        os.chmod(dest, 0o755)
                        record.append((rel(dest), digest, size))
                        continue
                    written.append(dest)
                    linker.place(src, dest)
                    if not os.access(dest, os.X_OK):
                        os.chmod(dest, 0o755)
                    record.append((rel(dest), digest, size))
                    continue
                written.append(dest)
                linker.place(src, dest)
                record.append((rel(dest), digest, size))
                continue
            src = unpacked.files / path
            dest = staging / path[len(dist_info) + 1:]
            mkdir(staging)
            mkdir(dest.parent)
            written.append(dest)
            linker.place(src, dest)
            record.append((path, digest, size))

        for file_name, content in (extra_files or {}).items():
            dest = site / file_name
            written.append(dest)
            dest.write_bytes(content)
            record.append((file_name, record_hash(content), str(len(content))))

        scripts = _entry_points(unpacked.files / dist_info / "entry_points.txt")
        if scripts:
            mkdir(scheme["scripts"])
        for script, module, attr in scripts:
            dest = scheme["scripts"] / script
            content = _script_text(shebang, module, attr).encode()
            with contextlib.suppress(FileNotFoundError):
                dest.unlink()
            written.append(dest)
            dest.write_bytes(content)
            os.chmod(dest, 0o755)
            record.append((rel(dest), record_hash(content), str(len(content))))

        mkdir(staging)
        meta: list[tuple[str, bytes]] = [("REQUESTED", b"")]
        if direct_url is not None:
            meta.append(("direct_url.json", json.dumps(direct_url, separators=(",", ":")).encode()))
        if cache_info is not None:
            meta.append(("uv_cache.json", cache_info))
        meta.append(("INSTALLER", INSTALLER_NAME.encode()))
        for file_name, content in meta:
            (staging / file_name).write_bytes(content)
            record.append((f"{dist_info}/{file_name}", record_hash(content), str(len(content))))
        record.append((f"{dist_info}/RECORD", "", ""))
        record.sort(key=lambda row: row[0])  # uv writes RECORD sorted by path
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerows(record)
        (staging / "RECORD").write_text(buf.getvalue(), encoding="utf-8")
        final = site / dist_info
        if final.exists():
            shutil.rmtree(final)
        committing = True
        os.rename(staging, final)
    except BaseException:
        if committing and not staging.exists():
            raise  # interrupted just after the rename: the package is installed, whole
        for path in reversed(written):
            with contextlib.suppress(OSError):
                if os.path.isdir(path) and not os.path.islink(path):
                    os.rmdir(path)
                else:
                    os.unlink(path)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [r[0] for r in record]


def uninstall(dist_info: Path, venv_root: Path) -> int:
    """Remove an installed distribution by its RECORD (only paths inside ``venv_root``), the
    bytecode of its modules, the directories that become empty, and last the ``.dist-info``.
    Returns the number of files removed.

    The ``.dist-info`` is first renamed to a hidden name (``.<name>.dist-info.prong-del``), so
    that from the first file removed on the package no longer counts as installed: an interrupt
    leaves no broken package, and :func:`finish_removals` completes the removal."""
    site = dist_info.parent
    if dist_info.name.endswith(_REMOVING):
        original = site / dist_info.name[1 : -len(_REMOVING)]
    else:
        original, dist_info = dist_info, site / f".{dist_info.name}{_REMOVING}"
        if dist_info.exists():  # an earlier removal of this name-version, cut short
            uninstall(dist_info, venv_root)
        os.rename(original, dist_info)
    root = venv_root.resolve()
    removed = 0
    dirs: set[Path] = set()
    record = dist_info / "RECORD"
    rows: list[list[str]] = []
    if record.is_file():
        rows = list(csv.reader(io.StringIO(record.read_text(encoding="utf-8", errors="replace"))))
    for row in rows:
        if not row or not row[0]:
            continue
        target = Path(os.path.normpath(site / row[0]))
        if target.is_relative_to(dist_info) or target.is_relative_to(original):
            continue
        try:
            resolved_parent = target.parent.resolve()
        except OSError:
            continue
        if resolved_parent != root and root not in resolved_parent.parents:
            continue  # RECORD points outside the environment: never touch it
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
            target.unlink()
            removed += 1
        if target.suffix == ".py":
            cache = target.parent / "__pycache__"
            if cache.is_dir():
                for pyc in cache.glob(f"{target.stem}.*.pyc"):
                    with contextlib.suppress(OSError):
                        pyc.unlink()
                dirs.add(cache)
        dirs.add(target.parent)
    stop = {site, root}
    for directory in sorted(dirs, key=lambda d: len(d.parts), reverse=True):
        d = directory
        while d not in stop and root in d.parents:
            try:
                d.rmdir()
            except OSError:
                break
            d = d.parent
    shutil.rmtree(dist_info, ignore_errors=True)  # last: until then, finish_removals can resume
    return removed


def finish_removals(site_packages: Path, venv_root: Path) -> int:
    """Complete the uninstalls an interrupt cut short (see :func:`uninstall`); returns how many."""
    try:
        pending = [p for p in site_packages.iterdir() if p.name.startswith(".") and p.name.endswith(_REMOVING)]
    except FileNotFoundError:
        return 0
    for path in pending:
        uninstall(path, venv_root)
    return len(pending)


def install_wheel_file(wheel: Path, venv: Venv, *, link_mode: LinkMode = "copy") -> str:
    """Install one local wheel file into ``venv`` (unpacked in a temporary directory); returns
    ``name==version``. For seeding pip; syncs go through the cache."""
    import tempfile

    from prong.installer.unpack import unpack_wheel

    with tempfile.TemporaryDirectory(prefix="prong-wheel-") as tmp:
        unpacked = unpack_wheel(wheel, Path(tmp) / "unpacked")
        link_unpacked(unpacked, venv, link_mode=link_mode)
        name, _, version = unpacked.dist_info.rpartition("-")
    return f"{name}=={version}"
