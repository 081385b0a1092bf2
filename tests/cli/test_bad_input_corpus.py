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


BAD_LINES = [
    "requests==1.0.x", "requests[security", "requests[a b]", "requests>=２.０", "git+https://", "requests~=1",
    "requests>=", "requests ; python_version >", "requests ; os_name == ", "requests (>=1", "requests @",
    "requests @ ", "@ http://x", "requests===", "requests<=>1", "requests>=1,,<2", "[extra]", "==1.0",
    "requests; python_version <<< '3'", "requests[]]", "re quests", "requests>=1.0 and <2", "requests!1",
    "requests ; (python_version > '3'", "requests ; python_version > '3')", "requests ; foo == 'x'",
    "-e", "--index-url", "-c", "-r", "--hash", "requests --hash", "requests --unknown-option",
    "${UNDEFINED_PRONG_VAR}", "requests>=1.0 extra", "requests ;", "req-uests-==1",
]


def _cases() -> Iterator[Case]:
    # requirement-line syntax errors, in the source file, a -c file and a nested -r file (exit 2? no: 1)
    for n, line in enumerate(BAD_LINES):
        yield Case(f"req-line-{n}", "syntax", ("pip", "compile", "req.in"), {"req.in": line + "\n"}, 1, ("req.in",))
        yield Case(f"con-line-{n}", "syntax", ("pip", "compile", "req.in", "-c", "c.txt"),
                   {"req.in": "", "c.txt": line + "\n"}, 1, ("c.txt",))
        yield Case(f"nested-line-{n}", "syntax", ("pip", "compile", "req.in"),
                   {"req.in": "-r sub.txt\n", "sub.txt": line + "\n"}, 1, ("sub.txt",))
        yield Case(f"ovr-line-{n}", "syntax", ("pip", "compile", "req.in", "--override", "o.txt"),
                   {"req.in": "", "o.txt": line + "\n"}, 1, ("o.txt",))
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


CASES = list(_cases())


def _snapshot(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".cache"]
        for name in filenames:
            p = Path(dirpath, name)
            try:
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest() + oct(p.lstat().st_mode)
            except OSError:
                out[str(p.relative_to(root))] = "unreadable"
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "w"
    work.mkdir()
    for name, text in case.files.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
    if case.setup is not None:
        case.setup(work)
    monkeypatch.chdir(work)
    monkeypatch.setenv("PRONG_CACHE_DIR", str(work / ".cache"))
    before = _snapshot(work)
    code = main(list(case.argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert SECRET not in out + err
    assert code == case.exit, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    for word in case.warns:
        assert word in err.partition("warning: ")[2], err
    if case.exit:
        assert len(errors) == 1, err
        for word in case.words:
            assert word in errors[0], err
        if case.hint:
            assert any(line.startswith("hint:") for line in err.splitlines()), err
    after = _snapshot(work)
    if case.output is not None:
        before.pop(case.output, None)
        after.pop(case.output, None)
    assert after == before


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


def _wheel(metadata: str, name: str = "tinypkg", version: str = "1.0") -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    di = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{name}/__init__.py", "")
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
    from prong.dist.index import MAX_FETCH_FAILURES

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
