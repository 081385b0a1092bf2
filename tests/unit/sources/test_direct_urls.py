"""The pure parts of direct sources: how a lock writes git and URL sources, and how PEP 508
direct references are read."""

from __future__ import annotations

from prong.sources.direct import archive_kind, clean_url
from prong.sources.git import GitRef, lock_url, parse_lock_url, parse_pep508_git


def test_lock_url_puts_subdirectory_first_and_the_commit_last() -> None:
    assert lock_url("https://u:p@h/r.git", GitRef("tag", "v1"), "a/b", "f" * 40) == \
        "https://h/r.git?subdirectory=a%2Fb&tag=v1#" + "f" * 40
    assert lock_url("file:///r", GitRef(), None) == "file:///r"
    assert lock_url("file:///r", GitRef("branch", "x y~"), None) == "file:///r?branch=x+y%7E"


def test_parse_lock_url_round_trips() -> None:
    text = lock_url("https://h/r", GitRef("rev", "abc"), "sub", "0" * 40)
    assert parse_lock_url(text) == ("https://h/r", GitRef("rev", "abc"), "sub", "0" * 40)


def test_pep508_git_reference() -> None:
    assert parse_pep508_git("git+https://h/o/r.git@v1#subdirectory=sub") == ("https://h/o/r.git", GitRef("rev", "v1"),
                                                                            "sub")
    assert parse_pep508_git("git+ssh://git@h/o/r") == ("ssh://git@h/o/r", GitRef(), None)


def test_clean_url_drops_credentials_and_fragment() -> None:
    assert clean_url("https://u:p@h/a-1.0.tar.gz#sha256=00&subdirectory=s") == ("https://h/a-1.0.tar.gz", "s")
    assert archive_kind("a-1.0-py3-none-any.whl") == "wheel" and archive_kind("a-1.0.zip") == "sdist"
    assert archive_kind("a.txt") is None
