"""Write ``X.uv.txt``: what uv prints for scenario ``X.toml`` (not a test; run by hand).

    python tests/scenarios/uv_reference.py [--uv PATH] tests/scenarios/packse/yanked/*.toml

Each scenario becomes a static PEP 503 index (wheels holding only metadata, sdists holding
``PKG-INFO``, ``data-requires-python`` / ``data-yanked`` set), served on 127.0.0.1 by a thread;
``uv pip compile --python-version`` runs against it and its error text, with the ``cause:``
indentation removed, is written beside the scenario (only for scenarios uv cannot resolve).
Scenarios with ``[index.problems]`` are prong-only facts and are skipped.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import html
import http.server
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import threading
import tomllib
import zipfile
from pathlib import Path
from typing import Any


def _metadata(name: str, ver: str, info: dict[str, Any]) -> str:
    rp = info.get("requires_python", ">=3.12")
    meta = f"Metadata-Version: 2.2\nName: {name}\nVersion: {ver}\n"
    if rp:
        meta += f"Requires-Python: {rp}\n"
    for r in info.get("requires", []):
        meta += f"Requires-Dist: {r}\n"
    for extra, reqs in info.get("extras", {}).items():
        meta += f"Provides-Extra: {extra}\n"
        for r in reqs:
            if ";" in r:
                head, marker = r.split(";", 1)
                meta += f"Requires-Dist: {head}; extra == '{extra}' and ({marker.strip()})\n"
            else:
                meta += f"Requires-Dist: {r} ; extra == '{extra}'\n"
    return meta


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def build_index(data: dict[str, Any], root: Path) -> None:
    from packaging.utils import canonicalize_name

    (root / "files").mkdir(parents=True, exist_ok=True)
    for name, pkg in data.get("packages", {}).items():
        cname = canonicalize_name(name)
        stem = cname.replace("-", "_")
        links = []
        for ver, info in pkg.get("versions", {}).items():
            info = info or {}
            meta = _metadata(name, ver, info)
            files: list[tuple[str, bytes]] = []
            if info.get("wheel", True):
                for tag in info.get("wheel_tags", ["py3-none-any"]):
                    buf = io.BytesIO()
                    with zipfile.ZipFile(buf, "w") as z:
                        z.writestr(f"{stem}-{ver}.dist-info/METADATA", meta)
                        z.writestr(f"{stem}-{ver}.dist-info/WHEEL", f"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: {tag}\n")
                        z.writestr(f"{stem}-{ver}.dist-info/RECORD", "")
                    files.append((f"{stem}-{ver}-{tag}.whl", buf.getvalue()))
            if info.get("sdist", True):
                buf = io.BytesIO()
                with tarfile.open(fileobj=buf, mode="w:gz") as t:
                    body = meta.encode()
                    ti = tarfile.TarInfo(f"{stem}-{ver}/PKG-INFO")
                    ti.size = len(body)
                    t.addfile(ti, io.BytesIO(body))
                files.append((f"{stem}-{ver}.tar.gz", buf.getvalue()))
            for fn, blob in files:
                (root / "files" / fn).write_bytes(blob)
                attrs = ""
                rp = info.get("requires_python", ">=3.12")
                if rp:
                    attrs += f' data-requires-python="{html.escape(rp)}"'
                yanked = info.get("yanked", False)
                if yanked:
                    attrs += f' data-yanked="{html.escape(yanked) if isinstance(yanked, str) else ""}"'
                digest = hashlib.sha256(blob).hexdigest()
                links.append(f'<a href="../../files/{fn}#sha256={digest}"{attrs}>{fn}</a><br/>')
        page = root / "simple" / cname
        page.mkdir(parents=True, exist_ok=True)
        (page / "index.html").write_text("<html><body>\n" + "\n".join(links) + "\n</body></html>\n")


def uv_args(data: dict[str, Any]) -> list[str]:
    opts = data.get("resolver_options", {})
    args = ["--python-version", opts.get("python") or data.get("environment", {}).get("python", "3.12")]
    if opts.get("python_platform"):
        args += ["--python-platform", opts["python_platform"]]
    if opts.get("prereleases"):
        args += ["--prerelease", "allow"]
    if opts.get("prerelease"):
        args += ["--prerelease", opts["prerelease"]]
    if opts.get("resolution"):
        args += ["--resolution", opts["resolution"]]
    for name in opts.get("no_binary", []):
        args += ["--no-binary", name]
    return args


def error_text(output: str) -> str | None:
    marker = "No solution found when resolving dependencies\n"
    if marker not in output:
        return None
    cause, _, hints = output.split(marker, 1)[1].partition("\n\nhint: ")
    lines = [line[9:] if line.startswith(("  cause: ", "         ")) else line for line in cause.split("\n")]
    text = "\n".join(lines).rstrip("\n")
    if hints:
        text += "\n\nhint: " + hints.strip()
    return text + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", default=str(Path(sys.executable).with_name("uv")))
    parser.add_argument("scenarios", nargs="+", type=Path)
    ns = parser.parse_args()
    ns.uv = str(Path(ns.uv).resolve())
    for path in ns.scenarios:
        data = tomllib.loads(path.read_text())
        if data.get("index") or data.get("resolver_options", {}).get("universal"):
            print(f"skip {path.name}: not expressible as a static index")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            build_index(data, root)
            (root / "requirements.in").write_text("\n".join(data.get("root", {}).get("requires", [])) + "\n")
            handler = functools.partial(_Quiet, directory=tmp)
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            try:
                cmd = [
                    ns.uv, "pip", "compile", "requirements.in", "--no-header", "--no-progress", "--color", "never",
                    "--python", sys.executable, "--cache-dir", str(root / "cache"),
                    "--index-url", f"http://127.0.0.1:{server.server_address[1]}/simple", *uv_args(data),
                ]
                env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1"}
                out = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, env=env, timeout=120)
            finally:
                server.shutdown()
        text = error_text(out.stderr + out.stdout)
        if text is None:
            print(f"{path.name}: uv resolved it")
            continue
        path.with_suffix(".uv.txt").write_text(text)
        print(f"wrote {path.with_suffix('.uv.txt')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
