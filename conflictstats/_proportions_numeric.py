"""Shared vectorised numerics of the proportions module.

Bisection on a monotone function, integer search, the exact two-sided binomial p-value (R's
``binom.test`` rule), the two-sided normal p-value, and the small input/output helpers every
family of :mod:`conflictstats.proportions` uses.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from ._validation import InputError

_REL_ERR = 1 + 1e-7  # R's tolerance for "as or less probable" in exact two-sided p-values


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
