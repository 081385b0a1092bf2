"""Regenerate tests/unit/pep508/uv_markers.toml by running uv on every marker below.

Usage: python tests/unit/pep508/make_uv_markers.py [path/to/uv]   (default: uv next to this Python)

Two channels, both offline (a temporary find-links directory of tiny wheels ``pkgN-1.0``):

* ``lock``: a project whose ``[project] dependencies`` are ``pkgN ; <marker>``; ``uv lock`` writes
  each marker back, unsimplified, in ``[package.metadata] requires-dist``. This shows uv's display
  of the marker itself (extras and conflict pseudo-extras included).
* ``lock-dependency``: the same project with a given ``requires-python``; the marker uv writes on
  the project's ``dependencies`` edge in uv.lock, i.e. simplified under that range (upper bounds
  included). A dependency missing from the edge list means uv found the marker always false.
* ``compile``: ``uv pip compile --universal --python-version X --no-index --find-links DIR`` on a
  requirements.in of ``pkgN ; <marker>`` lines; the ``; marker`` uv prints is the marker simplified
  under ``requires-python >= X`` (what uv writes on uv.lock dependency edges). A package missing
  from the output means uv found the marker always false.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

LOCK_CASES = [
    "python_version < '3.8'",
    "python_version == '3.10' and (extra == 'foo' or sys_platform == 'linux')",
    "(sys_platform == 'linux' or python_version >= '3.11') and extra == 'cpu'",
    "extra == 'Foo_Bar'",
    "extra == 'a' or extra == 'b'",
    "extra != 'a' or extra == 'b'",
    "extra == 'a' or extra != 'b'",
    "extra != 'a' and extra != 'b'",
    "extra == 'a' and extra == 'b' or extra != 'a' and extra != 'b'",
    "extra == 'a' and extra != 'b' or extra != 'a' and extra == 'b'",
    "extra == 'a' or extra == 'b' or extra == 'c'",
    "extra == 'a' and sys_platform == 'linux' or extra != 'a' and sys_platform == 'win32'",
    "extra == 'extra-3-xxx-cpu' and sys_platform == 'linux'",
    "extra != 'extra-3-xxx-cpu' and extra == 'extra-5-xxx-cu128'",
    "sys_platform == 'linux' and extra == 'extra-3-xxx-cpu' or sys_platform == 'linux' and extra == 'extra-5-xxx-cu128'",
    "python_version >= '3.9' and extra == 'a' or python_version < '3.9' and extra == 'b'",
    "platform_machine == 'aarch64' and extra == 'extra-9-xxx-torch-jp6' and python_version == '3.10'",
    "'x' in os_name or 'y' in os_name",
    "os_name in 'x' and 'y' in os_name or os_name not in 'x' and 'z' in os_name",
    "python_version == '3.10' and (sys_platform == 'linux' or platform_machine == 'x86_64')",
    "(python_version < '3.9' or sys_platform == 'darwin') and (platform_machine == 'arm64' or os_name == 'posix')",
    # Shapes of universal-lock fork markers: python splits x platforms x conflict extras.
    "python_full_version < '3.10' or (python_full_version < '3.11' and sys_platform == 'win32')",
    "(python_full_version >= '3.10' and sys_platform == 'darwin') or (python_full_version >= '3.11' and sys_platform != 'linux')",
    "(python_full_version < '3.11' and sys_platform == 'linux') or (python_full_version >= '3.10' and sys_platform != 'linux')",
    "python_full_version < '3.10' or (python_full_version >= '3.11' and sys_platform == 'linux')",
    "(python_full_version >= '3.11' and sys_platform != 'linux') or (python_full_version >= '3.10' and sys_platform == 'linux')",
    "(python_full_version < '3.11' and sys_platform == 'win32') or (python_full_version >= '3.10' and sys_platform != 'linux')",
    "sys_platform == 'darwin' or (python_full_version == '3.10.*' and sys_platform != 'linux')",
    "(python_full_version >= '3.12' and platform_machine == 'arm64') or (python_full_version >= '3.11' and sys_platform == 'win32')",
    "(python_full_version >= '3.11' and sys_platform == 'linux') or (python_full_version >= '3.11' and sys_platform != 'linux' and platform_machine == 'arm64') or (python_full_version == '3.11.*' and sys_platform != 'linux')",
    "(python_full_version >= '3.12' and sys_platform != 'linux') or (python_full_version >= '3.11' and sys_platform == 'linux' and platform_machine == 'arm64')",
    "(python_full_version == '3.11.*' and platform_machine == 'x86_64' and extra != 'extra-5-xxx-cu128') or (python_full_version == '3.10.*' and platform_machine == 'arm64' and extra != 'extra-5-xxx-cu128') or (python_full_version < '3.11' and sys_platform != 'darwin') or (python_full_version == '3.11.*' and extra == 'extra-5-xxx-cu128')",
    "(python_full_version < '3.11' and sys_platform == 'win32') or (python_full_version >= '3.11' and sys_platform == 'linux' and extra != 'extra-3-xxx-cpu') or (python_full_version < '3.10' and extra != 'extra-3-xxx-cpu')",
    "(sys_platform != 'linux' and extra == 'extra-3-xxx-cpu') or (python_full_version >= '3.11' and platform_machine != 'x86_64' and extra == 'extra-3-xxx-cpu') or (python_full_version >= '3.12' and platform_machine == 'x86_64' and extra == 'extra-5-xxx-cu128')",
    "(python_full_version == '3.11.*' and sys_platform != 'darwin' and platform_machine == 'arm64' and extra == 'group-4-xxx-dev') or (python_full_version >= '3.12' and sys_platform == 'darwin' and platform_machine != 'x86_64' and extra == 'group-4-xxx-dev') or (python_full_version < '3.10' and sys_platform != 'darwin')",
    "(python_full_version >= '3.11' and sys_platform != 'darwin' and platform_machine != 'x86_64' and extra == 'extra-3-xxx-cpu') or (platform_machine == 'arm64' and extra != 'extra-3-xxx-cpu')",
    "(python_full_version == '3.10.*' and platform_machine == 'arm64' and extra == 'group-4-xxx-dev') or (python_full_version < '3.10' and platform_machine != 'x86_64')",
    "(sys_platform != 'linux' and platform_machine == 'arm64') or (python_full_version == '3.10.*' and sys_platform != 'darwin' and extra == 'group-4-xxx-dev')",
    "(python_full_version >= '3.11' and extra != 'extra-3-xxx-cpu') or (sys_platform != 'darwin' and extra == 'extra-3-xxx-cpu')",
    "(sys_platform == 'darwin' and extra == 'extra-3-xxx-cpu') or (python_full_version < '3.10' and sys_platform != 'darwin' and extra == 'group-4-xxx-dev')",
    "sys_platform == 'linux' and extra != 'extra-3-xxx-cpu' and extra == 'extra-5-xxx-cu128'",
    "sys_platform != 'linux' or extra == 'extra-3-xxx-cpu' or extra != 'extra-5-xxx-cu128'",
    "platform_machine == 'x86_64' and sys_platform == 'linux' and extra == 'extra-3-xxx-cpu' or platform_machine == 'aarch64' and sys_platform == 'linux' and extra == 'extra-3-xxx-cpu'",
]

DEPENDENCY_CASES = {
    ">=3.10,<3.13": [
        "python_version < '3.13'",
        "python_version >= '3.12'",
        "python_version == '3.12'",
        "python_version == '3.11' or sys_platform == 'win32'",
        "python_version >= '3.13'",
        "python_version != '3.11'",
        "python_version > '3.12'",
        "python_version <= '3.11' and platform_machine == 'aarch64'",
        "python_version >= '3.10' and python_version < '3.13'",
        "python_full_version >= '3.12.1'",
    ],
    ">=3.9,!=3.10.*": [
        "python_version < '3.11'",
        "python_version == '3.10'",
        "python_version != '3.10'",
        "python_version < '3.12' and sys_platform == 'linux'",
    ],
}

COMPILE_CASES = {
    "3.7": [
        "python_version >= '3.8'",
        "python_version == '3.10'",
        "python_version != '3.9'",
        "python_version > '3.8' and python_version < '3.11'",
        "python_version < '3.8' or python_version >= '3.10'",
        "python_version in '3.8 3.9'",
        "python_version not in '3.8 3.9'",
        "python_version ~= '3.8'",
        "python_version ~= '3.8.0'",
        "python_version == '3.*'",
        "python_version == '3.9.*'",
        "python_version >= '3.9.2'",
        "python_version > '3.9.1'",
        "python_version <= '3.9'",
        "'3.10' <= python_version",
        "python_full_version >= '3.8.0'",
        "python_full_version ~= '3.8.1'",
        "python_full_version == '3.9.1'",
        "python_full_version != '3.9.1'",
        "python_full_version != '3.9.*'",
        "python_full_version >= '3.8.1' and python_full_version < '3.8.5'",
        "python_full_version == '3.8.0' or python_full_version == '3.9.0'",
        "python_version == '3.8' or python_version == '3.10'",
        "python_version != '3.8' and python_version != '3.10'",
        "python_version < '3.8' or python_version == '3.9' or python_version >= '3.11'",
        "python_version >= '3' or python_version < '3'",
        "python_version >= '3.8' and python_version < '3.8'",
        "python_version == 'foo'",
        "python_version < '3.9' and sys_platform == 'win32' or python_version >= '3.9' and sys_platform == 'linux'",
        "python_version == '3.10' and (sys_platform == 'linux' or sys_platform == 'win32')",
        "platform_system == 'Windows' and os_name == 'nt'",
        "platform_system == 'Darwin' or platform_system == 'Linux'",
        "platform_system != 'Windows'",
        "platform_system == 'FreeBSD'",
        "platform_system == 'AIX'",
        "platform_system == 'FreeBSD' and sys_platform == 'linux'",
        "sys_platform != 'win32' and sys_platform != 'darwin'",
        "sys_platform == 'linux' and sys_platform == 'win32'",
        "sys_platform == 'linux' or sys_platform != 'linux'",
        "os_name == 'posix' and sys_platform == 'win32'",
        "os_name == 'nt' and sys_platform == 'darwin'",
        "os_name == 'nt' or sys_platform == 'win32'",
        "os_name == 'nt' and sys_platform == 'win32' or os_name == 'posix' and sys_platform == 'linux'",
        "os_name != 'nt' and sys_platform == 'linux'",
        "os_name <= 'posix'",
        "os_name < 'z'",
        "'linux' in sys_platform",
        "sys_platform in 'linux win32'",
        "'linux' in sys_platform and python_version >= '3.9'",
        "'linux' not in sys_platform or platform_machine == 'x86_64'",
        "sys_platform in 'linux darwin' and platform_machine != 'i686'",
        "platform_machine == 'x86_64' or platform_machine == 'aarch64' or platform_machine == 'arm64'",
        "platform_machine != 'x86_64' and platform_machine != 'aarch64'",
        "platform_machine == 'x86_64' and sys_platform == 'linux' or platform_machine == 'aarch64' and sys_platform == 'linux' or sys_platform == 'darwin'",
        "sys_platform == 'linux' and platform_machine == 'x86_64' or sys_platform == 'win32' and platform_machine == 'AMD64'",
        "python_version < '3.11' and (platform_machine == 'AMD64' or platform_machine == 'WIN32' or platform_machine == 'aarch64' or platform_machine == 'amd64' or platform_machine == 'ppc64le' or platform_machine == 'win32' or platform_machine == 'x86_64')",
        "python_version >= '3.8' and python_version < '3.12' and sys_platform == 'darwin' and platform_machine == 'arm64'",
        "python_version < '3.10' or python_version >= '3.12' and sys_platform == 'linux'",
        "python_version < '3.10' and sys_platform == 'linux' or python_version >= '3.10' and sys_platform == 'linux' and platform_machine == 'x86_64'",
        "os_name == 'nt' and python_version < '3.10' or os_name == 'posix' and python_version >= '3.10'",
        "platform_python_implementation == 'CPython' and python_version < '3.13' or platform_python_implementation == 'PyPy'",
        "platform_python_implementation != 'PyPy' and sys_platform == 'linux'",
        "implementation_name != 'pypy' and python_full_version >= '3.9.1'",
        "platform_system == 'Linux' and platform_machine == 'aarch64' and python_version == '3.10'",
        "python_version >= '3.10' and platform_system == 'Emscripten'",
        "python_version < '3.12' and (sys_platform == 'darwin' or sys_platform == 'linux' or sys_platform == 'win32')",
        "(python_version < '3.12' or os_name == 'nt') and platform_machine == 'x86_64'",
        "platform_machine == 'x86_64' or platform_machine == 'aarch64' or python_version < '3.9'",
        "implementation_name == 'cpython' and sys_platform == 'win32' or implementation_name == 'cpython' and sys_platform == 'darwin' or implementation_name == 'pypy'",
        "python_version < '3.12' and platform_machine == 'x86_64' or implementation_name == 'cpython' and platform_machine == 'x86_64'",
        "python_version < '3.12' and implementation_name == 'cpython' and platform_machine == 'x86_64' or python_version < '3.12' and implementation_name == 'cpython' and sys_platform == 'linux'",
        "python_version < '3.12' or implementation_name == 'cpython' and platform_machine == 'x86_64' or implementation_name == 'cpython' and sys_platform == 'linux'",
        "implementation_name == 'cpython' and platform_machine == 'x86_64' or platform_machine == 'x86_64' and platform_python_implementation == 'CPython'",
        "implementation_name == 'cpython' and sys_platform == 'linux' or platform_machine == 'x86_64' and sys_platform == 'linux' or platform_python_implementation == 'CPython' and sys_platform == 'linux'",
        "python_version < '3.12' and platform_machine == 'x86_64' or python_version >= '3.12' and platform_machine == 'aarch64' or platform_machine == 'x86_64' and sys_platform == 'linux'",
    ],
    "3.10": [
        "python_version >= '3.10'",
        "python_version < '3.10'",
        "python_version == '3.10'",
        "python_version == '3.11'",
        "python_version <= '3.11'",
        "python_version != '3.10'",
        "python_version >= '3.9' and python_version < '3.12'",
        "python_version == '3.10' and platform_machine == 'aarch64' and sys_platform == 'linux'",
        "python_version < '3.11' or sys_platform == 'win32'",
        "python_full_version < '3.10.4'",
    ],
}


def fork_style(seed: int, count: int, extras: bool) -> list[str]:
    """Markers shaped like universal-lock forks: unions of python split x platform x machine x
    conflict-extra conjunctions (deterministic for a seed)."""
    import random

    pythons = [
        "python_full_version < '3.10'", "python_full_version == '3.10.*'", "python_full_version == '3.11.*'",
        "python_full_version >= '3.12'", "python_full_version >= '3.11'", "python_full_version < '3.11'",
    ]
    platforms = [
        "sys_platform == 'linux'", "sys_platform == 'darwin'", "sys_platform == 'win32'",
        "sys_platform != 'linux'", "sys_platform != 'darwin'", "platform_system == 'Windows'",
    ]
    machines = [
        "platform_machine == 'x86_64'", "platform_machine == 'aarch64'", "platform_machine != 'x86_64'",
        "platform_machine == 'arm64'",
    ]
    conflict_extras = [
        "extra == 'extra-3-xxx-cpu'", "extra != 'extra-3-xxx-cpu'", "extra == 'extra-5-xxx-cu128'",
        "extra != 'extra-5-xxx-cu128'", "extra == 'group-4-xxx-dev'",
    ]
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        clauses = []
        for _ in range(rng.choice([1, 2, 2, 3, 4])):
            parts = []
            if rng.random() < 0.7:
                parts.append(rng.choice(pythons))
            if rng.random() < 0.6:
                parts.append(rng.choice(platforms))
            if rng.random() < 0.4:
                parts.append(rng.choice(machines))
            if extras and rng.random() < 0.5:
                parts.append(rng.choice(conflict_extras))
            if not parts:
                parts.append(rng.choice(platforms))
            clauses.append(" and ".join(parts))
        out.append(" or ".join(f"({c})" for c in clauses))
    return list(dict.fromkeys(out))


def two_clause(count: int) -> list[str]:
    """`(python range and platform) or (python range and platform)` and kin, deterministic."""
    import itertools
    import random

    pythons = [
        "python_full_version < '3.10'", "python_full_version == '3.10.*'", "python_full_version >= '3.11'",
        "python_full_version >= '3.10'", "python_full_version < '3.11'",
    ]
    platforms = ["sys_platform == 'linux'", "sys_platform == 'darwin'", "sys_platform != 'linux'", "sys_platform == 'win32'"]
    found = {f"({p1} and {s1}) or ({p2} and {s2})" for p1, s1, p2, s2 in itertools.product(pythons, platforms, pythons, platforms)}
    found |= {f"{p1} or ({p2} and {s2})" for p1, p2, s2 in itertools.product(pythons, pythons, platforms)}
    found |= {f"{s1} or ({p2} and {s2})" for s1, p2, s2 in itertools.product(platforms, pythons, platforms)}
    ordered = sorted(found)
    random.Random(5).shuffle(ordered)
    return ordered[:count]


def _wheel(directory: Path, name: str) -> None:
    dist_info = f"{name}-1.0.dist-info"
    files = {
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: make_uv_markers\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[f"{dist_info}/RECORD"] = "".join(f"{k},,\n" for k in files) + f"{dist_info}/RECORD,,\n"
    with zipfile.ZipFile(directory / f"{name}-1.0-py3-none-any.whl", "w") as z:
        for path, text in files.items():
            z.writestr(zipfile.ZipInfo(path, (2020, 1, 1, 0, 0, 0)), text)


def _links(count: int) -> Path:
    directory = Path(tempfile.mkdtemp(prefix="uv-markers-"))
    for i in range(count):
        _wheel(directory, f"pkg{i}")
    return directory


def run_lock(uv: str, markers: list[str]) -> list[str | None]:
    project = _links(len(markers))
    deps = [f"pkg{i} ; {m}" for i, m in enumerate(markers)]
    (project / "pyproject.toml").write_text(
        '[project]\nname = "xxx"\nversion = "0.1"\nrequires-python = ">=3.7"\n'
        f"dependencies = {json.dumps(deps)}\n"
        '[tool.uv]\nfind-links = ["."]\nno-index = true\n'
    )
    subprocess.run([uv, "lock", "-q"], cwd=project, check=True)
    lock = (project / "uv.lock").read_text()
    section = lock[lock.index("[package.metadata]") :]
    found = {
        int(m.group(1)): m.group(2) or ""
        for m in re.finditer(r'\{ name = "pkg(\d+)"(?:, marker = "([^"]*)")? \}', section)
    }
    return [found.get(i) for i in range(len(markers))]


def run_lock_dependencies(uv: str, markers: list[str], requires_python: str) -> list[str | None]:
    project = _links(len(markers))
    deps = [f"pkg{i} ; {m}" for i, m in enumerate(markers)]
    (project / "pyproject.toml").write_text(
        f'[project]\nname = "xxx"\nversion = "0.1"\nrequires-python = "{requires_python}"\n'
        f"dependencies = {json.dumps(deps)}\n"
        '[tool.uv]\nfind-links = ["."]\nno-index = true\n'
    )
    subprocess.run([uv, "lock", "-q"], cwd=project, check=True)
    lock = (project / "uv.lock").read_text()
    section = lock[lock.index('name = "xxx"') : lock.index("[package.metadata]")]
    found = {
        int(m.group(1)): m.group(2) or ""
        for m in re.finditer(r'\{ name = "pkg(\d+)"(?:, marker = "([^"]*)")? \}', section)
    }
    return [found.get(i) for i in range(len(markers))]


def run_compile(uv: str, markers: list[str], python: str) -> list[str | None]:
    links = _links(len(markers))
    req = links / "requirements.in"
    req.write_text("".join(f"pkg{i} ; {m}\n" for i, m in enumerate(markers)))
    out = subprocess.run(
        [uv, "pip", "compile", "-q", "--universal", "--python-version", python, "--no-index",
         "--find-links", str(links), "--no-header", "--no-annotate", str(req)],
        check=True, capture_output=True, text=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        m = re.match(r"pkg(\d+)==1\.0(?: ; (.*))?$", line)
        if m:
            found[int(m.group(1))] = m.group(2) or ""
    return [found.get(i) for i in range(len(markers))]


def _q(text: str) -> str:
    return json.dumps(text)  # a TOML basic string (the markers hold no control characters)


def main() -> None:
    uv = sys.argv[1] if len(sys.argv) > 1 else str(Path(sys.executable).with_name("uv"))
    version = subprocess.run([uv, "--version"], check=True, capture_output=True, text=True).stdout.strip()
    lines = [
        f"# uv's display of PEP 508 markers, recorded by running {version}.",
        "# Regenerate: python tests/unit/pep508/make_uv_markers.py [path/to/uv]  (see its docstring).",
        "# channel = \"lock\": marker as uv writes it in uv.lock [package.metadata] requires-dist (no simplification).",
        "# channel = \"lock-dependency\": marker on a [project] dependencies edge in uv.lock, simplified under",
        "#   the project's requires-python (always-false = true when uv dropped the edge).",
        "# channel = \"compile\": `uv pip compile --universal --python-version X` output, i.e. the marker",
        "#   simplified under requires-python = \">=X\"; always-false = true when uv dropped the requirement.",
        "",
    ]
    lock_cases = LOCK_CASES + fork_style(12, 150, extras=True) + two_clause(250)
    for marker, shown in zip(lock_cases, run_lock(uv, lock_cases)):
        lines += ["[[marker]]", "channel = \"lock\"", f"input = {_q(marker)}", f"expected = {_q(shown or '')}", ""]
    for requires_python, cases in DEPENDENCY_CASES.items():
        for marker, shown in zip(cases, run_lock_dependencies(uv, cases, requires_python)):
            lines += ["[[marker]]", "channel = \"lock-dependency\"", f"requires-python = {_q(requires_python)}"]
            lines += [f"input = {_q(marker)}"]
            lines += ["always-false = true"] if shown is None else [f"expected = {_q(shown)}"]
            lines.append("")
    compile_cases = dict(COMPILE_CASES)
    compile_cases["3.8"] = fork_style(11, 150, extras=False)
    for python, cases in compile_cases.items():
        for marker, shown in zip(cases, run_compile(uv, cases, python)):
            lines += ["[[marker]]", "channel = \"compile\"", f"requires-python = {_q('>=' + python)}", f"input = {_q(marker)}"]
            lines += ["always-false = true"] if shown is None else [f"expected = {_q(shown)}"]
            lines.append("")
    (HERE / "uv_markers.toml").write_text("\n".join(lines))
    print(f"wrote {HERE / 'uv_markers.toml'}", file=sys.stderr)


if __name__ == "__main__":
    os.environ.setdefault("UV_NO_CACHE", "1")
    main()
