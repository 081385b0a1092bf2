"""The example registries of PubGrub's specification (dart-lang/pub doc/solver.md#examples)."""

from __future__ import annotations

from tests.unit.pubgrub.intset import IntSet, OfflineProvider

from prong.pubgrub import DefaultFormatter


def v(text: str) -> int:
    """A semver version as an integer: 1.2.3 -> 10203."""
    major, minor, patch = (int(x) for x in text.split("."))
    return major * 10000 + minor * 100 + patch


def show(n: int) -> str:
    return f"{n // 10000}.{n // 100 % 100}.{n % 100}"


def r(spec: str) -> IntSet:
    """``^1.0.0``, ``>=1.0.0``, ``<2.0.0``, ``1.0.0`` (exact), ``any``."""
    if spec == "any":
        return IntSet.full()
    if spec.startswith("^"):
        lo = v(spec[1:])
        return IntSet.between(lo, (lo // 10000 + 1) * 10000)
    if spec.startswith(">="):
        return IntSet.higher_than(v(spec[2:]))
    if spec.startswith("<"):
        return IntSet.lower_than(v(spec[1:]))
    return IntSet.singleton(v(spec))


def registry(packages: dict[str, dict[str, dict[str, str]]]) -> OfflineProvider:
    provider = OfflineProvider()
    for name, versions in packages.items():
        for version, deps in versions.items():
            provider.add(name, v(version), {d: r(s) for d, s in deps.items()})
    return provider


FORMATTER = DefaultFormatter(root="root", package_versions=lambda p, vs: f"{p}{vs.format(show)}")

NO_CONFLICTS = {
    "root": {"1.0.0": {"foo": "^1.0.0"}},
    "foo": {"1.0.0": {"bar": "^1.0.0"}},
    "bar": {"1.0.0": {}, "2.0.0": {}},
}

AVOIDING_CONFLICT = {
    "root": {"1.0.0": {"foo": "^1.0.0", "bar": "^1.0.0"}},
    "foo": {"1.1.0": {"bar": "^2.0.0"}, "1.0.0": {}},
    "bar": {"1.0.0": {}, "1.1.0": {}, "2.0.0": {}},
}

CONFLICT_RESOLUTION = {
    "root": {"1.0.0": {"foo": ">=1.0.0"}},
    "foo": {"2.0.0": {"bar": "^1.0.0"}, "1.0.0": {}},
    "bar": {"1.0.0": {"foo": "^1.0.0"}},
}

PARTIAL_SATISFIER = {
    "root": {"1.0.0": {"foo": "^1.0.0", "target": "^2.0.0"}},
    "foo": {"1.1.0": {"left": "^1.0.0", "right": "^1.0.0"}, "1.0.0": {}},
    "left": {"1.0.0": {"shared": ">=1.0.0"}},
    "right": {"1.0.0": {"shared": "<2.0.0"}},
    "shared": {"2.0.0": {}, "1.0.0": {"target": "^1.0.0"}},
    "target": {"2.0.0": {}, "1.0.0": {}},
}

LINEAR_ERROR = {
    "root": {"1.0.0": {"foo": "^1.0.0", "baz": "^1.0.0"}},
    "foo": {"1.0.0": {"bar": "^2.0.0"}},
    "bar": {"2.0.0": {"baz": "^3.0.0"}},
    "baz": {"1.0.0": {}, "3.0.0": {}},
}

BRANCHING_ERROR = {
    "root": {"1.0.0": {"foo": "^1.0.0"}},
    "foo": {"1.0.0": {"a": "^1.0.0", "b": "^1.0.0"}, "1.1.0": {"x": "^1.0.0", "y": "^1.0.0"}},
    "a": {"1.0.0": {"b": "^2.0.0"}},
    "b": {"1.0.0": {}, "2.0.0": {}},
    "x": {"1.0.0": {"y": "^2.0.0"}},
    "y": {"1.0.0": {}, "2.0.0": {}},
}
