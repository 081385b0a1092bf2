"""Reading a TOML file (``pyproject.toml``, ``uv.toml``) into a dict, and the error for a file
prong cannot use: the part of :mod:`prong.project.pyproject` that a run needs even when it reads
no typed view (the ``prong lock`` no-op path: which files to digest, where the workspace root is),
kept apart so that importing it does not create the view's dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from prong.errors import ProngError

__all__ = ["PyProjectError", "declares_workspace", "read_toml"]


class PyProjectError(ProngError):
    """A pyproject.toml or uv.toml that prong cannot use (a configuration error: exit code 2)."""

    exit_code = 2

    def __init__(self, path: Path | str, key: str | None, problem: str, hint: str | None = None) -> None:
        self.path, self.key, self.problem, self.hint = str(path), key, problem, hint
        where = f"{path}" + (f": `{key}`" if key else "")
        super().__init__(f"{where}: {problem}")

    def hints(self) -> tuple[str, ...]:
        return (self.hint,) if self.hint else ()


def _load_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PyProjectError(path, None, "file not found", "Check the path.") from None
    except IsADirectoryError:
        raise PyProjectError(path, None, "is a directory", "Name a file, not a directory.") from None
    except UnicodeDecodeError as err:
        raise PyProjectError(path, None, f"not UTF-8 text (byte {err.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PyProjectError(path, None, f"invalid TOML: {err}",
                             "Fix the TOML syntax at that line and column.") from None
    except RecursionError:  # tomllib recurses once per nested array or table
        raise PyProjectError(path, None, "invalid TOML: values nested too deeply") from None


def declares_workspace(data: Mapping[str, Any]) -> bool:
    """Whether a parsed pyproject.toml has a ``[tool.uv.workspace]`` table (unchecked: see
    :func:`prong.project.workspace.workspace_table`)."""
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    return isinstance(uv, dict) and "workspace" in uv


def read_toml(path: str | Path) -> dict[str, Any]:
    """The TOML document at ``path``; a missing, undecodable or invalid file is a ``PyProjectError``."""
    return _load_toml(Path(path))
