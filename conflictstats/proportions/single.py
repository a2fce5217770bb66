"""Interval methods for one binomial proportion, one small function per method.

Each ``_p_<method>(x, n, z[, alpha])`` returns the (low, high) limits for arrays of successes
``x`` out of ``n`` trials; :func:`_proportion_limits` dispatches on the method name. Used by
:func:`conflictstats.proportions.proportion_ci`, by ``count_ratio`` (through the conditional
binomial) and by Newcombe's hybrid intervals for a difference.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from .._numeric import (
    binom_midp_limits,
    clopper_pearson,
    midp_pvalue,
    normal_pvalue,
    solve,
    z_quantile,
)


def _p_wald(x, n, z):
    """Simple asymptotic (Laplace) interval p ± z √(p(1−p)/n), clipped to [0, 1]."""
    p = x / n
    h = z * np.sqrt(p * (1 - p) / n)
    return np.clip(p - h, 0, 1), np.clip(p + h, 0, 1)


def _p_wilson(x, n, z):
    """Wilson (1927, JASA 22:209) score interval."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    lo = np.where(x == 0, 0.0, np.clip(centre - half, 0, 1))
    return lo, np.where(x == n, 1.0, np.clip(centre + half, 0, 1))


def _p_wilson_cc(x, n, z):
    """Wilson score interval with continuity correction (Newcombe 1998, Stat Med 17:857, eq. 4).

    Not R's ``prop.test(x, n)``, which caps the correction at |x - n p0| (p0 = 1/2 by
    default) and so skips it at x = n/2: that is :func:`_p_prop_test`."""
    p, q = x / n, 1 - x / n
    denom = 2 * (n + z * z)
    with np.errstate(invalid="ignore"):
        lo = (2 * n * p + z * z - 1 - z * np.sqrt(z * z - 2 - 1 / n + 4 * p * (n * q + 1))) / denom
        hi = (2 * n * p + z * z + 1 + z * np.sqrt(z * z + 2 - 1 / n + 4 * p * (n * q - 1))) / denom
    lo = np.where(x == 0, 0.0, np.clip(lo, 0, 1))
    hi = np.where(x == n, 1.0, np.clip(hi, 0, 1))
    return lo, hi


def _p_prop_test(x, n, z):
    """R's ``prop.test(x, n)`` interval: Wilson's with the continuity correction
    ``c = min(1/2, |x - n/2|)`` (R's cap at its default null p = 1/2) added to and taken from
    x, each end 0 or 1 where the corrected proportion passes it."""
    p = x / n
    c = np.minimum(0.5, np.abs(x - n / 2))
    z22n = z * z / (2 * n)

    def end(pc, sign):
        with np.errstate(invalid="ignore"):
            root = np.sqrt(np.maximum(pc * (1 - pc) / n + z22n / (2 * n), 0.0))
        return (pc + z22n + sign * z * root) / (1 + 2 * z22n)

    up, down = p + c / n, p - c / n
    hi = np.where(up >= 1, 1.0, end(np.minimum(up, 1.0), 1.0))
    lo = np.where(down <= 0, 0.0, end(np.maximum(down, 0.0), -1.0))
    return lo, hi


def _p_clopper_pearson(x, n, z, alpha):
    """Clopper & Pearson (1934, Biometrika 26:404) exact interval from beta quantiles."""
    return clopper_pearson(x, n, alpha)


def _p_jeffreys(x, n, z, alpha):
    """Jeffreys interval: Beta(x+½, n−x+½) quantiles (Brown, Cai & DasGupta 2001, Stat Sci)."""
    lo = np.where(x == 0, 0.0, stats.beta.ppf(alpha / 2, x + 0.5, n - x + 0.5))
    hi = np.where(x == n, 1.0, stats.beta.ppf(1 - alpha / 2, x + 0.5, n - x + 0.5))
    return lo, hi


def _p_agresti_coull(x, n, z):
    """Agresti & Coull (1998, Am Stat 52:119): Wald on x + z²/2 of n + z², clipped."""
    nt = n + z * z
    pt = (x + z * z / 2) / nt
    h = z * np.sqrt(pt * (1 - pt) / nt)
    return np.clip(pt - h, 0, 1), np.clip(pt + h, 0, 1)


def _p_mid_p(x, n, z, alpha):
    """Mid-p exact interval (Lancaster 1961; Newcombe 1998 method 6): the roots of the two
    mid-p tails ``P(X > x) + P(X = x)/2 = alpha/2`` and mirror, all elements at once
    (:func:`conflictstats._numeric.binom_midp_limits`: Newton on the log-odds from Wilson's
    limits, a few regularised incomplete beta functions per element)."""
    return binom_midp_limits(x, n, alpha / 2)


def _p_wald_cc(x, n, z):
    """Wald interval widened by 1/(2n) (Newcombe 1998 method 2), clipped to [0, 1]."""
    p = x / n
    h = z * np.sqrt(p * (1 - p) / n) + 1 / (2 * n)
    return np.clip(p - h, 0, 1), np.clip(p + h, 0, 1)


def _binom_loglik(p, x, n):
    return special.xlogy(x, p) + special.xlog1py(n - x, -p)


def _lr_excess(p, x, n, top, z2):
    """2[l(x/n) - l(p)] - z²: positive outside the likelihood-ratio interval."""
    return 2 * (top - _binom_loglik(p, x, n)) - z2


def _p_likelihood(x, n, z):
    """Likelihood-ratio interval {p : 2[l(x/n) - l(p)] <= z²} (Newcombe 1998 method 7)."""
    x, n = np.broadcast_arrays(np.asarray(x, float), np.asarray(n, float))
    phat = x / n
    args = (x, n, _binom_loglik(phat, x, n), np.full_like(phat, z * z))
    lo = np.where(x == 0, 0.0, solve(_lr_excess, np.zeros_like(phat), phat, args))
    hi = np.where(x == n, 1.0, solve(_lr_excess, phat, np.ones_like(phat), args))
    return lo, hi


_PROPORTION_FUNS = {
    "wilson": (_p_wilson, False),
    "exact": (_p_clopper_pearson, True),
    "wilson-cc": (_p_wilson_cc, False),
    "prop.test": (_p_prop_test, False),
    "clopper-pearson": (_p_clopper_pearson, True),
    "jeffreys": (_p_jeffreys, True),
    "agresti-coull": (_p_agresti_coull, False),
    "wald": (_p_wald, False),
    "mid-p": (_p_mid_p, True),
    "wald-cc": (_p_wald_cc, False),
    "likelihood": (_p_likelihood, False),
}


def _proportion_limits(x, n, method, confidence):
    fun, needs_alpha = _PROPORTION_FUNS[method]
    z = z_quantile(confidence)
    if needs_alpha:
        return fun(x, n, z, 1 - confidence)
    return fun(x, n, z)


def _proportion_test(x, n, p0, method, alternative):
    """Test of ``p = p0`` for the non-exact methods: ``(statistic, pvalue, statistic name)``.

    "mid-p": the observed count, with the mid-p value (one tail less half the probability
    of ``x``; two-sided, twice the smaller one, as exactci ``binom.exact(midp = TRUE)``);
    "wilson": the score z ``(x - n p0) / sqrt(n p0 (1 - p0))``; "wald": ``(x/n - p0) /
    sqrt(p (1 - p) / n)`` at the estimate ``p = x/n`` (infinite when ``p`` is 0 or 1 and
    differs from ``p0``)."""
    if method == "mid-p":
        return x.astype(float), midp_pvalue(x, p0, alternative, n=n), "number of successes"
    if method == "wilson":
        z = (x - n * p0) / np.sqrt(n * p0 * (1 - p0))
        return z, normal_pvalue(z, alternative), "score z"
    phat = x / n
    se = np.sqrt(phat * (1 - phat) / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (phat - p0) / np.where(se > 0, se, 1.0), np.inf * np.sign(phat - p0))
    return z, normal_pvalue(z, alternative), "Wald z"
