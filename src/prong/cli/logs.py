"""Logging on stderr: warnings by default, INFO with ``-v`` (the request trace), DEBUG with ``-vv``."""

from __future__ import annotations

import logging
import sys


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        from prong.client.auth import redact_text

        msg = redact_text(record.getMessage())
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {msg}"
        return f"{record.levelname} {record.name}: {msg}"


#: how many warnings (and errors) the handler has written: a `prong lock` that printed one leaves no
#: memo (``prong.cli.quick``), since the memo's answer would not print it again
written = 0


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time of the record (tests swap it)."""

    _prong = True

    def emit(self, record: logging.LogRecord) -> None:
        global written
        if record.levelno >= logging.WARNING:
            written += 1
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # noqa: BLE001 - logging must never fail the command
            self.handleError(record)


def setup_logging(verbose: int = 0, quiet: int = 0) -> None:
    """Send the ``prong`` loggers to stderr at the level the flags ask for."""
    if verbose >= 2:
        level = logging.DEBUG
    elif verbose == 1:
        level = logging.INFO
    elif quiet:
        level = logging.ERROR
    else:
        level = logging.WARNING
    logger = logging.getLogger("prong")
    for handler in list(logger.handlers):
        if getattr(handler, "_prong", False):
            logger.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(_Formatter())
    logger.addHandler(handler)
    logger.setLevel(level)
