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


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from packaging.utils import canonicalize_name  # noqa: E402

_ALNUM = "abcXYZ019"
VALID_NAMES = st.builds(
    lambda a, mid, z: a + mid + z if z else a,
    st.sampled_from(_ALNUM), st.text("aZ0._-", max_size=8), st.sampled_from(["", *_ALNUM]),
)


@settings(max_examples=500)  # cross-checks against packaging, kept cheap (not tests/property laws)
@given(VALID_NAMES)
def test_normalization_agrees_with_packaging(text: str) -> None:
    normalized = normalize_name(text)
    assert normalized == canonicalize_name(text, validate=True)
    assert is_normalized(normalized)
    assert normalize_name(normalized) == normalized


@settings(max_examples=500)
@given(st.text("aZ0._- +ï", max_size=10))
def test_any_text_is_either_a_valid_name_or_raises_with_a_span(text: str) -> None:
    try:
        normalized = normalize_name(text)
    except InvalidName as err:
        start, end = err.span
        assert 0 <= start <= end <= len(text)
        assert start == end == 0 if not text else end == start + 1
    else:
        assert normalized == canonicalize_name(text, validate=True)
