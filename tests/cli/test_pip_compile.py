"""`prong pip compile` in-process against a real index server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.main import main
from tests.support.index_server import IndexServer
from tests.support.wheels import Dist


@pytest.fixture
def server() -> Iterator[IndexServer]:
    s = IndexServer(metadata=False)
    s.add(Dist("app", "1.0", requires_dist=["lib>=1", "extra-thing; extra == 'fast'"], extras=["fast"]))
    s.add(Dist("lib", "1.0"))
    s.add(Dist("lib", "2.0", requires_dist=["base<2"]))
    s.add(Dist("lib", "3.0", requires_python=">=3.99"))
    s.add(Dist("base", "1.5"))
    s.add(Dist("base", "2.0"))
    s.add(Dist("extra-thing", "0.3", tag=None))  # sdist only: static PKG-INFO
    s.start()
    try:
        yield s
    finally:
        s.stop()


def _compile(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--cache-dir", str(tmp_path / "cache"), "pip", "compile", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_compile_pins_with_via_annotations(server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    req = tmp_path / "requirements.in"
    req.write_text("app[fast]\n")
    out_file = tmp_path / "requirements.txt"
    code, out, err = _compile(tmp_path, capsys, str(req), "--index-url", server.simple_url, "--python-version", "3.11",
                              "--no-header", "-o", str(out_file))
    assert code == 0, err
    assert out == (
        "app==1.0\n"
        f"    # via -r {req}\n"
        "base==1.5\n"
        "    # via lib\n"
        "extra-thing==0.3\n"
        "    # via app\n"
        "lib==2.0\n"
        "    # via app\n"
    )
    assert out_file.read_text() == out
    assert "Resolved 4 packages" in err


def test_compile_generate_hashes(server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    req = tmp_path / "r.in"
    req.write_text("base\n")
    code, out, err = _compile(tmp_path, capsys, str(req), "--index-url", server.simple_url, "--no-header",
                              "--generate-hashes", "--no-annotate")
    assert code == 0, err
    digest = server.by_filename(Dist("base", "2.0").filename).sha256
    assert out == f"base==2.0 \\\n    --hash=sha256:{digest}\n"


def test_unsatisfiable_is_explained_and_exits_1(server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    req = tmp_path / "r.in"
    req.write_text("lib>=2\nbase>=2\n")
    code, out, err = _compile(tmp_path, capsys, str(req), "--index-url", server.simple_url, "--python-version", "3.11")
    assert code == 1
    assert out == ""
    assert "No solution found when resolving dependencies" in err
    assert "base" in err and "lib" in err
    assert "Traceback" not in err


def test_a_bad_requirement_line_is_quoted_with_its_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    req = tmp_path / "r.in"
    req.write_text("ok\nrequests==\n")
    code, out, err = _compile(tmp_path, capsys, str(req), "--index-url", "http://127.0.0.1:9/simple")
    assert code == 1
    assert f"{req}:2:" in err and "requests==" in err and "^" in err
    assert "Traceback" not in err


def test_the_library_api_returns_pins_and_text(server: IndexServer, tmp_path: Path) -> None:
    import prong

    result = prong.compile(requirements=["lib<2"], index_url=server.simple_url, python_version="3.11",
                           header=False, cache_dir=tmp_path / "cache")
    assert {name: str(p.version) for name, p in result.packages.items()} == {"lib": "1.0"}
    assert result.text == "lib==1.0\n    # via -r -\n"
    assert result.requests["requests"] >= 1


def test_quiet_prints_the_result_unless_written_to_a_file(
    server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    req = tmp_path / "r.in"
    req.write_text("base\n")
    code, out, err = _compile(tmp_path, capsys, "-q", str(req), "--index-url", server.simple_url, "--no-header",
                              "--no-annotate")
    assert (code, out, err) == (0, "base==2.0\n", "")
    target = tmp_path / "out.txt"
    code, out, err = _compile(tmp_path, capsys, "-q", str(req), "--index-url", server.simple_url, "--no-header",
                              "--no-annotate", "-o", str(target))
    assert (code, out, err) == (0, "", "")
    assert target.read_text() == "base==2.0\n"


@pytest.mark.parametrize(("table", "args", "key"), [
    ('dependencies = ["requests>="]\n', [], "project.dependencies"),
    ('dependencies = []\n[project.optional-dependencies]\nx = ["requests>="]\n', ["--extra", "x"],
     "project.optional-dependencies.x"),
])
def test_a_bad_requirement_in_pyproject_names_the_file_and_key(
        table: str, args: list[str], key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The report's pp-deps-bad-req / pp-optdeps-bad-req: `invalid requirement` named neither."""
    from prong.cli.main import main

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n' + table)
    monkeypatch.chdir(tmp_path)
    code = main(["--cache-dir", str(tmp_path / "c"), "pip", "compile", "pyproject.toml", "--no-index", *args])
    err = capsys.readouterr().err
    assert code == 2 and f"error: pyproject.toml: `{key}`: invalid requirement: `requests>=`" in err, err
