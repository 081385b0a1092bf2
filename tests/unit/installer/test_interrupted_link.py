"""An interrupt at any file-system step of installing or uninstalling a package, or of creating a
venv, leaves the package whole or absent and the venv replaceable (issue 13, section 7).

Every call that creates or removes something (link, copy, write, mkdir, chmod, rename, symlink;
unlink, rmdir, rmtree) is counted,
and a ``KeyboardInterrupt`` is raised just after the n-th, for every n until the operation
completes: the worst moment a signal can arrive, since the step is done but not yet noted.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from prong.installer.install import finish_removals, link_unpacked, uninstall
from prong.installer.unpack import unpack_wheel
from prong.python import find_interpreter
from prong.venv import Venv, create_venv, open_venv
from tests.support.wheel_builder import check_installed, installed, tree, wheel_bytes


class Interrupt:
    """Raise KeyboardInterrupt just after the ``at``-th creating call (0: never)."""

    def __init__(self, at: int) -> None:
        self.at, self.calls, self.fired = at, 0, False

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = fn(*args, **kwargs)
            self.calls += 1
            if self.calls == self.at:
                self.fired = True
                raise KeyboardInterrupt
            return result

        return wrapped


CREATING = ((os, "link"), (os, "symlink"), (os, "chmod"), (os, "rename"), (os, "replace"), (shutil, "copy2"),
            (Path, "write_bytes"), (Path, "write_text"), (Path, "mkdir"))
REMOVING = ((os, "rename"), (os, "unlink"), (os, "rmdir"), (shutil, "rmtree"), (Path, "unlink"), (Path, "rmdir"))


@pytest.fixture
def interrupt_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Interrupt]]:
    def arm(at: int, calls: tuple[tuple[Any, str], ...] = CREATING) -> Interrupt:
        plan = Interrupt(at)
        for owner, name in calls:
            monkeypatch.setattr(owner, name, plan.wrap(getattr(owner, name)))
        return plan

    yield arm


def _wheel(tmp_path: Path) -> Path:
    files = {"pkg/__init__.py": b"def main():\n    print('hi')\n"}
    files.update({f"pkg/sub{j % 2}/m{j}.py": f"X = {j}\n".encode() for j in range(6)})
    files.update({"pkg/sub0/__init__.py": b"", "pkg/sub1/__init__.py": b""})
    data = wheel_bytes("pkg", "1.0", files, console_scripts={"pkg-cli": "pkg:main", "pkg-two": "pkg:main"},
                       data_scripts={"pkg-sh": b"#!python\nprint('sh')\n", "pkg-bin": b"#!/bin/sh\necho\n"})
    path = tmp_path / "pkg-1.0-py3-none-any.whl"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("link_mode", ["hardlink", "copy"])
def test_an_interrupt_at_any_step_of_linking_leaves_the_package_whole_or_absent(
    tmp_path: Path, interrupt_at: Callable[[int], Interrupt], monkeypatch: pytest.MonkeyPatch, link_mode: str
) -> None:
    unpacked = unpack_wheel(_wheel(tmp_path), tmp_path / "cache" / "pkg")
    venv = create_venv(tmp_path / "venv", find_interpreter(sys.executable))
    baseline = tree(venv.root)
    outcomes = {"absent": 0, "whole": 0}
    for at in range(1, 500):
        with monkeypatch.context() as m:
            plan = interrupt_at(at)
            try:
                link_unpacked(unpacked, venv, link_mode=link_mode)  # type: ignore[arg-type]
            except KeyboardInterrupt:
                pass
            m.undo()
        if not plan.fired:  # it ran to the end: every step was tried
            break
        if installed(venv.root):
            assert check_installed(venv.root) == [], f"interrupted after step {at}"
            outcomes["whole"] += 1
            uninstall(next(venv.site_packages.glob("*.dist-info")), venv.root)
        else:
            outcomes["absent"] += 1
        assert tree(venv.root) == baseline, f"interrupted after step {at}"
    else:
        pytest.fail("link_unpacked never completed")
    assert installed(venv.root) == {"pkg": "1.0"} and check_installed(venv.root) == []
    assert outcomes["absent"] > 20 and outcomes["whole"] >= 1, outcomes  # (the last: just after the rename)


def test_an_interrupt_at_any_step_of_creating_a_venv_leaves_one_the_next_creation_replaces(
    tmp_path: Path, interrupt_at: Callable[[int], Interrupt], monkeypatch: pytest.MonkeyPatch
) -> None:
    interp = find_interpreter(sys.executable)
    root = tmp_path / ".venv"
    for at in range(1, 200):
        with monkeypatch.context() as m:
            plan = interrupt_at(at)
            try:
                create_venv(root, interp)
            except KeyboardInterrupt:
                pass
            m.undo()
        if not plan.fired:
            break
        # not a working venv (unless only the last step was left), yet one prong may replace
        if open_venv(root) is None:
            venv: Venv = create_venv(root, interp)
            assert open_venv(root) is not None and venv.python.exists(), f"interrupted after step {at}"
        shutil.rmtree(root)
    else:
        pytest.fail("create_venv never completed")
    assert open_venv(root) is not None


def test_an_interrupt_at_any_step_of_uninstalling_leaves_no_broken_package_and_the_next_sync_finishes(
    tmp_path: Path, interrupt_at: Callable[..., Interrupt], monkeypatch: pytest.MonkeyPatch
) -> None:
    unpacked = unpack_wheel(_wheel(tmp_path), tmp_path / "cache" / "pkg")
    venv = create_venv(tmp_path / "venv", find_interpreter(sys.executable))
    baseline = tree(venv.root)
    link_unpacked(unpacked, venv)
    for at in range(1, 500):
        with monkeypatch.context() as m:
            plan = interrupt_at(at, REMOVING)
            try:
                uninstall(venv.site_packages / "pkg-1.0.dist-info", venv.root)
            except KeyboardInterrupt:
                pass
            m.undo()
        if not plan.fired:
            break
        assert installed(venv.root) == {}, f"interrupted after step {at}"  # (the rename is the first step)
        finish_removals(venv.site_packages, venv.root)
        assert tree(venv.root) == baseline, f"interrupted after step {at}"
        link_unpacked(unpacked, venv)
    else:
        pytest.fail("uninstall never completed")
    assert tree(venv.root) == baseline
