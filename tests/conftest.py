from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI's profile runs every property at least 2,000 times; locally 200 keeps the loop quick.
settings.register_profile(
    "ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

# Session fixtures shared by every directory (each devpi flavour is started once per run).
pytest_plugins = ["tests.support.seed"]
