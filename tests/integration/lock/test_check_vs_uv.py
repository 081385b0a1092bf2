"""prong's up-to-date check agrees with uv 0.13.9's `uv lock --locked`, case by case.

Each case locks a small project with the real uv against a test index on 127.0.0.1, changes the
pyproject (or the settings of the run), and asks both: uv through `uv lock --locked`'s exit status,
prong through `lock_status` (no network). The verdicts must be equal; where the lock is stale,
prong's account must name what changed (uv only says that the lock needs to be updated).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from prong.api.lock import lock_status
from prong.project.settings import load_config
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist

DISTS = [
    Dist("lib", "1.0"), Dist("lib", "2.0"), Dist("other", "1.0"), Dist("other", "2.0"),
    Dist("extra-dep", "1.0"), Dist("tool", "1.0"),
]

BASE = '''[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["lib>=1", "other"]

[project.optional-dependencies]
x = ["extra-dep"]
y = []

[dependency-groups]
dev = ["tool"]

[tool.uv]
exclude-newer = "2030-01-01T00:00:00Z"

[[tool.uv.index]]
name = "test"
url = "@INDEX@"
default = true
'''

EXPLICIT = '''
[[tool.uv.index]]
name = "ex"
url = "@INDEX@"
explicit = true

[tool.uv.sources]
tool = { index = "ex" }
'''


def _uv_bin() -> str:
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    assert found, "uv is not installed: `pip install -e '.[test]'` installs it"
    return found


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    env.update(UV_CACHE_DIR=str(tmp / "uv-cache"), XDG_CONFIG_HOME=str(tmp / "config"), UV_PYTHON=sys.executable,
               UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    return env


def _uv(args: list[str], cwd: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_uv_bin(), *args], cwd=cwd, env=_env(tmp), capture_output=True, text=True, timeout=120)


def _tool_uv(line: str) -> Callable[[str], str]:
    return lambda t: t.replace("[tool.uv]\n", f"[tool.uv]\n{line}\n")


def _same(t: str) -> str:
    return t


@dataclass(frozen=True)
class Case:
    id: str
    after: Callable[[str], str]
    detail: str | None = None  # a piece of prong's account of a stale lock
    before: Callable[[str], str] = _same
    args: dict[str, str] = field(default_factory=dict)  # run settings (`lock_status` keywords / uv flags)


CASES = [
    Case("unchanged", _same),
    Case("reordered-dependencies", lambda t: t.replace('["lib>=1", "other"]', '["other", "lib>=1"]')),
    Case("respelled-specifier", lambda t: t.replace('"lib>=1"', '"lib >= 1.0"')),
    Case("name-spelling", lambda t: t.replace('"other"]', '"Other"]')),
    Case("added-dependency", lambda t: t.replace('"other"]', '"other", "tool"]'),
         "`app`: requirement `tool` was added"),
    Case("removed-dependency", lambda t: t.replace(', "other"]', "]"), "`app`: requirement `other` was removed"),
    Case("changed-specifier", lambda t: t.replace("lib>=1", "lib>=1.5"),
         "`app`: requirement `lib>=1` changed to `lib>=1.5`"),
    Case("changed-marker", lambda t: t.replace('"other"]', "\"other; sys_platform == 'linux'\"]"),
         "changed to `other ; sys_platform == 'linux'`"),
    Case("marker-implied-by-requires-python", lambda t: t.replace('"other"]', "\"other; python_version >= '3.8'\"]")),
    Case("added-extra", lambda t: t.replace("y = []", "y = []\nz = []"), "`app`: extra `z` was added"),
    Case("changed-group", lambda t: t.replace('dev = ["tool"]', 'dev = ["tool", "other"]'),
         "`app`: requirement `other` was added in group `dev`"),
    Case("added-empty-group", lambda t: t.replace('dev = ["tool"]', 'dev = ["tool"]\nlint = []'),
         "dependency group `lint` was added"),
    Case("changed-requires-python", lambda t: t.replace('">=3.10"', '">=3.11"'),
         "`requires-python` changed from `>=3.10` to `>=3.11`"),
    Case("respelled-requires-python", lambda t: t.replace('">=3.10"', '">=3.10.0, >=3.9"')),
    Case("added-conflicts", _tool_uv('conflicts = [[{ extra = "x" }, { extra = "y" }]]'), "`tool.uv.conflicts` changed"),
    Case("reordered-conflict-set", lambda t: t.replace('{ extra = "x" }, { extra = "y" }', '{ extra = "y" }, { extra = "x" }'),
         before=_tool_uv('conflicts = [[{ extra = "x" }, { extra = "y" }]]')),
    Case("changed-explicit-index-url", lambda t: t.replace('"ex"\nurl = "@INDEX@"', '"ex"\nurl = "@OTHER@"'),
         "changed to `tool (index @OTHER@)`", before=lambda t: t + EXPLICIT),
    Case("renamed-explicit-index", lambda t: t.replace('"ex"', '"ex2"'), before=lambda t: t + EXPLICIT),
    Case("exclude-newer-later", lambda t: t.replace("2030-01-01", "2030-06-01")),
    Case("exclude-newer-earlier", lambda t: t.replace("2030-01-01", "2029-06-01"),
         "change of exclude newer timestamp from `2030-01-01T00:00:00Z` to `2029-06-01T00:00:00Z`"),
    Case("exclude-newer-removed", lambda t: t.replace('exclude-newer = "2030-01-01T00:00:00Z"\n', ""),
         "removal of global exclude newer"),
    Case("exclude-newer-on-the-command-line", _same, "exclude newer timestamp",
         args={"exclude_newer": "2029-01-01T00:00:00Z"}),
    Case("added-environments", _tool_uv("environments = [\"sys_platform == 'linux'\"]"),
         "`tool.uv.environments` changed from `[]` to `[sys_platform == 'linux']`"),
    Case("reordered-environments",
         lambda t: t.replace("[\"sys_platform == 'linux'\", \"sys_platform == 'darwin'\"]",
                             "[\"sys_platform == 'darwin'\", \"sys_platform == 'linux'\"]"),
         "`tool.uv.environments` changed",
         before=_tool_uv("environments = [\"sys_platform == 'linux'\", \"sys_platform == 'darwin'\"]")),
    Case("environments-respelled", lambda t: t.replace(" and python_version >= '3.10'", ""),
         before=_tool_uv("environments = [\"sys_platform == 'linux' and python_version >= '3.10'\"]")),
    Case("added-required-environments", _tool_uv("required-environments = [\"sys_platform == 'linux'\"]"),
         "`tool.uv.required-environments` changed"),
    Case("changed-resolution", _tool_uv('resolution = "lowest-direct"'),
         "the resolution mode changed from `highest` to `lowest-direct`"),
    Case("default-prerelease-spelled-out", _tool_uv('prerelease = "if-necessary-or-explicit"')),
    Case("changed-prerelease", _tool_uv('prerelease = "allow"'), "pre-release mode changed"),
    Case("changed-default-index", lambda t: t.replace('"test"\nurl = "@INDEX@"', '"test"\nurl = "@OTHER@"'),
         "is locked from `@INDEX@`, which is not among the configured indexes"),
    Case("default-index-on-the-command-line", _same, "not among the configured indexes",
         args={"default_index": "@OTHER@"}),
    Case("extra-index-added", lambda t: t + '\n[[tool.uv.index]]\nname = "b"\nurl = "@OTHER@"\n'),
    Case("no-index-configured", lambda t: t.split("[[tool.uv.index]]")[0]),
    Case("default-groups-spelled-out", _tool_uv('default-groups = ["dev"]')),
    Case("changed-default-groups", _tool_uv("default-groups = []"), "`default-groups` changed from [`dev`] to []"),
    Case("changed-version", lambda t: t.replace('version = "0.1.0"', 'version = "0.2.0"'),
         "the version changed from `0.1.0` to `0.2.0`"),
    Case("added-constraint", _tool_uv('constraint-dependencies = ["lib<3"]'), "constraint `lib<3` was added"),
    Case("became-a-package",
         lambda t: t + '\n[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
         "`app` is a package now"),
]

_UV_FLAGS = {"exclude_newer": "--exclude-newer", "default_index": "--default-index"}


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[IndexServer, IndexServer]]:
    with IndexServer(DISTS) as index, IndexServer(DISTS) as other:
        yield index, other


@pytest.fixture(scope="module")
def locked_by_uv(tmp_path_factory: pytest.TempPathFactory, servers: tuple[IndexServer, IndexServer]
                 ) -> Callable[[str], Path]:
    """A directory with a project (its text given) and the uv.lock uv wrote for it; one lock per text."""
    tmp = tmp_path_factory.mktemp("uv-locked")
    made: dict[str, Path] = {}

    def get(text: str) -> Path:
        if text not in made:
            d = tmp / f"p{len(made)}"
            d.mkdir()
            (d / "pyproject.toml").write_text(text, encoding="utf-8")
            done = _uv(["lock"], d, tmp)
            assert done.returncode == 0, done.stderr
            made[text] = d
        return made[text]

    return get


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_prong_and_uv_agree(case: Case, servers: tuple[IndexServer, IndexServer],
                            locked_by_uv: Callable[[str], Path], tmp_path: Path) -> None:
    index, other = servers

    def fill(text: str) -> str:
        return text.replace("@INDEX@", index.simple_url).replace("@OTHER@", other.simple_url)

    before = case.before(BASE)
    work = tmp_path / "app"
    shutil.copytree(locked_by_uv(fill(before)), work)
    (work / "pyproject.toml").write_text(fill(case.after(before)), encoding="utf-8")
    args = {k: fill(v) for k, v in case.args.items()}
    flags = [x for k, v in args.items() for x in (_UV_FLAGS[k], v)]

    uv = _uv(["lock", "--locked", *flags], work, tmp_path)
    assert uv.returncode in (0, 1), uv.stderr  # 1: uv says the lock needs to be updated
    if uv.returncode:
        assert "needs to be updated" in uv.stderr

    env = _env(tmp_path)
    status = lock_status(work, config=load_config(work, env), environ=env, **args)  # type: ignore[arg-type]
    assert status.satisfied == (uv.returncode == 0), (str(status), uv.stderr)
    if case.detail is not None:
        assert not status.satisfied
        assert any(fill(case.detail) in line for line in status.hints()), status.hints()
    # The check reads; it writes nothing.
    assert (work / "uv.lock").read_bytes() == (locked_by_uv(fill(before)) / "uv.lock").read_bytes()


def _prong_lock(project: Path, tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                *args: str) -> tuple[int, str]:
    from prong.cli.main import main

    for key in [k for k in os.environ if k.startswith("UV_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp / "config"))
    code = main(["--directory", str(project), "--cache-dir", str(tmp / "prong-cache"), "lock", *args])
    return code, capsys.readouterr().err


def test_a_lock_that_still_satisfies_the_project_is_kept_without_the_network(
    servers: tuple[IndexServer, IndexServer], locked_by_uv: Callable[[str], Path], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """uv's lock, a pyproject whose changes uv accepts (a later exclude-newer, reordered
    dependencies, a comment): `prong lock` and `prong lock --locked` keep the lock as it is and ask
    the index nothing; `uv lock --locked` agrees that nothing needs updating."""
    index, _ = servers
    text = BASE.replace("@INDEX@", index.simple_url)
    work = tmp_path / "app"
    shutil.copytree(locked_by_uv(text), work)
    before = (work / "uv.lock").read_bytes()
    changed = text.replace("2030-01-01", "2030-06-01").replace('["lib>=1", "other"]', '["other", "lib>=1"]')
    (work / "pyproject.toml").write_text(changed + "# edited\n", encoding="utf-8")
    index.reset_counts()
    for args in ((), ("--locked",)):
        code, err = _prong_lock(work, tmp_path, capsys, monkeypatch, *args)
        assert code == 0, err
        assert "Resolved 5 packages" in err
    assert not index.requests, index.requests
    assert (work / "uv.lock").read_bytes() == before
    assert _uv(["lock", "--locked"], work, tmp_path).returncode == 0


def test_a_changed_resolution_mode_locks_afresh_as_uv_does(
    servers: tuple[IndexServer, IndexServer], locked_by_uv: Callable[[str], Path], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A lock made with `resolution = "lowest-direct"` (lib 1.0) is no use once the setting goes:
    uv ignores it (no preferences), and so does prong: both now lock lib 2.0, the same text."""
    index, _ = servers
    text = _tool_uv('resolution = "lowest-direct"')(BASE.replace("@INDEX@", index.simple_url))
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    shutil.copytree(locked_by_uv(text), ours)
    assert 'name = "lib"\nversion = "1.0"' in (ours / "uv.lock").read_text(encoding="utf-8")
    (ours / "pyproject.toml").write_text(BASE.replace("@INDEX@", index.simple_url), encoding="utf-8")
    shutil.copytree(ours, theirs)

    code, err = _prong_lock(ours, tmp_path, capsys, monkeypatch, "--locked")
    assert code == 1
    assert "hint: the resolution mode changed from `lowest-direct` to `highest`" in err
    code, err = _prong_lock(ours, tmp_path, capsys, monkeypatch)
    assert code == 0, err
    assert "Ignoring existing lockfile due to change in resolution mode: `lowest-direct` vs. `highest`" in err
    done = _uv(["lock"], theirs, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Ignoring existing lockfile due to change in resolution mode" in done.stderr
    assert 'name = "lib"\nversion = "2.0"' in (ours / "uv.lock").read_text(encoding="utf-8")
    assert (ours / "uv.lock").read_text(encoding="utf-8") == (theirs / "uv.lock").read_text(encoding="utf-8")
