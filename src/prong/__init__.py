"""prong: a Python package and project manager that works on uv's files.

The command functions (``prong.lock``, ``prong.compile``, ...) are the library API; the
CLI only parses arguments for them and prints what they return. They are imported lazily
so that ``import prong`` stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
