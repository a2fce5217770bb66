"""Shares, casualty (exchange) ratios, two-proportion comparisons and compositions.

Every function is vectorised: counts broadcast against each other (compositions along the last
axis), and one call returns one result of the shared family (:mod:`conflictstats.results`)
holding every answer. Intervals that have no closed form are found by a vectorised bisection
on a monotone score or tail probability, so an array of ten thousand tables costs about as much
as one.

* :func:`proportion_ci` — one binomial proportion (Wilson, Clopper–Pearson, Jeffreys, …);
* :func:`count_ratio` — the ratio of two counts over the same period (an exchange ratio), via
  the binomial distribution of one count given their sum;
* :func:`compare_proportions` — difference, ratio or odds ratio of two proportions;
* :func:`multinomial_ci` — simultaneous intervals for a composition (Sison–Glaz, Goodman, …);
* :func:`homogeneity` — do several reports share one split?
* :func:`subgroup_count` — "about half of 308": a vague share of a count as an interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from scipy import special, stats

from ._validation import (
    InputError,
    as_confidence,
    as_counts,
    as_finite,
    as_rng,
    check_choice,
    check_method,
)
from .results import Estimate, HypothesisTest, aux_field

__all__ = [
    "ProportionEstimate",
    "CountRatio",
    "ProportionComparison",
    "MultinomialEstimate",
    "DirichletEstimate",
    "HomogeneityTest",
    "SubgroupCount",
    "proportion_ci",
    "count_ratio",
    "compare_proportions",
    "multinomial_ci",
    "homogeneity",
    "subgroup_count",
    "PROPORTION_METHODS",
    "COUNT_RATIO_METHODS",
    "COMPARE_METHODS",
    "MULTINOMIAL_METHODS",
]

PROPORTION_METHODS = (
    "wilson",
    "wilson-cc",
    "clopper-pearson",
    "jeffreys",
    "agresti-coull",
    "wald",
    "mid-p",
    "wald-cc",
    "likelihood",
)
COUNT_RATIO_METHODS = ("exact", "mid-p", "wilson", "wald-log")
COMPARE_METHODS = {
    "difference": (
        "newcombe",
        "miettinen-nurminen",
        "agresti-caffo",
        "wald",
        "newcombe-cc",
        "mee",
        "wald-cc",
    ),
    "ratio": ("koopman", "miettinen-nurminen", "katz-log"),
    "odds-ratio": ("exact-cond", "woolf", "miettinen-nurminen"),
}
_DEFAULT_COMPARE = {"difference": "newcombe", "ratio": "koopman", "odds-ratio": "exact-cond"}
MULTINOMIAL_METHODS = ("sison-glaz", "goodman", "quesenberry-hurst", "dirichlet")

_REL_ERR = 1 + 1e-7  # R's tolerance for "as or less probable" in exact two-sided p-values


# ---------------------------------------------------------------------------------------------
# result classes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class ProportionEstimate(Estimate):
    """A binomial proportion with its interval; adds ``successes`` and ``trials``."""

    successes: Any = None
    trials: Any = None


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class CountRatio(Estimate):
    """Ratio of two counts over one period (``count1 / count2``), tested against ``null``."""

    count1: Any = None
    count2: Any = None
    null: Any = None


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class ProportionComparison(Estimate):
    """Difference, ratio or odds ratio of two proportions ``x1/n1`` and ``x2/n2``."""

    x1: Any = None
    n1: Any = None
    x2: Any = None
    n2: Any = None
    null: Any = None
    compare: str = "difference"


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class MultinomialEstimate(Estimate):
    """Shares of a composition (last axis = parts) with simultaneous intervals.

    ``categories`` names the parts (last axis) and ``reports`` the rows of a 2-D result;
    ``simultaneous`` says whether the intervals hold jointly over the parts of a row.
    """

    counts: Any = None
    categories: Any = aux_field()
    reports: Any = aux_field()
    simultaneous: bool = aux_field(True)


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class DirichletEstimate(MultinomialEstimate):
    """Posterior means and equal-tailed credible intervals of the shares under a Dirichlet
    prior with every parameter equal to ``prior``."""

    prior: float = aux_field(0.5)

    interval_label: ClassVar[str] = "credible interval"


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class HomogeneityTest(HypothesisTest):
    """Test that several reports share one split, with each report's shares.

    ``statistic`` is Pearson's chi-square and ``pvalue`` the p-value of ``method`` (exact,
    Monte Carlo or chi-square); ``chisq_pvalue`` is always the chi-square p-value. ``shares``
    is a :class:`MultinomialEstimate` with one row per report; ``table`` the counts.
    """

    chisq_pvalue: Any = None
    table: Any = aux_field()
    shares: Any = aux_field()
    n_sim: Any = aux_field()


@dataclass(frozen=True, repr=False, eq=False, kw_only=True)
class SubgroupCount(Estimate):
    """A subgroup count implied by a (possibly vague) share of a total count."""

    total: Any = None
    share_low: Any = None
    share_high: Any = None

    interval_label: ClassVar[str] = "interval"


# ---------------------------------------------------------------------------------------------
# shared numerical helpers
# ---------------------------------------------------------------------------------------------
def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _bisect(fun, lo, hi, iters: int = 100) -> np.ndarray:
    """Vectorised bisection for the sign change of ``fun`` between ``lo`` and ``hi``.

    ``fun(lo)`` and ``fun(hi)`` must differ in sign element-wise; ``fun`` must be monotone on
    the bracket. Returns the midpoint of the final bracket.
    """
    lo, hi = np.broadcast_arrays(np.asarray(lo, float), np.asarray(hi, float))
    lo, hi = lo.copy(), hi.copy()
    sign_lo = np.sign(fun(lo))
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        same = np.sign(fun(mid)) == sign_lo
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
    return 0.5 * (lo + hi)


def _int_search(pred, lo, hi) -> np.ndarray:
    """Smallest integer ``c`` in ``(lo, hi]`` with ``pred(c)`` true (``pred`` monotone).

    ``pred(hi)`` must be true and ``pred(lo)`` false (``lo`` is never evaluated).
    """
    lo = np.asarray(lo, float).copy()
    hi = np.asarray(hi, float).copy()
    active = hi - lo > 1
    while active.any():
        idx = np.flatnonzero(active)
        mid = np.floor(0.5 * (lo[idx] + hi[idx]))
        ok = pred(mid, idx)
        hi[idx] = np.where(ok, mid, hi[idx])
        lo[idx] = np.where(ok, lo[idx], mid)
        active = hi - lo > 1
    return hi


def _binom_pvalue(x, n, p0) -> np.ndarray:
    """Two-sided exact binomial p-value, summing outcomes no more probable than ``x``.

    Vectorised form of the rule in R's ``binom.test``: the outcomes on the other side of the
    mean form a tail whose boundary is found by integer bisection (the pmf is monotone there).
    """
    x, n, p0 = np.broadcast_arrays(*(np.asarray(a, float) for a in (x, n, p0)))
    shape = x.shape
    x, n, p0 = x.ravel(), n.ravel(), p0.ravel()
    m = n * p0
    d = stats.binom.pmf(x, n, p0) * _REL_ERR
    out = np.ones_like(x)
    below = x < m
    above = x > m
    if below.any():
        i = np.flatnonzero(below)
        start = np.ceil(m[i])
        # first j >= ceil(m) whose pmf <= d (pmf non-increasing above the mean)
        j = _int_search(
            lambda c, k: stats.binom.pmf(c, n[i][k], p0[i][k]) <= d[i][k],
            start - 1,
            n[i] + 1,
        )
        out[i] = stats.binom.cdf(x[i], n[i], p0[i]) + stats.binom.sf(j - 1, n[i], p0[i])
    if above.any():
        i = np.flatnonzero(above)
        # last j <= floor(m) whose pmf <= d: search the first j whose pmf > d
        j = _int_search(
            lambda c, k: stats.binom.pmf(c, n[i][k], p0[i][k]) > d[i][k],
            -1.0 * np.ones(i.size),
            np.floor(m[i]) + 1,
        )
        out[i] = stats.binom.cdf(j - 1, n[i], p0[i]) + stats.binom.sf(x[i] - 1, n[i], p0[i])
    return np.minimum(out, 1.0).reshape(shape)


def _norm_p(z) -> np.ndarray:
    return 2 * stats.norm.sf(np.abs(z))


def _out(a: np.ndarray) -> Any:
    a = np.asarray(a, float)
    return a.item() if a.ndim == 0 else a


def _check_le(x: np.ndarray, n: np.ndarray, xname: str, nname: str) -> None:
    bad = x > n
    if bad.any():
        i = tuple(np.argwhere(bad)[0])
        raise InputError(
            f"{xname} must not exceed {nname}, got {xname}={x[i]:g} > {nname}={n[i]:g}"
            + (f" at index {tuple(int(k) for k in i)}" if x.ndim else "")
        )


# ---------------------------------------------------------------------------------------------
# one proportion
# ---------------------------------------------------------------------------------------------
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
    """Wilson score interval with continuity correction (Newcombe 1998, Stat Med 17:857, eq. 4)."""
    p, q = x / n, 1 - x / n
    denom = 2 * (n + z * z)
    with np.errstate(invalid="ignore"):
        lo = (2 * n * p + z * z - 1 - z * np.sqrt(z * z - 2 - 1 / n + 4 * p * (n * q + 1))) / denom
        hi = (2 * n * p + z * z + 1 + z * np.sqrt(z * z + 2 - 1 / n + 4 * p * (n * q - 1))) / denom
    lo = np.where(x == 0, 0.0, np.clip(lo, 0, 1))
    hi = np.where(x == n, 1.0, np.clip(hi, 0, 1))
    return lo, hi


def _p_clopper_pearson(x, n, z, alpha):
    """Clopper & Pearson (1934, Biometrika 26:404) exact interval from beta quantiles."""
    lo = np.where(x == 0, 0.0, stats.beta.ppf(alpha / 2, np.maximum(x, 1), n - x + 1))
    hi = np.where(x == n, 1.0, stats.beta.ppf(1 - alpha / 2, x + 1, np.maximum(n - x, 1)))
    return lo, hi


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
    """Mid-p exact interval (Lancaster 1961; Newcombe 1998 method 6), by bisection."""

    def upper_tail(p):  # P(X > x) + P(X = x)/2, increasing in p
        return stats.binom.sf(x, n, p) + 0.5 * stats.binom.pmf(x, n, p) - alpha / 2

    def lower_tail(p):  # P(X < x) + P(X = x)/2, decreasing in p
        return stats.binom.cdf(x - 1, n, p) + 0.5 * stats.binom.pmf(x, n, p) - alpha / 2

    lo = np.where(x == 0, 0.0, _bisect(upper_tail, np.zeros_like(x), np.ones_like(x), 60))
    hi = np.where(x == n, 1.0, _bisect(lower_tail, np.zeros_like(x), np.ones_like(x), 60))
    return lo, hi


def _p_wald_cc(x, n, z):
    """Wald interval widened by 1/(2n) (Newcombe 1998 method 2), clipped to [0, 1]."""
    p = x / n
    h = z * np.sqrt(p * (1 - p) / n) + 1 / (2 * n)
    return np.clip(p - h, 0, 1), np.clip(p + h, 0, 1)


def _p_likelihood(x, n, z):
    """Likelihood-ratio interval {p : 2[l(x/n) - l(p)] <= z²} (Newcombe 1998 method 7)."""
    phat = x / n

    def loglik(p):
        return special.xlogy(x, p) + special.xlog1py(n - x, -p)

    top = loglik(phat)

    def excess(p):  # positive outside the interval
        return 2 * (top - loglik(p)) - z * z

    lo = np.where(x == 0, 0.0, _bisect(excess, np.zeros_like(phat), phat, 60))
    hi = np.where(x == n, 1.0, _bisect(excess, phat, np.ones_like(phat), 60))
    return lo, hi


_PROPORTION_FUNS = {
    "wilson": (_p_wilson, False),
    "wilson-cc": (_p_wilson_cc, False),
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
    z = _z(confidence)
    if needs_alpha:
        return fun(x, n, z, 1 - confidence)
    return fun(x, n, z)


def proportion_ci(
    successes: Any,
    trials: Any,
    *,
    method: str = "wilson",
    confidence: float = 0.95,
) -> ProportionEstimate:
    """Confidence interval for a binomial proportion ``successes / trials``.

    Parameters
    ----------
    successes, trials : int or array_like of int
        Counts; they broadcast. ``trials`` must be positive and at least ``successes``.
    method : {"wilson", "wilson-cc", "clopper-pearson", "jeffreys", "agresti-coull", "wald",
        "mid-p", "wald-cc", "likelihood"}
        Interval method (see Notes).
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    ProportionEstimate
        ``estimate`` is ``successes / trials``; ``ci_low``/``ci_high`` the interval.

    Raises
    ------
    InputError
        For negative, fractional or non-finite counts, zero trials, successes above trials or
        an unknown method.

    Notes
    -----
    "wilson" inverts the score test; "wilson-cc" adds a continuity correction; "clopper-pearson"
    inverts the two one-sided exact binomial tests (beta quantiles); "mid-p" does the same
    counting half the probability of the observed value; "jeffreys" takes the equal-tailed
    Beta(x + 1/2, n - x + 1/2) posterior interval; "agresti-coull" is the Wald interval after
    adding z²/2 successes and failures; "wald" is p ± z√(p(1 - p)/n) and "wald-cc" widens it
    by 1/(2n); "likelihood" inverts the likelihood-ratio test. These are Newcombe's (1998)
    seven methods plus Jeffreys and Agresti–Coull. Limits are clipped to
    [0, 1]; an exact-type limit is 0 when x = 0 and 1 when x = n.

    References
    ----------
    Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
    comparison of seven methods. Statistics in Medicine 17, 857-872.
    Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a binomial
    proportion. Statistical Science 16, 101-133.

    Examples
    --------
    >>> from conflictstats.proportions import proportion_ci
    >>> r = proportion_ci(308, 1616)        # civilians among all deaths since September
    >>> round(r.estimate, 3), round(r.ci_low, 3), round(r.ci_high, 3)
    (0.191, 0.172, 0.21)
    >>> proportion_ci([0, 5], 20, method="clopper-pearson").ci_high.round(3)
    array([0.168, 0.491])
    """
    method = check_method(method, PROPORTION_METHODS)
    confidence = as_confidence(confidence)
    x = as_counts(successes, "successes")
    n = as_counts(trials, "trials", allow_zero=False)
    x, n = np.broadcast_arrays(x, n)
    _check_le(x, n, "successes", "trials")
    lo, hi = _proportion_limits(x, n, method, confidence)
    return ProportionEstimate(
        estimate=_out(x / n),
        ci_low=_out(lo),
        ci_high=_out(hi),
        confidence=confidence,
        method=method,
        quantity="proportion",
        successes=_out(x),
        trials=_out(n),
    )


# ---------------------------------------------------------------------------------------------
# ratio of two counts
# ---------------------------------------------------------------------------------------------
def count_ratio(
    count1: Any,
    count2: Any,
    *,
    method: str = "exact",
    null: Any = 1.0,
    confidence: float = 0.95,
) -> CountRatio:
    """Ratio of two counts observed over the same period, such as an exchange ratio.

    Given their sum ``N = count1 + count2``, ``count1`` is binomial with probability
    ``π = R / (1 + R)``, where ``R`` is the ratio of the two underlying rates. An interval for
    π maps to one for ``R = π / (1 - π)``; a test of ``R = null`` is a test of
    ``π = null / (1 + null)``.

    Parameters
    ----------
    count1, count2 : int or array_like of int
        The two counts (numerator, denominator); they broadcast. Their sum must be positive.
    method : {"exact", "mid-p", "wilson", "wald-log"}
        "exact": Clopper–Pearson interval and the exact binomial test (as R's ``binom.test``);
        "mid-p": mid-p interval and doubled one-sided mid-p value; "wilson": score interval
        and score test (as R's ``prop.test(correct=FALSE)``); "wald-log": log R ± z√(1/a+1/b)
        with a Wald test (0.5 is added to both counts when either is zero).
    null : float or array_like
        Ratio under the null hypothesis, default 1 (equal rates).
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    CountRatio
        ``estimate`` = count1 / count2 (``inf`` when count2 = 0), interval and p-value.

    Raises
    ------
    InputError
        For bad counts, both counts zero, a non-positive ``null`` or an unknown method.

    Notes
    -----
    The conditional argument needs only that both counts are Poisson (or that each death is
    independently of one side or the other); it does not need the exposure time.

    References
    ----------
    Cox, D. R. (1953). Some simple approximate tests for Poisson variates. Biometrika 40, 354.
    Ederer, F. and Mantel, N. (1974). Confidence limits on the ratio of two Poisson variables.
    American Journal of Epidemiology 100, 165-167.

    Examples
    --------
    >>> from conflictstats.proportions import count_ratio
    >>> r = count_ratio(827, 481)         # ISIS : SDF fighters killed since September
    >>> round(r.estimate, 2), round(r.ci_low, 2), round(r.ci_high, 2), r.pvalue < 1e-6
    (1.72, 1.53, 1.93, True)
    """
    method = check_method(method, COUNT_RATIO_METHODS)
    confidence = as_confidence(confidence)
    a = as_counts(count1, "count1")
    b = as_counts(count2, "count2")
    r0 = as_finite(null, "null")
    if (r0 <= 0).any():
        raise InputError(f"null must be a positive ratio, got {r0[r0 <= 0].flat[0]!r}")
    a, b, r0 = np.broadcast_arrays(a, b, r0)
    if ((a + b) == 0).any():
        i = tuple(int(k) for k in np.argwhere((a + b) == 0)[0])
        raise InputError(
            "count1 + count2 must be positive (no ratio from two zero counts)"
            + (f"; both are 0 at index {i}" if a.ndim else ", got 0 and 0")
        )
    n = a + b
    p0 = r0 / (1 + r0)
    with np.errstate(divide="ignore"):
        est = np.where(b == 0, np.inf, a / np.where(b == 0, 1, b))
    z = _z(confidence)
    if method == "wald-log":
        zero = (a == 0) | (b == 0)
        aa, bb = a + 0.5 * zero, b + 0.5 * zero
        se = np.sqrt(1 / aa + 1 / bb)
        log_r = np.log(aa / bb)
        lo, hi = np.exp(log_r - z * se), np.exp(log_r + z * se)
        pvalue = _norm_p((log_r - np.log(r0)) / se)
    else:
        pmeth = {"exact": "clopper-pearson", "mid-p": "mid-p", "wilson": "wilson"}[method]
        plo, phi = _proportion_limits(a, n, pmeth, confidence)
        with np.errstate(divide="ignore"):
            lo = plo / (1 - plo)
            hi = np.where(phi >= 1, np.inf, phi / np.where(phi >= 1, 0.5, 1 - phi))
        if method == "exact":
            pvalue = _binom_pvalue(a, n, p0)
        elif method == "mid-p":
            half = 0.5 * stats.binom.pmf(a, n, p0)
            lower = stats.binom.cdf(a - 1, n, p0) + half
            upper = stats.binom.sf(a, n, p0) + half
            pvalue = np.minimum(1.0, 2 * np.minimum(lower, upper))
        else:
            pvalue = _norm_p((a - n * p0) / np.sqrt(n * p0 * (1 - p0)))
    return CountRatio(
        estimate=_out(est),
        ci_low=_out(lo),
        ci_high=_out(hi),
        confidence=confidence,
        method=method,
        quantity="count ratio",
        pvalue=_out(pvalue),
        count1=_out(a),
        count2=_out(b),
        null=_out(r0),
    )


# ---------------------------------------------------------------------------------------------
# two proportions
# ---------------------------------------------------------------------------------------------
def _mn_diff_restricted(p1, p2, n1, n2, delta):
    """Restricted MLEs (p1~, p2~) under p1 - p2 = delta (Miettinen & Nurminen 1985, appendix;
    closed-form cubic root as in Farrington & Manning 1990, Stat Med 9:1447)."""
    theta = n2 / n1
    a = 1 + theta
    b = -(1 + theta + p1 + theta * p2 + delta * (theta + 2))
    c = delta * delta + delta * (2 * p1 + theta + 1) + p1 + theta * p2
    d = -p1 * delta * (1 + delta)
    v = b**3 / (27 * a**3) - b * c / (6 * a * a) + d / (2 * a)
    u = np.sign(v) * np.sqrt(np.maximum(b * b / (9 * a * a) - c / (3 * a), 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(u == 0, 0.0, v / u**3)
    w = (np.pi + np.arccos(np.clip(ratio, -1, 1))) / 3
    pt1 = np.clip(2 * u * np.cos(w) - b / (3 * a), 0, 1)
    pt2 = np.clip(pt1 - delta, 0, 1)
    return pt1, pt2


def _score_diff(x1, n1, x2, n2, delta, factor):
    p1, p2 = x1 / n1, x2 / n2
    pt1, pt2 = _mn_diff_restricted(p1, p2, n1, n2, delta)
    var = (pt1 * (1 - pt1) / n1 + pt2 * (1 - pt2) / n2) * factor
    with np.errstate(divide="ignore", invalid="ignore"):
        zz = (p1 - p2 - delta) / np.sqrt(var)
    return np.where(var > 0, zz, _signed_inf(p1 - p2 - delta))


def _ratio_restricted(x1, n1, x2, n2, phi):
    a = (n1 + n2) * phi
    b = -(n1 * phi + x1 + n2 + x2 * phi)
    c = x1 + x2
    # the smaller root, written 2c / (-b + √D) to avoid cancellation (b < 0 here)
    with np.errstate(divide="ignore", invalid="ignore"):
        pt2 = 2 * c / (-b + np.sqrt(np.maximum(b * b - 4 * a * c, 0)))
    pt2 = np.where(c == 0, 0.0, pt2)
    pt1 = np.clip(phi * pt2, 0, 1)
    return pt1, np.clip(pt2, 0, 1)


def _score_ratio(x1, n1, x2, n2, phi, factor):
    p1, p2 = x1 / n1, x2 / n2
    pt1, pt2 = _ratio_restricted(x1, n1, x2, n2, phi)
    var = (pt1 * (1 - pt1) / n1 + phi * phi * pt2 * (1 - pt2) / n2) * factor
    num = p1 - phi * p2
    with np.errstate(divide="ignore", invalid="ignore"):
        zz = num / np.sqrt(var)
    return np.where(var > 0, zz, _signed_inf(num))


def _signed_inf(v):
    return np.where(v > 0, np.inf, np.where(v < 0, -np.inf, 0.0))


def _or_restricted(x1, n1, x2, n2, psi):
    m = x1 + x2
    a = n2 * (psi - 1)
    b = n1 * psi + n2 - m * (psi - 1)
    c = -m
    # the root (-b + √D) / 2a, computed without cancellation (Numerical Recipes §5.6)
    q = -0.5 * (b + np.where(b >= 0, 1.0, -1.0) * np.sqrt(np.maximum(b * b - 4 * a * c, 0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.where(b >= 0, c / q, q / a)
    pt2 = np.clip(np.where(np.isfinite(root), root, 0.0), 0, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        pt1 = pt2 * psi / ((1 - pt2) + pt2 * psi)
    # 1 - pt2 cancels when pt2 is within rounding of 1: use n1 p1~ + n2 p2~ = x1 + x2 there
    pt1 = np.where(1 - pt2 < 1e-6, (m - n2 * pt2) / n1, pt1)
    return np.clip(np.nan_to_num(pt1), 0, 1), pt2


def _score_or(x1, n1, x2, n2, psi, factor):
    pt1, pt2 = _or_restricted(x1, n1, x2, n2, psi)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1 / (n1 * pt1 * (1 - pt1)) + 1 / (n2 * pt2 * (1 - pt2))
        zz = (x1 - n1 * pt1) * np.sqrt(inv / factor)
    return np.where(np.isfinite(zz), zz, _signed_inf(x1 - n1 * pt1))


def _invert_score(score, est_t, lo_t, hi_t, z, to_param):
    """Invert a decreasing score statistic on a transformed scale: limits where score = ±z."""
    lo = _bisect(lambda t: score(to_param(t)) - z, lo_t, est_t)
    hi = _bisect(lambda t: score(to_param(t)) + z, est_t, hi_t)
    return to_param(lo), to_param(hi)


def _d_newcombe(x1, n1, x2, n2, z, conf, null):
    """Newcombe (1998, Stat Med 17:873) method 10: hybrid of two Wilson score intervals."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = _p_wilson(x1, n1, z)
    l2, u2 = _p_wilson(x2, n2, z)
    d = p1 - p2
    lo = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, lo, hi, None


def _d_mn(x1, n1, x2, n2, z, conf, null):
    """Miettinen & Nurminen (1985, Stat Med 4:213) score interval for p1 - p2, with the
    variance inflated by N/(N - 1)."""
    factor = (n1 + n2) / (n1 + n2 - 1)
    d = x1 / n1 - x2 / n2

    def score(delta):
        return _score_diff(x1, n1, x2, n2, delta, factor)

    lo, hi = _invert_score(score, d, -np.ones_like(d), np.ones_like(d), z, lambda t: t)
    lo = np.where(d <= -1, -1.0, lo)
    hi = np.where(d >= 1, 1.0, hi)
    return d, lo, hi, _norm_p(score(null))


def _d_newcombe_cc(x1, n1, x2, n2, z, conf, null):
    """Newcombe (1998) method 11: the hybrid built on continuity-corrected Wilson intervals."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = _p_wilson_cc(x1, n1, z)
    l2, u2 = _p_wilson_cc(x2, n2, z)
    d = p1 - p2
    lo = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, lo, hi, None


def _d_mee(x1, n1, x2, n2, z, conf, null):
    """Mee (1984, Biometrics 40:1175) score interval: Miettinen-Nurminen without the
    N/(N - 1) factor (Newcombe 1998 method 5)."""
    d = x1 / n1 - x2 / n2

    def score(delta):
        return _score_diff(x1, n1, x2, n2, delta, 1.0)

    lo, hi = _invert_score(score, d, -np.ones_like(d), np.ones_like(d), z, lambda t: t)
    lo = np.where(d <= -1, -1.0, lo)
    hi = np.where(d >= 1, 1.0, hi)
    return d, lo, hi, _norm_p(score(null))


def _d_wald_cc(x1, n1, x2, n2, z, conf, null):
    """Wald interval widened by (1/n1 + 1/n2)/2 (Newcombe 1998 method 2), clipped to
    [-1, 1]; its interval matches R's ``prop.test(correct = TRUE)``."""
    p1, p2 = x1 / n1, x2 / n2
    se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    d = p1 - p2
    h = z * se + 0.5 * (1 / n1 + 1 / n2)
    return d, np.clip(d - h, -1, 1), np.clip(d + h, -1, 1), None


def _d_agresti_caffo(x1, n1, x2, n2, z, conf, null):
    """Agresti & Caffo (2000, Am Stat 54:280): Wald after adding one success and one failure
    to each group."""
    p1, p2 = (x1 + 1) / (n1 + 2), (x2 + 1) / (n2 + 2)
    se = np.sqrt(p1 * (1 - p1) / (n1 + 2) + p2 * (1 - p2) / (n2 + 2))
    d = x1 / n1 - x2 / n2
    dt = p1 - p2
    return d, np.clip(dt - z * se, -1, 1), np.clip(dt + z * se, -1, 1), None


def _d_wald(x1, n1, x2, n2, z, conf, null):
    """Simple asymptotic interval d ± z√(p1q1/n1 + p2q2/n2) (Newcombe 1998 method 1),
    clipped to [-1, 1], with the Wald test."""
    p1, p2 = x1 / n1, x2 / n2
    se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    d = p1 - p2
    with np.errstate(divide="ignore", invalid="ignore"):
        zz = np.where(se > 0, (d - null) / np.where(se > 0, se, 1), np.inf * np.sign(d - null))
    p = np.where((se == 0) & (d == null), 1.0, _norm_p(zz))
    return d, np.clip(d - z * se, -1, 1), np.clip(d + z * se, -1, 1), p


def _haldane(x1, n1, x2, n2):
    """Add 0.5 to every cell of tables with a zero cell (Haldane 1956; Anscombe 1956)."""
    zero = (x1 == 0) | (x2 == 0) | (x1 == n1) | (x2 == n2)
    h = 0.5 * zero
    return x1 + h, n1 + 2 * h, x2 + h, n2 + 2 * h


def _r_score(x1, n1, x2, n2, z, null, factor):
    p1, p2 = x1 / n1, x2 / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.where(x2 == 0, np.where(x1 == 0, np.nan, np.inf), p1 / np.where(x2 == 0, 1, p2))

    def score(phi):
        return _score_ratio(x1, n1, x2, n2, phi, factor)

    # bracket on the log scale; the estimate itself may be 0 or inf
    mid = np.log(np.clip(np.where(np.isfinite(est), est, 1e12), 1e-12, 1e12))
    lo, hi = _invert_score(score, mid, np.full_like(mid, -50.0), np.full_like(mid, 50.0), z, np.exp)
    lo = np.where(x1 == 0, 0.0, lo)
    hi = np.where(x2 == 0, np.inf, hi)
    if np.isnan(est).any():
        raise InputError("x1 and x2 are both 0: the ratio of two zero proportions is undefined")
    return est, lo, hi, _norm_p(score(null))


def _r_koopman(x1, n1, x2, n2, z, conf, null):
    """Koopman (1984, Biometrics 40:513) score interval for the ratio p1/p2."""
    return _r_score(x1, n1, x2, n2, z, null, 1.0)


def _r_mn(x1, n1, x2, n2, z, conf, null):
    """Miettinen & Nurminen (1985) score interval for p1/p2 (variance × N/(N - 1))."""
    return _r_score(x1, n1, x2, n2, z, null, (n1 + n2) / (n1 + n2 - 1))


def _r_katz(x1, n1, x2, n2, z, conf, null):
    """Katz et al. (1978, Biometrics 34:469) log interval; 0.5 added to each cell of a table
    with a zero cell."""
    if ((x1 == 0) & (x2 == 0)).any():
        raise InputError("x1 and x2 are both 0: the ratio of two zero proportions is undefined")
    a, m1, b, m2 = _haldane(x1, n1, x2, n2)
    log_r = np.log((a / m1) / (b / m2))
    se = np.sqrt(1 / a - 1 / m1 + 1 / b - 1 / m2)
    return (
        np.exp(log_r),
        np.exp(log_r - z * se),
        np.exp(log_r + z * se),
        _norm_p((log_r - np.log(null)) / se),
    )


def _o_woolf(x1, n1, x2, n2, z, conf, null):
    """Woolf (1955, Ann Hum Genet 19:251) logit interval; 0.5 added to each cell of a table
    with a zero cell."""
    a, m1, b, m2 = _haldane(x1, n1, x2, n2)
    log_or = np.log(a * (m2 - b) / ((m1 - a) * b))
    se = np.sqrt(1 / a + 1 / (m1 - a) + 1 / b + 1 / (m2 - b))
    return (
        np.exp(log_or),
        np.exp(log_or - z * se),
        np.exp(log_or + z * se),
        _norm_p((log_or - np.log(null)) / se),
    )


def _o_mn(x1, n1, x2, n2, z, conf, null):
    """Miettinen & Nurminen (1985) score interval for the odds ratio (variance × N/(N − 1))."""
    factor = (n1 + n2) / (n1 + n2 - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = x1 * (n2 - x2) / ((n1 - x1) * x2)
    est = np.where(x1 * (n2 - x2) == 0, 0.0, est)
    est = np.where((n1 - x1) * x2 == 0, np.inf, est)
    if (((x1 + x2) == 0) | ((x1 + x2) == n1 + n2)).any():
        raise InputError("the odds ratio is undefined when x1 + x2 is 0 or n1 + n2")

    def score(psi):
        return _score_or(x1, n1, x2, n2, psi, factor)

    mid = np.log(np.clip(est, 1e-12, 1e12))
    lo, hi = _invert_score(score, mid, np.full_like(mid, -50.0), np.full_like(mid, 50.0), z, np.exp)
    lo = np.where(est == 0, 0.0, lo)
    hi = np.where(np.isinf(est), np.inf, hi)
    return est, lo, hi, _norm_p(score(null))


def _o_exact(x1, n1, x2, n2, z, conf, null):
    """Conditional maximum-likelihood odds ratio, Cornfield's (1956) exact interval and
    Fisher's exact test, from the noncentral hypergeometric law of x1 given the margins (as
    R's ``fisher.test``)."""
    m = x1 + x2
    lo_s = np.maximum(0, m - n2)
    hi_s = np.minimum(n1, m)
    width = int(np.max(hi_s - lo_s)) + 1
    u = lo_s[..., None] + np.arange(width)
    valid = u <= hi_s[..., None]
    uu = np.where(valid, u, lo_s[..., None])
    logd = (
        special.gammaln(n1[..., None] + 1)
        - special.gammaln(uu + 1)
        - special.gammaln(n1[..., None] - uu + 1)
        + special.gammaln(n2[..., None] + 1)
        - special.gammaln(m[..., None] - uu + 1)
        - special.gammaln(n2[..., None] - m[..., None] + uu + 1)
    )
    logd = np.where(valid, logd, -np.inf)
    xs = x1[..., None]

    def dens(log_psi):
        lp = logd + np.asarray(log_psi)[..., None] * uu
        lp = lp - lp.max(axis=-1, keepdims=True)
        e = np.where(valid, np.exp(lp), 0.0)
        return e / e.sum(axis=-1, keepdims=True)

    def upper(log_psi):  # P(U >= x), increasing in psi
        return np.sum(np.where(uu >= xs, dens(log_psi), 0), axis=-1)

    def lower(log_psi):  # P(U <= x), decreasing in psi
        return np.sum(np.where(uu <= xs, dens(log_psi), 0), axis=-1)

    def mean(log_psi):
        return np.sum(dens(log_psi) * uu, axis=-1)

    alpha = 1 - conf
    big = np.full(x1.shape, 60.0)
    at_lo, at_hi = x1 == lo_s, x1 == hi_s
    est = np.exp(_bisect(lambda t: mean(t) - x1, -big, big))
    est = np.where(at_lo, 0.0, np.where(at_hi, np.inf, est))
    lo = np.exp(_bisect(lambda t: upper(t) - alpha / 2, -big, big))
    hi = np.exp(_bisect(lambda t: lower(t) - alpha / 2, -big, big))
    lo = np.where(at_lo, 0.0, lo)
    hi = np.where(at_hi, np.inf, hi)
    d = dens(np.log(null))
    d_obs = np.sum(np.where(uu == xs, d, 0), axis=-1)
    p = np.sum(np.where(d <= d_obs[..., None] * _REL_ERR, d, 0), axis=-1)
    return est, lo, hi, np.minimum(p, 1.0)


_COMPARE_FUNS = {
    ("difference", "newcombe"): _d_newcombe,
    ("difference", "miettinen-nurminen"): _d_mn,
    ("difference", "agresti-caffo"): _d_agresti_caffo,
    ("difference", "wald"): _d_wald,
    ("difference", "newcombe-cc"): _d_newcombe_cc,
    ("difference", "mee"): _d_mee,
    ("difference", "wald-cc"): _d_wald_cc,
    ("ratio", "koopman"): _r_koopman,
    ("ratio", "miettinen-nurminen"): _r_mn,
    ("ratio", "katz-log"): _r_katz,
    ("odds-ratio", "exact-cond"): _o_exact,
    ("odds-ratio", "woolf"): _o_woolf,
    ("odds-ratio", "miettinen-nurminen"): _o_mn,
}


def compare_proportions(
    x1: Any,
    n1: Any,
    x2: Any,
    n2: Any,
    *,
    compare: str = "difference",
    method: str | None = None,
    null: Any = None,
    confidence: float = 0.95,
) -> ProportionComparison:
    """Compare two independent proportions ``x1/n1`` and ``x2/n2``.

    Parameters
    ----------
    x1, n1, x2, n2 : int or array_like of int
        Successes and trials in each group; they broadcast.
    compare : {"difference", "ratio", "odds-ratio"}
        p1 - p2, p1 / p2, or [p1/(1 - p1)] / [p2/(1 - p2)].
    method : str, optional
        difference: "newcombe" (default), "miettinen-nurminen", "agresti-caffo", "wald",
        and Newcombe's (1998) methods 11, 5 and 2: "newcombe-cc", "mee", "wald-cc";
        ratio: "koopman" (default), "miettinen-nurminen", "katz-log";
        odds-ratio: "exact-cond" (default), "woolf", "miettinen-nurminen".
    null : float or array_like, optional
        Value under the null hypothesis (default 0 for a difference, 1 otherwise).
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    ProportionComparison
        Estimate, interval, and ``pvalue`` where the method defines a test: score tests for
        "miettinen-nurminen", "mee" and "koopman", Wald tests for "wald", "katz-log" and "woolf",
        the conditional exact test for "exact-cond" (Fisher's test when ``null`` is 1).
        "newcombe", "newcombe-cc", "agresti-caffo" and "wald-cc" are intervals only
        (``pvalue`` is None).

    Raises
    ------
    InputError
        For bad counts, successes above trials, an unknown ``compare`` or method, or a ratio
        or odds ratio that is undefined (both proportions 0).

    Notes
    -----
    Score intervals (Miettinen–Nurminen, Koopman) collect the values of the parameter that
    the score test, with the variance at the restricted maximum-likelihood estimates, does not
    reject; they are found by vectorised bisection. Newcombe's hybrid combines the Wilson
    intervals of the two proportions. "katz-log" and "woolf" add 0.5 to every cell of a
    table with a zero cell.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890.
    Miettinen, O. and Nurminen, M. (1985). Comparative analysis of two rates. Statistics in
    Medicine 4, 213-226.
    Koopman, P. A. R. (1984). Confidence intervals for the ratio of two binomial proportions.
    Biometrics 40, 513-517.
    Agresti, A. and Caffo, B. (2000). Simple and effective confidence intervals for
    proportions and differences of proportions. The American Statistician 54, 280-288.

    Examples
    --------
    >>> from conflictstats.proportions import compare_proportions
    >>> # civilian share of deaths: Nov 24 breakout (30 of 159) vs campaign (308 of 1616)
    >>> r = compare_proportions(30, 159, 308, 1616)
    >>> round(r.estimate, 3), round(r.ci_low, 3), round(r.ci_high, 3)
    (-0.002, -0.059, 0.068)
    """
    compare = check_choice(compare, tuple(COMPARE_METHODS), "compare")
    if method is None:
        method = _DEFAULT_COMPARE[compare]
    method = check_method(method, COMPARE_METHODS[compare])
    confidence = as_confidence(confidence)
    a = as_counts(x1, "x1")
    m1 = as_counts(n1, "n1", allow_zero=False)
    b = as_counts(x2, "x2")
    m2 = as_counts(n2, "n2", allow_zero=False)
    if null is None:
        null = 0.0 if compare == "difference" else 1.0
    nul = as_finite(null, "null")
    if compare != "difference" and (nul <= 0).any():
        raise InputError(f"null must be positive for a {compare}, got {nul[nul <= 0].flat[0]!r}")
    a, m1, b, m2, nul = np.broadcast_arrays(a, m1, b, m2, nul)
    _check_le(a, m1, "x1", "n1")
    _check_le(b, m2, "x2", "n2")
    fun = _COMPARE_FUNS[(compare, method)]
    est, lo, hi, p = fun(a, m1, b, m2, _z(confidence), confidence, nul)
    quantity = {"difference": "difference in proportions", "ratio": "ratio of proportions"}
    return ProportionComparison(
        estimate=_out(est),
        ci_low=_out(lo),
        ci_high=_out(hi),
        confidence=confidence,
        method=method,
        quantity=quantity.get(compare, "odds ratio"),
        pvalue=None if p is None else _out(p),
        x1=_out(a),
        n1=_out(m1),
        x2=_out(b),
        n2=_out(m2),
        null=_out(nul),
        compare=compare,
    )


# ---------------------------------------------------------------------------------------------
# compositions
# ---------------------------------------------------------------------------------------------
def _log_pois_pmf(k, lam):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = special.xlogy(k, lam) - lam - special.gammaln(k + 1)
    return np.where(k < 0, -np.inf, out)


def _pois_cdf(k, lam):
    return np.where(k < 0, 0.0, special.pdtr(np.maximum(k, 0), lam))


def _sg_nu(x, n, c):
    """Sison & Glaz (1995) eq. (7): Edgeworth approximation of the probability that every
    cell of Multinomial(n, x/n) lies within ±c of its observed count. Rows of ``x`` are
    compositions, ``c`` one half-width per row."""
    with np.errstate(all="ignore"):
        return _sg_nu_raw(x, n, c)


def _sg_nu_raw(x, n, c):
    cc = c[:, None]
    b = np.maximum(x - cc, 0)
    a = np.minimum(x + cc, n[:, None])
    lam = x
    box = _pois_cdf(a, lam) - _pois_cdf(b - 1, lam)
    pm_a = [np.exp(_log_pois_pmf(a - j, lam)) for j in range(4)]  # pmf at a, a-1, a-2, a-3
    pm_b = [np.exp(_log_pois_pmf(b - j, lam)) for j in range(1, 5)]  # pmf at b-1 .. b-4
    with np.errstate(divide="ignore", invalid="ignore"):
        fm = []
        top = np.zeros_like(box)
        bot = np.zeros_like(box)
        for r in range(1, 5):
            top = top + pm_a[r - 1]  # P(a - r + 1 <= Z <= a)
            bot = bot + pm_b[r - 1]  # P(b - r <= Z <= b - 1)
            fm.append(lam**r * (1 - (top - bot) / box))
    mu = fm[0]
    mu2 = fm[1] + mu - mu**2
    mu3 = fm[2] + fm[1] * (3 - 3 * mu) + mu - 3 * mu**2 + 2 * mu**3
    mu4 = (
        fm[3]
        + fm[2] * (6 - 4 * mu)
        + fm[1] * (7 - 12 * mu + 6 * mu**2)
        + mu
        - 4 * mu**2
        + 6 * mu**3
        - 3 * mu**4
    )
    s2 = mu2.sum(axis=1)
    g1 = mu3.sum(axis=1) / s2**1.5
    g2 = (mu4.sum(axis=1) - 3 * (mu2**2).sum(axis=1)) / s2**2
    t = (n - mu.sum(axis=1)) / np.sqrt(s2)
    h3 = t**3 - 3 * t
    h4 = t**4 - 6 * t**2 + 3
    h6 = t**6 - 15 * t**4 + 45 * t**2 - 15
    f = np.exp(-(t**2) / 2) / math.sqrt(2 * math.pi)
    f = f * (1 + g1 * h3 / 6 + g2 * h4 / 24 + g1**2 * h6 / 72) / np.sqrt(s2)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_nu = np.log(box).sum(axis=1) + np.log(f) - _log_pois_pmf(n, n)
    return np.exp(log_nu)


def _first_true(pred, upper):
    """Smallest integer c >= 0 with ``pred(c)`` true, per row, scanning upwards as a linear
    search would (so the first crossing is found even where ``pred`` is not monotone), but in
    blocks of growing width evaluated at once. ``pred(upper)`` must be true."""
    found = np.full(upper.shape, -1.0)
    start, width = 0, 8
    while (found < 0).any():
        idx = np.flatnonzero(found < 0)
        cand = start + np.arange(width, dtype=float)
        cc = np.minimum(cand[None, :], upper[idx, None])
        ok = pred(cc.ravel(), np.repeat(idx, width)).reshape(idx.size, width)
        hit = ok.any(axis=1)
        first = cc[np.arange(idx.size), np.argmax(ok, axis=1)]
        found[idx[hit]] = first[hit]
        start = start + width
        width = 8 + start // 4  # overshoot past the crossing stays within ~25%
    return found


def _m_sison_glaz(x, n, conf):
    """Sison & Glaz (1995, JASA 90:366): find the integer c with nu(c) <= conf < nu(c + 1),
    then [p - c/n, p + (c + 2γ)/n] with γ = (conf - nu(c)) / (nu(c + 1) - nu(c)).

    nu(0) is taken as 0 and nu(c) as 1 once c >= n (the box holds every outcome), following
    R's MultinomialCI and statsmodels. c is the first crossing found by an upward scan, run
    over all rows at once in blocks.
    """
    rows = x.reshape(-1, x.shape[-1])
    nn = n.reshape(-1)

    def nu(c, idx):
        c = np.asarray(c, float)
        out = np.ones_like(c)
        small = c < nn[idx]
        if small.any():
            j = idx[small]
            out[small] = _sg_nu(rows[j], nn[j], c[small])
        return np.where(c <= 0, 0.0, out)

    every = np.arange(nn.size)
    c = _first_true(lambda cm, idx: nu(cm + 1, idx) > conf, nn)
    nuc, nuc1 = nu(c, every), nu(c + 1, every)
    g = (conf - nuc) / (nuc1 - nuc)
    p = rows / nn[:, None]
    lo = np.maximum(p - (c / nn)[:, None], 0)
    hi = np.minimum(p + ((c + 2 * g) / nn)[:, None], 1)
    return lo.reshape(x.shape), hi.reshape(x.shape)


def _m_score(x, n, chi2q):
    nn = n[..., None]
    p = x / nn
    root = np.sqrt(chi2q * (chi2q + 4 * nn * p * (1 - p)))
    lo = (2 * nn * p + chi2q - root) / (2 * (chi2q + nn))
    hi = (2 * nn * p + chi2q + root) / (2 * (chi2q + nn))
    return np.clip(lo, 0, 1), np.clip(hi, 0, 1)


def _m_goodman(x, n, conf):
    """Goodman (1965, Technometrics 7:247): Wilson-type intervals at the Bonferroni
    chi-square quantile χ²₁(1 − α/k)."""
    k = x.shape[-1]
    return _m_score(x, n, stats.chi2.ppf(1 - (1 - conf) / k, 1))


def _m_quesenberry_hurst(x, n, conf):
    """Quesenberry & Hurst (1964, Technometrics 6:191): the same with χ²_{k−1}(1 − α)."""
    k = x.shape[-1]
    return _m_score(x, n, stats.chi2.ppf(conf, k - 1))


def multinomial_ci(
    counts: Any,
    *,
    method: str = "sison-glaz",
    confidence: float = 0.95,
    prior: float = 0.5,
    categories: Any = None,
    reports: Any = None,
) -> MultinomialEstimate:
    """Simultaneous confidence intervals for the shares of a composition.

    Parameters
    ----------
    counts : array_like of int, shape (..., k)
        Counts of the k parts (last axis); leading axes are separate compositions (reports).
        Each composition needs a positive total and k >= 2.
    method : {"sison-glaz", "goodman", "quesenberry-hurst", "dirichlet"}
        "sison-glaz" (default) is the shortest of the three frequentist sets; "goodman" and
        "quesenberry-hurst" are score-type intervals at adjusted chi-square quantiles;
        "dirichlet" gives Bayesian posterior credible intervals under a symmetric
        Dirichlet(``prior``) prior; these are marginal, not simultaneous.
    confidence : float
        Joint confidence level of the k intervals of one composition, default 0.95.
    prior : float
        Dirichlet prior parameter for ``method="dirichlet"`` (0.5: Jeffreys; 1: uniform).
    categories : sequence of str, optional
        Names of the k parts (kept on the result for tables and plots).
    reports : sequence of str, optional
        Names of the compositions (rows) of a 2-D ``counts``.

    Returns
    -------
    MultinomialEstimate or DirichletEstimate
        Shares and intervals with the shape of ``counts``.

    Raises
    ------
    InputError
        For bad counts, a zero total, k < 2, a non-positive prior or an unknown method.

    Notes
    -----
    Sison–Glaz approximates the probability that every count falls within ±c of its observed
    value by an Edgeworth expansion of truncated Poisson variables, chooses the integer c that
    brackets the confidence level and interpolates; the intervals are ``p - c/n`` to
    ``p + (c + 2γ)/n``. The search for c is an integer bisection vectorised over every
    composition. A part with a zero count gets a lower limit of 0.

    References
    ----------
    Sison, C. P. and Glaz, J. (1995). Simultaneous confidence intervals and sample size
    determination for multinomial proportions. JASA 90, 366-369.
    Goodman, L. A. (1965). On simultaneous confidence intervals for multinomial proportions.
    Technometrics 7, 247-254.
    Quesenberry, C. P. and Hurst, D. C. (1964). Large sample simultaneous confidence intervals
    for multinomial proportions. Technometrics 6, 191-195.

    Examples
    --------
    >>> from conflictstats.proportions import multinomial_ci
    >>> r = multinomial_ci([827, 481, 308], categories=["ISIS", "SDF", "civilian"])
    >>> r.estimate.round(3), r.ci_low.round(3), r.ci_high.round(3)
    (array([0.512, 0.298, 0.191]), array([0.486, 0.272, 0.165]), array([0.538, 0.324, 0.217]))
    """
    method = check_method(method, MULTINOMIAL_METHODS)
    confidence = as_confidence(confidence)
    x = as_counts(counts, "counts")
    if x.ndim == 0 or x.shape[-1] < 2:
        raise InputError(f"counts must have at least 2 parts on its last axis, got shape {x.shape}")
    n = x.sum(axis=-1)
    if (n == 0).any():
        where = tuple(int(i) for i in np.argwhere(n == 0)[0])
        raise InputError(
            "counts must have a positive total in every composition, got total 0"
            + (f" at index {where}" if n.ndim else "")
        )
    k = x.shape[-1]
    cats = None if categories is None else tuple(str(c) for c in categories)
    if cats is not None and len(cats) != k:
        raise InputError(f"categories must name the {k} parts, got {len(cats)}: {cats!r}")
    reps = None if reports is None else tuple(str(r) for r in reports)
    if reps is not None and (x.ndim != 2 or len(reps) != x.shape[0]):
        raise InputError(f"reports must name the {x.shape[0]} rows of 2-D counts, got {reps!r}")
    common = dict(confidence=confidence, categories=cats, reports=reps)
    if method == "dirichlet":
        a0 = float(as_finite(prior, "prior"))
        if a0 <= 0:
            raise InputError(f"prior must be positive, got {prior!r}")
        post = x + a0
        total = post.sum(axis=-1, keepdims=True)
        alpha = 1 - confidence
        lo = stats.beta.ppf(alpha / 2, post, total - post)
        hi = stats.beta.ppf(1 - alpha / 2, post, total - post)
        return DirichletEstimate(
            estimate=post / total,
            ci_low=lo,
            ci_high=hi,
            method=f"dirichlet({a0:g})",
            quantity="share",
            counts=x,
            simultaneous=False,
            prior=a0,
            **common,
        )
    fun = {
        "sison-glaz": _m_sison_glaz,
        "goodman": _m_goodman,
        "quesenberry-hurst": _m_quesenberry_hurst,
    }[method]
    lo, hi = fun(x, n, confidence)
    return MultinomialEstimate(
        estimate=x / n[..., None],
        ci_low=lo,
        ci_high=hi,
        method=method,
        quantity="share",
        counts=x,
        **common,
    )


# ---------------------------------------------------------------------------------------------
# homogeneity of several reports
# ---------------------------------------------------------------------------------------------
def _log_table_prob_terms(tables):
    """−Σ log(n_ij!) per table: the table-dependent part of its log probability under fixed
    margins (larger = more probable)."""
    return -special.gammaln(tables + 1).sum(axis=(-2, -1))


def _enumerate_first_rows(cols, r1, max_tables):
    """Every first row of a 2 × k table with column totals ``cols`` and first-row total r1,
    or None when there are more than ``max_tables``."""
    k = cols.size
    rest = np.concatenate([np.cumsum(cols[::-1])[::-1][1:], [0]])  # capacity after column j
    part = np.zeros((1, 0))
    sums = np.zeros(1)
    for j in range(k - 1):
        vals = np.arange(cols[j] + 1)
        new_sums = sums[:, None] + vals[None, :]
        ok = (new_sums <= r1) & (new_sums + rest[j] >= r1)
        ii, vv = np.nonzero(ok)
        if ii.size > max_tables:
            return None
        part = np.column_stack([part[ii], vals[vv]])
        sums = new_sums[ii, vv]
    last = r1 - sums
    return np.column_stack([part, last])


def homogeneity(
    counts_table: Any,
    *,
    method: str = "exact",
    confidence: float = 0.95,
    shares_method: str = "sison-glaz",
    n_sim: int = 100_000,
    max_tables: int = 2_000_000,
    rng: Any = None,
    reports: Any = None,
    categories: Any = None,
) -> HomogeneityTest:
    """Test whether several reports share one split into categories.

    Parameters
    ----------
    counts_table : array_like of int, shape (r, k), or pandas.DataFrame
        One row per report, one column per category. A DataFrame's index and columns name
        the reports and the categories.
    method : {"exact", "monte-carlo", "chi-square"}
        "exact": the Freeman–Halton generalisation of Fisher's exact test, summing the
        probabilities of every table with the same margins that is no more probable than the
        observed one; by full enumeration for 2 × k tables with at most ``max_tables`` first
        rows, otherwise by Monte Carlo (then ``rng`` is required). "monte-carlo": always
        simulate ``n_sim`` tables. "chi-square": Pearson's test.
    confidence : float
        Level of the simultaneous intervals of the per-report shares.
    shares_method : str
        :func:`multinomial_ci` method for the per-report shares.
    n_sim : int
        Number of simulated tables for the Monte Carlo p-value.
    max_tables : int
        Largest enumeration attempted for the exact test.
    rng : numpy.random.Generator or int, optional
        Seed for the Monte Carlo p-value (required when it is used).
    reports, categories : sequence of str, optional
        Names of the rows and columns (taken from a DataFrame when not given).

    Returns
    -------
    HomogeneityTest
        ``statistic`` (Pearson chi-square), ``df``, ``pvalue`` of ``method``,
        ``chisq_pvalue``, ``shares`` (a :class:`MultinomialEstimate`, one row per report),
        ``table`` and, for Monte Carlo, ``n_sim``.

    Raises
    ------
    InputError
        For bad counts, fewer than 2 rows or columns, an empty row or column, an unknown
        method, or a Monte Carlo p-value without ``rng``.

    Notes
    -----
    Given the margins, the probability of a table is ∏ r_i! ∏ c_j! / (N! ∏ n_ij!). The
    Monte Carlo p-value is (1 + #{simulated tables no more probable}) / (n_sim + 1), as in
    R's ``fisher.test(simulate.p.value = TRUE)``; tables are simulated by shuffling the
    column labels of the N individuals among the rows.

    References
    ----------
    Freeman, G. H. and Halton, J. H. (1951). Note on an exact treatment of contingency,
    goodness of fit and other problems of significance. Biometrika 38, 141-149.

    Examples
    --------
    >>> from conflictstats.proportions import homogeneity
    >>> t = homogeneity([[50, 79, 30], [827, 481, 308]])   # breakout vs whole campaign
    >>> round(t.statistic, 1), t.df, t.pvalue < 1e-4
    (29.6, 2, True)
    """
    method = check_method(method, ("exact", "monte-carlo", "chi-square"))
    confidence = as_confidence(confidence)
    if hasattr(counts_table, "to_numpy") and hasattr(counts_table, "columns"):
        reports = reports if reports is not None else [str(i) for i in counts_table.index]
        categories = categories if categories is not None else [str(c) for c in counts_table]
        counts_table = counts_table.to_numpy()
    t = as_counts(counts_table, "counts_table")
    if t.ndim != 2 or t.shape[0] < 2 or t.shape[1] < 2:
        raise InputError(f"counts_table must be a 2-D table of at least 2 × 2, got shape {t.shape}")
    rows, cols = t.sum(axis=1), t.sum(axis=0)
    for name, margin in (("row", rows), ("column", cols)):
        if (margin == 0).any():
            i = int(np.flatnonzero(margin == 0)[0])
            raise InputError(f"counts_table has an empty {name} (index {i}); drop it first")
    total = t.sum()
    expected = np.outer(rows, cols) / total
    chisq = float(((t - expected) ** 2 / expected).sum())
    df = (t.shape[0] - 1) * (t.shape[1] - 1)
    p_chisq = float(stats.chi2.sf(chisq, df))
    shares = multinomial_ci(
        t, method=shares_method, confidence=confidence, reports=reports, categories=categories
    )
    used_sim = None
    if method == "chi-square":
        p = p_chisq
    else:
        obs = _log_table_prob_terms(t)
        first = None
        if method == "exact" and t.shape[0] == 2:
            first = _enumerate_first_rows(cols, rows[0], max_tables)
        if first is not None:
            tables = np.stack([first, cols - first], axis=1)
            stat = _log_table_prob_terms(tables)
            logp = stat - special.logsumexp(stat)
            keep = stat <= obs + np.log(_REL_ERR)
            p = float(np.exp(special.logsumexp(logp[keep])))
            label = "exact"
        else:
            if rng is None:
                raise InputError(
                    "rng is required for a Monte Carlo p-value (give a seed, e.g. rng=1)"
                )
            gen = as_rng(rng)
            n_sim = int(n_sim)
            if n_sim < 1:
                raise InputError(f"n_sim must be a positive integer, got {n_sim!r}")
            labels = np.repeat(np.arange(t.shape[1]), cols.astype(int)).astype(np.int32)
            row_of = np.repeat(np.arange(t.shape[0]), rows.astype(int))
            count = 0
            chunk = max(1, min(n_sim, 20_000_000 // max(int(total), 1)))
            done = 0
            while done < n_sim:
                b = min(chunk, n_sim - done)
                perm = gen.permuted(np.broadcast_to(labels, (b, labels.size)), axis=1)
                cell = row_of[None, :] * t.shape[1] + perm
                sims = np.zeros((b, t.size))
                np.add.at(sims, (np.arange(b)[:, None], cell), 1)
                stat = _log_table_prob_terms(sims.reshape(b, *t.shape))
                count += int(np.sum(stat <= obs + np.log(_REL_ERR)))
                done += b
            p = (1 + count) / (n_sim + 1)
            used_sim = n_sim
            label = "monte-carlo"
        method = label
    return HomogeneityTest(
        statistic=chisq,
        pvalue=min(float(p), 1.0),
        method=method,
        quantity="chi-square",
        df=df,
        chisq_pvalue=p_chisq,
        table=t,
        shares=shares,
        n_sim=used_sim,
    )


# ---------------------------------------------------------------------------------------------
# vague shares of a count
# ---------------------------------------------------------------------------------------------
def _share_bounds(share: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, low, high) of a share given as a number, a (low, high) pair or an object with
    ``.low``/``.high`` (and optionally ``.value``), such as a parsed reported figure."""
    if hasattr(share, "low") and hasattr(share, "high"):
        low, high = share.low, share.high
        value = getattr(share, "value", None)
        base = getattr(share, "base", None)
        if base is not None and np.all(np.asarray(high, float) > 1):
            # a share already applied to its base ("about half of 308" read as 138.6-169.4
            # civilians): back to a share of that base
            base = float(base)
            low, high = np.asarray(low, float) / base, np.asarray(high, float) / base
            value = None if value is None else np.asarray(value, float) / base
    elif isinstance(share, tuple) and len(share) == 2:
        low, high = share
        value = None
    else:
        low = high = value = share
    lo = as_finite(low, "share (low)")
    hi = as_finite(high, "share (high)")
    for name, arr in (("share (low)", lo), ("share (high)", hi)):
        if ((arr < 0) | (arr > 1)).any():
            raise InputError(
                f"{name} must be a share in [0, 1], got {arr[(arr < 0) | (arr > 1)].flat[0]!r}"
            )
    if (lo > hi).any():
        raise InputError(f"share low must not exceed high, got {lo.flat[0]!r} > {hi.flat[0]!r}")
    val = 0.5 * (lo + hi) if value is None else as_finite(value, "share (value)")
    return val, lo, hi


def subgroup_count(
    share: Any,
    total: Any,
    *,
    method: str = "bounds",
    confidence: float = 0.95,
) -> SubgroupCount:
    """How many of ``total`` a (possibly vague) reported share amounts to.

    "About half of the 308 civilians were women and children": the share is a range, not a
    number, and the subgroup is a whole number of people.

    Parameters
    ----------
    share : float, (low, high) tuple, or object with ``.low`` and ``.high``
        The share: exact, a range, or a parsed reported figure (any object with ``low``,
        ``high`` and optionally ``value`` attributes, e.g.
        ``conflictstats.reported.parse_figure("about half")``). An object that also has a
        ``base`` and limits above 1 ("about half of 308" already read as a number of people)
        is divided by its base first.
    total : int or array_like of int
        The count the share is of.
    method : {"bounds", "binomial"}
        "bounds": the whole numbers m with low <= m / total <= high — what the phrase allows
        when the share describes these very people (confidence 1). "binomial": the share is
        of the process the total came from, so m ~ Binomial(total, p) for some p in
        [low, high]; the interval runs from the α/2 quantile at ``low`` to the 1 − α/2
        quantile at ``high`` and holds at least the stated confidence for every such p.
    confidence : float
        Confidence level for "binomial" (ignored by "bounds", whose level is 1).

    Returns
    -------
    SubgroupCount
        ``estimate`` = value × total, the interval, the total and the share's bounds.

    Raises
    ------
    InputError
        For a share outside [0, 1], low above high, bad counts or an unknown method.

    Notes
    -----
    "bounds" is ⌈low·N⌉ to ⌊high·N⌋ (a one-element tolerance of 1e-9 guards rounding).

    Examples
    --------
    >>> from conflictstats.proportions import subgroup_count
    >>> r = subgroup_count((0.45, 0.55), 308)     # "about half of 308"
    >>> r.estimate, r.ci_low, r.ci_high
    (154.0, 139.0, 169.0)
    """
    method = check_method(method, ("bounds", "binomial"))
    confidence = as_confidence(confidence)
    val, lo, hi = _share_bounds(share)
    n = as_counts(total, "total")
    val, lo, hi, n = np.broadcast_arrays(val, lo, hi, n)
    if method == "bounds":
        c_lo = np.ceil(lo * n - 1e-9)
        c_hi = np.floor(hi * n + 1e-9)
        conf = 1.0
        label = "bounds"
    else:
        alpha = 1 - confidence
        c_lo = stats.binom.ppf(alpha / 2, n, lo)
        c_hi = stats.binom.ppf(1 - alpha / 2, n, hi)
        conf = confidence
        label = "binomial"
    return SubgroupCount(
        estimate=_out(val * n),
        ci_low=_out(c_lo),
        ci_high=_out(c_hi),
        confidence=conf,
        method=label,
        quantity="subgroup count",
        total=_out(n),
        share_low=_out(lo),
        share_high=_out(hi),
    )
