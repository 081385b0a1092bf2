"""File writes shared by the commands."""

from __future__ import annotations

import os
from pathlib import Path


def refuse_input_as_output(output: Path, inputs: dict[Path, str]) -> None:
    """Raise a usage error when ``output`` is one of the command's ``inputs`` (path -> what it is):
    writing the result there would destroy the file the command reads (``export -o uv.lock``)."""
    from prong.errors import UsageError

    try:
        target = output.resolve()
    except (OSError, RuntimeError):
        return
    for path, what in inputs.items():
        try:
            same = path.exists() and path.resolve() == target
        except (OSError, RuntimeError):
            same = False
        if same:
            raise UsageError(
                f"refusing to write the output to {output}: it is the {what} this command reads",
                "Pass another file to -o/--output-file.",
            )


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename; a path that exists and is
    not a regular file (``/dev/null``, a FIFO, ``/dev/stdout``) is written in place: renaming
    over it would replace the device with a file. A symlink is written through (its target is
    replaced, the link kept); the file keeps the mode of the one it replaces, and a new file gets
    the mode the umask gives (``mkstemp`` alone would leave 0600)."""
    import stat
    import tempfile

    if path.is_symlink():
        try:
            path = path.resolve(strict=False)
        except (OSError, RuntimeError):
            pass
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        import errno

        raise OSError(errno.EISDIR, "Is a directory", str(path))
    if mode is not None and not stat.S_ISREG(mode):
        with path.open("w", encoding="utf-8") as handle:
            handle.write(text)
        return
    if mode is not None:
        wanted = stat.S_IMODE(mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        wanted = 0o666 & ~umask
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where a directory of the path should be
        import errno

        raise OSError(errno.ENOTDIR, "Not a directory (a file is in the way)", str(path.parent)) from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as err:
        raise OSError(err.errno, err.strerror or str(err), str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, wanted)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        # name the output, not the hidden temporary file beside it
        raise OSError(err.errno, err.strerror or str(err), str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["refuse_input_as_output", "write_atomic"]
