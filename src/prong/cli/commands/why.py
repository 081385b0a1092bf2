"""`prong why PKG`: which requirement chains bring a package in, and why this version."""

from __future__ import annotations

import argparse
from pathlib import Path

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("package", help="A package of the lock")
    parser.add_argument("--no-index", dest="check_index", action="store_false",
                        help="Answer from the lock alone (no question about newer versions)")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.why import render, why

    project = settings.project if settings.project is not None else Path.cwd()
    result = why(ns.package, project, offline=settings.offline, cache_dir=settings.cache_dir,
                 no_cache=settings.no_cache, check_index=ns.check_index)
    for line in render(result):
        print(line)
    return 0
