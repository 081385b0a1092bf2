"""PEP 508 requirements: parts, normalization, round trip, errors with spans."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet

from prong.errors import InvalidRequirement
from prong.pep508.requirement import Requirement, parse_requirement


@pytest.mark.parametrize(
    ("text", "name", "extras", "spec", "url", "marker"),
    [
        ("torch", "torch", (), "", None, None),
        ("torch>=2.0.0", "torch", (), ">=2.0.0", None, None),
        ("Foo.Bar[Z_z,a,A]>=2,<3", "foo-bar", ("a", "z-z"), "<3,>=2", None, None),
        ("torch==2.7.0+cpu ; extra == 'cpu'", "torch", (), "==2.7.0+cpu", None, 'extra == "cpu"'),
        (
            "torch>=2.0.0; python_version == '3.10' and platform_machine == 'aarch64'",
            "torch", (), ">=2.0.0", None, 'python_version == "3.10" and platform_machine == "aarch64"',
        ),
        ("pkg @ https://example.invalid/pkg-1.0-py3-none-any.whl", "pkg", (), "", "https://example.invalid/pkg-1.0-py3-none-any.whl", None),
        ("pkg[x] @ file:///tmp/pkg ; os_name == 'nt'", "pkg", ("x",), "", "file:///tmp/pkg", 'os_name == "nt"'),
        ("name (>=1.0, !=1.5)", "name", (), "!=1.5,>=1.0", None, None),
    ],
)
def test_parse(text: str, name: str, extras: tuple[str, ...], spec: str, url: str | None, marker: str | None) -> None:
    req = parse_requirement(text)
    assert req.name == name
    assert req.extras == extras
    assert req.specifier == SpecifierSet(spec)
    assert req.url == url
    assert req.marker == marker
    again = parse_requirement(str(req))
    assert again == req and str(again) == str(req)
    assert hash(again) == hash(req)


def test_str() -> None:
    assert str(parse_requirement("Foo_Bar[B,a]>=1,<2;python_version<'3.11'")) == (
        'foo-bar[a,b]<2,>=1 ; python_version < "3.11"'
    )
    assert str(parse_requirement("x @ https://h.invalid/x.whl")) == "x @ https://h.invalid/x.whl"


def test_requirement_is_frozen() -> None:
    req = parse_requirement("foo")
    with pytest.raises(AttributeError):
        req.name = "bar"  # type: ignore[misc]
    assert isinstance(req, Requirement)


def test_marker_tree_is_none_without_a_marker() -> None:
    assert parse_requirement("foo").marker_tree is None


def test_marker_tree_uses_prong_markers() -> None:
    markers = pytest.importorskip("prong.pep508.markers", reason="prong.pep508.markers is written by another helper")
    req = parse_requirement("foo ; sys_platform == 'linux'")
    tree = req.marker_tree
    assert tree is req.marker_tree  # parsed once
    assert tree == markers.parse_marker('sys_platform == "linux"')


@pytest.mark.parametrize(
    ("text", "span", "words"),
    [
        ("foo bar", (4, 4), "Expected semicolon"),
        ("foo[bar >=1", (3, 8), "Expected matching RIGHT_BRACKET"),
        ("foo>=1.0.*", (3, 9), ".* suffix"),
        ("foo; python_version >= '3' and", (30, 30), "Expected a marker variable"),
        ("", (0, 0), "Expected package name"),
        ("torch>=2.0.0; python_version == 3.10", (32, 32), "Expected a marker variable or quoted string"),
    ],
)
def test_errors_carry_packagings_span(text: str, span: tuple[int, int], words: str) -> None:
    with pytest.raises(InvalidRequirement) as info:
        parse_requirement(text)
    err = info.value
    assert err.kind == "requirement"
    assert err.source == text and err.span == span
    assert f"`{text}`" in err.message and words in err.message
    lines = str(err).splitlines()
    assert lines[1] == f"    {text}"
    assert lines[2].index("^") == 4 + span[1]
