"""Two-sample Poisson comparisons: the per-method functions behind
:func:`conflictstats.rates.compare_rates` (and the quasi-likelihood ratio tests of
:func:`conflictstats.rates.claim_check`).

Every method takes flat float arrays ``(x1, t1, x2, t2, null, alternative, a)`` with
``a = 1 - confidence`` and returns ``(ci_low, ci_high, pvalue)``. The ratio methods work on
the conditional binomial (given ``n = x1 + x2``, ``x1 ~ Bin(n, p)``), whose vectorised
distribution functions live here too; the E-test's p-value comes from
:mod:`conflictstats.rates.etest`. ``_RATIO_DISPATCH`` and ``_DIFF_DISPATCH`` map the
``method=`` strings to the functions.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from .._numeric import (
    binom_cdf,
    binom_midp_limits,
    binom_sf_ge,
    binom_twosided_pvalue,
    normal_pvalue,
    solve,
    z_quantile,
)
from .._validation import InputError
from .etest import _etest_pvalue


# ---------------------------------------------------------------------------------------
# the conditional binomial
# ---------------------------------------------------------------------------------------
def _binom_pmf(k, n, p):
    return stats.binom.pmf(k, n, p)


# ---------------------------------------------------------------------------------------
# two-sample comparisons: ratio
# ---------------------------------------------------------------------------------------
def _p_to_ratio(p, t1, t2):
    with np.errstate(divide="ignore"):
        return np.where(p >= 1, np.inf, p / (1 - p) * t2 / t1)


def _ratio_exact_cond(x1, t1, x2, t2, r0, alternative, a):
    """Conditional binomial test and Clopper-Pearson interval (Przyborowski & Wilenski 1940).

    Given ``n = x1 + x2``, ``x1 ~ Bin(n, p)`` with ``p = t1 R / (t1 R + t2)``; the p-value is
    R's ``binom.test`` (two-sided: outcomes no more likely than ``x1``) and the interval the
    Clopper-Pearson interval for ``p`` mapped to ``R``, as in R's ``poisson.test``.
    """
    n = x1 + x2
    p0 = t1 * r0 / (t1 * r0 + t2)
    if alternative == "larger":
        pval = binom_sf_ge(x1, n, p0)
    elif alternative == "smaller":
        pval = binom_cdf(x1, n, p0)
    else:
        pval = binom_twosided_pvalue(x1, n, p0)
    al = a if alternative != "two-sided" else a / 2
    plow = np.where(x1 > 0, special.betaincinv(np.maximum(x1, 1e-300), n - x1 + 1, al), 0.0)
    phigh = np.where(x1 < n, special.betaincinv(x1 + 1, np.maximum(n - x1, 1e-300), 1 - al), 1.0)
    if alternative == "larger":
        phigh = np.ones_like(phigh)
    elif alternative == "smaller":
        plow = np.zeros_like(plow)
    return _p_to_ratio(plow, t1, t2), _p_to_ratio(phigh, t1, t2), pval


def _midp_tails(x, n, p):
    half = 0.5 * _binom_pmf(x, n, p)
    return binom_cdf(x - 1, n, p) + half, binom_sf_ge(x + 1, n, p) + half


def _ratio_midp(x1, t1, x2, t2, r0, alternative, a):
    """Conditional mid-p test and interval (Lancaster 1961; Berry & Armitage 1995).

    Mid-p value ``P(X < x) + P(X = x)/2`` (and mirror) under the conditional binomial;
    two-sided: twice the smaller tail, capped at 1. The interval solves the mid-p tail
    equations for ``p`` (:func:`conflictstats._numeric.binom_midp_limits`, all rows at once)
    and maps ``p`` to ``R``.
    """
    n = x1 + x2
    p0 = t1 * r0 / (t1 * r0 + t2)
    low_tail, up_tail = _midp_tails(x1, n, p0)
    if alternative == "larger":
        pval = up_tail
    elif alternative == "smaller":
        pval = low_tail
    else:
        pval = np.minimum(1.0, 2 * np.minimum(low_tail, up_tail))
    al = a if alternative != "two-sided" else a / 2
    plow, phigh = binom_midp_limits(x1, n, al)
    if alternative == "larger":
        phigh = np.ones_like(phigh)
    elif alternative == "smaller":
        plow = np.zeros_like(plow)
    return _p_to_ratio(plow, t1, t2), _p_to_ratio(phigh, t1, t2), pval


def _wilson(x, n, z):
    """Wilson score interval for a binomial proportion."""
    centre = x + z * z / 2
    half = z * np.sqrt(x * (n - x) / n + z * z / 4)
    den = n + z * z
    return np.clip((centre - half) / den, 0, 1), np.clip((centre + half) / den, 0, 1)


def _ratio_score(x1, t1, x2, t2, r0, alternative, a, dispersion=1.0):
    """Score test of the ratio, equal to the conditional binomial score test; the interval
    inverts it (Wilson's interval for ``p`` mapped to ``R``; Gu et al. 2008, Ng & Tang 2005).

    With ``dispersion`` phi (quasi-likelihood), the score statistic is divided by sqrt(phi).
    """
    n = x1 + x2
    p0 = t1 * r0 / (t1 * r0 + t2)
    z = (x1 - n * p0) / np.sqrt(dispersion * n * p0 * (1 - p0))
    pval = normal_pvalue(z, alternative)
    zc = z_quantile(1 - a, one_sided=alternative != "two-sided")
    plow, phigh = _wilson(x1 / dispersion, n / dispersion, zc)
    if alternative == "larger":
        phigh = np.ones_like(phigh)
    elif alternative == "smaller":
        plow = np.zeros_like(plow)
    # exact endpoints at the boundary (0 or all events in group 1)
    plow = np.where(x1 == 0, 0.0, plow)
    phigh = np.where(x1 == n, 1.0, phigh)
    return _p_to_ratio(plow, t1, t2), _p_to_ratio(phigh, t1, t2), pval


def _ratio_wald(x1, t1, x2, t2, r0, alternative, a, dispersion=1.0):
    """Wald test and interval on the log scale: se(log R) = sqrt(phi (1/x1 + 1/x2))."""
    zero = (x1 == 0) | (x2 == 0)
    if zero.any():
        raise InputError(
            "method='wald' for a ratio needs both counts positive (log of 0); got a zero "
            f"count at index {tuple(int(i) for i in np.argwhere(zero)[0])}; use 'exact-cond' "
            "or 'score'"
        )
    lr = np.log(x1 / t1) - np.log(x2 / t2)
    se = np.sqrt(dispersion * (1 / x1 + 1 / x2))
    pval = normal_pvalue((lr - np.log(r0)) / se, alternative)
    zc = z_quantile(1 - a, one_sided=alternative != "two-sided")
    low = np.exp(lr - zc * se) if alternative != "smaller" else np.zeros_like(lr)
    high = np.exp(lr + zc * se) if alternative != "larger" else np.full_like(lr, np.inf)
    return low, high, pval


# ---------------------------------------------------------------------------------------
# two-sample comparisons: difference
# ---------------------------------------------------------------------------------------
def _diff_wald(x1, t1, x2, t2, d0, alternative, a):
    """Wald test and interval for ``rate1 - rate2``: se = sqrt(x1/t1^2 + x2/t2^2)."""
    d = x1 / t1 - x2 / t2
    se = np.sqrt(x1 / t1**2 + x2 / t2**2)
    pval = normal_pvalue((d - d0) / se, alternative)
    zc = z_quantile(1 - a, one_sided=alternative != "two-sided")
    low = d - zc * se if alternative != "smaller" else np.full_like(d, -np.inf)
    high = d + zc * se if alternative != "larger" else np.full_like(d, np.inf)
    return low, high, pval


def _score_diff_stat(d0, x1, t1, x2, t2):
    """Score statistic for ``rate1 - rate2 = d0`` with the constrained MLE (Ng et al. 2007)."""
    tt = t1 + t2
    b = (x1 + x2) / tt - d0
    lam2 = 0.5 * (b + np.sqrt(b * b + 4 * d0 * x2 / tt))
    lam2 = np.maximum(lam2, np.maximum(-d0, 0.0))
    lam1 = lam2 + d0
    var = lam1 / t1 + lam2 / t2
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x1 / t1 - x2 / t2 - d0) / np.sqrt(var)
    return z


def _diff_score(x1, t1, x2, t2, d0, alternative, a):
    """Score test of ``rate1 - rate2 = d0`` and the interval inverting it (Ng, Gu & Tang
    2007, CSDA 51:3085): variance from the rates' maximum likelihood under the null."""
    from scipy.optimize.elementwise import bracket_root

    d = x1 / t1 - x2 / t2
    pval = normal_pvalue(_score_diff_stat(d0, x1, t1, x2, t2), alternative)
    zc = z_quantile(1 - a, one_sided=alternative != "two-sided")
    se = np.sqrt((x1 + 1) / t1**2 + (x2 + 1) / t2**2)

    def f(dd, target, x1, t1, x2, t2):
        return _score_diff_stat(dd, x1, t1, x2, t2) - target

    def root(target, side):
        args = (np.full_like(d, target), x1, t1, x2, t2)
        # the statistic decreases in the null value; bracket from the estimate outwards
        start = d + side * 1e-12 * (1 + np.abs(d))
        far = d + side * se
        xl, xr = (start, far) if side > 0 else (far, start)
        br = bracket_root(f, xl, xr, args=args)
        return solve(f, br.bracket[0], br.bracket[1], args)

    low = root(zc, -1) if alternative != "smaller" else np.full_like(d, -np.inf)
    high = root(-zc, +1) if alternative != "larger" else np.full_like(d, np.inf)
    return low, high, pval


# ---------------------------------------------------------------------------------------
# the E-test (Krishnamoorthy & Thomson 2004): p-value from rates.etest, score interval
# ---------------------------------------------------------------------------------------
def _ratio_etest(x1, t1, x2, t2, r0, alternative, a):
    """E-test (Krishnamoorthy & Thomson 2004, JSPI 119:23) for the ratio, with the score
    statistic ``(X1 - c X2) / sqrt(c (X1 + X2))``, ``c = R0 t1 / t2``, as in Gu et al.
    (2008): the p-value sums Poisson probabilities at the null's constrained ML rates over
    outcomes at least as extreme. The interval reported is the score interval."""
    low, high, _ = _ratio_score(x1, t1, x2, t2, r0, alternative, a)
    return low, high, _etest_pvalue(x1, t1, x2, t2, r0, "ratio", alternative)


def _diff_etest(x1, t1, x2, t2, d0, alternative, a):
    """E-test (Krishnamoorthy & Thomson 2004, JSPI 119:23) for ``rate1 - rate2``, with their
    statistic ``(X1/t1 - X2/t2 - d) / sqrt(X1/t1^2 + X2/t2^2)`` and null rates from their
    eq. (3.4); as scipy's ``poisson_means_test``. The interval reported is the score
    interval."""
    low, high, _ = _diff_score(x1, t1, x2, t2, d0, alternative, a)
    return low, high, _etest_pvalue(x1, t1, x2, t2, d0, "difference", alternative)


# ---------------------------------------------------------------------------------------
# dispatch
# ---------------------------------------------------------------------------------------
def _once_per_distinct(fn):
    """Run ``fn`` on the distinct rows of (x1, t1, x2, t2, null) only and spread the answers
    back: counts repeat a lot in bulk comparisons (a million pairs of monthly counts hold a
    few thousand distinct ones), and these methods cost a root search or a sum per row."""

    def wrapped(x1, t1, x2, t2, v, alternative, a):
        if x1.size < 64:
            return fn(x1, t1, x2, t2, v, alternative, a)
        rows = np.column_stack([x1, t1, x2, t2, v])
        distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
        if 2 * distinct.shape[0] > x1.size:
            return fn(x1, t1, x2, t2, v, alternative, a)
        inverse = np.ravel(inverse)
        cols = [np.ascontiguousarray(c) for c in distinct.T]
        return tuple(np.asarray(r)[inverse] for r in fn(*cols, alternative, a))

    wrapped.__doc__ = fn.__doc__
    return wrapped


_RATIO_DISPATCH = {
    "exact-cond": _ratio_exact_cond,
    "mid-p": _once_per_distinct(_ratio_midp),
    "score": _ratio_score,
    "wald": _ratio_wald,
    "etest": _once_per_distinct(_ratio_etest),
}
_DIFF_DISPATCH = {
    "wald": _diff_wald,
    "score": _once_per_distinct(_diff_score),
    "etest": _once_per_distinct(_diff_etest),
}
