"""Shared vectorised numerics of the proportions module.

Integer search and the exact two-sided binomial p-value (R's ``binom.test`` rule). The root
finders, normal quantiles and p-values are the package's own (:mod:`conflictstats._numeric`).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

_REL_ERR = 1 + 1e-7  # R's tolerance for "as or less probable" in exact two-sided p-values


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
