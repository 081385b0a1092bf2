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

    from prong.cli import quick

    try:
        code = quick.answer(args)  # `prong lock` whose inputs are those of an earlier run: its lock
    except KeyboardInterrupt:
        from prong.cli.diagnostics import interrupted

        return _report(interrupted(), _color_of(args))
    except Exception as err:  # noqa: BLE001 - the memo is only a shortcut: the command itself runs
        if quick.spawned:  # ... unless `prong run` already started it
            return _unexpected(err, _color_of(args), "-vv" in args)
        quick.pending = code = None
    if code is not None:
        return code

    # prong's own modules are compiled once and reused: PYTHONDONTWRITEBYTECODE (set on some
    # machines for the user's code) would otherwise recompile ~60 modules on every command
    # (about 0.1 s of a no-op lock).
    sys.dont_write_bytecode = False
    _cache_startup_bytecode()

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

    from prong.cli.args import build_parser, check_arguments, command_of
    from prong.cli.diagnostics import interrupted, os_problem, use_color
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
        check_arguments(ns)
        settings = GlobalSettings.from_args(ns)
        if settings.config_file is not None:
            settings.uv_config()  # a missing or malformed --config-file is a usage error, whatever the command
        from prong.cli.logs import setup_logging
        setup_logging(settings.verbose, settings.quiet)
    except ProngError as err:  # argparse's usage errors (prong.cli.args.Parser) and bad global settings
        return _report(err, _color_of(args))
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        return _report(interrupted(), _color_of(args))
    except Exception as err:  # noqa: BLE001 - a bug while reading the command line
        return _unexpected(err, _color_of(args), "-vv" in args)
    finally:
        if starting:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    color = use_color(settings.color, sys.stderr)
    previous = None
    try:
        if settings.directory is not None:
            previous = os.getcwd()  # (given back at the end: `main()` called in a process that goes on)
            os.chdir(settings.directory)
        mod = importlib.import_module(f"prong.cli.commands.{module}")
        return int(mod.run(settings, ns))
    except ProngError as err:
        return _report(err, color, settings.verbose)
    except KeyboardInterrupt:
        code = _report(interrupted(), color)
        # CPython remembers an interrupt that escaped an exec() of a string (dataclasses and
        # namedtuple make their methods that way, so an import interrupted at the wrong moment
        # does it) and `python -m prong` then ends by SIGINT instead of the status returned
        # here; another exec() forgets it.
        exec("")
        return code
    except OSError as err:
        return _report(os_problem(err), color)
    except Exception as err:  # noqa: BLE001 - a bug: say so; the traceback only when asked
        return _unexpected(err, color, settings.verbose >= 2)
    finally:
        if previous is not None:
            try:
                os.chdir(previous)
            except OSError:
                pass


def _cache_startup_bytecode() -> None:
    """Compile the modules imported before ``sys.dont_write_bytecode`` was cleared (this one among
    them) when their bytecode is missing or older than the source: a ``prong lock`` answered from
    its memo (``prong.cli.quick``) imports nothing else, and compiling them on every start would
    double its time."""
    import os

    modules = [m for n, m in list(sys.modules.items()) if n == "prong" or n.startswith("prong.")]
    main_module = sys.modules.get("__main__")
    if getattr(getattr(main_module, "__spec__", None), "name", None) == "prong.__main__":
        modules.append(main_module)
    for module in modules:
        source, cached = getattr(module, "__file__", None), getattr(module, "__cached__", None)
        try:
            fresh = os.stat(cached).st_mtime_ns >= os.stat(source).st_mtime_ns if source and cached else True
        except OSError:
            fresh = False
        if not fresh:  # missing, or older than its source
            import py_compile

            try:
                py_compile.compile(source, cfile=cached, doraise=True)
            except (OSError, py_compile.PyCompileError):
                pass  # a read-only install: compiled each time, as before


def _unexpected(err: Exception, color: bool, verbose: bool) -> int:
    """An exception prong did not expect: the traceback only with ``-vv`` or ``PRONG_DEBUG=1``,
    then one ``error:`` and a hint asking to report the bug."""
    import os

    from prong.cli.diagnostics import bug, format_traceback

    show = verbose or os.environ.get("PRONG_DEBUG", "") not in ("", "0")
    if show:
        print(format_traceback(err), file=sys.stderr)
    return _report(bug(err, traceback=show), color)


def _report(err: BaseException, color: bool, verbose: int = 0) -> int:
    """Print ``err`` through the one renderer; its exit code."""
    from prong.cli.diagnostics import render_error

    print(render_error(err, verbose, color), file=sys.stderr)
    return int(getattr(err, "exit_code", 1))


def _color_of(args: list[str]) -> bool:
    """Colour for an error found before the settings exist: ``--color`` as written, else auto."""
    from prong.cli.diagnostics import use_color

    choice = None
    for i, arg in enumerate(args):
        if arg == "--color" and i + 1 < len(args):
            choice = args[i + 1]
        elif arg.startswith("--color="):
            choice = arg.split("=", 1)[1]
    return use_color(choice, sys.stderr)
