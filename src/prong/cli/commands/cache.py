"""`prong cache dir|clean|prune`."""

from __future__ import annotations

import argparse
import sys

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    if path[-1] == "clean":
        parser.add_argument("packages", nargs="*", metavar="PACKAGE", help="Only remove these packages' entries")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.cache import cache_clean, cache_dir, cache_prune

    what = ns.subcommand
    if what == "dir":
        print(cache_dir(settings.cache_dir))
        return 0
    if what == "clean":
        done = cache_clean(tuple(getattr(ns, "packages", ()) or ()), cache_dir=settings.cache_dir)
    else:
        done = cache_prune(cache_dir=settings.cache_dir)
    if settings.quiet == 0:
        verb = "Removed" if what == "clean" else "Pruned"
        print(f"{verb} {done.files} file{'s' if done.files != 1 else ''} ({_size(done.bytes)}) from {done.root}",
              file=sys.stderr)
    return 0


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"
