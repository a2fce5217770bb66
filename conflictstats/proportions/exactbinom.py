"""Exact binomial tests with a choice of two-sided method, and the intervals that match them.

Fay (2010) names three ways of making an exact two-sided test of ``p = p0`` from the
binomial law, and for each the confidence interval that inverts it, so that ``p0`` lies
outside the interval exactly when the test rejects at ``1 - confidence``:

* ``"central"``: twice the smaller tail; the interval is Clopper-Pearson's;
* ``"minlike"``: the probability of every outcome no more likely than the observed one
  (R's ``binom.test`` p-value); the interval is Sterne's (1954);
* ``"blaker"``: the smaller tail plus the largest tail on the other side that is no larger
  (Blaker 2000).

The minlike and Blaker p-values are not monotone in ``p0``: as ``p0`` moves up from ``x/n``
the upper tail they add starts at an outcome ``j`` that steps up from ``x + 1`` to ``n + 1``,
jumping at the *intercepts* ``c_j`` (minlike: where ``f(j) = f(x)``, in closed form;
Blaker: where ``P(X <= x) = P(X >= j)``, by a root search). Between two intercepts the
p-value is ``P(X <= x) + P(X >= j + 1)``, whose derivative ``n [f_{n-1}(j) - f_{n-1}(x)]``
changes sign at most once (from - to +), so on each piece it is largest at the ends. The
upper limit is therefore found from ``K``, the largest ``j`` whose intercept value ``A_j =
P(X <= x) + P(X >= j)`` at ``c_j`` exceeds ``alpha``: it is the root of ``P(X <= x) +
P(X >= K + 1) = alpha`` in ``(c_K, c_{K+1})`` (``c_{n+1} = 1``), or ``c_K`` when the p-value
is already at most ``alpha`` just after ``c_K``. ``A_j`` decreases in ``j`` (checked against a
full scan for every ``x <= n <= 150`` in the tests), so ``K`` is found by an integer
bisection, vectorised over all elements; the lower limit follows from the symmetry
``x -> n - x``, ``p -> 1 - p``. Exactci's ``exactbinomCI`` finds the same limits by a grid
refinement to a tolerance; here they are exact up to the root finder's 1e-13.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._numeric import REL_ERR, binom_cdf, binom_sf_ge, binom_twosided_pvalue, int_search, solve

TSMETHODS = ("central", "minlike", "blaker")


def _lchoose(n, k):
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def _blaker_pvalue(x, n, p):
    """Blaker's (2000) two-sided p-value, vectorised: the smaller tail at ``x`` plus the
    largest tail on the other side no larger than it (within R's relative error)."""
    x, n, p = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, n, p)))
    shape = x.shape
    x, n, p = x.reshape(-1), n.reshape(-1), p.reshape(-1)
    lower, upper = binom_cdf(x, n, p), binom_sf_ge(x, n, p)
    use_lower = lower <= upper
    small = np.where(use_lower, lower, upper)
    thr = small * REL_ERR
    # the other side's tail: on the upper side, the smallest j > x with P(X >= j) <= thr
    # (P(X >= j) decreases in j); on the lower side the largest j < x with P(X <= j) <= thr
    j_up = int_search(lambda j, i: binom_sf_ge(j, n[i], p[i]) <= thr[i], x, n + 1)
    j_lo = int_search(lambda j, i: binom_cdf(-j, n[i], p[i]) <= thr[i], -x, np.ones_like(x))
    other = np.where(use_lower, binom_sf_ge(j_up, n, p), binom_cdf(-j_lo, n, p))
    return np.minimum(1.0, small + other).reshape(shape)


def twosided_pvalue(x, n, p0, tsmethod):
    """Exact two-sided p-value of ``p = p0`` by ``tsmethod`` (as exactci ``binom.exact``)."""
    if tsmethod == "central":
        return np.minimum(1.0, 2 * np.minimum(binom_cdf(x, n, p0), binom_sf_ge(x, n, p0)))
    if tsmethod == "minlike":
        return binom_twosided_pvalue(x, n, p0)
    return _blaker_pvalue(x, n, p0)


def _intercepts(x, n, j, tsmethod):
    """``c_j`` for ``x < j <= n``: where outcome ``j`` joins the upper tail."""
    if tsmethod == "minlike":  # f(x; c) = f(j; c), in closed form
        return 1 / (1 + np.exp((_lchoose(n, j) - _lchoose(n, x)) / (j - x)))

    # Blaker: P(X <= x; c) = P(X >= j; c), the first decreasing, the second increasing in c
    def gap(c, x, n, j):
        return binom_cdf(x, n, c) - binom_sf_ge(j, n, c)

    return solve(gap, np.zeros_like(x), np.ones_like(x), (x, n, j))


def _upper_limit(x, n, alpha, tsmethod):
    """Upper limit of the interval inverting the minlike or Blaker test, for ``x < n``."""

    def a_j(j, i):  # the p-value at the intercept c_j, outcome j included
        c = _intercepts(x[i], n[i], j, tsmethod)
        return binom_cdf(x[i], n[i], c) + binom_sf_ge(j, n[i], c)

    # K = the largest j in [x + 1, n] with A_j > alpha (A_{x+1} > alpha when alpha < 1/2):
    # the smallest j in (x + 1, n + 1] with A_j <= alpha, less one
    k = int_search(lambda j, i: a_j(j, i) <= alpha, x + 1, n + 1) - 1
    c_k = _intercepts(x, n, k, tsmethod)
    top = k >= n
    c_next = np.where(top, 1.0, _intercepts(x, n, np.minimum(k + 1, n), tsmethod))

    def piece(p, x, n, k):  # the p-value on (c_K, c_{K+1}): decreasing where it crosses alpha
        return binom_cdf(x, n, p) + binom_sf_ge(k + 1, n, p) - alpha

    at_c = piece(c_k, x, n, k)
    root = solve(piece, c_k, c_next, (x, n, k), f_lo=at_c)
    return np.where(at_c <= 0, c_k, root)


def exact_limits(x, n, alpha, tsmethod, alternative="two-sided"):
    """The exact interval for a binomial proportion matching the test ``tsmethod``."""
    x, n = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(n, dtype=float))
    shape = x.shape
    x, n = x.reshape(-1), n.reshape(-1)
    one_sided = alternative != "two-sided"
    if tsmethod == "central" or one_sided:
        a = alpha if one_sided else alpha / 2
        lo = np.where(x == 0, 0.0, special.betaincinv(np.maximum(x, 1), n - x + 1, a))
        hi = np.where(x == n, 1.0, special.betaincinv(x + 1, np.maximum(n - x, 1e-300), 1 - a))
        if alternative == "larger":
            hi = np.ones_like(hi)
        elif alternative == "smaller":
            lo = np.zeros_like(lo)
        return lo.reshape(shape), hi.reshape(shape)
    hi = np.ones_like(x)
    lo = np.zeros_like(x)
    up = x < n
    if up.any():
        hi[up] = _upper_limit(x[up], n[up], alpha, tsmethod)
    down = x > 0
    if down.any():
        lo[down] = 1 - _upper_limit(n[down] - x[down], n[down], alpha, tsmethod)
    return lo.reshape(shape), hi.reshape(shape)


def exact_pvalue(x, n, p0, tsmethod, alternative="two-sided"):
    """Exact p-value of ``p = p0``: one tail for a one-sided ``alternative``."""
    if alternative == "larger":
        return binom_sf_ge(x, n, p0)
    if alternative == "smaller":
        return binom_cdf(x, n, p0)
    return twosided_pvalue(x, n, p0, tsmethod)
