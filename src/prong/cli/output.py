"""Small printing helpers shared by the command modules."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from prong.cli.settings import GlobalSettings


def print_warnings(warnings: Iterable[str], settings: GlobalSettings) -> None:
    """Each warning as ``warning: ...`` on stderr, unless ``-q`` was given."""
    if settings.quiet:
        return
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def print_index_warnings(warnings: Iterable[str], settings: GlobalSettings) -> None:
    """Index warnings are logged on ``prong.index`` as they happen; print them only if nothing logs."""
    logger = logging.getLogger("prong.index")
    if logger.hasHandlers() and logger.isEnabledFor(logging.WARNING):
        return
    print_warnings(warnings, settings)


def command_line() -> str:
    """The command line that started this process, for the header of a written file."""
    import shlex

    return "prong " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def print_result(text: str, summary: str, settings: GlobalSettings, output_file: object) -> None:
    """As uv: the result goes to stdout unless -q was given with -o (then only to the file), and a
    one-line summary to stderr unless -q."""
    if not settings.quiet or output_file is None:
        sys.stdout.write(text)
    if not settings.quiet:
        print(summary, file=sys.stderr)
