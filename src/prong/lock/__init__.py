"""prong.lock: the lock model (:mod:`prong.lock.model`) and ``uv.lock`` text (:mod:`prong.lock.text`).

The package is also the library's ``prong.lock(project, ...)`` command: calling it runs
:func:`prong.api.lock.lock` (looked up by name at call time, so this layer imports nothing above
it), so ``prong.lock(...)`` works whether or not the package was imported first.
"""

import sys as _sys
import types as _types

from prong.lock.model import (
    LOCK_REVISION,
    LOCK_VERSION,
    Conflict,
    DependencyMetadata,
    InlineTable,
    Lock,
    LockArtifact,
    LockDependency,
    LockedPackage,
    LockManifest,
    LockOptions,
    LockRequirement,
    LockSource,
    PackageId,
    PackageMetadata,
    Zstd,
)
from prong.lock.text import LockFileError, parse_lock, read_lock, render_lock

__all__ = [
    "LOCK_REVISION",
    "LOCK_VERSION",
    "Conflict",
    "DependencyMetadata",
    "InlineTable",
    "Lock",
    "LockArtifact",
    "LockDependency",
    "LockFileError",
    "LockManifest",
    "LockOptions",
    "LockRequirement",
    "LockSource",
    "LockedPackage",
    "PackageId",
    "PackageMetadata",
    "Zstd",
    "parse_lock",
    "read_lock",
    "render_lock",
]


class _LockPackage(_types.ModuleType):
    """The ``prong.lock`` package, callable as ``prong.lock(project, ...)``."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        import importlib

        return importlib.import_module("prong.api.lock").lock(*args, **kwargs)


_sys.modules[__name__].__class__ = _LockPackage

