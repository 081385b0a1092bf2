from __future__ import annotations

import sys

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The bad-input corpus's summary line (issue 15): rows, report cases covered and clean, and the
    failing rows of each of the issue's seven classes (known failures are xfail rows)."""
    corpus = sys.modules.get("tests.cli.test_bad_input_corpus")
    if corpus is not None and corpus.RESULTS:
        terminalreporter.write_line(corpus.summary())
