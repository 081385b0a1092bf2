"""Freshness of cached responses (RFC 9111 section 4.2): explicit (`max-age`, `Expires`) and, as
uv does, heuristic (10 minutes when only `Last-Modified` is given)."""

from __future__ import annotations

from email.utils import formatdate

from prong.client.http import _is_fresh

NOW = 2_000_000_000.0


def _meta(stored: float, status: int = 200, **headers: str) -> dict[str, object]:
    return {"stored": stored, "status": status, "headers": {k.replace("_", "-"): v for k, v in headers.items()}}


def test_last_modified_alone_gives_ten_minutes_of_freshness() -> None:
    # however long ago the modification was (uv's rule, not the RFC's 10% of that age)
    for modified in (NOW - 10, NOW - 10 * 365 * 86400):
        headers = dict(date=formatdate(NOW, usegmt=True), last_modified=formatdate(modified, usegmt=True))
        assert _is_fresh(_meta(NOW, **headers), now=NOW + 599)
        assert not _is_fresh(_meta(NOW, **headers), now=NOW + 601)


def test_no_heuristic_without_last_modified_or_against_explicit_headers() -> None:
    assert not _is_fresh(_meta(NOW, date=formatdate(NOW, usegmt=True)), now=NOW + 1)
    lm = formatdate(NOW - 10_000, usegmt=True)
    assert not _is_fresh(_meta(NOW, last_modified=lm, cache_control="no-cache"), now=NOW + 1)
    assert not _is_fresh(_meta(NOW, last_modified=lm, cache_control="max-age=0"), now=NOW + 1)
    assert not _is_fresh(_meta(NOW, status=500, last_modified=lm), now=NOW + 1)  # not heuristically cacheable
