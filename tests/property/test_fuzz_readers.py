"""Fuzzing the three readers of user files (issue 15): the requirements-file parser, the uv.lock
reader and the pyproject.toml reader must raise nothing but prong's own errors (``ProngError``),
whatever they are given.

Inputs are random text and bytes, but mostly structured: real files (tests/realworld/projects)
mutated line by line and character by character, their parsed TOML mutated as data (a value
replaced by a random TOML value, a key dropped or added) and written back, lines built from the
grammar's own tokens, and deep nesting.

``PRONG_FUZZ=full`` runs 10,000 examples per reader; otherwise a few hundred, so that the three
together stay well under 20 s in CI.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prong.errors import ProngError
from prong.lock.text import parse_lock
from prong.pep508.requirement import parse_requirement
from prong.project.pyproject import pyproject_from_dict, read_pyproject
from prong.project.requirements_txt import read_requirements

FULL = os.environ.get("PRONG_FUZZ") == "full"
EXAMPLES = 10_000 if FULL else 150
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=not FULL, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
PROJECTS = Path(__file__).parents[1] / "realworld" / "projects"


# -- the real files the mutations start from ------------------------------------------------------


def _lock_head(text: str, packages: int = 6) -> str:
    """The top of a lock: its header and first few ``[[package]]`` tables (keeps parsing fast)."""
    parts = text.split("\n[[package]]\n")
    return "\n[[package]]\n".join(parts[: packages + 1])


@lru_cache(maxsize=None)
def _pyprojects() -> tuple[str, ...]:
    return tuple(p.read_text() for p in sorted(PROJECTS.glob("*/pyproject.toml")))


@lru_cache(maxsize=None)
def _locks() -> tuple[str, ...]:
    """Whole locks under 100 kB (each parses, so a mutation is the only thing wrong), and the top of
    each bigger one (other sources and markers; their dependency edges point outside the cut)."""
    found = sorted(PROJECTS.glob("*/uv.lock")) + sorted((Path(__file__).parents[1] / "unit/lock/data").glob("*.lock"))
    texts = [p.read_text() for p in found]
    whole = [t for t in texts if len(t) < 100_000]
    return tuple(whole * 3 + [_lock_head(t) for t in texts if len(t) >= 100_000])


@lru_cache(maxsize=None)
def _requirement_lines() -> tuple[str, ...]:
    lines: set[str] = set()
    for text in _pyprojects():
        doc = tomllib.loads(text)
        project = doc.get("project", {})
        lines.update(project.get("dependencies", []))
        for reqs in project.get("optional-dependencies", {}).values():
            lines.update(reqs)
        for reqs in doc.get("dependency-groups", {}).values():
            lines.update(r for r in reqs if isinstance(r, str))
    return tuple(sorted(lines))


# -- strategies -----------------------------------------------------------------------------------

TOKENS = [
    "requests", "six", "a", "A_b.c-d", "[", "]", "(", ")", ",", ";", "@", " ", "  ", "\t", "==", "===", "~=", "!=",
    "<=", ">=", "<", ">", "=", "1", "1.0", "2!1.0.post1.dev2+local", "*", ".*", "1.0a1", "python_version",
    "sys_platform", "extra", "'3.8'", '"linux"', "and", "or", "not", "in", "#", " #", "\\", "\\\n", "\n", "\r\n",
    "-r", "-c", "-e", "-i", "--index-url", "--extra-index-url", "-f", "--no-index", "--pre", "--hash",
    "--hash=sha256:", "--hash=sha256:" + "0" * 64, "--requirement", "--constraint", "--editable=", "${HOME}",
    "${UNSET_VAR}", "$", "{", "}", "file:///x", "https://h/x.whl", "git+https://h/r.git@v1#egg=x", "./dir", "..",
    "/", "a.txt", "b.txt", "req.in", "\x00", "\ufeff", "\u200b", "é", "２", "\udcff",
]
SAMPLE_STRINGS = [
    "", " ", "six", "Six_", ">=3.8", ">=three", "==1.0", "1.0", "not.a.version!", "not a url", "https://",
    "https://pypi.org/simple", "https:///simple", "file:///x", ".", "../nope", "x" * 300, "sha256:zz", "sha256:",
    "registry", "virtual", "editable", "directory", "path", "git", "url", "python_version >= '3.8'", "extra == 'x'",
    "sys_platform ==", "\x00", "\n", "\"", "\\", "{", "[", "1970-01-01T00:00:00Z", "9999-12-31", "yesterday",
    "highest", "lowest-direct", "first-index", "if-necessary", "requests[", "requests ; ", "@", "a/b", "-e",
]
KEYS = [
    "version", "revision", "requires-python", "resolution-markers", "supported-markers", "name", "source",
    "dependencies", "optional-dependencies", "dev-dependencies", "sdist", "wheels", "url", "hash", "size",
    "upload-time", "marker", "extra", "group", "package", "options", "manifest", "members", "requirements",
    "requires-dist", "requires-dev", "provides-extras", "conflicts", "exclude-newer", "registry", "editable",
    "virtual", "directory", "path", "git", "specifier", "index", "project", "tool", "uv", "sources", "index-url",
    "extra-index-url", "dependency-groups", "dynamic", "build-system", "pip", "workspace", "include-group",
    "default-groups", "default", "explicit", "environments", "constraint-dependencies", "override-dependencies",
]

scalars = st.one_of(
    st.sampled_from(SAMPLE_STRINGS), st.text(max_size=30), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(), st.booleans(), st.datetimes(timezones=st.none() | st.just(dt.timezone.utc)), st.dates(), st.times(),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12))
toml_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4), max_leaves=12
)


def _key(key: str) -> str:
    return _string(key)


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("?")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """``value`` as an inline TOML value (tomllib only reads TOML; the test writes its own)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(doc: dict[str, Any]) -> str:
    return "".join(f"{_key(k)} = {toml_value(v)}\n" for k, v in doc.items())


@st.composite
def mutated_text(draw: st.DrawFn, base: str) -> str:
    """``base`` with one to six edits: lines dropped, duplicated, swapped or replaced, characters
    deleted or inserted, a value swapped for a random TOML value, or the file cut short."""
    text = base
    for _ in range(draw(st.integers(1, 6))):
        lines = text.split("\n")
        op = draw(st.sampled_from(["drop", "dup", "swap", "value", "chars", "insert", "token", "cut", "line"]))
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == "drop" and lines:
            del lines[i]
        elif op == "dup" and lines:
            lines.insert(i, lines[i])
        elif op == "swap" and lines:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "value" and lines:
            head, eq, _ = lines[i].partition(" = ")
            if eq:
                lines[i] = f"{head} = {toml_value(draw(toml_values))}"
        elif op == "line":
            lines.insert(i, f"{_key(draw(keys))} = {toml_value(draw(toml_values))}")
        elif op == "cut":
            text = text[: draw(st.integers(0, len(text)))]
            continue
        else:
            text = "\n".join(lines)
            at = draw(st.integers(0, len(text)))
            if op == "chars":
                text = text[:at] + text[at + draw(st.integers(1, 20)):]
            elif op == "token":
                text = text[:at] + draw(st.sampled_from(TOKENS + SAMPLE_STRINGS)) + text[at:]
            else:
                text = text[:at] + draw(st.text(max_size=8)) + text[at:]
            continue
        text = "\n".join(lines)
    return text


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc[:8]):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated_data(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` (a parsed TOML document) with one to four values replaced, deleted or added."""
    import copy

    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = doc
        for part in path[:-1]:
            parent = parent[part]
        op = draw(st.sampled_from(["replace", "delete", "add"]))
        if op == "replace":
            parent[path[-1]] = draw(toml_values)
        elif op == "delete":
            del parent[path[-1]]
        elif isinstance(parent[path[-1]], dict):
            parent[path[-1]][draw(keys)] = draw(toml_values)
        elif isinstance(parent[path[-1]], list):
            parent[path[-1]].append(draw(toml_values))
    return doc


@st.composite
def deep_nesting(draw: st.DrawFn, base: str) -> str:
    """``base`` with a deeply nested array or inline table set as some key's value."""
    depth = draw(st.integers(1, 3000))
    opener, closer = draw(st.sampled_from([("[", "]"), ("{a = ", "}"), ("[{a = ", "}]")]))
    nested = opener * depth + draw(st.sampled_from(["", "1", '"x"', "[]"])) + closer * draw(st.integers(0, depth))
    lines = base.split("\n")
    at = draw(st.integers(0, len(lines)))
    lines.insert(at, f"{draw(st.sampled_from(KEYS))} = {nested}")
    return "\n".join(lines)


def _toml_file_inputs(bases: tuple[str, ...]) -> st.SearchStrategy[str]:
    base = st.sampled_from(bases)
    return st.one_of(
        base.flatmap(mutated_text),
        base.flatmap(lambda t: mutated_data(tomllib.loads(t)).map(toml_document)),
        base.flatmap(deep_nesting),
        st.dictionaries(keys, toml_values, max_size=6).map(toml_document),
        st.text(max_size=300),
    )


# -- the properties -------------------------------------------------------------------------------

_WORK = Path(tempfile.mkdtemp(prefix="prong-fuzz-"))
(_WORK / "a.txt").write_text("six\n")
(_WORK / "b.txt").write_text("-r req.in\nidna\n")
(_WORK / "dir").mkdir(exist_ok=True)


def _requirement_files() -> st.SearchStrategy[bytes]:
    lines = st.sampled_from(_requirement_lines())
    grammar_line = st.lists(st.sampled_from(TOKENS), max_size=12).map("".join)
    real_file = st.lists(lines, min_size=1, max_size=12).map("\n".join)
    mixed_file = st.lists(st.one_of(lines, grammar_line, lines.flatmap(mutated_text)), max_size=10).map("\n".join)
    text = st.one_of(real_file.flatmap(mutated_text), mixed_file, st.text(max_size=200))
    return st.one_of(
        text.map(lambda t: t.encode("utf-8", "surrogateescape") if "\udcff" in t else t.encode("utf-8", "replace")),
        st.binary(max_size=200),
    )


@FUZZ
@given(data=_requirement_files())
def test_the_requirements_parser_raises_only_prong_errors(data: bytes) -> None:
    path = _WORK / "req.in"
    path.write_bytes(data)
    try:
        read_requirements(path, validate=parse_requirement, environ={"HOME": "/home/x", "EMPTY": ""})
    except ProngError:
        pass


@FUZZ
@given(text=_toml_file_inputs(_locks()))
def test_the_lock_reader_raises_only_prong_errors(text: str) -> None:
    try:
        parse_lock(text, "uv.lock")
    except ProngError:
        pass


@FUZZ
@given(text=_toml_file_inputs(_pyprojects()))
def test_the_pyproject_reader_raises_only_prong_errors(text: str) -> None:
    path = _WORK / "pyproject.toml"
    path.write_text(text, encoding="utf-8", errors="replace")
    try:
        read_pyproject(path)
    except ProngError:
        pass


@FUZZ
@given(doc=st.sampled_from(_pyprojects()).flatmap(lambda t: mutated_data(tomllib.loads(t))))
def test_pyproject_from_dict_raises_only_prong_errors(doc: dict[str, Any]) -> None:
    try:
        pyproject_from_dict(doc, Path("pyproject.toml"))
    except ProngError:
        pass


def test_the_toml_writer_of_this_test_round_trips() -> None:
    doc = {"a": [1, 2.5, "x\"\\\n"], "b": {"c": True, "d": dt.date(2024, 1, 1)}, "e e": float("inf")}
    assert tomllib.loads(toml_document(doc)) == doc
