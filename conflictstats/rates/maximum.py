"""A reported maximum ("up to 75 a month") as evidence about the mean rate.

When a source reports the busiest period rather than the mean, the largest of ``n``
independent counts is ``M`` with ``P(M <= m) = F(m)^n``, ``F`` the distribution function of
one period's count (Poisson, or negative binomial with variance ``dispersion`` times the
mean). Inverting that exactly in the mean gives an interval in the manner of Clopper and
Pearson (1934) and a median-unbiased estimate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from .._numeric import broadcast, pandas_aligned, solve
from .._validation import InputError, as_confidence, as_counts, as_exposure, as_finite
from ..results import Estimate, result

__all__ = ["MaximumEstimate", "maximum_cdf", "mean_from_maximum"]


@result
class MaximumEstimate(Estimate):
    """Mean count per period implied by a reported maximum over ``periods`` periods.

    Adds ``maximum``, ``periods`` and ``dispersion`` to
    :class:`~conflictstats.results.Estimate`.
    """

    maximum: Any = None
    periods: Any = None
    dispersion: Any = None


def _cdf_one(m, mean, dispersion):
    """P(X <= m) for one period: Poisson (dispersion 1) or NB2 with variance phi * mean."""
    m = np.asarray(m, float)
    mean = np.asarray(mean, float)
    dispersion = np.asarray(dispersion, float)
    poisson = special.pdtr(m, mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        size = mean / (dispersion - 1.0)
        nb = special.betainc(size, np.maximum(m, 0.0) + 1.0, 1.0 / dispersion)
    out = np.where(dispersion == 1.0, poisson, nb)
    return np.where(m < 0, 0.0, out)


def _max_le(m, periods, mean, dispersion):
    return _cdf_one(m, mean, dispersion) ** periods


@pandas_aligned("maximum", "periods", "mean", "dispersion")
def maximum_cdf(maximum, periods, mean, *, dispersion=1.0) -> np.ndarray:
    """Probability that the largest of ``periods`` independent counts is at most ``maximum``.

    Parameters
    ----------
    maximum : array_like of int
        The value of the maximum (non-negative whole numbers).
    periods : array_like of int
        Number of periods (months) the maximum is taken over, positive whole numbers.
    mean : array_like of float
        Mean count per period, positive.
    dispersion : array_like of float, default 1.0
        Variance / mean of one period's count, at least 1 (1: Poisson; above 1: negative
        binomial, NB2, with ``size = mean / (dispersion - 1)``).

    Returns
    -------
    numpy.ndarray
        ``F(maximum)^periods`` in the broadcast shape of the inputs.

    References
    ----------
    Gumbel, E. J. (1958). *Statistics of Extremes*. Columbia University Press (the
    distribution of the largest of n independent variables, ch. 2).

    Examples
    --------
    >>> from conflictstats.rates import maximum_cdf
    >>> float(maximum_cdf(75, 11, 60.0).round(4))
    0.7487
    """
    m, n, mu, phi = _check(maximum, periods, mean, dispersion)
    return _max_le(m, n, mu, phi)


def _check(maximum, periods, mean, dispersion):
    m = as_counts(maximum, "maximum")
    n = as_counts(periods, "periods", allow_zero=False)
    mu = as_exposure(mean, "mean")
    phi = as_finite(dispersion, "dispersion")
    if (phi < 1).any():
        raise InputError(
            "dispersion must be at least 1 (variance / mean of a count; 1 is Poisson), got "
            f"{phi[phi < 1].flat[0]!r}"
        )
    return broadcast(maximum=m, periods=n, mean=mu, dispersion=phi)


@pandas_aligned("maximum", "periods", "dispersion")
def mean_from_maximum(maximum, periods, *, dispersion=1.0, confidence=0.95) -> MaximumEstimate:
    """Mean count per period consistent with a reported busiest period.

    "Up to 75 attacks a month" over 11 months bounds the busiest month, not the mean. This
    inverts the exact distribution of the largest of ``periods`` independent counts in the
    mean: the interval holds the means under which the reported maximum is not in either
    ``(1 - confidence) / 2`` tail of the maximum's distribution.

    Parameters
    ----------
    maximum : array_like of int
        The reported largest count of one period (non-negative whole numbers).
    periods : array_like of int
        Number of periods the maximum is taken over (positive whole numbers).
    dispersion : array_like of float, default 1.0
        Variance / mean of one period's count, at least 1: 1 is Poisson; above 1, negative
        binomial (NB2) with ``size = mean / (dispersion - 1)``.
    confidence : float, default 0.95
        Confidence level of the two-sided interval.

    Returns
    -------
    MaximumEstimate
        ``estimate``: the median-unbiased mean, at which ``P(M < m) + P(M = m) / 2 = 1/2``
        (mid-p); ``ci_low`` solves ``P(M >= m) = a/2`` (0 when ``m = 0``) and ``ci_high``
        solves ``P(M <= m) = a/2``, ``a = 1 - confidence``; with ``maximum``, ``periods``
        and ``dispersion``, in the broadcast shape of the inputs.

    Raises
    ------
    InputError
        Negative or fractional maxima, periods that are not positive whole numbers, a
        dispersion below 1, shapes that do not broadcast.

    Notes
    -----
    ``P(M <= m) = F(m)^n`` for ``n`` independent periods, ``F`` the distribution function
    of one count; it decreases continuously in the mean, so each limit is one bracketed root
    (Clopper & Pearson's construction, with the maximum's distribution in place of the
    binomial). Independence between periods is assumed: a trend or seasonality within the
    periods makes the busiest period more extreme than this model allows, and the interval
    too low.

    References
    ----------
    Clopper, C. J., & Pearson, E. S. (1934). The use of confidence or fiducial limits
    illustrated in the case of the binomial. *Biometrika*, 26(4), 404-413.

    Gumbel, E. J. (1958). *Statistics of Extremes*. Columbia University Press.

    Examples
    --------
    "Up to 75 a month" over the 11 months of 2018, Poisson and with dispersion 5:

    >>> from conflictstats.rates import mean_from_maximum
    >>> mean_from_maximum(75, 11)
    mean per period 62.5 (95% CI 52.8 to 70.8) [exact]
    >>> r = mean_from_maximum(75, 11, dispersion=[1, 5])
    >>> r.to_frame()[["dispersion", "estimate", "ci_low", "ci_high"]].round(1)
       dispersion  estimate  ci_low  ci_high
    0         1.0      62.5    52.8     70.8
    1         5.0      49.0    29.5     66.3
    """
    confidence = as_confidence(confidence)
    m, n, _, phi = _check(maximum, periods, 1.0, dispersion)
    shape = m.shape
    m, n, phi = (np.ravel(v).astype(float) for v in (m, n, phi))
    a = 1.0 - confidence
    hi_bracket = 10.0 * (m + 10.0) * phi

    def le(mu, k, nn, ph, target):  # P(M <= k) - target, decreasing in mu
        return _max_le(k, nn, mu, ph) - target

    def mid(mu, k, nn, ph):  # P(M < k) + P(M = k) / 2 - 1/2, decreasing in mu
        below = _max_le(k - 1, nn, mu, ph)
        return 0.5 * (below + _max_le(k, nn, mu, ph)) - 0.5

    tiny = np.full_like(m, 1e-9)
    high = solve(le, tiny, hi_bracket, (m, n, phi, np.full_like(m, a / 2)))
    est = np.zeros_like(m)
    low = np.zeros_like(m)
    pos = m > 0
    if pos.any():
        est[pos] = solve(mid, tiny[pos], hi_bracket[pos], (m[pos], n[pos], phi[pos]))
        # P(M >= m) = 1 - P(M <= m - 1) = a/2  <=>  P(M <= m - 1) = 1 - a/2
        low[pos] = solve(
            le,
            tiny[pos],
            hi_bracket[pos],
            (m[pos] - 1, n[pos], phi[pos], np.full(pos.sum(), 1 - a / 2)),
        )
    if m.size and not (np.isfinite(high).all() and np.isfinite(est).all()):
        raise InputError("maximum too large to invert (no root below 10 (maximum + 10) phi)")

    def shaped(v):
        return v.reshape(shape)

    return MaximumEstimate(
        estimate=shaped(est),
        ci_low=shaped(low),
        ci_high=shaped(high),
        confidence=confidence,
        method="exact",
        quantity="mean per period",
        maximum=shaped(m),
        periods=shaped(n),
        dispersion=shaped(phi),
    )
