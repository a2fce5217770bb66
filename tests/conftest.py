"""Shared test set-up: a non-interactive matplotlib backend, the Hypothesis profiles (``ci`` when
the ``CI`` variable is set) and the reference-value loader."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("MPLBACKEND", "Agg")

# Property tests are deterministic under CI: the same examples on every run and no example
# database, so that one stored failing example cannot make every later run fail differently
# from a fresh clone. Locally they explore (and remember failures in .hypothesis/).
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REFERENCE_DIR = Path(__file__).parent / "reference"


def load_reference(name: str) -> dict:
    """Load ``tests/reference/<name>.json``."""
    with open(REFERENCE_DIR / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
