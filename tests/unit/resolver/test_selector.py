"""Version maps: file choice (tags, yanks, sdists, no-binary/no-build), --exclude-newer,
version order (resolution, pre-release policy, preferences), Requires-Python's lower bound."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from prong.dists import IndexFile
from prong.pep440.ranges import Range
from prong.pep440.version import parse_version as V
from prong.resolver.index import VersionCandidate
from prong.resolver.options import PrereleaseMode, ResolutionMode, ResolverOptions
from prong.resolver.selector import (
    FileChoice,
    UnavailableVersion,
    VersionMap,
    allows_prereleases,
    ordered_versions,
    python_compatible,
)
from prong.tags import Tags, Target, parse_platform

TAGS = Tags.for_target(Target((3, 12), "cp", platform=parse_platform("x86_64-manylinux2014")))


def cand(version: str, *files: IndexFile) -> VersionCandidate:
    return VersionCandidate(V(version), files, "https://i.invalid/simple")


def f(name: str, **kw: object) -> IndexFile:
    return IndexFile(name, f"https://i.invalid/files/{name}", **kw)  # type: ignore[arg-type]


def vmap(*cands: VersionCandidate, options: ResolverOptions | None = None, yanks: frozenset = frozenset()) -> VersionMap:
    return VersionMap(
        "a", cands, options=options or ResolverOptions(), tags=TAGS, python_version=V("3.12"), allowed_yanks=yanks
    )


def test_best_wheel_wins_over_sdist_and_worse_wheels() -> None:
    m = vmap(cand("1.0", f("a-1.0.tar.gz"), f("a-1.0-py3-none-any.whl"), f("a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl")))
    choice = m.choose(V("1.0"))
    assert isinstance(choice, FileChoice)
    assert choice.file is not None and choice.file.filename == "a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"


def test_sdist_used_when_no_wheel_fits() -> None:
    m = vmap(cand("1.0", f("a-1.0.tar.gz"), f("a-1.0-cp312-cp312-win_amd64.whl")))
    choice = m.choose(V("1.0"))
    assert isinstance(choice, FileChoice) and choice.file is not None and choice.file.filename == "a-1.0.tar.gz"


def test_no_build_rules_out_sdist_only_version() -> None:
    m = vmap(cand("1.0", f("a-1.0.tar.gz")), options=ResolverOptions(no_build=frozenset({"a"})))
    choice = m.choose(V("1.0"))
    assert isinstance(choice, UnavailableVersion) and choice.kind == "no-build"


def test_no_binary_needs_sdist() -> None:
    m = vmap(cand("1.0", f("a-1.0-py3-none-any.whl")), options=ResolverOptions(no_binary=True))
    choice = m.choose(V("1.0"))
    assert isinstance(choice, UnavailableVersion) and str(choice) == "has no source distribution"


def test_platform_mismatch_names_the_target_tag() -> None:
    m = vmap(cand("1.0", f("a-1.0-cp312-cp312-macosx_11_0_arm64.whl")))
    choice = m.choose(V("1.0"))
    assert isinstance(choice, UnavailableVersion)
    assert str(choice) == "has no wheels with a matching platform tag (e.g., `manylinux_2_17_x86_64`)"
    assert choice.details["platform_tags"] == ("macosx_11_0_arm64",)


def test_yanked_unless_pinned() -> None:
    c = cand("1.0", f("a-1.0-py3-none-any.whl", yanked="bad"))
    choice = vmap(c).choose(V("1.0"))
    assert isinstance(choice, UnavailableVersion) and str(choice) == "was yanked (reason: bad)"
    assert isinstance(vmap(c, yanks=frozenset({V("1.0")})).choose(V("1.0")), FileChoice)


def test_partly_yanked_version_uses_the_other_files() -> None:
    m = vmap(cand("1.0", f("a-1.0-py3-none-any.whl", yanked=""), f("a-1.0.tar.gz")))
    choice = m.choose(V("1.0"))
    assert isinstance(choice, FileChoice) and choice.file is not None and choice.file.filename == "a-1.0.tar.gz"


def test_exclude_newer_hides_new_and_undated_files() -> None:
    cutoff = datetime(2024, 1, 1, tzinfo=timezone.utc)
    m = vmap(
        cand("1.0", f("a-1.0.tar.gz", upload_time="2023-01-01T00:00:00Z")),
        cand("2.0", f("a-2.0.tar.gz", upload_time="2024-02-01T00:00:00.123456Z")),
        cand("3.0", f("a-3.0.tar.gz")),
        options=ResolverOptions(exclude_newer=cutoff),
    )
    assert m.versions == [V("1.0")]
    assert set(m.excluded_newer) == {V("2.0"), V("3.0")}
    assert m.excluded_newer[V("3.0")] is None


def test_requires_python_of_the_file_marks_python_incompatible() -> None:
    m = vmap(cand("1.0", f("a-1.0.tar.gz", requires_python=">=3.13")))
    choice = m.choose(V("1.0"))
    assert isinstance(choice, FileChoice) and choice.python_incompatible


@pytest.mark.parametrize(
    ("spec", "python", "ok"),
    [(">=3.10", "3.9", False), ("<=3.8", "3.9", True), (">=3.9.4", "3.9", False), (">=3.9", "3.9", True),
     (">3.9", "3.9", False), ("!=3.9.*", "3.9", True), ("==3.12.*", "3.12", True)],
)
def test_python_compatible_uses_lower_bound_only(spec: str, python: str, ok: bool) -> None:
    assert python_compatible(spec, V(python)) is ok


def order(m: VersionMap, spec: str, **kw: object) -> list[str]:
    args: dict[str, object] = {"resolution": ResolutionMode.HIGHEST, "direct": True, "prereleases": None}
    args.update(kw)
    return [str(v) for v in ordered_versions(m, Range.from_specifiers(spec), **args)]  # type: ignore[arg-type]


M = vmap(*(cand(v, f(f"a-{v}.tar.gz")) for v in ["1.0", "1.1", "2.0a1", "2.0", "3.0b1"]))


def test_highest_prefers_stable_then_prereleases() -> None:
    assert order(M, "") == ["2.0", "1.1", "1.0", "3.0b1", "2.0a1"]


def test_prereleases_allowed_rank_with_stable() -> None:
    assert order(M, "", prereleases=True) == ["3.0b1", "2.0", "2.0a1", "1.1", "1.0"]


def test_prereleases_disallowed() -> None:
    assert order(M, ">=2.0a1", prereleases=False) == ["2.0"]


def test_lowest_and_lowest_direct() -> None:
    assert order(M, "", resolution=ResolutionMode.LOWEST)[:2] == ["1.0", "1.1"]
    assert order(M, "", resolution=ResolutionMode.LOWEST_DIRECT, direct=False)[0] == "2.0"
    assert order(M, "", resolution=ResolutionMode.LOWEST_DIRECT, direct=True)[0] == "1.0"


def test_preference_first_when_in_range() -> None:
    assert order(M, "", preference=V("1.1"))[0] == "1.1"
    assert order(M, ">=2", preference=V("1.1"))[0] == "2.0"


@pytest.mark.parametrize(
    ("mode", "explicit", "expected"),
    [
        (PrereleaseMode.ALLOW, False, True),
        (PrereleaseMode.DISALLOW, True, False),
        (PrereleaseMode.IF_NECESSARY, False, None),
        (PrereleaseMode.IF_NECESSARY_OR_EXPLICIT, False, None),
        (PrereleaseMode.EXPLICIT, False, False),
        (PrereleaseMode.EXPLICIT, True, None),
    ],
)
def test_prerelease_policy(mode: PrereleaseMode, explicit: bool, expected: bool | None) -> None:
    assert allows_prereleases(mode, "a", frozenset({"a"} if explicit else set())) is expected


def test_default_policy_is_uvs() -> None:
    assert ResolverOptions().prerelease is PrereleaseMode.IF_NECESSARY_OR_EXPLICIT
