"""The ``prong`` command: parse arguments, call the library, print the result.

Start-up is kept small: nothing heavier than ``argparse`` is imported before a command runs,
and ``prong --version`` returns before even that.
"""

from __future__ import annotations

import sys

# Not `typing.TYPE_CHECKING`: importing typing or collections.abc costs 2-4 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):
        from prong import __version__

        print(f"prong {__version__}")
        return 0

    import importlib
    import os

    from prong.cli.args import build_parser
    from prong.cli.diagnostics import render_error
    from prong.cli.settings import GlobalSettings
    from prong.errors import ProngError

    parser = build_parser()
    ns = parser.parse_args(args)
    module = getattr(ns, "_module", None)
    if module is None:
        parser.print_help()
        return 2
    settings = GlobalSettings.from_args(ns)
    from prong.cli.logs import setup_logging
    setup_logging(settings.verbose, settings.quiet)
    try:
        if settings.directory is not None:
            os.chdir(settings.directory)
        mod = importlib.import_module(f"prong.cli.commands.{module}")
        return int(mod.run(settings, ns))
    except ProngError as err:
        print(render_error(err), file=sys.stderr)
        return int(getattr(err, "exit_code", 1))
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except OSError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
