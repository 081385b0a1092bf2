"""The seed_jetson fixture (devpi + two static PyTorch-style indexes) as pytest fixtures.

``../shared/fixtures/seed_jetson/serve.sh start DIR`` builds and starts the servers on free
loopback ports; ``stop DIR`` kills only the pids it recorded. DIR is kept under a cache
directory (``PRONG_TEST_SEED_DIR`` or ``~/.cache/prong-tests``), one per devpi flavour, so the
devpi venv (a pip install from PyPI) is reused and a repeated start takes about 7 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "fixtures" / "seed_jetson"
FLAVORS = ("6.12.1", "latest")


@dataclass(frozen=True)
class Seed:
    dir: Path
    flavor: str
    server_version: str
    jp6_web_url: str
    jp6_simple_url: str
    cpu_url: str
    cu128_url: str


def seed_root() -> Path:
    root = os.environ.get("PRONG_TEST_SEED_DIR")
    if root:
        return Path(root)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "prong-tests"


def parse_urls_env(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.startswith("#"):
            out[key.strip()] = value.split("#", 1)[0].strip()
    return out


def _serve(cmd: str, directory: Path, flavor: str, timeout: float) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["DEVPI_FLAVOR"] = flavor
    env["PYTHON"] = env.get("PRONG_TEST_SEED_PYTHON", sys.executable)
    env["PIP_CONFIG_FILE"] = os.devnull  # the machine's pip config must not leak into devpi's venv
    env.pop("PIP_CONSTRAINT", None)
    return subprocess.run(
        ["bash", str(SEED / "serve.sh"), cmd, str(directory)],
        env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )


_LOCKS: dict[Path, object] = {}


def _claim_dir(root: Path, flavor: str) -> tuple[Path, bool]:
    """The fixture directory for this test session, and whether it is private (to delete after).

    The shared ``seed-<flavor>`` directory (its venv reused between runs) is held with a file lock
    for the whole session; a second session running at the same time gets a private directory,
    so that neither stops the other's servers.
    """
    from filelock import FileLock, Timeout

    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / f"seed-{flavor}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        import tempfile

        return Path(tempfile.mkdtemp(prefix=f"seed-{flavor}-", dir=root)), True
    directory = root / f"seed-{flavor}"
    _LOCKS[directory] = lock
    return directory, False


def start_seed(flavor: str, root: Path | None = None) -> Seed:
    """Start the fixture for ``flavor`` (``6.12.1`` or ``latest``) and return its URLs."""
    if not (SEED / "serve.sh").is_file():
        raise RuntimeError(f"seed fixture not found at {SEED} (the tests expect ../shared beside the repo)")
    directory, private = _claim_dir(root or seed_root(), flavor)
    directory.mkdir(parents=True, exist_ok=True)
    if not private and (directory / "pids").is_dir():
        _serve("stop", directory, flavor, 60)  # a previous run that did not stop: only its recorded pids
    t0 = time.monotonic()
    proc = _serve("start", directory, flavor, 600)
    if proc.returncode != 0:
        raise RuntimeError(f"serve.sh start failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    urls = parse_urls_env(directory / "urls.env")
    seed = Seed(
        dir=directory,
        flavor=flavor,
        server_version=urls.get("DEVPI_SERVER_VERSION", ""),
        jp6_web_url=urls["JP6_WEB_URL"],
        jp6_simple_url=urls["JP6_SIMPLE_URL"],
        cpu_url=urls["CPU_URL"],
        cu128_url=urls["CU128_URL"],
    )
    sys.stderr.write(f"[seed] devpi {flavor} up in {time.monotonic() - t0:.1f}s at {seed.jp6_web_url}\n")
    return seed


def stop_seed(seed: Seed) -> None:
    _serve("stop", seed.dir, seed.flavor, 60)
    lock = _LOCKS.pop(seed.dir, None)
    if lock is not None:
        lock.release()  # type: ignore[attr-defined]
    else:  # a private directory of a concurrent session
        import shutil

        shutil.rmtree(seed.dir, ignore_errors=True)


def _fixture(flavor: str) -> Iterator[Seed]:
    seed = start_seed(flavor)
    try:
        yield seed
    finally:
        stop_seed(seed)


@pytest.fixture(scope="session")
def seed_6121() -> Iterator[Seed]:
    """devpi-server 6.12.1 + devpi-web 4.3.0 (serves uv the web page, as in the report)."""
    yield from _fixture("6.12.1")


@pytest.fixture(scope="session")
def seed_latest() -> Iterator[Seed]:
    """devpi-server 6.20.3 + devpi-web 5.1.1 (sniffs installer User-Agents; prong still gets HTML)."""
    yield from _fixture("latest")


@pytest.fixture(scope="session", params=FLAVORS, ids=[f"devpi-{f}" for f in FLAVORS])
def seed(request: pytest.FixtureRequest) -> Seed:
    """Each flavour in turn (session-scoped: each is started once)."""
    name = "seed_6121" if request.param == "6.12.1" else "seed_latest"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]
