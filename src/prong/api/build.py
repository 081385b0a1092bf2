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
    dispatch = BuildDispatch(registry.http, cache, python=interp.sys_executable)
    dispatch.index = RegistryIndex(registry, registry.http, builder=dispatch)
    label = root.name
    files: list[Path] = []
    try:
        if sdist or both:
            say("Building source distribution...")
            made = build_sdist(root, out, python=interp.sys_executable, installer=dispatch, label=label)
            files.append(made)
            if both:
                say("Building wheel from source distribution...")
                with tempfile.TemporaryDirectory(prefix="prong-build-") as tmp:
                    tree = unpack(made, Path(tmp) / "src")
                    files.append(build_wheel(tree, out, python=interp.sys_executable, installer=dispatch,
                                             label=label))
        if wheel:
            say("Building wheel...")
            files.append(build_wheel(root, out, python=interp.sys_executable, installer=dispatch, label=label))
    except BaseException as err:
        if created and out.is_dir():
            import shutil

            shutil.rmtree(out, ignore_errors=True)
        if isinstance(err, BuildError):
            raise BuildFailed(label, "", str(root), err.step, err.output, err.returncode) from None
        raise
    finally:
        registry.http.close()
    if created and out.is_dir():
        (out / ".gitignore").write_text("*", encoding="utf-8")
    return BuildResult(tuple(files), time.perf_counter() - started)
