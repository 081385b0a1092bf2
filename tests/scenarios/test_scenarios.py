"""Resolution scenarios (packse format) run through ``ScenarioIndex``.

* every scenario: satisfiable or not as expected, and the exact packages when given;
* every unsatisfiable one: the full error text (report, then ``hint:`` lines) equals the golden
  file ``<name>.txt`` beside it (``PRONG_UPDATE_GOLDENS=1`` rewrites them);
* where ``<name>.uv.txt`` holds what uv 0.13.9 printed for the same scenario (``uv pip compile
  --python-version``, same index data), the report must equal uv's, except for the scenarios in
  ``DIFFERS_FROM_UV``, which must differ (so the list stays true), each with the reason.

``packse/`` holds the non-universal scenarios of uv's copy of packse (data files, MIT/Apache,
see ``packse/LICENSE-*``); ``prong/`` holds prong's own, mostly for hints.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.scenario_index import load, run_scenario

HERE = Path(__file__).parent
SCENARIOS = sorted(HERE.rglob("*.toml"))
UPDATE = os.environ.get("PRONG_UPDATE_GOLDENS") == "1"

# Report differences from uv, with the reason. The solver's search order differs from uv's
# (pubgrub-rs and uv pick the conflicting incompatibility in a different order), so some trees
# have another shape; the facts are the same.
DIFFERS_FROM_UV: dict[str, str] = {
    "dependency-excludes-non-contiguous-range-of-compatible-versions": "tree shape: prong explains c's dependency on a first",
    "dependency-excludes-range-of-compatible-versions": "tree shape: prong explains c's dependency on a first",
    "excluded-only-compatible-version": "prong widens a==1.0.0 to the versions around it (a<2.0.0), uv to a<=1.0.0",
    "transitive-incompatible-versions": "uv adds one step ('all versions of a cannot be used') before the root",
    "transitive-incompatible-with-transitive": "the two dependency facts come in the other order",
    "post-local-greater-than-post": "prong names the highest available version (1.2.3.post1+local); uv writes <=1.2.3.post1",
    "python-greater-than-current-excluded": "prong tries the highest version first; uv's steps merge ranges between versions",
    "prerelease-explicit-other-package": "uv writes the root requirement `a>=1.0a1` as `a==1.0.0a1` (its only version)",
}

# Hints prong gives where uv gives none or fewer words (each deliberate).
HINT_EXTRAS = {
    "yanked": "prong says how to use a yanked version (pin it exactly)",
    "marker": "prong names the marker that would skip a package whose wheels are for other platforms",
}


def _id(path: Path) -> str:
    return str(path.relative_to(HERE).with_suffix(""))


def error_text(err: object) -> str:
    text = err.report()  # type: ignore[attr-defined]
    hints = err.hints()  # type: ignore[attr-defined]
    if hints:
        text += "\n\n" + "\n".join(f"hint: {h}" for h in hints)
    return text + "\n"


@pytest.mark.parametrize("path", SCENARIOS, ids=_id)
def test_scenario(path: Path) -> None:
    data = load(path)
    expected = data.get("expected", {})
    result = run_scenario(data)
    if expected.get("satisfiable", True) is False:
        assert hasattr(result, "report"), f"expected no solution, got {result.pins()}"
        golden = path.with_suffix(".txt")
        text = error_text(result)
        if UPDATE:
            golden.write_text(text)
        assert golden.exists(), f"no golden text {golden.name}; run with PRONG_UPDATE_GOLDENS=1"
        assert text == golden.read_text()
        return
    assert not hasattr(result, "report"), result.report() if hasattr(result, "report") else ""
    want = expected.get("packages")
    if want:
        from packaging.utils import canonicalize_name
        from packaging.version import Version

        got = {name: Version(v) for name, v in result.pins().items()}
        assert got == {canonicalize_name(k): Version(v) for k, v in want.items()}


UV_GOLDENS = sorted(HERE.rglob("*.uv.txt"))


def _uv_parts(path: Path) -> tuple[str, list[str]]:
    text = path.read_text()
    report, _, hints = text.partition("\n\nhint: ")
    return report.rstrip("\n"), [("hint: " + h) for h in hints.rstrip("\n").split("\nhint: ")] if hints else []


@pytest.mark.parametrize("uv_path", UV_GOLDENS, ids=lambda p: p.name[: -len(".uv.txt")])
def test_report_matches_uv(uv_path: Path) -> None:
    name = uv_path.name[: -len(".uv.txt")]
    ours = uv_path.with_name(name + ".txt").read_text()
    our_report, _, our_hints = ours.rstrip("\n").partition("\n\nhint: ")
    uv_report, uv_hints = _uv_parts(uv_path)
    if name in DIFFERS_FROM_UV:
        assert our_report != uv_report, f"{name} now matches uv: remove it from DIFFERS_FROM_UV"
        return
    assert our_report == uv_report
    ours_list = [("hint: " + h) for h in our_hints.split("\nhint: ")] if our_hints else []
    # every hint uv gives, prong gives (prong may add its own: HINT_EXTRAS)
    for hint in uv_hints:
        assert any(h == hint or h.startswith(hint + " (") for h in ours_list), hint
