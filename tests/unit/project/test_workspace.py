"""prong.project.workspace: globs, excludes, membership, the root found from a member, is_package."""

from __future__ import annotations

from pathlib import Path

import pytest

from prong.api._workspace import requires_python_of
from prong.project.pyproject import PyProjectError
from prong.project.workspace import discover_workspace, excluded, included, normalize_glob


def _project(d: Path, name: str, extra: str = "", build: bool = False) -> None:
    d.mkdir(parents=True, exist_ok=True)
    text = f'[project]\nname = "{name}"\nversion = "1"\n{extra}\n'
    if build:
        text += '[build-system]\nrequires = []\nbuild-backend = "x"\n'
    (d / "pyproject.toml").write_text(text)


def _root(d: Path, body: str = "", members: str = '["packages/*"]', exclude: str = "[]") -> None:
    d.mkdir(parents=True, exist_ok=True)
    (d / "pyproject.toml").write_text(f"{body}\n[tool.uv.workspace]\nmembers = {members}\nexclude = {exclude}\n")


def test_globs() -> None:
    assert normalize_glob("./packages/*/") == "packages/*"
    assert included("packages/a", ["packages/*"]) and not included("libs/a", ["packages/*"])
    assert excluded("packages/skip", ["./packages/skip"]) and not excluded("packages/a", ["packages/skip"])


def test_members_excludes_and_root_from_a_member(tmp_path: Path) -> None:
    _root(tmp_path, '[project]\nname = "Root_Pkg"\nversion = "1"\n[tool.uv.sources]\na = { workspace = true }\n',
          exclude='["packages/skip"]')
    _project(tmp_path / "packages" / "a", "a")
    _project(tmp_path / "packages" / "b", "b", build=True)
    _project(tmp_path / "packages" / "skip", "skip")
    (tmp_path / "packages" / ".hidden").mkdir()
    (tmp_path / "packages" / "cache" / "__pycache__").mkdir(parents=True)
    (tmp_path / "packages" / "cache" / "__pycache__" / "x.pyc").write_bytes(b"")
    for start in (tmp_path, tmp_path / "packages" / "a"):
        ws = discover_workspace(start)
        assert ws.root == tmp_path.resolve() and ws.explicit and not ws.virtual_root
        assert list(ws.members) == ["a", "b", "root-pkg"]
        assert ws.members["a"].rel == "packages/a" and ws.members["root-pkg"].rel == "."
        assert ws.required == {"a"}
        # a required member is a package even without [build-system]; the root without one is not
        assert ws.is_package("a") and ws.is_package("b") and not ws.is_package("root-pkg")
    # an excluded member is its own workspace
    lone = discover_workspace(tmp_path / "packages" / "skip")
    assert lone.root == (tmp_path / "packages" / "skip").resolve() and list(lone.members) == ["skip"]


def test_virtual_root_and_a_glob_matching_nothing(tmp_path: Path) -> None:
    _root(tmp_path, members='["packages/*", "libs/*"]')
    _project(tmp_path / "packages" / "a", "a", 'requires-python = ">=3.9"')
    _project(tmp_path / "packages" / "b", "b", 'requires-python = ">=3.10,<4"')
    ws = discover_workspace(tmp_path)
    assert ws.virtual_root and list(ws.members) == ["a", "b"]
    assert ws.warnings and "`tool.uv.workspace.members[1]`: `libs/*` matches no directory" in ws.warnings[0]
    assert requires_python_of(ws) == ">=3.10, <4"


def test_a_project_in_another_project_is_its_own(tmp_path: Path) -> None:
    _project(tmp_path, "outer")
    _project(tmp_path / "examples" / "inner", "inner")
    ws = discover_workspace(tmp_path / "examples" / "inner")
    assert ws.root == (tmp_path / "examples" / "inner").resolve() and not ws.explicit


@pytest.mark.parametrize("case", ["no-pyproject", "same-name", "no-project"])
def test_bad_members(tmp_path: Path, case: str) -> None:
    _root(tmp_path)
    _project(tmp_path / "packages" / "a", "a")
    if case == "no-pyproject":
        (tmp_path / "packages" / "c").mkdir()
        (tmp_path / "packages" / "c" / "setup.py").write_text("")
        text = "workspace member `packages/c` (matched by `packages/*`) has no pyproject.toml"
    elif case == "same-name":
        _project(tmp_path / "packages" / "b", "A")
        text = "two workspace members are both named `a`: `packages/a` and `packages/b`"
    else:
        (tmp_path / "packages" / "c").mkdir()
        (tmp_path / "packages" / "c" / "pyproject.toml").write_text("[tool.ruff]\n")
        text = "has no [project] table"
    with pytest.raises(PyProjectError) as err:
        discover_workspace(tmp_path)
    assert text in str(err.value) and err.value.hints() and err.value.exit_code == 2
