"""prong reads the locks uv writes, and writes them back byte for byte.

A project that uses most of what a lock can record (a workspace member, an editable path source,
extras, conflicting extras that fork, dependency groups, an empty group, constraints, overrides,
dependency metadata, an sdist-only package, resolver options) is locked by the real uv against a
package index on 127.0.0.1 built from generated wheels; prong must read that lock into the model
the file describes and render exactly the same text, and uv must still find the lock up to date.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from prong.lock import LockSource, parse_lock, read_lock, render_lock
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist, make_wheel

BACKEND = '''
import os, zipfile

def _meta(name, version):
    return f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n"

def get_requires_for_build_wheel(config_settings=None):
    return []

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("not needed to lock")
'''


def uv_bin() -> str:
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    assert found, "uv is not installed: `pip install -e '.[test]'` installs it"
    return found


def _project(root: Path, name: str, body: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        f'[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n\n'
        f'[project]\nname = "{name}"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n{body}',
        encoding="utf-8",
    )
    (root / "backend.py").write_text(BACKEND, encoding="utf-8")


DISTS = [
    Dist("alpha", "1.0"), Dist("alpha", "2.0", requires_dist=["zeta>=1"]), Dist("alpha", "3.0"),
    Dist("beta", "1.0", extras=["fast"], requires_dist=["gamma; extra == 'fast'"]),
    Dist("gamma", "0.5"), Dist("gamma", "1.0"),
    Dist("delta", "1.0"), Dist("delta", "2.0"),
    Dist("epsilon", "1.0", requires_dist=["zeta"]),
    Dist("zeta", "1.0", requires_dist=["not-there"]), Dist("zeta", "1.0", tag=None),
    Dist("eta", "1.5", tag=None),
]

APP = '''dependencies = ["alpha>=2", "beta[fast]>=1; python_version >= '3.11'", "local-lib", "member", "theta"]

[project.optional-dependencies]
x = ["delta==1.0"]
y = ["delta==2.0"]
cli = ["gamma"]

[dependency-groups]
dev = ["epsilon"]
lint = []

[tool.uv]
conflicts = [[{ extra = "x" }, { extra = "y" }]]
constraint-dependencies = ["alpha<3"]
override-dependencies = ["gamma>=1"]
resolution = "lowest-direct"
prerelease = "allow"
exclude-newer = "2026-01-01T00:00:00Z"

[tool.uv.sources]
local-lib = { path = "libs/local-lib", editable = true }
member = { workspace = true }
theta = { path = "wheels/theta-1.0-py3-none-any.whl" }

[tool.uv.workspace]
members = ["packages/*"]

[[tool.uv.index]]
name = "test"
url = "@INDEX@"
default = true

[[tool.uv.dependency-metadata]]
name = "zeta"
version = "1.0"
requires-dist = ["gamma>=0.5"]
'''


def _uv(args: list[str], cwd: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    env.update(UV_CACHE_DIR=str(tmp / "uv-cache"), XDG_CONFIG_HOME=str(tmp / "config"), UV_PYTHON=sys.executable,
               UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    return subprocess.run([uv_bin(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def uv_lock(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("uvlock")
    with IndexServer(DISTS) as index:
        app = tmp / "app"
        _project(app, "app", APP.replace("@INDEX@", index.simple_url))
        _project(app / "libs" / "local-lib", "local-lib", 'dependencies = ["gamma"]\n')
        _project(app / "packages" / "member", "member", 'dependencies = ["eta"]\n')
        make_wheel(app / "wheels", "theta", "1.0")
        done = _uv(["lock"], app, tmp)
        assert done.returncode == 0, done.stderr
        text = (app / "uv.lock").read_text(encoding="utf-8")
        # uv, the reference, agrees that this is the lock of this project.
        again = _uv(["lock", "--locked"], app, tmp)
        assert again.returncode == 0, again.stderr
    return app, text


def test_round_trip_is_byte_exact(uv_lock: tuple[Path, str]) -> None:
    app, text = uv_lock
    assert render_lock(read_lock(app / "uv.lock")) == text


def test_model_holds_what_the_file_says(uv_lock: tuple[Path, str]) -> None:
    app, text = uv_lock
    lock = parse_lock(text)
    assert lock.requires_python == ">=3.10"
    assert lock.options.resolution_mode == "lowest-direct"
    assert lock.options.prerelease_mode == "allow"
    assert lock.options.exclude_newer == "2026-01-01T00:00:00Z"
    assert [[(c.package, c.extra) for c in s] for s in lock.conflicts] == [[("app", "x"), ("app", "y")]]
    assert set(lock.manifest.members) == {"app", "member"}
    assert [r.name for r in lock.manifest.constraints] == ["alpha"]
    assert [r.specifier for r in lock.manifest.overrides] == [">=1"]
    assert [m.name for m in lock.manifest.dependency_metadata] == ["zeta"]

    (app_pkg,) = lock.find("app")
    assert app_pkg.source == LockSource("editable", ".")
    assert app_pkg in lock.roots()
    by_extra = {extra: [(d.package.name, d.package.version) for d in deps]
                for extra, deps in app_pkg.optional_dependencies.items()}
    assert by_extra["x"] == [("delta", "1.0")] and by_extra["y"] == [("delta", "2.0")]
    assert [d.name for d in app_pkg.dev_dependencies["dev"]] == ["epsilon"]
    assert app_pkg.metadata.requires_dev["lint"] == ()
    assert app_pkg.metadata.provides_extras == ("x", "y", "cli")  # as declared
    beta_req = next(r for r in app_pkg.metadata.requires_dist if r.name == "beta")
    assert beta_req.extras == ("fast",) and beta_req.marker == "python_full_version >= '3.11'"

    # The fork: two packages named delta, and the edges to them carry version and source.
    assert sorted(p.version for p in lock.find("delta")) == ["1.0", "2.0"]
    assert 'version = "1.0", source = { registry = ' in text
    (local,) = lock.find("local-lib")
    assert local.source == LockSource("editable", "libs/local-lib")
    (eta,) = lock.find("eta")
    assert eta.wheels == () and eta.sdist is not None and eta.sdist.name == "eta-1.5.tar.gz"
    assert eta.sdist.hash and eta.sdist.hash.startswith("sha256:")
    (alpha,) = lock.find("alpha")
    assert alpha.version == "2.0" and [d.name for d in alpha.dependencies] == ["zeta"]
    (zeta,) = lock.find("zeta")
    assert [d.name for d in zeta.dependencies] == ["gamma"]  # dependency-metadata said so, not the wheel
    assert lock.manifest.dependency_metadata[0].requires_dist == ("gamma>=0.5",)
    (theta,) = lock.find("theta")
    assert theta.source == LockSource("path", "wheels/theta-1.0-py3-none-any.whl")
    assert [w.name for w in theta.wheels] == ["theta-1.0-py3-none-any.whl"]
    # Every edge points to a package of the lock.
    ids = {p.id for p in lock.packages}
    assert all(d.package in ids for p in lock.packages for d in p.all_dependencies())


def test_uv_accepts_a_lock_prong_wrote(uv_lock: tuple[Path, str], tmp_path: Path) -> None:
    """The rendered lock, written by prong over uv's, is still up to date for uv (`uv lock --locked`),
    and a changed one is not: the check can fail."""
    app, text = uv_lock
    work = tmp_path / "app"
    shutil.copytree(app, work)
    lock = read_lock(work / "uv.lock")
    (work / "uv.lock").write_text(render_lock(lock), encoding="utf-8")
    with IndexServer(DISTS) as index:
        pyproject = (work / "pyproject.toml").read_text(encoding="utf-8")
        old_url = next(p.source.value for p in lock.packages if p.source.is_registry)
        (work / "pyproject.toml").write_text(pyproject.replace(old_url, index.simple_url), encoding="utf-8")
        (work / "uv.lock").write_text(render_lock(lock).replace(old_url, index.simple_url), encoding="utf-8")
        ok = _uv(["lock", "--locked"], work, tmp_path)
        assert ok.returncode == 0, ok.stderr
        import dataclasses

        older = dataclasses.replace(lock, options=dataclasses.replace(lock.options, resolution_mode=None))
        (work / "uv.lock").write_text(render_lock(older).replace(old_url, index.simple_url), encoding="utf-8")
        stale = _uv(["lock", "--locked"], work, tmp_path)
        assert stale.returncode != 0 and "needs to be updated" in stale.stderr


EXPORT_ARGS = [
    [],
    ["--no-hashes"],
    ["--extra", "y", "--all-packages"],
    ["--extra", "x", "--no-dev", "--no-annotate"],
    ["--only-group", "dev"],
    ["--all-groups", "--extra", "cli", "--no-emit-project"],
    ["--package", "member"],
    ["--prune", "gamma", "--no-editable"],
    ["--no-emit-workspace", "--extra", "y"],
]


@pytest.mark.parametrize("args", EXPORT_ARGS, ids=lambda a: " ".join(a) or "default")
def test_export_matches_uv(uv_lock: tuple[Path, str], tmp_path: Path, args: list[str]) -> None:
    """`prong export --frozen` prints what `uv export --frozen` prints, but for the header's tool name."""
    app, _ = uv_lock
    theirs = _uv(["export", "--frozen", *args], app, tmp_path)
    assert theirs.returncode == 0, theirs.stderr
    ours = subprocess.run([sys.executable, "-m", "prong", "export", "--frozen", *args], cwd=app,
                          capture_output=True, text=True, timeout=60)
    assert ours.returncode == 0, ours.stderr
    header = ["# This file was autogenerated by prong via the following command:",
              "#    " + " ".join(["prong", "export", "--frozen", *args])]
    assert ours.stdout.splitlines()[:2] == header
    assert ours.stdout.splitlines()[2:] == theirs.stdout.splitlines()[2:]


def test_export_refuses_conflicting_extras_as_uv_does(uv_lock: tuple[Path, str], tmp_path: Path) -> None:
    app, _ = uv_lock
    theirs = _uv(["export", "--frozen", "--extra", "x", "--extra", "y"], app, tmp_path)
    ours = subprocess.run([sys.executable, "-m", "prong", "export", "--frozen", "--extra", "x", "--extra", "y"],
                          cwd=app, capture_output=True, text=True, timeout=60)
    assert theirs.returncode != 0 and ours.returncode != 0
    assert "incompatible with the declared conflicts" in theirs.stderr
    assert "Extras `x` and `y` are incompatible with the declared conflicts" in ours.stderr
    assert ours.stdout == ""
