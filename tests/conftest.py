from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# CI's profile runs every property at least 2,000 times; locally 200 keeps the loop quick.
settings.register_profile(
    "ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

# Session fixtures shared by every directory (each devpi flavour is started once per run).
pytest_plugins = ["tests.support.seed"]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs of the Simple API pages parsed (``prong.client.registry.parse_page`` calls) from now on."""
    import prong.client.registry as registry

    calls: list[str] = []
    real = registry.parse_page

    def counting(*a, **k):  # type: ignore[no-untyped-def]
        calls.append(a[1])
        return real(*a, **k)

    monkeypatch.setattr(registry, "parse_page", counting)
    return calls


@pytest.fixture
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """No configuration from outside the test: a private XDG_CONFIG_HOME (no user uv.toml), no
    `UV_*` variable and no active virtual environment, for prong and for the uv it runs."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for key in [k for k in os.environ if k.startswith("UV_") or k == "VIRTUAL_ENV"]:
        monkeypatch.delenv(key)
