"""`prong venv`: create a virtual environment (``uv venv``)."""

from __future__ import annotations

import argparse
import os
import sys

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("path", nargs="?", help="Where to create it (default: .venv)")
    parser.add_argument("-p", "--python", metavar="PYTHON", help="The interpreter: a version (3.11), a path, or a name")
    parser.add_argument("--seed", action="store_true", help="Install pip into the environment")
    parser.add_argument("--prompt", metavar="PROMPT", help="The prompt of the activated environment ('.': the directory's name)")
    parser.add_argument("--clear", action="store_true", help="Replace an existing virtual environment")
    parser.add_argument("--system-site-packages", action="store_true", help="Give access to the system site-packages")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.venv import venv

    say = (lambda line: None) if settings.quiet else (lambda line: print(line, file=sys.stderr))
    result = venv(ns.path, python=ns.python, seed=ns.seed, prompt=ns.prompt, clear=ns.clear,
                  system_site_packages=ns.system_site_packages, cache_dir=settings.cache_dir,
                  no_cache=settings.no_cache, on_event=say)
    if not settings.quiet:
        shown = os.path.relpath(result.path) if not os.path.isabs(ns.path or "") else str(result.path)
        print(f"Activate with: source {shown}/bin/activate", file=sys.stderr)
    return 0
