"""The project's build environment settings (:class:`~prong.pep517.dispatch.BuildSettings`), as
uv reads them:

* ``build-constraint-dependencies`` from the workspace root's ``[tool.uv]`` only (a project
  setting: uv 0.13.9 ignores it in a uv.toml, and records it in the lock's ``[manifest]``);
* ``no-build-isolation``, ``no-build-isolation-package`` and ``extra-build-dependencies`` from
  the merged configuration (``[tool.uv]`` or uv.toml, user and system files too);
* the command line's ``--no-build-isolation`` (also ``UV_NO_BUILD_ISOLATION``: a boolean, whose
  false leaves the files' setting as it is) and ``--no-build-isolation-package NAME``, whose
  names are added to the files' list (uv 0.13.9 reads no variable for the list);
* builds without isolation run in the project's environment (``.venv``, or
  ``UV_PROJECT_ENVIRONMENT``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from prong.pep517.settings import BuildSettings


def project_build_settings(project: str | Path, config: Any = None, environ: Mapping[str, str] | None = None, *,
                           environment: Path | None = None, no_build_isolation: bool | None = False,
                           no_build_isolation_package: Sequence[str] = ()) -> BuildSettings:
    """The build settings of the project at or below ``project`` (its workspace root's), with
    ``config`` (a :class:`~prong.project.settings.UvConfig`, or ``None``); ``environment``: the
    venv non-isolated builds use (default: the project's); ``no_build_isolation`` /
    ``no_build_isolation_package``: the command line's flags."""
    from prong.api.lock import workspace_root
    from prong.api._workspace import project_environment
    from prong.pep508.names import normalize_name
    from prong.project.pyproject import read_pyproject
    from prong.project.settings import env_flag

    env = os.environ if environ is None else environ
    root = workspace_root(project)
    constraints: tuple[str, ...] = ()
    path = root / "pyproject.toml"
    if path.is_file():
        constraints = read_pyproject(path).tool_uv.build_constraint_dependencies
    pip = getattr(config, "pip", None)
    no_isolation: bool | frozenset[str] = False
    extra: Mapping[str, tuple[str, ...]] = {}
    names = [*no_build_isolation_package, *(pip.no_build_isolation_package if pip is not None else ())]
    if no_build_isolation or env_flag(env, "UV_NO_BUILD_ISOLATION") or (pip is not None and pip.no_build_isolation):
        no_isolation = True
    elif names:
        no_isolation = frozenset(str(normalize_name(n)) for n in names)
    if pip is not None:
        extra = dict(pip.extra_build_dependencies or {})
    return BuildSettings(constraints=constraints, extra=extra, no_isolation=no_isolation,
                         environment=environment if environment is not None else project_environment(root, env))
