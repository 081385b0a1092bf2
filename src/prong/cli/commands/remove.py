"""`prong remove` (not implemented yet)."""

from __future__ import annotations

import argparse

from prong.cli.settings import GlobalSettings
from prong.errors import NotImplementedYet


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    raise NotImplementedYet("`prong remove`")
