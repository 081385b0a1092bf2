"""Advice after an explanation: each hint is a value, found from the tree and the provider."""

from __future__ import annotations

from typing import Any


def collect_hints(tree: Any, provider: Any) -> list[Any]:
    return []
