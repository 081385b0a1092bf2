"""Global options, parsed once into a frozen value that every command receives."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TYPE_CHECKING = False  # not typing's: importing typing costs milliseconds of every start-up
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Literal

    from prong.project.settings import UvConfig

    ColorChoice = Literal["auto", "always", "never"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GlobalSettings:
    """Options shared by every command (``prong [GLOBAL OPTIONS] COMMAND ...``)."""

    verbose: int = 0
    quiet: int = 0
    offline: bool = False
    no_cache: bool = False
    cache_dir: Path | None = None
    project: Path | None = None
    directory: Path | None = None
    color: ColorChoice = "auto"
    config_file: Path | None = None
    no_config: bool = False

    @classmethod
    def from_args(cls, ns: object, environ: dict[str, str] | None = None) -> GlobalSettings:
        """Combine the parsed command line with the environment (the command line wins)."""
        env = os.environ if environ is None else environ
        cache_dir = getattr(ns, "cache_dir", None) or env.get("PRONG_CACHE_DIR") or None
        offline = (bool(getattr(ns, "offline", False)) or _truthy(env.get("PRONG_OFFLINE"))
                   or _truthy(env.get("UV_OFFLINE")))
        config_file = getattr(ns, "config_file", None) or env.get("UV_CONFIG_FILE") or None
        no_config = bool(getattr(ns, "no_config", False)) or _truthy(env.get("UV_NO_CONFIG"))
        project = getattr(ns, "project", None) or env.get("UV_PROJECT") or None
        no_cache = bool(getattr(ns, "no_cache", False)) or _truthy(env.get("PRONG_NO_CACHE"))
        color = getattr(ns, "color", None) or ("never" if env.get("NO_COLOR") else "auto")
        return cls(
            verbose=int(getattr(ns, "verbose", 0) or 0),
            quiet=int(getattr(ns, "quiet", 0) or 0),
            offline=offline,
            no_cache=no_cache,
            cache_dir=Path(cache_dir) if cache_dir else None,
            project=Path(project) if project else None,
            directory=Path(ns.directory) if getattr(ns, "directory", None) else None,
            color=color,
            config_file=Path(config_file) if config_file else None,
            no_config=no_config,
        )

    def uv_config(self, environ: Mapping[str, str] | None = None) -> UvConfig:
        """uv's configuration files for this run: ``--config-file``, else (unless ``--no-config``)
        the project's (searched from ``--project`` or the working directory), the user's and the
        system's, merged as uv merges them."""
        from prong.project.settings import load_config

        start = self.project if self.project is not None else Path.cwd()
        if start.name == "pyproject.toml" and start.is_file():
            start = start.parent
        return load_config(start, environ, config_file=self.config_file, no_config=self.no_config)


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() in {"1", "true", "t", "yes", "y", "on"}
