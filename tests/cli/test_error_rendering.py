"""Every error the CLI prints goes through ``prong.cli.diagnostics.render_error``: argparse's usage
errors, an ``OSError``, an unexpected exception (a bug: one ``error:`` asking to report it, the
traceback only with ``-vv`` or ``PRONG_DEBUG=1``); colour only on a terminal with ``NO_COLOR`` unset
(or with ``--color always``)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from prong.cli.diagnostics import REPORT_URL, render_error, use_color
from prong.cli.main import main
from prong.errors import UsageError

SRC = Path(__file__).parents[2] / "src"


def _boom(settings: object, ns: object) -> int:
    raise RuntimeError("the flux capacitor\nsecond line")


def _errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


def test_an_unexpected_exception_is_one_error_asking_for_a_report(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import prong.cli.commands.cache as cache_command

    monkeypatch.delenv("PRONG_DEBUG", raising=False)
    monkeypatch.setattr(cache_command, "run", _boom)
    code = main(["cache", "dir"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err
    assert _errors(err) == ["error: prong failed unexpectedly: RuntimeError: the flux capacitor"], err
    assert any(line.startswith("hint: This is a bug in prong") and REPORT_URL in line and "-vv" in line
               for line in err.splitlines()), err


@pytest.mark.parametrize("how", ["-vv", "PRONG_DEBUG"])
def test_the_traceback_of_a_bug_only_when_asked(how: str, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import prong.cli.commands.cache as cache_command

    monkeypatch.setattr(cache_command, "run", _boom)
    if how == "PRONG_DEBUG":
        monkeypatch.setenv("PRONG_DEBUG", "1")
        code = main(["cache", "dir"])
    else:
        monkeypatch.delenv("PRONG_DEBUG", raising=False)
        code = main(["-vv", "cache", "dir"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Traceback (most recent call last):"), err
    assert "RuntimeError: the flux capacitor" in err and "_boom" in err
    assert len(_errors(err)) == 1 and "report it to" in err


def test_prong_debug_0_does_not_show_the_traceback(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import prong.cli.commands.cache as cache_command

    monkeypatch.setattr(cache_command, "run", _boom)
    monkeypatch.setenv("PRONG_DEBUG", "0")
    assert main(["cache", "dir"]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "words"), [
    (["snyc"], ("invalid choice: 'snyc'", "Did you mean `sync`?")),
    (["pip", "instal"], ("invalid choice: 'instal'", "Did you mean `install`?")),
    (["sync", "--frozn"], ("unrecognized arguments: --frozn", "Did you mean `--frozen`?", "prong sync --help")),
    (["tree", "--depth", "x"], ("invalid int value: 'x'", "prong tree --help")),
    (["tree", "--dept", "1"], ("unrecognized arguments: --dept",)),  # no abbreviations, as uv
    (["sync", "--frozen", "--locked"], ("`--frozen` cannot be used with `--locked`",)),
])
def test_usage_errors_print_through_the_renderer(argv: list[str], words: tuple[str, ...],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(_errors(err)) == 1 and "usage:" not in err, err
    assert any(line.startswith("hint:") for line in err.splitlines()), err
    for word in words:
        assert word in err, err


def test_help_still_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sync", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: prong sync")


def test_an_os_error_names_the_path_with_a_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import prong.cli.commands.cache as cache_command

    def denied(settings: object, ns: object) -> int:
        raise PermissionError(13, "Permission denied", str(tmp_path / "x"))

    monkeypatch.setattr(cache_command, "run", denied)
    assert main(["cache", "dir"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [f"error: {tmp_path / 'x'}: permission denied", "hint: Check the file's permissions."]


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(("choice", "tty", "environ", "expected"), [
    ("auto", True, {}, True),
    (None, True, {}, True),
    ("auto", False, {}, False),
    ("auto", True, {"NO_COLOR": "1"}, False),
    ("auto", True, {"NO_COLOR": ""}, True),  # NO_COLOR counts when set to something
    ("auto", True, {"TERM": "dumb"}, False),
    ("never", True, {}, False),
    ("always", False, {"NO_COLOR": "1"}, True),
])
def test_colour_only_on_a_terminal_without_no_color(choice: str | None, tty: bool, environ: dict[str, str],
                                                    expected: bool) -> None:
    assert use_color(choice, _Stream(tty), environ) is expected


def test_colour_paints_only_the_labels() -> None:
    text = render_error(UsageError("bad thing", "do this"), color=True)
    assert text == ("\x1b[1m\x1b[31merror\x1b[0m\x1b[1m:\x1b[0m bad thing\n"
                    "\x1b[1m\x1b[36mhint\x1b[0m\x1b[1m:\x1b[0m do this")
    assert render_error(UsageError("bad thing", "do this")) == "error: bad thing\nhint: do this"


@pytest.mark.parametrize(("argv", "colour"), [(["snyc"], False), (["--color", "always", "snyc"], True),
                                              (["--color", "always", "cache", "dir", "--nope"], True)])
def test_no_colour_off_a_terminal_unless_always(argv: list[str], colour: bool,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert ("\x1b[" in capsys.readouterr().err) is colour


def test_colour_on_a_terminal_and_not_with_no_color(tmp_path: Path) -> None:
    """Through a real pseudo-terminal: colour; with NO_COLOR set: none."""
    import os
    import pty

    base = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}

    def run(env: dict[str, str]) -> bytes:
        leader, follower = pty.openpty()
        try:
            proc = subprocess.run([sys.executable, "-m", "prong", "snyc"], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=follower, timeout=60,
                                  env={**base, "PYTHONPATH": str(SRC), "TERM": "xterm", **env})
            assert proc.returncode == 2
            os.close(follower)
            follower = -1
            data = b""
            while True:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
            return data
        finally:
            if follower != -1:
                os.close(follower)
            os.close(leader)

    assert b"\x1b[1m\x1b[31merror" in run({})
    assert b"\x1b[" not in run({"NO_COLOR": "1"})


def test_a_long_value_is_shown_as_its_start_and_its_length() -> None:
    """Issue 15 (r-req-long-name): a 100 000-character name was echoed whole, twice (200 kB)."""
    from prong.errors import ProngError, shorten, shorten_words

    name = "a" * 100_000
    assert shorten(name) == "a" * 60 + "…(100000 characters)" and shorten("six") == "six"
    assert shorten_words(f"versions of `{name}`: http://h/simple/{name}/: refused") == (
        f"versions of `{'a' * 60}…(100000 characters)`: http://h/simple/{'a' * 44}…(100017 characters): refused")
    text = render_error(ProngError(f"could not fetch `{name}`"))
    assert len(text) < 200 and "(100000 characters)`" in text
    url = "http://alice:s3cr3tpw@h.invalid/" + "x" * 300
    assert "s3cr3tpw" not in render_error(ProngError(f"failed to fetch {url}"))
