"""`prong index versions NAME`: list the versions an index offers for a target, like pip's."""

from __future__ import annotations

import argparse
import logging

from prong.cli.settings import GlobalSettings

_STRATEGIES = ("first-index", "unsafe-first-match", "unsafe-best-match")


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("name", metavar="NAME", help="The package to look up")
    g = parser.add_argument_group("index options")
    g.add_argument("--index-url", "-i", metavar="URL", help="The default index (replaces the default)")
    g.add_argument("--extra-index-url", metavar="URL", action="append", default=[],
                   help="An extra index, asked before the default one (repeatable)")
    g.add_argument("--index", metavar="[NAME=]URL", action="append", default=[],
                   help="An index asked before the default one, optionally named (repeatable)")
    g.add_argument("--default-index", metavar="URL", help="The default index (asked last)")
    g.add_argument("--find-links", "-f", metavar="PATH_OR_URL", action="append", default=[],
                   help="A directory or HTML page of links to distributions (repeatable)")
    g.add_argument("--no-index", action="store_true", help="Ignore every index; only --find-links")
    g.add_argument("--index-strategy", choices=_STRATEGIES, default=None,
                   help="How to combine several indexes (default: first-index)")
    g.add_argument("--strict-index-urls", action="store_true",
                   help="Fail instead of falling back to `+simple` when an index URL serves a web page")
    t = parser.add_argument_group("target options")
    t.add_argument("--python-version", metavar="X.Y", help="The Python version to list versions for")
    t.add_argument("--python-platform", metavar="TRIPLE",
                   help="The platform to list versions for, e.g. aarch64-unknown-linux-gnu")
    t.add_argument("--pre", action="store_true", help="Include pre-releases")
    t.add_argument("--exclude-newer", metavar="DATE", help="Leave out files uploaded after DATE (RFC 3339 or a date)")
    c = parser.add_argument_group("cache options")
    c.add_argument("--refresh", action="store_true", help="Revalidate every cached page and file")
    c.add_argument("--refresh-package", action="append", default=[], metavar="PACKAGE",
                   help="Revalidate the cached pages and files of PACKAGE (repeatable)")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.index import NoMatchingVersionsError, index_versions
    from prong.cli.output import print_index_warnings, print_warnings

    if not logging.getLogger("prong").handlers:
        from prong.cli.logs import setup_logging

        setup_logging(settings.verbose, settings.quiet)
    config = settings.uv_config()
    print_warnings(config.warnings, settings)
    try:
        result = index_versions(
            ns.name,
            index_url=ns.index_url,
            extra_index_urls=ns.extra_index_url,
            indexes=ns.index,
            default_index=ns.default_index,
            find_links=ns.find_links,
            no_index=ns.no_index,
            python_version=ns.python_version,
            python_platform=ns.python_platform,
            strict_index_urls=ns.strict_index_urls,
            index_strategy=ns.index_strategy,
            pre=ns.pre,
            cache_dir=settings.cache_dir,
            no_cache=settings.no_cache,
            offline=True if settings.offline else None,
            refresh=ns.refresh,
            refresh_packages=tuple(ns.refresh_package),
            config=config,
            exclude_newer=ns.exclude_newer,
        )
    except NoMatchingVersionsError as err:
        print_index_warnings(err.warnings, settings)
        raise
    print_index_warnings(result.warnings, settings)
    print(f"{result.name} ({result.latest})")
    print(f"Available versions: {', '.join(result.versions)}")
    return 0
