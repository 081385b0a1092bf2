"""Imports point one way: a module may import only from its own layer or lower ones.

The table below is the layer map of docs/architecture.md. Each module of ``src/prong`` is
parsed with ``ast`` (nothing is imported), and every ``prong.*`` import it makes, at top
level or inside a function, must name a layer at or below its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "prong"

# module prefix -> layer; the longest matching prefix wins.
LAYERS: dict[str, int] = {
    # usable from anywhere
    "prong": 0,  # the package itself: only __version__ is imported from it
    "prong.errors": 0,
    "prong.reporter": 0,
    # L0 primitives: pure, stdlib + packaging only
    "prong.pep440": 0,
    "prong.pep508": 0,
    "prong.tags": 0,
    "prong.filenames": 0,
    "prong.dists": 0,
    # L1 the generic solver engine
    "prong.pubgrub": 1,
    # L2 the domain: pure given Protocols
    "prong.resolver": 2,
    "prong.lock": 2,
    "prong.project": 2,
    "prong.install": 2,
    # L3 the I/O shell
    "prong.cache": 3,
    "prong.client": 3,
    "prong.sources": 3,
    "prong.installer": 3,
    "prong.python": 3,
    "prong.venv": 3,
    "prong.pep517": 3,
    # L4 the library API: one typed function per command
    "prong.api": 4,
    # L5 presentation
    "prong.cli": 5,
    "prong.__main__": 5,
}

# Extra rules: the solver engine knows nothing about Python packaging.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "prong.pubgrub": ("prong.pep440", "prong.pep508", "prong.tags", "prong.filenames", "prong.dists", "packaging"),
}


def layer_of(module: str) -> int:
    best = ""
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    if not best:
        raise KeyError(module)
    return LAYERS[best]


def module_name(path: Path, root: Path = SRC) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_pkg = path.name == "__init__.py"
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_pkg:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            if target in ("prong",) or node.level and not node.module:
                found.extend((node.lineno, f"{target}.{a.name}") for a in node.names)
    return found


def violations(root: Path = SRC) -> list[str]:
    out: list[str] = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        own = layer_of(module)
        for lineno, target in imports_of(path, module):
            forbidden = [f for prefix, fs in FORBIDDEN.items()
                         if module == prefix or module.startswith(prefix + ".") for f in fs]
            if any(target == f or target.startswith(f + ".") for f in forbidden):
                out.append(f"{path.relative_to(root.parent)}:{lineno}: {module} may not import {target}")
                continue
            if not (target == "prong" or target.startswith("prong.")):
                continue
            if target == "prong":
                continue
            if layer_of(target) > own:
                out.append(
                    f"{path.relative_to(root.parent)}:{lineno}: {module} (layer {own}) imports "
                    f"{target} (layer {layer_of(target)})"
                )
    return out


def test_every_module_has_a_layer() -> None:
    for path in SRC.rglob("*.py"):
        layer_of(module_name(path))  # raises KeyError for a module missing from the table


def test_imports_point_down() -> None:
    assert violations() == []


def test_an_upward_import_is_caught(tmp_path: Path) -> None:
    pkg = tmp_path / "prong"
    (pkg / "pep440").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "pep440" / "__init__.py").write_text("")
    (pkg / "pep440" / "bad.py").write_text("def f():\n    from prong.cli import main\n")
    (pkg / "pubgrub").mkdir()
    (pkg / "pubgrub" / "__init__.py").write_text("from packaging.version import Version\n")
    found = violations(pkg)
    assert any("prong.pep440.bad (layer 0) imports prong.cli" in v for v in found), found
    assert any("prong.pubgrub may not import packaging.version" in v for v in found), found


@pytest.mark.parametrize("module,layer", [("prong.pep508.markers", 0), ("prong.cli.main", 5), ("prong.api.lock", 4)])
def test_layer_table(module: str, layer: int) -> None:
    assert layer_of(module) == layer
