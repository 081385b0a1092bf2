"""`prong export`: the lock as requirements.txt (``uv export --frozen``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from prong.cli.settings import GlobalSettings


def add_arguments(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
    parser.add_argument("--frozen", action="store_true",
                        help="Export uv.lock as it is, without locking first")
    parser.add_argument("--format", default="requirements-txt", choices=("requirements-txt", "requirements.txt", "pylock.toml"),
                        help="The output format: requirements-txt, or pylock.toml (PEP 751)")
    parser.add_argument("--package", metavar="NAME", help="Export this workspace member")
    parser.add_argument("--all-packages", action="store_true", help="Export every workspace member")
    parser.add_argument("--extra", action="append", default=[], metavar="EXTRA", help="Include an extra")
    parser.add_argument("--all-extras", action="store_true", help="Include every extra")
    parser.add_argument("--no-extra", action="append", default=[], metavar="EXTRA",
                        help="Leave this extra out (with --all-extras)")
    parser.add_argument("--dev", action="store_true", help="Include the dev group (the default)")
    parser.add_argument("--no-dev", action="store_true", help="Leave the dev group out")
    parser.add_argument("--only-dev", action="store_true", help="Only the dev group, not the project")
    parser.add_argument("--group", action="append", default=[], metavar="GROUP", help="Include a dependency group")
    parser.add_argument("--no-group", action="append", default=[], metavar="GROUP", help="Leave a group out")
    parser.add_argument("--only-group", action="append", default=[], metavar="GROUP",
                        help="Only this group, not the project")
    parser.add_argument("--all-groups", action="store_true", help="Include every dependency group")
    parser.add_argument("--no-default-groups", action="store_true",
                        help="Leave out the groups of [tool.uv] default-groups")
    parser.add_argument("--prune", action="append", default=[], metavar="PACKAGE",
                        help="Leave out PACKAGE and what only it needs")
    parser.add_argument("--no-emit-project", "--no-install-project", action="store_true",
                        help="Leave the project's own line out")
    parser.add_argument("--no-emit-workspace", "--no-install-workspace", action="store_true",
                        help="Leave every workspace member's line out")
    parser.add_argument("--no-emit-package", "--no-install-package", action="append", default=[], metavar="PACKAGE",
                        help="Leave PACKAGE's line out")
    parser.add_argument("--no-editable", action="store_true", help="Export editable sources as plain paths")
    parser.add_argument("--no-hashes", action="store_true", help="Omit the --hash lines")
    parser.add_argument("--no-annotate", action="store_true", help="Omit the `# via` comments")
    parser.add_argument("--no-header", action="store_true", help="Omit the header comment")
    parser.add_argument("-o", "--output-file", metavar="FILE", help="Write the result to FILE (also printed)")


def run(settings: GlobalSettings, ns: argparse.Namespace) -> int:
    from prong.api.export import export
    from prong.cli.output import command_line, print_result

    result = export(
        settings.project,
        frozen=ns.frozen,
        format=ns.format,
        package=ns.package,
        all_packages=ns.all_packages,
        extras=tuple(ns.extra),
        all_extras=ns.all_extras,
        no_extras=tuple(ns.no_extra),
        groups=tuple(ns.group),
        no_groups=tuple(ns.no_group),
        only_groups=tuple(ns.only_group),
        all_groups=ns.all_groups,
        no_default_groups=ns.no_default_groups,
        dev=not ns.no_dev,
        only_dev=ns.only_dev,
        prune=tuple(ns.prune),
        emit_project=not ns.no_emit_project,
        emit_workspace=not ns.no_emit_workspace,
        no_emit_packages=tuple(ns.no_emit_package),
        hashes=not ns.no_hashes,
        annotate=not ns.no_annotate,
        header=None if ns.no_header else command_line(),
        editable=not ns.no_editable,
        output_file=Path(ns.output_file) if ns.output_file else None,
        lock_options=None if ns.frozen else {"config": settings.uv_config(), "cache_dir": settings.cache_dir,
                                             "no_cache": settings.no_cache, "offline": settings.offline},
    )
    print_result(result.text, f"Exported {len(result.packages)} packages from {result.lock_path} in "
                 f"{result.seconds * 1000:.0f}ms", settings, ns.output_file)
    return 0
