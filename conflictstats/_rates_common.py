"""Numerical helpers shared by the rates modules: normal quantiles, p-values, a root finder.

``ALTERNATIVES`` lists the ``alternative=`` choices; ``_solve`` is a vectorised bracketed
root finder.

Private: used by :mod:`conflictstats.rates` and its ``_rates_*`` implementation modules.
"""

from __future__ import annotations

import numpy as np
from scipy import special

ALTERNATIVES = ("two-sided", "larger", "smaller")


def _z(confidence: float, sided: bool) -> float:
    """Normal quantile for a two-sided (``sided=False``) or one-sided interval."""
    a = 1.0 - confidence
    return float(special.ndtri(1 - (a if sided else a / 2)))


def _normal_pvalue(z: np.ndarray, alternative: str) -> np.ndarray:
    if alternative == "larger":
        return special.ndtr(-z)
    if alternative == "smaller":
        return special.ndtr(z)
    return np.minimum(1.0, 2 * special.ndtr(-np.abs(z)))


def _solve(f, lo, hi, args=()):
    """Vectorised bracketed root of ``f`` (Chandrupatla, scipy.optimize.elementwise)."""
    from scipy.optimize.elementwise import find_root

    res = find_root(f, (lo, hi), args=args, tolerances={"xatol": 1e-14, "xrtol": 1e-13})
    return np.asarray(res.x, dtype=float)


def _one_or_two(a, alternative):
    return a if alternative != "two-sided" else a / 2
