"""`prong version --bump`: uv's arithmetic and uv's refusal of a bump that does not increase."""

from __future__ import annotations

import pytest

from prong.api.version import bump_version
from prong.errors import UsageError


@pytest.mark.parametrize(("current", "bumps", "expected"), [
    ("0.1.0", ["minor"], "0.2.0"),
    ("0.1.0", ["major"], "1.0.0"),
    ("1.2.3", ["patch"], "1.2.4"),
    ("1.2", ["patch"], "1.2.1"),
    ("0.1.0", ["patch", "alpha"], "0.1.1a1"),
    ("1.0.0a1", ["alpha"], "1.0.0a2"),
    ("1.0.0a3", ["beta"], "1.0.0b1"),
    ("1.0.0b2", ["rc"], "1.0.0rc1"),
    ("0.1.0", ["post"], "0.1.0.post1"),
    ("0.1.0.post1", ["post"], "0.1.0.post2"),
    ("1.0.0rc1", ["major"], "2.0.0"),
    ("1!1.0.0", ["minor"], "1!1.1.0"),
    ("1.0.0", ["minor", "dev"], "1.1.0.dev1"),
])
def test_bumps(current: str, bumps: list[str], expected: str) -> None:
    assert bump_version(current, bumps) == expected


@pytest.mark.parametrize(("current", "bumps", "what"), [
    ("0.1.0", ["alpha"], "a pre-release version"),
    ("1.0.0", ["rc"], "a pre-release version"),
    ("0.1.0", ["dev"], "a dev version"),
])
def test_a_bump_that_does_not_increase_is_refused(current: str, bumps: list[str], what: str) -> None:
    with pytest.raises(UsageError, match=f"didn't increase the version; when bumping to {what}"):
        bump_version(current, bumps)
