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
