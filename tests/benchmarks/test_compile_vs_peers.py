"""benchmarks/compile_vs_peers.py without the network: pins, the table, the docs section."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def load():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("compile_vs_peers", REPO / "benchmarks" / "compile_vs_peers.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_pins_and_table() -> None:
    m = load()
    assert m.pins_of("Foo_Bar==1.0\n    # via x\nbaz==2 ; python_version > '3'\n") == {"foo-bar==1.0", "baz==2"}
    row = {"set": "s", "scenario": "cold", "median": {"prong": 2.0, "uv": 1.0, "pip-compile": 8.0},
           "pins": {"uv": 5}, "agree": True, "prong_vs_uv": 2.0, "pip_compile_vs_prong": 4.0}
    text = m.table({"rows": [row], "uv": "uv 0.13.9", "pip_tools": "pip-tools", "date": "d", "machine": "m",
                    "load": 1.0, "python": "3.11.7", "exclude_newer": m.EXCLUDE_NEWER, "rounds": 3})
    assert "| s · cold | 5 | 2.00 | 1.00 | 8.00 | 2.00 × | 4.0 × | yes |" in text


def test_docs_section_replaced_between_markers_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m = load()
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# B\n\n<!-- other:start -->\nkeep\n<!-- other:end -->\n{m.START}\nold\n{m.END}\ntail\n")
    monkeypatch.setattr(m, "DOCS", doc)
    m.write_docs("new table")
    assert doc.read_text() == f"# B\n\n<!-- other:start -->\nkeep\n<!-- other:end -->\n{m.START}\nnew table\n{m.END}\ntail\n"
    doc.write_text("# B\n")
    m.write_docs("first")
    assert doc.read_text().endswith(f"{m.START}\nfirst\n{m.END}\n")
