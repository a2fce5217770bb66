"""Argument validation shared by every module.

Each helper takes the value and the name of the argument it came from, and raises an
:class:`InputError` (a ``ValueError``) that names both. Modules call these once at the top of
a public function; nobody re-checks by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "InputError",
    "as_counts",
    "as_exposure",
    "as_finite",
    "as_probability",
    "as_confidence",
    "as_rng",
    "check_method",
    "check_choice",
]


class InputError(ValueError):
    """Bad input to a conflictstats function: names the argument and the offending value."""


def _show(value: Any) -> str:
    """A short, readable rendering of an offending value for error messages."""
    arr = np.asarray(value) if not isinstance(value, str) else None
    if arr is not None and arr.ndim > 0 and arr.size > 6:
        return f"array of shape {arr.shape}"
    return repr(value.tolist() if isinstance(value, np.ndarray) else value)


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> str:
    idx = np.argwhere(bad)[0]
    where = "" if arr.ndim == 0 else f" at index {tuple(int(i) for i in idx)}"
    return f"{arr[tuple(idx)].item()!r}{where}"


def as_finite(value: Any, name: str) -> np.ndarray:
    """Return ``value`` as a float array, rejecting NaN, infinities and non-numbers."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numeric, got {_show(value)}") from None
    bad = ~np.isfinite(arr)
    if bad.any():
        raise InputError(f"{name} must be finite, got {_first_bad(arr, bad)}")
    return arr


def as_counts(value: Any, name: str, *, allow_zero: bool = True) -> np.ndarray:
    """Return ``value`` as a float array of non-negative whole numbers.

    Counts are returned as floats so that they broadcast and feed scipy's special functions
    without casting; every element is checked to be a whole number.
    """
    arr = as_finite(value, name)
    if (arr < 0).any():
        raise InputError(f"{name} must be non-negative counts, got {_first_bad(arr, arr < 0)}")
    frac = arr != np.floor(arr)
    if frac.any():
        raise InputError(f"{name} must be whole-number counts, got {_first_bad(arr, frac)}")
    if not allow_zero and (arr == 0).any():
        raise InputError(f"{name} must be positive counts, got {_first_bad(arr, arr == 0)}")
    return arr


def as_exposure(value: Any, name: str) -> np.ndarray:
    """Return ``value`` as a float array of strictly positive exposures (time, population)."""
    arr = as_finite(value, name)
    if (arr <= 0).any():
        raise InputError(f"{name} must be positive, got {_first_bad(arr, arr <= 0)}")
    return arr


def as_probability(value: Any, name: str, *, closed: bool = True) -> np.ndarray:
    """Return ``value`` as a float array in [0, 1] (or (0, 1) when ``closed`` is False)."""
    arr = as_finite(value, name)
    bad = (arr < 0) | (arr > 1) if closed else (arr <= 0) | (arr >= 1)
    if bad.any():
        interval = "[0, 1]" if closed else "(0, 1)"
        raise InputError(f"{name} must lie in {interval}, got {_first_bad(arr, bad)}")
    return arr


def as_confidence(value: Any, name: str = "confidence") -> float:
    """Return a confidence level as a float strictly between 0 and 1."""
    if np.ndim(value) != 0:
        raise InputError(f"{name} must be a single number in (0, 1), got {_show(value)}")
    return float(as_probability(value, name, closed=False))


def check_choice(value: Any, allowed: Iterable[str], name: str) -> str:
    """Check that ``value`` is one of ``allowed`` (strings); the error lists the valid ones."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise InputError(
            f"unknown {name} {value!r}; choose one of: " + ", ".join(repr(a) for a in allowed)
        )
    return value


def check_method(method: Any, allowed: Iterable[str], name: str = "method") -> str:
    """Check a ``method=`` string against the methods a function implements."""
    return check_choice(method, allowed, name)


def as_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from a Generator or an integer seed.

    ``None`` is refused: every random result in conflictstats must be reproducible, so the
    caller states the seed.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise InputError(
        f"{name} must be a numpy.random.Generator or a non-negative integer seed, got {_show(rng)}"
    )
