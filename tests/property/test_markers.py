"""Properties of the marker algebra over generated markers and a grid of environments.

The grid covers every value and every boundary the generators use (python versions just below,
at and above each bound; each platform value plus one the generators never name), and only holds
environments that exist (os_name/sys_platform/platform_system agree), because uv's algebra, like
prong's, treats impossible platform combinations as false.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from hypothesis import given
from hypothesis import strategies as st
from packaging.markers import Marker

from prong.pep508 import _marker_algebra as A
from prong.pep508.markers import MarkerTree, parse_marker

PY_MINORS = ["3.8", "3.9", "3.10", "3.11", "3.12"]
PY_FULL = ["3.9.1", "3.10.2"]
PYTHONS = [
    "2.7.18", "3.7.0", "3.8.0", "3.8.1", "3.9.0", "3.9.1", "3.9.2", "3.10.0", "3.10.1", "3.10.2", "3.10.3",
    "3.11.0", "3.11.1", "3.12.0", "3.12.1", "3.13.0", "4.0.0",
]
# (os_name, sys_platform, platform_system): every combination uv's algebra considers possible.
# uv rewrites platform_system Linux/Windows/Darwin/AIX to the matching sys_platform (so those pairs
# always agree) and knows some pairs never occur together (os_name 'nt' with linux or darwin,
# 'posix' with win32, platform_system FreeBSD with any other named platform).
_REWRITE = {"Linux": "linux", "Windows": "win32", "Darwin": "darwin", "AIX": "aix"}
_EXCLUDED = {("nt", "linux"), ("nt", "darwin"), ("posix", "win32")} | {
    ("FreeBSD", sp) for sp in ("aix", "linux", "darwin", "win32", "cygwin")
}


def _possible(os_name: str, sys_platform: str, system: str) -> bool:
    if system in _REWRITE and _REWRITE[system] != sys_platform:
        return False
    if sys_platform in _REWRITE.values() and _REWRITE.get(system) != sys_platform:
        return False
    return (os_name, sys_platform) not in _EXCLUDED and (system, sys_platform) not in _EXCLUDED


PLATFORMS = [
    (o, sp, ps)
    for o in ("nt", "posix", "java")
    for sp in ("linux", "win32", "darwin", "freebsd14", "aix", "cygwin")
    for ps in ("Linux", "Windows", "Darwin", "AIX", "FreeBSD", "CYGWIN_NT-10.0")
    if _possible(o, sp, ps)
]
MACHINES = ["x86_64", "aarch64", "ppc64le"]
IMPLEMENTATIONS = ["cpython", "pypy", "graalpy"]
EXTRAS: list[tuple[str, ...]] = [(), ("cpu",), ("gpu",), ("cpu", "gpu")]


def _env(py: str, plat: tuple[str, str, str], machine: str, impl: str) -> dict[str, str]:
    major_minor = ".".join(py.split(".")[:2])
    return {
        "implementation_name": impl,
        "implementation_version": py,
        "os_name": plat[0],
        "platform_machine": machine,
        "platform_python_implementation": {"cpython": "CPython", "pypy": "PyPy"}.get(impl, "GraalVM"),
        "platform_release": "",
        "platform_system": plat[2],
        "platform_version": "",
        "python_full_version": py,
        "python_version": major_minor,
        "sys_platform": plat[1],
    }


GRID = [
    (_env(py, plat, machine, impl), extras)
    for py, plat, machine, impl, extras in itertools.product(PYTHONS, PLATFORMS, MACHINES, IMPLEMENTATIONS, EXTRAS)
]
FULL_MASK = (1 << len(GRID)) - 1


def _value_masks() -> dict[A.Var, list[tuple[object, int]]]:
    """For each variable, the grid's distinct values with the bitmask of environments holding them."""
    from packaging.version import Version

    out: dict[A.Var, dict[object, int]] = {}
    for i, (env, extras) in enumerate(GRID):
        for name, idx in A.STRING_INDEX.items():
            out.setdefault((A.K_STRING, idx), {}).setdefault(env[name], 0)
            out[(A.K_STRING, idx)][env[name]] |= 1 << i
        for name, idx in A.VERSION_INDEX.items():
            v = Version(env[name])
            out.setdefault((A.K_VERSION, idx), {}).setdefault(v, 0)
            out[(A.K_VERSION, idx)][v] |= 1 << i
    return {var: list(values.items()) for var, values in out.items()}


VALUE_MASKS = _value_masks()


@lru_cache(maxsize=None)
def _extra_mask(name: str) -> int:
    return sum(1 << i for i, (_, extras) in enumerate(GRID) if name in extras)


@lru_cache(maxsize=None)
def _bool_mask(var: A.Var) -> int:
    kind, key = var[0], A.STRING_VARS[var[1]]
    if kind == A.K_IN:
        return sum(1 << i for i, (env, _) in enumerate(GRID) if env[key] in var[2])
    return sum(1 << i for i, (env, _) in enumerate(GRID) if var[2] in env[key])


@lru_cache(maxsize=None)
def mask(node: int) -> int:
    """The set of grid environments where a diagram is true, computed from its structure."""
    from bisect import bisect_right

    if node == A.FALSE:
        return 0
    if node == A.TRUE:
        return FULL_MASK
    var = A.T.vars[node]
    children = A.T.children[node]
    if A.is_boolean(var):
        m = _extra_mask(var[1]) if var[0] == A.K_EXTRA else _bool_mask(var)
        return (m & mask(children[0])) | (~m & FULL_MASK & mask(children[1]))
    bounds = A.T.bounds[node]
    result = 0
    for value, envs in VALUE_MASKS[var]:
        result |= envs & mask(children[bisect_right(bounds, (value, 0.5))])
    return result


def m_of(tree: MarkerTree) -> int:
    return mask(tree._node)


# --- generators --------------------------------------------------------------------------------

OPS = ["<", "<=", ">", ">=", "==", "!="]


def _atoms() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda op, v: f"python_version {op} '{v}'", st.sampled_from(OPS), st.sampled_from(PY_MINORS)),
        st.builds(lambda op, v: f"'{v}' {op} python_version", st.sampled_from(OPS), st.sampled_from(PY_MINORS)),
        st.builds(lambda op, v: f"python_full_version {op} '{v}'", st.sampled_from(OPS), st.sampled_from(PY_FULL)),
        st.builds(lambda v: f"python_version == '{v}.*'", st.sampled_from(["3", "3.10"])),
        st.builds(lambda op, vs: f"python_version {op} '{' '.join(vs)}'", st.sampled_from(["in", "not in"]),
                  st.lists(st.sampled_from(PY_MINORS), min_size=1, max_size=2)),
        st.builds(lambda op, v: f"sys_platform {op} '{v}'", st.sampled_from(["==", "!="]),
                  st.sampled_from(["linux", "win32", "darwin", "freebsd14"])),
        st.builds(lambda op, v: f"platform_system {op} '{v}'", st.sampled_from(["==", "!="]),
                  st.sampled_from(["Linux", "Windows", "Darwin", "FreeBSD"])),
        st.builds(lambda op, v: f"os_name {op} '{v}'", st.sampled_from(["==", "!="]), st.sampled_from(["nt", "posix"])),
        st.builds(lambda op, v: f"platform_machine {op} '{v}'", st.sampled_from(["==", "!="]),
                  st.sampled_from(["x86_64", "aarch64"])),
        st.builds(lambda op, v: f"implementation_name {op} '{v}'", st.sampled_from(["==", "!="]),
                  st.sampled_from(["cpython", "pypy"])),
        st.builds(lambda op, v: f"'{v}' {op} sys_platform", st.sampled_from(["in", "not in"]), st.sampled_from(["win", "lin"])),
        st.builds(lambda op: f"sys_platform {op} 'linux darwin'", st.sampled_from(["in", "not in"])),
        st.builds(lambda op, v: f"extra {op} '{v}'", st.sampled_from(["==", "!="]), st.sampled_from(["cpu", "gpu"])),
    )


TEXTS = st.recursive(
    _atoms(),
    lambda inner: st.builds(lambda a, op, b: f"({a} {op} {b})", inner, st.sampled_from(["and", "or"]), inner),
    max_leaves=5,
)
MARKERS = TEXTS.map(parse_marker)


# --- properties --------------------------------------------------------------------------------


@given(MARKERS, MARKERS)
def test_and_or_not_agree_with_boolean_logic(a: MarkerTree, b: MarkerTree) -> None:
    ma, mb = m_of(a), m_of(b)
    assert m_of(a.and_(b)) == ma & mb
    assert m_of(a.or_(b)) == ma | mb
    assert m_of(a.negate()) == FULL_MASK & ~ma
    assert a.is_true() == (a is MarkerTree.TRUE)
    if a.is_false():
        assert ma == 0
    if a.is_true():
        assert ma == FULL_MASK


def _uses_substring_tests(*trees: MarkerTree) -> bool:
    return any(v[0] in (A.K_IN, A.K_CONTAINS) for t in trees for v in A.node_vars(t._node))


def _mixes_platform_variables(*trees: MarkerTree) -> bool:
    """Two of os_name / sys_platform / platform_system: uv (and prong) only rule out impossible
    pairs of these when both sides of an `and` test them at the top of the diagram."""
    used = {v for t in trees for v in A.node_vars(t._node) if A.is_conflicting(v)}
    return len(used) >= 2


@given(MARKERS, MARKERS)
def test_is_disjoint_matches_the_grid(a: MarkerTree, b: MarkerTree) -> None:
    grid_disjoint = m_of(a) & m_of(b) == 0
    grid_implies = m_of(a) & ~m_of(b) & FULL_MASK == 0
    # Sound always: a "disjoint" answer is never wrong.
    if a.is_disjoint(b):
        assert grid_disjoint
    if a.implies(b):
        assert grid_implies
    # Complete unless `in`/`not in` substring tests are involved (like uv, prong keeps those as
    # variables of their own, so `sys_platform == 'linux' and 'win' in sys_platform` is not
    # recognised as empty) or several platform variables meet (see _mixes_platform_variables).
    if not _uses_substring_tests(a, b) and not _mixes_platform_variables(a, b):
        assert a.is_disjoint(b) == grid_disjoint
        assert a.implies(b) == grid_implies


def possible(m: MarkerTree) -> int:
    """The diagram of ``m`` without the platform pairs that never hold together.

    Like uv's, the algebra removes an impossible pair (``platform_system == 'FreeBSD' and
    sys_platform == 'linux'``) only when a whole conjunction is impossible, so two spellings of
    one set can keep different impossible leftovers: the form is canonical on what is possible.
    """
    return A._apply_and(m._node, A.negate(A.exclusions()), False)


@given(MARKERS, MARKERS, MARKERS)
def test_canonical_form(a: MarkerTree, b: MarkerTree, c: MarkerTree) -> None:
    assert a.and_(b) == b.and_(a)
    assert a.or_(b) == b.or_(a)
    assert possible(a.and_(b).and_(c)) == possible(a.and_(b.and_(c)))
    assert a.negate().negate() == a
    assert a.and_(b).negate() == a.negate().or_(b.negate())
    assert hash(a.or_(b)) == hash(b.or_(a))


SINGLE_EXTRA = [i for i, (_, extras) in enumerate(GRID) if len(extras) <= 1]


@given(TEXTS, st.sampled_from(SINGLE_EXTRA))
def test_evaluate_agrees_with_packaging(text: str, index: int) -> None:
    env, extras = GRID[index]
    tree = parse_marker(text)
    assert tree.evaluate(env, extras) == bool(m_of(tree) >> index & 1)
    assert tree.evaluate(env, extras) == Marker(text).evaluate({**env, "extra": extras[0] if extras else ""})


@given(MARKERS)
def test_display_round_trips(a: MarkerTree) -> None:
    text = str(a)
    back = parse_marker(text) if text else MarkerTree.TRUE
    assert m_of(back) == m_of(a)
    vars_used = {v for v in A.node_vars(a._node)}
    exclusion_vars = {(A.K_STRING, A.STRING_INDEX["os_name"]), (A.K_STRING, A.STRING_INDEX["platform_system"])}
    if not vars_used & exclusion_vars:
        assert back == a
