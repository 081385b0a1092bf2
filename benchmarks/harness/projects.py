"""Benchmark projects (data files under ``benchmarks/projects``) and their per-tool copies.

Each project is a ``pyproject.toml`` with a ``[project]`` table. A tool gets its own rendered
copy in the work directory: pdm and poetry need a line or two of their own configuration, and
poetry needs the default index as an explicit source, whose URL is taken from pip at run time.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import subprocess
import sys
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECTS_DIR = Path(__file__).resolve().parent.parent / "projects"
ALL_PROJECTS = ("small", "medium", "large", "torch", "seed")
SEED_FIXTURE = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "seed_jetson"


@functools.cache
def default_simple_url() -> str:
    """The default package index, as pip names it (never written into the repository)."""
    from pip._internal.models.index import PyPI

    return str(PyPI.simple_url)


@dataclass(frozen=True, slots=True)
class Project:
    """One benchmark project."""

    name: str
    text: str
    dependencies: tuple[str, ...]
    syncable: bool
    uv_only: bool

    @classmethod
    def load(cls, name: str) -> Project:
        text = (PROJECTS_DIR / name / "pyproject.toml").read_text(encoding="utf-8")
        data = tomllib.loads(text)
        return cls(
            name=name,
            text=text,
            dependencies=tuple(data["project"].get("dependencies", ())),
            syncable=name not in ("torch", "seed"),
            uv_only="tool" in data and "uv" in data["tool"],
        )

    def pyproject_for(self, tool: str, urls: dict[str, str] | None = None) -> str:
        """The pyproject.toml text that ``tool`` gets."""
        text = self.text
        for key, value in (urls or {}).items():
            text = text.replace(f"@{key}@", value)
        if tool == "pdm":
            text += "\n[tool.pdm]\ndistribution = false\n"
        elif tool == "poetry":
            text += (
                "\n[tool.poetry]\npackage-mode = false\n\n[[tool.poetry.source]]\n"
                f'name = "default-index"\nurl = "{default_simple_url()}"\npriority = "primary"\n'
            )
        return text

    def requirements_in(self) -> str:
        return "".join(f"{dep}\n" for dep in self.dependencies)

    def render(self, tool: str, dest: Path, urls: dict[str, str] | None = None) -> Path:
        """Write the tool's copy of the project into ``dest`` (pyproject.toml and requirements.in)."""
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "pyproject.toml").write_text(self.pyproject_for(tool, urls), encoding="utf-8")
        (dest / "requirements.in").write_text(self.requirements_in(), encoding="utf-8")
        return dest


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class SeedIndexes:
    """The seed fixture's three indexes as static PEP 503 trees served on 127.0.0.1."""

    def __init__(self, work: Path) -> None:
        self.root = work / "seed-indexes"
        self._server: http.server.ThreadingHTTPServer | None = None
        self.urls: dict[str, str] = {}

    @staticmethod
    def available() -> bool:
        return (SEED_FIXTURE / "make_wheels.py").is_file()

    def start(self) -> dict[str, str]:
        script = SEED_FIXTURE / "make_wheels.py"
        if not (self.root / "jp6" / "index.html").is_file():
            subprocess.run([sys.executable, str(script), str(self.root)], check=True, capture_output=True)
            spec = importlib.util.spec_from_file_location("seed_make_wheels", script)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            jp6 = self.root / "jp6"
            files: dict[str, list[str]] = {}
            for wheel in sorted(jp6.glob("*.whl")):
                files.setdefault(wheel.name.split("-")[0], []).append(str(wheel))
            module.write_static_index(str(jp6), files)
        handler = functools.partial(_QuietHandler, directory=str(self.root))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.urls = {
            "CPU_URL": f"{base}/pytorch-cpu/whl/cpu",
            "CU128_URL": f"{base}/pytorch-cu128/whl/cu128",
            "JP6_URL": f"{base}/jp6",
        }
        return self.urls

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
