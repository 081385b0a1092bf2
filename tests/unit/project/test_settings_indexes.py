"""The index list of a run from the command line, uv's variables and the configuration files, in
uv's order (`prong.api.index.index_urls`): command-line indexes, then the files' `index`,
`extra-index-url` and `index-url`; the first default index met wins."""

from __future__ import annotations

from pathlib import Path

from prong.api.index import index_urls, pip_settings
from prong.project.settings import PipOptions, load_config

U = "http://127.0.0.1:1"


def _config(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "uv.toml").write_text(text)
    return load_config(tmp_path, {"HOME": str(tmp_path)}, system_fallbacks=())


def _urls(args: PipOptions, config, environ: dict[str, str] | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.url for i in index_urls(args, config, environ=environ or {}).indexes]


def test_order_is_cli_then_file_index_then_file_extras_then_the_default(tmp_path: Path) -> None:
    config = _config(tmp_path, f'index-url = "{U}/file-default"\nextra-index-url = ["{U}/file-extra"]\n'
                               f'[[index]]\nname = "f"\nurl = "{U}/file-index"\n')
    args = PipOptions(index_args=(f"{U}/cli-index",), extra_index_url=(f"{U}/cli-extra",))
    assert _urls(args, config) == [f"{U}/cli-index", f"{U}/cli-extra", f"{U}/file-index", f"{U}/file-extra",
                                   f"{U}/file-default"]


def test_the_default_index_command_line_then_environment_then_file(tmp_path: Path) -> None:
    config = _config(tmp_path, f'[[index]]\nurl = "{U}/file-default"\ndefault = true\n')
    assert _urls(PipOptions(), config)[-1] == f"{U}/file-default"
    env = {"UV_DEFAULT_INDEX": f"{U}/env-default"}
    assert _urls(PipOptions(), config, env)[-1] == f"{U}/env-default"
    assert _urls(PipOptions(index_url=f"{U}/cli"), config, env)[-1] == f"{U}/env-default"  # as uv: --default-index first
    assert _urls(PipOptions(default_index=f"{U}/cli"), config, env)[-1] == f"{U}/cli"
    assert _urls(PipOptions(index_url=f"{U}/cli"), config)[-1] == f"{U}/cli"
    # one default only
    assert len(_urls(PipOptions(index_url=f"{U}/cli"), config, env)) == 1


def test_uv_index_fills_in_for_missing_index_options_only(tmp_path: Path) -> None:
    env = {"UV_INDEX": f"{U}/e1 named={U}/e2", "UV_DEFAULT_INDEX": f"{U}/d"}
    urls = index_urls(PipOptions(), None, environ=env)
    assert [(i.name, i.url) for i in urls.indexes] == [(None, f"{U}/e1"), ("named", f"{U}/e2"), (None, f"{U}/d")]
    assert _urls(PipOptions(index_args=(f"{U}/c",)), None, env) == [f"{U}/c", f"{U}/d"]


def test_no_index_from_a_file_and_find_links_joined(tmp_path: Path) -> None:
    (tmp_path / "w").mkdir()
    config = _config(tmp_path, 'no-index = true\nfind-links = ["w"]\n')
    urls = index_urls(PipOptions(find_links=(f"{U}/links/",)), config, environ={})
    assert urls.no_index and urls.indexes == ()
    assert [i.url for i in urls.flat] == [f"{U}/links/", (tmp_path / "w").as_uri()]


def test_pip_settings_precedence(tmp_path: Path) -> None:
    config = _config(tmp_path, 'resolution = "lowest"\nprerelease = "allow"\n[pip]\nresolution = "lowest-direct"\n')
    got = pip_settings(PipOptions(prerelease="disallow"), config, {"UV_RESOLUTION": "highest"})
    assert (got.resolution, got.prerelease) == ("highest", "disallow")
    got = pip_settings(PipOptions(), config, {})
    assert (got.resolution, got.prerelease) == ("lowest-direct", "allow")
    assert pip_settings(PipOptions(), None, {}).resolution is None
