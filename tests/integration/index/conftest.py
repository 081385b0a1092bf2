"""Fixtures for the index client tests: the seed_jetson devpi fixture (both flavours) and a
test index server over generated wheels."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.index_server import IndexServer



@pytest.fixture
def index_server() -> Iterator[IndexServer]:
    server = IndexServer().start()
    try:
        yield server
    finally:
        server.stop()
