from __future__ import annotations

from pathlib import Path

import pytest

from prong.project.pyproject import ConflictItem, PyProjectError, read_pyproject, read_uv_toml

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "seed_jetson" / "pyproject.toml.template"


def test_the_seed_project_reads_as_uv_reads_it(tmp_path: Path) -> None:
    text = SEED.read_text().replace("@CPU_URL@", "http://127.0.0.1:1/whl/cpu").replace(
        "@CU128_URL@", "http://127.0.0.1:2/whl/cu128").replace("@JP6_URL@", "http://127.0.0.1:3/jp6/cu126")
    (tmp_path / "pyproject.toml").write_text(text)
    p = read_pyproject(tmp_path / "pyproject.toml")
    assert p.name == "XXX" and p.normalized_name == "xxx"
    assert p.requires_python == ">=3.10,<3.13"
    assert set(p.optional_dependencies) == {"cpu", "cu128", "torch-jp6"}
    assert p.optional_dependencies["torch-jp6"][1] == "torchvision"
    uv = p.tool_uv
    assert [i.name for i in uv.index] == ["pytorch-cpu", "pytorch-cu128", "jp6-cuda"]
    assert all(i.explicit for i in uv.index)
    assert uv.index[2].url == "http://127.0.0.1:3/jp6/cu126"
    assert [(s.index, s.extra) for s in uv.sources["torch"]] == [
        ("pytorch-cpu", "cpu"), ("pytorch-cu128", "cu128"), ("jp6-cuda", "torch-jp6")]
    assert uv.conflicts == ((ConflictItem(extra="cpu"), ConflictItem(extra="cu128"), ConflictItem(extra="torch-jp6")),)


def test_dependency_groups_expand_includes(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "1"\n'
        '[dependency-groups]\ntest = ["pytest"]\nDev = [{include-group = "test"}, "ruff"]\n'
    )
    p = read_pyproject(tmp_path / "pyproject.toml")
    assert p.dependency_groups["dev"] == ("pytest", "ruff")


@pytest.mark.parametrize(
    "body,message",
    [
        ("[project\nname = 'a'\n", "invalid TOML"),
        ("[project]\nname = 'a b'\n", "`project.name`: 'a b' is not a valid package name"),
        ("[project]\ndependencies = 'requests'\n", "`project.dependencies`: must be a list of strings"),
        ("[tool.uv.sources]\ntorch = { index = 'nope' }\n", "`tool.uv.sources.torch`: names index `nope`"),
        ("[[tool.uv.index]]\nname = 'x'\n", "`tool.uv.index[0]`: needs a `url`"),
        ("[tool.uv]\nconflicts = [[{ extra = 'a' }]]\n", "at least two extras or groups"),
        ("[tool.uv]\nresolution = 'newest'\n", "`tool.uv.resolution`: must be one of highest, lowest, lowest-direct"),
        ("[dependency-groups]\na = [{include-group = 'b'}]\n", "`dependency-groups.a`"),
    ],
)
def test_bad_files_name_the_file_and_key(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(body)
    with pytest.raises(PyProjectError) as info:
        read_pyproject(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_a_source_naming_a_missing_index_hints_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.uv.sources]\ntorch = { index = 'nope' }\n")
    with pytest.raises(PyProjectError) as info:
        read_pyproject(path)
    assert info.value.hints() == ('add [[tool.uv.index]] with name = "nope" or fix the name',)


def test_uv_toml_has_the_keys_at_top_level(tmp_path: Path) -> None:
    path = tmp_path / "uv.toml"
    path.write_text('index-url = "http://127.0.0.1:9/simple"\n[[index]]\nurl = "http://127.0.0.1:9/x"\ndefault = true\n')
    uv = read_uv_toml(path)
    assert uv.index_url == "http://127.0.0.1:9/simple"
    assert uv.index[0].default


@pytest.mark.parametrize(("body", "key"), [
    ('[tool.uv]\ndefault-groups = [[], "docs"]\n', "tool.uv.default-groups"),
    ("[tool.uv]\nconflicts = [[{ extra = 1 }, { extra = \"b\" }]]\n", "tool.uv.conflicts[0][0].extra"),
    ("[tool.uv]\nconflicts = [[{ group = \"a\", package = [] }, { group = \"b\" }]]\n",
     "tool.uv.conflicts[0][0].package"),
    ("[tool.uv]\nconflicts = 5\n", "tool.uv.conflicts"),
    ("[tool.uv]\nsources = 5\n", "tool.uv.sources"),
    ("[tool.uv.sources]\nsix = { index = \"a\", extra = 2 }\n[[tool.uv.index]]\nname = \"a\"\nurl = \"https://x/\"\n",
     "tool.uv.sources.six.extra"),
], ids=["default-groups-item", "conflict-extra", "conflict-package", "conflicts-int", "sources-int", "source-extra"])
def test_a_name_of_the_wrong_type_is_a_pyproject_error(tmp_path: Path, body: str, key: str) -> None:
    """Found by tests/property/test_fuzz_readers.py: a non-string where a name goes raised TypeError
    (``re.sub`` in ``_normalize``) or AttributeError instead of naming the key."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n' + body)
    with pytest.raises(PyProjectError) as err:
        read_pyproject(tmp_path / "pyproject.toml")
    assert err.value.key == key


def test_a_directory_named_as_a_settings_file_is_a_pyproject_error(tmp_path: Path) -> None:
    """The report's flag-config-dir: `--config-file .` gave a raw OSError (exit 1), not a
    configuration error naming the path (exit 2)."""
    with pytest.raises(PyProjectError) as err:
        read_uv_toml(tmp_path)
    assert err.value.exit_code == 2 and "is a directory" in str(err.value) and str(tmp_path) in str(err.value)
