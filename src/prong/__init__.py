"""prong: a Python package and project manager that works on uv's files.

The command functions are the library API; the CLI only parses arguments for them and prints
what they return. They are imported lazily so that ``import prong`` stays cheap:

- ``prong.compile(...)``: :func:`prong.api.compile.compile_requirements` (``prong pip compile``)
- ``prong.index_versions(...)``: :func:`prong.api.index.index_versions` (``prong index versions``)
- ``prong.export(...)``: :func:`prong.api.export.export` (``prong export --frozen``)
- ``prong.tree(project, ...)``: :func:`prong.api.tree.tree` (``prong tree``: the lock's dependency tree)
- ``prong.lock(project, ...)``: :func:`prong.api.lock.lock` (``prong lock``: a universal ``uv.lock``)
- ``prong.read_lock(path)`` / ``prong.render_lock(lock)``: :mod:`prong.lock` (the ``uv.lock`` model)
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "compile", "export", "index_versions", "lock", "read_lock", "render_lock", "tree"]

_LAZY = {
    "compile": ("prong.api.compile", "compile_requirements"),
    "index_versions": ("prong.api.index", "index_versions"),
    "export": ("prong.api.export", "export"),
    "lock": ("prong", "lock"),  # the callable package prong.lock (see prong/lock/__init__.py)
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
