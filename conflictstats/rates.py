"""Poisson counts and rates: one-sample intervals, two-sample comparisons, claim checks, power.

Every function takes numpy arrays and broadcasts them (one call, a million answers) and returns
a member of the shared result family (:class:`RateEstimate`, :class:`RateComparison`,
:class:`ClaimCheck`). The algorithms are chosen by ``method=`` strings, each a small private
function citing its source.

* :func:`rate_ci` — one count over an exposure: exact (Garwood), mid-p, score, Wald, Jeffreys.
* :func:`compare_rates` — two counts: rate ratio or difference, with exact-conditional, mid-p,
  score, Wald and E-test (Krishnamoorthy & Thomson) p-values and intervals.
* :func:`compare_series` — two periods of monthly counts: a GLM with a period indicator
  (Poisson, quasi-Poisson or negative binomial) that lets the data state their overdispersion.
* :func:`claim_check` — only headline rates reported ("up to 75 a month versus 60"): the
  comparison across a grid of overdispersion values and the dispersion at which it stops
  being significant.
* :func:`power_compare_rates`, :func:`periods_needed` — power of the comparison and the
  number of periods (months) needed to detect a change.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from scipy import special, stats

from ._validation import (
    InputError,
    as_confidence,
    as_counts,
    as_exposure,
    as_finite,
    check_choice,
    check_method,
)
from .results import Estimate, aux_field

__all__ = [
    "RateEstimate",
    "RateComparison",
    "ClaimCheck",
    "rate_ci",
    "compare_rates",
    "compare_series",
    "claim_check",
    "power_compare_rates",
    "periods_needed",
    "RATE_METHODS",
    "RATIO_METHODS",
    "DIFFERENCE_METHODS",
    "SERIES_MODELS",
]

RATE_METHODS = ("exact", "mid-p", "score", "wald", "jeffreys")
RATIO_METHODS = ("exact-cond", "mid-p", "score", "wald", "etest")
DIFFERENCE_METHODS = ("wald", "score", "etest")
SERIES_MODELS = ("poisson", "quasi-poisson", "negbin")
ALTERNATIVES = ("two-sided", "larger", "smaller")


# ---------------------------------------------------------------------------------------
# result classes
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class RateEstimate(Estimate):
    """A rate (events per unit of exposure) with its interval.

    Adds ``count`` and ``exposure`` to :class:`~conflictstats.results.Estimate`;
    ``estimate = count / exposure``.
    """

    count: Any = None
    exposure: Any = None

    column_order: ClassVar[tuple[str, ...]] = (
        *Estimate.column_order,
        "count",
        "exposure",
    )


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class RateComparison(Estimate):
    """Two rates compared: a ratio (``rate1 / rate2``) or difference (``rate1 - rate2``).

    Adds the data (``count1``, ``exposure1``, ``count2``, ``exposure2``), what is compared
    (``compare``: ``"ratio"`` or ``"difference"``), the test's ``alternative`` and ``null``
    value, and, for comparisons that allow overdispersion, the ``dispersion`` used or
    estimated (variance / mean of a count; 1 for Poisson) and the negative binomial ``theta``.
    """

    count1: Any = None
    exposure1: Any = None
    count2: Any = None
    exposure2: Any = None
    compare: str = "ratio"
    alternative: str = "two-sided"
    null: Any = None
    dispersion: Any = None
    theta: Any = None

    column_order: ClassVar[tuple[str, ...]] = (
        *Estimate.column_order,
        "compare",
        "alternative",
        "null",
        "count1",
        "exposure1",
        "count2",
        "exposure2",
        "dispersion",
    )


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class ClaimCheck(RateComparison):
    """A headline-rate comparison over a grid of dispersions (one element per dispersion).

    ``to_frame()`` is the tidy table (one row per dispersion). Beyond
    :class:`RateComparison` it carries, kept out of the table:

    ``critical_dispersion``
        the dispersion at which the p-value equals ``1 - confidence`` exactly: the difference
        is significant below it and not from it on (below 1 when it is not significant even
        for Poisson counts; 0 for a one-sided alternative when the rates differ the other
        way; see :func:`claim_check`);
    ``smallest_nonsignificant``
        the smallest value of the grid at which the difference is not significant, or ``None``
        when it is significant at every grid value.
    """

    critical_dispersion: Any = aux_field()
    smallest_nonsignificant: Any = aux_field()


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
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


def _binom_cdf(k, n, p):
    """P(X <= k) for X ~ Bin(n, p), k integer-valued float (may be < 0 or >= n)."""
    kk = np.clip(k, 0, np.maximum(n - 1, 0))
    # I_{1-p}(n - k, k + 1): betainc is several times faster than betaincc here
    out = special.betainc(np.maximum(n - kk, 1e-300), kk + 1, 1 - p)
    return np.where(k < 0, 0.0, np.where(k >= n, 1.0, out))


def _binom_sf_ge(k, n, p):
    """P(X >= k) for X ~ Bin(n, p)."""
    kk = np.clip(k, 1, np.maximum(n, 1))
    out = special.betainc(kk, np.maximum(n - kk + 1, 1e-300), p)
    return np.where(k <= 0, 1.0, np.where(k > n, 0.0, out))


def _binom_pmf(k, n, p):
    return stats.binom.pmf(k, n, p)


def _binom_twosided_minlike(x, n, p):
    """Two-sided binomial p-value summing outcomes no more likely than ``x`` (R binom.test).

    Vectorised: the cut-off on the far side of the mode is found by an integer bisection on
    the log-pmf (``gammaln``), using that the pmf is monotone on each side of ``n p``; the
    relative tolerance 1e-7 is R's.
    """
    m = n * p
    flip = x > m
    xs = np.where(flip, n - x, x)
    ps = np.where(flip, 1 - p, p)
    ms = n * ps
    lp, lq = np.log(ps), np.log1p(-ps)
    const = special.gammaln(n + 1) + n * lq
    slope = lp - lq

    def lpmf(k):
        return const - special.gammaln(k + 1) - special.gammaln(n - k + 1) + k * slope

    thr = lpmf(xs) + np.log1p(1e-7)
    # smallest j in [ceil(ms), n] with lpmf(j) <= thr (n + 1 when none). First a bracket of
    # width 6 around the skewness-corrected mirror image of xs, checked exactly; where the
    # check fails, a bisection over the whole range. Invariant: lpmf(lo) > thr >= lpmf(hi),
    # with lo = ceil(ms) - 1 and hi = n + 1 standing for the ends of the range.
    first, last = np.ceil(ms) - 1, n + 1
    z2 = (ms - xs) ** 2 / (ms * (1 - ps))
    guess = np.ceil(2 * ms - xs + (1 - 2 * ps) * z2 / 3)
    lo = np.clip(guess - 3, first, last)
    hi = np.clip(guess + 3, first, last)
    ok = (
        ((lo == first) | (lpmf(np.clip(lo, 0, n)) > thr))
        & ((hi == last) | (lpmf(np.clip(hi, 0, n)) <= thr))
        & (hi > lo)
    )

    def bisect(lo, hi, lpmf, thr):
        while True:
            active = hi - lo > 1
            if not active.any():
                return hi
            mid = np.floor((lo + hi) / 2)
            below = lpmf(mid) <= thr
            hi = np.where(active & below, mid, hi)
            lo = np.where(active & ~below, mid, lo)

    hi = bisect(lo, hi, lambda k: lpmf(np.clip(k, 0, n)), thr)
    bad = ~ok
    if bad.any():
        sub_n, sub_c, sub_s = n[bad], const[bad], slope[bad]

        def lpmf_sub(k):
            k = np.clip(k, 0, sub_n)
            return sub_c - special.gammaln(k + 1) - special.gammaln(sub_n - k + 1) + k * sub_s

        hi[bad] = bisect(first[bad], last[bad], lpmf_sub, thr[bad])
    pval = _binom_cdf(xs, n, ps) + _binom_sf_ge(hi, n, ps)
    return np.where(x == m, 1.0, np.minimum(1.0, pval))


def _broadcast_pair(count1, exposure1, count2, exposure2):
    c1 = as_counts(count1, "count1")
    e1 = as_exposure(exposure1, "exposure1")
    c2 = as_counts(count2, "count2")
    e2 = as_exposure(exposure2, "exposure2")
    try:
        c1, e1, c2, e2 = np.broadcast_arrays(c1, e1, c2, e2)
    except ValueError:
        raise InputError(
            f"count1, exposure1, count2, exposure2 do not broadcast together: shapes "
            f"{np.shape(c1)}, {np.shape(e1)}, {np.shape(c2)}, {np.shape(e2)}"
        ) from None
    both = (c1 + c2) == 0
    if both.any():
        idx = tuple(int(i) for i in np.argwhere(both)[0])
        where = f" at index {idx}" if c1.ndim else ""
        raise InputError(
            f"count1 and count2 are both 0{where}: two empty counts carry no information "
            "about a ratio or difference"
        )
    return c1, e1, c2, e2


# ---------------------------------------------------------------------------------------
# one-sample intervals
# ---------------------------------------------------------------------------------------
def _rate_exact(x, a):
    """Garwood (1936, Biometrika 28:437): chi-square/gamma quantiles; equals R poisson.test."""
    low = np.where(x > 0, special.gammaincinv(np.maximum(x, 1e-300), a / 2), 0.0)
    high = special.gammainccinv(x + 1, a / 2)
    return low, high


def _rate_midp(x, a):
    """Mid-p (Lancaster 1961, JASA 56:223): P(X > x) + P(X = x)/2 = a/2 and mirror."""
    el, eh = _rate_exact(x, a)

    def f_low(mu, x):
        return special.pdtrc(x, mu) + 0.5 * stats.poisson.pmf(x, mu) - a / 2

    def f_high(mu, x):
        below = special.pdtr(np.maximum(x - 1, 0), mu)
        return np.where(x > 0, below, 0.0) + 0.5 * stats.poisson.pmf(x, mu) - a / 2

    pos = x > 0
    low = np.zeros_like(x)
    if pos.any():
        low[pos] = _solve(f_low, el[pos], x[pos], (x[pos],))
    high = _solve(f_high, np.maximum(x, 1e-300), eh, (x,))
    return low, high


def _rate_score(x, a):
    """Score (Wilson-type) interval: (x - mu)^2 / mu = z^2 (Rothman & Greenland 1998)."""
    z = special.ndtri(1 - a / 2)
    half = z * np.sqrt(x + z * z / 4)
    return x + z * z / 2 - half, x + z * z / 2 + half


def _rate_wald(x, a):
    """Wald interval x ± z sqrt(x), cut at 0 (zero-width at x = 0)."""
    z = special.ndtri(1 - a / 2)
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


def rate_ci(count, exposure=1.0, *, method="exact", confidence=0.95) -> RateEstimate:
    """Confidence interval for a Poisson rate: ``count`` events over ``exposure``.

    Parameters
    ----------
    count : array_like of int
        Observed counts (non-negative whole numbers).
    exposure : array_like of float, default 1.0
        Exposure (months, person-years, ...), positive; broadcasts with ``count``.
    method : {"exact", "mid-p", "score", "wald", "jeffreys"}
        ``"exact"``: Garwood's interval from gamma quantiles, identical to R's
        ``poisson.test``; ``"mid-p"``: the mid-p interval, solving
        ``P(X > x) + P(X = x)/2 = a/2`` (and the mirror) numerically; ``"score"``: inverts the
        score test ``(x - mu)^2 / mu = z^2``; ``"wald"``: ``x ± z sqrt(x)``, cut at zero;
        ``"jeffreys"``: equal-tailed Gamma(x + 1/2, 1) quantiles.
    confidence : float, default 0.95
        Confidence level of the two-sided interval.

    Returns
    -------
    RateEstimate
        ``estimate = count / exposure`` with ``ci_low``, ``ci_high``, and ``count``,
        ``exposure``, in the broadcast shape of the inputs.

    Raises
    ------
    InputError
        Negative, fractional or non-finite counts; non-positive exposure; unknown method;
        confidence outside (0, 1).

    Notes
    -----
    All intervals are computed for the mean count and divided by the exposure. For
    ``count = 0`` every method gives a lower end of 0 and a finite upper end (the exact upper
    end is ``-log(a/2)``, 3.69 at 95%), except ``"wald"`` whose interval collapses to [0, 0]:
    a reason not to use it for small counts.

    References
    ----------
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28, 437-442.
    Lancaster, H. O. (1961). Significance tests in discrete distributions. JASA 56, 223-234.
    Brown, L. D., Cai, T. T., DasGupta, A. (2003). Interval estimation in exponential
    families. Statistica Sinica 13, 19-49.

    Examples
    --------
    >>> from conflictstats.rates import rate_ci
    >>> r = rate_ci(75, 11)
    >>> round(r.estimate, 2), round(r.ci_low, 2), round(r.ci_high, 2)
    (6.82, 5.36, 8.55)
    >>> rate_ci([0, 5], method="score").ci_high.round(2).tolist()
    [3.84, 11.7]
    """
    method = check_method(method, RATE_METHODS)
    conf = as_confidence(confidence)
    x = as_counts(count, "count")
    t = as_exposure(exposure, "exposure")
    try:
        x, t = np.broadcast_arrays(x, t)
    except ValueError:
        raise InputError(
            f"count and exposure do not broadcast: shapes {np.shape(x)} and {np.shape(t)}"
        ) from None
    shape = x.shape
    xf, tf = x.ravel().astype(float), t.ravel().astype(float)
    low, high = _RATE_DISPATCH[method](xf, 1 - conf)
    return RateEstimate(
        estimate=(xf / tf).reshape(shape),
        ci_low=(low / tf).reshape(shape),
        ci_high=(high / tf).reshape(shape),
        confidence=conf,
        method=method,
        quantity="rate",
        count=x.reshape(shape) if shape else float(x),
        exposure=t.reshape(shape) if shape else float(t),
    )


# ---------------------------------------------------------------------------------------
# two-sample comparisons: ratio
# ---------------------------------------------------------------------------------------
def _p_to_ratio(p, t1, t2):
    with np.errstate(divide="ignore"):
        return np.where(p >= 1, np.inf, p / (1 - p) * t2 / t1)


def _one_or_two(a, alternative):
    return a if alternative != "two-sided" else a / 2


def _ratio_exact_cond(x1, t1, x2, t2, r0, alternative, a):
    """Conditional binomial test and Clopper-Pearson interval (Przyborowski & Wilenski 1940).

    Given ``n = x1 + x2``, ``x1 ~ Bin(n, p)`` with ``p = t1 R / (t1 R + t2)``; the p-value is
    R's ``binom.test`` (two-sided: outcomes no more likely than ``x1``) and the interval the
    Clopper-Pearson interval for ``p`` mapped to ``R``, as in R's ``poisson.test``.
    """
    n = x1 + x2
    p0 = t1 * r0 / (t1 * r0 + t2)
    if alternative == "larger":
        pval = _binom_sf_ge(x1, n, p0)
    elif alternative == "smaller":
        pval = _binom_cdf(x1, n, p0)
    else:
        pval = _binom_twosided_minlike(x1, n, p0)
    al = _one_or_two(a, alternative)
    plow = np.where(x1 > 0, special.betaincinv(np.maximum(x1, 1e-300), n - x1 + 1, al), 0.0)
    phigh = np.where(x1 < n, special.betaincinv(x1 + 1, np.maximum(n - x1, 1e-300), 1 - al), 1.0)
    if alternative == "larger":
        phigh = np.ones_like(phigh)
    elif alternative == "smaller":
        plow = np.zeros_like(plow)
    return _p_to_ratio(plow, t1, t2), _p_to_ratio(phigh, t1, t2), pval


def _midp_tails(x, n, p):
    half = 0.5 * _binom_pmf(x, n, p)
    return _binom_cdf(x - 1, n, p) + half, _binom_sf_ge(x + 1, n, p) + half


def _ratio_midp(x1, t1, x2, t2, r0, alternative, a):
    """Conditional mid-p test and interval (Lancaster 1961; Berry & Armitage 1995).

    Mid-p value ``P(X < x) + P(X = x)/2`` (and mirror) under the conditional binomial;
    two-sided: twice the smaller tail, capped at 1. The interval solves the mid-p tail
    equations for ``p`` (bracketed by Clopper-Pearson) and maps ``p`` to ``R``.
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
    al = _one_or_two(a, alternative)
    cpl = np.where(x1 > 0, special.betaincinv(np.maximum(x1, 1e-300), n - x1 + 1, al), 0.0)
    cph = np.where(x1 < n, special.betaincinv(x1 + 1, np.maximum(n - x1, 1e-300), 1 - al), 1.0)
    phat = x1 / n

    def f_low(p, x, n):  # upper mid-p tail minus al: increasing in p
        return _midp_tails(x, n, p)[1] - al

    def f_high(p, x, n):  # lower mid-p tail minus al: decreasing in p
        return _midp_tails(x, n, p)[0] - al

    plow = np.zeros_like(phat)
    phigh = np.ones_like(phat)
    m = x1 > 0
    if m.any() and alternative != "smaller":
        plow[m] = _solve(f_low, cpl[m], phat[m], (x1[m], n[m]))
    m = x1 < n
    if m.any() and alternative != "larger":
        phigh[m] = _solve(f_high, phat[m], cph[m], (x1[m], n[m]))
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
    pval = _normal_pvalue(z, alternative)
    zc = special.ndtri(1 - _one_or_two(a, alternative))
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
    pval = _normal_pvalue((lr - np.log(r0)) / se, alternative)
    zc = special.ndtri(1 - _one_or_two(a, alternative))
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
    pval = _normal_pvalue((d - d0) / se, alternative)
    zc = special.ndtri(1 - _one_or_two(a, alternative))
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
    pval = _normal_pvalue(_score_diff_stat(d0, x1, t1, x2, t2), alternative)
    zc = special.ndtri(1 - _one_or_two(a, alternative))
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
        return _solve(f, br.bracket[0], br.bracket[1], args)

    low = root(zc, -1) if alternative != "smaller" else np.full_like(d, -np.inf)
    high = root(-zc, +1) if alternative != "larger" else np.full_like(d, np.inf)
    return low, high, pval


# ---------------------------------------------------------------------------------------
# the E-test (Krishnamoorthy & Thomson 2004), vectorised
# ---------------------------------------------------------------------------------------
def _halfwidth(mu):
    # +-(6.5 sqrt(mu) + 6) holds all but about 1e-10 of a Poisson(mu) distribution's mass
    return np.ceil(6.5 * np.sqrt(mu) + 6)


def _poisson_grid(mu, width):
    """Poisson pmf on ``lo + arange(width)`` per row (``lo`` from ``mu``), by recurrence."""
    lo = np.maximum(0.0, np.floor(mu - _halfwidth(mu)))
    start = np.exp(special.xlogy(lo, mu) - mu - special.gammaln(lo + 1))
    pmf = np.empty((mu.size, width))
    pmf[:, 0] = start
    np.divide(mu[:, None], lo[:, None] + np.arange(1.0, width), out=pmf[:, 1:])
    np.cumprod(pmf, axis=1, out=pmf)
    return lo, pmf


def _grid_width(mu):
    h = _halfwidth(mu)
    lo = np.maximum(0.0, np.floor(mu - h))
    return int(np.max(np.ceil(mu + h) - lo + 1, initial=1))


def _etest_stat(kind, y1, t1, y2, t2, v):
    """E-test statistic: score ratio statistic (0 at 0/0) or Krishnamoorthy-Thomson's."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "ratio":
            c = v * t1 / t2
            s = (y1 - c * y2) / np.sqrt(c * (y1 + y2))
            return np.where((y1 + y2) == 0, 0.0, s)
        return (y1 / t1 - y2 / t2 - v) / np.sqrt(y1 / t1**2 + y2 / t2**2)


def _etest_chunk(x1, t1, x2, t2, null, kind, alternative):
    """E-test p-values for one chunk of pairs (flat arrays).

    For each pair and each ``y1`` on a grid around its null mean, the outcomes ``y2`` with
    statistic ``T(y1, y2) >= thr`` form an interval whose ends solve a quadratic (the
    statistics are monotone in ``y2``, or, for the difference, increase then decrease), so
    the double sum reduces to one sum over ``y1`` of ``pmf1(y1)`` times a difference of the
    ``y2`` distribution function. Ties with the observed statistic are counted (relative
    tolerance 1e-10). The point (0, 0), where the difference statistic is 0/0, is handled
    apart as in scipy (-d/0: excluded when d = 0).
    """
    if kind == "ratio":
        lam2 = (x1 + x2) / (t1 * null + t2)
        lam1 = null * lam2
        trivial = np.zeros(x1.shape, dtype=bool)
    else:
        lam2 = (x1 + x2) / (t1 + t2) - null * t1 / (t1 + t2)
        lam1 = lam2 + null
        trivial = (lam2 <= 0) | (lam1 <= 0)
    mu1 = np.where(trivial, 1.0, t1 * lam1)
    mu2 = np.where(trivial, 1.0, t2 * lam2)
    t_obs = _etest_stat(kind, x1, t1, x2, t2, null)

    k1, k2 = _grid_width(mu1), _grid_width(mu2)
    lo1, pmf1 = _poisson_grid(mu1, k1)
    lo2, pmf2 = _poisson_grid(mu2, k2)
    npair = x1.size
    # cdf2 rows: [P(Y2 <= -1) = 0, P(Y2 < lo2), P(Y2 <= lo2), ..., P(Y2 <= lo2 + k2 - 1)]
    base2 = np.where(lo2 > 0, special.gammaincc(np.maximum(lo2, 1), mu2), 0.0)
    cdf2 = np.empty((npair, k2 + 2))
    cdf2[:, 0] = 0.0
    cdf2[:, 1] = base2
    np.cumsum(pmf2, axis=1, out=cdf2[:, 2:])
    cdf2[:, 2:] += base2[:, None]
    flat2 = cdf2.ravel()
    col = (slice(None), None)
    shift = (2 - lo2)[col]
    rowbase = (np.arange(npair) * (k2 + 2.0))[col]
    y1 = lo1[col] + np.arange(k1)[None, :]
    has_row0 = bool(lo1.min() == 0)
    # the (0, 0) point is left out of the rows (added apart): rows y1 = 0 start at y2 = 1
    row0 = (y1 == 0).astype(float) if has_row0 else 0.0
    tt1, tt2, vv = t1[col], t2[col], null[col]

    def c2(k):
        """P(Y2 <= k) for integer-valued k >= -1 (0 below the grid but for P(Y2 < lo2))."""
        idx = np.clip(k + shift, 0, k2 + 1)
        idx += rowbase
        return flat2.take(idx.astype(np.intp))

    rowlo = rowbase
    rowhi = rowbase + (k2 + 1)
    offset = shift + rowbase

    def mass(hi, lo=None):
        """Sum over rows of pmf1 * P(lo <= Y2 <= hi), ends rounded inwards to integers."""
        if lo is None and not has_row0:
            # index of P(Y2 <= floor(hi)) in flat2: truncation is floor once non-negative;
            # fmax also sends NaN (an empty region) to the row's first cell, P(Y2 <= -1) = 0
            idx = np.add(hi, offset, out=hi)
            np.fmax(idx, rowlo, out=idx)
            np.minimum(idx, rowhi, out=idx)
            inner = flat2.take(idx.astype(np.intp))
            return np.einsum("ij,ij->i", pmf1, inner)
        b = np.floor(np.maximum(hi, -1.0, out=hi), out=hi)
        inner = c2(b)
        a = row0 if lo is None else np.maximum(np.ceil(lo), row0)
        inner = np.where(b >= a, inner - c2(a - 1.0), 0.0)
        return np.einsum("ij,ij->i", pmf1, inner)

    if kind == "ratio":
        c = vv * tt1 / tt2
        q = 4 * y1 * (1 + c)
        inv_c = 1 / c

        def upper_end(root, th):  # T >= th  <=>  y2 <= ((root - th)/2)^2 / c - y1
            s = root - th
            s *= s
            s *= 0.25 * inv_c
            s -= y1
            return s

    else:
        # the quadratic in y2 itself: with Au = t2 (y1 / t1 - d), the region's ends are
        # Au + th^2 / 2 +- sqrt(arg) / 2, arg = th^2 (4 Au + 4 y1 t2^2 / t1^2 + th^2)
        r21 = tt2 / tt1
        Au = y1 * r21
        Au -= vv * tt2
        Au2 = Au * Au
        apos = Au > 0

        def shared(th):
            """Both ends of the quadratic's roots (real where ``arg >= 0``), in y2 units."""
            th2 = th * th
            arg = y1 * (4 * th2 * r21 * (1 + r21))
            arg += th2 * (th2 - 4 * vv * tt2)
            real = None if simple else arg >= 0
            with np.errstate(invalid="ignore", divide="ignore"):
                uplus = np.sqrt(arg, out=arg)
                uplus *= 0.5
                uplus += th2 / 2
                uplus += Au
                uminus = y1 * (-th2 * r21 * r21)
                uminus += Au2
                uminus /= uplus
            return real, uplus, uminus

        # with d <= 0 for every pair, Au >= 0: the roots are real and the region for th < 0
        # starts at 0, so the selections below reduce to the roots themselves
        simple = bool((null <= 0).all())

        def region(th, real, uplus, uminus, positive):
            """Ends (in y2) of {T >= th} for th > 0 (positive) or th < 0."""
            if simple:
                return (uminus if positive else uplus), None
            with np.errstate(invalid="ignore"):
                if positive:
                    return np.where(apos, uminus, -1.0), None
                lo = np.where(~apos & real, np.maximum(uminus, 0.0), 0.0)
                return np.where(real, uplus, -1.0), (lo if (lo > 0).any() else None)

    def p_ge(thr):
        """P(T >= thr) for per-pair thresholds of either sign."""
        th = thr[col]
        if kind == "ratio":
            hi = upper_end(np.sqrt(th * th + q), th)
            out = mass(hi)
        else:
            real, vplus, vminus = shared(th)
            hi_p, _ = region(th, real, vplus, vminus, True)
            hi_n, lo_n = region(th, real, vplus, vminus, False)
            pos = th > 0
            hi = np.where(pos, hi_p, hi_n)
            lo = None if lo_n is None else np.where(pos, 0.0, lo_n)
            out = mass(hi, lo)
        with np.errstate(invalid="ignore"):
            return out + np.where(t00 >= thr, m00, 0.0)

    def p_two(s):
        """P(T >= s) + P(T <= -s) for s > 0, sharing the work of both tails."""
        th = s[col]
        if kind == "ratio":
            root = np.sqrt(th * th + q)
            up = mass(upper_end(root, th))
            down = mass(upper_end(root, -th))  # P(T >= -s)
        else:
            real, vplus, vminus = shared(th)
            up = mass(*region(th, real, vplus, vminus, True))
            down = mass(*region(th, real, vplus, vminus, False))
        with np.errstate(invalid="ignore"):
            up = up + np.where(t00 >= s, m00, 0.0)
            down = down + np.where(t00 >= -s, m00, 0.0)
        return up + (total - down)

    m00 = np.where((lo1 == 0) & (lo2 == 0), np.exp(-mu1 - mu2), 0.0)
    if kind == "ratio":
        t00 = np.zeros_like(null)
    else:
        t00 = np.where(null > 0, -np.inf, np.where(null < 0, np.inf, np.nan))
    total = pmf1.sum(axis=1) * cdf2[:, -1] - np.where(np.isnan(t00), m00, 0.0)
    tol = 1e-10 * np.maximum(1.0, np.abs(t_obs))
    if alternative == "larger":
        p = p_ge(t_obs - tol)
    elif alternative == "smaller":
        p = total - p_ge(t_obs + tol)
    else:
        s = np.abs(t_obs)
        big = s > tol
        p = np.where(big, p_two(np.where(big, s - tol, 1.0)), total)
    return np.where(trivial, 1.0, np.clip(p, 0.0, 1.0))


def _etest_pvalue(x1, t1, x2, t2, null, kind, alternative, cells=1 << 14):
    """E-test p-values for flat arrays, in chunks of about ``cells`` grid cells (sorted by
    size, so that a chunk's grids have similar widths)."""
    out = np.empty(x1.size)
    mu = (x1 + x2) * np.maximum(t1, t2) / (t1 + t2) + np.abs(null) * np.maximum(t1, t2)
    width = 2 * _halfwidth(mu) + 2
    order = np.argsort(mu, kind="stable")
    start = 0
    while start < x1.size:
        probe = order[min(x1.size - 1, start + 32)]
        per = max(1, int(cells // width[probe]))
        idx = order[start : start + per]
        out[idx] = _etest_chunk(x1[idx], t1[idx], x2[idx], t2[idx], null[idx], kind, alternative)
        start += per
    return out


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


def compare_rates(
    count1,
    exposure1,
    count2,
    exposure2,
    *,
    compare="ratio",
    method="exact-cond",
    alternative="two-sided",
    null=None,
    confidence=0.95,
) -> RateComparison:
    """Compare two Poisson rates: ``count1 / exposure1`` against ``count2 / exposure2``.

    Parameters
    ----------
    count1, exposure1, count2, exposure2 : array_like
        Counts (non-negative whole numbers, not both 0 in any pair) and positive exposures;
        all four broadcast together.
    compare : {"ratio", "difference"}
        ``rate1 / rate2`` or ``rate1 - rate2``.
    method : str
        For ``"ratio"``: ``"exact-cond"`` (default; conditional binomial test with the
        Clopper-Pearson interval, identical to R's ``poisson.test(c(x1, x2), c(t1, t2))``),
        ``"mid-p"`` (its mid-p version), ``"score"`` (score test and Wilson-type interval),
        ``"wald"`` (log scale; both counts must be positive), ``"etest"``
        (Krishnamoorthy-Thomson E-test p-value with the score statistic; reported with the
        score interval). For ``"difference"``: ``"wald"``, ``"score"`` (constrained-ML
        variance, interval by inverting the test), ``"etest"`` (the E-test of Krishnamoorthy
        & Thomson as in scipy's ``poisson_means_test``; reported with the score interval).
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: rate1 is larger than the null says (ratio > null, difference > null).
        One-sided tests come with one-sided intervals (one end infinite or 0).
    null : float or array_like, optional
        Null value: ratio 1 or difference 0 by default.
    confidence : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    RateComparison
        ``estimate`` (the ratio or difference of the observed rates), ``ci_low``, ``ci_high``,
        ``pvalue``, the data, ``compare``, ``alternative`` and ``null``.

    Raises
    ------
    InputError
        Bad counts or exposures, both counts 0 in a pair, a zero count with ``"wald"`` for a
        ratio, non-positive null ratio, unknown ``compare``, ``method`` or ``alternative``.

    Notes
    -----
    Conditional methods use that, given ``n = x1 + x2``, ``x1 ~ Bin(n, p)`` with
    ``p = t1 R / (t1 R + t2)``. With ``count2 = 0`` the ratio estimate and upper end are
    infinite (``inf``), with ``count1 = 0`` the estimate and lower end are 0: documented
    finite-or-infinite answers, never NaN. The E-test is a test only: its p-value sums
    Poisson probabilities, evaluated at the rates estimated under the null, over all
    outcomes whose statistic is at least as extreme as the observed one (on a grid of
    +-(6.5 sqrt(mean) + 6) around each null mean, so the sum is exact to about 1e-10).
    Outcomes whose statistic ties with the observed one (to a relative 1e-10) count as at
    least as extreme; scipy's ``poisson_means_test`` compares exactly and can drop them
    when the two computations differ in the last bit. Methods that cost a root search or a
    sum per pair ("mid-p", the score difference interval, "etest") compute each distinct
    pair once: bulk comparisons of counts repeat many pairs.

    References
    ----------
    Przyborowski, J., Wilenski, H. (1940). Homogeneity of results in testing samples from
    Poisson series. Biometrika 31, 313-323.
    Krishnamoorthy, K., Thomson, J. (2004). A more powerful test for comparing two Poisson
    means. Journal of Statistical Planning and Inference 119, 23-35.
    Gu, K., Ng, H. K. T., Tang, M. L., Schucany, W. R. (2008). Testing the ratio of two
    Poisson rates. Biometrical Journal 50, 283-298.
    Ng, H. K. T., Gu, K., Tang, M. L. (2007). A comparative study of tests for the difference
    of two Poisson means. Computational Statistics & Data Analysis 51, 3085-3099.

    Examples
    --------
    >>> from conflictstats.rates import compare_rates
    >>> r = compare_rates(75 * 12, 12, 60 * 12, 12)
    >>> round(r.estimate, 2), round(r.ci_low, 2), round(r.ci_high, 2), r.pvalue < 0.001
    (1.25, 1.13, 1.38, True)
    >>> compare_rates([10, 20], 1, 5, 1, method="etest").pvalue.round(3).tolist()
    [0.206, 0.002]
    """
    compare = check_choice(compare, ("ratio", "difference"), "compare")
    allowed = RATIO_METHODS if compare == "ratio" else DIFFERENCE_METHODS
    method = check_method(method, allowed)
    alternative = check_choice(alternative, ALTERNATIVES, "alternative")
    conf = as_confidence(confidence)
    c1, e1, c2, e2 = _broadcast_pair(count1, exposure1, count2, exposure2)
    if null is None:
        null = 1.0 if compare == "ratio" else 0.0
    nv = as_finite(null, "null")
    if compare == "ratio" and (nv <= 0).any():
        raise InputError(f"null ratio must be positive, got {null!r}")
    try:
        c1, e1, c2, e2, nv = np.broadcast_arrays(c1, e1, c2, e2, nv)
    except ValueError:
        raise InputError(
            f"null of shape {np.shape(nv)} does not broadcast with the counts"
        ) from None
    shape = c1.shape
    flat = [np.ascontiguousarray(v, dtype=float).ravel() for v in (c1, e1, c2, e2, nv)]
    x1, t1, x2, t2, v = flat
    fn = (_RATIO_DISPATCH if compare == "ratio" else _DIFF_DISPATCH)[method]
    low, high, pval = fn(x1, t1, x2, t2, v, alternative, 1 - conf)
    with np.errstate(divide="ignore"):
        est = (x1 / t1) / (x2 / t2) if compare == "ratio" else x1 / t1 - x2 / t2

    def shaped(a):
        a = np.asarray(a, dtype=float).reshape(shape)
        return a if shape else float(a)

    return RateComparison(
        estimate=shaped(est),
        ci_low=shaped(low),
        ci_high=shaped(high),
        pvalue=shaped(pval),
        confidence=conf,
        method=method,
        quantity="rate ratio" if compare == "ratio" else "rate difference",
        count1=shaped(x1),
        exposure1=shaped(t1),
        count2=shaped(x2),
        exposure2=shaped(t2),
        compare=compare,
        alternative=alternative,
        null=shaped(v),
    )


# ---------------------------------------------------------------------------------------
# monthly series: overdispersion estimated from the data
# ---------------------------------------------------------------------------------------
def _series(values, name):
    arr = as_counts(values, name)
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(
            f"{name} must be a non-empty 1-d sequence of counts, got shape {arr.shape}"
        )
    return arr


def _series_exposure(exposure, n, name):
    if exposure is None:
        return np.ones(n)
    e = as_exposure(exposure, name)
    try:
        return np.broadcast_to(e, (n,)).astype(float)
    except ValueError:
        raise InputError(
            f"{name} must be a number or have one value per count, got shape {e.shape}"
        ) from None


def compare_series(
    counts1,
    counts2,
    *,
    exposure1=None,
    exposure2=None,
    model="quasi-poisson",
    confidence=0.95,
) -> RateComparison:
    """Compare two periods of monthly (or other per-period) counts, letting the data say how
    overdispersed they are.

    Fits ``log E[y] = b0 + b1 [period 1] + log(exposure)`` to the counts of both periods
    and reports ``exp(b1)``, the rate ratio of period 1 to period 2.

    Parameters
    ----------
    counts1, counts2 : array_like of int, 1-d
        Counts per month (or other unit) in period 1 and period 2.
    exposure1, exposure2 : float or array_like, optional
        Exposure of each count (default 1: counts per month).
    model : {"quasi-poisson", "poisson", "negbin"}
        ``"poisson"``: Poisson GLM (no overdispersion); ``"quasi-poisson"``: the same
        estimate with standard errors scaled by the Pearson dispersion and t tests on the
        residual degrees of freedom (R's ``glm(family = quasipoisson)``); ``"negbin"``: NB2
        GLM with ``theta`` estimated by maximum likelihood (R's ``MASS::glm.nb``).
    confidence : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    RateComparison
        Scalar result: rate ratio, interval (Wald on the log scale; t quantile for
        quasi-Poisson), p-value (z test; t test for quasi-Poisson), the summed counts and
        exposures, ``dispersion`` (Pearson chi-square / residual df of the Poisson fit: the
        data's variance-to-mean ratio, the same for every model) and ``theta`` (negbin only).

    Raises
    ------
    InputError
        Bad counts or exposures, an unknown model, or too few counts to estimate the
        dispersion (at least 3 in all), or a period with no events.

    Notes
    -----
    Fitted with statsmodels (imported here, not at package import). The negative binomial
    ``theta`` is the joint maximum likelihood estimate (statsmodels' ``NegativeBinomial``);
    its coefficients and standard errors come from the GLM at that ``theta``, as glm.nb does.

    References
    ----------
    McCullagh, P., Nelder, J. A. (1989). Generalized Linear Models, 2nd ed., ch. 6 (quasi-
    likelihood). Chapman & Hall.
    Venables, W. N., Ripley, B. D. (2002). Modern Applied Statistics with S, 4th ed., 7.4.

    Examples
    --------
    >>> from conflictstats.rates import compare_series
    >>> r = compare_series([70, 80, 66, 90, 72, 79], [55, 61, 70, 52, 63, 58])
    >>> round(r.estimate, 2), round(r.dispersion, 1), r.method
    (1.27, 0.8, 'quasi-poisson')
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    model = check_choice(model, SERIES_MODELS, "model")
    conf = as_confidence(confidence)
    y1 = _series(counts1, "counts1")
    y2 = _series(counts2, "counts2")
    e1 = _series_exposure(exposure1, y1.size, "exposure1")
    e2 = _series_exposure(exposure2, y2.size, "exposure2")
    if y1.size + y2.size < 3:
        raise InputError(
            f"counts1 and counts2 hold {y1.size + y2.size} counts in all; at least 3 are "
            "needed to estimate a dispersion"
        )
    for name, y in (("counts1", y1), ("counts2", y2)):
        if y.sum() == 0:
            raise InputError(f"{name} has no events at all; the rate ratio is 0 or infinite")
    y = np.concatenate([y1, y2])
    X = np.column_stack([np.ones(y.size), np.r_[np.ones(y1.size), np.zeros(y2.size)]])
    offset = np.log(np.concatenate([e1, e2]))
    df = y.size - 2
    with warnings.catch_warnings():
        # a perfect fit (every count equal to its exposure's mean) is not a separation here:
        # both periods have events, checked above
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        pois = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(tol=1e-13, maxiter=200)
    dispersion = float(pois.pearson_chi2 / df) if df > 0 else float("nan")
    theta = None
    if model == "poisson":
        b, se = pois.params[1], pois.bse[1]
    elif model == "quasi-poisson":
        if df <= 0:
            raise InputError("quasi-poisson needs at least 3 counts in all")
        b, se = pois.params[1], pois.bse[1] * np.sqrt(dispersion)
    else:
        nb = sm.NegativeBinomial(y, X, offset=offset, loglike_method="nb2")
        start = np.r_[pois.params, 0.1]
        fit = nb.fit(start_params=start, disp=0, maxiter=500, method="bfgs")
        fit = nb.fit(start_params=fit.params, disp=0, maxiter=100, method="newton")
        alpha = float(fit.params[-1])
        if not np.isfinite(alpha) or alpha <= 0:
            raise InputError(
                "the negative binomial fit found no overdispersion (theta infinite); "
                "use model='poisson'"
            )
        glm = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=alpha), offset=offset).fit(
            tol=1e-13, maxiter=200
        )
        b, se = glm.params[1], glm.bse[1]
        theta = 1.0 / alpha
    a = 1 - conf
    if model == "quasi-poisson":
        q = stats.t.ppf(1 - a / 2, df)
        p = 2 * stats.t.sf(abs(b / se), df)
    else:
        q = special.ndtri(1 - a / 2)
        p = 2 * special.ndtr(-abs(b / se))
    return RateComparison(
        estimate=float(np.exp(b)),
        ci_low=float(np.exp(b - q * se)),
        ci_high=float(np.exp(b + q * se)),
        pvalue=float(p),
        confidence=conf,
        method=model,
        quantity="rate ratio",
        count1=float(y1.sum()),
        exposure1=float(e1.sum()),
        count2=float(y2.sum()),
        exposure2=float(e2.sum()),
        compare="ratio",
        alternative="two-sided",
        null=1.0,
        dispersion=dispersion,
        theta=theta,
    )


# ---------------------------------------------------------------------------------------
# headline claims: sensitivity to overdispersion
# ---------------------------------------------------------------------------------------
_CLAIM_METHODS = ("score", "wald")


def claim_check(
    rate1,
    periods1,
    rate2,
    periods2,
    *,
    dispersion=(1, 2, 5, 10, 20),
    method="score",
    alternative="two-sided",
    confidence=0.95,
) -> ClaimCheck:
    """How robust is "rate1 versus rate2" to overdispersion of the underlying counts?

    When only headline rates are reported ("75 a month this year versus 60"), the counts
    behind them are ``rate * periods``; if monthly counts vary more than Poisson (variance
    ``dispersion`` times the mean), the comparison is weaker than a Poisson test says. This
    evaluates the quasi-likelihood comparison at each dispersion of a grid.

    Parameters
    ----------
    rate1, rate2 : float
        Reported rates per period (e.g. per month), non-negative; not both 0.
    periods1, periods2 : float
        Number of periods (months) each rate covers, positive.
    dispersion : float or sequence of float, default (1, 2, 5, 10, 20)
        Dispersion values (variance / mean of a count) to evaluate, positive. Add any
        reference value (say, the dispersion observed in event data) to the grid to see
        the claim at that value.
    method : {"score", "wald"}
        ``"score"``: score test and Wilson-type interval on the conditional binomial with
        the variance multiplied by the dispersion; ``"wald"``: log-ratio Wald with
        ``se = sqrt(dispersion (1/x1 + 1/x2))``.
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: the claim is that rate1 is larger than rate2.
    confidence : float, default 0.95
        Confidence level; the test's level is ``1 - confidence``.

    Returns
    -------
    ClaimCheck
        One element per dispersion: ``estimate`` (the rate ratio, the same for all),
        ``ci_low``, ``ci_high``, ``pvalue``, ``dispersion``; ``to_frame()`` is the tidy
        table. ``critical_dispersion``: the dispersion at which the p-value is exactly
        ``1 - confidence`` (significant below it, not from it on); below 1 when the
        difference is not significant even for Poisson counts, and 0 for a one-sided
        alternative when the rates differ the other way. ``smallest_nonsignificant``: the
        smallest grid value at which it is not significant (``None`` if significant at all).

    Raises
    ------
    InputError
        Negative or non-finite rates, non-positive periods or dispersions, non-scalar
        rates or periods, unknown method or alternative.

    Notes
    -----
    With dispersion ``phi`` both statistics are the Poisson ones divided by ``sqrt(phi)``
    (quasi-likelihood: McCullagh & Nelder 1989), so ``z(phi) = z(1) / sqrt(phi)`` and the
    critical dispersion is ``(z(1) / z_crit)^2``. Counts ``rate * periods`` need not be
    whole numbers here.

    References
    ----------
    McCullagh, P., Nelder, J. A. (1989). Generalized Linear Models, 2nd ed. Chapman & Hall.
    Gu, K., Ng, H. K. T., Tang, M. L., Schucany, W. R. (2008). Testing the ratio of two
    Poisson rates. Biometrical Journal 50, 283-298.

    Examples
    --------
    >>> from conflictstats.rates import claim_check
    >>> cc = claim_check(75, 12, 60, 12)
    >>> cc.pvalue.round(3).tolist()
    [0.0, 0.002, 0.046, 0.157, 0.317]
    >>> round(cc.critical_dispersion, 1), cc.smallest_nonsignificant
    (5.2, 10.0)
    """
    method = check_method(method, _CLAIM_METHODS)
    alternative = check_choice(alternative, ALTERNATIVES, "alternative")
    conf = as_confidence(confidence)
    values = {}
    for name, val in (
        ("rate1", rate1),
        ("periods1", periods1),
        ("rate2", rate2),
        ("periods2", periods2),
    ):
        if np.ndim(val) != 0:
            raise InputError(f"{name} must be a single number, got {val!r}")
        values[name] = val
    r1 = float(as_finite(rate1, "rate1"))
    r2 = float(as_finite(rate2, "rate2"))
    for name, r in (("rate1", r1), ("rate2", r2)):
        if r < 0:
            raise InputError(f"{name} must be non-negative, got {r!r}")
    n1 = float(as_exposure(periods1, "periods1"))
    n2 = float(as_exposure(periods2, "periods2"))
    phi = np.atleast_1d(as_exposure(dispersion, "dispersion")).astype(float)
    if phi.ndim != 1:
        raise InputError(f"dispersion must be a number or a 1-d sequence, got shape {phi.shape}")
    x1, x2 = r1 * n1, r2 * n2
    if x1 + x2 == 0:
        raise InputError("rate1 and rate2 are both 0: nothing to compare")
    if method == "wald" and (x1 == 0 or x2 == 0):
        raise InputError("method='wald' needs both rates positive; use 'score'")
    a = 1 - conf
    X1, T1, X2, T2, R0 = (np.full(phi.shape, v) for v in (x1, n1, x2, n2, 1.0))
    fn = _ratio_score if method == "score" else _ratio_wald
    low, high, pval = fn(X1, T1, X2, T2, R0, alternative, a, dispersion=phi)
    # z at dispersion 1, signed in the direction of the alternative
    if method == "score":
        p0 = n1 / (n1 + n2)
        z1 = (x1 - (x1 + x2) * p0) / np.sqrt((x1 + x2) * p0 * (1 - p0))
    else:
        z1 = np.log(x1 / n1) - np.log(x2 / n2)
        z1 /= np.sqrt(1 / x1 + 1 / x2)
    if alternative == "two-sided":
        zc, zs = _z(conf, sided=False), abs(z1)
    else:
        zc, zs = _z(conf, sided=True), (z1 if alternative == "larger" else -z1)
    critical = float(max(zs, 0.0) ** 2 / zc**2)
    nonsig = phi[pval >= a]
    with np.errstate(divide="ignore"):
        est = (x1 / n1) / (x2 / n2)
    return ClaimCheck(
        estimate=np.full(phi.shape, est),
        ci_low=low,
        ci_high=high,
        pvalue=pval,
        confidence=conf,
        method=method,
        quantity="rate ratio",
        count1=x1,
        exposure1=n1,
        count2=x2,
        exposure2=n2,
        compare="ratio",
        alternative=alternative,
        null=1.0,
        dispersion=phi,
        critical_dispersion=critical,
        smallest_nonsignificant=float(nonsig.min()) if nonsig.size else None,
    )


# ---------------------------------------------------------------------------------------
# power and periods needed
# ---------------------------------------------------------------------------------------
def _power_args(rate1, ratio, dispersion, confidence, alternative):
    alternative = check_choice(alternative, ALTERNATIVES, "alternative")
    conf = as_confidence(confidence)
    r1 = as_exposure(rate1, "rate1")
    rr = as_exposure(ratio, "ratio")
    phi = as_exposure(dispersion, "dispersion")
    return r1, rr, phi, conf, alternative


def _power(n, r1, rr, phi, conf, alternative):
    sigma = np.sqrt(phi / n * (1 / r1 + 1 / (r1 * rr)))
    delta = np.log(rr) / sigma
    if alternative == "two-sided":
        z = _z(conf, sided=False)
        return special.ndtr(delta - z) + special.ndtr(-delta - z)
    z = _z(conf, sided=True)
    return special.ndtr((delta if alternative == "larger" else -delta) - z)


def power_compare_rates(
    rate1, ratio, periods, *, dispersion=1.0, confidence=0.95, alternative="two-sided"
):
    """Power of the rate comparison when a rate ``rate1`` changes by a factor ``ratio``.

    Parameters
    ----------
    rate1 : array_like
        Baseline rate per period (e.g. attacks per month), positive.
    ratio : array_like
        The change to detect: the other period's rate is ``rate1 * ratio`` (1.25: a 25% rise).
    periods : array_like
        Number of periods (months) observed in each of the two groups, positive.
    dispersion : array_like, default 1.0
        Variance / mean of a count per period (1: Poisson).
    confidence : float, default 0.95
        The test's level is ``1 - confidence``.
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: a one-sided test for a rise (``ratio > 1``).

    Returns
    -------
    numpy.ndarray or float
        Power, in the broadcast shape of the inputs.

    Raises
    ------
    InputError
        Non-positive rate, ratio, periods or dispersion; unknown alternative.

    Notes
    -----
    Normal approximation to the log rate ratio test: ``log(ratio)`` over
    ``sigma = sqrt(dispersion / periods * (1 / rate1 + 1 / (rate1 ratio)))``; the two-sided
    power counts both rejection tails. This is statsmodels'
    ``power_poisson_ratio_2indep(..., method_var="alt")`` (Zhu & Lakkis 2014, variance
    under the alternative).

    References
    ----------
    Zhu, H., Lakkis, H. (2014). Sample size calculation for comparing two negative binomial
    rates. Statistics in Medicine 33, 376-387.

    Examples
    --------
    >>> from conflictstats.rates import power_compare_rates
    >>> float(round(power_compare_rates(60, 1.25, 12), 3))
    0.994
    >>> power_compare_rates(60, 1.25, 12, dispersion=[5, 10]).round(2).tolist()
    [0.51, 0.29]
    """
    r1, rr, phi, conf, alternative = _power_args(rate1, ratio, dispersion, confidence, alternative)
    n = as_exposure(periods, "periods")
    out = _power(n, r1, rr, phi, conf, alternative)
    return out if np.ndim(out) else float(out)


def periods_needed(
    rate1, ratio, *, power=0.8, dispersion=1.0, confidence=0.95, alternative="two-sided"
):
    """Number of periods (months) per group needed to detect a change of ``ratio``.

    Parameters
    ----------
    rate1, ratio, dispersion, confidence, alternative
        As in :func:`power_compare_rates`.
    power : float, default 0.8
        Target power, in (1 - confidence, 1).

    Returns
    -------
    numpy.ndarray or float
        Periods per group (not rounded: take ``numpy.ceil`` for whole months); ``inf`` where
        ``ratio == 1`` (no change cannot be detected), or where the change is in the
        direction a one-sided test ignores.

    Raises
    ------
    InputError
        As :func:`power_compare_rates`, or a target power outside (1 - confidence, 1).

    Notes
    -----
    One-sided: ``n = dispersion (z_a + z_b)^2 (1/rate1 + 1/(rate1 ratio)) / log(ratio)^2``.
    Two-sided: the power equation including both tails is solved numerically (bracketed by
    the one-sided formula at level a/2).

    References
    ----------
    Zhu, H., Lakkis, H. (2014). Statistics in Medicine 33, 376-387.

    Examples
    --------
    >>> from conflictstats.rates import periods_needed
    >>> float(round(periods_needed(60, 1.25), 1))
    4.7
    >>> periods_needed(60, 1.25, dispersion=[1, 5, 10]).round(1).tolist()
    [4.7, 23.6, 47.3]
    """
    r1, rr, phi, conf, alternative = _power_args(rate1, ratio, dispersion, confidence, alternative)
    target = float(as_finite(power, "power"))
    if not (1 - conf < target < 1):
        raise InputError(f"power must lie in ({1 - conf:g}, 1), got {power!r}")
    r1, rr, phi = np.broadcast_arrays(r1, rr, phi)
    shape = r1.shape
    r1, rr, phi = (np.ravel(v).astype(float) for v in (r1, rr, phi))
    lr = np.log(rr)
    zb = special.ndtri(target)
    v1 = phi * (1 / r1 + 1 / (r1 * rr))
    with np.errstate(divide="ignore"):
        if alternative == "two-sided":
            upper = v1 * (_z(conf, sided=False) + zb) ** 2 / lr**2
            out = np.full(r1.shape, np.inf)
            ok = lr != 0
            if ok.any():

                def f(n, r1, rr, phi):
                    return _power(n, r1, rr, phi, conf, alternative) - target

                lo = upper[ok] * 1e-6
                out[ok] = _solve(f, lo, upper[ok] * (1 + 1e-9), (r1[ok], rr[ok], phi[ok]))
        else:
            sign = 1.0 if alternative == "larger" else -1.0
            n = v1 * (_z(conf, sided=True) + zb) ** 2 / lr**2
            out = np.where(sign * lr > 0, n, np.inf)
    out = out.reshape(shape)
    return out if shape else float(out)
