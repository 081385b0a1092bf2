"""``prong lock`` (and a ``sync`` or ``run`` with nothing to do) answered from memory, before
anything heavy is imported.

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

``prong sync`` and ``prong run`` are answered the same way when their sync has nothing to do (see
"sync and run" below): the memo is then what the sync printed, and ``run`` starts its command.

This module imports nothing but ``os``, ``sys`` and ``time`` (already loaded by the interpreter),
``_blake2`` and the memo store :mod:`prong.api._lock_memo` on the way to a hit: about a
millisecond of work, against the 100 ms that importing the resolver costs.
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

__all__ = ["Pending", "remember", "remember_sync", "answer"]

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
#: a directory's files that the configuration or the project may be read from (setup.py and
#: setup.cfg: an editable project is installed again when they change, as uv does)
_PROJECT_FILES = ("pyproject.toml", "uv.toml", ".python-version", ".python-versions", "setup.py", "setup.cfg")
#: ``prong sync`` / ``prong run`` options that take a value (part of the key)
_SYNC_VALUE_OPTIONS = _VALUE_OPTIONS | {"--extra", "--group", "--only-group", "--no-group"}
#: their flags (part of the key: what a sync selects, and what it prints)
_SYNC_FLAGS = frozenset({
    "--strict-index-urls", "--frozen", "--locked", "--check", "--all-extras", "--no-dev", "--dev", "--only-dev",
    "--all-groups", "--no-default-groups", "--no-install-project", "--inexact", "--exact", "--show-resolution",
    "-q", "-qq", "--quiet", "-v", "-vv", "--verbose",
})


class Pending:
    """A ``prong lock``, ``sync`` or ``run`` that found no memo: where its memo goes once it has
    succeeded (and, for sync and run, what it printed)."""

    __slots__ = ("cwd", "memo", "output")

    def __init__(self, cwd: str, memo: str, output: _Tee | None = None) -> None:
        self.cwd = cwd
        self.memo = memo
        self.output = output  # (sync, run: what the command prints, to print it again)


#: set by :func:`answer` for the command that runs next (read by ``prong.cli.commands.lock``,
#: ``.sync`` and ``.run``)
pending: Pending | None = None


def answer(args: Sequence[str], environ: Mapping[str, str] | None = None) -> int | None:
    """Answer ``prong lock|sync|run ARGS`` from a memo: the exit code, or ``None`` (run the
    command; then :data:`pending` says where to leave its memo)."""
    global pending
    pending = None
    started = time.perf_counter()
    if os.name != "posix" or not args:
        return None
    env = os.environ if environ is None else environ
    if env.get("PRONG_NO_CACHE") or env.get("PRONG_NO_MEMO") or env.get("UV_PROJECT"):
        return None  # (UV_PROJECT: the project is not the working directory)
    first = next((a for a in args if a in ("lock", "sync", "run")), None)  # (the parsers check the rest)
    if first in ("sync", "run"):
        return _try_sync(args, env, started)
    if first != "lock":
        return None
    parsed = _parse(args)
    if parsed is None:
        return None
    key_args, cache_dir, quiet, locked, verbose = parsed
    try:
        cwd = os.getcwd()
        project = _project_root(cwd)  # (from a subdirectory: the project's directory above)
        if project is None:
            return None
        lock_path = os.path.join(project, "uv.lock")
        existing = _lock_memo.read_file(lock_path)
        if existing is None and os.path.lexists(lock_path):
            return None  # a dangling link: the full command writes through it
        key = _key(cwd, [*key_args, f"@{os.path.relpath(cwd, project)}"], env, existing)
        memo = _lock_memo.path(_cache_root(cache_dir, env), key)
    except (OSError, ValueError):  # no working directory, an unreadable file: the command says what
        return None
    hit = _lock_memo.read(memo)
    if hit is None:
        pending = Pending(project, memo)
        return None
    packages, text = hit
    if text != existing:
        if locked or existing is not None:  # (a changed lock: the full command says what changed)
            pending = Pending(project, memo)
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


# -- sync and run -----------------------------------------------------------------------------
#
# A `prong sync` (or the sync of `prong run`) that changed nothing, with the lock already current
# (nothing resolved), is answered the same way: its key is the lock's (the command line, the
# environment, the configuration and project files, the lock) plus the environment's state (its
# pyvenv.cfg, its interpreter, site-packages' modification time, which every install or removal
# changes) and the editable project's cache keys; the memo is what the command printed. A hit prints
# that again (with this run's time) and, for `run`, starts the command in the environment as
# `prong.api.run` does.


class _Tee:
    """Standard error, with what is written to it kept (the output a sync memo prints again)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _try_sync(args: Sequence[str], env: Mapping[str, str], started: float) -> int | None:
    global pending
    parsed = _parse_sync(args)
    if parsed is None or env.get("UV_PROJECT_ENVIRONMENT"):
        return None
    command, key_args, cache_dir, run = parsed
    try:
        cwd = os.getcwd()
        root = _project_root(cwd)  # (run from a subdirectory: the project's directory above)
        if root is None:
            return None
        existing = _lock_memo.read_file(os.path.join(root, "uv.lock"))
        if existing is None:
            return None  # (a sync that locks first: it changes something)
        venv = _venv_state(root)
        if venv is None:
            return None
        key = _key(cwd, [command, *key_args, f"@{os.path.relpath(cwd, root)}"], env, existing, *venv)
        memo = _lock_memo.noop_path(_cache_root(cache_dir, env), key)
    except (OSError, ValueError):
        return None
    output = _lock_memo.read_noop(memo)
    if output is None:
        tee = _Tee(sys.stderr)
        sys.stderr = tee
        pending = Pending(root, memo, tee)
        return None
    if run and _executable(run[0], root, env) is None:
        return None  # (the full command says it cannot start it)
    if any(a in key_args for a in ("-v", "-vv", "--verbose")):
        sys.stderr.write(f"INFO prong.sync: the inputs and the environment are those of an earlier sync that had "
                         f"nothing to do: nothing to do, from {memo}\n")
    seconds = time.perf_counter() - started
    shown = f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.2f}s"
    sys.stderr.write(output.replace("\0", shown))
    sys.stderr.flush()
    if not run:
        return 0
    return _spawn(run, root, env)


def remember_sync(done: Pending | None, result: Any) -> bool:
    """Leave the memo of a ``prong sync`` (or of the sync of a ``prong run``) that found nothing
    to do: ``result`` is its :class:`prong.api.sync.SyncResult`; whether it was left."""
    if done is None or done.output is None:
        return False
    lock = result.lock
    if result.dry_run or result.created or result.changed or result.warnings:
        return False
    if lock is not None and (lock.written or lock.changed or lock.resolution is not None or lock.warnings
                             or lock.index_warnings or lock.notes):
        return False
    if str(result.venv) != os.path.join(done.cwd, ".venv"):
        return False
    text = _lock_memo.read_file(os.path.join(done.cwd, "uv.lock"))
    if text is None or not _plain_text(text.decode("utf-8", "replace")) or not _plain_pyproject(done.cwd):
        return False
    import re

    logs = sys.modules.get("prong.cli.logs")
    if logs is not None and logs.written:
        return False  # (a warning: the memo would not say it again)
    output = "".join(done.output.parts)
    if "\r" in output or "\x1b" in output or "\0" in output:
        return False  # (a progress line, colours: not for a replay)
    # (-v's request trace and -vv's debug lines told that run's story, not the next one's)
    output = "".join(line for line in output.splitlines(keepends=True) if not line.startswith(("INFO ", "DEBUG ")))
    # uv's durations at the ends of lines ("in 12ms", "in 1.34s") become this run's
    output = re.sub(r" in [0-9.]+(?:ms|s)$", " in \0", output, flags=re.MULTILINE)
    return _lock_memo.write_noop(done.memo, output)


def _parse_sync(args: Sequence[str]) -> tuple[str, list[str], str | None, list[str]] | None:
    """(``sync`` or ``run``, the arguments that are part of the key, ``--cache-dir``, the command
    ``run`` starts), or ``None`` for a command line this module does not answer."""
    scanned = _scan(args, ("sync", "run"), _SYNC_VALUE_OPTIONS, _SYNC_FLAGS)
    if scanned is None or (scanned[0] == "run" and not scanned[2]):
        return None
    command, options, rest = scanned
    key_args = [part for name, value in options for part in ((name,) if value is None else (name, value))]
    return command, key_args, dict(options).get("--cache-dir"), rest


def _project_root(cwd: str) -> str | None:
    """The nearest directory, from ``cwd`` up, with a pyproject.toml (the project a full sync
    finds, when it holds the lock: the memo's conditions check that the sync used it)."""
    here = cwd
    while not os.path.isfile(os.path.join(here, "pyproject.toml")):
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent
    return here


def _venv_state(cwd: str) -> tuple[str, ...] | None:
    """What says the project's environment is as a sync left it: its pyvenv.cfg, its interpreter
    (the file), site-packages' modification time; and the change times of the editable project's
    cache keys (uv's defaults: pyproject.toml, setup.py, setup.cfg, the `src` directory), which
    make uv, and prong, install it again."""
    venv = os.path.join(cwd, ".venv")
    cfg = _lock_memo.read_file(os.path.join(venv, "pyvenv.cfg"))
    if cfg is None:
        return None
    lib = os.path.join(venv, "lib")
    sites = [os.path.join(lib, n, "site-packages") for n in sorted(os.listdir(lib)) if n.startswith("python")]
    if len(sites) != 1:
        return None
    python = os.stat(os.path.join(venv, "bin", "python"))
    keys = []  # (uv's default cache keys of the editable project: the files' ctimes, the directory's)
    for name in ("pyproject.toml", "setup.py", "setup.cfg", "src"):
        try:
            st = os.stat(os.path.join(cwd, name))
            keys.append(f"{name}:{st.st_ino}:{st.st_ctime_ns}")
        except FileNotFoundError:
            keys.append(f"{name}:<absent>")
    return (cfg.decode("utf-8", "surrogateescape"), f"{python.st_ino}:{python.st_size}:{python.st_mtime_ns}",
            f"{sites[0]}:{os.stat(sites[0]).st_mtime_ns}", *keys)


def _run_environment(root: str, env: Mapping[str, str]) -> dict[str, str]:
    """The environment ``prong.api.run.run`` gives the command (the project's venv first)."""
    venv = os.path.join(root, ".venv")
    out = dict(env)
    out["VIRTUAL_ENV"] = venv
    out.pop("PYTHONHOME", None)
    out["PATH"] = os.pathsep.join([os.path.join(venv, "bin"), env.get("PATH", "")])
    return out


def _executable(name: str, root: str, env: Mapping[str, str]) -> str | None:
    """Where ``name`` is found on the run's PATH (as the command is started), or ``None``."""
    if name.endswith((".py", ".pyw")) and os.path.isfile(name):
        return os.path.join(root, ".venv", "bin", "python")
    if os.sep in name:
        return name if os.access(name, os.X_OK) and os.path.isfile(name) else None
    for directory in _run_environment(root, env)["PATH"].split(os.pathsep):
        candidate = os.path.join(directory or ".", name)
        if os.access(candidate, os.X_OK) and os.path.isfile(candidate):
            return candidate
    return None


#: set once :func:`_spawn` has started the command
spawned = False


def _spawn(command: list[str], root: str, env: Mapping[str, str]) -> int | None:
    """Run ``command`` in the project's environment and wait for it, as ``prong run`` does; its
    exit code (128 + N when signal N ended it)."""
    argv = list(command)
    if argv[0].endswith((".py", ".pyw")) and os.path.isfile(argv[0]):
        argv = [os.path.join(root, ".venv", "bin", "python"), *argv]
    program = _executable(argv[0], root, env)
    assert program is not None
    sys.stdout.flush()
    try:
        pid = os.posix_spawn(program, argv, _run_environment(root, env))
    except OSError:
        return None  # nothing started: the full command says why
    global spawned
    spawned = True  # (from here on, a failure must not start the command a second time)
    try:
        _, status = os.waitpid(pid, 0)
    except KeyboardInterrupt:  # as subprocess.run: a moment for the command to end, then it is ended
        deadline = time.monotonic() + 0.25
        while time.monotonic() < deadline:
            if os.waitpid(pid, os.WNOHANG)[0]:
                raise
            time.sleep(0.01)
        import signal

        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


# -- internals ---------------------------------------------------------------------------------


def _parse(args: Sequence[str]) -> tuple[list[str], str | None, bool, bool, bool] | None:
    """(the arguments that are part of the key, ``--cache-dir``, quiet, ``--locked``, verbose), or
    ``None`` for a ``prong lock`` command line this module does not answer."""
    scanned = _scan(args, ("lock",), _VALUE_OPTIONS, _FLAGS | _OUTPUT_FLAGS)
    if scanned is None:
        return None
    options = scanned[1]
    key_args = [part for name, value in options if name not in _OUTPUT_FLAGS
                for part in ((name,) if value is None else (name, value))]
    names = [name for name, _ in options]
    quiet = any(n.startswith(("-q", "--quiet")) for n in names)
    verbose = any(n.startswith(("-v", "--verbose")) for n in names)
    locked = any(n in ("--locked", "--check") for n in names)
    return key_args, dict(options).get("--cache-dir"), quiet, locked, verbose


def _scan(args: Sequence[str], commands: tuple[str, ...], values: frozenset[str],
          flags: frozenset[str]) -> tuple[str, list[tuple[str, str | None]], list[str]] | None:
    """(the command, its options in order as (name, value or ``None``), the words after a ``run``'s
    options), or ``None`` when a word is none of ``commands`` and of the options ``values`` (taking
    a value) and ``flags``."""
    command = None
    options: list[tuple[str, str | None]] = []
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if command is None and arg in commands:
            command = arg
        elif command == "run" and arg == "--":
            return command, options, list(args[i + 1:])
        elif command == "run" and not arg.startswith("-"):
            return command, options, list(args[i:])
        elif name in values:
            if not eq:
                i += 1
                if i >= len(args) or args[i].startswith("-"):
                    return None
                value = args[i]
            options.append((name, value))
        elif arg in flags:
            options.append((arg, None))
        else:
            return None
        i += 1
    return (command, options, []) if command is not None else None


def _cache_root(cache_dir: str | None, env: Mapping[str, str]) -> str:
    """The cache directory, as :func:`prong.cache.default_cache_dir` finds it."""
    if cache_dir:
        return os.path.abspath(cache_dir)
    if env.get("PRONG_CACHE_DIR"):
        return os.path.abspath(env["PRONG_CACHE_DIR"])
    import platformdirs

    return str(platformdirs.user_cache_dir("prong", appauthor=False))


def _key(cwd: str, key_args: list[str], env: Mapping[str, str], lock: bytes | None, *extra: str | bytes) -> str:
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
    add("\1", lock if lock is not None else "<no lock>", *extra)
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
    one project with no dynamic metadata: its inputs are the files :func:`_key` reads."""
    return _plain_text(result.text) and _plain_pyproject(project)


def _plain_text(text: str) -> bool:
    """Whether a lock's packages all come from indexes or are the project itself (the text is read
    line by line, as uv writes it: parsing a large lock takes 0.1 s)."""
    for line in text.splitlines():
        if line.startswith("source = ") and not line.startswith(_PLAIN_SOURCES):
            return False
        if line.startswith("members = "):  # ([manifest]: a workspace)
            return False
    return True


def _plain_pyproject(project: str) -> bool:
    """The project's pyproject.toml declares no dynamic field, no workspace and no `cache-keys`."""
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
    return not (isinstance(tool, dict) and (tool.get("workspace") is not None or tool.get("cache-keys") is not None))
