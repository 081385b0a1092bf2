"""``prong version``: read or change the project's version (``uv version``).

``bump`` is applied in order (``["patch", "alpha"]``: 1.2.3 → 1.2.4a1): ``major``/``minor``/
``patch`` raise that release part and reset the ones after it (and drop any pre-, post- or
dev-release); ``alpha``/``beta``/``rc`` raise that pre-release number (or start it at 1), ``post``
and ``dev`` theirs. A result that is not higher than the old version is refused as uv refuses it.
The new version is written into pyproject.toml (layout kept), then the project is locked and synced
unless ``frozen``/``no_sync``; a failure there restores pyproject.toml and uv.lock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prong.errors import UsageError

__all__ = ["VersionResult", "bump_version", "version"]

_BUMPS = ("major", "minor", "patch", "alpha", "beta", "rc", "post", "dev")


@dataclass(frozen=True, slots=True)
class VersionResult:
    name: str
    old: str
    new: str
    written: bool
    lock: Any = None
    sync: Any = None


def bump_version(current: str, bumps: Sequence[str]) -> str:
    """``current`` with ``bumps`` applied (see the module docstring)."""
    from packaging.version import InvalidVersion, Version

    try:
        v = Version(current)
    except InvalidVersion:
        raise UsageError(f"pyproject.toml: the project's version `{current}` (`project.version`) "
                         "is not a PEP 440 version",
                         "Set it to a version such as `1.2.3` or `2.0.0rc1`.") from None
    release = list(v.release) + [0] * max(0, 3 - len(v.release))
    pre = v.pre
    post = v.post
    dev = v.dev
    for bump in bumps:
        if bump not in _BUMPS:
            raise UsageError(f"`--bump {bump}` is not one of {', '.join(_BUMPS)}")
        if bump in ("major", "minor", "patch"):
            i = ("major", "minor", "patch").index(bump)
            release[i] += 1
            release[i + 1:] = [0] * (len(release) - i - 1)
            pre = post = dev = None
        elif bump in ("alpha", "beta", "rc"):
            kind = {"alpha": "a", "beta": "b", "rc": "rc"}[bump]
            pre = (kind, pre[1] + 1) if pre is not None and pre[0] == kind else (kind, 1)
            post = dev = None
        elif bump == "post":
            post = (post or 0) + 1
            dev = None
        else:
            dev = (dev or 0) + 1
    text = ".".join(map(str, release))
    if v.epoch:
        text = f"{v.epoch}!{text}"
    if pre is not None:
        text += f"{pre[0]}{pre[1]}"
    if post is not None:
        text += f".post{post}"
    if dev is not None:
        text += f".dev{dev}"
    if Version(text) <= v:
        if bumps and bumps[-1] == "dev":
            need = "another version component, e.g., with `--bump <major|minor|patch|alpha|beta|rc>`"
            what = "a dev version"
        else:
            need = "a release version component, e.g., with `--bump <major|minor|patch>`"
            what = "a pre-release version"
        raise UsageError(f"{current} => {text} didn't increase the version; when bumping to {what} you also "
                         f"need to increase {need}")
    return text


def version(
    project: str | Path = ".",
    *,
    value: str | None = None,
    package: str | None = None,
    bump: Sequence[str] = (),
    dry_run: bool = False,
    frozen: bool = False,
    no_sync: bool = False,
    config: Any = None,
    environ: Mapping[str, str] | None = None,
    cache_dir: str | Path | None = None,
    no_cache: bool = False,
    offline: bool = False,
    on_event: Callable[[str], None] | None = None,
) -> VersionResult:
    """The project's name and version; with ``value`` or ``bump``, the version changed. In a
    workspace the project is the member ``project`` is in (or the one ``package`` names); the lock
    changed is the workspace's."""
    from prong.api._workspace import project_target
    from prong.api.add import RestoredError, _lock, _Transaction, _write
    from prong.errors import ProngError
    from prong.project.edit import PyProjectEditor

    proj = project_target(project, package)
    directory = proj.directory
    path = proj.pyproject_path
    editor = PyProjectEditor(path.read_text(encoding="utf-8"), str(path))
    project_table = editor.doc.get("project") or {}
    name = str(project_table.get("name") or directory.name)
    current = editor.project_version()
    if current is None:
        dynamic = "version" in [str(x) for x in project_table.get("dynamic", [])]
        raise UsageError(f"{path} has no static `project.version`" + (" (it is dynamic)" if dynamic else ""),
                         "Set `version = \"0.1.0\"` in [project]; prong does not read dynamic versions.")
    if value is None and not bump:
        return VersionResult(name, current, current, False)
    if value is not None and bump:
        raise UsageError("give a version or --bump, not both",
                         "`prong version 1.2.0` sets the version; `prong version --bump minor` raises it.")
    if value is not None:
        from packaging.version import InvalidVersion, Version

        try:
            Version(value)
        except InvalidVersion:
            raise UsageError(f"`{value}` is not a PEP 440 version", "For example `1.2.3` or `2.0.0rc1`.") from None
        new = value
    else:
        new = bump_version(current, bump)
    if dry_run:
        return VersionResult(name, current, new, False)
    editor.set_project_version(new)
    txn = _Transaction(path, proj.lock_path)
    lock_result = sync_result = None
    try:
        _write(path, editor.text())
        if not frozen and proj.lock_path.exists():
            lock_result = _lock(directory, locked=False, strict_index_urls=False, config=config, environ=environ,
                                cache_dir=cache_dir, no_cache=no_cache, offline=offline, options={})
            if not no_sync:
                from prong.api.sync import sync

                sync_result = sync(directory, frozen=True, config=config, environ=environ, cache_dir=cache_dir,
                                   no_cache=no_cache, offline=offline, on_event=on_event)
    except ProngError as err:
        restored = txn.restore()
        raise RestoredError(err, txn.mentioned(restored)) from None
    except BaseException:
        txn.restore()
        raise
    return VersionResult(name, current, new, True, lock_result, sync_result)
