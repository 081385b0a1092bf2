"""How errors look on the terminal: the one place that knows the glyphs."""

from __future__ import annotations

from collections.abc import Sequence

from prong.errors import ParseError, ProngError


def render_error(err: BaseException) -> str:
    """Render a :class:`ProngError` as ``error: ...`` followed by ``hint: ...`` lines."""
    if isinstance(err, ParseError):
        head = f"error: invalid {err.kind}: {err}"
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
