"""Progress events for the user interface (diagnostics go to ``logging``).

Library code receives a :class:`Reporter` as an argument; :class:`NullReporter` ignores every
event, so a library caller that does not care passes nothing.
"""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    def on_resolve_progress(self, name: str, version: str) -> None: ...
    def on_download_start(self, name: str, size: int | None) -> int: ...
    def on_download_progress(self, task: int, nbytes: int) -> None: ...
    def on_download_complete(self, task: int) -> None: ...
    def on_build_start(self, name: str) -> int: ...
    def on_build_complete(self, task: int) -> None: ...


class NullReporter:
    """A reporter that reports nothing."""

    def on_resolve_progress(self, name: str, version: str) -> None:
        pass

    def on_download_start(self, name: str, size: int | None) -> int:
        return 0

    def on_download_progress(self, task: int, nbytes: int) -> None:
        pass

    def on_download_complete(self, task: int) -> None:
        pass

    def on_build_start(self, name: str) -> int:
        return 0

    def on_build_complete(self, task: int) -> None:
        pass
