"""Write benchmarks/data/versions.txt: every version string of ~50 large projects.

Run once by hand (``python benchmarks/data/fetch_versions.py``); the benchmark reads the saved file.
The index URL comes from pip at run time (the repository never names an index host); the JSON
form of the Simple API (PEP 691/700) lists each project's versions.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

PROJECTS = """
numpy pandas django boto3 botocore setuptools torch scipy matplotlib requests urllib3 pip wheel
sqlalchemy flask pytest tensorflow awscli google-cloud-storage protobuf grpcio cryptography pyyaml
pillow ipython notebook transformers scikit-learn celery redis psycopg2 pydantic fastapi uvicorn
aiohttp attrs certifi jinja2 click rich poetry black mypy ruff tox virtualenv sphinx pygments lxml
openai azure-core moto hypothesis coverage
""".split()


def index_url() -> str:
    from pip._internal.models.index import PyPI

    return PyPI.simple_url.rstrip("/")


def versions_of(project: str, base: str) -> list[str]:
    request = urllib.request.Request(
        f"{base}/{project}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        data = json.load(response)
    return list(data.get("versions", []))


def main() -> int:
    base = index_url()
    out = Path(__file__).with_name("versions.txt")
    lines: list[str] = []
    for project in PROJECTS:
        found = versions_of(project, base)
        print(f"{project}: {len(found)}", file=sys.stderr)
        lines.extend(found)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} versions of {len(PROJECTS)} projects -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
