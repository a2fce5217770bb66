"""The E-test of Krishnamoorthy & Thomson (2004) for two Poisson means, vectorised.

The p-value sums Poisson probabilities at the null's rates over every outcome at least as
extreme as the observed one; here the double sum is reduced to one sum over a grid per pair
(see :func:`_etest_chunk`), and pairs are processed in chunks of similar grid widths. The
common case, two-sided with regions bounded by the roots themselves (the ratio; the
difference with ``d <= 0``), takes a faster route to the same sums (:func:`_two_sided_fast`,
:func:`_block`). Used by ``method="etest"`` of :func:`conflictstats.rates.compare_rates`.

References
----------
Krishnamoorthy, K., Thomson, J. (2004). A more powerful test for comparing two Poisson
means. Journal of Statistical Planning and Inference 119, 23-35.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._numeric import pois_logpmf
from .._validation import InputError


def _halfwidth(mu):
    # +-(6.5 sqrt(mu) + 6) holds all but about 1e-10 of a Poisson(mu) distribution's mass:
    # at most 3e-11 below and 4.2e-11 above, 7e-11 in all, for mu from 0.01 to 1e5 (computed
    # with scipy.stats.poisson); truncating both grids, a p-value is within 1.4e-10 of the
    # full double sum
    return np.ceil(6.5 * np.sqrt(mu) + 6)


def _poisson_grid(mu, width, pad=0):
    """Poisson pmf on ``lo + arange(width)`` per row (``lo`` from ``mu``), by recurrence;
    with ``pad``, in the last ``width`` columns of a ``(mu.size, pad + width)`` array whose
    first ``pad`` columns are left unset."""
    lo = np.maximum(0.0, np.floor(mu - _halfwidth(mu)))
    start = np.exp(pois_logpmf(lo, mu))  # Loader's form: gammaln's loses digits at large mu
    out = np.empty((mu.size, pad + width))
    pmf = out[:, pad:]
    pmf[:, 0] = start
    np.divide(mu[:, None], lo[:, None] + np.arange(1.0, width), out=pmf[:, 1:])
    np.cumprod(pmf, axis=1, out=pmf)
    return lo, out


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
    npair = x1.size
    # cdf2 rows: [P(Y2 <= -1) = 0, P(Y2 < lo2), P(Y2 <= lo2), ..., P(Y2 <= lo2 + k2 - 1)],
    # built in place: the pmf on the grid, P(Y2 < lo2) added to its first cell, then summed
    lo2, cdf2 = _poisson_grid(mu2, k2, pad=2)
    base2 = special.gammaincc(np.maximum(lo2, 1), mu2)
    base2[lo2 == 0] = 0.0
    cdf2[:, 0] = 0.0
    cdf2[:, 1] = base2
    cdf2[:, 2] += base2
    np.cumsum(cdf2[:, 2:], axis=1, out=cdf2[:, 2:])
    flat2 = cdf2.ravel()
    col = (slice(None), None)
    shift = (2 - lo2)[col]
    y1 = lo1[col] + np.arange(k1)[None, :]
    has_row0 = bool(lo1.min() == 0)
    rowbase = (np.arange(npair) * (k2 + 2.0))[col]
    rowlo = rowbase
    rowhi = rowbase + (k2 + 1)
    offset = shift + rowbase
    # the (0, 0) point is left out of the rows (added apart): rows y1 = 0 start at y2 = 1
    row0 = (y1 == 0).astype(float) if has_row0 else 0.0
    tt1, tt2, vv = t1[col], t2[col], null[col]

    def c2(k):
        """P(Y2 <= k) for integer-valued k >= -1 (0 below the grid but for P(Y2 < lo2))."""
        idx = np.clip(k + shift, 0, k2 + 1)
        idx += rowbase
        return flat2.take(idx.astype(np.intp))

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


def _two_sided_fast(x1, t1, x2, t2, null, kind, cells=1 << 18):
    """Two-sided E-test p-values for the pairs with both null means positive (``nan`` for
    the others, left to :func:`_etest_chunk`), when every region's ends are the roots
    themselves (the ratio; the difference with ``d <= 0``).

    The same sums as :func:`_etest_chunk`, organised for speed: the per-pair quantities
    (null means, grid ends, first pmf terms, thresholds) are computed once for all pairs,
    and each block of pairs (sorted by grid width, about ``cells`` table cells) steps
    through its grid offsets with whole-block vector operations (see :func:`_block`).
    The point (0, 0) is not set apart here: both regions are made to hold it (so it
    cancels from their difference), and the total keeps it; it is then taken out where
    :func:`_etest_chunk` leaves it out (the ratio's T(0, 0) = 0 below a positive
    threshold; the difference's 0/0 when d = 0, even from the total).
    """
    out = np.full(x1.size, np.nan)
    if kind == "ratio":
        lam2 = (x1 + x2) / (t1 * null + t2)
        lam1 = null * lam2
    else:
        lam2 = (x1 + x2) / (t1 + t2) - null * t1 / (t1 + t2)
        lam1 = lam2 + null
    mu1, mu2 = t1 * lam1, t2 * lam2
    fast = (mu1 > 0) & (mu2 > 0)  # not the trivial pairs (lam <= 0, p = 1) nor 0 events
    if not fast.any():
        return out
    rows = np.flatnonzero(fast)
    x1, t1, x2, t2, null = x1[rows], t1[rows], x2[rows], t2[rows], null[rows]
    mu1, mu2 = mu1[rows], mu2[rows]
    lo1 = np.maximum(0.0, np.floor(mu1 - _halfwidth(mu1)))
    h2 = _halfwidth(mu2)
    lo2 = np.maximum(0.0, np.floor(mu2 - h2))
    w1 = np.ceil(mu1 + _halfwidth(mu1)) - lo1 + 1
    w2 = np.ceil(mu2 + h2) - lo2 + 1
    start1 = np.exp(pois_logpmf(lo1, mu1))  # Loader's form, exact to ulps at any mean
    start2 = np.exp(pois_logpmf(lo2, mu2))
    base2 = special.gammaincc(np.maximum(lo2, 1), mu2)
    base2[lo2 == 0] = 0.0
    s = np.abs(_etest_stat(kind, x1, t1, x2, t2, null))
    tol = 1e-10 * np.maximum(1.0, s)
    big = s > tol
    th = np.where(big, s - tol, 1.0)
    # the region ends y2 <= m -+ r with m = a1 y1 + m0 and r^2 = a2 y1 + r0 (see _block)
    if kind == "ratio":
        c = null * t1 / t2
        q = th * th / (4 * c)
        a1, m0 = 1 / c, 2 * q  # A^2 - y1 + e^2, with e^2 = q
        a2, r0 = (1 + c) / c * (4 * q), 4 * q * q  # (2 e A)^2
    else:
        r21 = t2 / t1
        th2 = th * th
        a1, m0 = r21, th2 / 2 - null * t2
        a2, r0 = th2 * r21 * (1 + r21), th2 * (th2 / 4 - null * t2)
    width = np.maximum(w1, w2)
    order = np.argsort(width, kind="stable")
    blocks, first = [], 0
    while first < rows.size:
        # size the block by the width of its last pair (widths ascend)
        guess = first + int(cells // width[order[first]])
        per = max(64, int(cells // width[order[min(rows.size, guess) - 1]]))
        i = order[first : first + per]
        blocks.append((i, int(w1[i].max()), int(w2[i].max())))
        first += per
    # work space reused by every block (fresh large arrays would cost page faults each time)
    work = (
        np.empty(max((k2 + 2) * i.size for i, _, k2 in blocks)),
        np.empty(max(k1 * i.size for i, k1, _ in blocks)),
        np.empty(max(k1 * i.size for i, k1, _ in blocks)),
    )
    p = np.empty(rows.size)
    for i, k1, k2 in blocks:
        total, diff = _block(
            (mu1[i], lo1[i], start1[i], k1),
            (mu2[i], lo2[i], start2[i], base2[i], k2),
            (a1[i], m0[i], a2[i], r0[i]),
            work,
        )
        p[i] = np.where(big[i], total + diff, total)
    # (0, 0), on the grids when both start at 0, in p as computed (see the docstring)
    drop = (lo1 == 0) & (lo2 == 0) & (big if kind == "ratio" else null == 0)
    p -= np.where(drop, np.exp(-mu1 - mu2), 0.0)
    out[rows] = np.clip(p, 0.0, 1.0)
    return out


def _block(g1, g2, coef, work):
    """``(total, P(T >= th) - P(T >= -th))`` for a block of pairs (``th > 0``).

    In both cases ``T >= +-th`` iff ``y2 <= m -+ r`` with ``m = a1 y1 + m0`` and
    ``r^2 = a2 y1 + r0``: for the ratio ``y2 <= (A -+ e)^2 - y1``, ``A^2 = ((1 + c) / c) y1
    + e^2``, ``e^2 = th^2 / (4 c)``, ``c = R0 t1 / t2`` (the score statistic's quadratic in
    ``sqrt(c (y1 + y2))``), so ``m = A^2 - y1 + e^2 = y1 / c + 2 e^2`` and ``r = 2 e A``;
    for the difference the roots ``m -+ r`` of Krishnamoorthy and Thomson's quadratic in
    ``y2``, ``m = (t2 / t1) y1 - d t2 + th^2 / 2``, ``r^2 = th^2 ((t2 / t1)(1 + t2 / t1) y1
    + th^2 / 4 - d t2)``. The table of P(Y2 <= k) is built offset by offset (``k = lo2 - 2 +
    row``, first two rows 0 and P(Y2 < lo2), one column per pair); the ends are shifted to
    its rows, clipped to them and floored. The pmf of Y1 steps through its grid in the same
    way (the recurrence ``p(y) = p(y - 1) mu / y``, as in :func:`_poisson_grid`), and the
    sums over ``y1`` are taken at the end. Each step is a handful of vector operations over
    the whole block, so the block must be large (thousands of pairs) to amortise them, and
    small enough for its tables to stay in cache: hence ``cells``.
    """
    mu1, lo1, start1, k1 = g1
    mu2, lo2, start2, base2, k2 = g2
    a1, m0, a2, r0 = coef
    n = mu1.size
    tab = work[0][: (k2 + 2) * n].reshape(k2 + 2, n)
    tab[0] = 0.0
    tab[1] = base2
    pmf = start2.copy()
    np.add(base2, pmf, out=tab[2])
    step = np.empty(n)
    for j in range(1, k2):
        np.add(lo2, j, out=step)
        np.divide(mu2, step, out=step)
        pmf *= step
        np.add(tab[j + 1], pmf, out=tab[j + 2])
    flat2 = tab.ravel()
    pair = np.arange(n)
    m0 = m0 + (2 - lo2)  # P(Y2 <= k) is in row k - lo2 + 2 of tab
    row0 = np.where(lo1 == 0, np.maximum(2 - lo2, 0.0), 0.0)
    pmf1 = work[1][: k1 * n].reshape(k1, n)
    inner = work[2][: k1 * n].reshape(k1, n)
    y = lo1.copy()
    m = np.empty(n)
    ends = np.empty((2, n))  # rows: y2 <= m - r (T >= th) and y2 <= m + r (T >= -th)
    r = ends[1]
    for j in range(k1):
        if j == 0:
            pmf1[0] = start1
        else:
            y += 1.0
            np.divide(mu1, y, out=pmf1[j])
            pmf1[j] *= pmf1[j - 1]
        np.multiply(y, a2, out=r)
        r += r0
        np.sqrt(r, out=r)
        np.multiply(y, a1, out=m)
        m += m0
        np.subtract(m, r, out=ends[0])
        r += m
        # at y1 = 0 both regions hold y2 = 0 (row 2 - lo2), whatever the rounding of their
        # end there (exactly 0 for the ratio's T >= th and the difference's with d = 0)
        np.maximum(ends, row0 if j == 0 else 0.0, out=ends)
        np.minimum(ends, k2 + 1.0, out=ends)
        idx = ends.astype(np.intp)  # floor, the ends being >= 0
        idx *= n
        idx += pair
        cdf = flat2.take(idx)
        np.subtract(cdf[0], cdf[1], out=inner[j])
    return pmf1.sum(axis=0) * tab[-1], np.einsum("ji,ji->i", pmf1, inner)


#: Largest total count (x1 + x2) the E-test takes: its sums run over grids of ~13 sqrt(count)
#: outcomes per pair (40 s at 10^10 on one core); beyond, the E-test and the score test
#: agree to many digits (3e-9 relative at 10^8), and the score test is the one to use.
ETEST_MAX_COUNT = 1e10


def _etest_pvalue(x1, t1, x2, t2, null, kind, alternative, cells=1 << 14):
    """E-test p-values for flat arrays: two-sided ones through :func:`_two_sided_fast` where
    it applies, the others through :func:`_etest_chunk` in chunks of about ``cells`` grid
    cells (sorted by size, so that a chunk's grids have similar widths)."""
    big = (x1 + x2) > ETEST_MAX_COUNT
    if big.any():
        i = int(np.flatnonzero(big)[0])
        raise InputError(
            f"count1 + count2 = {x1[i] + x2[i]:.6g} is above the E-test's limit of "
            f"{ETEST_MAX_COUNT:.0e} (its sums grow as the square root of the counts); at such "
            "counts use method='score', which the E-test then matches to many digits"
        )
    if alternative == "two-sided" and (kind == "ratio" or (null <= 0).all()):
        out = _two_sided_fast(x1, t1, x2, t2, null, kind)
        rest = np.flatnonzero(np.isnan(out))
        if rest.size:
            args = (x1[rest], t1[rest], x2[rest], t2[rest], null[rest])
            out[rest] = _chunked(*args, kind, alternative, cells)
        return out
    return _chunked(x1, t1, x2, t2, null, kind, alternative, cells)


def _chunked(x1, t1, x2, t2, null, kind, alternative, cells):
    """:func:`_etest_chunk` over chunks of pairs sorted by size."""
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
