"""``prong lock`` answered from memory, before anything heavy is imported.

A lock is a function of its inputs: the command line, the environment, the project's and the
user's configuration files, the lock already there, and the index pages read. When every one of
them is what it was at an earlier ``prong lock``, that run's lock is the answer, and resolving
again would only spend time (mostly, for a Python program, importing the resolver).

So each successful ``prong lock`` that printed nothing but its summary line leaves a memo in the
cache (``locks-v1/resolved/<key>``): the key is a digest of the local inputs, and the memo holds
the lock's text and the cache entries of every index answer the resolution used, each with the
time until which it is fresh. A later run with the same key uses the memo only while every one of
those entries is unchanged on disk and still fresh by its HTTP headers; that is exactly when a full
run would send no request and read the same answers. Anything else (a stale page, an option this
module does not know, a workspace, a path, git or URL source, a dynamic version, a warning) means
no memo, and the full command runs.

This module imports nothing but ``os``, ``sys`` and ``time`` (already loaded by the interpreter)
and ``_blake2`` on the way to a hit: about a millisecond of work, against the 100 ms that importing
the resolver costs.
"""

from __future__ import annotations

import os
import sys
import time

from prong.api import _lock_memo

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

__all__ = ["Pending", "remember", "try_lock"]

#: options of ``prong lock`` that take a value and only change what is resolved (part of the key)
_VALUE_OPTIONS = frozenset({
    "--default-index", "--index-url", "-i", "--index", "--extra-index-url", "--exclude-newer", "--index-strategy",
    "--resolution", "--prerelease", "--fork-strategy", "--python", "-p", "--cache-dir",
})
#: flags that only change what is printed or whether the lock may change (not part of the key)
_OUTPUT_FLAGS = frozenset({"-q", "-qq", "--quiet", "-v", "-vv", "--verbose", "--locked", "--check"})
#: flags that change what is resolved (part of the key)
_FLAGS = frozenset({"--strict-index-urls"})
#: variables that say nothing about a lock (the shell's bookkeeping, the terminal)
_VOLATILE_ENV = frozenset({
    "_", "OLDPWD", "PWD", "SHLVL", "COLUMNS", "LINES", "TERM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION",
    "TERM_SESSION_ID", "WINDOWID", "COLORTERM", "PS1", "PS2", "PROMPT_COMMAND", "SSH_CLIENT", "SSH_CONNECTION",
    "SSH_TTY", "PYTEST_CURRENT_TEST", "NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE",
})
#: a directory's files that the configuration or the project may be read from
_PROJECT_FILES = ("pyproject.toml", "uv.toml", ".python-version", ".python-versions")


class Pending:
    """A ``prong lock`` that found no memo: where its memo goes once it has succeeded."""

    __slots__ = ("cwd", "memo")

    def __init__(self, cwd: str, memo: str) -> None:
        self.cwd = cwd
        self.memo = memo


#: set by :func:`try_lock` for the command that runs next (read by ``prong.cli.commands.lock``)
pending: Pending | None = None


def try_lock(args: Sequence[str], environ: Mapping[str, str] | None = None) -> int | None:
    """Answer ``prong lock ARGS`` from a memo: the exit code, or ``None`` (run the command; then
    :data:`pending` says where to leave its memo)."""
    global pending
    pending = None
    started = time.perf_counter()
    if os.name != "posix" or not args or "lock" not in args:
        return None
    env = os.environ if environ is None else environ
    if env.get("PRONG_NO_CACHE") or env.get("PRONG_NO_MEMO") or env.get("UV_PROJECT"):
        return None  # (UV_PROJECT: the project is not the working directory)
    parsed = _parse(args)
    if parsed is None:
        return None
    key_args, cache_dir, quiet, locked, verbose = parsed
    try:
        cwd = os.getcwd()
        root = _cache_root(cache_dir, env)
        lock_path = os.path.join(cwd, "uv.lock")
        existing = _lock_memo.read_file(lock_path)
        if existing is None and os.path.lexists(lock_path):
            return None  # a dangling link: the full command writes through it
        key = _key(cwd, key_args, env, existing)
    except (OSError, ValueError):  # no working directory, an unreadable file: the command says what
        return None
    memo = _lock_memo.path(root, key)
    hit = _lock_memo.read(memo)
    if hit is None:
        pending = Pending(cwd, memo)
        return None
    packages, text = hit
    if text != existing:
        if locked or existing is not None:  # (a changed lock: the full command says what changed)
            pending = Pending(cwd, memo)
            return None
        try:
            _lock_memo.write_atomic(lock_path, text, mode=0o666)
        except OSError:
            return None  # the full command reports it
    if verbose:  # (what a full run with -v logs is its requests: none here, and where the answer came from)
        sys.stderr.write(f"INFO prong.lock: the inputs are those of an earlier lock, whose index pages are all "
                         f"still fresh: its lock, from {memo}\n")
    if not quiet:
        seconds = time.perf_counter() - started
        shown = f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.2f}s"
        sys.stderr.write(f"Resolved {packages} package{'' if packages == 1 else 's'} in {shown}\n")
    return 0


def remember(done: Pending, result: Any, printed_more: bool) -> bool:
    """Leave the memo of a ``prong lock`` that succeeded with ``result`` (a
    :class:`prong.api.lock.LockResult`), when the same inputs are sure to give the same lock and the
    same output; whether it was left."""
    if printed_more or (result.had_lock and result.changed) or (result.changed and not result.written):
        return False  # (a changed lock: what changed is printed, and depended on the old lock)
    if str(result.path) != os.path.join(done.cwd, "uv.lock") or not _plain_project(result, done.cwd):
        return False
    inputs = result.network_inputs
    entries: dict[str, float] = dict(inputs.entries) if inputs is not None else {}
    if inputs is not None and inputs.volatile:
        return False
    return _lock_memo.write(done.memo, result.packages, result.text, entries)


# -- internals ---------------------------------------------------------------------------------


def _parse(args: Sequence[str]) -> tuple[list[str], str | None, bool, bool, bool] | None:
    """(the arguments that are part of the key, ``--cache-dir``, quiet, ``--locked``, verbose), or
    ``None`` for a command line this module does not answer."""
    key_args: list[str] = []
    cache_dir = None
    quiet = locked = verbose = False
    command_seen = False
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if arg == "lock" and not command_seen:
            command_seen = True
        elif name in _VALUE_OPTIONS:
            if not eq:
                i += 1
                if i >= len(args) or args[i].startswith("-"):
                    return None
                value = args[i]
            if name == "--cache-dir":
                cache_dir = value
            key_args += [name, value]
        elif arg in _OUTPUT_FLAGS:
            quiet = quiet or arg.startswith(("-q", "--quiet"))
            verbose = verbose or arg.startswith(("-v", "--verbose"))
            locked = locked or arg in ("--locked", "--check")
        elif arg in _FLAGS:
            key_args.append(arg)
        else:
            return None
        i += 1
    return (key_args, cache_dir, quiet, locked, verbose) if command_seen else None


def _cache_root(cache_dir: str | None, env: Mapping[str, str]) -> str:
    """The cache directory, as :func:`prong.cache.default_cache_dir` finds it."""
    if cache_dir:
        return os.path.abspath(cache_dir)
    if env.get("PRONG_CACHE_DIR"):
        return os.path.abspath(env["PRONG_CACHE_DIR"])
    import platformdirs

    return str(platformdirs.user_cache_dir("prong", appauthor=False))


def _key(cwd: str, key_args: list[str], env: Mapping[str, str], lock: bytes | None) -> str:
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    h = blake2b(digest_size=20)

    def add(*parts: str | bytes) -> None:
        for part in parts:
            h.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogateescape"))
            h.update(b"\0")

    import prong

    # (the interpreter: metadata builds run on it, and a setup.py may read its version)
    # (not the project's own path: a lock of a project whose packages all come from indexes holds no
    # absolute path, so the same files anywhere give the same lock, as for the no-op digest)
    add(_lock_memo.FORMAT, prong.__version__, _code_stamp(), sys.executable, sys.version, *key_args, "\1")
    for name in sorted(env):
        if name not in _VOLATILE_ENV:
            add(name, env[name])
    add("\1", lock if lock is not None else "<no lock>")
    for shown, path in _input_files(cwd, env):
        data = _lock_memo.read_file(path)
        add(shown, data if data is not None else "<absent>")
    return h.hexdigest()


def _input_files(cwd: str, env: Mapping[str, str]) -> list[tuple[str, str]]:
    """(how the key names it, path) of every file the configuration or the project could be read
    from (a superset: the project's directory and its parents, named by their distance from the
    project, the user's and the system's uv.toml, ``$UV_CONFIG_FILE``, netrc)."""
    out = []
    here = cwd
    up = 0
    while True:
        out += [(f"{'../' * up}{name}", os.path.join(here, name)) for name in _PROJECT_FILES]
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
        up += 1
    outside = []
    home = env.get("HOME") or os.path.expanduser("~")
    xdg = env.get("XDG_CONFIG_HOME", "")
    outside.append(os.path.join(xdg if os.path.isabs(xdg) else os.path.join(home, ".config"), "uv", "uv.toml"))
    for directory in (env.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":"):
        if directory:
            outside.append(os.path.join(directory, "uv", "uv.toml"))
    outside.append("/etc/uv/uv.toml")
    for name in ("UV_CONFIG_FILE", "NETRC"):
        if env.get(name):
            outside.append(os.path.join(cwd, env[name]))
    outside.append(os.path.join(home, ".netrc"))
    return out + [(path, path) for path in outside]


def _code_stamp() -> str:
    """prong's own source files: their count, total size and newest change (an edited checkout
    must not answer from a memo an older prong left)."""
    newest = count = size = 0
    stack = [os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name == "__pycache__":
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.name.endswith(".py"):
                    st = entry.stat()
                    count += 1
                    size += st.st_size
                    newest = max(newest, st.st_mtime_ns)
    return f"{count}:{size}:{newest}"


#: the ``source`` lines of a plain lock: an index, or the project itself
_PLAIN_SOURCES = ('source = { registry = "', 'source = { editable = "." }', 'source = { virtual = "." }')


def _plain_project(result: Any, project: str) -> bool:
    """A lock whose packages all come from indexes, but for the project itself (``.``), which is
    one project with no dynamic metadata: its inputs are the files :func:`_key` reads. (The lock's
    text is read line by line, as uv writes it: parsing a large lock takes 0.1 s.)"""
    for line in result.text.splitlines():
        if line.startswith("source = ") and not line.startswith(_PLAIN_SOURCES):
            return False
        if line.startswith("members = "):  # ([manifest]: a workspace)
            return False
    import tomllib

    try:
        with open(os.path.join(project, "pyproject.toml"), "rb") as f:
            data = tomllib.load(f)
    except (OSError, ValueError):
        return False
    table = data.get("project")
    if isinstance(table, dict) and table.get("dynamic"):
        return False
    tool = (data.get("tool") or {}).get("uv") or {}
    return not (isinstance(tool, dict) and tool.get("workspace") is not None)
