"""`prong lock`: resolve the project for every environment into uv.lock (``uv lock``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("--locked", action="store_true",
                        help="Fail (and write nothing) if uv.lock would change; say what differs")
    parser.add_argument("--check", action="store_true", help="Same as --locked (uv's name)")
    parser.add_argument("--frozen", action="store_true", help="Resolve and report, but never write uv.lock")
    parser.add_argument("--dry-run", action="store_true", help="Resolve and report what would change; write nothing")
    parser.add_argument("-U", "--upgrade", action="store_true", help="Ignore the versions in uv.lock")
    parser.add_argument("-P", "--upgrade-package", action="append", default=[], metavar="PACKAGE",
                        help="Ignore the locked version of PACKAGE (repeatable)")
    parser.add_argument("--exclude-newer", metavar="DATE", help="Ignore files uploaded after DATE (RFC 3339)")
    parser.add_argument("--index", action="append", default=[], metavar="[NAME=]URL",
                        help="Another index (named), tried before the default one")
    parser.add_argument("--default-index", metavar="URL", help="The default index")
    parser.add_argument("-i", "--index-url", metavar="URL", help="The default index (pip's name)")
    parser.add_argument("--extra-index-url", action="append", default=[], metavar="URL",
                        help="Another index, tried before the default one")
    parser.add_argument("--index-strategy", choices=("first-index", "unsafe-first-match", "unsafe-best-match"))
    parser.add_argument("--strict-index-urls", action="store_true",
                        help="Fail instead of probing `+simple` when an index URL serves a web page")
    parser.add_argument("--resolution", choices=("highest", "lowest", "lowest-direct"))
    parser.add_argument("--prerelease", choices=("disallow", "allow", "if-necessary", "explicit",
                                                 "if-necessary-or-explicit"))
    parser.add_argument("--fork-strategy", choices=("requires-python", "fewest"))
    parser.add_argument("-p", "--python", metavar="PYTHON",
                        help="Accepted for uv compatibility (a universal lock does not depend on it)")
    parser.add_argument("--refresh", action="store_true", help="Revalidate every cached page and file")
    parser.add_argument("--refresh-package", action="append", default=[], metavar="PACKAGE",
                        help="Revalidate the cached pages and files of PACKAGE (repeatable)")
    from prong.cli.commands.sync import add_build_arguments

    add_build_arguments(parser)


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.lock import lock
    from prong.cli.commands.sync import build_kwargs
    from prong.cli.output import print_index_warnings, print_warnings

    from prong.cli import logs, quick

    memo, quick.pending = quick.pending, None
    logged = logs.written
    config = settings.uv_config()
    project = settings.project if settings.project is not None else Path.cwd()
    result = lock(
        project,
        locked=ns.locked or ns.check,
        frozen=ns.frozen,
        dry_run=ns.dry_run,
        upgrade=ns.upgrade,
        upgrade_packages=tuple(ns.upgrade_package),
        config=config,
        default_index=ns.default_index,
        indexes=tuple(ns.index),
        index_url=ns.index_url,
        extra_index_urls=tuple(ns.extra_index_url),
        index_strategy=ns.index_strategy,
        strict_index_urls=ns.strict_index_urls,
        exclude_newer=ns.exclude_newer,
        resolution=ns.resolution,
        prerelease=ns.prerelease,
        fork_strategy=ns.fork_strategy,
        cache_dir=settings.cache_dir,
        no_cache=settings.no_cache,
        offline=settings.offline,
        refresh=ns.refresh,
        refresh_packages=tuple(ns.refresh_package),
        **build_kwargs(ns),  # type: ignore[arg-type]
    )
    # configuration warnings only now: a pyproject.toml that cannot be read is the error itself
    print_warnings(config.warnings, settings)
    print_index_warnings(result.index_warnings, settings)
    print_warnings(result.warnings, settings)
    if not settings.quiet:
        for note in result.notes:  # why the existing lock was not used, where uv says so too
            print(note, file=sys.stderr)
        print(f"Resolved {result.packages} package{'' if result.packages == 1 else 's'} in {_duration(result.seconds)}", file=sys.stderr)
        # uv's words: each package added, updated or removed (a dry run: "Add ...", and every
        # package of a first lock); then, for a dry run, whether anything else changed
        if ns.dry_run:
            lines = [e.render(dry_run=True) for e in result.events]
            if not result.changed:
                lines = ["No lockfile changes detected"]
            elif not lines:
                lines = ["Lockfile changes detected"]
            for line in lines:
                print(line, file=sys.stderr)
        elif result.had_lock:
            for event in result.events:
                print(event.render(), file=sys.stderr)
    if memo is not None:  # the same inputs give this lock, and print the same line, until a page goes stale
        printed_more = bool(config.warnings or result.index_warnings or result.warnings or result.notes
                            or (result.had_lock and result.events) or logs.written != logged or ns.dry_run)
        quick.remember(memo, result, printed_more)
    return 0


def _duration(seconds: float) -> str:
    """uv's style: ``25ms``, ``1.34s``."""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    return f"{seconds:.2f}s"
