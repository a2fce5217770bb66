"""Simultaneous confidence intervals for the shares of a composition (frequentist methods).

Sison & Glaz's (1995) intervals, with their Edgeworth approximation and the search for the
half-width vectorised over every composition, and the Goodman and Quesenberry-Hurst
score-type intervals. Used by :func:`conflictstats.proportions.multinomial_ci`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats


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
