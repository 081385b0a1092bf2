"""`check_lock`: does a lock still satisfy the project, decided as uv decides it (no files, no network).

The lock here is text as uv writes it; the project is given as the lowered values `build_lock`
receives. Each test changes one input and checks the verdict, uv's reason and prong's account.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from prong.lock import LockOptions, parse_lock
from prong.lock.check import SATISFIED, LockInputs, Stale, check_lock, locked_message
from prong.pep440.version import parse_version
from prong.pep508.markers import TRUE, parse_marker
from prong.pep508.requirement import parse_requirement
from prong.resolver.universal import LocalProject, LoweredRequirement
from prong.resolver.universal_result import ConflictItemRef, DistSource

INDEX = "https://example.test/simple"

LOCK = f'''version = 1
revision = 3
requires-python = ">=3.10"

[options]
exclude-newer = "2026-01-01T00:00:00Z"

[[package]]
name = "app"
version = "0.1.0"
source = {{ virtual = "." }}
dependencies = [
    {{ name = "lib" }},
    {{ name = "other", marker = "sys_platform == 'linux'" }},
]

[package.optional-dependencies]
x = [
    {{ name = "extra-dep" }},
]

[package.dev-dependencies]
dev = [
    {{ name = "tool" }},
]

[package.metadata]
requires-dist = [
    {{ name = "extra-dep", marker = "extra == 'x'" }},
    {{ name = "lib", specifier = ">=1,<3" }},
    {{ name = "other", marker = "sys_platform == 'linux'" }},
]
provides-extras = ["x"]

[package.metadata.requires-dev]
dev = [{{ name = "tool" }}]
lint = []

[[package]]
name = "extra-dep"
version = "1.0"
source = {{ registry = "{INDEX}" }}

[[package]]
name = "lib"
version = "2.0"
source = {{ registry = "{INDEX}" }}

[[package]]
name = "other"
version = "1.0"
source = {{ registry = "{INDEX}" }}

[[package]]
name = "tool"
version = "1.0"
source = {{ registry = "{INDEX}" }}
'''


def lowered(text: str, extra: str | None = None, index: str | None = None,
            conflict: ConflictItemRef | None = None) -> LoweredRequirement:
    req = parse_requirement(text)
    marker = req.marker_tree if req.marker_tree is not None else TRUE
    if extra is not None:
        marker = marker.and_(parse_marker(f"extra == '{extra}'"))
    head = text.split(";")[0]
    spec = head[len(req.name):].strip() or None
    return LoweredRequirement(req, marker, index, conflict, specifier_text=spec)


def project(**changes: Any) -> LocalProject:
    values: dict[str, Any] = dict(
        name="app", version=parse_version("0.1.0"), source=DistSource("virtual", "."),
        requires_dist=(lowered("lib>=1,<3"), lowered("other; sys_platform == 'linux'"),
                       lowered("extra-dep", extra="x")),
        provides_extra=("x",),
        dependency_groups={"dev": (lowered("tool"),), "lint": ()},
        requires_python=">=3.10",
    )
    values.update(changes)
    return LocalProject(**values)


def inputs(**changes: Any) -> LockInputs:
    values: dict[str, Any] = dict(
        projects=(project(),), requires_python=">=3.10",
        options=LockOptions(exclude_newer="2026-01-01T00:00:00Z"), index_urls=(INDEX,),
    )
    values.update(changes)
    return LockInputs(**values)


def stale(lock_text: str = LOCK, **changes: Any) -> Stale:
    status = check_lock(parse_lock(lock_text), inputs(**changes))
    assert isinstance(status, Stale), "expected a stale lock"
    assert not status.satisfied
    return status


def test_the_lock_of_the_project_satisfies_it() -> None:
    status = check_lock(parse_lock(LOCK), inputs())
    assert status is SATISFIED and status.satisfied


@pytest.mark.parametrize("changes", [
    # the same requirements, written otherwise: order, spelling of specifiers, markers, names, extras
    {"requires_dist": (lowered("extra-dep", extra="x"), lowered("other; sys_platform == 'linux'"),
                       lowered("lib<3,>=1.0"))},
    {"requires_dist": (lowered("LIB (>=1, <3)"), lowered("other; sys_platform == 'linux' and python_version >= '3.8'"),
                       lowered("Extra_Dep", extra="x"))},
    {"requires_dist": (lowered("lib>=1,<3"), lowered("lib>=1,<3"), lowered("other; sys_platform == 'linux'"),
                       lowered("extra-dep", extra="x"))},  # a duplicate
], ids=["reordered", "respelled", "duplicate"])
def test_requirements_compare_by_meaning(changes: dict[str, Any]) -> None:
    assert check_lock(parse_lock(LOCK), inputs(projects=(project(**changes),))).satisfied


def test_an_added_requirement_is_named() -> None:
    reqs = project().requires_dist + (lowered("new-thing>=2"),)
    status = stale(projects=(project(requires_dist=reqs),))
    assert status.kind == "package-requirements" and status.package == "app"
    assert status.reason == "mismatched requirements for: `app==0.1.0`"
    assert status.message == "Resolving despite existing lockfile due to mismatched requirements for: `app==0.1.0`"
    assert status.details == ("`app`: requirement `new-thing>=2` was added",)
    assert status.reuse == "preferable"


def test_a_removed_and_a_changed_requirement_are_named() -> None:
    status = stale(projects=(project(requires_dist=(lowered("lib>=2"), lowered("extra-dep", extra="x"))),))
    assert status.details == (
        "`app`: requirement `lib>=1,<3` changed to `lib>=2`",
        "`app`: requirement `other ; sys_platform == 'linux'` was removed",
    )


def test_a_changed_marker_is_a_change() -> None:
    reqs = (lowered("lib>=1,<3"), lowered("other; sys_platform == 'darwin'"), lowered("extra-dep", extra="x"))
    status = stale(projects=(project(requires_dist=reqs),))
    assert status.details == (
        "`app`: requirement `other ; sys_platform == 'linux'` changed to `other ; sys_platform == 'darwin'`",)


def test_an_explicit_index_is_part_of_the_requirement() -> None:
    reqs = (lowered("lib>=1,<3", index="https://other.test/simple"), *project().requires_dist[1:])
    status = stale(projects=(project(requires_dist=reqs),), index_urls=None)
    assert status.details == ("`app`: requirement `lib>=1,<3` changed to `lib>=1,<3 (index https://other.test/simple)`",)


def test_extras_and_groups() -> None:
    status = stale(projects=(project(provides_extra=("x", "y")),))
    assert (status.kind, status.details) == ("package-extras", ("`app`: extra `y` was added",))
    status = stale(projects=(project(dependency_groups={"dev": (lowered("tool"), lowered("lib")), "lint": ()}),))
    assert status.kind == "package-groups"
    assert status.reason == "mismatched dependency groups for: `app==0.1.0`"
    assert status.details == ("`app`: requirement `lib` was added in group `dev`",)
    status = stale(projects=(project(dependency_groups={"dev": (lowered("tool"),)}),))
    assert status.details == ("`app`: dependency group `lint` was removed",)


def test_empty_groups_count_only_from_revision_1() -> None:
    """uv records empty groups from lock revision 1 on; an older lock's are not compared."""
    old = LOCK.replace("revision = 3", "revision = 0").replace("lint = []\n", "")
    assert check_lock(parse_lock(old), inputs()).satisfied


@pytest.mark.parametrize(("option", "value", "reason"), [
    ("resolution_mode", "lowest-direct", "change in resolution mode: `highest` vs. `lowest-direct`"),
    ("fork_strategy", "fewest", "change in fork strategy: `requires-python` vs. `fewest`"),
])
def test_a_changed_resolution_mode_or_fork_strategy_makes_the_lock_unusable(option: str, value: str,
                                                                             reason: str) -> None:
    options = dataclasses.replace(LockOptions(exclude_newer="2026-01-01T00:00:00Z"), **{option: value})
    status = stale(options=options)
    assert status.reason == reason and status.reuse == "unusable"
    assert status.message.startswith("Ignoring existing lockfile due to ")


def test_default_settings_spelled_out_change_nothing() -> None:
    """`[options]` leaves uv's defaults out; a setting equal to the default is no change."""
    text = LOCK.replace('[options]\n', '[options]\nresolution-mode = "highest"\nprerelease-mode = '
                        '"if-necessary-or-explicit"\nfork-strategy = "requires-python"\n')
    assert check_lock(parse_lock(text), inputs()).satisfied


@pytest.mark.parametrize(("before", "after", "satisfied", "reason"), [
    ("2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z", True, None),  # later: uv 0.13.9 keeps the lock
    ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", True, None),
    ("2026-01-01T00:00:00Z", "2025-06-01T00:00:00Z", False,
     "change of exclude newer timestamp from `2026-01-01T00:00:00Z` to `2025-06-01T00:00:00Z`"),
    ("2026-01-01T00:00:00Z", None, False, "removal of global exclude newer"),
    (None, "2026-01-01T00:00:00Z", False, "addition of global exclude newer 2026-01-01T00:00:00Z"),
])
def test_exclude_newer(before: str | None, after: str | None, satisfied: bool, reason: str | None) -> None:
    text = LOCK.replace('[options]\nexclude-newer = "2026-01-01T00:00:00Z"\n',
                        f'[options]\nexclude-newer = "{before}"\n' if before else "")
    status = check_lock(parse_lock(text), inputs(options=LockOptions(exclude_newer=after)))
    assert status.satisfied == satisfied
    if reason is not None:
        assert isinstance(status, Stale) and status.reason == reason and status.kind == "exclude-newer"


def test_exclude_newer_span_and_per_package() -> None:
    span = LOCK.replace('exclude-newer = "2026-01-01T00:00:00Z"\n',
                        'exclude-newer = "2026-01-01T00:00:00Z"\nexclude-newer-span = "P1D"\n')
    same_span = LockOptions(exclude_newer="2026-03-01T00:00:00Z", exclude_newer_span="P1D")
    assert check_lock(parse_lock(span), inputs(options=same_span)).satisfied  # only the span counts
    other_span = LockOptions(exclude_newer="2026-01-01T00:00:00Z", exclude_newer_span="P2D")
    assert check_lock(parse_lock(span), inputs(options=other_span)).reason == (  # type: ignore[union-attr]
        "change of exclude newer span from `P1D` to `P2D`")
    per = LOCK.replace('exclude-newer = "2026-01-01T00:00:00Z"\n',
                       'exclude-newer = "2026-01-01T00:00:00Z"\n\n[options.exclude-newer-package]\n'
                       'lib = "2026-01-01T00:00:00Z"\n')
    opts = LockOptions(exclude_newer="2026-01-01T00:00:00Z")
    later = dataclasses.replace(opts, exclude_newer_package={"lib": "2026-02-01T00:00:00Z"})
    earlier = dataclasses.replace(opts, exclude_newer_package={"lib": "2025-02-01T00:00:00Z"})
    assert check_lock(parse_lock(per), inputs(options=later)).satisfied
    assert check_lock(parse_lock(per), inputs(options=earlier)).reason == (  # type: ignore[union-attr]
        "change of exclude newer timestamp from `2026-01-01T00:00:00Z` to `2025-02-01T00:00:00Z` for package `lib`")
    assert check_lock(parse_lock(per), inputs(options=opts)).reason == (  # type: ignore[union-attr]
        "removal of exclude newer for package `lib`")


def test_prerelease_mode() -> None:
    options = LockOptions(exclude_newer="2026-01-01T00:00:00Z", prerelease_mode="allow")
    status = stale(options=options)
    assert status.reason == "change in pre-release mode: `if-necessary-or-explicit` vs. `allow`"
    assert status.reuse == "preferable"


def test_environments_compare_in_order_after_simplification() -> None:
    text = LOCK.replace('requires-python = ">=3.10"\n', 'requires-python = ">=3.10"\nsupported-markers = [\n'
                        '    "sys_platform == \'linux\'",\n    "sys_platform == \'darwin\'",\n]\n')
    linux, darwin = parse_marker("sys_platform == 'linux'"), parse_marker("sys_platform == 'darwin'")
    assert check_lock(parse_lock(text), inputs(environments=(linux, darwin))).satisfied
    implied = parse_marker("sys_platform == 'linux' and python_version >= '3.9'")
    assert check_lock(parse_lock(text), inputs(environments=(implied, darwin))).satisfied
    status = check_lock(parse_lock(text), inputs(environments=(darwin, linux)))
    assert isinstance(status, Stale) and status.kind == "environments" and status.reuse == "versions"
    assert status.details == ("`tool.uv.environments` changed from `[sys_platform == 'linux', sys_platform == "
                              "'darwin']` to `[sys_platform == 'darwin', sys_platform == 'linux']`",)
    status = stale(required_environments=(linux,))
    assert status.kind == "required-environments"


def test_conflicts_compare_as_sets_in_order() -> None:
    text = LOCK.replace('requires-python = ">=3.10"\n', 'requires-python = ">=3.10"\nconflicts = [[\n'
                        '    { package = "app", extra = "x" },\n    { package = "app", group = "dev" },\n]]\n')
    x, dev = ConflictItemRef("app", extra="x"), ConflictItemRef("app", group="dev")
    assert check_lock(parse_lock(text), inputs(conflicts=((dev, x),))).satisfied
    status = check_lock(parse_lock(LOCK), inputs(conflicts=((x, dev),)))
    assert isinstance(status, Stale) and status.kind == "conflicts" and status.reuse == "versions"
    assert status.details == ("`tool.uv.conflicts` changed from [] to [{app:dev, app[x]}]",)


def test_requires_python_compares_by_range() -> None:
    assert check_lock(parse_lock(LOCK), inputs(requires_python=">=3.10.0, >=3.9")).satisfied
    status = stale(requires_python=">=3.11")
    assert status.reason == "change in Python requirement: `>=3.10` vs. `>=3.11`"
    assert status.reuse == "preferable"  # the lock has no forks to keep or drop
    forked = LOCK.replace('requires-python = ">=3.10"\n', 'requires-python = ">=3.10"\nresolution-markers = [\n'
                          '    "sys_platform == \'linux\'",\n    "sys_platform != \'linux\'",\n]\n')
    assert stale(forked, requires_python=">=3.10, <4").reuse == "versions"


def test_the_project_itself() -> None:
    status = stale(projects=(project(version=parse_version("0.2.0")),))
    assert status.reason == "mismatched version: `app` (expected: `0.1.0`, found: `0.2.0`)"
    assert check_lock(parse_lock(LOCK), inputs(projects=(project(version=parse_version("0.1")),))).satisfied
    status = stale(projects=(project(source=DistSource("editable", ".")),))
    assert status.reason == "mismatched source: `app` (unexpected: `virtual`)"
    assert status.details == ("`app` is a package now (it was virtual)",)
    status = stale(dynamic_version=("app",))
    assert status.reason == "static version: `app` (expected a dynamic version)"
    status = stale(projects=(project(name="renamed"),))
    assert (status.kind, status.reason) == ("missing-root", "missing root package: `renamed`")


def test_default_groups_compare_by_their_effect() -> None:
    assert check_lock(parse_lock(LOCK), inputs(default_groups={"app": ("dev",)})).satisfied
    status = stale(default_groups={"app": "all"})
    assert status.details == ("`app`: `default-groups` changed from [`dev`] to `all`",)


def test_constraints_and_overrides() -> None:
    status = stale(constraints=(lowered("lib<3"),))
    assert status.kind == "constraints" and status.details == ("constraint `lib<3` was added",)
    text = LOCK.replace("[[package]]", '[manifest]\noverrides = [{ name = "lib", specifier = "<3" }]\n\n[[package]]', 1)
    assert check_lock(parse_lock(text), inputs(overrides=(lowered("lib<3.0"),))).satisfied
    assert stale(text).details == ("override `lib<3` was removed",)


def test_every_registry_the_lock_names_must_be_configured() -> None:
    status = stale(index_urls=("https://elsewhere.test/simple",))
    assert status.kind == "missing-index" and status.package == "lib"  # the first met from the project
    assert status.reason == f"missing remote index: `lib` `2.0` from `{INDEX}`"
    assert status.details == (f"`lib` 2.0 is locked from `{INDEX}`, which is not among the configured indexes",)
    # none configured: uv keeps whatever the lock names
    assert check_lock(parse_lock(LOCK), inputs(index_urls=None)).satisfied
    # credentials are not part of the comparison
    assert check_lock(parse_lock(LOCK), inputs(index_urls=("https://me:secret@example.test/simple",))).satisfied


def test_an_explicit_index_a_requirement_names_counts_as_configured() -> None:
    ex = "https://ex.test/simple"
    moved = LOCK.replace(f'name = "extra-dep"\nversion = "1.0"\nsource = {{ registry = "{INDEX}" }}',
                         f'name = "extra-dep"\nversion = "1.0"\nsource = {{ registry = "{ex}" }}')
    status = stale(moved)
    assert status.reason == f"missing remote index: `extra-dep` `1.0` from `{ex}`"
    pinned = moved.replace('{ name = "extra-dep", marker = "extra == \'x\'" }',
                           f'{{ name = "extra-dep", marker = "extra == \'x\'", index = "{ex}" }}')
    reqs = (*project().requires_dist[:2], lowered("extra-dep", extra="x", index=ex))
    assert check_lock(parse_lock(pinned), inputs(projects=(project(requires_dist=reqs),))).satisfied


def test_a_local_index_is_compared_as_the_lock_writes_it(tmp_path: Any) -> None:
    text = LOCK.replace(f'registry = "{INDEX}"', 'registry = "wheels"')
    url = (tmp_path / "wheels").as_uri()
    assert check_lock(parse_lock(text), inputs(index_urls=(url,), root=tmp_path)).satisfied
    status = check_lock(parse_lock(text), inputs(index_urls=((tmp_path / "other").as_uri(),), root=tmp_path))
    assert isinstance(status, Stale) and status.reason.startswith("missing local index: ")


def test_the_locked_message_is_uvs() -> None:
    assert locked_message("uv") == ("The lockfile at `uv.lock` needs to be updated, but `--locked` was provided. "
                                    "To update the lockfile, run `uv lock`.")
    assert locked_message().endswith("run `prong lock`.")
