"""Coefficients at the boundary of the parameter space: which, and their profile intervals.

When every count in some months is 0 and a combination of coefficients can send exactly
those months' expected counts to 0 without touching the others (all months after a break
are 0; only the last month is not), the likelihood keeps rising as those coefficients go to
minus or plus infinity: the maximum likelihood estimate does not exist. R's ``glm`` (and the
IRLS here) stops where the deviance stops changing and reports a large finite number with
an enormous standard error, whose Wald interval and p-value mean nothing.

This module finds those coefficients and replaces their Wald summaries with what can be
said: the direction of the supremum and the profile-likelihood interval, which is one-sided
when the likelihood rules out values on one side only, and the whole line when it rules out
nothing (the coefficient is not identified by the months that are not separated).

* The separated months are the zero counts whose fitted means are numerically 0; the
  coefficients at the boundary are those that the remaining months do not identify (they
  load on the null space of the design restricted to the remaining months).
* Each such coefficient is profiled: fixed at ``v`` (moved into the offset), the others
  (and NB2's alpha) are refitted, and the interval is where
  ``2 (loglik_sup - loglik_profile(v))`` stays below the chi-square(1) quantile (times the
  dispersion for quasi-Poisson).

References
----------
Albert, A. and Anderson, J. A. (1984). On the existence of maximum likelihood estimates in
logistic regression models. Biometrika 71(1), 1-10.
Venzon, D. J. and Moolgavkar, S. H. (1988). A method for computing profile-likelihood-based
confidence intervals. Applied Statistics 37(1), 87-94.
Heinze, G. and Schemper, M. (2002). A solution to the problem of separation in logistic
regression. Statistics in Medicine 21(16), 2409-2419. (profile intervals at separation)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from .._validation import InputError
from ..countglm import count_loglik, fit_count_glm

# a zero count whose fitted mean is below this share of the mean count (or of 1) is separated
_SEPARATED = 1e-8
# the outward search for a profile bound: steps from the reported value, doubling
_STEPS = 2.0 ** np.arange(0, 11)


@dataclass(frozen=True)
class Boundary:
    """Which coefficients are at the boundary and what their profile says.

    ``coefficients`` flags them; ``direction`` is -1 or +1 where the likelihood rises towards
    minus or plus infinity (0 where it is flat both ways: not identified); ``ci_low`` and
    ``ci_high`` are the profile interval (infinite on the open side); ``months`` flags the
    separated months (fitted mean 0).
    """

    coefficients: np.ndarray
    direction: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    months: np.ndarray

    @property
    def any(self) -> bool:
        return bool(self.coefficients.any())


def separated_months(y: np.ndarray, fitted: np.ndarray) -> np.ndarray:
    """Zero counts whose fitted means are numerically 0."""
    return (y == 0) & (fitted < _SEPARATED * max(float(np.mean(y)), 1.0))


def boundary_coefficients(X: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Coefficients not identified by the months that are not separated (those with a
    loading on the null space of ``X`` restricted to them)."""
    rest = X[~months]
    p = X.shape[1]
    if rest.shape[0] == 0:
        return np.ones(p, dtype=bool)
    _, sv, vt = np.linalg.svd(rest, full_matrices=True)
    tol = max(rest.shape) * np.finfo(float).eps * (sv[0] if sv.size else 1.0)
    rank = int(np.sum(sv > tol))
    if rank == p:
        return np.zeros(p, dtype=bool)
    null = vt[rank:].T  # (p, p - rank)
    return np.any(np.abs(null) > 1e-8, axis=1)


def _profile(y, X, offset, family, j, value) -> float:
    """Log-likelihood maximised over every parameter but coefficient ``j``, fixed at
    ``value`` (NaN when that fit fails)."""
    off = offset + value * X[:, j]
    rest = np.delete(X, j, axis=1)
    fam = "negbin" if family == "negbin" else "poisson"
    if rest.shape[1] == 0:
        if fam == "poisson":
            return count_loglik(y, np.exp(off))
        return float("nan")
    try:
        fit = fit_count_glm(y, rest, family=fam, offset=off)
    except InputError:
        return float("nan")
    if fam == "poisson":
        return count_loglik(y, fit.fitted)
    return fit.loglik


def find_boundary(
    y: np.ndarray,
    X: np.ndarray,
    offset: np.ndarray,
    fitted: np.ndarray,
    coef: np.ndarray,
    *,
    family: str,
    loglik: float,
    dispersion: float,
    confidence: float,
) -> Boundary:
    """The coefficients at the boundary of a fitted count model and their profile intervals.

    ``loglik`` is the likelihood's supremum (the fit's log-likelihood; for quasi-Poisson the
    Poisson one), ``dispersion`` scales the quasi-Poisson profile deviance.
    """
    p = X.shape[1]
    months = separated_months(y, fitted)
    flags = boundary_coefficients(X, months) if months.any() else np.zeros(p, dtype=bool)
    direction = np.zeros(p, dtype=int)
    low = np.full(p, np.nan)
    high = np.full(p, np.nan)
    if not flags.any():
        # tiny fitted means at zero counts that the other months still pin down (e.g. twenty
        # zeros before two ones): an ordinary fit whose MLE exists, not a separation
        return Boundary(flags, direction, low, high, np.zeros_like(months))
    if family == "quasi-poisson":
        loglik = count_loglik(y, fitted)
    crit = float(stats.chi2.ppf(confidence, 1)) * (dispersion if family == "quasi-poisson" else 1.0)
    for j in np.flatnonzero(flags):
        ends = []
        for side in (-1.0, 1.0):
            ends.append(_profile_end(y, X, offset, family, j, float(coef[j]), side, loglik, crit))
        # the profile deviance is convex with no finite minimum (the coefficient has no
        # finite maximiser): where the fits toward one side fail (they separate again) and
        # the other side has a finite bound, the failing side is the open one
        if np.isnan(ends[0]) and np.isfinite(ends[1]):
            ends[0] = -np.inf
        elif np.isnan(ends[1]) and np.isfinite(ends[0]):
            ends[1] = np.inf
        low[j], high[j] = ends
        open_low, open_high = np.isneginf(low[j]), np.isposinf(high[j])
        direction[j] = (
            -1 if open_low and not open_high else (1 if open_high and not open_low else 0)
        )
    return Boundary(flags, direction, low, high, months)


def _profile_end(y, X, offset, family, j, start, side, loglik, crit) -> float:
    """The profile bound on one side of ``start`` (the reported value), or infinity."""

    def excess(v):
        ll = _profile(y, X, offset, family, j, v)
        return 2.0 * (loglik - ll) - crit

    inner = start
    for step in _STEPS:
        outer = start + side * step
        value = excess(outer)
        if np.isnan(value):
            return float("nan")
        if value >= 0:
            if excess(inner) >= 0:
                return float("nan")  # not bracketed (the reported value is not near the top)
            return float(
                optimize.brentq(excess, min(inner, outer), max(inner, outer), xtol=1e-8, rtol=1e-10)
            )
        inner = outer
    return side * np.inf
