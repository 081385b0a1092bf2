"""How errors look on the terminal: the one place that knows the glyphs."""

from __future__ import annotations

from collections.abc import Sequence

from prong.errors import ParseError, ProngError


def render_error(err: BaseException, verbose: int = 0) -> str:
    """Render a :class:`ProngError` as ``error: ...`` followed by ``hint: ...`` lines; with
    ``verbose``, an error that has a ``verbose_str()`` (a build's whole output) shows that."""
    if isinstance(err, ParseError):
        head = f"error: invalid {err.kind}: {err}"
    elif verbose and callable(getattr(err, "verbose_str", None)):
        head = f"error: {err.verbose_str()}"  # type: ignore[attr-defined]
    else:
        head = f"error: {err}"
    lines = [head]
    cause = err.__cause__
    while cause is not None:
        lines.append(f"  caused by: {cause}")
        cause = cause.__cause__
    hints: Sequence[str] = err.hints() if isinstance(err, ProngError) else ()
    for hint in hints:
        first, *rest = str(hint).splitlines() or [""]
        lines.append(f"hint: {first}")
        lines.extend(f"      {line}" if line else "" for line in rest)
    from prong.client.auth import redact_text

    return redact_text("\n".join(lines))
