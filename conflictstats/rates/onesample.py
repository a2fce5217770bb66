"""One-sample Poisson intervals: the per-method functions of :func:`conflictstats.rates.rate_ci`.

Each takes flat float counts ``x`` and ``a = 1 - confidence`` and returns the interval for the
mean count (``rate_ci`` divides by the exposure).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._numeric import pois_midp_limits, z_quantile


def _rate_exact(x, a):
    """Garwood (1936, Biometrika 28:437): chi-square/gamma quantiles; equals R poisson.test."""
    low = np.where(x > 0, special.gammaincinv(np.maximum(x, 1e-300), a / 2), 0.0)
    high = special.gammainccinv(x + 1, a / 2)
    return low, high


def _rate_midp(x, a):
    """Mid-p (Lancaster 1961, JASA 56:223): P(X > x) + P(X = x)/2 = a/2 and mirror, all
    elements at once (:func:`conflictstats._numeric.pois_midp_limits`)."""
    return pois_midp_limits(x, a / 2)


def _rate_score(x, a):
    """Score (Wilson-type) interval: (x - mu)^2 / mu = z^2 (Rothman & Greenland 1998)."""
    z = z_quantile(1 - a)
    half = z * np.sqrt(x + z * z / 4)
    return x + z * z / 2 - half, x + z * z / 2 + half


def _rate_wald(x, a):
    """Wald interval x ± z sqrt(x), cut at 0 (zero-width at x = 0)."""
    z = z_quantile(1 - a)
    half = z * np.sqrt(x)
    return np.maximum(x - half, 0.0), x + half


def _rate_jeffreys(x, a):
    """Jeffreys: Gamma(x + 1/2) posterior quantiles, lower end 0 at x = 0 (Brown et al. 2003)."""
    low = np.where(x > 0, special.gammaincinv(x + 0.5, a / 2), 0.0)
    high = special.gammainccinv(x + 0.5, a / 2)
    return low, high


_RATE_DISPATCH = {
    "exact": _rate_exact,
    "mid-p": _rate_midp,
    "score": _rate_score,
    "wald": _rate_wald,
    "jeffreys": _rate_jeffreys,
}
