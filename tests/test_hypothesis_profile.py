"""The Hypothesis profile: deterministic, without an example database, under CI."""

from __future__ import annotations

import os

from hypothesis import settings


def test_profile_follows_the_ci_variable():
    current = settings()
    if os.environ.get("CI"):
        assert current.derandomize is True
        assert current.database is None
    else:
        assert current.derandomize is False
