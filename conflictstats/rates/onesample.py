"""One-sample Poisson intervals: the per-method functions of :func:`conflictstats.rates.rate_ci`.

Each takes flat float counts ``x`` and ``a = 1 - confidence`` and returns the interval for the
mean count (``rate_ci`` divides by the exposure). With ``null=``, ``rate_ci`` also tests the
mean count ``mu0 = null * exposure``: the ``_RATE_PVALUE`` functions take ``(x, mu0,
alternative, tsmethod)``.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._numeric import (
    exact_matching_ci,
    exact_twosided_pvalue,
    midp_pvalue,
    normal_pvalue,
    pois_midp_limits,
    z_quantile,
)


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


def _rate_exact_tsmethod(x, a, tsmethod):
    """Two-sided exact interval matching ``tsmethod`` (Fay 2010; R ``exactci::poisson.exact``):
    Garwood's for ``"poisson.test"`` and ``"central"``, else the minlike or Blaker interval."""
    if tsmethod in ("poisson.test", "central"):
        return _rate_exact(x, a)
    return exact_matching_ci(x, a, tsmethod)


def _pvalue_exact(x, mu0, alternative, tsmethod):
    """Exact Poisson test: the tail; two-sided by ``tsmethod`` (``"poisson.test"``: minlike,
    as R's ``poisson.test(x, T, r)``)."""
    if alternative == "larger":
        return np.where(x > 0, special.gammainc(np.maximum(x, 1e-300), mu0), 1.0)
    if alternative == "smaller":
        return special.pdtr(x, mu0)
    rule = "minlike" if tsmethod == "poisson.test" else tsmethod
    return exact_twosided_pvalue(x, mu0, rule)


def _pvalue_midp(x, mu0, alternative, tsmethod):
    """Mid-p test: ``P(X > x) + P(X = x)/2`` (and mirror); two-sided twice the smaller."""
    return midp_pvalue(x, mu0, alternative)


def _z_score(x, mu0):
    return (x - mu0) / np.sqrt(mu0)


def _z_wald(x, mu0):
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x - mu0) / np.sqrt(x)


_RATE_PVALUE = {
    "exact": _pvalue_exact,
    "mid-p": _pvalue_midp,
    "score": lambda x, mu0, alt, ts: normal_pvalue(_z_score(x, mu0), alt),
    "wald": lambda x, mu0, alt, ts: normal_pvalue(_z_wald(x, mu0), alt),
}
_RATE_STATISTIC = {
    "exact": (lambda x, mu0: x, "count"),
    "mid-p": (lambda x, mu0: x, "count"),
    "score": (_z_score, "z (score)"),
    "wald": (_z_wald, "z (Wald)"),
}
