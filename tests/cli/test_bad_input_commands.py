"""The bad-input corpus of the everyday commands (issue 14): init, add, remove, sync, run, venv, tree,
why, version, export, build and pip install/uninstall/sync/list/freeze/show/check.

Table-driven, like ``test_bad_input_corpus.py`` (the older commands'). Each case runs the real CLI
in-process (``prong.cli.main.main``; as another user in a subprocess for the read-only cases) in a
fresh directory and checks: its exit code (docs/exit-codes.md: 0 done, 1 the work failed, 2 usage or
configuration), exactly one ``error:`` line containing the case's words (the file, URL, key or value),
a ``hint:`` where a fix exists, no traceback, and no file created, changed or deleted in the
directory except the intended output. Index faults come from local servers: a refused port, 404,
500, garbage pages, a redirect loop and a server that never answers (``UV_HTTP_TIMEOUT=1``).
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.fault_server import FaultServer, Route
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist

SRC = Path(__file__).parents[2] / "src"

PYPROJECT = """[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.8"
dependencies = ["tinypkg"]

[project.optional-dependencies]
a = ["tinypkg>=1"]
b = ["tinypkg<2"]

[dependency-groups]
dev = ["tinypkg"]

[tool.uv]
conflicts = [[{ extra = "a" }, { extra = "b" }]]

[[tool.uv.index]]
name = "test"
url = "{index}"
default = true
"""
NODEPS = '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = []\n'
PYLOCK = """lock-version = "1.0"
created-by = "test"

[[packages]]
name = "tinypkg"
version = "1.0"
"""


def project(index: str = "{index}", *, lock: bool = True, **extra: str) -> dict[str, str]:
    files = {"pyproject.toml": PYPROJECT.replace("{index}", index)}
    if lock:
        files["uv.lock"] = "{lock}"
    files.update(extra)
    return files


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    files: dict[str, str] = field(default_factory=dict)
    exit: int = 2
    words: tuple[str, ...] = ()  # each must appear in the error: line
    hint: bool = False
    output: tuple[str, ...] = ()  # intended outputs (paths or directory prefixes) allowed to change
    env: dict[str, str] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    readonly: bool = False  # run as an unprivileged user in a subprocess, the case directory read-only


def _bad_cases() -> Iterator[Case]:
    # -- mistyped commands, options and option values: argparse, through the one renderer ----------
    yield Case("cmd-typo", ("snyc",), {}, 2, ("snyc",), True)
    yield Case("pip-sub-typo", ("pip", "instal", "six"), {}, 2, ("instal",), True)
    yield Case("cache-sub-typo", ("cache", "purge"), {}, 2, ("purge",), True)
    yield Case("index-sub-typo", ("index", "version", "six"), {}, 2, ("version",), True)
    yield Case("pip-no-sub", ("pip",), {}, 2, ("SUBCOMMAND",), True)
    yield Case("sync-option-typo", ("sync", "--frozn"), project(), 2, ("--frozn",), True)
    yield Case("add-option-typo", ("add", "six", "--no-synk"), project(), 2, ("--no-synk",), True)
    yield Case("tree-option-typo", ("tree", "--dept", "1"), project(), 2, ("--dept",), True)
    yield Case("pip-install-option-typo", ("pip", "install", "--upgrayed", "six"), {}, 2, ("--upgrayed",), True)
    yield Case("why-missing-arg", ("why",), project(), 2, ("package",), True)
    yield Case("pip-sync-missing-arg", ("pip", "sync"), {}, 2, ("FILE",), True)
    yield Case("venv-python-no-value", ("venv", "--python"), {}, 2, ("--python",), True)
    yield Case("tree-depth-not-int", ("tree", "--depth", "deep"), project(), 2, ("--depth", "deep"), True)
    yield Case("bump-bad", ("version", "--bump", "huge"), project(), 2, ("--bump", "huge"), True)
    yield Case("export-format-bad", ("export", "--format", "yaml"), project(), 2, ("--format", "yaml"), True)
    yield Case("sync-link-mode-bad", ("sync", "--link-mode", "teleport"), project(), 2, ("teleport",), True)
    yield Case("sync-resolution-bad", ("sync", "--resolution", "newest"), project(), 2, ("newest",), True)
    yield Case("sync-prerelease-bad", ("sync", "--prerelease", "always"), project(), 2, ("always",), True)
    yield Case("run-index-strategy-bad", ("run", "--index-strategy", "best", "python"), project(), 2, ("best",), True)
    yield Case("init-vcs-bad", ("init", "--vcs", "svn", "new"), {}, 2, ("svn",), True)
    yield Case("add-bounds-bad", ("add", "six", "--bounds", "loose"), project(), 2, ("loose",), True)
    yield Case("pip-list-format-bad", ("pip", "list", "--format", "xml"), {}, 2, ("xml",), True)
    yield Case("color-bad", ("--color", "sometimes", "tree"), project(), 2, ("sometimes",), True)
    yield Case("init-app-and-lib", ("init", "--app", "--lib", "new"), {}, 2, ("--lib", "--app"), True)
    # -- option values prong checks itself ----------------------------------------------------------
    for argv in (("add", "tinypkg"), ("sync",), ("pip", "install", "tinypkg", "--python", "{venv}")):
        name = "-".join(argv[:2] if argv[0] == "pip" else argv[:1])
        yield Case(f"{name}-exclude-newer-bad", (*argv, "--exclude-newer", "yesterday"), project(), 2,
                   ("yesterday",))
    for argv in (("export",), ("tree",)):
        yield Case(f"{argv[0]}-uv-index-url-env-bad", argv, project(lock=False), 2, ("not a url",), True,
                   env={"UV_INDEX_URL": "not a url"})
    for argv in (("add", "tinypkg", "--default-index"), ("add", "tinypkg", "--index"), ("sync", "--index-url"),
                 ("run", "--default-index"), ("pip", "install", "tinypkg", "--python", "{venv}", "-i"),
                 ("build", "--index-url")):
        name = "-".join(argv[:2] if argv[0] == "pip" else argv[:1]) + argv[-1]
        yield Case(f"{name}-not-a-url", (*argv, "not a url", *(("python", "-c", "0") if argv[0] == "run" else ())),
                   project(lock=False), 2, ("not a url",), True)
    yield Case("sync-http-timeout-env-bad", ("sync",), project(lock=False), 2, ("UV_HTTP_TIMEOUT", "soon"),
               env={"UV_HTTP_TIMEOUT": "soon"})
    yield Case("add-http-retries-env-bad", ("add", "tinypkg"), project(), 2, ("UV_HTTP_RETRIES", "many"),
               env={"UV_HTTP_RETRIES": "many"})
    yield Case("tree-python-version-bad", ("tree", "--frozen", "--python-version", "three"), project(), 2, ("three",))
    yield Case("tree-python-platform-bad", ("tree", "--frozen", "--python-platform", "amiga"), project(), 2,
               ("amiga",), True)
    yield Case("sync-python-platform-bad", ("sync", "--frozen", "--python-platform", "amiga"), project(), 2,
               ("amiga",), True)
    yield Case("version-value-bad", ("version", "one.two", "--frozen"), project(), 2, ("one.two",))
    yield Case("version-value-and-bump", ("version", "1.0", "--bump", "major", "--frozen"), project(), 2,
               ("--bump",))
    yield Case("add-req-bad", ("add", "tinypkg==1.0.x", "--frozen"), project(), 2, ("tinypkg==1.0.x",))
    yield Case("add-req-bad-marker", ("add", "tinypkg ; python_version >", "--frozen"), project(), 2, ("marker",))
    yield Case("add-git-url-bad", ("add", "git+https://", "--frozen"), project(), 2, ("git+https://",))
    yield Case("add-path-missing", ("add", "./nope", "--frozen"), project(), 2, ("nope",), True)
    yield Case("add-dev-and-group", ("add", "tinypkg", "--dev", "--group", "lint", "--frozen"), project(), 2,
               ("--dev", "--group"))
    yield Case("add-optional-and-group", ("add", "tinypkg", "--optional", "x", "--group", "y", "--frozen"),
               project(), 2, ("--optional", "--group"))
    yield Case("add-optional-bad-name", ("add", "tinypkg", "--optional", "not an extra!", "--frozen"), project(),
               2, ("not an extra!",))
    yield Case("add-nothing", ("add",), project(), 2, ("add",), True)
    yield Case("init-name-bad", ("init", "--name", "bad name!", "new"), {}, 2, ("bad name!",))
    yield Case("init-python-bad", ("init", "--python", "snake", "new"), {}, 2, ("snake",), True)
    yield Case("pip-install-nothing", ("pip", "install", "--python", "{venv}"), {}, 2, ("nothing to install",), True)
    yield Case("pip-uninstall-nothing", ("pip", "uninstall"), {}, 2, ("uninstall",), True)
    yield Case("export-pylock-bad-name", ("export", "--frozen", "--format", "pylock.toml", "-o", "locked.toml"),
               project(), 2, ("locked.toml", "pylock"), True)
    yield Case("export-o-pyproject", ("export", "--frozen", "-o", "pyproject.toml"), project(), 2,
               ("pyproject.toml",), True)
    yield Case("sync-frozen-and-locked", ("sync", "--frozen", "--locked"), project(), 2, ("--frozen", "--locked"))
    yield Case("tree-frozen-and-locked", ("tree", "--frozen", "--locked"), project(), 2, ("--frozen", "--locked"))
    yield Case("config-file-missing", ("--config-file", "nope.toml", "tree", "--frozen"), project(), 2,
               ("nope.toml",), True)
    yield Case("config-file-bad", ("--config-file", "bad.toml", "tree", "--frozen"),
               project(**{"bad.toml": "index-url = \n"}), 2, ("bad.toml",))
    yield Case("project-dir-missing", ("--project", "nowhere", "sync", "--frozen"), {}, 2, ("nowhere",), True)
    yield Case("directory-missing", ("--directory", "nowhere", "tree"), {}, 1, ("nowhere",), True)
    # -- unknown extra / group / package; conflicting extras ----------------------------------------
    for argv in (("sync", "--frozen"), ("export", "--frozen"), ("tree", "--frozen"), ("run", "--frozen")):
        n = argv[0]
        tail = ("python", "-c", "0") if n == "run" else ()
        yield Case(f"{n}-unknown-extra", (*argv, "--extra", "nope", *tail), project(), 2, ("nope",), True)
        if n == "tree":  # as `uv tree`: an unknown group draws nothing for it
            yield Case(f"{n}-unknown-group", (*argv, "--group", "nope", *tail), project(), 0)
        else:
            yield Case(f"{n}-unknown-group", (*argv, "--group", "nope", *tail), project(), 2, ("nope",), True)
        if n != "tree":
            yield Case(f"{n}-conflicting-extras", (*argv, "--extra", "a", "--extra", "b", *tail), project(), 2,
                       ("`a`", "`b`"), True)
    yield Case("export-unknown-package", ("export", "--frozen", "--package", "nope"), project(), 2, ("nope",))
    yield Case("sync-unknown-package", ("sync", "--frozen", "--package", "nope"), project(), 2, ("nope",))
    yield Case("why-not-in-lock", ("why", "nothere", "--no-index"), project(), 2, ("nothere",), True)
    yield Case("why-bad-name", ("why", "not a name!", "--no-index"), project(), 2, ("not a name!",))
    yield Case("remove-not-a-dependency", ("remove", "six", "--frozen"), project(), 2,
               ("six", "project.dependencies"), True)
    yield Case("remove-unknown-group", ("remove", "tinypkg", "--group", "lint", "--frozen"), project(), 2,
               ("lint",))
    yield Case("remove-unknown-extra", ("remove", "tinypkg", "--optional", "c", "--frozen"), project(), 2, ("c",))
    yield Case("remove-dev-missing", ("remove", "six", "--dev", "--frozen"), project(), 2, ("six",))
    # -- missing project, missing lock --------------------------------------------------------------
    for argv in (("sync",), ("add", "six"), ("remove", "six"), ("tree",), ("version",), ("why", "six"),
                 ("run", "python", "-c", "0"), ("export",), ("build",)):
        yield Case(f"{argv[0]}-no-pyproject", argv, {}, 2, ("pyproject.toml",), True)
    for argv in (("sync", "--frozen"), ("export", "--frozen"), ("tree", "--frozen"),
                 ("run", "--frozen", "python", "-c", "0"), ("why", "tinypkg", "--no-index"),
                 ("export", "--frozen", "--format", "pylock.toml")):
        name = argv[0] + ("-pylock" if "pylock.toml" in argv else "")
        # as uv 0.13.9: `sync`/`run --frozen` without a lock exit 1; export/tree/why read the lock: 2
        yield Case(f"{name}-frozen-no-lock", argv, project(lock=False), 1 if name in ("sync", "run") else 2,
                   ("uv.lock",), True)
    yield Case("sync-locked-stale", ("sync", "--locked"), project(**{"uv.lock": "{lock}"}) | {
        "pyproject.toml": PYPROJECT.replace('version = "0.1.0"', 'version = "0.2.0"')}, 1, ("uv.lock", "--locked"),
        True)
    yield Case("add-locked-changes", ("add", "tinypkg", "--optional", "c", "--locked"), project(), 1,
               ("uv.lock", "--locked"), True)
    # -- malformed pyproject.toml / uv.toml / uv.lock -----------------------------------------------
    for argv in (("sync",), ("add", "six"), ("remove", "tinypkg"), ("tree",), ("version",),
                 ("run", "python", "-c", "0"), ("export",), ("build",), ("version", "--bump", "patch")):
        yield Case(f"{argv[0]}{'-bump' if '--bump' in argv else ''}-bad-toml", argv,
                   {"pyproject.toml": '[project\nname = "demo"\n'}, 2, ("pyproject.toml",))
    for argv in (("sync",), ("add", "six"), ("tree",), ("export",), ("version", "--bump", "patch", "--frozen")):
        yield Case(f"{argv[0]}{'-' + argv[1] if argv[0] == 'pip' else ''}-bad-uv-toml", argv,
                   project(**{"uv.toml": "index-url = \n"}), 2, ("uv.toml",))
    for argv in (("sync", "--frozen"), ("tree", "--frozen"), ("why", "tinypkg", "--no-index"),
                 ("run", "--frozen", "python", "-c", "0"), ("export", "--frozen", "--format", "pylock.toml"),
                 ("sync",), ("add", "six", "--no-sync")):
        name = argv[0] + ("-pylock" if "pylock.toml" in argv else "") + ("-unfrozen" if len(argv) == 1 else "")
        yield Case(f"{name}-bad-lock", argv, project(**{"uv.lock": "version = \n"}), 2, ("uv.lock",))
    yield Case("sync-lock-future-version", ("sync", "--frozen"), project(**{"uv.lock": "version = 9\n"}), 2,
               ("uv.lock", "9"), True)
    yield Case("tree-lock-no-packages-table", ("tree", "--frozen"),
               project(**{"uv.lock": 'version = 1\nrevision = 3\nrequires-python = ">=3.8"\npackage = 3\n'}), 2,
               ("uv.lock",))
    yield Case("sync-bad-dependency", ("sync",), {"pyproject.toml": NODEPS.replace("[]", '["tinypkg==1.0.x"]')}, 2,
               ("pyproject.toml", "tinypkg==1.0.x"))
    yield Case("tree-bad-name", ("tree",), {"pyproject.toml": NODEPS.replace('"demo"', '"demo!"')}, 2,
               ("pyproject.toml", "demo!"))
    yield Case("version-bad-version", ("version", "--bump", "patch", "--frozen"),
               {"pyproject.toml": NODEPS.replace('"0.1.0"', '"x.y"')}, 2, ("pyproject.toml", "x.y"))
    yield Case("version-dynamic", ("version", "--bump", "patch", "--frozen"),
               {"pyproject.toml": NODEPS.replace('version = "0.1.0"', 'dynamic = ["version"]')}, 2,
               ("version",))
    yield Case("version-no-project-table", ("version",), {"pyproject.toml": "[tool.uv]\n"}, 2,
               ("pyproject.toml", "project"))
    yield Case("build-bad-build-system", ("build",),
               {"pyproject.toml": NODEPS + '[build-system]\nrequires = "setuptools"\n'}, 2,
               ("pyproject.toml", "build-system"))
    # -- requirements files and pylock.toml (installing from a pylock.toml is refused as not implemented yet:
    # usage, exit 2, with the export hint) -----------------------------------------------------------
    yield Case("add-r-missing", ("add", "-r", "missing.txt", "--frozen"), project(), 1, ("missing.txt",))
    yield Case("add-r-bad-line", ("add", "-r", "req.txt", "--frozen"), project(**{"req.txt": "tinypkg==1.x\n"}),
               1, ("req.txt",))
    venv = ("--python", "{venv}")
    yield Case("pip-install-r-missing", ("pip", "install", "-r", "missing.txt", *venv), {}, 1, ("missing.txt",), True)
    yield Case("pip-install-r-bad-line", ("pip", "install", "-r", "req.txt", *venv), {"req.txt": "six[\n"}, 1,
               ("req.txt",))
    yield Case("pip-install-r-dir", ("pip", "install", "-r", "reqdir", *venv), {"reqdir/x": ""}, 1, ("reqdir",), True)
    yield Case("pip-sync-missing", ("pip", "sync", "missing.txt", *venv), {}, 1, ("missing.txt",), True)
    yield Case("pip-sync-bad-line", ("pip", "sync", "req.txt", *venv), {"req.txt": "six==1.0.x\n"}, 1, ("req.txt",))
    yield Case("pip-uninstall-r-missing", ("pip", "uninstall", "-r", "missing.txt", *venv), {}, 1, ("missing.txt",),
               True)
    yield Case("pip-sync-pylock-bad-toml", ("pip", "sync", "pylock.toml", "--python", "{venv}"),
               {"pylock.toml": "lock-version = \n"}, 2, ("pylock.toml",), True)
    yield Case("pip-sync-pylock-future", ("pip", "sync", "pylock.toml", "--python", "{venv}"),
               {"pylock.toml": PYLOCK.replace('"1.0"', '"9.0"', 1)}, 2, ("pylock.toml",), True)
    yield Case("pip-sync-pylock-named", ("pip", "sync", "pylock.dev.toml", "--python", "{venv}"),
               {"pylock.dev.toml": PYLOCK}, 2, ("pylock.dev.toml",), True)
    yield Case("pip-install-r-pylock-bad", ("pip", "install", "-r", "pylock.toml", "--python", "{venv}"),
               {"pylock.toml": "[[packages]\n"}, 2, ("pylock.toml",), True)
    # -- environments: venv, pip without one, interpreters ------------------------------------------
    yield Case("venv-existing-dir", ("venv", "mydir"), {"mydir/keep.txt": "precious"}, 2, ("mydir",), True)
    yield Case("venv-is-file", ("venv", "afile"), {"afile": "precious"}, 2, ("afile",), True)
    yield Case("venv-python-missing", ("venv", "--python", "2.6"), {}, 2, ("2.6",), True)
    yield Case("venv-python-bad-path", ("venv", "--python", "/nonexistent/python"), {}, 2, ("/nonexistent/python",),
               True)
    yield Case("init-existing-project", ("init",), project(), 2, ("pyproject.toml",), True)
    yield Case("init-path-is-file", ("init", "afile"), {"afile": "precious"}, 1, ("afile",), True)
    yield Case("init-in-project-subdir-existing", ("init", "sub"), {"sub/pyproject.toml": NODEPS}, 2,
               ("pyproject.toml",), True)
    yield Case("pip-install-no-venv", ("pip", "install", "tinypkg"), {}, 2, ("virtual environment",), True,
               env={"VIRTUAL_ENV": ""})
    yield Case("pip-list-no-venv", ("pip", "list"), {}, 2, ("virtual environment",), True, env={"VIRTUAL_ENV": ""})
    yield Case("pip-freeze-python-missing", ("pip", "freeze", "--python", "/nonexistent/python"), {}, 2,
               ("/nonexistent/python",))
    yield Case("pip-check-python-missing", ("pip", "check", "--python", "nope-env"), {}, 2, ("nope-env",))
    yield Case("pip-show-python-missing", ("pip", "show", "six", "--python", "nope-env"), {}, 2, ("nope-env",))
    yield Case("sync-python-missing", ("sync", "--frozen", "--python", "2.6"), project(), 2, ("2.6",), True)
    yield Case("run-no-command", ("run",), project(), 2, ("command",), True)
    yield Case("run-no-sync-no-venv", ("run", "--no-sync", "nosuchcommand-xyz"), project(), 2,
               ("nosuchcommand-xyz",))
    yield Case("build-out-dir-is-file", ("build", "-o", "afile"),
               {"pyproject.toml": NODEPS + '[build-system]\nrequires = ["setuptools"]\n', "afile": "x"}, 1,
               ("afile",), True)
    # -- indexes that fail: refused, 404, 500, garbage, redirect loop, timeout ----------------------
    for fault in ("refused", "404", "500", "garbage", "loop", "timeout"):
        url = "{%s}" % fault
        words = ("tinypkg",) if fault == "404" else (url,)
        yield Case(f"add-index-{fault}", ("add", "tinypkg"), project(url, lock=False), 1, words)
        yield Case(f"lock-via-sync-{fault}", ("sync",), project(url, lock=False), 1, words, output=(".venv",))
        yield Case(f"pip-install-{fault}", ("pip", "install", "tinypkg", "--python", "{venv}", "-i", url), {}, 1,
                   words)
    yield Case("tree-index-refused", ("tree",), project("{refused}", lock=False), 1, ("{refused}",))
    yield Case("export-index-500", ("export",), project("{500}", lock=False), 1, ("{500}",))
    yield Case("version-bump-index-refused", ("version", "--bump", "patch"), project("{refused}"), 1,
               ("{refused}",))
    yield Case("run-index-404", ("run", "python", "-c", "0"), project("{404}", lock=False), 1, ("tinypkg",),
               output=(".venv",))
    yield Case("why-index-refused", ("why", "tinypkg"), project("{refused}"), 0)
    yield Case("add-flag-index-refused", ("add", "tinypkg", "--index", "other={refused}"), project(), 1,
               ("{refused}",))
    yield Case("sync-frozen-file-404", ("sync", "--frozen"), project(**{"uv.lock": "{lock404}"}), 1,
               ("tinypkg",), output=(".venv",))
    yield Case("pip-sync-index-500", ("pip", "sync", "req.txt", "--python", "{venv}", "-i", "{500}"),
               {"req.txt": "tinypkg==1.0\n"}, 1, ("{500}",))
    yield Case("index-versions-garbage", ("index", "versions", "tinypkg", "--index-url", "{garbage}"), {}, 1,
               ("{garbage}",))
    yield Case("add-no-such-package", ("add", "nosuchpkg"), project(), 1, ("nosuchpkg",), True)
    yield Case("add-no-such-version", ("add", "tinypkg>=99"), project(), 1, ("tinypkg",), True)
    yield Case("pip-install-no-such-package", ("pip", "install", "nosuchpkg", "--python", "{venv}", "-i",
                                                "{index}"), {}, 1, ("nosuchpkg",))
    # -- a read-only project directory --------------------------------------------------------------
    for argv, exit_code, words in ((("add", "six", "--frozen"), 1, ("pyproject.toml",)),
                                   (("remove", "tinypkg", "--frozen"), 1, ("pyproject.toml",)),
                                   (("version", "0.2.0", "--frozen"), 1, ("pyproject.toml",)),
                                   (("init", "sub"), 1, ("sub",)),
                                   (("venv",), 1, (".venv",)),
                                   (("export", "--frozen", "-o", "req.txt"), 1, ("req.txt",)),
                                   (("sync",), 1, (".venv",)),
                                   (("build",), 1, ("dist",))):
        files = project(lock=argv[0] != "sync")
        if argv[0] == "build":
            files = {"pyproject.toml": NODEPS + '[build-system]\nrequires = ["setuptools"]\n'}
        yield Case(f"readonly-{argv[0]}", argv, files, exit_code, words, True, readonly=True)


CASES = [c if c.argv[0] not in ("sync", "run") or ".venv" in c.output else
         Case(**{**c.__dict__, "output": (*c.output, ".venv")}) for c in _bad_cases()]


# -- the environment every case shares: servers, a lock, a venv -------------------------------------------------


@dataclass
class World:
    subst: dict[str, str]
    cache: Path


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("world")
    index = IndexServer([Dist("tinypkg", "1.0"), Dist("tinypkg", "2.0")]).start()
    fault = FaultServer().start()
    fault.route("/500/tinypkg/", Route(b"<h1>Internal Server Error</h1>", status=500))
    fault.route("/garbage/tinypkg/", Route(b"{not json", content_type="application/vnd.pypi.simple.v1+json"))
    fault.route("/loop/tinypkg/", Route(fault="redirect", status=302, location="/loop/tinypkg/"))
    hang = socket.socket()
    hang.bind(("127.0.0.1", 0))
    hang.listen(64)
    subst = {
        "{index}": index.simple_url + "/",
        "{refused}": f"http://127.0.0.1:{_free_port()}/simple/",
        "{404}": fault.url("/404/"),
        "{500}": fault.url("/500/"),
        "{garbage}": fault.url("/garbage/"),
        "{loop}": fault.url("/loop/"),
        "{timeout}": f"http://127.0.0.1:{hang.getsockname()[1]}/simple/",
    }
    cache = base / "cache"
    proj = base / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text(PYPROJECT.replace("{index}", subst["{index}"]))
    assert main(["--cache-dir", str(cache), "--project", str(proj), "lock"]) == 0
    lock = (proj / "uv.lock").read_text()
    subst["{lock}"] = lock
    subst["{lock404}"] = lock.replace(index.url + "/files/", fault.url("/404/files/"))
    assert main(["--cache-dir", str(cache), "venv", str(base / "venv")]) == 0
    subst["{venv}"] = str(base / "venv")
    os.chmod(base, 0o755)
    try:
        yield World(subst, cache)
    finally:
        hang.close()
        fault.stop()
        index.stop()


def _fill(text: str, subst: dict[str, str]) -> str:
    for key in sorted(subst, key=len, reverse=True):
        text = text.replace(key, subst[key])
    return text


def _snapshot(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*filenames, *dirnames]:
            p = Path(dirpath, name)
            key = str(p.relative_to(root))
            try:
                out[key] = "dir" if p.is_dir() and not p.is_symlink() else \
                    hashlib.sha256(p.read_bytes()).hexdigest() + oct(p.lstat().st_mode)
            except OSError:
                out[key] = "unreadable"
    return out


def _allowed(key: str, outputs: tuple[str, ...]) -> bool:
    return any(key == o or key.startswith(o + "/") for o in outputs)


def _make_readonly(work: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(work):
        for name in filenames:
            os.chmod(Path(dirpath, name), 0o444)
        os.chmod(dirpath, 0o555)


def _run_readonly(work: Path, argv: list[str], env: dict[str, str], cache: Path) -> tuple[int, str, str]:
    """As user ``nobody`` (root ignores file modes), in the read-only case directory."""
    cache.mkdir(parents=True, exist_ok=True)
    os.chmod(cache, 0o777)
    full_env = {**os.environ, **env, "PYTHONPATH": str(SRC), "PRONG_CACHE_DIR": str(cache), "HOME": str(cache)}
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
                           "prong", *argv], cwd=work, env=full_env, capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str],
              monkeypatch: pytest.MonkeyPatch) -> None:
    if case.readonly:  # pytest's tmp_path is under a directory only root may enter
        import tempfile

        tmp_path = Path(tempfile.mkdtemp(prefix="prong-ro-"))
        os.chmod(tmp_path, 0o755)
    work = tmp_path / "w"
    work.mkdir()
    for name, text in case.files.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_fill(text, world.subst), encoding="utf-8")
    if case.setup is not None:
        case.setup(work)
    env = {"UV_HTTP_TIMEOUT": "1", "UV_HTTP_RETRIES": "0", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "UV_PYTHON_DOWNLOADS": "never", **{k: _fill(v, world.subst) for k, v in case.env.items()}}
    for name in ("VIRTUAL_ENV", "UV_INDEX_URL", "UV_DEFAULT_INDEX", "UV_PROJECT", "UV_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    argv = [_fill(a, world.subst) for a in case.argv]
    if case.readonly:
        _make_readonly(work)
    before = _snapshot(work)
    start = time.monotonic()
    if case.readonly:
        if os.geteuid() != 0:
            pytest.skip("the read-only cases switch to user nobody, which needs root")
        code, out, err = _run_readonly(work, argv, env, tmp_path / "cache")
    else:
        for k, v in env.items():
            if v:
                monkeypatch.setenv(k, v)
            else:
                monkeypatch.delenv(k, raising=False)
        monkeypatch.chdir(work)
        code = main(["--cache-dir", str(tmp_path / "cache"), *argv])
        out, err = capsys.readouterr()
    elapsed = time.monotonic() - start
    try:
        assert "Traceback" not in out + err, err
        assert code == case.exit, err
        lines = err.splitlines()
        errors = [n for n, line in enumerate(lines) if line.startswith("error:")]
        if case.exit:
            assert len(errors) == 1, err
            block = []  # the error: line and its continuation (a resolver's explanation), up to the hints
            for line in lines[errors[0]:]:
                if line.startswith("hint:"):
                    break
                block.append(line)
            for word in case.words:
                assert _fill(word, world.subst) in "\n".join(block), err
            if case.hint:
                assert any(line.startswith("hint:") for line in err.splitlines()), err
        else:
            assert errors == [], err
        assert elapsed < 60, elapsed
        after = _snapshot(work)
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        assert {k for k in changed if not _allowed(k, case.output)} == set()
    finally:
        for dirpath, _dirnames, _filenames in os.walk(work):
            os.chmod(dirpath, 0o755)
        if case.readonly:
            import shutil

            shutil.rmtree(tmp_path, ignore_errors=True)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 120
    assert len({c.id for c in CASES}) == len(CASES)
    commands = {c.argv[0] for c in CASES}
    assert {"init", "add", "remove", "sync", "run", "venv", "tree", "why", "version", "export", "build",
            "pip"} <= commands


# -- SIGINT during a resolve: exit 130, one `error: interrupted`, no traceback, the project as it was ----------


@pytest.mark.parametrize("argv", [("add", "tinypkg"), ("lock",), ("sync",), ("tree",), ("export",),
                                  ("run", "python", "-c", "0"), ("remove", "tinypkg")],
                         ids=lambda argv: argv[0])
def test_sigint_during_a_resolve(argv: tuple[str, ...], tmp_path: Path) -> None:
    import signal

    with IndexServer([Dist("tinypkg", "1.0"), Dist("tinypkg", "2.0")]) as slow:
        slow.delay = 3.0  # every project page: the resolve is under way when the signal comes
        work = tmp_path / "w"
        work.mkdir()
        text = PYPROJECT.replace("{index}", slow.simple_url + "/")
        if argv[0] == "remove":  # a package that is there to remove; the relock needs the index
            text = text.replace('dependencies = ["tinypkg"]', 'dependencies = ["tinypkg", "otherpkg"]')
            argv = ("remove", "otherpkg")
        (work / "pyproject.toml").write_text(text)
        before = _snapshot(work)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PRONG_", "VIRTUAL_ENV"))}
        env.update(PYTHONPATH=str(SRC), PRONG_CACHE_DIR=str(tmp_path / "cache"), UV_PYTHON_DOWNLOADS="never")
        proc = subprocess.Popen([sys.executable, "-m", "prong", *argv], cwd=work, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not slow.requests and time.monotonic() < deadline:  # the first page is asked for
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("error:")] == ["error: interrupted"], err
    after = _snapshot(work)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert {k for k in changed if not _allowed(k, (".venv",) if argv[0] in ("sync", "run") else ())} == set()
