"""prong.lock: the lock model (:mod:`prong.lock.model`) and ``uv.lock`` text (:mod:`prong.lock.text`)."""

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
