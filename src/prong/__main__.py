import os
import sys

import _signal  # (not signal, which imports enum: a millisecond of every start)


def _run() -> int:
    try:
        from prong.cli.main import main

        return main()
    except KeyboardInterrupt:  # before main's own handler (importing it, parsing arguments)
        print("error: interrupted", file=sys.stderr)
        exec("")  # forget an interrupt that escaped an exec() (see cli/main.py): exit 130, not by SIGINT
        return 130


code = _run()


def _interrupted_while_exiting(signum: int, frame: object) -> None:
    # The work is done and printed; a Ctrl-C while the interpreter shuts down (joining the HTTP
    # threads) ends it at once, with the code already decided and no traceback.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


_signal.signal(_signal.SIGINT, _interrupted_while_exiting)
sys.exit(code)
