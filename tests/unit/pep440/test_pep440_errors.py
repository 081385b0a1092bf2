"""Malformed versions and specifiers: one error type each, quoting the input, pointing at the fault."""

from __future__ import annotations

import pytest

from prong.errors import InvalidSpecifier, InvalidVersion, ParseError
from prong.pep440.specifiers import parse_specifiers
from prong.pep440.version import Version, parse_version


def caret_line(err: ParseError) -> str:
    return str(err).splitlines()[2]


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("1.0.x", "    ~^"),  # the x
        ("1..2", "  ~^"),  # the second dot
        ("1.0rc1x", "      ~^"),
        ("abc", "~^"),
        ("1.0+a..b", "      ~^"),
        ("1.0 x", "    ~^"),
        ("1.0+", "    ^"),  # ends early: caret after the end
        ("1!", "  ^"),
        ("1.0-", "    ^"),
    ],
)
def test_bad_version_points_at_first_offending_character(text: str, marker: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        parse_version(text)
    err = info.value
    lines = str(err).splitlines()
    assert repr(text) in lines[0]  # the message quotes the input
    assert lines[1] == "    " + text  # then shows it
    assert caret_line(err) == "    " + marker


def test_bad_version_is_a_value_error_not_packagings() -> None:
    with pytest.raises(ValueError) as info:
        parse_version("1.0-beta-x")
    assert type(info.value) is InvalidVersion


def test_empty_version() -> None:
    with pytest.raises(InvalidVersion, match="found nothing"):
        parse_version("")


def test_huge_number_is_an_invalid_version_not_a_crash() -> None:
    with pytest.raises(InvalidVersion):
        parse_version("1." + "9" * 5000)


@pytest.mark.parametrize("text", ["1.0", " 1.0 ", "v1.0", "1!2.0a1.post2.dev3+ab.5", "1.0-1", "1.0RC1"])
def test_good_versions_are_packagings(text: str) -> None:
    assert parse_version(text) == Version(text)
    assert type(parse_version(text)) is Version


@pytest.mark.parametrize(
    ("text", "span_text", "message"),
    [
        (">=1.0,<2.x", "x", "unexpected character 'x'"),
        ("=>1.0", "=", "expected an operator"),
        (">=1.0, foo", "f", "expected an operator"),
        (">=1.0.*", ".*", "'>=' does not allow a '.*' suffix"),
        ("<=1.0+cpu", "+cpu", "local version label"),
        ("~=1", "1", "at least two parts"),
        ("==1.0a1.*", ".*", "'.*' may only follow"),
        (">=1.0,,<2", None, None),  # packaging accepts an empty clause: not an error
    ],
)
def test_bad_specifier_spans(text: str, span_text: str | None, message: str | None) -> None:
    if span_text is None:
        parse_specifiers(text)
        return
    with pytest.raises(InvalidSpecifier) as info:
        parse_specifiers(text)
    err = info.value
    start, end = err.span
    assert text[start:end] == span_text
    assert message is not None and message in err.message
    assert str(err).splitlines()[1] == "    " + text
    assert caret_line(err) == "    " + " " * start + "~" * (end - start) + "^"


def test_specifier_error_for_missing_version() -> None:
    with pytest.raises(InvalidSpecifier) as info:
        parse_specifiers(">=")
    assert info.value.span == (2, 2)


def test_one_error_type_per_kind() -> None:
    with pytest.raises(InvalidSpecifier):
        parse_specifiers("==1.0,@")
    with pytest.raises(InvalidVersion):
        parse_version("@")
    assert not issubclass(InvalidSpecifier, InvalidVersion)
    assert not issubclass(InvalidVersion, InvalidSpecifier)


def test_range_from_bad_specifier_raises_invalid_specifier() -> None:
    from prong.pep440.ranges import Range

    with pytest.raises(InvalidSpecifier):
        Range.from_specifiers(">=1.0,<<2")
