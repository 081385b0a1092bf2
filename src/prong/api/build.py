"""``prong build``: a project's source distribution and wheel through its own build backend
(``uv build``): by default the sdist first, then the wheel built from that sdist (so the sdist is
known to build); ``sdist``/``wheel`` build one of them, a wheel alone straight from the tree.
Build requirements are resolved by prong from the project's indexes, for the interpreter that
runs the backend, and installed into a throw-away environment."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prong.errors import UsageError

__all__ = ["BuildResult", "build"]


@dataclass(frozen=True, slots=True)
class BuildResult:
    files: tuple[Path, ...]
    seconds: float


def build(
    path: str | Path | None = None,
    *,
    sdist: bool = False,
    wheel: bool = False,
    out_dir: str | Path | None = None,
    python: str | None = None,
    config: Any = None,
    cache_dir: str | Path | None = None,
    no_cache: bool = False,
    offline: bool = False,
    on_event: Callable[[str], None] | None = None,
    **index_options: Any,
) -> BuildResult:
    """Build the project at ``path`` (default: the working directory) into ``out_dir`` (default:
    ``<project>/dist``); returns the files written."""
    from prong.api.index import build_registry
    from prong.api.sync import _index_urls
    from prong.cache import Cache
    from prong.pep517.dispatch import BuildDispatch
    from prong.pep517.hooks import BuildError, BuildFailed, build_sdist, build_wheel
    from prong.sources.index import RegistryIndex
    from prong.sources.sdist import unpack
    from prong.python import find_interpreter

    started = time.perf_counter()
    say = on_event or (lambda _line: None)
    root = Path(path).absolute() if path is not None else Path.cwd()
    if not (root / "pyproject.toml").is_file() and not (root / "setup.py").is_file():
        raise UsageError(f"{root} has no pyproject.toml or setup.py to build",
                         "Run `prong build` in a project directory, or give its path.")
    out = Path(out_dir).absolute() if out_dir is not None else root / "dist"
    created = not out.exists()  # a directory made for the output: ignored by git (as uv makes it), or
    # removed again when the build fails
    both = not sdist and not wheel
    interp = find_interpreter(python) if python else find_interpreter()
    if callable(config):
        config = config()
    cache = Cache.from_settings(cache_dir, no_cache=no_cache)
    if (root / "pyproject.toml").is_file():
        urls = _index_urls(root, config, os.environ, index_options)
    else:
        from prong.client.indexes import IndexUrls

        urls = IndexUrls.from_args()  # type: ignore[attr-defined]
    registry = build_registry(urls, cache_dir=cache.root, no_cache=no_cache, offline=offline)
    from prong.api._build_settings import project_build_settings

    settings = project_build_settings(root, config, os.environ) if (root / "pyproject.toml").is_file() else None
    dispatch = BuildDispatch(registry.http, cache, python=interp.sys_executable, settings=settings)
    dispatch.index = RegistryIndex(registry, registry.http, builder=dispatch)
    label = root.name
    files: list[Path] = []
    try:
        hook = dispatch.hook_options(_project_name(root))  # extra build dependencies, or no isolation
        if sdist or both:
            say("Building source distribution...")
            made = build_sdist(root, out, python=interp.sys_executable, installer=dispatch, label=label, **hook)
            files.append(made)
            if both:
                say("Building wheel from source distribution...")
                with tempfile.TemporaryDirectory(prefix="prong-build-") as tmp:
                    tree = unpack(made, Path(tmp) / "src")
                    files.append(build_wheel(tree, out, python=interp.sys_executable, installer=dispatch,
                                             label=label, **hook))
        if wheel:
            say("Building wheel...")
            files.append(build_wheel(root, out, python=interp.sys_executable, installer=dispatch, label=label,
                                     **hook))
    except BaseException as err:
        if created and out.is_dir():
            import shutil

            shutil.rmtree(out, ignore_errors=True)
        if isinstance(err, BuildError):
            raise BuildFailed(label, "", str(root), err.step, err.output, err.returncode,
                              hint=dispatch._hint(_project_name(root), err)) from None
        raise
    finally:
        registry.http.close()
    if created and out.is_dir():
        (out / ".gitignore").write_text("*", encoding="utf-8")
    return BuildResult(tuple(files), time.perf_counter() - started)


def _project_name(root: Path) -> str | None:
    """The ``[project] name`` of the tree at ``root`` (what build settings name), if it says."""
    import tomllib

    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = data.get("project", {}).get("name") if isinstance(data.get("project"), dict) else None
    return name if isinstance(name, str) else None
