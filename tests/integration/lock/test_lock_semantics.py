"""`prong lock` keeps what the lock says unless told otherwise: preferences, `-U`, `-P`, `--dry-run`,
`--locked`, and the no-op (an unchanged project is not resolved again)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist


@pytest.fixture
def server() -> Iterator[IndexServer]:
    with IndexServer([Dist("lib", "1.0"), Dist("other", "1.0")]) as s:
        yield s


@pytest.fixture
def project(tmp_path: Path, server: IndexServer) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["lib", "other"]\n'
    )
    return root


def lock(project: Path, server: IndexServer, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--directory", str(project), "--no-config", "--cache-dir", str(project.parent / "cache"),
                 "lock", "--default-index", server.simple_url, *args])
    _, err = capsys.readouterr()
    return code, err


def versions(project: Path) -> dict[str, str]:
    from prong.lock import read_lock

    return {p.name: str(p.version) for p in read_lock(project / "uv.lock").packages}


def test_a_relock_keeps_the_locked_versions_until_upgraded(
    project: Path, server: IndexServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lock(project, server, capsys)[0] == 0
    assert versions(project) == {"app": "0.1.0", "lib": "1.0", "other": "1.0"}
    server.add(Dist("lib", "2.0"))
    server.add(Dist("other", "2.0"))
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text() + "\n")  # inputs changed
    assert lock(project, server, capsys, "--refresh")[0] == 0  # (the pages are cached: ask again)
    assert versions(project)["lib"] == "1.0"  # the lock's version is preferred
    code, err = lock(project, server, capsys, "--dry-run", "-P", "lib")
    assert code == 0 and err.splitlines()[1:] == ["Update lib v1.0 -> v2.0"]  # uv's words
    assert versions(project)["lib"] == "1.0"  # --dry-run writes nothing
    code, err = lock(project, server, capsys, "-P", "lib")
    assert code == 0 and err.splitlines()[1:] == ["Updated lib v1.0 -> v2.0"]
    assert versions(project) == {"app": "0.1.0", "lib": "2.0", "other": "1.0"}
    code, err = lock(project, server, capsys, "-U")
    assert code == 0 and err.splitlines()[1:] == ["Updated other v1.0 -> v2.0"]
    assert versions(project) == {"app": "0.1.0", "lib": "2.0", "other": "2.0"}
    code, err = lock(project, server, capsys, "--dry-run")
    assert code == 0 and err.splitlines()[1:] == ["No lockfile changes detected"]


def test_lock_reports_each_package_change_as_uv_does(
    project: Path, server: IndexServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`Added`/`Updated`/`Removed` lines after a lock that changes (none for a first lock), and
    `Add ...` for every package of a first lock with `--dry-run`: the same lines as uv's."""
    import shutil

    from tests.support.uv import run_uv

    theirs = tmp_path / "uv-app"
    shutil.copytree(project, theirs)

    def both(*args: str) -> tuple[list[str], list[str]]:
        code, err = lock(project, server, capsys, *args)
        assert code == 0, err
        done = run_uv(["lock", "--no-config", "--default-index", server.simple_url, *args], theirs, tmp_path)
        assert done.returncode == 0, done.stderr
        uv_lines = [ln for ln in done.stderr.splitlines() if not ln.startswith(("Using ", "Resolved "))]
        return err.splitlines()[1:], uv_lines

    ours, theirs_lines = both("--dry-run")
    assert ours == theirs_lines == ["Add app v0.1.0", "Add lib v1.0", "Add other v1.0"]
    assert both() == ([], [])
    server.add(Dist("lib", "2.0"))
    server.add(Dist("extra", "1.0"))
    for root in (project, theirs):
        (root / "pyproject.toml").write_text(
            (root / "pyproject.toml").read_text().replace('["lib", "other"]', '["lib>=2", "extra"]'))
    ours, theirs_lines = both("--refresh")
    assert ours == theirs_lines == ["Added extra v1.0", "Updated lib v1.0 -> v2.0", "Removed other v1.0"]


def test_an_unchanged_project_is_not_resolved_again(
    project: Path, server: IndexServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import prong.api.lock as api

    calls: list[object] = []
    real = api.resolve_project

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "resolve_project", spy)
    assert lock(project, server, capsys)[0] == 0
    assert len(calls) == 1
    code, err = lock(project, server, capsys)
    assert code == 0 and "Resolved 3 packages" in err
    assert len(calls) == 1  # the same inputs: nothing resolved
    # A changed file that the lock still satisfies (uv's check, no network) is not resolved either,
    # and a lock edited by hand that still satisfies the project is left as it is, as uv leaves it.
    server.reset_counts()
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text() + "# changed\n")
    (project / "uv.lock").write_text((project / "uv.lock").read_text() + "\n")
    code, err = lock(project, server, capsys)
    assert code == 0 and "Resolved 3 packages" in err
    assert len(calls) == 1 and not server.requests
    assert (project / "uv.lock").read_text().endswith("\n\n")
    # A changed requirement resolves again.
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text().replace('"lib"', '"lib>=1"'))
    assert lock(project, server, capsys)[0] == 0
    assert len(calls) == 2


def test_locked_fails_on_a_stale_lock_naming_the_change(
    project: Path, server: IndexServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lock(project, server, capsys)[0] == 0
    before = (project / "uv.lock").read_bytes()
    (project / "pyproject.toml").write_text(
        (project / "pyproject.toml").read_text().replace('"other"]', '"other>=1.0"]')
    )
    code, err = lock(project, server, capsys, "--locked")
    assert code == 1
    assert "needs to be updated, but `--locked` was provided" in err
    assert "hint: `app`: requirement `other>=1.0` was added" in err
    assert "hint: `app`: requirement `other` was removed" in err
    assert (project / "uv.lock").read_bytes() == before
    assert lock(project, server, capsys, "--check")[0] == 1  # uv's other name for it


def test_a_project_directory_that_cannot_be_written(
    project: Path, server: IndexServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only directory (simulated: the tests run as root, whom permissions do not stop):
    one error naming the lock file, exit 1, nothing left behind."""
    import os

    real_replace = os.replace

    def refuse(src: str, dst: str) -> None:
        if str(dst).endswith("uv.lock"):
            raise PermissionError(13, "Permission denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", refuse)
    before = sorted(p.name for p in project.iterdir())
    code, err = lock(project, server, capsys)
    assert code == 1
    assert err.count("error:") == 1
    assert f"cannot write {project / 'uv.lock'}: Permission denied; nothing was changed" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in project.iterdir()) == before  # no uv.lock, no temporary file
