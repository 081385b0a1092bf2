"""`prong pip compile`: pip-tools / `uv pip compile` compatible."""

from __future__ import annotations

import argparse
from pathlib import Path

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("src_file", nargs="*", metavar="SRC_FILE",
                        help="requirements.in, requirements.txt or pyproject.toml files to compile")
    parser.add_argument("-c", "--constraint", "--constraints", action="append", default=[], metavar="FILE",
                        help="Constrain versions with the requirements in FILE")
    parser.add_argument("--override", "--overrides", action="append", default=[], metavar="FILE",
                        help="Override versions with the requirements in FILE")
    parser.add_argument("--extra", action="append", default=[], help="Include an optional-dependencies extra")
    parser.add_argument("--all-extras", action="store_true", help="Include every extra")
    parser.add_argument("--group", action="append", default=[], help="Include a dependency group")
    parser.add_argument("-o", "--output-file", metavar="FILE", help="Write the result to FILE (also printed)")
    parser.add_argument("--generate-hashes", action="store_true", help="Add --hash lines for every file")
    parser.add_argument("--no-annotate", action="store_true", help="Omit the `# via` comments")
    parser.add_argument("--no-header", action="store_true", help="Omit the header comment")
    parser.add_argument("-p", "--python-version", metavar="X.Y", help="Resolve for this Python version")
    parser.add_argument("--python-platform", metavar="PLATFORM",
                        help="Resolve for this platform, e.g. aarch64-unknown-linux-gnu")
    parser.add_argument("-i", "--index-url", metavar="URL", help="The default index (replaces the default)")
    parser.add_argument("--default-index", metavar="URL", help="The default index (as in uv)")
    parser.add_argument("--extra-index-url", action="append", default=[], metavar="URL",
                        help="Another index, tried before the default one")
    parser.add_argument("--index", action="append", default=[], metavar="[NAME=]URL",
                        help="Another index (named), tried before the default one")
    parser.add_argument("-f", "--find-links", action="append", default=[], metavar="PATH_OR_URL",
                        help="A directory or page of links to distribution files")
    parser.add_argument("--no-index", action="store_true", help="Use only --find-links")
    parser.add_argument("--index-strategy", choices=("first-index", "unsafe-first-match", "unsafe-best-match"))
    parser.add_argument("--strict-index-urls", action="store_true",
                        help="Fail instead of probing `+simple` when an index URL serves a web page")
    parser.add_argument("--exclude-newer", metavar="DATE", help="Ignore files uploaded after DATE (RFC 3339)")
    parser.add_argument("--prerelease", choices=("disallow", "allow", "if-necessary", "explicit",
                                                 "if-necessary-or-explicit"))
    parser.add_argument("--pre", action="store_true", help="Same as --prerelease=allow")
    parser.add_argument("--resolution", choices=("highest", "lowest", "lowest-direct"))
    exclusive = parser.add_mutually_exclusive_group()  # as uv: --no-build and --no-binary conflict
    exclusive.add_argument("--no-build", action="store_true", help="Never build source distributions")
    parser.add_argument("--only-binary", action="append", default=[], metavar="PACKAGE",
                        help="Use only wheels for PACKAGE (`:all:` for every package)")
    exclusive.add_argument("--no-binary", action="append", default=[], metavar="PACKAGE",
                        help="Use only source distributions for PACKAGE (`:all:` for every package)")
    parser.add_argument("--no-build-package", action="append", default=[], metavar="PACKAGE",
                        help="Never build (or read) source distributions of PACKAGE (as --only-binary PACKAGE)")
    parser.add_argument("--no-binary-package", action="append", default=[], metavar="PACKAGE",
                        help="Use only source distributions for PACKAGE (as --no-binary PACKAGE)")
    parser.add_argument("--refresh", action="store_true", help="Revalidate every cached page and file")
    parser.add_argument("--refresh-package", action="append", default=[], metavar="PACKAGE",
                        help="Revalidate the cached pages and files of PACKAGE (repeatable)")
    parser.add_argument("--universal", action="store_true", help="Resolve for every platform (not yet)")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.compile import compile_requirements
    from prong.cli.output import command_line, print_index_warnings, print_result, print_warnings

    prerelease = "allow" if ns.pre else ns.prerelease
    config = settings.uv_config()
    print_warnings(config.warnings, settings)
    result = compile_requirements(
        [Path(p) for p in ns.src_file],
        constraints=[Path(p) for p in ns.constraint],
        overrides=[Path(p) for p in ns.override],
        extras=tuple(ns.extra),
        all_extras=ns.all_extras,
        groups=tuple(ns.group),
        python_version=ns.python_version,
        python_platform=ns.python_platform,
        index_url=ns.index_url,
        default_index=ns.default_index,
        extra_index_urls=tuple(ns.extra_index_url),
        indexes=tuple(ns.index),
        find_links=tuple(ns.find_links),
        no_index=ns.no_index,
        index_strategy=ns.index_strategy,
        strict_index_urls=ns.strict_index_urls,
        exclude_newer=ns.exclude_newer,
        prerelease=prerelease,
        resolution=ns.resolution,
        no_build=True if ns.no_build else None,
        only_binary=tuple(ns.only_binary),
        no_binary=tuple(ns.no_binary),
        no_build_packages=tuple(ns.no_build_package),
        no_binary_packages=tuple(ns.no_binary_package),
        generate_hashes=True if ns.generate_hashes else None,
        annotate=False if ns.no_annotate else None,
        header=False if ns.no_header else None,
        command=command_line(),
        output_file=Path(ns.output_file) if ns.output_file else None,
        universal=ns.universal,
        cache_dir=settings.cache_dir,
        no_cache=settings.no_cache,
        offline=True if settings.offline else None,
        refresh=ns.refresh,
        refresh_packages=tuple(ns.refresh_package),
        config=config,
    )
    print_index_warnings(result.index_warnings, settings)
    print_warnings(result.warnings, settings)
    print_result(result.text, f"Resolved {len(result.packages)} package{'' if len(result.packages) == 1 else 's'} in {result.seconds * 1000:.0f}ms", settings,
                 ns.output_file)
    return 0
