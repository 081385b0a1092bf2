"""`prong sync`: make the project's environment match the lock (``uv sync``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prong.cli.settings import GlobalSettings


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    """uv's options that pick extras, groups and packages (sync, run, export share them)."""
    parser.add_argument("--extra", action="append", default=[], metavar="EXTRA",
                        help="Include the optional dependencies of EXTRA (repeatable)")
    parser.add_argument("--all-extras", action="store_true", help="Include every extra")
    parser.add_argument("--no-extra", action="append", default=[], metavar="EXTRA",
                        help="With --all-extras, leave EXTRA out (repeatable)")
    parser.add_argument("--group", action="append", default=[], metavar="GROUP",
                        help="Include the dependency group GROUP (repeatable)")
    parser.add_argument("--no-group", action="append", default=[], metavar="GROUP",
                        help="Leave the dependency group GROUP out (repeatable)")
    parser.add_argument("--only-group", action="append", default=[], metavar="GROUP",
                        help="Only GROUP, without the project's own dependencies (repeatable)")
    parser.add_argument("--all-groups", action="store_true", help="Include every dependency group")
    parser.add_argument("--no-default-groups", action="store_true",
                        help="Leave out the groups of [tool.uv] default-groups")
    parser.add_argument("--no-dev", action="store_true", help="Leave out the `dev` group")
    parser.add_argument("--only-dev", action="store_true", help="Only the `dev` group")
    parser.add_argument("--dev", action="store_true", help="Include the `dev` group (the default)")
    parser.add_argument("--package", metavar="PACKAGE", help="Sync only this workspace member")
    parser.add_argument("--all-packages", action="store_true", help="Sync every workspace member")


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """uv's build options of `lock`, `sync` and `run` (one definition for all three)."""
    parser.add_argument("--no-build", action="store_true", default=None,
                        help="Never build source distributions (only wheels; editable projects are still built)")
    parser.add_argument("--no-build-package", action="append", default=[], metavar="PACKAGE",
                        help="Never build PACKAGE from source (repeatable)")
    parser.add_argument("--no-binary", action="store_true", default=None,
                        help="Never install pre-built wheels (build every package from its sdist)")
    parser.add_argument("--no-binary-package", action="append", default=[], metavar="PACKAGE",
                        help="Never install a pre-built wheel of PACKAGE (repeatable)")
    parser.add_argument("--no-build-isolation", action="store_true", default=None,
                        help="Build source distributions in the project's environment, which must hold their "
                             "build requirements (env: UV_NO_BUILD_ISOLATION)")
    parser.add_argument("--no-build-isolation-package", action="append", default=[], metavar="PACKAGE",
                        help="Build PACKAGE in the project's environment, without isolation (repeatable)")


def build_kwargs(ns: argparse.Namespace) -> dict[str, object]:
    """The keyword arguments of ``lock`` / ``sync`` that :func:`add_build_arguments` gives."""
    return dict(no_build=bool(ns.no_build), no_build_package=tuple(ns.no_build_package),
                no_binary=bool(ns.no_binary), no_binary_package=tuple(ns.no_binary_package),
                no_build_isolation=bool(ns.no_build_isolation),
                no_build_isolation_package=tuple(ns.no_build_isolation_package))


def add_lock_arguments(parser: argparse.ArgumentParser) -> None:
    """The options a sync passes on to the lock it does first."""
    parser.add_argument("--locked", action="store_true", help="Fail if uv.lock would change")
    parser.add_argument("--frozen", action="store_true", help="Use uv.lock as it is, without locking")
    parser.add_argument("-U", "--upgrade", action="store_true", help="Ignore the versions in uv.lock")
    parser.add_argument("-P", "--upgrade-package", action="append", default=[], metavar="PACKAGE",
                        help="Ignore the locked version of PACKAGE (repeatable)")
    parser.add_argument("--exclude-newer", metavar="DATE", help="Ignore files uploaded after DATE (RFC 3339)")
    parser.add_argument("--index", action="append", default=[], metavar="[NAME=]URL",
                        help="Another index (named), tried before the default one")
    parser.add_argument("--default-index", metavar="URL", help="The default index")
    parser.add_argument("-i", "--index-url", metavar="URL", help="The default index (pip's name)")
    parser.add_argument("--extra-index-url", action="append", default=[], metavar="URL",
                        help="Another index, tried before the default one")
    parser.add_argument("--index-strategy", choices=("first-index", "unsafe-first-match", "unsafe-best-match"))
    parser.add_argument("--strict-index-urls", action="store_true",
                        help="Fail instead of probing `+simple` when an index URL serves a web page")
    parser.add_argument("--resolution", choices=("highest", "lowest", "lowest-direct"))
    parser.add_argument("--prerelease", choices=("disallow", "allow", "if-necessary", "explicit",
                                                 "if-necessary-or-explicit"))
    parser.add_argument("--refresh", action="store_true", help="Revalidate every cached page and file")
    parser.add_argument("--refresh-package", action="append", default=[], metavar="PACKAGE",
                        help="Revalidate the cached pages and files of PACKAGE (repeatable)")
    parser.add_argument("-p", "--python", metavar="PYTHON",
                        help="The interpreter of the environment: a version (3.11), a path, or a name")
    add_build_arguments(parser)


def add_install_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--inexact", action="store_true", help="Keep packages the lock does not select")
    parser.add_argument("--exact", action="store_true", help="Remove packages the lock does not select (default)")
    parser.add_argument("--no-install-project", action="store_true", help="Do not install the project itself")
    parser.add_argument("--no-install-package", action="append", default=[], metavar="PACKAGE",
                        help="Do not install PACKAGE (repeatable)")
    parser.add_argument("--reinstall", action="store_true", help="Install every package again")
    parser.add_argument("--reinstall-package", action="append", default=[], metavar="PACKAGE",
                        help="Install PACKAGE again (repeatable)")
    parser.add_argument("--link-mode", choices=("hardlink", "copy", "symlink", "clone"),
                        help="How files go from the cache into the environment (default: hardlink)")
    parser.add_argument("--compile-bytecode", action="store_true", help="Compile the installed modules to .pyc")
    parser.add_argument("--python-platform", metavar="TRIPLE",
                        help="Install the wheels for another platform (e.g. aarch64-unknown-linux-gnu)")


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    add_selection_arguments(parser)
    add_lock_arguments(parser)
    add_install_arguments(parser)
    parser.add_argument("--dry-run", action="store_true", help="Say what would change; change nothing")


def sync_kwargs(settings: GlobalSettings, ns: argparse.Namespace) -> dict[str, object]:
    """The keyword arguments of :func:`prong.api.sync.sync` that the options give."""
    return dict(
        extras=tuple(ns.extra), all_extras=ns.all_extras, no_extras=tuple(ns.no_extra),
        groups=tuple(ns.group), no_groups=tuple(ns.no_group), only_groups=tuple(ns.only_group),
        all_groups=ns.all_groups, no_default_groups=ns.no_default_groups, dev=not ns.no_dev,
        only_dev=ns.only_dev, package=ns.package, all_packages=ns.all_packages,
        no_install_project=getattr(ns, "no_install_project", False),
        no_install_packages=tuple(getattr(ns, "no_install_package", ())),
        inexact=getattr(ns, "inexact", False), reinstall=getattr(ns, "reinstall", False),
        reinstall_packages=tuple(getattr(ns, "reinstall_package", ())),
        python=ns.python, python_platform=getattr(ns, "python_platform", None),
        frozen=ns.frozen, locked=ns.locked, link_mode=getattr(ns, "link_mode", None),
        compile_bytecode=getattr(ns, "compile_bytecode", False),
        config=settings.uv_config, cache_dir=settings.cache_dir, no_cache=settings.no_cache,
        offline=settings.offline,
        upgrade=ns.upgrade, upgrade_packages=tuple(ns.upgrade_package), default_index=ns.default_index,
        indexes=tuple(ns.index), index_url=ns.index_url, extra_index_urls=tuple(ns.extra_index_url),
        index_strategy=ns.index_strategy, strict_index_urls=ns.strict_index_urls,
        exclude_newer=ns.exclude_newer, resolution=ns.resolution, prerelease=ns.prerelease,
        refresh=ns.refresh, refresh_packages=tuple(ns.refresh_package), **build_kwargs(ns),
    )


def print_sync(result: object, settings: GlobalSettings, *, verb_prefix: str = "", summary: bool = False) -> None:
    """uv's summary: ``Prepared``, ``Uninstalled``, ``Installed`` (or ``Checked``), then one line
    per change (`` - old``, `` + new``, `` ~ reinstalled``), sorted by name. ``summary`` (``run``'s
    sync, as uv's summary logger): only the ``Uninstalled`` and ``Installed`` lines."""
    from prong.api.sync import SyncResult, _duration

    assert isinstance(result, SyncResult)
    if settings.quiet:
        return
    out = sys.stderr
    s = result.seconds
    if summary:
        if result.removed:
            print(f"Uninstalled {_count(len(result.removed))} in {_duration(s.get('uninstall', 0.0))}", file=out)
        if result.installed:
            print(f"Installed {_count(len(result.installed))} in {_duration(s.get('install', 0.0))}", file=out)
        return
    if result.dry_run:
        if not result.changed:
            print(f"Would make no changes", file=out)
        else:
            if result.removed:
                print(f"Would uninstall {_count(len(result.removed))}", file=out)
            if result.installed:
                print(f"Would install {_count(len(result.installed))}", file=out)
    elif not result.changed:
        print(f"Checked {_count(len(result.unchanged))} in {_duration(s.get('plan', 0.0))}", file=out)
        return
    else:
        if result.prepared:
            print(f"Prepared {_count(result.prepared)} in {_duration(s.get('prepare', 0.0))}", file=out)
        if result.removed:
            print(f"Uninstalled {_count(len(result.removed))} in {_duration(s.get('uninstall', 0.0))}", file=out)
        if result.installed:
            print(f"Installed {_count(len(result.installed))} in {_duration(s.get('install', 0.0))}", file=out)
    # the same distribution out and in again (a reinstall) is one `` ~ `` line, as uv writes it
    again = set(result.removed) & set(result.installed)
    lines = ([(_name(r), 0, f" - {r}") for r in result.removed if r not in again]
             + [(_name(i), 1, f" + {i}") for i in result.installed if i not in again]
             + [(_name(i), 1, f" ~ {i}") for i in again])
    for _n, _k, line in sorted(lines):
        print(line, file=out)


def _name(item: str) -> str:
    return item.split("==", 1)[0]


def _count(n: int) -> str:
    return f"{n} package" + ("" if n == 1 else "s")


class Progress:
    """One line on a terminal, redrawn in place (``Preparing [=====     ] 12/60``) and erased when
    the work ends; nothing when standard error is not a terminal or with ``-q``. Threads may
    report: each call writes one whole line."""

    WIDTH = 24

    def __init__(self, settings: GlobalSettings) -> None:
        import os

        self.enabled = not settings.quiet and sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
        self.shown = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        filled = self.WIDTH * done // total
        bar = "=" * filled + " " * (self.WIDTH - filled)
        sys.stderr.write(f"\r\x1b[2K{phase} [{bar}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
            self.shown = False

    def say(self, line: str) -> None:
        """A message line, printed above the progress line."""
        self.clear()
        print(line, file=sys.stderr)


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.sync import sync
    from prong.cli.output import print_index_warnings, print_warnings

    project = settings.project if settings.project is not None else Path.cwd()
    progress = Progress(settings)
    say = (lambda line: None) if settings.quiet else progress.say
    kwargs = sync_kwargs(settings, ns)
    try:
        result = sync(project, dry_run=ns.dry_run, on_event=say, on_progress=progress,  # type: ignore[arg-type]
                      **kwargs)
    finally:
        progress.clear()
    if result.lock is not None:
        print_index_warnings(result.lock.index_warnings, settings)
        print_warnings(result.lock.warnings, settings)
    print_sync(result, settings)
    from prong.cli import quick

    quick.remember_sync(quick.pending, result)  # nothing to do: the next run with these inputs says so at once
    return 0
