"""The E-test of Krishnamoorthy & Thomson (2004) for two Poisson means, vectorised.

The p-value sums Poisson probabilities at the null's rates over every outcome at least as
extreme as the observed one; here the double sum is reduced to one sum over a grid per pair
(see :func:`_etest_chunk`), and pairs are processed in chunks of similar grid widths. Used by
``method="etest"`` of :func:`conflictstats.rates.compare_rates`.

References
----------
Krishnamoorthy, K., Thomson, J. (2004). A more powerful test for comparing two Poisson
means. Journal of Statistical Planning and Inference 119, 23-35.
"""

from __future__ import annotations

import numpy as np
from scipy import special


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
