"""Simultaneous confidence intervals for the shares of a composition (frequentist methods).

Sison & Glaz's (1995) intervals, with their Edgeworth approximation and the search for the
half-width vectorised over every composition, and the Goodman and Quesenberry-Hurst
score-type intervals. Used by :func:`conflictstats.proportions.multinomial_ci`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from .._numeric import binom_cdf, int_search, pois_logpmf


def _sg_nu(x, n, c):
    """Sison & Glaz (1995) eq. (7): Edgeworth approximation of the probability that every
    cell of Multinomial(n, x/n) lies within ±c of its observed count. Rows of ``x`` are
    compositions, ``c`` one half-width per row.

    The moments of each truncated Poisson(λ = x) on [b, a] come from the Stein identity
    E[(Y − λ) h(Y)] = λ E[h(Y + 1) − h(Y)], which gives the moments about λ as

        m_r = λ (Σ_{j<r−1} C(r−1, j) m_j + (b − λ)^{r−1} P(Y = b − 1) − (a + 1 − λ)^{r−1} P(Y = a)),

    every term on the scale of the result. The textbook route through the factorial moments
    λ^r P(b − r ≤ Y ≤ a − r) / P(b ≤ Y ≤ a) cancels terms of order λ⁴ to leave a fourth
    moment of order λ², and the standardised sum n − Σμ cancels two numbers of order n:
    both lose every digit once the counts are large. Here the shift of the sum is
    Σ (μ_i − λ_i), computed directly.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cc = c[:, None]
        lam = x
        b = np.maximum(x - cc, 0)
        a = np.minimum(x + cc, n[:, None])
        # P(b <= Y <= a) as 1 minus the two tails: accurate where it matters, near 1
        box = 1 - np.where(b > 0, special.pdtr(np.maximum(b - 1, 0), lam), 0.0)
        box = box - special.pdtrc(a, lam)
        pb = np.exp(pois_logpmf(b - 1, lam)) / box  # P(Y = b - 1) / box
        pa = np.exp(pois_logpmf(a, lam)) / box  # P(Y = a) / box
        db, da = b - lam, a + 1 - lam
        e1 = lam * (pb - pa)
        e2 = lam * (1 + db * pb - da * pa)
        e3 = lam * (1 + 2 * e1 + db**2 * pb - da**2 * pa)
        e4 = lam * (1 + 3 * e1 + 3 * e2 + db**3 * pb - da**3 * pa)
        mu2 = e2 - e1**2
        mu3 = e3 - 3 * e1 * e2 + 2 * e1**3
        mu4 = e4 - 4 * e1 * e3 + 6 * e1**2 * e2 - 3 * e1**4
        s2 = mu2.sum(axis=1)
        g1 = mu3.sum(axis=1) / s2**1.5
        g2 = (mu4.sum(axis=1) - 3 * (mu2**2).sum(axis=1)) / s2**2
        t = -e1.sum(axis=1) / np.sqrt(s2)
        h3 = t**3 - 3 * t
        h4 = t**4 - 6 * t**2 + 3
        h6 = t**6 - 15 * t**4 + 45 * t**2 - 15
        poly = 1 + g1 * h3 / 6 + g2 * h4 / 24 + g1**2 * h6 / 72
        # n! e^n / n^n = 1 / P(Poisson(n) = n), times the product of the boxes, times the
        # Edgeworth density at n; in logs, with the polynomial (which may be negative where
        # the expansion is poor, as in R's MultinomialCI) as a factor outside
        log_nu = (
            np.log(box).sum(axis=1) - pois_logpmf(n, n) - t**2 / 2 - 0.5 * np.log(2 * math.pi * s2)
        )
        return poly * np.exp(log_nu)


def _first_true(pred, lower, upper, *, budget=1 << 20):
    """Smallest integer c in [lower, upper] with ``pred(c)`` true, per row, scanning upwards
    as a linear search would (so the first crossing is found even where ``pred`` is not
    monotone), but in blocks of growing width evaluated at once. ``pred(upper)`` must be
    true. A block holds at most ``budget`` candidates over all rows, so memory stays
    bounded whatever the counts."""
    found = np.full(upper.shape, -1.0)
    start = lower.astype(float).copy()
    width = np.full(upper.shape, 8.0)
    while (found < 0).any():
        idx = np.flatnonzero(found < 0)
        w = int(min(width[idx].max(), max(8, budget // idx.size)))
        cand = start[idx, None] + np.arange(w, dtype=float)[None, :]
        cc = np.minimum(cand, upper[idx, None])
        ok = pred(cc.ravel(), np.repeat(idx, w)).reshape(idx.size, w)
        hit = ok.any(axis=1)
        first = cc[np.arange(idx.size), np.argmax(ok, axis=1)]
        found[idx[hit]] = first[hit]
        start[idx] += w
        width[idx] = 8 + (start[idx] - lower[idx]) // 4  # overshoot stays within ~25%
    return found


def _marginal_start(rows, nn, conf):
    """Smallest c at which every cell's binomial margin lies within ±c of its count with
    probability above ``1 - 3 (1 - conf)`` (0.85 for 95%), minus one; 0 at the least.

    The joint probability ν(c) that every cell lies within ±c is at most the smallest of the
    marginal ones, so for c + 1 below this start the true ν(c + 1) is at least 2 (1 - conf)
    short of the level: an approximation crossing the level there would be off by more than
    that. These narrow boxes (a few counts around a Poisson mean of thousands) are where the
    Edgeworth expansion fails, with values like 418 or -174 at c = 1 for counts of 10^5, and
    an upward scan from 0 (R's MultinomialCI) stops at such a spurious crossing.
    """
    p = rows / nn[:, None]
    level = 1 - 3 * (1 - conf)

    def pred(c, i):
        lo = binom_cdf(rows[i] - c[:, None] - 1, nn[i, None], p[i])
        hi = binom_cdf(rows[i] + c[:, None], nn[i, None], p[i])
        return (hi - lo).min(axis=1) > level

    c1 = int_search(pred, np.full(nn.shape, -1.0), nn)
    return np.maximum(c1 - 1, 0)


def _m_sison_glaz(x, n, conf):
    """Sison & Glaz (1995, JASA 90:366): find the integer c with nu(c) <= conf < nu(c + 1),
    then [p - c/n, p + (c + 2γ)/n] with γ = (conf - nu(c)) / (nu(c + 1) - nu(c)).

    nu(0) is taken as 0 and nu(c) as 1 once c >= n (the box holds every outcome), following
    R's MultinomialCI and statsmodels. c is the first crossing found by an upward scan, run
    over all rows at once in blocks, as R's; the scan starts where the binomial margins
    leave room for one (:func:`_marginal_start`), which at totals up to ~10^5 is below every
    crossing R finds.
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
    start = _marginal_start(rows, nn, conf)
    c = _first_true(lambda cm, idx: nu(cm + 1, idx) > conf, start, nn)
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
