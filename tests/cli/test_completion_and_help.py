"""`prong generate-shell-completion bash|zsh|fish`, built from the parser, and an example in every
command's ``--help``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from prong.cli.args import COMMANDS
from prong.cli.main import main

SRC = Path(__file__).parents[2] / "src"
PRONG = f"env PYTHONPATH={SRC} {sys.executable} -m prong"


def _script(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["generate-shell-completion", shell]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def _bash(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "--norc", "--noprofile", "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(SRC)})


def test_bash_can_source_the_script() -> None:
    proc = _bash(f"source <({PRONG} generate-shell-completion bash); complete -p prong")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.strip() == "complete -o bashdefault -o default -F _prong prong"


@pytest.mark.parametrize(("words", "expected"), [
    (["prong", "sy"], ["sync"]),
    (["prong", "pip", "in"], ["install"]),
    (["prong", "pip", "sync", "--ind"], ["--index-url", "--index"]),
    (["prong", "sync", "--fro"], ["--frozen"]),
    (["prong", "export", "--format", ""], ["requirements-txt", "requirements.txt", "pylock.toml"]),
    (["prong", "--color", "al"], ["always"]),
    (["prong", "--cache-dir", "/tmp", "tr"], ["tree"]),  # the value of a global option is not a command
    (["prong", "cache", ""], ["dir", "clean", "prune", "-h", "--help"]),
    (["prong", "version", "--bump", "ma"], ["major"]),
    (["prong", "generate-shell-completion", "f"], ["fish"]),
    (["prong", "ge"], ["generate-shell-completion"]),
])
def test_bash_completes_commands_options_and_choices(words: list[str], expected: list[str], tmp_path: Path) -> None:
    script = tmp_path / "prong.bash"
    script.write_text(subprocess.run([sys.executable, "-m", "prong", "generate-shell-completion", "bash"],
                                     capture_output=True, text=True, check=True, timeout=60,
                                     env={**os.environ, "PYTHONPATH": str(SRC)}).stdout)
    quoted = " ".join("'" + w + "'" for w in words)
    proc = _bash(f"source {script}; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; _prong; "
                 'printf "%s\\n" "${COMPREPLY[@]}"')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == expected


def test_every_command_and_option_is_in_every_script(capsys: pytest.CaptureFixture[str]) -> None:
    from prong.cli.commands.completion import _walk, command_tree

    tree = command_tree()
    names = {w for path, _module, _help in COMMANDS for w in path}
    options = {n for node in _walk(tree) for o in node.options for n in o.names if n.startswith("--")}
    assert "--frozen" in options and "--bump" in options and "--break-system-packages" in options
    for shell in ("bash", "zsh", "fish"):
        script = _script(shell, capsys)
        for name in names:
            assert name in script, (shell, name)
        for option in options:
            assert (option[2:] if shell == "fish" else option) in script, (shell, option)
    assert _script("zsh", capsys).startswith("#compdef prong\n")
    assert all(line.startswith(("complete -c prong", "#")) for line in _script("fish", capsys).splitlines())


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_the_script_parses_in_its_shell(shell: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    script = tmp_path / f"prong.{shell}"
    script.write_text(_script(shell, capsys))
    proc = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate-shell-completion", "tcsh"]) == 2
    err = capsys.readouterr().err
    assert "tcsh" in err and "hint:" in err


HELP_PATHS = sorted({path for path, _module, _help in COMMANDS} | {path[:1] for path, _m, _h in COMMANDS} | {()})


@pytest.mark.parametrize("path", HELP_PATHS, ids=[" ".join(p) or "prong" for p in HELP_PATHS])
def test_every_help_shows_an_example(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*path, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Example" in out, out
    examples = out.split("Examples:\n", 1)[1]
    assert f"prong {' '.join(path)}".rstrip() in examples or not path
