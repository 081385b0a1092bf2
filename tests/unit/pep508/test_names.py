"""Name normalization (PEP 503 / 685 / 735) and the errors for invalid names."""

from __future__ import annotations

import pytest

from prong.errors import InvalidName
from prong.pep508.names import is_normalized, normalize_extra, normalize_group, normalize_name


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("torch", "torch"),
        ("Django", "django"),
        ("Foo_Bar", "foo-bar"),
        ("zope.interface", "zope-interface"),
        ("a-_.-b", "a-b"),
        ("FRIENDLY-BARD", "friendly-bard"),
        ("Friendly.Bard", "friendly-bard"),
        ("friendly__bard", "friendly-bard"),
        ("x", "x"),
        ("1", "1"),
        ("py3-none", "py3-none"),
    ],
)
def test_normalize(text: str, normalized: str) -> None:
    assert normalize_name(text) == normalized
    assert normalize_extra(text) == normalized
    assert normalize_group(text) == normalized
    assert is_normalized(normalized)


@pytest.mark.parametrize("text", ["Django", "foo_bar", "foo.bar", "foo--bar", "-foo", "foo-", "", "foo bar"])
def test_is_normalized_rejects(text: str) -> None:
    assert not is_normalized(text)


@pytest.mark.parametrize(
    ("text", "span", "words"),
    [
        ("foo bar", (3, 4), "contains ' '"),
        ("foo+cpu", (3, 4), "contains '+'"),
        ("naïve", (2, 3), "contains 'ï'"),
        ("-foo", (0, 1), "must start with a letter or digit"),
        ("foo.", (3, 4), "must end with a letter or digit"),
        ("", (0, 0), "is empty"),
    ],
)
def test_invalid_names_point_at_the_first_bad_character(text: str, span: tuple[int, int], words: str) -> None:
    with pytest.raises(InvalidName) as info:
        normalize_name(text)
    err = info.value
    assert err.span == span and err.source == text and words in err.message
    assert err.kind == "package name"
    with pytest.raises(InvalidName, match="extra name"):
        normalize_extra(text)
    with pytest.raises(InvalidName, match="dependency group name"):
        normalize_group(text)


def test_invalid_name_is_rejected_even_after_a_valid_lookup() -> None:
    assert normalize_name("Foo") == "foo"
    with pytest.raises(InvalidName):
        normalize_name("Foo ")
