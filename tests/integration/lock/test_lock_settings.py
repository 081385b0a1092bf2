"""Where `prong lock` takes its indexes from, as uv 0.13.9 draws the line: `--no-config` /
`UV_NO_CONFIG` drop the *settings* of `[tool.uv]` (a default index, `exclude-newer`) but keep the
*project data* (sources, conflicts, and the explicit indexes the sources name)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.api.lock import resolve_project
from prong.project.settings import load_config
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist


@pytest.fixture
def servers() -> Iterator[tuple[IndexServer, IndexServer, IndexServer]]:
    default = IndexServer([Dist("lib", "1.0")]).start()          # the project's `default = true` index
    pinned = IndexServer([Dist("special", "2.0")]).start()       # an explicit index a source names
    fallback = IndexServer([Dist("lib", "3.0"), Dist("special", "9.0")]).start()  # UV_DEFAULT_INDEX
    try:
        yield default, pinned, fallback
    finally:
        for s in (default, pinned, fallback):
            s.stop()


def _project(tmp_path: Path, default: IndexServer, pinned: IndexServer) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "pyproject.toml").write_text(f"""[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.9"
dependencies = ["lib", "special"]

[tool.uv.sources]
special = {{ index = "pinned" }}

[[tool.uv.index]]
name = "main"
url = "{default.simple_url}"
default = true

[[tool.uv.index]]
name = "pinned"
url = "{pinned.simple_url}"
explicit = true
""")
    return root


def _pins(root: Path, config: object, environ: dict[str, str], cache: Path) -> dict[str, tuple[str, str]]:
    result, _, _ = resolve_project(root, config=config, environ=environ, cache_dir=cache)  # type: ignore[arg-type]
    (fork,) = result.forks
    return {n.name: (str(n.version), n.source.value) for n in fork.nodes if n.name != "app"}


def test_with_the_configuration_the_projects_default_index_is_used(servers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    default, pinned, _fallback = servers
    root = _project(tmp_path, default, pinned)
    environ = {"HOME": str(tmp_path)}  # (UV_DEFAULT_INDEX would beat the file, as in uv)
    config = load_config(root, environ)
    assert _pins(root, config, environ, tmp_path / "cache") == {
        "lib": ("1.0", default.simple_url),
        "special": ("2.0", pinned.simple_url),
    }


def test_no_config_drops_the_settings_but_keeps_the_sources_index(servers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    default, pinned, fallback = servers
    root = _project(tmp_path, default, pinned)
    environ = {"UV_DEFAULT_INDEX": fallback.simple_url, "UV_NO_CONFIG": "1", "HOME": str(tmp_path)}
    config = load_config(root, environ)
    assert config.files == ()
    assert _pins(root, config, environ, tmp_path / "cache") == {
        "lib": ("3.0", fallback.simple_url),      # the `default = true` index is a setting: dropped
        "special": ("2.0", pinned.simple_url),    # the source's explicit index is project data: kept
    }
