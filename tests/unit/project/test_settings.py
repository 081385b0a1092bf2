"""uv's configuration discovery and merging (`prong.project.settings`), on temporary trees with a
fake environment: no real ~/.config or /etc file is read (HOME, XDG_* and the system fallbacks are
all given explicitly)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prong.project.pyproject import PyProjectError
from prong.project.settings import (
    EnvVarError,
    PipOptions,
    env_options,
    find_project_config,
    load_config,
    system_config_path,
    user_config_path,
)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A fake environment whose user and system config dirs are empty folders under tmp_path."""
    (tmp_path / "home").mkdir(exist_ok=True)
    return {"HOME": str(tmp_path / "home"), "XDG_CONFIG_DIRS": str(tmp_path / "nosystem"), **extra}


def _load(start: Path, env: dict[str, str], **kw: object):  # type: ignore[no-untyped-def]
    return load_config(start, env, system_fallbacks=(), **kw)  # type: ignore[arg-type]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# -- discovery


def test_uv_toml_wins_over_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    _write(proj / "pyproject.toml", '[project]\nname = "p"\n[tool.uv]\nindex-url = "http://127.0.0.1:1/pyproject"\n')
    _write(proj / "uv.toml", 'index-url = "http://127.0.0.1:1/uvtoml"\n')
    config = _load(proj, _env(tmp_path))
    assert config.files == (proj / "uv.toml",)
    assert config.pip.index_url == "http://127.0.0.1:1/uvtoml"
    # uv warns that the [tool.uv] settings beside a uv.toml are ignored
    assert len(config.warnings) == 1 and "index-url" in config.warnings[0]


def test_a_pyproject_without_tool_uv_is_skipped_and_the_search_goes_up(tmp_path: Path) -> None:
    _write(tmp_path / "root" / "pyproject.toml", '[tool.uv]\nresolution = "lowest"\n')
    sub = tmp_path / "root" / "a" / "b"
    _write(sub / "pyproject.toml", '[project]\nname = "uvicorn-app"\n[tool.ruff]\nline-length = 1\n')
    config = _load(sub, _env(tmp_path))
    assert config.files == (tmp_path / "root" / "pyproject.toml",)
    assert config.pip.resolution == "lowest"
    assert [s.level for s in config.sources] == ["project"]


def test_the_nearest_file_is_the_only_project_file(tmp_path: Path) -> None:
    _write(tmp_path / "uv.toml", 'prerelease = "allow"\nresolution = "lowest"\n')
    _write(tmp_path / "sub" / "uv.toml", 'resolution = "highest"\n')
    config = _load(tmp_path / "sub", _env(tmp_path))
    assert config.files == (tmp_path / "sub" / "uv.toml",)
    assert (config.pip.resolution, config.pip.prerelease) == ("highest", None)


def test_an_unreadable_pyproject_is_skipped_with_a_warning(tmp_path: Path) -> None:
    _write(tmp_path / "uv.toml", 'resolution = "lowest"\n')
    _write(tmp_path / "sub" / "pyproject.toml", "[tool.uv\nbroken")
    warnings: list[str] = []
    found = find_project_config(tmp_path / "sub", warnings)
    assert found is not None and found[0].path == tmp_path / "uv.toml"
    assert len(warnings) == 1 and str(tmp_path / "sub" / "pyproject.toml") in warnings[0]


def test_user_file_comes_from_an_absolute_xdg_config_home_else_home(tmp_path: Path) -> None:
    env = {"HOME": "/home/someone", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert user_config_path(env) == tmp_path / "xdg" / "uv" / "uv.toml"
    env["XDG_CONFIG_HOME"] = "relative/dir"  # uv ignores a relative XDG_CONFIG_HOME
    assert user_config_path(env) == Path("/home/someone/.config/uv/uv.toml")
    assert user_config_path({}, home=tmp_path) == tmp_path / ".config" / "uv" / "uv.toml"


def test_system_file_is_the_first_in_xdg_config_dirs_then_the_fallbacks(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _write(b / "uv" / "uv.toml", "")
    fallback = _write(tmp_path / "etc" / "uv.toml", "")
    assert system_config_path({"XDG_CONFIG_DIRS": f"{a}:{b}"}, ()) == b / "uv" / "uv.toml"
    # the list ends at its first empty entry, as in uv
    assert system_config_path({"XDG_CONFIG_DIRS": f"{a}::{b}"}, (fallback,)) == fallback
    assert system_config_path({}, ()) is None


# -- merging


def test_project_over_user_over_system_and_arrays_joined_higher_first(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    _write(proj / "uv.toml", 'index-strategy = "unsafe-best-match"\nextra-index-url = ["http://127.0.0.1:1/p"]\n'
                             '[[index]]\nname = "proj"\nurl = "http://127.0.0.1:1/pi"\n')
    _write(tmp_path / "xdg" / "uv" / "uv.toml", 'index-strategy = "unsafe-first-match"\nresolution = "lowest"\n'
                                                'extra-index-url = ["http://127.0.0.1:1/u"]\n'
                                                '[[index]]\nname = "user"\nurl = "http://127.0.0.1:1/ui"\n')
    system = _write(tmp_path / "sys" / "uv" / "uv.toml", 'resolution = "lowest-direct"\nprerelease = "allow"\n'
                                                         'extra-index-url = ["http://127.0.0.1:1/s"]\n')
    env = _env(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "xdg"), XDG_CONFIG_DIRS=str(tmp_path / "sys"))
    config = _load(proj, env)
    assert [s.level for s in config.sources] == ["project", "user", "system"]
    assert config.files[2] == system
    pip = config.pip
    assert pip.index_strategy == "unsafe-best-match"  # project wins
    assert pip.resolution == "lowest"  # user over system
    assert pip.prerelease == "allow"  # only the system file sets it
    assert pip.extra_index_url == ("http://127.0.0.1:1/p", "http://127.0.0.1:1/u", "http://127.0.0.1:1/s")
    assert [e.name for e in pip.index] == ["proj", "user"]
    assert pip.origin("resolution") == str(tmp_path / "xdg" / "uv" / "uv.toml")


def test_pip_table_wins_over_top_level_settings_of_the_same_file(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool.uv]\nindex-url = "http://127.0.0.1:1/top"\nresolution = "lowest"\n'
                                        'extra-index-url = ["http://127.0.0.1:1/top-extra"]\n'
                                        '[tool.uv.pip]\nindex-url = "http://127.0.0.1:1/pip"\npython-version = "3.9"\n'
                                        'extra-index-url = ["http://127.0.0.1:1/pip-extra"]\n')
    pip = _load(tmp_path, _env(tmp_path)).pip
    assert pip.index_url == "http://127.0.0.1:1/pip"
    assert pip.resolution == "lowest"
    assert pip.python_version == "3.9"
    assert pip.extra_index_url == ("http://127.0.0.1:1/pip-extra", "http://127.0.0.1:1/top-extra")


def test_relative_paths_are_taken_against_the_file_directory(tmp_path: Path) -> None:
    _write(tmp_path / "conf" / "uv.toml", 'find-links = ["wheels/"]\n[[index]]\nurl = "./local-index"\n')
    pip = _load(tmp_path / "elsewhere", _env(tmp_path), config_file=tmp_path / "conf" / "uv.toml").pip
    assert pip.find_links == (str(tmp_path / "conf" / "wheels") + "/",)
    assert pip.index[0].url == str(tmp_path / "conf" / "local-index")


def test_config_file_replaces_discovery_and_no_config_disables_it(tmp_path: Path) -> None:
    _write(tmp_path / "uv.toml", 'resolution = "lowest"\n')
    _write(tmp_path / "xdg" / "uv" / "uv.toml", 'prerelease = "allow"\n')
    other = _write(tmp_path / "other.toml", 'index-strategy = "unsafe-best-match"\n')
    env = _env(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    both = _load(tmp_path, env)
    assert (both.pip.resolution, both.pip.prerelease) == ("lowest", "allow")
    only = _load(tmp_path, env, config_file=other)
    assert only.files == (other,) and only.pip.resolution is None and only.pip.prerelease is None
    assert only.pip.index_strategy == "unsafe-best-match"
    assert _load(tmp_path, env, no_config=True).files == ()
    # the environment variables do the same when the arguments are left unset
    assert _load(tmp_path, {**env, "UV_CONFIG_FILE": str(other)}).files == (other,)
    assert _load(tmp_path, {**env, "UV_NO_CONFIG": "1"}).files == ()
    assert _load(tmp_path, {**env, "UV_NO_CONFIG": "false"}).files != ()


def test_a_malformed_uv_toml_names_the_file_and_the_key(tmp_path: Path) -> None:
    bad = _write(tmp_path / "uv.toml", 'index-strategy = "fastest"\n')
    with pytest.raises(PyProjectError) as info:
        _load(tmp_path, _env(tmp_path))
    assert info.value.path == str(bad) and info.value.key == "index-strategy"
    _write(tmp_path / "uv.toml", '[pip]\nno-index = "yes"\n')
    with pytest.raises(PyProjectError) as info:
        _load(tmp_path, _env(tmp_path))
    assert info.value.key == "pip.no-index"
    _write(tmp_path / "uv.toml", "index-url = \n")
    with pytest.raises(PyProjectError, match="invalid TOML"):
        _load(tmp_path, _env(tmp_path))
    # uv refuses project-only keys in a uv.toml
    _write(tmp_path / "uv.toml", '[sources]\nfoo = { path = "x" }\n')
    with pytest.raises(PyProjectError) as info:
        _load(tmp_path, _env(tmp_path))
    assert info.value.key == "sources"


def test_unknown_keys_in_pip_are_tolerated(tmp_path: Path) -> None:
    _write(tmp_path / "uv.toml", 'resolution = "lowest"\n[pip]\nsome-new-flag = true\n')
    assert _load(tmp_path, _env(tmp_path)).pip.resolution == "lowest"


@pytest.mark.parametrize("text", ['future-setting = 1\n', "[tool.uv]\nresolution = 'lowest'\n"])
def test_an_unknown_top_level_key_of_a_uv_toml_is_an_error_as_in_uv(tmp_path: Path, text: str) -> None:
    """uv 0.13: `error: Failed to parse: uv.toml ... unknown field `future-setting``, exit 2 (the
    report's uvtoml-unknown-key and uvtoml-tooluv-wrapper were ignored silently)."""
    _write(tmp_path / "uv.toml", text)
    with pytest.raises(PyProjectError) as err:
        _load(tmp_path, _env(tmp_path))
    assert err.value.key == text.split()[0].strip("[").split(".")[0] and "unknown field" in str(err.value)


# -- environment and precedence


def test_env_lists_are_space_or_comma_separated_and_empty_values_unset() -> None:
    opts = env_options({
        "UV_INDEX": "a=http://127.0.0.1:1/a  http://127.0.0.1:1/b",
        "UV_EXTRA_INDEX_URL": "http://127.0.0.1:1/x http://127.0.0.1:1/y",
        "UV_FIND_LINKS": "/w1,/w2",
        "UV_DEFAULT_INDEX": "",
        "UV_INDEX_STRATEGY": "unsafe-best-match",
        "UV_OFFLINE": "0",
    })
    assert opts.index_args == ("a=http://127.0.0.1:1/a", "http://127.0.0.1:1/b")
    assert opts.extra_index_url == ("http://127.0.0.1:1/x", "http://127.0.0.1:1/y")
    assert opts.find_links == ("/w1", "/w2")
    assert opts.default_index is None
    assert opts.index_strategy == "unsafe-best-match" and opts.origin("index_strategy") == "UV_INDEX_STRATEGY"
    assert opts.offline is False


def test_a_bad_env_value_names_the_variable() -> None:
    with pytest.raises(EnvVarError, match="UV_RESOLUTION"):
        env_options({"UV_RESOLUTION": "newest"})


def test_command_line_over_environment_over_files() -> None:
    files = PipOptions(resolution="lowest", prerelease="allow", index_strategy="unsafe-first-match",
                       extra_index_url=("http://f",), origins={"resolution": "uv.toml"})
    env = PipOptions(resolution="highest", index_strategy="unsafe-best-match", extra_index_url=("http://e",),
                     origins={"resolution": "UV_RESOLUTION"})
    cli = PipOptions(index_strategy="first-index", extra_index_url=("http://c",))
    got = cli.or_else(env).combine(files)
    assert got.index_strategy == "first-index"  # command line
    assert got.resolution == "highest" and got.origin("resolution") == "UV_RESOLUTION"  # environment
    assert got.prerelease == "allow"  # file
    # a command-line list replaces its variable (clap), then joins the files' list (uv's Combine)
    assert got.extra_index_url == ("http://c", "http://f")
    assert PipOptions().or_else(env).combine(files).extra_index_url == ("http://e", "http://f")
