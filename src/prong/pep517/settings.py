"""The project's build settings (``build-constraint-dependencies``, ``extra-build-dependencies``,
``no-build-isolation[-package]``) and the scope a command sets them in, apart from
:mod:`prong.pep517.dispatch` so that a command that builds nothing need not import the builder."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["BuildSettings", "build_settings_scope", "current_build_settings"]


@dataclass(frozen=True)
class BuildSettings:
    """How build environments are made, from the project's ``[tool.uv]`` (and uv.toml).

    ``constraints``: ``build-constraint-dependencies``, applied to every build environment's
    resolution; ``extra``: ``extra-build-dependencies`` (normalized name -> requirements installed
    beside that package's ``[build-system] requires``); ``no_isolation``: ``True``
    (``no-build-isolation``) or the normalized names of ``no-build-isolation-package``, built in
    ``environment`` (the project's venv) with nothing installed; ``environment_hint``: how to get
    that venv when it is missing (for the message)."""

    constraints: tuple[str, ...] = ()
    extra: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    no_isolation: bool | frozenset[str] = False
    environment: Path | None = None

    def isolated(self, name: str | None) -> bool:
        if self.no_isolation is True:
            return False
        return not (name is not None and self.no_isolation and _norm(name) in self.no_isolation)

    def extra_for(self, name: str | None) -> tuple[str, ...]:
        if name is None:
            return ()
        extra = self.extra.get(_norm(name), ())
        runtime = [r for r in extra if r.startswith("match-runtime:")]
        if runtime:
            from prong.errors import ProngError

            raise ProngError(f"extra build requirement `{runtime[0].split(':', 1)[1]}` of `{name}` is declared with "
                             "`match-runtime = true`, which prong does not support yet")
        return extra


_SETTINGS: ContextVar[BuildSettings | list[Any] | None] = ContextVar("prong_build_env_settings", default=None)


@contextmanager
def build_settings_scope(settings: BuildSettings | Callable[[], BuildSettings]) -> Iterator[None]:
    """Make ``settings`` those of every ``BuildDispatch`` created without its own, while the
    block runs (one command). A callable is called once, when a dispatch first asks: a command
    that builds nothing (a lock that is current) never reads them."""
    token = _SETTINGS.set(settings if isinstance(settings, BuildSettings) else [settings])
    try:
        yield
    finally:
        _SETTINGS.reset(token)


def current_build_settings() -> BuildSettings:
    value = _SETTINGS.get()
    if value is None:
        return BuildSettings()
    if isinstance(value, list):  # [thunk] or [thunk, settings]
        if len(value) == 1:
            value.append(value[0]())
        return value[1]  # type: ignore[no-any-return]
    return value


def _norm(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()
