"""`prong remove`: remove dependencies from pyproject.toml, lock and sync (``uv remove``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("packages", nargs="+", metavar="PACKAGE", help="The packages to remove")
    parser.add_argument("--optional", metavar="EXTRA", help="Remove from the optional dependencies of EXTRA")
    parser.add_argument("--group", metavar="GROUP", help="Remove from the dependency group GROUP")
    parser.add_argument("--dev", action="store_true", help="Remove from the `dev` group")
    parser.add_argument("--package", metavar="PACKAGE",
                        help="The workspace member to act on (default: the one in the current directory)")
    parser.add_argument("--no-sync", action="store_true", help="Lock, but do not sync the environment")
    parser.add_argument("--frozen", action="store_true", help="Edit pyproject.toml only: no lock, no sync")
    parser.add_argument("--locked", action="store_true", help="Fail if uv.lock would change")
    parser.add_argument("-p", "--python", metavar="PYTHON", help="The interpreter of the environment")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.add import remove
    from prong.cli.commands.add import report

    project = settings.project if settings.project is not None else Path.cwd()
    say = (lambda line: None) if settings.quiet else (lambda line: print(line, file=sys.stderr))
    result = remove(tuple(ns.packages), project, optional=ns.optional, group=ns.group, dev=ns.dev, package=ns.package,
                    no_sync=ns.no_sync, frozen=ns.frozen, locked=ns.locked, config=settings.uv_config,
                    cache_dir=settings.cache_dir, no_cache=settings.no_cache, offline=settings.offline,
                    on_event=say, python=ns.python)
    report(result, settings)
    return 0
