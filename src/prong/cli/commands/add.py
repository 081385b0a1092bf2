"""`prong add`: add dependencies to pyproject.toml, lock and sync (``uv add``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("requirements", nargs="*", metavar="REQUIREMENT", help="What to add, e.g. `requests>=2`")
    parser.add_argument("-r", "--requirements", dest="requirements_files", action="append", default=[],
                        metavar="FILE", help="Add the requirements of FILE too")
    parser.add_argument("--optional", metavar="EXTRA", help="Add to the optional dependencies of EXTRA")
    parser.add_argument("--group", metavar="GROUP", help="Add to the dependency group GROUP")
    parser.add_argument("--dev", action="store_true", help="Add to the `dev` group")
    parser.add_argument("--index", action="append", default=[], metavar="[NAME=]URL",
                        help="An index for these packages: NAME=URL adds it to [[tool.uv.index]] and pins them "
                             "to it in [tool.uv.sources]")
    parser.add_argument("--default-index", metavar="URL", help="The default index")
    parser.add_argument("--raw", action="store_true", help="Write the requirements as given (no bound, no source)")
    parser.add_argument("--bounds", choices=("lower", "major", "minor", "exact"),
                        help="The bound written for a requirement without a version (default: lower)")
    parser.add_argument("--package", metavar="PACKAGE",
                        help="The workspace member to act on (default: the one in the current directory)")
    parser.add_argument("--no-sync", action="store_true", help="Lock, but do not sync the environment")
    parser.add_argument("--frozen", action="store_true", help="Edit pyproject.toml only: no lock, no sync")
    parser.add_argument("--locked", action="store_true", help="Fail if uv.lock would change")
    parser.add_argument("--strict-index-urls", action="store_true",
                        help="Fail instead of using `+simple` when an index URL serves a web page")
    parser.add_argument("--exclude-newer", metavar="DATE", help="Ignore files uploaded after DATE (RFC 3339)")
    parser.add_argument("-p", "--python", metavar="PYTHON", help="The interpreter of the environment")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.add import add

    project = settings.project if settings.project is not None else Path.cwd()
    say = (lambda line: None) if settings.quiet else (lambda line: print(line, file=sys.stderr))
    result = add(
        tuple(ns.requirements), project, optional=ns.optional, group=ns.group, dev=ns.dev, indexes=tuple(ns.index),
        raw=ns.raw, bounds=ns.bounds, requirements_files=tuple(ns.requirements_files), package=ns.package,
        no_sync=ns.no_sync,
        frozen=ns.frozen, locked=ns.locked, strict_index_urls=ns.strict_index_urls, config=settings.uv_config,
        cache_dir=settings.cache_dir, no_cache=settings.no_cache, offline=settings.offline, on_event=say,
        default_index=ns.default_index, exclude_newer=ns.exclude_newer, python=ns.python,
    )
    report(result, settings)
    return 0


def report(result: object, settings: GlobalSettings) -> None:
    from prong.cli.commands.lock import _duration
    from prong.cli.commands.sync import print_sync
    from prong.cli.output import print_index_warnings, print_warnings

    lock = getattr(result, "lock", None)
    if lock is not None:
        print_index_warnings(lock.index_warnings, settings)
        print_warnings(lock.warnings, settings)
    if settings.quiet:
        return
    for note in getattr(result, "notes", ()):
        print(note, file=sys.stderr)
    if lock is not None:
        print(f"Resolved {lock.packages} package{'' if lock.packages == 1 else 's'} in {_duration(lock.seconds)}", file=sys.stderr)
    sync = getattr(result, "sync", None)
    if sync is not None:
        print_sync(sync, settings)
