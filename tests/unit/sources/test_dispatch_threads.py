"""``BuildDispatch`` used by several builds at once (``prong sync`` builds its wheels
concurrently): threads wanting the same build environment resolve and create it once, and share
it; the warnings filters a build quiets are the process's as they were once all builds end."""

from __future__ import annotations

import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from prong.cache import Cache
from prong.pep517 import hooks
from prong.pep517.dispatch import BuildDispatch
from prong.pep517.settings import BuildSettings


def test_threads_wanting_one_environment_create_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    resolved: list[int] = []
    created: list[Path] = []

    def resolve_build(self: Any, requirements: Any, pinned: Any) -> list[Any]:
        resolved.append(1)
        time.sleep(0.2)  # long enough for every thread to arrive while the first one works
        return []

    def create_env(python: Any, dest: Path) -> hooks.IsolatedEnv:
        created.append(dest)
        (dest / "bin").mkdir(parents=True)
        (dest / "bin" / "python").write_text("")
        return hooks.IsolatedEnv(dest, dest / "bin" / "python")

    monkeypatch.setattr(BuildDispatch, "_resolve_build", resolve_build)
    monkeypatch.setattr(hooks, "create_env", create_env)
    dispatch = BuildDispatch(None, Cache(tmp_path / "cache"), settings=BuildSettings())  # type: ignore[arg-type]
    got: list[hooks.IsolatedEnv] = []
    barrier = threading.Barrier(4)

    def want() -> None:
        barrier.wait()
        got.append(dispatch.environment(("setuptools>=40",), python="/usr/bin/python3"))

    threads = [threading.Thread(target=want) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and len({env.path for env in got}) == 1
    assert len(resolved) == 1 and len(created) == 1 and dispatch.environments_created == 1


def test_concurrent_builds_give_the_warnings_filters_back() -> None:
    before = warnings.filters[:]
    entered = threading.Barrier(2)
    first_out = threading.Event()

    def build(first: bool) -> None:
        with hooks._quiet_warnings():
            entered.wait()
            if first:
                first_out.set()
                return
            first_out.wait()
        # the second build ends last: the filters are those before either began

    a = threading.Thread(target=build, args=(True,))
    b = threading.Thread(target=build, args=(False,))
    a.start(); b.start(); a.join(); b.join()
    assert warnings.filters == before
