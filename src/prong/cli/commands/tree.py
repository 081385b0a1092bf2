"""`prong tree`: the project's dependency tree (``uv tree``)."""

from __future__ import annotations

import argparse
import os
import sys

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("--frozen", action="store_true", help="Draw uv.lock as it is, without locking first")
    parser.add_argument("--locked", action="store_true", help="Fail if uv.lock would change")
    parser.add_argument("--universal", action="store_true",
                        help="Draw every platform's tree (default: the interpreter's platform only)")
    parser.add_argument("-d", "--depth", type=int, default=255, metavar="DEPTH",
                        help="Levels shown below the roots [default: 255]")
    parser.add_argument("--prune", action="append", default=[], metavar="PACKAGE",
                        help="Leave PACKAGE (and what only it needs) out")
    parser.add_argument("--package", action="append", default=[], metavar="PACKAGE",
                        help="Draw only the tree of PACKAGE")
    parser.add_argument("--no-dedupe", action="store_true",
                        help="Repeat subtrees already drawn instead of marking them (*)")
    parser.add_argument("--invert", "--reverse", action="store_true",
                        help="Draw the packages that depend on each package")
    parser.add_argument("--extra", action="append", default=None, metavar="EXTRA",
                        help="Show only these extras of the project (default: all, as uv)")
    parser.add_argument("--all-extras", action="store_true", help="Show every extra of the project (the default)")
    parser.add_argument("--no-dev", action="store_true", help="Leave the dev group out")
    parser.add_argument("--only-dev", action="store_true", help="Only the dev group, not the project's dependencies")
    parser.add_argument("--group", action="append", default=[], metavar="GROUP", help="Include a dependency group")
    parser.add_argument("--no-group", action="append", default=[], metavar="GROUP", help="Leave a group out")
    parser.add_argument("--only-group", action="append", default=[], metavar="GROUP",
                        help="Only this group, not the project's dependencies")
    parser.add_argument("--all-groups", action="store_true", help="Include every dependency group")
    parser.add_argument("--no-default-groups", action="store_true",
                        help="Leave out the groups of [tool.uv] default-groups")
    parser.add_argument("-p", "--python", metavar="PYTHON",
                        help="The interpreter whose platform the tree is for (also UV_PYTHON)")
    parser.add_argument("--python-version", metavar="VERSION", help="Filter for this Python version")
    parser.add_argument("--python-platform", metavar="PLATFORM", help="Filter for this platform")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.tree import tree

    result = tree(
        settings.project,
        frozen=ns.frozen,
        locked=ns.locked,
        universal=ns.universal,
        depth=ns.depth,
        invert=ns.invert,
        packages=tuple(ns.package),
        prune=tuple(ns.prune),
        no_dedupe=ns.no_dedupe,
        extras=tuple(ns.extra) if ns.extra is not None else None,
        all_extras=ns.all_extras,
        groups=tuple(ns.group),
        no_groups=tuple(ns.no_group),
        only_groups=tuple(ns.only_group),
        all_groups=ns.all_groups,
        no_default_groups=ns.no_default_groups,
        dev=not ns.no_dev,
        only_dev=ns.only_dev,
        python=ns.python or os.environ.get("UV_PYTHON") or None,
        python_version=ns.python_version,
        python_platform=ns.python_platform,
        config=None if ns.frozen else settings.uv_config(),
        cache_dir=settings.cache_dir,
        offline=settings.offline,
    )
    sys.stdout.write(result.text)
    return 0
