"""Argument definitions only: no behaviour lives here.

Each command module in ``prong.cli.commands`` adds its own options through ``add_arguments``
when it is registered below; the parser is built only when a command line needs parsing, so
``prong --version`` never builds it.
"""

from __future__ import annotations

import argparse

TYPE_CHECKING = False  # not typing's: importing typing costs milliseconds of every start-up
if TYPE_CHECKING:
    from typing import NoReturn

from prong import __version__

# (command path, module in prong.cli.commands, help)
COMMANDS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("init",), "init", "Create a new project"),
    (("lock",), "lock", "Resolve the project's dependencies into uv.lock"),
    (("sync",), "sync", "Make .venv match the lock exactly"),
    (("add",), "add", "Add dependencies to pyproject.toml"),
    (("remove",), "remove", "Remove dependencies from pyproject.toml"),
    (("run",), "run", "Run a command in the project's environment"),
    (("venv",), "venv", "Create a virtual environment"),
    (("version",), "version", "Show or change the project's version"),
    (("tree",), "tree", "Show the dependency tree of the lock"),
    (("why",), "why", "Why a package is in the lock, and at this version"),
    (("export",), "export", "Export the lock to another format"),
    (("build",), "build", "Build the project's source distribution and wheel"),
    (("pip", "compile"), "pip_compile", "Compile requirements into a pinned requirements.txt"),
    (("pip", "install"), "pip_env", "Install packages into an environment"),
    (("pip", "uninstall"), "pip_env", "Uninstall packages from an environment"),
    (("pip", "sync"), "pip_env", "Make an environment exactly a pinned requirements file"),
    (("pip", "list"), "pip_env", "List the packages of an environment"),
    (("pip", "freeze"), "pip_env", "Print the packages of an environment as requirements"),
    (("pip", "show"), "pip_env", "Show installed packages"),
    (("pip", "check"), "pip_env", "Check that installed packages have what they require"),
    (("index", "versions"), "index_versions", "List the versions of a package on an index"),
    (("cache", "dir"), "cache", "Print the cache directory"),
    (("cache", "clean"), "cache", "Remove all (or some packages') cache entries"),
    (("cache", "prune"), "cache", "Remove unused cache entries"),
    (("generate-shell-completion",), "completion", "Print a shell completion script (bash, zsh or fish)"),
)

# Examples shown under each command's --help (argparse epilog): (command line, what it does).
EXAMPLES: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {
    (): (("prong init hello && cd hello", "start a project"),
         ("prong add requests", "add a dependency, lock and sync"),
         ("prong run python -c 'import requests'", "run in the project's environment")),
    ("init",): (("prong init", "make the working directory a project (an application)"),
                ("prong init mylib --lib", "a library in ./mylib, src/ layout"),
                ("prong init --name demo --python 3.12 --vcs none", "choose the name and Python; no git")),
    ("lock",): (("prong lock", "resolve pyproject.toml into uv.lock"),
                ("prong lock --upgrade-package requests", "allow a newer requests"),
                ("prong lock --check", "fail if uv.lock is out of date (CI)")),
    ("sync",): (("prong sync", "lock if needed, then make .venv match uv.lock"),
                ("prong sync --frozen --extra cuda", "use uv.lock as it is, with the `cuda` extra"),
                ("prong sync --no-dev --locked", "production set; fail if uv.lock is stale")),
    ("add",): (("prong add 'requests>=2.31'", "add to project.dependencies"),
               ("prong add --dev pytest", "add to the `dev` group"),
               ("prong add torch --index pytorch=https://download.pytorch.org/whl/cpu", "from a named index")),
    ("remove",): (("prong remove requests", "remove from project.dependencies"),
                  ("prong remove --group lint ruff", "remove from the `lint` group")),
    ("run",): (("prong run python script.py", "sync, then run the script in .venv"),
                ("prong run --with rich python -c 'import rich'", "with an extra package for this run"),
                ("prong run --no-sync pytest", "run without syncing first")),
    ("venv",): (("prong venv", "create .venv"),
                ("prong venv --python 3.12 --seed env", "a 3.12 environment in ./env, with pip")),
    ("version",): (("prong version", "print the project's name and version"),
                   ("prong version --bump minor", "0.1.3 => 0.2.0, then lock and sync"),
                   ("prong version 1.0.0 --frozen", "set it in pyproject.toml only")),
    ("tree",): (("prong tree", "the dependency tree for this interpreter"),
                ("prong tree --universal --depth 1", "every platform's direct dependencies"),
                ("prong tree --invert --package idna", "what depends on idna")),
    ("why",): (("prong why urllib3", "which requirements bring urllib3 in, and why this version"),
               ("prong why idna --no-index", "answer from uv.lock alone")),
    ("export",): (("prong export -o requirements.txt", "the lock as a pinned requirements.txt"),
                  ("prong export --format pylock.toml -o pylock.toml", "the lock as a PEP 751 pylock.toml"),
                  ("prong export --frozen --no-dev --no-hashes", "uv.lock as it is, without dev, no hashes")),
    ("build",): (("prong build", "build the sdist and the wheel into dist/"),
                 ("prong build --wheel -o wheels", "only the wheel, into ./wheels")),
    ("pip",): (("prong pip install requests", "install into the active (or ./.venv) environment"),
               ("prong pip compile requirements.in -o requirements.txt", "pin requirements")),
    ("pip", "compile"): (("prong pip compile requirements.in -o requirements.txt", "pin requirements"),
                         ("prong pip compile pyproject.toml --extra dev", "pin a project's dependencies"),
                         ("prong pip compile requirements.in --universal", "for every platform")),
    ("pip", "install"): (("prong pip install requests", "install into .venv (or the active environment)"),
                         ("prong pip install -r requirements.txt", "install from a requirements file"),
                         ("prong pip install -e .", "install the project in the working directory, editable")),
    ("pip", "uninstall"): (("prong pip uninstall requests", "remove a package"),
                           ("prong pip uninstall -r requirements.txt", "remove what a file names"),),
    ("pip", "sync"): (("prong pip sync requirements.txt", "make the environment exactly these pins"),
                      ("prong pip sync pylock.toml", "or a PEP 751 lock")),
    ("pip", "list"): (("prong pip list", "the environment's packages"),
                      ("prong pip list --format json", "as JSON")),
    ("pip", "freeze"): (("prong pip freeze > requirements.txt", "the environment as pinned requirements"),),
    ("pip", "show"): (("prong pip show requests", "a package's version, location and requirements"),),
    ("pip", "check"): (("prong pip check", "report missing or mismatched requirements"),),
    ("index",): (("prong index versions requests", "the versions of requests on the default index"),),
    ("index", "versions"): (("prong index versions requests", "the versions on the default index"),
                            ("prong index versions torch --index-url https://download.pytorch.org/whl/cpu",
                             "on another index")),
    ("cache",): (("prong cache dir", "where the cache is"), ("prong cache clean", "empty it")),
    ("cache", "dir"): (("prong cache dir", "print where the cache is"),),
    ("cache", "clean"): (("prong cache clean", "remove every entry"), ("prong cache clean requests", "only requests'")),
    ("cache", "prune"): (("prong cache prune", "remove the entries nothing uses"),),
    ("generate-shell-completion",): (
        ("eval \"$(prong generate-shell-completion bash)\"", "in ~/.bashrc"),
        ("prong generate-shell-completion zsh > ~/.zfunc/_prong", "zsh (with ~/.zfunc in fpath)"),
        ("prong generate-shell-completion fish > ~/.config/fish/completions/prong.fish", "fish")),
}


def epilog(path: tuple[str, ...]) -> str | None:
    """The ``Examples:`` block of a command's ``--help``."""
    examples = EXAMPLES.get(path)
    if not examples:
        return None
    width = max((len(line) for line, _ in examples if len(line) <= 60), default=0)
    rows = [f"  {line:<{width}}  # {what}" if len(line) <= 60 else f"  {line}\n  {'':<{width}}  # {what}"
            for line, what in examples]
    return "Examples:\n" + "\n".join(rows)


class Parser(argparse.ArgumentParser):
    """argparse, except that a usage error is raised as a :class:`prong.errors.UsageError` (exit 2),
    so that it prints through the one renderer (``error:`` and ``hint:`` lines) like every other.
    Options are not abbreviated (uv does not accept ``--dept`` for ``--depth`` either)."""

    def __init__(self, *args: object, allow_abbrev: bool = False, **kwargs: object) -> None:
        super().__init__(*args, allow_abbrev=allow_abbrev, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        from prong.errors import UsageError

        hints = []
        if "invalid choice: " in message:
            import difflib
            import re

            m = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
            if m:
                choices = re.findall(r"'([^']*)'", m.group(2))
                close = difflib.get_close_matches(m.group(1), choices, n=1)
                if close:
                    hints.append(f"Did you mean `{close[0]}`?")
        prog = self.prog
        leaf: argparse.ArgumentParser | None = getattr(self, "leaf", None)
        if message.startswith("unrecognized arguments: "):
            import difflib

            options = (leaf or self)._option_string_actions
            first = message.split(": ", 1)[1].split()[0].split("=")[0]
            close = difflib.get_close_matches(first, [o for o in options if o.startswith("--")], n=1)
            if close:
                hints.append(f"Did you mean `{close[0]}`?")
            if leaf is not None:
                prog = leaf.prog
        hints.append(f"For more information, try `{prog} --help`.")
        err = UsageError(message)
        err.hints = lambda: tuple(hints)  # type: ignore[method-assign]
        raise err from None


def add_global_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """Global options, accepted before and after the command name."""
    default = argparse.SUPPRESS if suppress else None
    g = parser.add_argument_group("global options")
    g.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS if suppress else 0,
                   help="More output (-vv for even more)")
    g.add_argument("-q", "--quiet", action="count", default=argparse.SUPPRESS if suppress else 0,
                   help="Less output")
    g.add_argument("--offline", action="store_true", default=argparse.SUPPRESS if suppress else False,
                   help="Use only the cache; never touch the network")
    g.add_argument("--no-cache", action="store_true", default=argparse.SUPPRESS if suppress else False,
                   help="Use a temporary cache for this run")
    g.add_argument("--cache-dir", metavar="DIR", default=default,
                   help="Where the cache lives (also PRONG_CACHE_DIR)")
    g.add_argument("--project", metavar="DIR", default=default,
                   help="Find the project in DIR instead of the working directory (also UV_PROJECT)")
    g.add_argument("--directory", metavar="DIR", default=default,
                   help="Change to DIR before doing anything")
    g.add_argument("--color", choices=("auto", "always", "never"), default=default,
                   help="When to use colour")
    g.add_argument("--config-file", metavar="PATH", default=default,
                   help="Read settings from this uv.toml only (also UV_CONFIG_FILE)")
    g.add_argument("--no-config", action="store_true", default=argparse.SUPPRESS if suppress else False,
                   help="Read no uv.toml / [tool.uv] configuration file (also UV_NO_CONFIG)")


_VALUED_GLOBALS = frozenset({"--cache-dir", "--project", "--directory", "--color", "--config-file"})


def command_of(args: list[str]) -> tuple[str, ...] | None:
    """The command path a command line names (``("pip", "compile")``), found without parsing, so
    that only that command's options need building; None when there is none or it is unclear."""
    words: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg.startswith("-"):
            if arg in _VALUED_GLOBALS:
                skip = True
            continue
        words.append(arg)
        if len(words) == 2:
            break
    for path, _module, _help in COMMANDS:
        if tuple(words[: len(path)]) == path:
            return path
    return None


def build_parser(only: tuple[str, ...] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that command's (the rest are not even imported)."""
    import importlib

    parser = Parser(
        prog="prong",
        description="A Python package and project manager that works on uv's files.",
        epilog=epilog(()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"prong {__version__}")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}
    for path, module, help_text in COMMANDS:
        if only is not None and path != only:
            continue
        raw = argparse.RawDescriptionHelpFormatter
        if len(path) == 1:
            p = sub.add_parser(path[0], help=help_text, description=help_text, epilog=epilog(path), formatter_class=raw)
        else:
            if path[0] not in groups:
                gp = sub.add_parser(path[0], help=f"`prong {path[0]}` commands", epilog=epilog(path[:1]),
                                    formatter_class=raw)
                groups[path[0]] = gp.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
            p = groups[path[0]].add_parser(path[1], help=help_text, description=help_text, epilog=epilog(path),
                                           formatter_class=raw)
        add_global_options(p, suppress=True)
        mod = importlib.import_module(f"prong.cli.commands.{module}")
        add = getattr(mod, "add_arguments", None)
        if add is not None:
            add(p, path)
        p.set_defaults(_module=module, _path=path)
        if only is not None:
            parser.leaf = p  # type: ignore[attr-defined]  # named in "unrecognized arguments" hints
    return parser


# Options that cannot be combined (as uv's clap definitions say), per command: (attribute, flag) pairs.
_EXCLUSIVE_EVERYWHERE = ((("frozen", "--frozen"), ("locked", "--locked")),)
_EXCLUSIVE: dict[tuple[str, ...], tuple[tuple[tuple[str, str], tuple[str, str]], ...]] = {
    ("add",): ((("dev", "--dev"), ("group", "--group")), (("optional", "--optional"), ("group", "--group")),
               (("dev", "--dev"), ("optional", "--optional"))),
    ("remove",): ((("dev", "--dev"), ("group", "--group")), (("optional", "--optional"), ("group", "--group")),
                  (("dev", "--dev"), ("optional", "--optional"))),
}


def check_arguments(ns: argparse.Namespace) -> None:
    """What argparse cannot say: options that exclude each other, and values with a grammar (a
    package or extra name, a Python version, a platform), refused before any work starts as usage
    errors (exit 2) naming the option."""
    from prong.errors import ParseError, UsageError

    path: tuple[str, ...] = getattr(ns, "_path", ())
    prog = "prong " + " ".join(path)
    for (a, flag_a), (b, flag_b) in (*_EXCLUSIVE_EVERYWHERE, *_EXCLUSIVE.get(path, ())):
        if getattr(ns, a, None) and getattr(ns, b, None):
            raise UsageError(f"the argument `{flag_a}` cannot be used with `{flag_b}`",
                             f"For more information, try `{prog} --help`.")
    option = ""
    try:
        if path == ("why",) and getattr(ns, "package", None):
            option = "PACKAGE"
            from prong.pep508.names import normalize_name

            normalize_name(ns.package)
        for attr in ("optional", "group"):
            if path in (("add",), ("remove",)) and getattr(ns, attr, None):
                option = f"--{attr}"
                from prong.pep508.names import normalize_extra

                normalize_extra(getattr(ns, attr))
        if getattr(ns, "python_platform", None):
            option = "--python-platform"
            from prong.tags import parse_platform

            parse_platform(ns.python_platform)
    except ParseError as err:  # rendered with its caret, but a usage error: exit 2
        err.exit_code = 2
        if option != "--python-platform":  # "invalid platform" says which option already
            err.message = f"`{option}`: {err.message}"
        err.hints = lambda: (f"For more information, try `{prog} --help`.",)  # type: ignore[method-assign]
        raise err from None
    if getattr(ns, "python_version", None):
        from packaging.version import InvalidVersion, Version

        try:
            Version(ns.python_version)
        except InvalidVersion:
            raise UsageError(f"invalid value `{ns.python_version}` for `--python-version`: not a Python version",
                             "For example `--python-version 3.12`.") from None
