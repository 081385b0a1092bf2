"""Small printing helpers shared by the command modules."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from prong.cli.settings import GlobalSettings


def print_warnings(warnings: Iterable[str], settings: GlobalSettings) -> None:
    """Each warning as ``warning: ...`` on stderr, unless ``-q`` was given."""
    if settings.quiet:
        return
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
