"""`prong build`: build the project's sdist and wheel (``uv build``)."""

from __future__ import annotations

import argparse
import os
import sys

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("src", nargs="?", help="The project directory (default: the working directory)")
    parser.add_argument("--sdist", action="store_true", help="Build the source distribution only")
    parser.add_argument("--wheel", action="store_true", help="Build the wheel only (from the source tree)")
    parser.add_argument("-o", "--out-dir", metavar="DIR", help="Where to write them (default: dist/)")
    parser.add_argument("-p", "--python", metavar="PYTHON", help="The interpreter that runs the backend")
    parser.add_argument("--default-index", metavar="URL", help="The default index (for build requirements)")
    parser.add_argument("-i", "--index-url", metavar="URL", help="The default index (pip's name)")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.build import build

    say = (lambda line: None) if settings.quiet else (lambda line: print(line, file=sys.stderr))
    result = build(ns.src, sdist=ns.sdist, wheel=ns.wheel, out_dir=ns.out_dir, python=ns.python,
                   config=settings.uv_config, cache_dir=settings.cache_dir, no_cache=settings.no_cache,
                   offline=settings.offline, on_event=say, default_index=ns.default_index, index_url=ns.index_url)
    for path in result.files:
        shown = os.path.relpath(path)
        say(f"Successfully built {shown}")
    return 0
