"""The bad-input corpus (issue 15, ``../shared/research/bad-input-2026-12-05.md``): table-driven cases
run against the real CLI in-process. Each case states its exit code and words its one ``error:`` line
must contain; every case also checks: no traceback, no secret printed, and no file created, changed
or deleted in the case directory other than the intended output."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.fault_server import FaultServer, Route

DATA = Path(__file__).parents[1] / "unit" / "lock" / "data"
SECRET = "s3cr3tpw"
PYPROJECT = '[project]\nname = "demo"\nversion = "0.1"\nrequires-python = ">=3.8"\ndependencies = ["six"]\n'
LOCK = """version = 1
revision = 3
requires-python = ">=3.8"

[[package]]
name = "demo"
version = "0.1"
source = { virtual = "." }
dependencies = [{ name = "six" }]

[package.metadata]
requires-dist = [{ name = "six" }]

[[package]]
name = "six"
version = "1.16.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/71/39/six-1.16.0.tar.gz", hash = "sha256:1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926", size = 34041 }
wheels = [
    { url = "https://files.pythonhosted.org/packages/d9/5a/six-1.16.0-py2.py3-none-any.whl", hash = "sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254", size = 11053 },
]
"""
DEEP = "[" * 3000 + "]" * 3000


@dataclass(frozen=True)
class Case:
    id: str
    cls: str  # which of the seven classes (or "syntax"/"config" for the report's clean errors)
    argv: tuple[str, ...]
    files: dict[str, str] = field(default_factory=dict)
    exit: int = 1
    words: tuple[str, ...] = ()  # each must appear in the error: line
    hint: bool = False
    output: str | None = None  # the intended output file, allowed to change
    setup: Callable[[Path], None] | None = None
    warns: tuple[str, ...] = ()  # each must appear in a warning: block (cases that succeed)
    report: tuple[str, ...] = ()  # the report's case ids this row covers (tests/cli/bad_input_report_cases.txt)
    env: dict[str, str] = field(default_factory=dict)  # environment variables set for the run
    check: Callable[[Path, str, str], None] | None = None  # more checks on the directory, stdout and stderr
    xfail: str = ""  # a known failure, with the reason (strict: it must fail)


BAD_LINES = [
    "requests==1.0.x", "requests[security", "requests[a b]", "requests>=２.０", "git+https://", "requests~=1",
    "requests>=", "requests ; python_version >", "requests ; os_name == ", "requests (>=1", "requests @",
    "requests @ ", "@ http://x", "requests===", "requests<=>1", "requests>=1,,<2", "[extra]", "==1.0",
    "requests; python_version <<< '3'", "requests[]]", "re quests", "requests>=1.0 and <2", "requests!1",
    "requests ; (python_version > '3'", "requests ; python_version > '3')", "requests ; foo == 'x'",
    "-e", "--index-url", "-c", "-r", "--hash", "requests --hash", "requests --unknown-option",
    "${UNDEFINED_PRONG_VAR}", "requests>=1.0 extra", "requests ;", "req-uests-==1",
    # added for the report's cases
    "requests; python_version == '3' and or", "requests; python_version >< '3'", "requests; python_version >= 3.8",
    "requests<>2", "requests=>2", "requests=2", "réquests", "req\u200bests", "requests\x00==2.0", "--frobnicate",
    "requests==2.32.3 --hash=sha256:zz",
]
# The report's case for a bad line (its req-line row covers it).
LINE_REPORT = {
    "requests==1.0.x": "req-bad-version", "requests[security": "req-extras-unclosed", "requests[a b]": "req-extras-space",
    "requests>=２.０": "req-fullwidth-digits", "git+https://": "req-git-bare", "requests~=1": "req-compat-one-seg",
    "requests>=": "req-missing-version", "requests ; os_name == ": "req-marker-incomplete", "requests @": "req-url-empty",
    "requests ; foo == 'x'": "req-marker-unknown-var", "-e": "req-e-novalue", "--index-url": "req-index-url-novalue",
    "${UNDEFINED_PRONG_VAR}": "req-env-undefined", "requests; python_version == '3' and or": "req-marker-and-or",
    "requests; python_version >< '3'": "req-marker-bad-op", "requests; python_version >= 3.8": "req-marker-unquoted",
    "requests<>2": "req-op-diamond", "requests=>2": "req-op-reversed", "requests=2": "req-op-single-eq",
    "réquests": "req-unicode-name", "req\u200bests": "req-zero-width", "requests\x00==2.0": "req-nul-byte",
    "--frobnicate": "req-unknown-option", "requests==2.32.3 --hash=sha256:zz": "req-bad-hash",
}


def _cases() -> Iterator[Case]:
    # requirement-line syntax errors, in the source file, a -c file and a nested -r file (exit 2? no: 1)
    for n, line in enumerate(BAD_LINES):
        rid = (LINE_REPORT[line],) if line in LINE_REPORT else ()
        yield Case(f"req-line-{n}", "syntax", ("pip", "compile", "req.in"), {"req.in": line + "\n"}, 1, ("req.in",),
                   report=rid)
        yield Case(f"con-line-{n}", "syntax", ("pip", "compile", "req.in", "-c", "c.txt"),
                   {"req.in": "", "c.txt": line + "\n"}, 1, ("c.txt",), report=("req-constraint-bad-line",) if n == 0 else ())
        yield Case(f"nested-line-{n}", "syntax", ("pip", "compile", "req.in"),
                   {"req.in": "-r sub.txt\n", "sub.txt": line + "\n"}, 1, ("sub.txt",),
                   report=("req-nested-bad-line",) if n == 1 else ())
        yield Case(f"ovr-line-{n}", "syntax", ("pip", "compile", "req.in", "--override", "o.txt"),
                   {"req.in": "", "o.txt": line + "\n"}, 1, ("o.txt",), report=("req-override-bad-line",) if n == 0 else ())
    # missing files
    for flag in ("-c", "--override", "-r"):
        argv = ("pip", "compile", "req.in") if flag == "-r" else ("pip", "compile", "req.in", flag, "missing.txt")
        files = {"req.in": "-r missing.txt\n"} if flag == "-r" else {"req.in": ""}
        yield Case(f"missing{flag}", "syntax", argv, files, 1, ("missing.txt",))
    yield Case("missing-src", "syntax", ("pip", "compile", "nope.in"), {}, 1, ("nope.in",))
    yield Case("src-is-dir", "errno", ("pip", "compile", "d.in"), {"d.in/x": ""}, 1, ("d.in", "directory"))
    yield Case("nested-is-dir", "errno", ("pip", "compile", "req.in"), {"req.in": "-r d\n", "d/x": ""}, 1, ("directory",))
    yield Case("not-utf8", "syntax", ("pip", "compile", "req.in"), {"req.in": "\udcff"}, 1, ("req.in",))
    # (3) no tracebacks
    yield Case("exclude-newer-9999", "traceback",
               ("pip", "compile", "req.in", "--exclude-newer", "9999-12-31", "--no-index"), {"req.in": ""}, 0)
    yield Case("pyproject-deep", "traceback", ("pip", "compile", "pyproject.toml"),
               {"pyproject.toml": PYPROJECT + "[tool.x]\na = " + DEEP + "\n"}, 2, ("pyproject.toml", "nested"))
    yield Case("lock-deep", "traceback", ("export", "--frozen"),
               {"pyproject.toml": PYPROJECT, "uv.lock": LOCK + "[x]\na = " + DEEP + "\n"}, 2, ("uv.lock", "nested"))
    yield Case("symlink-loop", "traceback", ("pip", "compile", "req.in"), {}, 1, ("req.in", "symlink loop"),
               setup=lambda d: (os.symlink("b.in", d / "req.in"), os.symlink("req.in", d / "b.in")))

    def chain(d: Path) -> None:
        for i in range(3000):
            (d / f"r{i}.txt").write_text(f"-r r{i + 1}.txt\n")
        (d / "r3000.txt").write_text("")
        (d / "req.in").write_text("-r r0.txt\n")
    yield Case("r-chain-3000", "traceback", ("pip", "compile", "req.in"), {}, 1, ("-r",), setup=chain)
    # (2) never destroy the user's files
    for target, what in (("uv.lock", "lock file"), ("pyproject.toml", "pyproject.toml")):
        yield Case(f"export-o-{target}", "files", ("export", "--frozen", "-o", target),
                   {"pyproject.toml": PYPROJECT, "uv.lock": LOCK}, 2, (target, what), hint=True)
    yield Case("compile-o-src", "files", ("pip", "compile", "req.in", "-o", "req.in"), {"req.in": "six\n"}, 2,
               ("req.in", "input file"), hint=True)
    yield Case("compile-o-constraint", "files", ("pip", "compile", "req.in", "-c", "c.txt", "-o", "c.txt"),
               {"req.in": "six\n", "c.txt": "six\n"}, 2, ("c.txt", "constraints"), hint=True)
    yield Case("cache-clean-user-dir", "files", ("--cache-dir", "notacache", "cache", "clean"),
               {"notacache/mine.txt": "precious"}, 2, ("notacache", "not a prong cache"), hint=True)
    yield Case("cache-prune-user-dir", "files", ("--cache-dir", "notacache", "cache", "prune"),
               {"notacache/mine.txt": "precious"}, 2, ("notacache", "not a prong cache"), hint=True)
    yield Case("cache-prune-file", "files", ("--cache-dir", "afile", "cache", "prune"),
               {"afile": "precious"}, 2, ("afile", "not a directory"), hint=True)
    yield Case("cache-clean-file", "files", ("--cache-dir", "afile", "cache", "clean"),
               {"afile": "precious"}, 2, ("afile", "not a directory"), hint=True)
    # usage errors
    yield Case("extra-with-req-in", "settings", ("pip", "compile", "req.in", "--extra", "x"), {"req.in": "six\n"}, 2,
               ("--extra", "pyproject.toml"))
    yield Case("group-with-req-in", "settings", ("pip", "compile", "req.in", "--group", "x"), {"req.in": "six\n"}, 2,
               ("--group", "pyproject.toml"))
    yield Case("all-extras-with-req-in", "settings", ("pip", "compile", "req.in", "--all-extras"),
               {"req.in": "six\n"}, 2, ("--all-extras",))
    yield Case("exclude-newer-garbage", "settings", ("pip", "compile", "req.in", "--exclude-newer", "yesterday"),
               {"req.in": ""}, 2, ("yesterday",))
    yield Case("pyproject-no-extra", "settings", ("pip", "compile", "pyproject.toml", "--extra", "nope"),
               {"pyproject.toml": PYPROJECT}, 2, ("nope",))
    yield Case("pyproject-bad-toml", "syntax", ("pip", "compile", "pyproject.toml"),
               {"pyproject.toml": "[project\n"}, 2, ("pyproject.toml",))
    yield Case("lock-bad-toml", "syntax", ("export", "--frozen"),
               {"pyproject.toml": PYPROJECT, "uv.lock": "version = \n"}, 2, ("uv.lock",))
    yield Case("lock-no-version", "validate", ("export", "--frozen"),
               {"pyproject.toml": PYPROJECT, "uv.lock": LOCK.replace('version = "1.16.0"\n', "")}, 2,
               ("uv.lock", "six", "missing `version`"), hint=True)
    yield Case("lock-bad-version", "validate", ("export", "--frozen"),
               {"pyproject.toml": PYPROJECT, "uv.lock": LOCK.replace('"1.16.0"', '"not.a.version!"')}, 2,
               ("uv.lock", "six", "not.a.version!"), hint=True)
    yield Case("lock-ok", "accepted", ("export", "--frozen", "-o", "out.txt"),
               {"pyproject.toml": PYPROJECT, "uv.lock": LOCK}, 0, output="out.txt")
    # (6) an invalid index URL is named with its source
    for flag in ("--index-url", "--extra-index-url", "--default-index", "--index"):
        yield Case(f"bad-url{flag}", "messages", ("pip", "compile", "req.in", flag, "not a url"), {"req.in": "six\n"},
                   2, ("not a url", "invalid index URL"), hint=True)
        yield Case(f"no-host{flag}", "messages", ("pip", "compile", "req.in", flag, "https:///simple"),
                   {"req.in": "six\n"}, 2, ("https:///simple", "no host"), hint=True)
    yield Case("bad-url-index-versions", "messages", ("index", "versions", "six", "--index-url", "not a url"), {},
               2, ("not a url",), hint=True)
    yield Case("bad-url-uv-toml", "messages", ("pip", "compile", "req.in"),
               {"req.in": "six\n", "uv.toml": "index-url = 'not a url'\n"}, 2, ("not a url",), hint=True)
    yield Case("bad-url-tool-uv-index", "messages", ("pip", "compile", "req.in"),
               {"req.in": "six\n", "pyproject.toml": PYPROJECT + "[[tool.uv.index]]\nurl = 'not a url'\n"},
               2, ("not a url",), hint=True)
    # (7) one exit-code rule: configuration errors exit 2
    yield Case("export-unknown-extra", "exit", ("export", "--frozen", "--extra", "nope"),
               {"pyproject.toml": PYPROJECT, "uv.lock": LOCK}, 2, ("nope",))
    yield Case("export-unknown-group", "exit", ("export", "--frozen", "--group", "nope"),
               {"pyproject.toml": PYPROJECT, "uv.lock": LOCK}, 2, ("nope",))
    yield Case("compile-unknown-index-name", "exit", ("pip", "compile", "req.in", "--default-index", "named"),
               {"req.in": "six\n"}, 2, ("named",))
    yield Case("compile-no-inputs", "exit", ("pip", "compile"), {}, 2, ("no requirements",))
    # raw [Errno N] texts become sentences with the path and a hint
    yield Case("compile-o-dir", "errno", ("pip", "compile", "req.in", "-o", "outdir", "--no-index"),
               {"req.in": "", "outdir/keep": "x"}, 1, ("outdir", "is a directory"), hint=True)
    yield Case("export-o-dir", "errno", ("export", "--frozen", "-o", "outdir"),
               {"pyproject.toml": PYPROJECT, "uv.lock": LOCK, "outdir/keep": "x"}, 1, ("outdir", "is a directory"),
               hint=True)
    yield Case("compile-o-under-file", "errno", ("pip", "compile", "req.in", "-o", "afile/out.txt", "--no-index"),
               {"req.in": "", "afile": "x"}, 1, ("afile",), hint=True)
    yield Case("c-is-dir", "errno", ("pip", "compile", "req.in", "-c", "cdir"), {"req.in": "", "cdir/x": ""}, 1,
               ("cdir", "directory"))
    yield Case("directory-missing", "errno", ("--directory", "nowhere", "pip", "compile", "req.in"), {}, 1,
               ("nowhere",), hint=True)
    yield Case("index-name-no-url", "settings", ("pip", "compile", "req.in", "--index", "name="),
               {"req.in": "six\n"}, 2, ("name=",), hint=True)
    yield Case("requires-python-three", "settings", ("pip", "compile", "pyproject.toml"),
               {"pyproject.toml": PYPROJECT.replace(">=3.8", ">=three")}, 2, ("pyproject.toml", ">=three"))
    yield Case("req-bom", "accepted", ("pip", "compile", "req.in", "--no-index", "-o", "out.txt"),
               {"req.in": "\ufeff# a comment\n"}, 0, output="out.txt")
    yield Case("no-pyproject", "syntax", ("export", "--frozen"), {}, 2, ("pyproject.toml",), hint=True)
    # (6) settings that are invalid or ignored: an error or a warning naming them
    discovery = "Failed to parse `pyproject.toml` during settings discovery:"
    yield Case("tool-uv-unknown-key", "settings", ("pip", "compile", "req.in", "--no-index"),
               {"req.in": "", "pyproject.toml": PYPROJECT + "[tool.uv]\nfrobnicate = 1\n"}, 0,
               warns=(discovery, "unknown field `frobnicate`, expected one of `required-version`"))
    yield Case("tool-uv-pip-unknown-key", "settings", ("pip", "compile", "req.in", "--no-index"),
               {"req.in": "", "pyproject.toml": PYPROJECT + "[tool.uv.pip]\nfrobnicate = 1\n"}, 0,
               warns=(discovery, "unknown field `frobnicate`, expected one of `python`"))
    yield Case("tool-uv-exclude-newer-overridden", "settings",
               ("pip", "compile", "req.in", "--no-index", "--exclude-newer", "2024-01-01"),
               {"req.in": "", "pyproject.toml": PYPROJECT + "[tool.uv]\nexclude-newer = 'yesterday'\n"}, 0,
               warns=(discovery, "`yesterday` could not be parsed as a valid exclude-newer value"))
    yield Case("tool-uv-exclude-newer-bad", "settings", ("pip", "compile", "req.in", "--no-index"),
               {"req.in": "", "pyproject.toml": PYPROJECT + "[tool.uv]\nexclude-newer = 'yesterday'\n"}, 0,
               warns=(discovery, "`yesterday` could not be parsed as a valid exclude-newer value"))
    yield Case("source-path-missing", "settings", ("pip", "compile", "pyproject.toml"),
               {"pyproject.toml": PYPROJECT + "[tool.uv.sources]\nsix = { path = '../nope' }\n"}, 2,
               ("pyproject.toml", "tool.uv.sources.six", "../nope", "does not exist"), hint=True)
    yield Case("dynamic-dependencies", "settings", ("pip", "compile", "pyproject.toml"),
               {"pyproject.toml": PYPROJECT.replace('dependencies = ["six"]', 'dynamic = ["dependencies"]')}, 2,
               ("pyproject.toml", "project.dynamic", "dependencies"), hint=True)
    yield Case("dynamic-dependencies-no-build", "settings", ("pip", "compile", "pyproject.toml", "--no-build"),
               {"pyproject.toml": PYPROJECT.replace('dependencies = ["six"]', 'dynamic = ["dependencies"]')}, 2,
               ("pyproject.toml", "project.dynamic", "--no-build"), hint=True)
    for argv in (("pip", "compile", "pyproject.toml"), ("lock",), ("export", "--frozen")):
        yield Case(f"project-without-name-{argv[0]}", "settings", argv,
                   {"pyproject.toml": PYPROJECT.replace('name = "demo"\n', ""), "uv.lock": LOCK}, 2,
                   ("pyproject.toml", "project.name"), hint=True)


# -- the report's cases, one row each (ids as in tests/cli/bad_input_report_cases.txt) -------------------
# Placeholders in argv, files and env: {srv} the fault server's base URL, {hang} a port that accepts and
# never answers, {refused} a port nothing listens on. Network rows run with UV_HTTP_TIMEOUT=2 and
# UV_HTTP_RETRIES=0 unless they say otherwise.

NET_ENV = {"UV_HTTP_TIMEOUT": "2", "UV_HTTP_RETRIES": "0"}
TINY = {"req.in": "tinypkg\n"}
GOOD = "{srv}/good/simple/"
PP_REQ = PYPROJECT.replace('"six"', '"tinypkg"')


def _compile_idx(route: str, *extra: str) -> tuple[str, ...]:
    return ("pip", "compile", "req.in", "-i", f"{{srv}}/{route}/simple/", *extra)


def _mode_is(name: str, mode: int) -> Callable[[Path, str, str], None]:
    def check(d: Path, out: str, err: str) -> None:
        assert (d / name).stat().st_mode & 0o777 == mode, oct((d / name).stat().st_mode)
    return check


def _symlink_kept(d: Path, out: str, err: str) -> None:
    assert (d / "out.txt").is_symlink() and "tinypkg==1.0" in (d / "target.txt").read_text()


def _short(limit: int) -> Callable[[Path, str, str], None]:
    def check(d: Path, out: str, err: str) -> None:
        assert len(err) < limit, len(err)
    return check


def _stdout_has(*words: str) -> Callable[[Path, str, str], None]:
    def check(d: Path, out: str, err: str) -> None:
        for word in words:
            assert word in out, out
    return check


# Index faults with no fix the user can make (the server must fix its files): no hint is required.
NO_FIX = {"net-404", "net-bad-hash-fragment", "net-metadata-hash-mismatch", "net-wheel-bad-metadata",
          "net-wheel-hash-mismatch", "net-wheel-no-metadata", "net-wheel-not-zip", "net-wheel-wrong-name"}


def _report_cases() -> Iterator[Case]:
    # requirements files
    yield Case("r-req-continuation-eof", "accepted", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "tinypkg \\\n"}, 0, env=NET_ENV, report=("req-continuation-eof",), check=_stdout_has("tinypkg==1.0"))
    yield Case("r-req-crlf-tabs", "accepted", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "tinypkg\t>=1\r\n\r\n"}, 0, env=NET_ENV, report=("req-crlf-tabs",), check=_stdout_has("tinypkg==1.0"))
    yield Case("r-req-empty-file", "accepted", ("pip", "compile", "req.in", "--no-index"), {"req.in": ""}, 0,
               report=("req-empty-file",))
    yield Case("r-req-file-url-missing", "messages", ("pip", "compile", "req.in", "--no-index"),
               {"req.in": "file:///nonexistent/pkg-1.0-py3-none-any.whl\n"}, 1, ("req.in",),
               report=("req-file-url-missing",))
    yield Case("r-req-local-missing-dir", "messages", ("pip", "compile", "req.in", "--no-index"),
               {"req.in": "./nonexistent-dir\n"}, 1, ("req.in",), report=("req-local-missing-dir",))
    yield Case("r-req-long-name", "messages", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "a" * 100_000 + "\n"}, 1, (), env=NET_ENV, report=("req-long-name",), check=_short(4000))
    yield Case("r-req-long-specifiers", "accepted", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "tinypkg" + ",".join([">=0.1"] * 20_000) + "\n"}, 0, env=NET_ENV,
               report=("req-long-specifiers",), check=_stdout_has("tinypkg==1.0"))
    yield Case("r-req-many-lines-20k", "accepted", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "tinypkg\n" * 20_000}, 0, env=NET_ENV, report=("req-many-lines-20k",),
               check=_stdout_has("tinypkg==1.0"))
    yield Case("r-req-marker-2000-or", "accepted", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "tinypkg; " + " or ".join(f"python_version == '3.{i}'" for i in range(2000)) + "\n"}, 0,
               env=NET_ENV, report=("req-marker-2000-or",))
    yield Case("r-req-marker-deep-parens", "syntax", ("pip", "compile", "req.in"),
               {"req.in": "requests; " + "(" * 5000 + "python_version > '3'" + ")" * 5000 + "\n"}, 1,
               ("req.in", "nested"), report=("req-marker-deep-parens",))
    yield Case("r-req-nonexistent-pkg", "messages", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "this-package-does-not-exist-zq9x\n"}, 1, ("this-package-does-not-exist-zq9x",), env=NET_ENV,
               report=("req-nonexistent-pkg",))
    yield Case("r-req-unsat", "messages", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "tinypkg>=3\ntinypkg<2\n"}, 1, ("tinypkg",), env=NET_ENV, report=("req-unsat",))
    yield Case("r-req-version-not-exist", "messages", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "tinypkg==99.99\n"}, 1, ("tinypkg==99.99",), env=NET_ENV, report=("req-version-not-exist",))
    yield Case("r-req-url-not-url", "messages", ("pip", "compile", "req.in", "--no-index"),
               {"req.in": "requests @ not-a-url\n"}, 1, ("requests", "direct URL"), report=("req-url-not-url",))
    yield Case("r-req-r-cycle2", "accepted", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "-r b.txt\ntinypkg\n", "b.txt": "-r req.in\n"}, 0, env=NET_ENV, report=("req-r-cycle2",))
    yield Case("r-req-r-self", "accepted", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "-r req.in\ntinypkg\n"}, 0, env=NET_ENV, report=("req-r-self",))
    yield Case("r-req-r-url-404", "messages", ("pip", "compile", "req.in"),
               {"req.in": "-r {srv}/404/r.txt\n"}, 1, ("{srv}/404/r.txt",), env=NET_ENV, report=("req-r-url-404",))
    yield Case("r-req-r-url-refused", "messages", ("pip", "compile", "req.in"),
               {"req.in": "-r {refused}/r.txt\n"}, 1, ("{refused}/r.txt",), env=NET_ENV, report=("req-r-url-refused",))
    yield Case("r-req-trailing-comma", "accepted", ("pip", "compile", "req.in", "-i", GOOD),
               {"req.in": "tinypkg>=1,\n"}, 0, env=NET_ENV, report=("req-trailing-comma",))
    # source paths
    yield Case("r-src-binary", "syntax", ("pip", "compile", "bin.in"), {}, 1, ("bin.in", "UTF-8"),
               setup=lambda d: (d / "bin.in").write_bytes(b"\x7fELF\x02\x01\x01\x00\xff\xfe\x00\x00"),
               report=("src-binary",))
    yield Case("r-src-devnull", "accepted", ("pip", "compile", "/dev/null", "--no-index"), {}, 0, report=("src-devnull",))
    yield Case("r-src-directory", "errno", ("pip", "compile", "."), {}, 1, ("directory",), report=("src-directory",))
    yield Case("r-src-foo-toml", "messages", ("pip", "compile", "foo.toml"), {"foo.toml": PYPROJECT}, 1, ("foo.toml",),
               report=("src-foo-toml",))
    # command line, output and cache paths
    for rid, argv in (("cmd-pip-unknown", ("pip", "frobnicate")), ("cmd-unknown", ("frobnicate",)),
                      ("flag-color-purple", ("--color", "purple", "pip", "compile", "req.in")),
                      ("flag-prerelease-maybe", ("pip", "compile", "req.in", "--prerelease", "maybe")),
                      ("flag-resolution-best", ("pip", "compile", "req.in", "--resolution", "best")),
                      ("flag-strategy-x", ("pip", "compile", "req.in", "--index-strategy", "x")),
                      ("flag-unknown", ("pip", "compile", "req.in", "--frobnicate")),
                      ("cache-unknown-sub", ("cache", "frobnicate"))):
        yield Case(f"r-{rid}", "exit", argv, dict(TINY), 2, (argv[-1] if rid != "flag-color-purple" else "purple",),
                   report=(rid,))
    yield Case("r-cmd-none", "exit", (), {}, 2, report=("cmd-none",))
    yield Case("r-flag-cache-dir-empty", "accepted", ("--cache-dir", "", "cache", "dir"), {}, 0,
               report=("flag-cache-dir-empty",))
    yield Case("r-flag-cache-file", "messages", ("--cache-dir", "afile", "pip", "compile", "req.in", "-i", GOOD),
               {**TINY, "afile": "x"}, 0, env=NET_ENV, warns=("afile",), report=("flag-cache-file",))
    yield Case("r-flag-cache-proc", "messages", ("--cache-dir", "/proc/x", "pip", "compile", "req.in", "-i", GOOD),
               dict(TINY), 0, env=NET_ENV, warns=("/proc/x",), report=("flag-cache-proc",))
    yield Case("r-flag-config-dir", "errno", ("--config-file", ".", "pip", "compile", "req.in", "--no-index"),
               {"req.in": ""}, 2, (".", "directory"), report=("flag-config-dir",))
    yield Case("r-flag-config-missing", "config", ("--config-file", "missing-uv.toml", "pip", "compile", "req.in"),
               {"req.in": ""}, 2, ("missing-uv.toml",), report=("flag-config-missing",))
    yield Case("r-flag-exnewer-ancient", "messages", ("pip", "compile", "req.in", "-i", "{srv}/dated/simple/",
                                                     "--exclude-newer", "1970-01-01"),
               dict(TINY), 1, ("tinypkg",), env=NET_ENV, hint=True, report=("flag-exnewer-ancient",))
    yield Case("r-flag-exnewer-baddate", "exit", ("pip", "compile", "req.in", "--exclude-newer", "2026-13-45"),
               {"req.in": ""}, 2, ("2026-13-45",), report=("flag-exnewer-baddate",))
    yield Case("r-flag-exnewer-empty", "exit", ("pip", "compile", "req.in", "--exclude-newer", ""),
               {"req.in": ""}, 2, ("--exclude-newer",), report=("flag-exnewer-empty",))
    yield Case("r-flag-findlinks-missing", "messages",
               ("pip", "compile", "req.in", "--find-links", "/nonexistent/dir", "--no-index"), dict(TINY), 1,
               ("tinypkg",), hint=True, report=("flag-findlinks-missing",))
    yield Case("r-flag-index-ftp", "messages", ("pip", "compile", "req.in", "--index-url", "ftp://example.invalid/simple"),
               dict(TINY), 1, ("ftp://example.invalid/simple", "scheme ftp"), env=NET_ENV, hint=True, report=("flag-index-ftp",))
    yield Case("r-flag-no-index-alone", "messages", ("pip", "compile", "req.in", "--no-index"), dict(TINY), 1,
               ("tinypkg",), hint=True, report=("flag-no-index-alone",))
    yield Case("r-flag-out-dir", "errno", ("pip", "compile", "req.in", "-o", ".", "--no-index"), {"req.in": ""}, 1,
               ("is a directory",), hint=True, report=("flag-out-dir",))
    yield Case("r-flag-out-missing-parent", "files", ("pip", "compile", "req.in", "-o", "no/such/dir/out.txt", "-i", GOOD),
               dict(TINY), 0, env=NET_ENV, output="no/such/dir/out.txt", report=("flag-out-missing-parent",))
    yield Case("r-flag-platform-empty", "exit", ("pip", "compile", "req.in", "--python-platform", ""), {"req.in": ""}, 1,
               ("invalid platform",), report=("flag-platform-empty",))
    yield Case("r-flag-platform-foo", "exit", ("pip", "compile", "req.in", "--python-platform", "foo"), {"req.in": ""}, 2,
               ("invalid platform", "foo"), report=("flag-platform-foo",))
    yield Case("r-flag-project-missing", "settings", ("--project", "/nonexistent", "pip", "compile", "req.in", "--no-index"),
               {"req.in": ""}, 0, report=("flag-project-missing",))
    yield Case("r-flag-pyver-2.7", "accepted", ("pip", "compile", "req.in", "--python-version", "2.7", "--no-index"),
               {"req.in": ""}, 0, report=("flag-pyver-2.7",))
    yield Case("r-flag-pyver-3.99", "accepted", ("pip", "compile", "req.in", "--python-version", "3.99", "--no-index"),
               {"req.in": ""}, 0, report=("flag-pyver-3.99",))
    for rid, flag, value in (("flag-pyver-3", "--python-version", "3"), ("flag-pyver-4part", "-p", "3.10.4.5"),
                             ("flag-pyver-abc", "--python-version", "abc"), ("flag-pyver-empty", "--python-version", ""),
                             ("flag-pyver-negative", "-p", "3.-1")):
        yield Case(f"r-{rid}", "messages", ("pip", "compile", "req.in", flag, value), {"req.in": ""}, 2,
                   ("--python-version",), report=(rid,))
    yield Case("r-flag-refresh-pkg-bad", "accepted", ("pip", "compile", "req.in", "--refresh-package", "re quests",
                                                     "--no-index"), {"req.in": ""}, 0, report=("flag-refresh-pkg-bad",))
    yield Case("r-out-existing-0644", "files", ("pip", "compile", "req.in", "-o", "out.txt", "-i", GOOD),
               {**TINY, "out.txt": "old\n"}, 0, env=NET_ENV, output="out.txt",
               setup=lambda d: (d / "out.txt").chmod(0o644), check=_mode_is("out.txt", 0o644),
               report=("out-existing-0644",))
    yield Case("r-out-symlink", "files", ("pip", "compile", "req.in", "-o", "out.txt", "-i", GOOD),
               {**TINY, "target.txt": "old\n"}, 0, env=NET_ENV, output="target.txt",
               setup=lambda d: (d / "out.txt").symlink_to("target.txt"), check=_symlink_kept, report=("out-symlink",))
    # environment variables
    yield Case("r-env-cache-empty", "accepted", ("cache", "dir"), {}, 0, env={"PRONG_CACHE_DIR": ""},
               report=("env-cache-empty",))
    yield Case("r-env-exclude-newer-bad", "exit", ("pip", "compile", "req.in"), {"req.in": ""}, 2,
               ("yesterday", "UV_EXCLUDE_NEWER"), env={"UV_EXCLUDE_NEWER": "yesterday"}, report=("env-exclude-newer-bad",))
    yield Case("r-env-index-url-notaurl", "messages", ("pip", "compile", "req.in"), dict(TINY), 2,
               ("not a url", "UV_INDEX_URL"), env={"UV_INDEX_URL": "not a url"}, hint=True,
               report=("env-index-url-notaurl",))
    for rid, var, value in (("env-offline-garbage", "UV_OFFLINE", "perhaps"),
                            ("env-prerelease-maybe", "UV_PRERELEASE", "maybe"),
                            ("env-resolution-bad", "UV_RESOLUTION", "best")):
        yield Case(f"r-{rid}", "exit", ("pip", "compile", "req.in"), {"req.in": ""}, 2, (value, var), env={var: value},
                   report=(rid,))
    # index versions
    yield Case("r-iv-empty-name", "messages", ("index", "versions", ""), {}, 1, ("package name",), report=("iv-empty-name",))
    yield Case("r-iv-long-name", "messages", ("index", "versions", "a" * 100_000, "-i", GOOD), {}, 1, (), env=NET_ENV,
               report=("iv-long-name",), check=_short(4000))
    yield Case("r-iv-nonexistent", "messages", ("index", "versions", "this-package-does-not-exist-zq9x", "-i", GOOD), {},
               1, ("this-package-does-not-exist-zq9x",), env=NET_ENV, report=("iv-nonexistent",))
    yield Case("r-iv-pyver-abc", "messages", ("index", "versions", "tinypkg", "--python-version", "abc", "-i", GOOD), {},
               2, ("--python-version", "abc"), env=NET_ENV, report=("iv-pyver-abc",))
    yield Case("r-iv-refused", "messages", ("index", "versions", "tinypkg", "-i", "{refused}/simple/"), {}, 1,
               ("{refused}/simple/tinypkg/", "refused"), env=NET_ENV, report=("iv-refused",))
    yield Case("r-iv-space-name", "messages", ("index", "versions", "re quests"), {}, 1, ("re quests",),
               report=("iv-space-name",))
    yield Case("r-iv-traversal", "messages", ("index", "versions", "../../etc"), {}, 1, ("../../etc",),
               report=("iv-traversal",))
    # pyproject.toml
    pp = "pyproject.toml"
    compile_pp = ("pip", "compile", pp, "-i", GOOD)
    for rid, text, args, code, words in (
        ("pp-deps-bad-req", PYPROJECT.replace('"six"', '"requests>="'), (), 2, (pp, "project.dependencies", "requests>=")),
        ("pp-deps-int-item", PYPROJECT.replace('"six"', '"six", 5'), (), 2, (pp, "project.dependencies")),
        ("pp-deps-string", PYPROJECT.replace('["six"]', '"six"'), (), 2, (pp, "project.dependencies")),
        ("pp-group-bad-item", PYPROJECT + "[dependency-groups]\na = [5, {foo = 'b'}]\n", ("--group", "a"), 2,
         (pp, "dependency-groups.a")),
        ("pp-group-bad-req", PYPROJECT + "[dependency-groups]\na = ['requests>=']\n", ("--group", "a"), 2,
         (pp, "dependency-groups.a")),
        ("pp-group-cycle", PYPROJECT + "[dependency-groups]\na = [{include-group = 'b'}]\nb = [{include-group = 'a'}]\n",
         ("--group", "a"), 2, (pp, "dependency-groups.a")),
        ("pp-group-missing", PYPROJECT, ("--group", "nope"), 2, ("nope",)),
        ("pp-index-explicit-str", PYPROJECT + "[[tool.uv.index]]\nname = 'a b'\nurl = 'https://x/simple'\nexplicit = 'yes'\n",
         (), 2, (pp, "a b")),
        ("pp-name-int", PYPROJECT.replace('name = "demo"', "name = 1"), (), 2, (pp, "project.name")),
        ("pp-optdeps-bad-req", PYPROJECT + "[project.optional-dependencies]\nx = ['requests>=']\n", ("--extra", "x"), 2,
         (pp, "project.optional-dependencies.x", "requests>=")),
        ("pp-optdeps-not-table", PYPROJECT.replace('dependencies = ["six"]', 'dependencies = ["six"]\noptional-dependencies = "foo"'),
         (), 2, (pp, "project.optional-dependencies")),
        ("pp-requires-python-float", PYPROJECT.replace('">=3.8"', "3.9"), (), 2, (pp, "project.requires-python")),
        ("pp-tooluv-exnewer-bad-alone", PP_REQ + "[tool.uv]\nexclude-newer = 'yesterday'\n", (), 0, ()),
        ("pp-tooluv-index-dup", PYPROJECT + "[[tool.uv.index]]\nname = 'a'\nurl = 'https://x/simple'\n"
         "[[tool.uv.index]]\nname = 'a'\nurl = 'https://y/simple'\n", (), 2, (pp, "tool.uv.index", "defined twice")),
        ("pp-tooluv-index-no-url", PYPROJECT + "[[tool.uv.index]]\nname = 'a'\n", (), 2, (pp, "tool.uv.index[0]")),
        ("pp-tooluv-index-url-int", PYPROJECT + "[tool.uv]\nindex-url = 5\n", (), 2, (pp, "tool.uv.index-url")),
        ("pp-tooluv-index-url-notaurl", PYPROJECT + "[tool.uv]\nindex-url = 'not a url'\n", None, 2, ("not a url",)),
        ("pp-tooluv-prerelease-int", PYPROJECT + "[tool.uv]\nprerelease = 3\n", (), 2, (pp, "tool.uv.prerelease")),
        ("pp-tooluv-resolution-bad", PYPROJECT + "[tool.uv]\nresolution = 'best'\n", (), 2, (pp, "tool.uv.resolution")),
        ("pp-tooluv-string", PYPROJECT + "[tool]\nuv = 'yes'\n", (), 2, (pp, "tool.uv")),
        ("pp-version-int", PYPROJECT.replace('version = "0.1"', "version = 1"), (), 2, (pp, "project.version")),
    ):
        if rid == "pp-tooluv-exnewer-bad-alone":
            continue  # covered by tool-uv-exclude-newer-bad (uv warns and ignores the table)
        argv = ("pip", "compile", pp) if args is None else ("pip", "compile", pp, *args, "--no-index")
        yield Case(f"r-{rid}", "settings", argv, {pp: text}, code, words, report=(rid,))
    yield Case("r-pp-invalid-utf8", "syntax", ("pip", "compile", pp), {}, 2, (pp, "UTF-8"),
               setup=lambda d: (d / pp).write_bytes(b'[project]\nname = "\xff\xfe"\n'), report=("pp-invalid-utf8",))
    yield Case("r-pp-empty", "accepted", ("pip", "compile", pp, "--no-index"), {pp: ""}, 0, report=("pp-empty",))
    yield Case("r-pp-no-project", "accepted", ("pip", "compile", pp, "--no-index"), {pp: "[tool.other]\na = 1\n"}, 0,
               report=("pp-no-project",))
    yield Case("r-pp-project-unknown-key", "accepted", (*compile_pp,), {pp: PP_REQ.replace('version = "0.1"\n',
               'version = "0.1"\nfrobnicate = 1\n')}, 0, env=NET_ENV, report=("pp-project-unknown-key",))
    # uv.toml and --config-file
    yield Case("r-uvtoml-config-file-binary", "syntax", ("--config-file", "bin.toml", "pip", "compile", "req.in"),
               {"req.in": ""}, 2, ("bin.toml", "UTF-8"), setup=lambda d: (d / "bin.toml").write_bytes(b"\x7fELF\xff\xfe"),
               report=("uvtoml-config-file-binary",))
    yield Case("r-uvtoml-config-file-pyproject", "settings",
               ("--config-file", pp, "pip", "compile", "req.in", "--no-index"), {"req.in": "", pp: PYPROJECT}, 0,
               warns=(pp,), report=("uvtoml-config-file-pyproject",))
    yield Case("r-uvtoml-exnewer-bad", "settings", ("pip", "compile", "req.in"),
               {"req.in": "", "uv.toml": "exclude-newer = 'yesterday'\n"}, 2, ("yesterday", "uv.toml"),
               report=("uvtoml-exnewer-bad",))
    yield Case("r-uvtoml-index-bad-url", "messages", ("pip", "compile", "req.in"),
               {**TINY, "uv.toml": "[[index]]\nurl = 'not a url'\n"}, 2, ("not a url", "uv.toml"), hint=True,
               report=("uvtoml-index-bad-url",))
    yield Case("r-uvtoml-index-default-twice", "settings", ("pip", "compile", "req.in", "--no-index"),
               {"req.in": "", "uv.toml": "[[index]]\nurl = 'https://a/simple'\ndefault = true\n"
                "[[index]]\nurl = 'https://b/simple'\ndefault = true\n"}, 0,
               report=("uvtoml-index-default-twice",))  # as uv 0.13: accepted
    yield Case("r-uvtoml-index-dup", "settings", ("pip", "compile", "req.in"),
               {"req.in": "", "uv.toml": "[[index]]\nname = 'a'\nurl = 'https://a/simple'\n"
                "[[index]]\nname = 'a'\nurl = 'https://b/simple'\n"}, 2, ("uv.toml", "defined twice"),
               report=("uvtoml-index-dup",))
    yield Case("r-uvtoml-index-url-int", "settings", ("pip", "compile", "req.in"),
               {"req.in": "", "uv.toml": "index-url = 5\n"}, 2, ("uv.toml", "index-url"), report=("uvtoml-index-url-int",))
    yield Case("r-uvtoml-pip-pyver-abc", "messages", ("pip", "compile", "req.in"),
               {"req.in": "", "uv.toml": "[pip]\npython-version = 'abc'\n"}, 2, ("uv.toml", "abc"),
               report=("uvtoml-pip-pyver-abc",))
    yield Case("r-uvtoml-syntax", "syntax", ("pip", "compile", "req.in"), {"req.in": "", "uv.toml": "index-url = \n"}, 2,
               ("uv.toml", "TOML"), report=("uvtoml-syntax",))
    yield Case("r-uvtoml-tooluv-wrapper", "settings", ("pip", "compile", "req.in", "--no-index"),
               {"req.in": "", "uv.toml": "[tool.uv]\nindex-url = 'https://x/simple'\n"}, 2, ("uv.toml", "tool"),
               report=("uvtoml-tooluv-wrapper",))
    yield Case("r-uvtoml-unknown-key", "settings", ("pip", "compile", "req.in", "--no-index"),
               {"req.in": "", "uv.toml": "frobnicate = true\n"}, 2, ("uv.toml", "frobnicate"),
               report=("uvtoml-unknown-key",))
    # uv.lock and export
    proj = {"pyproject.toml": PYPROJECT, "uv.lock": LOCK}
    yield Case("r-export-no-frozen", "accepted", ("export",), {"pyproject.toml": PP_REQ}, 0,
               env={**NET_ENV, "UV_DEFAULT_INDEX": GOOD}, output="uv.lock", report=("export-no-frozen",), check=_stdout_has("tinypkg==1.0"))
    yield Case("r-export-format-pylock", "accepted", ("export", "--frozen", "--format", "pylock.toml"), dict(proj), 0,
               report=("export-format-pylock",))
    yield Case("r-export-no-emit-ghost", "accepted", ("export", "--frozen", "--no-emit-package", "ghost"), dict(proj), 0,
               report=("export-no-emit-ghost",))
    yield Case("r-export-package-missing", "exit", ("export", "--frozen", "--package", "ghost"), dict(proj), 2,
               ("ghost",), hint=True, report=("export-package-missing",))
    yield Case("r-export-prune-ghost", "accepted", ("export", "--frozen", "--prune", "ghost"), dict(proj), 0,
               report=("export-prune-ghost",))
    for rid, lock, words in (
        ("lock-bad-hash", LOCK.replace("sha256:8abb", "md5:zz8abb"), ("uv.lock", "six", "hash")),
        ("lock-bad-marker", LOCK.replace('dependencies = [{ name = "six" }]',
                                         "dependencies = [{ name = \"six\", marker = \"python_version >< '3'\" }]"),
         ("uv.lock", "demo", "marker")),
        ("lock-dep-dangling", LOCK.replace('dependencies = [{ name = "six" }]',
                                           'dependencies = [{ name = "six" }, { name = "ghost" }]'),
         ("uv.lock", "ghost")),
        ("lock-duplicate-pkg", LOCK + LOCK[LOCK.index('[[package]]\nname = "six"'):], ("uv.lock", "six", "twice")),
        ("lock-empty", "", ("uv.lock", "version")),
        ("lock-garbage", "zzz not toml {{{\n", ("uv.lock", "TOML")),
        ("lock-registry-not-url", LOCK.replace('registry = "https://pypi.org/simple"', 'registry = "not a url"'), ()),
        ("lock-requires-python-bad", LOCK.replace('requires-python = ">=3.8"', 'requires-python = ">=three"'),
         ("uv.lock", ">=three")),
        ("lock-source-unknown", LOCK.replace('source = { registry = "https://pypi.org/simple" }',
                                             "source = { carrier-pigeon = 'x' }"), ("uv.lock", "carrier-pigeon")),
        ("lock-truncated", LOCK[: len(LOCK) // 2], ("uv.lock",)),
        ("lock-truncated-header", LOCK[:40], ("uv.lock",)),
        ("lock-version-2", LOCK.replace("version = 1\n", "version = 2\n", 1), ("uv.lock", "version 2")),
        ("lock-version-string", LOCK.replace("version = 1\n", 'version = "1"\n', 1), ("uv.lock", "version")),
        ("lock-wrong-types", LOCK.replace("wheels = [", "xwheels = 1\nwheels = ["), ("uv.lock", "xwheels")),
    ):
        if rid == "lock-registry-not-url":
            yield Case(f"r-{rid}", "accepted", ("export", "--frozen"), {"pyproject.toml": PYPROJECT, "uv.lock": lock}, 0,
                       report=(rid,))
            continue
        yield Case(f"r-{rid}", "validate", ("export", "--frozen"), {"pyproject.toml": PYPROJECT, "uv.lock": lock}, 2,
                   words, report=(rid,))
    yield Case("r-lock-revision-99", "accepted", ("export", "--frozen"),
               {"pyproject.toml": PYPROJECT, "uv.lock": LOCK.replace("revision = 3", "revision = 99")}, 0,
               report=("lock-revision-99",))
    yield Case("r-lock-invalid-utf8", "syntax", ("export", "--frozen"), {"pyproject.toml": PYPROJECT}, 2,
               ("uv.lock", "UTF-8"), setup=lambda d: (d / "uv.lock").write_bytes(LOCK.replace("six", "s\xffx").encode("latin-1")),
               report=("lock-invalid-utf8",))
    yield Case("r-lock-is-dir", "errno", ("export", "--frozen"), {"pyproject.toml": PYPROJECT, "uv.lock/x": ""}, 2,
               ("uv.lock", "directory"), report=("lock-is-dir",))
    yield Case("r-lock-missing", "config", ("export", "--frozen"), {"pyproject.toml": PYPROJECT}, 2, ("uv.lock",),
               hint=True, report=("lock-missing",))
    yield Case("r-lock-no-root", "validate", ("export", "--frozen"),
               {"pyproject.toml": PYPROJECT, "uv.lock": LOCK.replace('name = "demo"', 'name = "other-app"')}, 2,
               ("demo",), hint=True, report=("lock-no-root",))
    yield Case("r-lock-pp-broken", "syntax", ("export", "--frozen"), {"pyproject.toml": "[project\n", "uv.lock": LOCK}, 2,
               ("pyproject.toml", "TOML"), report=("lock-pp-broken",))
    # broken indexes
    for rid, route, words in (
        ("net-401", "401", ("401",)), ("net-403", "403", ("403",)), ("net-404", "404", ("tinypkg", "not found in the package registry")),
        ("net-429", "429", ("429",)), ("net-500", "500", ("HTTP 500",)), ("net-503-retry-after", "503retry", ("503",)),
        ("net-all-yanked", "allyanked", ("tinypkg",)), ("net-bad-filenames", "badfilenames", ("tinypkg",)),
        ("net-bad-hash-fragment", "badhashfrag", ("tinypkg",)), ("net-devpi-page", "devpi", ("tinypkg",)),
        ("net-empty-page", "emptypage", ("{srv}/emptypage/simple/",)),
        ("net-files-404-300-versions", "files404", ("HTTP 404", "{srv}/files404/simple/")),
        ("net-garbage-bytes", "garbage", ("{srv}/garbage/simple/",)),
        ("net-garbage-html", "garbagetext", ("tinypkg",)), ("net-gzip-bad", "gzipbad", ("{srv}/gzipbad/simple/tinypkg/",)),
        ("net-huge-page", "huge", ("HTTP 404",)),
        ("net-json-api-v2", "jsonv2", ("2.0",)), ("net-json-array", "jsonarray", ("{srv}/jsonarray/simple/tinypkg/",)),
        ("net-json-invalid", "jsoninvalid", ("JSON",)), ("net-json-schema", "jsonschema", ("files",)),
        ("net-json-types", "jsontypes", ("{srv}/jsontypes/simple/",)),
        ("net-metadata-hash-mismatch", "metahashbad", ("0" * 64,)),
        ("net-redirect-ftp", "redirftp", ("ftp://example.invalid/x/",)), ("net-redirect-loop", "loop", ("redirects",)),
        ("net-redirect-loop2", "loop2a", ("redirects",)),
        ("net-redirect-no-location", "redirnoloc", ("{srv}/redirnoloc/simple/tinypkg/",)),
        ("net-redirect-refused", "redirrefused", ("refused",)), ("net-stalled-body", "stallbody", ("timeout",)),
        ("net-truncated-body", "truncated", ("{srv}/truncated/simple/tinypkg/",)),
        ("net-wheel-bad-metadata", "badmeta", ("tinypkg", "garbage")),
        ("net-wheel-hash-mismatch", "hashbad", ("0" * 64,)), ("net-wheel-no-metadata", "nometa", ("METADATA",)),
        ("net-wheel-not-zip", "notzip", ("zip",)), ("net-wheel-wrong-name", "wrongname", ("otherpkg",)),
        ("net-wrong-project-files", "wrongproject", ("tinypkg",)),
    ):
        yield Case(f"r-{rid}", "messages", _compile_idx(route), dict(TINY), 1, words, env=NET_ENV,
                   hint=rid not in NO_FIX, report=(rid,), check=_short(4000))
    yield Case("r-net-hash-mismatch-gen-hashes", "validate", _compile_idx("hashbad", "--generate-hashes"), dict(TINY), 1,
               ("0" * 64,), env=NET_ENV, report=("net-hash-mismatch-gen-hashes",))
    for rid, route in (("net-bad-requires-python", "badreqpy"), ("net-non-utf8", "nonutf8"),
                       ("net-wrong-content-type", "wrongct")):
        yield Case(f"r-{rid}", "accepted", _compile_idx(route), dict(TINY), 0 if rid != "net-non-utf8" else 1,
                   () if rid != "net-non-utf8" else ("tinypkg", "404"), env=NET_ENV, report=(rid,))
    yield Case("r-net-refused", "messages", ("pip", "compile", "req.in", "-i", "{refused}/simple/"), dict(TINY), 1,
               ("{refused}/simple/tinypkg/", "refused"), env=NET_ENV, hint=True, report=("net-refused",))
    yield Case("r-net-never-answers", "hang", ("pip", "compile", "req.in", "-i", "{hang}/simple/"), dict(TINY), 1,
               ("{hang}/simple/tinypkg/", "timeout"), env={"UV_HTTP_TIMEOUT": "1", "UV_HTTP_RETRIES": "1"}, hint=True,
               report=("net-never-answers",))
    yield Case("r-net-dns-fail", "messages", ("pip", "compile", "req.in", "-i", "http://no-such-host.invalid/simple/"),
               dict(TINY), 1, ("no-such-host.invalid",), env=NET_ENV, hint=True, report=("net-dns-fail",))
    yield Case("r-net-findlinks-404", "messages", ("pip", "compile", "req.in", "--no-index", "-f", "{srv}/404/links/"),
               dict(TINY), 1, ("tinypkg",), env=NET_ENV, hint=True, report=("net-findlinks-404",))
    yield Case("r-net-offline-empty-cache", "messages", ("--offline", "pip", "compile", "req.in"), dict(TINY), 1,
               ("tinypkg",), hint=True, report=("net-offline-empty-cache",))
    for rid, host in (("net-creds-401-redacted", "{srvauth}/401/simple/"), ("net-creds-loop-redacted", "{srvauth}/loop/simple/"),
                      ("net-creds-refused-redacted", "{refusedauth}/simple/")):
        yield Case(f"r-{rid}", "secrets", ("pip", "compile", "req.in", "-i", host), dict(TINY), 1, ("127.0.0.1",),
                   env=NET_ENV, report=(rid,))
    for rid, route, words in (("iv-404", "404", ("tinypkg", "{srv}/404/simple/")),
                              ("iv-garbage", "garbage", ("{srv}/garbage/simple/",)),
                              ("iv-json-schema", "jsonschema", ("{srv}/jsonschema/simple/tinypkg/", "files")),
                              ("iv-redirect-loop", "loop", ("{srv}/loop/simple/tinypkg/", "redirects"))):
        yield Case(f"r-{rid}", "messages", ("index", "versions", "tinypkg", "-i", f"{{srv}}/{route}/simple/"), {}, 1, words,
                   env=NET_ENV, report=(rid,))
    yield Case("r-iv-never-answers", "hang", ("index", "versions", "tinypkg", "-i", "{hang}/simple/"), {}, 1,
               ("{hang}/simple/tinypkg/", "timeout"), env={"UV_HTTP_TIMEOUT": "1", "UV_HTTP_RETRIES": "1"},
               report=("iv-never-answers",))
    yield Case("r-iv-findlinks-garbage-file", "messages", ("index", "versions", "tinypkg", "--no-index", "-f", "bin.dat"),
               {"bin.dat": "\x7fELF garbage"}, 1, ("tinypkg",), report=("iv-findlinks-garbage-file",))
    # cache
    yield Case("r-cache-clean-badname", "accepted", ("--cache-dir", "c", "cache", "clean", "../../etc"), {}, 0,
               report=("cache-clean-badname",))
    yield Case("r-cache-clean-proc", "accepted", ("--cache-dir", "/proc/x", "cache", "clean"), {}, 0,
               report=("cache-clean-proc",))
    yield Case("r-cache-corrupt-entries", "accepted", ("pip", "compile", "req.in", "-i", GOOD), dict(TINY), 0,
               env=NET_ENV, setup=_corrupt_cache, report=("cache-corrupt-entries",), check=_stdout_has("tinypkg==1.0"))


def _corrupt_cache(d: Path) -> None:
    """A warm cache (one run against the fault server) whose every file is then overwritten with garbage."""
    assert main(["--cache-dir", str(d / ".cache"), "pip", "compile", str(d / "req.in"), "-i", _fill(GOOD)]) == 0
    for p in (d / ".cache").rglob("*"):
        if p.is_file() and p.name != "CACHEDIR.TAG":
            p.write_bytes(b"\x00garbage" * 7)


# Report cases covered by rows written before the mapping (their row id -> the report's case ids).
EXISTING_REPORT = {
    "missing-c": ("req-c-missing",), "missing--override": ("src-override-missing",), "missing-r": ("req-r-missing",),
    "missing-src": ("src-missing",), "src-is-dir": (), "nested-is-dir": ("req-r-dir",), "not-utf8": ("req-latin1",),
    "exclude-newer-9999": ("flag-exnewer-future",), "pyproject-deep": ("pp-deep-nesting",),
    "lock-deep": ("lock-deep-nesting",), "symlink-loop": ("req-symlink-loop",), "r-chain-3000": ("req-r-chain-3000",),
    "export-o-uv.lock": ("export-o-uvlock",), "export-o-pyproject.toml": ("export-o-pyproject",),
    "cache-clean-user-dir": ("cache-clean-user-dir",), "cache-prune-user-dir": ("cache-prune-user-dir",),
    "cache-prune-file": ("cache-prune-file",), "extra-with-req-in": ("flag-extra-on-reqin",),
    "group-with-req-in": ("flag-group-on-reqin",), "exclude-newer-garbage": ("flag-exnewer-yesterday",),
    "pyproject-no-extra": ("pp-extra-missing",), "pyproject-bad-toml": ("pp-toml-syntax",),
    "lock-no-version": ("lock-pkg-no-version",), "lock-bad-version": ("lock-bad-version",),
    "bad-url--index-url": ("flag-index-not-url",), "no-host--index-url": ("flag-index-nohost",),
    "bad-url-tool-uv-index": ("pp-tooluv-index-bad-url",), "export-unknown-extra": ("export-extra-missing",),
    "export-unknown-group": ("export-group-missing",), "compile-no-inputs": ("src-none",),
    "compile-o-dir": ("flag-out-file-is-dir",), "export-o-dir": ("export-out-dir",), "c-is-dir": ("src-c-directory",),
    "directory-missing": ("flag-directory-missing",), "index-name-no-url": ("flag-index-empty-named",),
    "requires-python-three": ("pp-requires-python-bad",), "req-bom": ("req-bom",), "no-pyproject": ("lock-no-pyproject",),
    "tool-uv-unknown-key": ("pp-tooluv-unknown-key",), "tool-uv-exclude-newer-bad": ("pp-tooluv-exnewer-bad",),
    "source-path-missing": ("req-sources-missing-path",), "dynamic-dependencies": ("pp-dyn-deps",),
    "project-without-name-pip": ("pp-name-missing",),
}

# Report cases that no in-process row can reproduce, with the reason (the summary counts them apart).
NOT_APPLICABLE = {
    "cache-disk-full": "needs an 8 KiB tmpfs mount (root); the warn-once behaviour is test_an_unwritable_cache_is_warned_about_once",
    "out-disk-full": "needs an 8 KiB tmpfs mount (root)",
    "flag-cache-readonly": "needs a read-only mount (running as root, chmod does not block writes)",
    "flag-out-readonly-mount": "needs a read-only mount (running as root, chmod does not block writes)",
    "export-out-readonly": "needs a read-only mount (running as root, chmod does not block writes)",
    "cache-dir-readonly": "needs a read-only mount (running as root, chmod does not block writes)",
    "sig-baseline-no-signal": "the report's timing baseline, not a case",
    "req-fifo": "a FIFO with no writer blocks any reader (uv too), and a pipe is a legitimate input "
                "(`pip compile <(...)`): no fix, and an in-process row would block the suite",
    **{rid: "a real process must receive the signal: SIGINT at 10 moments is tests/cli/test_sigint.py"
       for rid in ("sig-int-2s-new-output", "sig-int-2s-existing-output", "sig-int-2s-stdout", "sig-int-double",
                   "sig-term-2s", "sig-int-during-hang", "sig-int-0.3s-startup", "sig-int-0.8s-new-output",
                   "sig-int-0.8s-existing-output", "sig-int-1.2s-new-output", "sig-int-1.2s-existing-output",
                   "sig-int-1.5s-new-output", "sig-int-1.5s-existing-output", "sig-term-1.2s-existing-output",
                   "sig-int-1.2s-generate-hashes")},
}
SIGNAL_CASES = "tests/cli/test_sigint.py"  # the report's 15 signal runs (sig-*) are that file's subject


# Rows that still fail, and why (xfail, strict: a fix makes the row pass and must remove its entry).
KNOWN_FAILURES = {
}


def _all_cases() -> Iterator[Case]:
    import dataclasses

    for case in _cases():
        yield dataclasses.replace(case, report=case.report + EXISTING_REPORT.get(case.id, ()),
                                  xfail=KNOWN_FAILURES.get(case.id, ""))
    for case in _report_cases():
        yield dataclasses.replace(case, xfail=KNOWN_FAILURES.get(case.id, ""))


CASES = list(_all_cases())
PLACES: dict[str, str] = {}  # placeholder -> value, filled by the `places` fixture
RESULTS: dict[str, bool] = {}  # row id -> passed, for the summary (tests/cli/conftest.py)


def _fill(text: str) -> str:
    for key, value in PLACES.items():
        text = text.replace(key, value)
    return text


def _snapshot(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".cache"]
        for name in filenames:
            p = Path(dirpath, name)
            try:
                if p.is_symlink():
                    out[str(p.relative_to(root))] = "-> " + os.readlink(p)
                    continue
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest() + oct(p.lstat().st_mode)
            except OSError:
                out[str(p.relative_to(root))] = "unreadable"
    return out


def _index_routes(base: str) -> dict[str, Route]:
    """The report's Appendix A server (port 8801) as FaultServer routes under ``base``."""
    import json

    good = _wheel("Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\nRequires-Python: >=3.7\n\n")
    good_meta = b"Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\nRequires-Python: >=3.7\n\n"
    wheels = {
        "good": good,
        "badmeta": _wheel("Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\nRequires-Dist: foo >>> 1 ;;\n"
                          "Requires-Python: >=garbage\n\n"),
        "wrongname": _wheel("Metadata-Version: 2.1\nName: otherpkg\nVersion: 9.9\n\n"),
        "nometa": _wheel(None),
        "notzip": b"this is not a zip file at all\n" * 20,
    }
    sha = lambda b: hashlib.sha256(b).hexdigest()  # noqa: E731
    html = lambda links: Route(("<!DOCTYPE html><html><body>\n" + "\n".join(links) + "\n</body></html>\n").encode())  # noqa: E731
    link = lambda href, text, extra="": f'<a href="{href}"{extra}>{text}</a><br/>'  # noqa: E731
    js = lambda obj: Route(obj if isinstance(obj, bytes) else json.dumps(obj).encode(),  # noqa: E731
                           content_type="application/vnd.pypi.simple.v1+json")
    good_link = link(f"{base}/files/good/{WHL}#sha256={sha(good)}", WHL)
    routes: dict[str, Route] = {f"/files/{k}/{WHL}": Route(v, content_type="application/octet-stream", ranges=False)
                                for k, v in wheels.items()}
    routes[f"/files/metahashbad/{WHL}"] = Route(good, content_type="application/octet-stream", ranges=False)
    routes[f"/files/metahashbad/{WHL}.metadata"] = Route(good_meta, content_type="application/octet-stream")
    routes[f"/files/hashbad/{WHL}"] = Route(good, content_type="application/octet-stream", ranges=False)
    page = {
        "good": html([good_link]),
        "500": Route(b"<html>Internal Server Error</html>", status=500),
        "503retry": Route(b"busy", status=503, extra_headers={"Retry-After": "3600"}),
        "429": Route(b"slow down", status=429, extra_headers={"Retry-After": "3600"}),
        "401": Route(b"auth", status=401, extra_headers={"WWW-Authenticate": 'Basic realm="x"'}),
        "403": Route(b"forbidden", status=403),
        "garbage": Route(bytes(range(256)) * 16),
        "garbagetext": Route(b"<html><<<>>><a href=><a href='<a>\x00\x01 lorem ipsum </p></div>" * 50),
        "emptypage": Route(b""),
        "jsoninvalid": js(b"{not: json,,"),
        "jsonschema": js({"meta": {"api-version": "1.0"}, "name": "tinypkg", "files": "nope"}),
        "jsontypes": js({"meta": {"api-version": "1.0"}, "name": "tinypkg",
                         "files": [{"filename": 123, "url": None, "hashes": "x"}, 5, None]}),
        "jsonarray": js(b"[1,2,3]"),
        "jsonv2": js({"meta": {"api-version": "2.0"}, "name": "tinypkg",
                      "files": [{"filename": WHL, "url": f"{base}/files/good/{WHL}", "hashes": {"sha256": sha(good)}}]}),
        "dated": js({"meta": {"api-version": "1.1"}, "name": "tinypkg", "versions": ["1.0"],
                     "files": [{"filename": WHL, "url": f"{base}/files/good/{WHL}", "hashes": {"sha256": sha(good)},
                                "upload-time": "2020-01-01T00:00:00Z"}]}),
        "redirnoloc": Route(b"", status=302),
        "redirftp": Route(b"", status=302, fault="redirect", location="ftp://example.invalid/x/"),
        "redirrefused": Route(b"", status=302, fault="redirect", location=PLACES["{refused}"] + "/simple/tinypkg/"),
        "truncated": Route(html([good_link]).body * 5, fault="drop"),
        "stallbody": Route(html([good_link]).body * 5, fault="stall", sleep=30),
        "gzipbad": Route(b"definitely not gzip", extra_headers={"Content-Encoding": "gzip"}),
        "wrongct": Route(html([good_link]).body, content_type="image/png"),
        "nonutf8": Route(b"<html><a href='tinypkg-1.0-py3-none-any.whl'>\xff\xfe\xe9t\xe9</a></html>"),
        "devpi": Route(b"<html><form action='/+search'></form><div id=\"navigation\"></div></html>"),
        "badfilenames": html([link(f"{base}/files/good/x", n) for n in
                              ["tinypkg-.whl", "tinypkg-1.0.whl", "tinypkg-1.0-xx.whl", "tinypkg.tar.gz",
                               "tinypkg-abc!!.tar.gz", "../../etc/passwd"]]),
        "badreqpy": html([link(f"{base}/files/good/{WHL}#sha256={sha(good)}", WHL, ' data-requires-python="&gt;=garbage!!"')]),
        "badhashfrag": html([link(f"{base}/files/good/{WHL}#sha256=zz-not-hex", WHL)]),
        "wrongproject": html([link(f"{base}/files/good/otherpkg-1.0-py3-none-any.whl", "otherpkg-1.0-py3-none-any.whl")]),
        "allyanked": html([link(f"{base}/files/good/{WHL}#sha256={sha(good)}", WHL, ' data-yanked="bad"')]),
        "files404": html([link(f"{base}/files/missing/tinypkg-{i}.0-py3-none-any.whl", f"tinypkg-{i}.0-py3-none-any.whl")
                          for i in range(1, 301)]),
        "huge": html([link(f"{base}/files/missing/tinypkg-{i}.0-py3-none-any.whl", f"tinypkg-{i}.0-py3-none-any.whl")
                      for i in range(200_000)]),
        "hashbad": html([link(f"{base}/files/hashbad/{WHL}#sha256={'0' * 64}", WHL)]),
        "metahashbad": html([link(f"{base}/files/metahashbad/{WHL}#sha256={sha(good)}", WHL,
                                  ' data-dist-info-metadata="sha256=' + "0" * 64 + '"')]),
    }
    for scen in ("badmeta", "wrongname", "nometa", "notzip"):
        page[scen] = html([link(f"{base}/files/{scen}/{WHL}#sha256={sha(wheels[scen])}", WHL)])
    for scen, route in page.items():
        routes[f"/{scen}/simple/tinypkg/"] = route
    routes["/loop/simple/tinypkg/"] = Route(b"", status=302, fault="redirect", location="/loop/simple/tinypkg/")
    routes["/loop2a/simple/tinypkg/"] = Route(b"", status=302, fault="redirect", location="/loop2b/simple/tinypkg/")
    routes["/loop2b/simple/tinypkg/"] = Route(b"", status=302, fault="redirect", location="/loop2a/simple/tinypkg/")
    return routes


@pytest.fixture(scope="module")
def places() -> Iterator[dict[str, str]]:
    """The report's servers: a routed fault server, a port that never answers, a port that refuses."""
    import socket

    hang = socket.socket()
    hang.bind(("127.0.0.1", 0))
    hang.listen(64)
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    refused_port = free.getsockname()[1]
    free.close()
    srv = FaultServer().start()
    try:
        PLACES.update({
            "{srvauth}": srv.url("", user="alice", password=SECRET), "{srv}": srv.url(""),
            "{hang}": f"http://127.0.0.1:{hang.getsockname()[1]}",
            "{refusedauth}": f"http://alice:{SECRET}@127.0.0.1:{refused_port}",
            "{refused}": f"http://127.0.0.1:{refused_port}",
        })
        for path, route in _index_routes(PLACES["{srv}"]).items():
            srv.route(path, route)
        yield PLACES
    finally:
        srv.stop()
        hang.close()
        PLACES.clear()


def _error_lines(err: str) -> list[str]:
    """``error:`` lines, and argparse's ``prong ...: error:`` usage lines."""
    import re

    return [line for line in err.splitlines() if line.startswith("error:") or re.match(r"^prong[\w -]*: error:", line)]


def _error_block(err: str, first: str) -> str:
    """The error that starts at ``first``: that line, the ones under it (the resolver's "No solution
    found" error explains itself on the lines below) and its hints."""
    lines = err.splitlines()
    at = lines.index(first)
    block = [first]
    for line in lines[at + 1:]:
        if line.startswith(("warning:", "error:")):
            break
        block.append(line)
    return "\n".join(block)


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.xfail(reason=c.xfail, strict=True)) if c.xfail
                                  else c for c in CASES], ids=[c.id for c in CASES])
def test_case(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
              request: pytest.FixtureRequest) -> None:
    import time

    texts = [*case.argv, *case.files.values(), *case.env.values(), *case.words]
    if any("{" in t and "}" in t for t in texts) or case.setup is _corrupt_cache:
        request.getfixturevalue("places")
    work = tmp_path / "w"
    work.mkdir()
    for name, text in case.files.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_fill(text), encoding="utf-8", errors="surrogateescape")
    if case.setup is not None:
        case.setup(work)
    capsys.readouterr()
    monkeypatch.chdir(work)
    monkeypatch.setenv("PRONG_CACHE_DIR", str(work / ".cache"))
    for name, value in case.env.items():
        monkeypatch.setenv(name, _fill(value))
    before = _snapshot(work)
    start = time.monotonic()
    try:
        code = main([_fill(a) for a in case.argv])
    except SystemExit as exc:  # argparse
        code = exc.code if isinstance(exc.code, int) else 2
    elapsed = time.monotonic() - start
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert SECRET not in out + err
    assert elapsed < 60, elapsed
    assert code == case.exit, err
    errors = _error_lines(err)
    for word in case.warns:
        assert _fill(word) in err.partition("warning: ")[2], err
    if case.exit and case.argv:
        assert len(errors) == 1, err
        block = _error_block(err, errors[0])
        for word in case.words:
            assert _fill(word) in block, err
        if case.hint:
            assert any(line.startswith("hint:") for line in err.splitlines()), err
    if case.check is not None:
        case.check(work, out, err)
    after = _snapshot(work)
    if case.output is not None:
        before.pop(case.output, None)
        after.pop(case.output, None)
    assert after == before
    RESULTS[case.id] = True


# -- cases that need a server or a file mode ------------------------------------------------------------


def test_a_password_in_the_index_url_is_never_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Report worst case 1: a 401 printed the password in the error and the hint."""
    with FaultServer() as srv:
        srv.route("/simple/tinypkg/", Route(b"auth", status=401, extra_headers={"WWW-Authenticate": 'Basic realm="x"'}))
        (tmp_path / "req.in").write_text("tinypkg\n")
        monkeypatch.chdir(tmp_path)
        url = srv.url("/simple/", user="alice", password=SECRET)
        code = main(["--cache-dir", str(tmp_path / "c"), "-vv", "pip", "compile", "req.in", "-i", url])
    out, err = capsys.readouterr()
    assert code == 1
    assert SECRET not in out + err
    assert "could not be queried" in err and "127.0.0.1" in err


def test_redact_text_masks_as_uv_does() -> None:
    from prong.client.auth import redact_text

    assert redact_text("see http://alice:pw@h:1/x and https://tok@h/y") == "see http://alice:****@h:1/x and https://****@h/y"
    assert redact_text("mail alice@example.com") == "mail alice@example.com"


def test_output_file_keeps_its_mode_and_a_new_one_gets_the_umask(tmp_path: Path) -> None:
    from prong.api._files import write_atomic

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "new.txt"
        write_atomic(fresh, "x")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o640)
        write_atomic(kept, "y")
        assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text() == "y"
    finally:
        os.umask(old)


def test_output_symlink_is_written_through(tmp_path: Path) -> None:
    from prong.api._files import write_atomic

    target = tmp_path / "target.txt"
    target.write_text("old")
    link = tmp_path / "out.txt"
    link.symlink_to("target.txt")
    write_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_a_cache_prong_wrote_is_marked_and_can_be_cleaned(tmp_path: Path) -> None:
    from prong.cache import CACHEDIR_TAG, Cache

    cache = Cache(tmp_path / "c")
    cache.write("http-v1", "k", b"data")
    assert (tmp_path / "c" / CACHEDIR_TAG).is_file()
    assert cache.clean() >= 1
    legacy = tmp_path / "legacy"
    (legacy / "wheels-v1").mkdir(parents=True)
    (legacy / "wheels-v1" / "w.whl").write_bytes(b"x")
    assert Cache(legacy).clean() == 1  # a cache from before the marker: only bucket directories
    shutil.rmtree(tmp_path / "c", ignore_errors=True)


def test_an_index_that_never_answers_fails_within_timeout_times_attempts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Report worst case 4: UV_HTTP_TIMEOUT was ignored (4 × 30 s). With 1 s and one retry the run
    fails after two attempts and says it timed out (time is not asserted: only the attempt count)."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        (tmp_path / "req.in").write_text("tinypkg\n")
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("UV_HTTP_TIMEOUT", "1")
        monkeypatch.setenv("UV_HTTP_RETRIES", "1")
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/simple/"
        code = main(["--cache-dir", str(tmp_path / "c"), "pip", "compile", "req.in", "-i", url])
    finally:
        sock.close()
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert "1 s (timeout)" in err and "2 attempts" in err, err


@pytest.mark.parametrize("name", ["UV_HTTP_TIMEOUT", "UV_REQUEST_TIMEOUT", "UV_HTTP_RETRIES"])
def test_an_invalid_http_variable_is_a_configuration_error(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "req.in").write_text("tinypkg\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, "soon")
    code = main(["--cache-dir", str(tmp_path / "c"), "pip", "compile", "req.in", "-i", "http://127.0.0.1:9/simple/"])
    err = capsys.readouterr().err
    assert code == 2 and f"error: invalid value `soon` for the environment variable {name}" in err, err


def test_http_settings_default_to_uvs() -> None:
    from prong.client.http import http_settings_from_env

    assert http_settings_from_env({}) == (30.0, 3)
    assert http_settings_from_env({"UV_REQUEST_TIMEOUT": "7", "UV_HTTP_RETRIES": "0"}) == (7.0, 0)
    assert http_settings_from_env({"UV_HTTP_TIMEOUT": "5", "UV_REQUEST_TIMEOUT": "7"}) == (5.0, 3)


def _wheel(metadata: str | None, name: str = "tinypkg", version: str = "1.0") -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    di = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{name}/__init__.py", "")
        if metadata is not None:
            z.writestr(f"{di}/METADATA", metadata)
        z.writestr(f"{di}/WHEEL", "Wheel-Version: 1.0\nGenerator: x\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{di}/RECORD", "")
    return buf.getvalue()


WHL = "tinypkg-1.0-py3-none-any.whl"


@pytest.mark.parametrize(("meta", "words"), [
    ("Metadata-Version: 2.1\nName: otherpkg\nVersion: 1.0\n\n", ("otherpkg", "tinypkg", WHL)),
    ("Metadata-Version: 2.1\nName: tinypkg\nVersion: 9.9\n\n", ("9.9", "1.0", WHL)),
    ("Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\nRequires-Python: >=garbage\n\n", (">=garbage", WHL)),
    (None, ("expected sha256:" + "0" * 64, "got sha256:")),
], ids=["wrong-name", "wrong-version", "bad-requires-python", "hash-mismatch"])
def test_what_the_index_serves_is_checked(meta: str | None, words: tuple[str, ...], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Report worst case 9 and the hash/Requires-Python findings: a wheel whose METADATA names another
    project or version is refused; the errors name the file, and a hash mismatch shows both hashes."""
    data = _wheel(meta or "Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\n\n")
    digest = "0" * 64 if meta is None else hashlib.sha256(data).hexdigest()
    with FaultServer() as srv:
        srv.route(f"/files/{WHL}", Route(data, content_type="application/octet-stream", ranges=False))
        srv.route("/simple/tinypkg/", Route(f'<a href="/files/{WHL}#sha256={digest}">{WHL}</a>'.encode()))
        (tmp_path / "req.in").write_text("tinypkg\n")
        monkeypatch.chdir(tmp_path)
        code = main(["--cache-dir", str(tmp_path / "c"), "pip", "compile", "req.in", "-i", srv.url("/simple/")])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err and "tinypkg==" not in out, err
    for word in words:
        assert word in err, err


def test_an_unwritable_cache_is_warned_about_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The report saw the same cache warning printed 10 times for a cache dir that is a file."""
    import logging

    from prong.cache import Cache
    from prong.client.http import HttpClient

    (tmp_path / "afile").write_text("x")
    with caplog.at_level(logging.WARNING, logger="prong"), HttpClient(cache=Cache(tmp_path / "afile")) as http:
        for i in range(5):
            assert http.store_entry("http-v1", f"k{i}", b"data") is False
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "afile" in warnings[0].getMessage()


@pytest.mark.parametrize("argv", [
    ("pip", "compile", "req.in"),
    ("pip", "compile", "req.in", "--universal"),
], ids=["compile", "universal"])
def test_a_project_whose_files_all_404_stops_after_a_bounded_number(
        argv: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Report worst case 8: every file of a 300-version project 404s. The resolver walked all of them
    (a 453-line error; 200 000 versions: a hang); now it stops after a few, naming the index and the
    status in one error line."""
    from prong.sources.index import MAX_FETCH_FAILURES

    links = "\n".join(f'<a href="/files/tinypkg-{i}.0-py3-none-any.whl">tinypkg-{i}.0-py3-none-any.whl</a>'
                      for i in range(1, 301))
    with FaultServer() as srv:
        srv.route("/simple/tinypkg/", Route(links.encode()))
        (tmp_path / "req.in").write_text("tinypkg\n")
        monkeypatch.chdir(tmp_path)
        index = srv.url("/simple/")
        code = main(["--cache-dir", str(tmp_path / "c"), *argv, "-i", index])
        files_asked = len({s.path for s in srv.requests() if s.path.startswith("/files/")})
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and index in errors[0] and "HTTP 404" in errors[0] and "tinypkg" in errors[0], err
    assert any(line.startswith("hint:") for line in err.splitlines()), err
    assert len(err) < 2000, err
    assert files_asked <= 2 * MAX_FETCH_FAILURES, files_asked


@pytest.mark.parametrize("command", ["compile", "lock"])
@pytest.mark.parametrize("fault", ["refused", "500", "timeout"])
def test_a_fetch_failure_with_no_other_index_is_the_error_itself(
        fault: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The report: refused / HTTP 500 / timeout came out as "No solution found ... could not be fetched
    from the index" with the cause in a hint. The failure is the error, with its URL."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    refused_port = free.getsockname()[1]
    free.close()  # nothing listens there now: connection refused
    try:
        with FaultServer() as srv:
            srv.route("/simple/tinypkg/", Route(b"<h1>Internal Server Error</h1>", status=500))
            index = {"refused": f"http://127.0.0.1:{refused_port}/simple/", "500": srv.url("/simple/"),
                     "timeout": f"http://127.0.0.1:{sock.getsockname()[1]}/simple/"}[fault]
            (tmp_path / "req.in").write_text("tinypkg\n")
            (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace('"six"', '"tinypkg"'))
            monkeypatch.chdir(tmp_path)
            monkeypatch.setenv("UV_HTTP_TIMEOUT", "1")
            monkeypatch.setenv("UV_HTTP_RETRIES", "0")
            argv = ["pip", "compile", "req.in", "-i", index] if command == "compile" else \
                ["lock", "--default-index", index]
            before = _snapshot(tmp_path)
            code = main(["--cache-dir", str(tmp_path / ".cache"), *argv])
    finally:
        sock.close()
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err, err
    assert "No solution found" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    words = {"refused": "connection refused", "500": "HTTP 500", "timeout": "timeout"}[fault]
    assert index + "tinypkg/" in errors[0] and words in errors[0] and "tinypkg" in errors[0], err
    assert any(line.startswith("hint:") for line in err.splitlines()), err
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("table", [
    "[tool.uv]\nindex-url = 'https://pypi.org/simple'\n\n\n\n\n\n\n\n\"frob-x\" = 1\n",
    "[tool.uv.frob]\na = 1\n",
    "[tool]\nuv.frob = 1\n",
    "[tool.uv.pip]\ngenerate-hashes = true\nfrob = 1\n",
    "[tool.uv]\nexclude-newer = \"yesterday\"\n",
], ids=["quoted-key", "table-header", "dotted-key", "pip-table", "exclude-newer"])
def test_a_tool_uv_table_uv_cannot_read_is_warned_about_in_uvs_words(
        table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """uv 0.13.9 warns "Failed to parse `pyproject.toml` during settings discovery:" with the TOML
    error (line, caret, `unknown field`... / `could not be parsed as a valid exclude-newer value`)
    and ignores the table; prong printed nothing (the report's pp-tooluv-unknown-key) and took a
    flag over an invalid exclude-newer silently. Side by side with uv: the same warning, byte for byte."""
    from tests.support.uv import run_uv

    work = tmp_path / "w"
    work.mkdir()
    (work / "req.in").write_text("")
    (work / "pyproject.toml").write_text(PYPROJECT + table)
    monkeypatch.chdir(work)
    monkeypatch.setenv("PRONG_CACHE_DIR", str(tmp_path / "c"))
    args = ["pip", "compile", "req.in", "--no-index", "--exclude-newer", "2024-01-01"]
    code = main(args)
    err = capsys.readouterr().err
    uv = run_uv(args, work, tmp_path)
    assert code == 0 and uv.returncode == 0, (err, uv.stderr)
    assert err.startswith("warning: Failed to parse `pyproject.toml` during settings discovery:"), err
    assert err.split("\n\n")[0] == uv.stderr.split("\n\n")[0]  # the warning block (uv ends it with a blank line)


# -- coverage of the report and the summary line ----------------------------------------------------------

REPORT_FILE = Path(__file__).with_name("bad_input_report_cases.txt")
# The issue's seven classes; the rows' `cls` values map onto them ("accepted": valid input, exit 0).
CLASSES = {
    "1 secrets": {"secrets"}, "2 files": {"files"}, "3 tracebacks": {"traceback"}, "4 hangs": {"hang"},
    "5 validation": {"validate"}, "6 messages": {"messages", "settings", "errno", "syntax", "config", "accepted"},
    "7 exit codes": {"exit"},
}


def report_cases() -> dict[str, str]:
    """The report's case ids and the outcome it measured (279 lines: 278 cases and the signal baseline)."""
    out = {}
    for line in REPORT_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rid, outcome = line.split("\t")
            out[rid] = outcome
    return out


def coverage() -> tuple[dict[str, list[Case]], set[str]]:
    """Report case -> the rows that cover it, and the report cases no row covers."""
    rows: dict[str, list[Case]] = {}
    for case in CASES:
        for rid in case.report:
            rows.setdefault(rid, []).append(case)
    return rows, set(report_cases()) - set(rows)


def summary() -> str:
    """The corpus's summary line (printed at the end of a run by tests/cli/conftest.py)."""
    rows, uncovered = coverage()
    ran = [c for c in CASES if c.id in RESULTS or c.xfail]
    clean = sum(1 for rid, cs in rows.items() if all(RESULTS.get(c.id) for c in cs))
    known = sorted(rid for rid, cs in rows.items() if any(c.xfail for c in cs))
    classes = ", ".join(
        f"{name}: {sum(1 for c in ran if c.cls in kinds and not RESULTS.get(c.id))}" for name, kinds in CLASSES.items())
    return (f"bad-input corpus: {len(CASES)} rows ({len(RESULTS)} passed this run); report cases: "
            f"{len(report_cases())}, covered by rows {len(rows)}, clean {clean}, known failures (xfail) {len(known)}, "
            f"not applicable {len(uncovered)}; failing rows by class: {classes}")


def test_every_report_case_is_a_row_or_has_a_reason() -> None:
    rows, uncovered = coverage()
    assert not set(rows) - set(report_cases()), "rows name report cases that do not exist"
    assert uncovered == set(NOT_APPLICABLE), sorted(uncovered ^ set(NOT_APPLICABLE))
    assert len(rows) >= 200
