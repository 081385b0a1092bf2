"""``prong export``: the project's ``uv.lock`` as a ``requirements.txt`` or a ``pylock.toml`` (PEP 751),
as ``uv export`` writes them.

prong does not lock yet, so the lock is exported as it is (uv's ``--frozen``): the project's
``pyproject.toml`` names the project, its default groups and its extras; ``uv.lock`` at the root of
its workspace (its own directory, for a project that is not a workspace member) gives the packages. Nothing is resolved and the network is not used.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prong.errors import NotImplementedYet
from prong.install.selection import Selected, select


@dataclass(frozen=True, slots=True)
class ExportResult:
    """The exported text, the packages in it (the project's own included), where the lock was read
    from, and how long it took."""

    text: str
    packages: tuple[Selected, ...]
    lock_path: Path
    seconds: float


def export(
    project: str | Path | None = None,
    *,
    frozen: bool = True,
    format: str = "requirements-txt",
    package: str | None = None,
    all_packages: bool = False,
    extras: Sequence[str] = (),
    all_extras: bool = False,
    no_extras: Sequence[str] = (),
    groups: Sequence[str] = (),
    no_groups: Sequence[str] = (),
    only_groups: Sequence[str] = (),
    all_groups: bool = False,
    no_default_groups: bool = False,
    dev: bool = True,
    only_dev: bool = False,
    prune: Sequence[str] = (),
    emit_project: bool = True,
    emit_workspace: bool = True,
    no_emit_packages: Sequence[str] = (),
    hashes: bool = True,
    annotate: bool = True,
    header: str | None = "prong export --frozen",
    lock_options: Mapping[str, Any] | None = None,
    editable: bool = True,
    output_file: str | Path | None = None,
) -> ExportResult:
    """Export the lock of the project at (or above) ``project`` (default: the working directory).

    The options are uv's: ``extras``/``all_extras``/``no_extras`` pick the project's extras;
    ``groups``, ``no_groups``, ``only_groups``, ``all_groups``, ``no_default_groups``, ``dev``
    (``False``: ``--no-dev``) and ``only_dev`` pick its dependency groups (by default those of
    ``[tool.uv] default-groups``); ``package``/``all_packages`` export one or every workspace member;
    ``prune`` drops packages and what only they need; ``emit_project``/``emit_workspace``/
    ``no_emit_packages`` leave lines out without changing what else is included. ``header`` is the
    command line named on top (``None``: no header). With ``output_file`` the text is also written
    there (atomically). ``format``: ``"requirements-txt"`` or ``"pylock.toml"`` (PEP 751, checked with
    ``packaging.pylock``; ``hashes`` and ``annotate`` do not apply to it). ``lock_options``: what
    :func:`prong.api.lock.lock` is given when ``frozen`` is false (``config``, ``cache_dir``, ``offline``...).
    """
    from prong.lock.text import read_lock
    from prong.pep508.names import normalize_name
    from prong.project.pyproject import read_pyproject

    if format not in ("requirements-txt", "requirements.txt", "pylock.toml"):
        raise NotImplementedYet(f"`--format {format}` (prong exports requirements-txt and pylock.toml)")
    if format == "pylock.toml" and output_file is not None:
        import re

        if not re.fullmatch(r"pylock(\.[^.]+)?\.toml", Path(output_file).name):
            from prong.errors import UsageError

            raise UsageError(f"Expected the output filename to be `pylock.toml` or `pylock.<name>.toml` (PEP 751), "
                             f"where `<name>` is non-empty and contains no dots; found `{Path(output_file).name}`",
                             "Name the file `pylock.toml`, or for example `pylock.dev.toml`.")
    if not frozen:  # lock first, as uv does (a current lock is kept as it is, without the network)
        from prong.api.lock import lock

        lock(Path(project) if project is not None else Path.cwd(), **(lock_options or {}))
    start = time.perf_counter()
    pyproject_path, lock_path = _find_project(Path(project) if project is not None else Path.cwd())
    if output_file is not None:
        from prong.api._files import refuse_input_as_output

        refuse_input_as_output(Path(output_file), {lock_path: "lock file", pyproject_path: "pyproject.toml"})
    pyproject = read_pyproject(pyproject_path)
    lock = read_lock(lock_path)

    if lock.manifest.requirements or any(lock.manifest.dependency_groups.values()):
        raise NotImplementedYet(f"exporting {lock_path}: requirements of a workspace root without a [project] "
                                "(its [manifest] requirements or dependency-groups)")
    from prong.api._selection import SelectionOptions, build_selection

    selection = build_selection(pyproject, pyproject_path, lock, SelectionOptions(
        package=package, all_packages=all_packages, extras=extras, all_extras=all_extras, no_extras=no_extras,
        groups=groups, no_groups=no_groups, only_groups=only_groups, all_groups=all_groups,
        no_default_groups=no_default_groups, dev=dev, only_dev=only_dev, prune=prune))
    roots = selection.roots
    members = tuple(lock.manifest.members)
    selected = select(lock, selection)
    left_out = {normalize_name(p) for p in no_emit_packages}
    if not emit_project:
        left_out.update(roots)
    if not emit_workspace:
        left_out.update(members or roots)
    shown = [s for s in selected if s.package.name not in left_out]

    if format == "pylock.toml":
        from prong.install.pylock import pylock_toml

        text = pylock_toml(shown, requires_python=lock.requires_python, header=header, editable=editable,
                           environments=lock.supported_markers)
    else:
        from prong.install.export import requirements_txt

        text = requirements_txt(shown, hashes=hashes, annotate=annotate, header=header, editable=editable)
    if output_file is not None:
        from prong.api._files import write_atomic

        write_atomic(Path(output_file), text)
    return ExportResult(text, tuple(shown), lock_path, time.perf_counter() - start)


def _find_project(start: Path) -> tuple[Path, Path]:
    """The pyproject.toml of the project at or above ``start`` (a workspace member's own) and the
    workspace's ``uv.lock`` (at its root), found as uv finds them
    (:func:`prong.api._workspace.project_target`)."""
    from prong.api._workspace import project_target
    from prong.lock.text import LockFileError

    target = project_target(start)
    lock_path = target.lock_path
    if lock_path.is_dir():
        raise LockFileError(lock_path, None, "is a directory, not a file",
                            "Move the directory away; uv.lock is the lock file `uv lock` writes.")
    if not lock_path.is_file():
        raise LockFileError(lock_path, None, "file not found",
                            "Run `prong lock` (or `uv lock`) first, or leave out --frozen.")
    return target.pyproject_path, lock_path


__all__ = ["ExportResult", "export"]
