"""prong: a Python package and project manager that works on uv's files.

The command functions are the library API; the CLI only parses arguments for them and prints
what they return. They are imported lazily so that ``import prong`` stays cheap:

- ``prong.compile(...)``: :func:`prong.api.compile.compile_requirements` (``prong pip compile``)
- ``prong.index_versions(...)``: :func:`prong.api.index.index_versions` (``prong index versions``)
- ``prong.export(...)``: :func:`prong.api.export.export` (``prong export --frozen``)
- ``prong.tree(project, ...)``: :func:`prong.api.tree.tree` (``prong tree``: the lock's dependency tree)
- ``prong.lock(project, ...)``: :func:`prong.api.lock.lock` (``prong lock``: a universal ``uv.lock``)
- ``prong.sync(project, ...)``: :func:`prong.api.sync.sync` (``prong sync``: the venv made exactly the lock's selection)
- ``prong.run(command, project, ...)``: :func:`prong.api.run.run` (``prong run``)
- ``prong.venv(path, ...)``: :func:`prong.api.venv.venv` (``prong venv``)
- ``prong.init(path, ...)``, ``prong.add(requirements, project, ...)``, ``prong.remove(packages, project, ...)``:
  :mod:`prong.api.init`, :mod:`prong.api.add` (pyproject.toml edited with its layout kept, then lock and sync)
- ``prong.version(project, bump=[...])``: :func:`prong.api.version.version` (``prong version``)
- ``prong.why(package, project)``: :func:`prong.api.why.why` (``prong why``: chains and why this version)
- ``prong.build(path, ...)``: :func:`prong.api.build.build` (``prong build``: sdist and wheel)
- ``prong.read_lock(path)`` / ``prong.render_lock(lock)``: :mod:`prong.lock` (the ``uv.lock`` model)
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "add", "build", "compile", "export", "index_versions", "init", "lock", "read_lock", "remove",
           "render_lock", "run", "sync", "tree", "venv", "version", "why"]

_LAZY = {
    "compile": ("prong.api.compile", "compile_requirements"),
    "index_versions": ("prong.api.index", "index_versions"),
    "export": ("prong.api.export", "export"),
    "lock": ("prong", "lock"),  # the callable package prong.lock (see prong/lock/__init__.py)
    "sync": ("prong.api.sync", "sync"),
    "init": ("prong.api.init", "init"),
    "add": ("prong.api.add", "add"),
    "remove": ("prong.api.add", "remove"),
    "version": ("prong.api.version", "version"),
    "why": ("prong.api.why", "why"),
    "build": ("prong.api.build", "build"),
    "run": ("prong.api.run", "run"),
    "venv": ("prong.api.venv", "venv"),
    "tree": ("prong.api.tree", "tree"),
    "read_lock": ("prong.lock.text", "read_lock"),
    "render_lock": ("prong.lock.text", "render_lock"),
}


def __getattr__(name: str) -> object:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'prong' has no attribute {name!r}")
    import importlib

    if name == "lock":
        return importlib.import_module("prong.lock")
    return getattr(importlib.import_module(target[0]), target[1])


def _interrupted_while_starting(signum: int, frame: object) -> None:  # pragma: no cover - timing
    import os
    import sys

    sys.stderr.write("error: interrupted\n")
    sys.stderr.flush()
    os._exit(130)


def _guard_start() -> None:
    """``python -m prong``: the package is imported before its ``__main__`` is even compiled, and a
    Ctrl-C there would end in a ``KeyboardInterrupt`` traceback. Until ``prong.__main__`` takes over
    (a ``KeyboardInterrupt`` it catches), SIGINT exits 130 with ``error: interrupted``. Only while
    ``sys.argv[0]`` is still ``-m``, i.e. never when prong is imported as a library."""
    import sys

    if sys.argv[:1] == ["-m"]:
        import _signal  # (not signal, which imports enum: a millisecond of every start)

        try:
            _signal.signal(_signal.SIGINT, _interrupted_while_starting)
        except ValueError:  # pragma: no cover - not the main thread
            pass


_guard_start()
