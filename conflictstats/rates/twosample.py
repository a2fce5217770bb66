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
from scipy import stats

from .._numeric import (
    binom_cdf,
    binom_midp_limits,
    binom_sf_ge,
    clopper_pearson,
    exact_matching_ci,
    exact_twosided_pvalue,
    midp_pvalue,
    normal_pvalue,
    solve,
    z_quantile,
)
from .etest import _etest_pvalue, _etest_stat

#: ``tsmethod=`` choices of the exact conditional test: R ``poisson.test``'s pairing
#: (minlike p-value, central interval) and Fay's (2010) three matching pairs.
TSMETHODS = ("poisson.test", "central", "minlike", "blaker")


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


def _ratio_exact_cond(x1, t1, x2, t2, r0, alternative, a, tsmethod="poisson.test"):
    """Conditional binomial test and interval (Przyborowski & Wilenski 1940; Fay 2010).

    Given ``n = x1 + x2``, ``x1 ~ Bin(n, p)`` with ``p = t1 R / (t1 R + t2)``. Two-sided,
    ``tsmethod`` chooses the p-value and interval: ``"poisson.test"`` (R's: the minlike
    p-value of ``binom.test`` with the central Clopper-Pearson interval, which need not
    agree with it), or one of Fay's matching pairs ``"central"``, ``"minlike"``,
    ``"blaker"`` (R ``exactci::poisson.exact``). One-sided: the tail and the one-sided
    Clopper-Pearson interval, whatever ``tsmethod``. The interval for ``p`` is mapped to
    ``R``.
    """
    n = x1 + x2
    p0 = t1 * r0 / (t1 * r0 + t2)
    if alternative == "larger":
        pval = binom_sf_ge(x1, n, p0)
    elif alternative == "smaller":
        pval = binom_cdf(x1, n, p0)
    else:
        rule = "minlike" if tsmethod == "poisson.test" else tsmethod
        pval = exact_twosided_pvalue(x1, p0, rule, n=n)
    if alternative == "two-sided" and tsmethod in ("minlike", "blaker"):
        plow, phigh = exact_matching_ci(x1, a, tsmethod, n=n)
        return _p_to_ratio(plow, t1, t2), _p_to_ratio(phigh, t1, t2), pval
    plow, phigh = clopper_pearson(x1, n, a, alternative)
    return _p_to_ratio(plow, t1, t2), _p_to_ratio(phigh, t1, t2), pval


def _ratio_midp(x1, t1, x2, t2, r0, alternative, a):
    """Conditional mid-p test and interval (Lancaster 1961; Berry & Armitage 1995).

    Mid-p value ``P(X < x) + P(X = x)/2`` (and mirror) under the conditional binomial;
    two-sided: twice the smaller tail, capped at 1. The interval solves the mid-p tail
    equations for ``p`` (:func:`conflictstats._numeric.binom_midp_limits`, all rows at once)
    and maps ``p`` to ``R``.
    """
    n = x1 + x2
    p0 = t1 * r0 / (t1 * r0 + t2)
    pval = midp_pvalue(x1, p0, alternative, n=n)
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
    """Wald test and interval on the log scale: se(log R) = sqrt(phi (1/x1 + 1/x2)). Both
    counts must be positive (the callers refuse a zero count, _POSITIVE_COUNTS)."""
    lr = np.log(x1 / t1) - np.log(x2 / t2)
    se = np.sqrt(dispersion * (1 / x1 + 1 / x2))
    pval = normal_pvalue((lr - np.log(r0)) / se, alternative)
    zc = z_quantile(1 - a, one_sided=alternative != "two-sided")
    low = np.exp(lr - zc * se) if alternative != "smaller" else np.zeros_like(lr)
    high = np.exp(lr + zc * se) if alternative != "larger" else np.full_like(lr, np.inf)
    return low, high, pval


# ---------------------------------------------------------------------------------------
# Gu, Ng, Tang & Schucany (2008): the transformed and untransformed ratio tests
# ---------------------------------------------------------------------------------------
def _quadratic_ends(A, B, C, alternative, t1, t2, square=False):
    """Ends of ``{r: |s(r)| < z}`` for a statistic decreasing in ``r`` whose squared
    equation ``s = ±z`` is ``A u^2 - 2 B u + C = 0`` (``u = r``, or ``u = sqrt(r)`` with
    ``square``): the smaller root (where ``s = +z``; 0 when ``C <= 0``) and the larger
    (where ``s = -z``; infinite when ``A <= 0``), in the numerically stable forms; mapped
    from ``r = R t1 / t2`` to ``R``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        root = B + np.sqrt(np.maximum(B * B - A * C, 0.0))
        low = np.where(C > 0, C / root, 0.0)
        high = np.where(A > 0, root / np.where(A > 0, A, 1.0), np.inf)
    if square:
        low, high = low * low, high * high
    low, high = low * t2 / t1, high * t2 / t1
    if alternative == "larger":
        high = np.full_like(high, np.inf)
    elif alternative == "smaller":
        low = np.zeros_like(low)
    return low, high


def _gu_wald_stat(x1, t1, x2, t2, r0):
    rd = r0 * t1 / t2
    return (x1 - x2 * rd) / np.sqrt(x1 + x2 * rd * rd)


def _ratio_wald_untransformed(x1, t1, x2, t2, r0, alternative, a):
    """Untransformed Wald test (Gu et al. 2008, W1): ``(X1 - R' X2) / sqrt(X1 + R'^2 X2)``
    with ``R' = R0 t1 / t2``; the interval inverts it (a quadratic in ``R'``, its ends
    where the statistic, decreasing in ``R'``, equals ``±z``; infinite above when
    ``X2 <= z^2``). Both counts must be positive."""
    pval = normal_pvalue(_gu_wald_stat(x1, t1, x2, t2, r0), alternative)
    zc = z_quantile(1 - a, one_sided=alternative != "two-sided")
    z2 = zc * zc
    low, high = _quadratic_ends(x2 * (x2 - z2), x1 * x2, x1 * (x1 - z2), alternative, t1, t2)
    return low, high, pval


def _gu_sqrt_stat(x1, t1, x2, t2, r0):
    rd = r0 * t1 / t2
    return 2 * (np.sqrt(x1 + 0.375) - np.sqrt((x2 + 0.375) * rd)) / np.sqrt(1 + rd)


def _ratio_sqrt(x1, t1, x2, t2, r0, alternative, a):
    """Square-root (variance-stabilised) test (Gu et al. 2008, W5):
    ``2 (sqrt(X1 + 3/8) - sqrt(R' (X2 + 3/8))) / sqrt(1 + R')``, ``R' = R0 t1 / t2``; the
    interval inverts it (a quadratic in ``sqrt(R')``; the statistic decreases in ``R'``
    from ``2 sqrt(X1 + 3/8)`` to ``-2 sqrt(X2 + 3/8)``, so an end is 0 or infinite when that
    bound does not reach ``z``)."""
    pval = normal_pvalue(_gu_sqrt_stat(x1, t1, x2, t2, r0), alternative)
    zc = z_quantile(1 - a, one_sided=alternative != "two-sided")
    b1, b2, z2 = x1 + 0.375, x2 + 0.375, zc * zc
    A, B, C = 4 * b2 - z2, 4 * np.sqrt(b1 * b2), 4 * b1 - z2
    low, high = _quadratic_ends(A, B, C, alternative, t1, t2, square=True)
    return low, high, pval


def _gu_score_log_stat(x1, t1, x2, t2, r0):
    rd = r0 * t1 / t2
    return (np.log(x1 / x2) - np.log(rd)) / np.sqrt((2 + 1 / rd + rd) / (x1 + x2))


def _score_log_upper(ahat, nsum, zc):
    """Upper end, on the log scale, of the score-log acceptance region around ``ahat``:
    ``s(w) = (ahat - w) sqrt(N) / (2 cosh(w / 2))`` falls from 0 at ``w = ahat`` to a
    minimum at ``(w - ahat) tanh(w / 2) = 2`` and rises back towards 0; the end is where
    it first reaches ``-z`` (infinite when its minimum stays above ``-z``)."""
    base = np.maximum(ahat, 0.0)

    def turn(w, ahat):
        return (w - ahat) * np.tanh(w / 2) - 2

    wmin = solve(turn, base, base + 4.0, (ahat,))
    sqn = np.sqrt(nsum)

    def s(w, ahat, sqn):
        return (ahat - w) * sqn / (2 * np.cosh(w / 2)) + zc

    reach = s(wmin, ahat, sqn) <= 0
    out = np.full_like(ahat, np.inf)
    if reach.any():
        out[reach] = solve(s, ahat[reach], wmin[reach], (ahat[reach], sqn[reach]))
    return out


def _ratio_score_log(x1, t1, x2, t2, r0, alternative, a):
    """Score test of the log ratio (Gu et al. 2008, W4):
    ``(log(X1 / X2) - log R') / sqrt((2 + 1/R' + R') / (X1 + X2))``, ``R' = R0 t1 / t2``.
    The interval is the stretch of ratios around the estimate that the test does not
    reject: the statistic is not monotone in ``R'`` (it returns towards 0 for very large
    or very small ``R'``), so nulls far beyond an end can again escape rejection; an end
    is infinite (or 0) when the statistic never reaches ``z`` on that side. Both counts
    must be positive."""
    pval = normal_pvalue(_gu_score_log_stat(x1, t1, x2, t2, r0), alternative)
    zc = z_quantile(1 - a, one_sided=alternative != "two-sided")
    ahat = np.log(x1 / x2)
    nsum = x1 + x2
    scale = t2 / t1
    if alternative == "smaller":
        low = np.zeros_like(ahat)
    else:  # the lower side is the upper side of the mirrored data: w -> -w
        low = np.exp(-_score_log_upper(-ahat, nsum, zc)) * scale
    if alternative == "larger":
        high = np.full_like(ahat, np.inf)
    else:
        high = np.exp(_score_log_upper(ahat, nsum, zc)) * scale
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


_CHUNK = 1 << 16


def _in_chunks(fn):
    """Run ``fn`` on blocks of ``_CHUNK`` pairs, writing into the three output arrays: the
    temporaries of a method (a dozen arrays per pair in the exact test) then cost a block's
    worth of memory, not the whole input's. Scalars (exposures or a null shared by all
    pairs) pass through unchanged."""

    def wrapped(x1, t1, x2, t2, v, alternative, a, **options):
        size = max(np.size(c) for c in (x1, t1, x2, t2, v))
        if size <= _CHUNK:
            return fn(x1, t1, x2, t2, v, alternative, a, **options)
        out = tuple(np.empty(size) for _ in range(3))
        for start in range(0, size, _CHUNK):
            block = slice(start, start + _CHUNK)
            args = (c[block] if np.ndim(c) else c for c in (x1, t1, x2, t2, v))
            for o, part in zip(out, fn(*args, alternative, a, **options)):
                o[block] = part
        return out

    wrapped.__doc__ = fn.__doc__
    wrapped.__wrapped_in_chunks__ = True
    return wrapped


_RATIO_DISPATCH = {
    "exact-cond": _in_chunks(_ratio_exact_cond),
    "mid-p": _once_per_distinct(_ratio_midp),
    "score": _in_chunks(_ratio_score),
    "wald": _in_chunks(_ratio_wald),
    "etest": _once_per_distinct(_ratio_etest),
    "wald-log": _in_chunks(_ratio_wald),
    "wald-untransformed": _in_chunks(_ratio_wald_untransformed),
    "score-log": _in_chunks(_ratio_score_log),
    "sqrt": _in_chunks(_ratio_sqrt),
}
_DIFF_DISPATCH = {
    "wald": _diff_wald,
    "score": _once_per_distinct(_diff_score),
    "etest": _once_per_distinct(_diff_etest),
}
#: ratio methods whose statistic takes the log of each count
_POSITIVE_COUNTS = ("wald", "wald-log", "wald-untransformed", "score-log")


# ---------------------------------------------------------------------------------------
# the test statistic of each method (``RateComparison.statistic``)
# ---------------------------------------------------------------------------------------
def _stat_count1(x1, t1, x2, t2, v):
    return x1


def _stat_score_ratio(x1, t1, x2, t2, v):
    rd = v * t1 / t2
    return (x1 - x2 * rd) / np.sqrt((x1 + x2) * rd)


def _stat_wald_log(x1, t1, x2, t2, v):
    return (np.log(x1 / t1) - np.log(x2 / t2) - np.log(v)) / np.sqrt(1 / x1 + 1 / x2)


def _stat_diff_wald(x1, t1, x2, t2, v):
    return (x1 / t1 - x2 / t2 - v) / np.sqrt(x1 / t1**2 + x2 / t2**2)


_RATIO_STATISTIC = {
    "exact-cond": (_stat_count1, "count1 (given count1 + count2)"),
    "mid-p": (_stat_count1, "count1 (given count1 + count2)"),
    "score": (_stat_score_ratio, "z (score)"),
    "wald": (_stat_wald_log, "z (Wald, log ratio)"),
    "wald-log": (_stat_wald_log, "z (Wald, log ratio)"),
    "etest": (lambda *a: _etest_stat("ratio", *a), "T (E-test, score)"),
    "wald-untransformed": (_gu_wald_stat, "z (Wald, untransformed)"),
    "score-log": (_gu_score_log_stat, "z (score, log ratio)"),
    "sqrt": (_gu_sqrt_stat, "z (square root)"),
}
_DIFF_STATISTIC = {
    "wald": (_stat_diff_wald, "z (Wald)"),
    "score": (lambda x1, t1, x2, t2, v: _score_diff_stat(v, x1, t1, x2, t2), "z (score)"),
    "etest": (lambda *a: _etest_stat("difference", *a), "T (E-test, Wald)"),
}
