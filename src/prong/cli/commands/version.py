"""`prong version`: show or change the project's version (``uv version``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("value", nargs="?", help="Set the version to VALUE")
    parser.add_argument("--bump", action="append", default=[],
                        choices=("major", "minor", "patch", "alpha", "beta", "rc", "post", "dev"),
                        help="Raise a part of the version (repeatable: `--bump patch --bump alpha`)")
    parser.add_argument("--short", action="store_true", help="Print the version only")
    parser.add_argument("--dry-run", action="store_true", help="Show the new version; write nothing")
    parser.add_argument("--frozen", action="store_true", help="Write pyproject.toml only: no lock, no sync")
    parser.add_argument("--package", metavar="PACKAGE",
                        help="The workspace member to act on (default: the one in the current directory)")
    parser.add_argument("--no-sync", action="store_true", help="Lock, but do not sync")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    import sys

    from prong.api.version import version

    project = settings.project if settings.project is not None else Path.cwd()
    say = (lambda line: None) if settings.quiet else (lambda line: print(line, file=sys.stderr))
    result = version(project, value=ns.value, bump=tuple(ns.bump), package=ns.package, dry_run=ns.dry_run, frozen=ns.frozen,
                     no_sync=ns.no_sync, config=settings.uv_config(), cache_dir=settings.cache_dir,
                     no_cache=settings.no_cache, offline=settings.offline, on_event=say)
    if ns.short:
        print(result.new)
    elif result.new != result.old or ns.value or ns.bump:
        print(f"{result.name} {result.old} => {result.new}")
    else:
        print(f"{result.name} {result.old}")
    if result.sync is not None:
        from prong.cli.commands.sync import print_sync

        print_sync(result.sync, settings)
    return 0
