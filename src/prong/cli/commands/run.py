"""`prong run`: run a command in the project's environment, synced first (``uv run``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    from prong.cli.commands.sync import add_install_arguments, add_lock_arguments, add_selection_arguments

    add_selection_arguments(parser)
    add_lock_arguments(parser)
    add_install_arguments(parser)
    parser.add_argument("--no-sync", action="store_true", help="Run in the environment as it is")
    parser.add_argument("--show-resolution", action="store_true",
                        help="Print the sync's resolution and check lines too (as with -v; also UV_SHOW_RESOLUTION)")
    parser.add_argument("--with", dest="with_", action="append", default=[], metavar="REQ",
                        help="Run with REQ installed in an overlay environment (repeatable)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="The command and its arguments")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.run import run as run_command
    from prong.cli.commands.sync import print_sync, sync_kwargs
    from prong.errors import ProngError

    command = list(ns.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        from prong.errors import UsageError

        raise UsageError("`prong run` needs a command", "For example `prong run python -c 'import sys'`.")
    project = settings.project if settings.project is not None else Path.cwd()
    import os

    # as uv: the sync before the command says only what it installed or removed (and what it
    # built), unless -v or --show-resolution asks for its "Resolved ..." and "Checked ..." lines
    show = bool(settings.verbose or ns.show_resolution
                or os.environ.get("UV_SHOW_RESOLUTION", "").strip().lower() in ("1", "true", "yes", "on"))

    def say(line: str) -> None:
        if not settings.quiet and (show or not line.startswith("Resolved ")):
            print(line, file=sys.stderr)

    kwargs = sync_kwargs(settings, ns)
    kwargs["inexact"] = not getattr(ns, "exact", False)
    if ns.no_sync:
        kwargs = {"python": ns.python}
    from prong.cli import quick

    def synced(r: object) -> None:
        if show:
            print_sync(r, settings)
        else:
            print_sync(r, settings, summary=True)
        if not ns.with_:  # (a run with `--with` is never answered from a memo)
            quick.remember_sync(quick.pending, r)

    result = run_command(command, project, no_sync=ns.no_sync, with_=tuple(ns.with_), on_event=say,
                         on_sync=synced, **kwargs)
    return result.returncode

