"""`prong init`: create a project (``uv init``)."""

from __future__ import annotations

import argparse
import sys

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("path", nargs="?", help="The project directory (default: the working directory)")
    parser.add_argument("--name", help="The project name (default: the directory's name)")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--app", action="store_true", help="An application (the default)")
    kind.add_argument("--lib", action="store_true", help="A library: src/ layout, py.typed, a build system")
    parser.add_argument("--package", dest="package", action="store_true", default=None,
                        help="Package the application (src/ layout, build system, console script; the default)")
    parser.add_argument("--no-package", dest="package", action="store_false",
                        help="A virtual project: main.py, no build system")
    parser.add_argument("-p", "--python", metavar="PYTHON", help="The Python to require (e.g. 3.11)")
    parser.add_argument("--vcs", choices=("git", "none"), default="git", help="Initialize a git repository")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.init import init

    say = (lambda line: None) if settings.quiet else (lambda line: print(line, file=sys.stderr))
    init(ns.path, name=ns.name, lib=ns.lib, package=ns.package, python=ns.python, vcs=ns.vcs, on_event=say)
    return 0
