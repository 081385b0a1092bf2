"""How errors look on the terminal: the one place that knows the glyphs.

Every error the CLI prints goes through :func:`render_error`: prong's own errors, argparse's usage
errors (raised as :class:`~prong.errors.UsageError` by ``prong.cli.args.Parser``), an ``OSError``
(:func:`os_problem`), an interrupt and an unexpected exception (:func:`bug`). Colour (``error`` in
bold red, ``hint`` in bold cyan, as uv) only when :func:`use_color` says so: ``--color always``, or
``auto`` on a terminal with ``NO_COLOR`` unset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from prong.errors import ParseError, ProngError

#: Where to report a bug (the line an unexpected exception ends with).
REPORT_URL = "prong's issue tracker"  # no address is configured for the project yet

_RED, _CYAN, _BOLD, _RESET = "\x1b[31m", "\x1b[36m", "\x1b[1m", "\x1b[0m"


def use_color(choice: str | None, stream: object, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour what goes to ``stream``: ``always``; never with ``never``, with ``NO_COLOR``
    set (non-empty) or off a terminal (or with ``TERM=dumb``)."""
    env = os.environ if environ is None else environ
    if choice == "always":
        return True
    if choice == "never" or env.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty()) and env.get("TERM") != "dumb"


def render_error(err: BaseException, verbose: int = 0, color: bool = False) -> str:
    """Render a :class:`ProngError` as ``error: ...`` followed by ``hint: ...`` lines; with
    ``verbose``, an error that has a ``verbose_str()`` (a build's whole output) shows that."""
    if isinstance(err, ParseError):
        head = f"error: invalid {err.kind}: {err}"
    elif verbose and callable(getattr(err, "verbose_str", None)):
        head = f"error: {err.verbose_str()}"  # type: ignore[attr-defined]
    else:
        head = f"error: {err}"
    lines = [head]
    cause = err.__cause__
    while cause is not None:
        lines.append(f"  caused by: {cause}")
        cause = cause.__cause__
    hints: Sequence[str] = err.hints() if isinstance(err, ProngError) else ()
    for hint in hints:
        first, *rest = str(hint).splitlines() or [""]
        lines.append(f"hint: {first}")
        lines.extend(f"      {line}" if line else "" for line in rest)
    from prong.client.auth import redact_text
    from prong.errors import shorten_words

    # credentials out first (a cut could hide the `@` that marks them), then no echoed value longer
    # than a line or two: a 100 000-character name is shown as its start and its length
    text = shorten_words(redact_text("\n".join(lines)))
    if color:
        text = "\n".join(_paint(line) for line in text.split("\n"))
    return text


def _paint(line: str) -> str:
    for word, colour in (("error", _RED), ("hint", _CYAN)):
        if line.startswith(word + ":"):
            return f"{_BOLD}{colour}{word}{_RESET}{_BOLD}:{_RESET}{line[len(word) + 1:]}"
    return line


class _Problem(ProngError):
    """An error built by the CLI itself: a message and hint lines, with an exit code."""

    def __init__(self, message: str, hints: Sequence[str] = (), exit_code: int = 1) -> None:
        super().__init__(message)
        self._hints = tuple(hints)
        self.exit_code = exit_code

    def hints(self) -> Sequence[str]:
        return self._hints


_OS_HINTS = {
    "EISDIR": "Name a file, not a directory.",
    "ENOTDIR": "A part of the path is a file, not a directory.",
    "ENOENT": "Check the path.",
    "EACCES": "Check the file's permissions.",
    "EPERM": "Check the file's permissions.",
    "EROFS": "The file system is read-only: write somewhere else.",
    "ENOSPC": "Free some space on that disk, or write somewhere else.",
    "EEXIST": "Choose another path, or move the existing file out of the way.",
}


def os_problem(err: OSError) -> ProngError:
    """An ``OSError`` as a sentence naming the path, with a hint, instead of ``[Errno N] ...``
    (exit code 1)."""
    import errno as errno_names

    what = (err.strerror or str(err)).rstrip(".")
    what = what[:1].lower() + what[1:]
    where = f"{err.filename}: " if err.filename is not None else ""
    hint = _OS_HINTS.get(errno_names.errorcode.get(err.errno or 0, ""))
    return _Problem(f"{where}{what}", (hint,) if hint else ())


def interrupted() -> ProngError:
    """Ctrl-C: ``error: interrupted`` (exit code 130)."""
    return _Problem("interrupted", (), 130)


#: The exit status of an unexpected exception (a bug in prong), as uv's.
BUG_EXIT_CODE = 2


def bug(err: BaseException, *, traceback: bool) -> ProngError:
    """An exception prong did not expect: one ``error:`` naming it and a hint asking to report it
    (exit code 2). With ``traceback`` (``-vv`` or ``PRONG_DEBUG=1``) the caller prints
    :func:`format_traceback` first."""
    what = str(err).strip().splitlines()[0] if str(err).strip() else ""
    again = "." if traceback else " and the output of the same command run with -vv (or PRONG_DEBUG=1)."
    return _Problem(f"prong failed unexpectedly: {type(err).__name__}{': ' + what if what else ''}",
                    (f"This is a bug in prong: please report it to {REPORT_URL} with the command line{again}",),
                    BUG_EXIT_CODE)


def format_traceback(err: BaseException) -> str:
    import traceback as tb

    from prong.client.auth import redact_text

    return redact_text("".join(tb.format_exception(err)).rstrip("\n"))
