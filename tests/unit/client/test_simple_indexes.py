"""Index configuration and ordering (uv's rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prong.client.indexes import (
    IndexConfig,
    IndexUrls,
    NoDefaultIndexError,
    UnknownIndexError,
    default_index_url,
    parse_index_arg,
    redact,
)


def names(u: IndexUrls) -> list[str | None]:
    return [i.name or i.url for i in u.indexes]


def test_default_index_from_environment_then_pip() -> None:
    assert default_index_url({"UV_DEFAULT_INDEX": "https://d.invalid/simple"}) == "https://d.invalid/simple"
    assert default_index_url({"UV_INDEX_URL": "https://i.invalid/simple"}) == "https://i.invalid/simple"
    assert default_index_url({"UV_DEFAULT_INDEX": "https://d.invalid/s", "UV_INDEX_URL": "https://i.invalid/s"}) \
        == "https://d.invalid/s"
    from pip._internal.models.index import PyPI

    assert default_index_url({}) == PyPI.simple_url


def test_default_index_without_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pip._internal.models.index", None)
    with pytest.raises(NoDefaultIndexError) as info:
        default_index_url({})
    assert "--default-index" in info.value.hints()[0]


def test_order_cli_then_configured_default_last() -> None:
    configured = [
        IndexConfig("cfg-default", "https://cd.invalid/simple", default=True),
        IndexConfig("cfg-a", "https://ca.invalid/simple"),
        IndexConfig("cfg-b", "https://cb.invalid/simple", explicit=True),
    ]
    u = IndexUrls.from_args(indexes=["cli=https://cli.invalid/simple"], extra_index_urls=["https://x.invalid/simple"],
                            configured=configured)
    assert names(u) == ["cli", "https://x.invalid/simple", "cfg-a", "cfg-b", "cfg-default"]
    assert [i.name or i.url for i in u.implicit()] == ["cli", "https://x.invalid/simple", "cfg-a", "cfg-default"]
    assert u.for_package("cfg-b") == (configured[2],)
    with pytest.raises(UnknownIndexError, match="no index named `nope`"):
        u.for_package("nope")


def test_cli_default_replaces_configured_default() -> None:
    configured = [IndexConfig("cfg-default", "https://cd.invalid/simple", default=True)]
    u = IndexUrls.from_args(index_url="https://iu.invalid/simple", configured=configured)
    assert [i.url for i in u.indexes] == ["https://iu.invalid/simple"]
    assert u.indexes[-1].origin == "--index-url"
    u = IndexUrls.from_args(default_index="https://di.invalid/simple", index_url="https://iu.invalid/simple")
    assert [i.url for i in u.indexes] == ["https://di.invalid/simple"]


def test_an_index_from_a_variable_names_the_variable() -> None:
    u = IndexUrls.from_args(index_url="https://iu.invalid/simple", extra_index_urls=["https://e.invalid/simple"],
                            origins={"index_url": "UV_INDEX_URL", "extra_index_url": ""})
    assert [i.origin for i in u.indexes] == ["--extra-index-url", "UV_INDEX_URL"]


def test_implicit_default_comes_from_the_environment() -> None:
    u = IndexUrls.from_args(indexes=["https://a.invalid/simple"], environ={"UV_DEFAULT_INDEX": "https://d.invalid/s"})
    assert [i.url for i in u.indexes] == ["https://a.invalid/simple", "https://d.invalid/s"]
    assert u.indexes[-1].default and not u.indexes[0].default


def test_no_index_keeps_only_find_links(tmp_path: Path) -> None:
    u = IndexUrls.from_args(index_url="https://iu.invalid/simple", find_links=[str(tmp_path)], no_index=True)
    assert u.indexes == () and [f.url for f in u.flat] == [tmp_path.as_uri()]
    assert u.flat[0].format == "flat"


def test_duplicate_names_first_definition_wins() -> None:
    u = IndexUrls.from_args(indexes=["a=https://cli.invalid/s"], configured=[IndexConfig("a", "https://cfg.invalid/s")],
                            default_index="https://d.invalid/s")
    assert [i.url for i in u.indexes] == ["https://cli.invalid/s", "https://d.invalid/s"]


def test_parse_index_arg(tmp_path: Path) -> None:
    assert parse_index_arg("https://x.invalid/s") == IndexConfig(None, "https://x.invalid/s", origin="--index")
    named = parse_index_arg("jp6=http://127.0.0.1:1/jp6/cu126")
    assert (named.name, named.url) == ("jp6", "http://127.0.0.1:1/jp6/cu126")
    # a path becomes a file:// URL
    local = parse_index_arg(str(tmp_path))
    assert local.url == tmp_path.as_uri() and local.is_file


def test_from_toml() -> None:
    idx = IndexConfig.from_toml({"name": "pytorch", "url": "https://t.invalid/whl/cpu", "explicit": True,
                                 "ignore-error-codes": [403], "format": "flat"})
    assert idx.explicit and idx.format == "flat" and idx.ignore_error_codes == (403,)
    assert idx.ignores(403) and idx.ignores(404) and not idx.ignores(401)
    assert not IndexConfig(None, "u").ignores(403)
    assert IndexConfig(None, "https://download.pytorch.org/whl/cpu").ignores(403)
    assert not IndexConfig(None, "https://download.pytorch.org/whl/cpu", ignore_error_codes=(401,)).ignores(403)


def test_credentials_never_displayed() -> None:
    idx = IndexConfig("p", "https://user:secret@p.invalid/simple")
    assert "secret" not in idx.display and "user" not in idx.display
    assert redact("https://u:p@h.invalid:8/x") == "https://h.invalid:8/x"


def test_from_project_entries(tmp_path: Path) -> None:
    from prong.client.indexes import from_entries
    from prong.project.pyproject import pyproject_from_dict

    data = {"project": {"name": "x", "version": "0"}, "tool": {"uv": {"index": [
        {"name": "jp6-cuda", "url": "http://127.0.0.1:1/jp6/cu126/+simple", "explicit": True},
        {"name": "local", "url": "./wheels", "format": "flat", "authenticate": "never"},
        {"name": "mirror", "url": "https://m.invalid/simple", "default": True, "ignore-error-codes": [401]},
    ]}}}
    project = pyproject_from_dict(data, tmp_path / "pyproject.toml")
    configured = from_entries(project.tool_uv.index, base=tmp_path)
    jp6, local, mirror = configured
    assert jp6.explicit and jp6.url == "http://127.0.0.1:1/jp6/cu126/+simple"
    assert local.format == "flat" and local.authenticate == "never" and local.url == (tmp_path / "wheels").as_uri()
    assert mirror.default and mirror.ignore_error_codes == (401,)
    u = IndexUrls.from_args(configured=configured)
    assert [i.name for i in u.indexes] == ["jp6-cuda", "local", "mirror"]
    assert [i.name for i in u.implicit()] == ["local", "mirror"]
