"""The error model shared by every layer.

Errors hold data; ``str(err)`` is plain text with no markup, and hints stay separate from the
message (``hints()``), so that only the CLI decides how to render them.
"""

from __future__ import annotations

from collections.abc import Sequence


class ProngError(Exception):
    """Base of every error prong raises on purpose (anything else is a bug).

    ``exit_code`` is the CLI's exit status for it (docs/exit-codes.md): 1, a failure of the requested
    work; 2, a usage or configuration error the user must fix before anything can run."""

    exit_code: int = 1

    def hints(self) -> Sequence[str]:
        """Advice to print after the message, one sentence each."""
        return ()


class UsageError(ProngError):
    """A usage or configuration error: the command line or a setting asks for something impossible
    (exit code 2). ``hint`` says how to fix it."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint

    def hints(self) -> Sequence[str]:
        return (self.hint,) if self.hint else ()


class ParseError(ProngError, ValueError):
    """A piece of text that does not follow its grammar.

    ``span`` is the half-open range of offending characters in ``source``; ``str()`` renders the
    source with a ``~~~^`` line under that span so that the user sees where it went wrong.
    """

    kind = "input"

    def __init__(self, message: str, source: str, span: tuple[int, int] | None = None) -> None:
        if span is None:
            span = (0, len(source))
        start = max(0, min(span[0], len(source)))
        end = max(start, min(span[1], len(source)))
        self.message = message
        self.source = source
        self.span = (start, end)
        super().__init__(message, source, self.span)

    def __str__(self) -> str:
        start, end = self.span
        marker = " " * start + "~" * (end - start) + "^"
        return f"{self.message}\n    {self.source}\n    {marker}"


class InvalidVersion(ParseError):
    kind = "version"


class InvalidSpecifier(ParseError):
    kind = "version specifier"


class InvalidMarker(ParseError):
    kind = "marker"


class InvalidRequirement(ParseError):
    kind = "requirement"


class InvalidName(ParseError):
    kind = "package name"


class InvalidWheelFilename(ParseError):
    kind = "wheel filename"


class InvalidSdistFilename(ParseError):
    kind = "source distribution filename"


class InvalidPlatform(ParseError):
    kind = "platform"


class NotImplementedYet(ProngError):
    """A command or option that a later release will fill."""

    exit_code = 2

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"{what} is not implemented yet")


#: A value echoed in a message is cut to its first ``SHORT_KEEP`` characters past ``SHORT_LIMIT``.
SHORT_LIMIT = 1000  # no real URL or path is this long (a signed download URL stays whole)
SHORT_KEEP = 60


def shorten(value: str, limit: int = SHORT_LIMIT, keep: int = SHORT_KEEP) -> str:
    """``value`` as a message shows it: whole up to ``limit`` characters, else its first ``keep``
    and how long it is (``aaaa…(100000 characters)``), so that a 100 000-character name or URL
    does not become 100 kB of error text."""
    return value if len(value) <= limit else f"{value[:keep]}…({len(value)} characters)"


def shorten_words(text: str, limit: int = SHORT_LIMIT, keep: int = SHORT_KEEP) -> str:
    """``text`` with each run of non-blank characters longer than ``limit`` shortened (see
    :func:`shorten`): what the CLI applies to every error it prints."""
    import re

    if len(text) <= limit:
        return text

    def one(m: re.Match[str]) -> str:
        value = m.group()
        core = value.rstrip(".,:;!?")  # the sentence's punctuation stays after the value
        return shorten(core, limit, keep) + value[len(core):]

    return re.sub(r"[^\s`'\"()<>\[\]]{%d,}" % (limit + 1), one, text)
