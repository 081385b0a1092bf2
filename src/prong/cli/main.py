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

    # prong's own modules are compiled once and reused: PYTHONDONTWRITEBYTECODE (set on some
    # machines for the user's code) would otherwise recompile ~60 modules on every command
    # (about 0.1 s of a no-op lock).
    sys.dont_write_bytecode = False

    import importlib
    import os
    import signal
    import threading

    from prong import _interrupted_while_starting

    # Until the command runs, a Ctrl-C exits 130 at once: a KeyboardInterrupt raised inside an
    # import can surface as another error (a RuntimeError from a class body) with a traceback.
    starting = threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) in (
        signal.default_int_handler, _interrupted_while_starting)
    if starting:
        signal.signal(signal.SIGINT, _interrupted_while_starting)

    from prong.cli.args import build_parser, command_of
    from prong.cli.diagnostics import render_error
    from prong.cli.settings import GlobalSettings
    from prong.errors import ProngError

    try:
        wants_help = any(a in ("-h", "--help") for a in args)
        parser = build_parser(None if wants_help else command_of(args))
        ns = parser.parse_args(args)
        module = getattr(ns, "_module", None)
        if module is None:
            parser.print_help()
            return 2
        settings = GlobalSettings.from_args(ns)
        from prong.cli.logs import setup_logging
        setup_logging(settings.verbose, settings.quiet)
    except ProngError as err:  # argparse's usage errors (prong.cli.args.Parser) and bad global settings
        print(render_error(err), file=sys.stderr)
        return int(getattr(err, "exit_code", 2))
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    finally:
        if starting:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        if settings.directory is not None:
            os.chdir(settings.directory)
        mod = importlib.import_module(f"prong.cli.commands.{module}")
        return int(mod.run(settings, ns))
    except ProngError as err:
        print(render_error(err, settings.verbose), file=sys.stderr)
        return int(getattr(err, "exit_code", 1))
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        # CPython remembers an interrupt that escaped an exec() of a string (dataclasses and
        # namedtuple make their methods that way, so an import interrupted at the wrong moment
        # does it) and `python -m prong` then ends by SIGINT instead of the status returned
        # here; another exec() forgets it.
        exec("")
        return 130
    except OSError as err:
        print(_os_error(err), file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001 - a bug: say so, and show the traceback only when asked
        print(_bug(err, settings.verbose >= 2 or os.environ.get("PRONG_DEBUG", "") not in ("", "0")),
              file=sys.stderr)
        return BUG_EXIT_CODE


#: The exit status of an unexpected exception (a bug in prong), as uv's.
BUG_EXIT_CODE = 2
REPORT_URL = "https://github.com/prong-dev/prong/issues"


def _bug(err: BaseException, traceback: bool) -> str:
    """An exception prong did not expect: one ``error:`` line naming it and a request to report it;
    the traceback first only with ``-vv`` or ``PRONG_DEBUG=1``."""
    from prong.client.auth import redact_text

    lines = []
    if traceback:
        import traceback as tb

        lines.append("".join(tb.format_exception(err)).rstrip("\n"))
    what = str(err).strip().splitlines()[0] if str(err).strip() else ""
    lines.append(f"error: prong failed unexpectedly: {type(err).__name__}{': ' + what if what else ''}")
    lines.append(f"hint: This is a bug in prong: please report it at {REPORT_URL} with the command line"
                 + ("." if traceback else " and the output of the same command with -vv (or PRONG_DEBUG=1)."))
    return redact_text("\n".join(lines))


_OS_HINTS = {
    "EISDIR": "Name a file, not a directory.",
    "ENOTDIR": "A part of the path is a file, not a directory.",
    "ENOENT": "Check the path.",
    "EACCES": "Check the file's permissions.",
    "EPERM": "Check the file's permissions.",
    "EROFS": "The file system is read-only: write somewhere else.",
    "ENOSPC": "Free some space on that disk, or write somewhere else.",
}


def _os_error(err: OSError) -> str:
    """An ``OSError`` as a sentence naming the path, with a hint, instead of ``[Errno N] ...``."""
    import errno as errno_names

    from prong.client.auth import redact_text

    what = (err.strerror or str(err)).rstrip(".")
    what = what[:1].lower() + what[1:]
    where = f"{err.filename}: " if err.filename is not None else ""
    text = f"error: {where}{what}"
    hint = _OS_HINTS.get(errno_names.errorcode.get(err.errno or 0, ""))
    if hint:
        text += f"\nhint: {hint}"
    return redact_text(text)
