"""`prong pip install|uninstall|list|freeze|show|check|sync`: environments managed by hand."""

from __future__ import annotations

import argparse
import sys

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    sub = path[1]
    if sub in ("install", "uninstall", "show"):
        parser.add_argument("packages", nargs="*", metavar="PACKAGE")
    if sub in ("install", "sync", "uninstall"):
        parser.add_argument("-r", "--requirements", dest="requirements", action="append", default=[], metavar="FILE",
                            help="Requirements from FILE (repeatable)")
    if sub in ("install", "sync"):
        parser.add_argument("--reinstall", action="store_true", help="Install every package again")
        parser.add_argument("-i", "--index-url", metavar="URL", help="The default index")
        parser.add_argument("--default-index", metavar="URL", help="The default index")
        parser.add_argument("--extra-index-url", action="append", default=[], metavar="URL")
        parser.add_argument("--index", action="append", default=[], metavar="[NAME=]URL")
        parser.add_argument("--exclude-newer", metavar="DATE")
    if sub == "sync" or sub == "install":
        if sub == "sync":
            parser.add_argument("src_files", nargs="+", metavar="FILE", help="Pinned requirements (requirements.txt)")
    if sub in ("install", "sync"):
        parser.add_argument("--extra", action="append", default=[], metavar="EXTRA",
                            help="With a pylock.toml: include the extra EXTRA (repeatable)")
        parser.add_argument("--group", action="append", default=None, metavar="GROUP",
                            help="With a pylock.toml: install the dependency group GROUP (default: its default groups)")
    if sub == "list":
        parser.add_argument("--format", choices=("columns", "freeze", "json"), default="columns")
    parser.add_argument("-p", "--python", metavar="PYTHON", help="The environment's interpreter, or its directory")
    parser.add_argument("--system", action="store_true", help="Use the system Python (not a virtual environment)")
    parser.add_argument("--break-system-packages", action="store_true",
                        help="Allow changing an externally managed Python (PEP 668)")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api import pip
    from prong.errors import UsageError

    sub = ns._path[1]
    out = sys.stdout
    err = sys.stderr
    if sub == "list":
        packages = pip.list_packages(ns.python, system=ns.system)
        if ns.format == "json":
            import json

            print(json.dumps([{"name": p.name, "version": p.version} for p in packages]))
        elif ns.format == "freeze":
            for p in packages:
                print(f"{p.name}=={p.version}")
        elif packages:
            w1 = max(len("Package"), *(len(p.name) for p in packages))
            w2 = max(len("Version"), *(len(p.version) for p in packages))
            print(f"{'Package':<{w1}} {'Version':<{w2}}".rstrip())
            print(f"{'-' * w1} {'-' * w2}")
            for p in packages:
                print(f"{p.name:<{w1}} {p.version}")
        return 0
    if sub == "freeze":
        out.write(pip.freeze(ns.python, system=ns.system))
        return 0
    if sub == "show":
        if not ns.packages:
            raise UsageError("`prong pip show` needs a package name", "For example `prong pip show requests`.")
        found = pip.show(ns.packages, ns.python, system=ns.system)
        missing = {p.lower() for p in ns.packages} - {p.name.lower() for p in found}
        for name in sorted(missing):
            print(f"warning: Package(s) not found for: {name}", file=err)
        for i, p in enumerate(found):
            if i:
                print("---")
            print(f"Name: {p.name}\nVersion: {p.version}\nLocation: {p.location}")
            print(f"Requires: {', '.join(p.requires)}".rstrip())
            print(f"Required-by: {', '.join(p.required_by)}".rstrip())
        return 0 if found else 1
    if sub == "check":
        result = pip.check(ns.python, system=ns.system)
        if not settings.quiet:
            from prong.api.sync import _duration

            print(f"Checked {result.checked} package{'' if result.checked == 1 else 's'} in "
                  f"{_duration(result.seconds)}", file=err)
        if not result.problems:
            print("All installed packages are compatible")
            return 0
        n = len(result.problems)
        print(f"Found {n} incompatibilit{'y' if n == 1 else 'ies'}")
        for problem in result.problems:
            print(problem)
        return 1
    if sub == "uninstall":
        names = list(ns.packages)
        for file in ns.requirements:
            from prong.api.add import _read_requirements
            from prong.project.edit import requirement_name
            from pathlib import Path

            names += [requirement_name(r) or r for r in _read_requirements(Path(file))]
        if not names:
            raise UsageError("`prong pip uninstall` needs a package name",
                             "Name the packages (`prong pip uninstall requests`) or pass `-r requirements.txt`.")
        result = pip.uninstall(names, ns.python, system=ns.system, break_system_packages=ns.break_system_packages)
        _summary(result, settings)
        return 0
    say = (lambda line: None) if settings.quiet else (lambda line: print(line, file=err))
    options = dict(index_url=ns.index_url, default_index=ns.default_index, extra_index_urls=tuple(ns.extra_index_url),
                   indexes=tuple(ns.index), exclude_newer=ns.exclude_newer)
    options = {k: v for k, v in options.items() if v}
    if ns.extra or ns.group:
        options.update(extras=tuple(ns.extra), groups=tuple(ns.group) if ns.group else None)
    if sub == "sync":
        result = pip.sync(list(ns.src_files) + list(ns.requirements), ns.python, system=ns.system,
                          break_system_packages=ns.break_system_packages, reinstall=ns.reinstall,
                          cache_dir=settings.cache_dir, no_cache=settings.no_cache, offline=settings.offline,
                          on_event=say, **options)
    else:
        result = pip.install(tuple(ns.packages), ns.python, requirements_files=tuple(ns.requirements),
                             system=ns.system, break_system_packages=ns.break_system_packages,
                             reinstall=ns.reinstall, cache_dir=settings.cache_dir, no_cache=settings.no_cache,
                             offline=settings.offline, on_event=say, **options)
    _summary(result, settings)
    return 0


def _summary(result: object, settings: GlobalSettings) -> None:
    from prong.api.sync import _duration

    if settings.quiet:
        return
    err = sys.stderr
    s = getattr(result, "seconds", {})
    installed, removed = getattr(result, "installed", ()), getattr(result, "removed", ())
    if not installed and not removed:
        n = len(getattr(result, "unchanged", ()))
        print(f"Checked {n} package{'' if n == 1 else 's'} in {_duration(s.get('total', 0.0))}", file=err)
        return
    if getattr(result, "prepared", 0):
        n = result.prepared  # type: ignore[attr-defined]
        print(f"Prepared {n} package{'' if n == 1 else 's'} in {_duration(s.get('prepare', 0.0))}", file=err)
    if removed:
        print(f"Uninstalled {len(removed)} package{'' if len(removed) == 1 else 's'} in "
              f"{_duration(s.get('uninstall', 0.0))}", file=err)
    if installed:
        print(f"Installed {len(installed)} package{'' if len(installed) == 1 else 's'} in "
              f"{_duration(s.get('install', 0.0))}", file=err)
    lines = [(r.split("==")[0], 0, f" - {r}") for r in removed] + [(i.split("==")[0], 1, f" + {i}") for i in installed]
    for _n, _k, line in sorted(lines):
        print(line, file=err)
