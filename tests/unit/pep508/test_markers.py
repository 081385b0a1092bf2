"""Marker algebra: uv's display table, canonical form, variable knowledge, evaluation, errors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from prong.errors import InvalidMarker
from prong.pep508.markers import FALSE, TRUE, MarkerTree, parse_marker

TABLE = tomllib.loads((Path(__file__).parent / "uv_markers.toml").read_text())["marker"]

def _rows() -> list[object]:
    return [pytest.param(row, id=f"{row['channel']}:{row['input'][:60]}") for row in TABLE]


def test_table_is_big_enough() -> None:
    assert len(TABLE) >= 40


@pytest.mark.parametrize("row", _rows())
def test_uv_display(row: dict[str, str]) -> None:
    tree = parse_marker(row["input"])
    if "requires-python" in row:
        tree = tree.simplify_python(row["requires-python"])
    if row.get("always-false"):
        assert tree.is_false()
    else:
        assert str(tree) == row["expected"]


@pytest.mark.parametrize("row", [r for r in TABLE if r["channel"] == "lock" and "os_name" not in r["input"]])
def test_uv_display_round_trips(row: dict[str, str]) -> None:
    tree = parse_marker(row["input"])
    assert parse_marker(str(tree)) == tree


# --- canonical form ----------------------------------------------------------------------------


def test_equal_sets_are_equal_objects() -> None:
    a = parse_marker("python_version >= '3.9' and sys_platform == 'linux'")
    b = parse_marker("sys_platform == 'linux' and '3.9' <= python_version")
    assert a == b and hash(a) == hash(b) and a is b
    assert parse_marker("python_version == '3.10'") == parse_marker("python_full_version >= '3.10' and python_full_version < '3.11'")
    assert parse_marker("python_version > '3.9'") == parse_marker("python_full_version >= '3.10'")
    assert parse_marker("python_version <= '3.9'") == parse_marker("python_full_version < '3.10'")
    assert parse_marker("python_version in '3.8 3.9'") == parse_marker("python_version >= '3.8' and python_version < '3.10'")
    assert parse_marker("python_version ~= '3.8'") == parse_marker("python_full_version >= '3.8' and python_full_version < '4'")
    assert parse_marker("python_version != '3.9'").negate() == parse_marker("python_version == '3.9'")


def test_constants() -> None:
    assert MarkerTree.TRUE is TRUE and MarkerTree.FALSE is FALSE
    assert TRUE.is_true() and not TRUE.is_false()
    assert FALSE.is_false() and not FALSE.is_true()
    assert parse_marker("python_version >= '3' or python_version < '3'") is TRUE
    assert parse_marker("python_version < '3.8' and python_version >= '3.8'") is FALSE
    assert str(TRUE) == "" and str(FALSE) == "python_version < '0'"


def test_and_or_negate_laws() -> None:
    a = parse_marker("sys_platform == 'linux'")
    b = parse_marker("python_version < '3.11'")
    assert a.and_(b) == b.and_(a)
    assert a.or_(b) == b.or_(a)
    assert a.and_(a.negate()) is FALSE
    assert a.or_(a.negate()) is TRUE
    assert a.and_(b).negate() == a.negate().or_(b.negate())
    assert (a & b) == a.and_(b) and (a | b) == a.or_(b) and ~a == a.negate()


def test_implies_and_disjoint() -> None:
    linux = parse_marker("sys_platform == 'linux'")
    win = parse_marker("sys_platform == 'win32'")
    assert linux.is_disjoint(win)
    assert not linux.is_disjoint(parse_marker("platform_machine == 'x86_64'"))
    assert parse_marker("python_version == '3.10'").implies(parse_marker("python_version >= '3.9'"))
    assert not parse_marker("python_version >= '3.9'").implies(parse_marker("python_version == '3.10'"))
    assert FALSE.implies(linux) and linux.implies(TRUE)
    assert FALSE.is_disjoint(TRUE) and not TRUE.is_disjoint(TRUE)


# --- uv's variable knowledge -------------------------------------------------------------------


@pytest.mark.parametrize(
    "a,b",
    [
        ("platform_system == 'Windows'", "sys_platform == 'win32'"),
        ("platform_system == 'Darwin'", "sys_platform == 'darwin'"),
        ("platform_system == 'Linux'", "sys_platform == 'linux'"),
        ("platform_system != 'Linux'", "sys_platform != 'linux'"),
    ],
)
def test_platform_system_is_sys_platform(a: str, b: str) -> None:
    assert parse_marker(a) == parse_marker(b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("sys_platform == 'linux'", "sys_platform == 'win32'"),
        ("platform_system == 'Darwin'", "sys_platform == 'win32'"),
        ("os_name == 'nt'", "sys_platform == 'linux'"),
        ("os_name == 'nt'", "platform_system == 'Darwin'"),
        ("os_name == 'posix'", "sys_platform == 'win32'"),
        ("platform_system == 'FreeBSD'", "sys_platform == 'linux'"),
        ("platform_system == 'FreeBSD'", "platform_system == 'Linux'"),
    ],
)
def test_known_disjoint(a: str, b: str) -> None:
    x, y = parse_marker(a), parse_marker(b)
    assert x.is_disjoint(y) and y.is_disjoint(x)
    assert x.and_(y) is FALSE


@pytest.mark.parametrize(
    "a,b",
    [
        ("os_name == 'nt'", "sys_platform == 'win32'"),
        ("os_name == 'nt'", "sys_platform == 'cygwin'"),
        ("platform_system == 'FreeBSD'", "sys_platform == 'freebsd14'"),
        ("platform_machine == 'aarch64'", "sys_platform == 'darwin'"),
    ],
)
def test_not_disjoint(a: str, b: str) -> None:
    assert not parse_marker(a).is_disjoint(parse_marker(b))


def test_string_ordering_comparisons_follow_uv() -> None:
    assert parse_marker("os_name < 'z'") is FALSE
    assert parse_marker("os_name <= 'posix'") == parse_marker("os_name == 'posix'")
    assert parse_marker("platform_release >= '5'").evaluate({"platform_release": "6.1"})


def test_ignored_expressions_follow_uv() -> None:
    # uv drops expressions it cannot interpret (with a warning) instead of failing.
    assert parse_marker("python_version == 'foo'") is TRUE
    assert parse_marker("python_version == 'foo' and sys_platform == 'linux'") == parse_marker("sys_platform == 'linux'")
    assert parse_marker("os_name ~= 'nt'") is TRUE
    assert parse_marker("os_name == sys_platform") is TRUE
    assert parse_marker("'a' == 'b'") is TRUE
    assert parse_marker("extra > 'foo'") is TRUE
    assert parse_marker("python_version === '3.10'") == parse_marker("python_version == '3.10'")
    assert parse_marker("os_name === 'nt'") == parse_marker("os_name == 'nt'")


# --- requires-python ---------------------------------------------------------------------------


def test_simplify_python() -> None:
    rp = SpecifierSet(">=3.10")
    assert parse_marker("python_version >= '3.10'").simplify_python(rp) is TRUE
    assert parse_marker("python_version < '3.10'").simplify_python(rp) is FALSE
    assert str(parse_marker("python_version == '3.10'").simplify_python(rp)) == "python_full_version < '3.11'"
    assert str(parse_marker("python_version == '3.10'").simplify_python(">=3.10,<4")) == "python_full_version < '3.11'"
    linux = parse_marker("sys_platform == 'linux'")
    assert linux.simplify_python(rp) is linux
    assert parse_marker("python_version >= '3.12'").simplify_python(">=3.10,<3.11") is FALSE


@pytest.mark.parametrize(
    "text",
    [
        "python_version == '3.10'",
        "python_version >= '3.11' and sys_platform == 'linux'",
        "python_version < '3.12' or platform_machine == 'x86_64'",
        "sys_platform == 'win32'",
    ],
)
def test_complexify_inverts_simplify(text: str) -> None:
    rp = ">=3.10"
    marker = parse_marker(text)
    bound = parse_marker("python_full_version >= '3.10'")
    simple = marker.simplify_python(rp)
    assert simple.complexify_python(rp) == marker.and_(bound)
    assert marker.complexify_python(rp) == marker.and_(bound)
    assert TRUE.complexify_python(rp) == bound


# --- extras ------------------------------------------------------------------------------------


def test_extras_projection() -> None:
    m = parse_marker("(sys_platform == 'linux' and extra == 'cpu') or (sys_platform == 'win32' and extra != 'cpu')")
    assert m.without_extras() == parse_marker("sys_platform == 'linux' or sys_platform == 'win32'")
    assert parse_marker("sys_platform == 'linux'").only_extras() is TRUE
    assert parse_marker("sys_platform == 'linux' and extra == 'cpu'").only_extras() == parse_marker("extra == 'cpu'")
    assert parse_marker("extra == 'cpu'").without_extras() is TRUE


def test_extra_names_are_normalized() -> None:
    assert parse_marker("extra == 'Foo_Bar'") == parse_marker("extra == 'foo-bar'")
    assert str(parse_marker("'Foo.Bar' == extra")) == "extra == 'foo-bar'"


# --- evaluation --------------------------------------------------------------------------------

LINUX_311 = {
    "implementation_name": "cpython",
    "implementation_version": "3.11.7",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_release": "6.5.0",
    "platform_system": "Linux",
    "platform_version": "#1 SMP",
    "python_full_version": "3.11.7",
    "python_version": "3.11",
    "sys_platform": "linux",
}


@pytest.mark.parametrize(
    "text,extras,expected",
    [
        ("python_version == '3.11'", (), True),
        ("python_full_version < '3.11.7'", (), False),
        ("python_version >= '3.12' or sys_platform == 'linux'", (), True),
        ("platform_system == 'Linux' and platform_machine == 'x86_64'", (), True),
        ("os_name == 'nt'", (), False),
        ("extra == 'cpu'", (), False),
        ("extra == 'cpu'", ("cpu",), True),
        ("extra == 'extra-3-xxx-cpu' and sys_platform == 'linux'", ("extra-3-xxx-cpu",), True),
        ("extra == 'foo-bar'", ("Foo_Bar",), True),
        ("'linux' in sys_platform", (), True),
        ("sys_platform in 'linux win32'", (), True),
        ("sys_platform not in 'darwin win32'", (), True),
        ("'3.11' <= python_version", (), True),
        ("python_version in '3.10 3.11'", (), True),
        ("implementation_version >= '3.11'", (), True),
    ],
)
def test_evaluate(text: str, extras: tuple[str, ...], expected: bool) -> None:
    assert parse_marker(text).evaluate(LINUX_311, extras) is expected


def test_evaluate_agrees_with_packaging_on_common_markers() -> None:
    from packaging.markers import Marker

    texts = [
        "python_version < '3.12' and sys_platform == 'linux'",
        "platform_machine == 'aarch64' or python_full_version >= '3.11.5'",
        "os_name == 'posix' and implementation_name == 'cpython'",
        "python_version != '3.11'",
    ]
    for text in texts:
        assert parse_marker(text).evaluate(LINUX_311) == Marker(text).evaluate(dict(LINUX_311))


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,span",
    [
        ("python_version >= '3.8", (18, 23)),
        ("python_versio >= '3.8'", (0, 13)),
        ("python_version => '3.8'", (15, 17)),
        ("python_version >= '3.8' and", (27, 28)),
        ("(python_version >= '3.8'", (0, 1)),
        ("python_version >= '3.8' garbage", (24, 31)),
        ("python_version", (14, 15)),
        ("", (0, 1)),
        ("os_name == 'nt' or or", (19, 21)),
    ],
)
def test_errors_point_at_the_offending_characters(text: str, span: tuple[int, int]) -> None:
    with pytest.raises(InvalidMarker) as info:
        parse_marker(text)
    err = info.value
    assert err.source == text
    start, end = span
    assert err.span == (min(start, len(text)), min(end, len(text)))
    lines = str(err).splitlines()
    assert lines[1] == "    " + text
    assert lines[2] == "    " + " " * err.span[0] + "~" * (err.span[1] - err.span[0]) + "^"


def test_pickle_round_trip() -> None:
    import pickle

    for marker in (TRUE, FALSE, parse_marker("python_version < '3.11' and extra == 'extra-3-xxx-cpu'")):
        assert pickle.loads(pickle.dumps(marker)) == marker


def test_to_dnf_lists_terms() -> None:
    m = parse_marker("(python_version < '3.9' and sys_platform == 'win32') or sys_platform == 'linux'")
    assert m.to_dnf() == [["python_full_version < '3.9'", "sys_platform == 'win32'"], ["sys_platform == 'linux'"]]


def test_assign_extras_substitutes_only_what_it_decides() -> None:
    from prong.pep508.markers import parse_marker

    m = parse_marker("extra == 'a' and sys_platform == 'linux' or extra == 'b'")
    decide = {"a": True}.get
    assert str(m.assign_extras(decide)) == str(parse_marker("sys_platform == 'linux' or extra == 'b'"))
    assert str(m.assign_extras({"a": False, "b": False}.get)) == "python_version < '0'"  # FALSE
    assert m.assign_extras({"b": True}.get).is_true()
    assert m.assign_extras(lambda name: None) is m
