"""Interval and test methods for two independent proportions: difference, ratio, odds ratio.

One small function per ``(compare, method)`` pair, each citing its paper and returning
``(estimate, low, high, test)``, ``test`` a :class:`Test` (statistic, p-value, the
statistic's name) or None for an interval-only method; score intervals (Miettinen-Nurminen, Mee, Koopman)
and the profile-likelihood interval are found by inverting their statistic with vectorised
bisection, and the conditional exact odds-ratio interval from the noncentral hypergeometric
law. :data:`_COMPARE_FUNS` is the dispatch table of
:func:`conflictstats.proportions.compare_proportions`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from scipy import special

from .._numeric import REL_ERR as _REL_ERR
from .._numeric import normal_pvalue, solve
from .._validation import InputError
from .single import _p_wilson, _p_wilson_cc


class Test(NamedTuple):
    """A method's test of ``null``: the statistic, its p-value and the statistic's name."""

    statistic: Any
    pvalue: Any
    name: str


def _z_test(z, name):
    """A test whose statistic is standard normal under the null (two-sided p-value)."""
    return Test(z, normal_pvalue(z), name)


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
    return _score_diff_p(delta, x1 / n1, x2 / n2, n1, n2, factor)


def _score_diff_p(delta, p1, p2, n1, n2, factor):
    """The score statistic for p1 - p2 = delta, from the observed proportions."""
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


def _score_ratio_phi(phi, x1, n1, x2, n2, factor):
    return _score_ratio(x1, n1, x2, n2, phi, factor)


def _score_ratio(x1, n1, x2, n2, phi, factor):
    p1, p2 = x1 / n1, x2 / n2
    pt1, pt2 = _ratio_restricted(x1, n1, x2, n2, phi)
    var = (pt1 * (1 - pt1) / n1 + phi * phi * pt2 * (1 - pt2) / n2) * factor
    num = p1 - phi * p2
    with np.errstate(divide="ignore", invalid="ignore"):
        zz = num / np.sqrt(var)
    return np.where(var > 0, zz, _signed_inf(num))


def _identity(t):
    return t


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


def _score_or_psi(psi, x1, n1, x2, n2, factor):
    return _score_or(x1, n1, x2, n2, psi, factor)


def _score_or(x1, n1, x2, n2, psi, factor):
    pt1, pt2 = _or_restricted(x1, n1, x2, n2, psi)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1 / (n1 * pt1 * (1 - pt1)) + 1 / (n2 * pt2 * (1 - pt2))
        zz = (x1 - n1 * pt1) * np.sqrt(inv / factor)
    return np.where(np.isfinite(zz), zz, _signed_inf(x1 - n1 * pt1))


def _invert_score(score, args, est_t, lo_t, hi_t, z, to_param):
    """Invert a decreasing score statistic on a transformed scale: the limits where
    ``score(to_param(t), *args)`` is +z (lower) and -z (upper).

    Both limits are found in one call of the shared root finder on the two brackets
    ``[lo_t, est_t]`` and ``[est_t, hi_t]`` stacked end to end; each step evaluates the
    statistic only at the elements still searching (``args`` are subset with them). The
    statistic is 0 at the estimate and infinite (or beyond z) at the far ends, so the ends
    are not evaluated: a limit whose far end does not reach z ends at that end."""
    est_t, lo_t, hi_t = np.broadcast_arrays(est_t, lo_t, hi_t)
    shape = est_t.shape
    m = est_t.size

    def stack(v):
        v = np.broadcast_to(np.asarray(v, float), shape).reshape(-1)
        return np.concatenate([v, v])

    target = np.repeat([z, -z], m)
    sargs = tuple(stack(a) for a in args)

    def f(t, target, *a):
        return score(to_param(t), *a) - target

    ends = np.concatenate([lo_t.reshape(-1), hi_t.reshape(-1), est_t.reshape(-1)])
    at = f(
        ends, np.concatenate([target, np.zeros(m)]), *(np.concatenate([a, a[:m]]) for a in sargs)
    )
    lo = np.concatenate([lo_t.reshape(-1), est_t.reshape(-1)])
    hi = np.concatenate([est_t.reshape(-1), hi_t.reshape(-1)])
    f_lo = np.concatenate([at[:m], at[2 * m :] + z])
    f_hi = np.concatenate([at[2 * m :] - z, at[m : 2 * m]])
    t = solve(f, lo, hi, (target, *sargs), f_lo=f_lo, f_hi=f_hi)
    # a far end where the statistic stays within z: the interval reaches that end
    t[:m] = np.where(np.sign(f_lo[:m]) == np.sign(f_hi[:m]), lo[:m], t[:m])
    return to_param(t[:m].reshape(shape)), to_param(t[m:].reshape(shape))


def _newcombe_hybrid(x1, n1, x2, n2, z, single):
    """Newcombe's (1998) hybrid interval for p1 - p2: each limit adds in quadrature the
    distances from the two proportions to their own single-proportion limits ``single``."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = single(x1, n1, z)
    l2, u2 = single(x2, n2, z)
    d = p1 - p2
    lo = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, lo, hi, None


def _d_score(x1, n1, x2, n2, z, null, factor):
    """Score interval and test for p1 - p2 with the restricted-MLE variance times ``factor``."""
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    args = (p1, p2, n1, n2, factor)
    lo, hi = _invert_score(_score_diff_p, args, d, -1.0, 1.0, z, _identity)
    lo = np.where(d <= -1, -1.0, lo)
    hi = np.where(d >= 1, 1.0, hi)
    return d, lo, hi, _z_test(_score_diff_p(null, *args), "score z")


def _d_newcombe(x1, n1, x2, n2, z, conf, null):
    """Newcombe (1998, Stat Med 17:873) method 10: hybrid of two Wilson score intervals."""
    return _newcombe_hybrid(x1, n1, x2, n2, z, _p_wilson)


def _d_mn(x1, n1, x2, n2, z, conf, null):
    """Miettinen & Nurminen (1985, Stat Med 4:213) score interval for p1 - p2, with the
    variance inflated by N/(N - 1)."""
    return _d_score(x1, n1, x2, n2, z, null, (n1 + n2) / (n1 + n2 - 1))


def _d_newcombe_cc(x1, n1, x2, n2, z, conf, null):
    """Newcombe (1998) method 11: the hybrid built on continuity-corrected Wilson intervals."""
    return _newcombe_hybrid(x1, n1, x2, n2, z, _p_wilson_cc)


def _d_mee(x1, n1, x2, n2, z, conf, null):
    """Mee (1984, Biometrics 40:1175) score interval: Miettinen-Nurminen without the
    N/(N - 1) factor (Newcombe 1998 method 5)."""
    return _d_score(x1, n1, x2, n2, z, null, 1.0)


def _d_wald_cc(x1, n1, x2, n2, z, conf, null):
    """Wald interval widened by (1/n1 + 1/n2)/2 (Newcombe 1998 method 2), clipped to
    [-1, 1]. R's ``prop.test(correct = TRUE)`` caps the correction at |d| / (1/n1 + 1/n2),
    so the two differ when the difference is small: that is :func:`_d_prop_test`."""
    p1, p2 = x1 / n1, x2 / n2
    se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    d = p1 - p2
    h = z * se + 0.5 * (1 / n1 + 1 / n2)
    return d, np.clip(d - h, -1, 1), np.clip(d + h, -1, 1), None


def _d_prop_test(x1, n1, x2, n2, z, conf, null):
    """R's ``prop.test(c(x1, x2), c(n1, n2))``: the Wald interval widened by the continuity
    correction ``c (1/n1 + 1/n2)`` with ``c = min(1/2, |d| / (1/n1 + 1/n2))``, clipped to
    [-1, 1], and the Yates-corrected chi-square test of the 2x2 table with the same capped
    correction. Where the table has no successes or no failures at all R's p-value is NaN;
    here it is 1 (every count equals its expectation)."""
    if np.any(null != 0):
        raise InputError("method='prop.test' tests a difference of 0 only (as R's prop.test)")
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    inv = 1 / n1 + 1 / n2
    yates = np.minimum(0.5, np.abs(d) / inv)
    width = z * np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) + yates * inv
    # chi-square of the 2x2 table (successes, failures) x (group 1, group 2)
    n = n1 + n2
    succ = (x1 + x2) / n
    stat = np.zeros_like(d)
    degenerate = (succ == 0) | (succ == 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        for obs, exp in (
            (x1, n1 * succ),
            (x2, n2 * succ),
            (n1 - x1, n1 * (1 - succ)),
            (n2 - x2, n2 * (1 - succ)),
        ):
            stat = stat + np.where(degenerate, 0.0, (np.abs(obs - exp) - yates) ** 2 / exp)
    p = np.where(degenerate, 1.0, special.chdtrc(1, stat))
    return d, np.maximum(d - width, -1), np.minimum(d + width, 1), Test(stat, p, "X-squared")


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
    p = np.where((se == 0) & (d == null), 1.0, normal_pvalue(zz))
    zz = np.where((se == 0) & (d == null), 0.0, zz)
    return d, np.clip(d - z * se, -1, 1), np.clip(d + z * se, -1, 1), Test(zz, p, "Wald z")


def _newcombe_quadratic(p1, p2, n1, n2, z, psi):
    """Closed-form interval of Newcombe (1998) methods 3 and 4: the limits solve a quadratic in
    p1 - p2 whose variance term is evaluated at the mean proportion ``psi``."""
    d = p1 - p2
    u = (1 / n1 + 1 / n2) / 4
    v = (1 / n1 - 1 / n2) / 4
    z2 = z * z
    centre = (d + z2 * v * (1 - 2 * psi)) / (1 + z2 * u)
    rad = (
        u * (4 * psi * (1 - psi) - d * d)
        + 2 * v * (1 - 2 * psi) * d
        + 4 * z2 * u * u * (1 - psi) * psi
        + z2 * v * v * (1 - 2 * psi) ** 2
    )
    w = z / (1 + z2 * u) * np.sqrt(np.maximum(rad, 0))
    return d, np.clip(centre - w, -1, 1), np.clip(centre + w, -1, 1), None


def _d_haldane(x1, n1, x2, n2, z, conf, null):
    """Haldane's interval (Beal 1987, Biometrics 43:941; Newcombe 1998, Stat Med 17:873,
    method 3): the quadratic interval with psi = (p1 + p2)/2, clipped to [-1, 1]."""
    p1, p2 = x1 / n1, x2 / n2
    return _newcombe_quadratic(p1, p2, n1, n2, z, 0.5 * (p1 + p2))


def _d_jeffreys_perks(x1, n1, x2, n2, z, conf, null):
    """Jeffreys-Perks interval (Beal 1987; Newcombe 1998, method 4): Haldane's quadratic with
    psi = [(x1 + 1/2)/(n1 + 1) + (x2 + 1/2)/(n2 + 1)]/2, clipped to [-1, 1]."""
    psi = 0.5 * ((x1 + 0.5) / (n1 + 1) + (x2 + 0.5) / (n2 + 1))
    return _newcombe_quadratic(x1 / n1, x2 / n2, n1, n2, z, psi)


def _binom_ll(x, n, p):
    return special.xlogy(x, p) + special.xlog1py(n - x, -p)


def _d_profile(x1, n1, x2, n2, z, conf, null):
    """Profile-likelihood interval and likelihood-ratio test for p1 - p2 (Newcombe 1998,
    method 7): the values delta whose likelihood ratio against the maximum, with (p1, p2)
    maximised under p1 - p2 = delta (Miettinen & Nurminen's restricted MLE), stays within
    the chi-square(1) quantile z²."""
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    top = _binom_ll(x1, n1, p1) + _binom_ll(x2, n2, p2)

    args = (x1, n1, x2, n2, p1, p2, top)
    lo, hi = _invert_score(_lr_signed_root, args, d, -1.0, 1.0, z, _identity)
    lo = np.where(d <= -1, -1.0, lo)
    hi = np.where(d >= 1, 1.0, hi)
    return d, lo, hi, _z_test(_lr_signed_root(null, *args), "signed root likelihood ratio")


def _lr_signed_root(delta, x1, n1, x2, n2, p1, p2, top):
    """Signed root of the likelihood-ratio statistic for p1 - p2 = delta."""
    pt1, pt2 = _mn_diff_restricted(p1, p2, n1, n2, delta)
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = 2 * (top - _binom_ll(x1, n1, pt1) - _binom_ll(x2, n2, pt2))
    return np.sign(p1 - p2 - delta) * np.sqrt(np.maximum(lr, 0))


def _haldane(x1, n1, x2, n2):
    """Add 0.5 to every cell of tables with a zero cell (Haldane 1956; Anscombe 1956)."""
    zero = (x1 == 0) | (x2 == 0) | (x1 == n1) | (x2 == n2)
    h = 0.5 * zero
    return x1 + h, n1 + 2 * h, x2 + h, n2 + 2 * h


def _r_score(x1, n1, x2, n2, z, null, factor):
    p1, p2 = x1 / n1, x2 / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.where(x2 == 0, np.where(x1 == 0, np.nan, np.inf), p1 / np.where(x2 == 0, 1, p2))

    # bracket on the log scale; the estimate itself may be 0 or inf
    mid = np.log(np.clip(np.where(np.isfinite(est), est, 1e12), 1e-12, 1e12))
    lo, hi = _invert_score(_score_ratio_phi, (x1, n1, x2, n2, factor), mid, -50.0, 50.0, z, np.exp)
    lo = np.where(x1 == 0, 0.0, lo)
    hi = np.where(x2 == 0, np.inf, hi)
    if np.isnan(est).any():
        raise InputError("x1 and x2 are both 0: the ratio of two zero proportions is undefined")
    return est, lo, hi, _z_test(_score_ratio(x1, n1, x2, n2, null, factor), "score z")


def _r_koopman(x1, n1, x2, n2, z, conf, null):
    """Koopman (1984, Biometrics 40:513) score interval for the ratio p1/p2."""
    return _r_score(x1, n1, x2, n2, z, null, 1.0)


def _r_mn(x1, n1, x2, n2, z, conf, null):
    """Miettinen & Nurminen (1985) score interval for p1/p2 (variance × N/(N - 1))."""
    return _r_score(x1, n1, x2, n2, z, null, (n1 + n2) / (n1 + n2 - 1))


def _r_katz(x1, n1, x2, n2, z, conf, null):
    """Katz et al. (1978, Biometrics 34:469) log interval, ``SE = sqrt(1/x1 - 1/n1 + 1/x2 -
    1/n2)``: finite whenever both case counts are positive (a zero non-case cell does not
    matter), as R's ``epitools::riskratio.wald``. Only where a case count is 0 is 0.5 added
    to each cell of that table (Haldane 1956) for the interval and the test; the estimate
    stays the observed ratio (0 or infinite there), and the interval's end on that side is
    0 or infinite."""
    if ((x1 == 0) & (x2 == 0)).any():
        raise InputError("x1 and x2 are both 0: the ratio of two zero proportions is undefined")
    zero = (x1 == 0) | (x2 == 0)
    h = 0.5 * zero
    a, m1, b, m2 = x1 + h, n1 + 2 * h, x2 + h, n2 + 2 * h
    log_r = np.log((a / m1) / (b / m2))
    se = np.sqrt(1 / a - 1 / m1 + 1 / b - 1 / m2)
    with np.errstate(divide="ignore"):
        est = np.where(x2 == 0, np.inf, (x1 / n1) / np.where(x2 == 0, 1.0, x2 / n2))
    low = np.where(x1 == 0, 0.0, np.exp(log_r - z * se))
    high = np.where(x2 == 0, np.inf, np.exp(log_r + z * se))
    return est, low, high, _z_test((log_r - np.log(null)) / se, "Wald z (log ratio)")


def _r_mover_wilson(x1, n1, x2, n2, z, conf, null):
    """MOVER-R interval for p1/p2 built on the two Wilson intervals (Donner & Zou 2012;
    Fagerland, Lydersen & Laake 2015): the ratios r where the MOVER limits of p1 - r p2
    reach 0, a Fieller-type quadratic whose variance terms are recovered from the Wilson
    limits (l1, u1) and (l2, u2). The lower limit is 0 where its quadratic has no real
    root, and the upper limit infinite where it has none or it is negative (as
    ``contingencytables::MOVER_R_Wilson_CI_ratio_2x2``). An interval only."""
    if ((x1 == 0) & (x2 == 0)).any():
        raise InputError("x1 and x2 are both 0: the ratio of two zero proportions is undefined")
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = _p_wilson(x1, n1, z)
    l2, u2 = _p_wilson(x2, n2, z)
    pp = p1 * p2
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = (pp - np.sqrt(pp * pp - l1 * u2 * (2 * p1 - l1) * (2 * p2 - u2))) / (
            u2 * (2 * p2 - u2)
        )
        hi = (pp + np.sqrt(pp * pp - u1 * l2 * (2 * p1 - u1) * (2 * p2 - l2))) / (
            l2 * (2 * p2 - l2)
        )
        est = np.where(x2 == 0, np.inf, p1 / np.where(x2 == 0, 1.0, p2))
    lo = np.maximum(np.where(np.isnan(lo), 0.0, lo), 0.0)
    hi = np.where(np.isnan(hi) | (hi < 0), np.inf, hi)
    return est, lo, hi, None


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
        _z_test((log_or - np.log(null)) / se, "Wald z (log odds ratio)"),
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

    mid = np.log(np.clip(est, 1e-12, 1e12))
    lo, hi = _invert_score(_score_or_psi, (x1, n1, x2, n2, factor), mid, -50.0, 50.0, z, np.exp)
    lo = np.where(est == 0, 0.0, lo)
    hi = np.where(np.isinf(est), np.inf, hi)
    return est, lo, hi, _z_test(_score_or(x1, n1, x2, n2, null, factor), "score z")


#: Largest support (summed over tables) the conditional exact odds ratio enumerates (~2 GB of
#: working arrays).
_EXACT_OR_MAX_CELLS = 2e7


def _o_exact(x1, n1, x2, n2, z, conf, null):
    """Conditional maximum-likelihood odds ratio, Cornfield's (1956) exact interval and
    Fisher's exact test, from the noncentral hypergeometric law of x1 given the margins (as
    R's ``fisher.test``)."""
    m = x1 + x2
    lo_s = np.maximum(0, m - n2)
    hi_s = np.minimum(n1, m)
    width = int(np.max(hi_s - lo_s)) + 1
    if width * max(x1.size, 1) > _EXACT_OR_MAX_CELLS:
        # the law is held on its whole support, as R's fisher.test does: refuse what would
        # not fit rather than fail inside numpy's allocator
        raise InputError(
            f"method='exact-cond' for an odds ratio enumerates the {width:.6g} possible values "
            f"of x1 given the margins (for {x1.size} tables), above its limit of "
            f"{_EXACT_OR_MAX_CELLS:.0e} values; use method='miettinen-nurminen' or 'woolf', "
            "which at such counts agree with it closely"
        )
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

    alpha = 1 - conf
    big = np.full(x1.shape, 60.0)
    at_lo, at_hi = x1 == lo_s, x1 == hi_s
    # each search evaluates only the tables still searching: the grids ride along in args
    grid = (logd, uu, valid, np.broadcast_to(xs, uu.shape))
    est = np.exp(solve(_cond_mean_excess, -big, big, (*grid, x1)))
    est = np.where(at_lo, 0.0, np.where(at_hi, np.inf, est))
    half = np.full(x1.shape, alpha / 2)
    lo = np.exp(solve(_cond_upper_excess, -big, big, (*grid, half)))
    hi = np.exp(solve(_cond_lower_excess, -big, big, (*grid, half)))
    lo = np.where(at_lo, 0.0, lo)
    hi = np.where(at_hi, np.inf, hi)
    d = _cond_dens(np.log(null), logd, uu, valid)
    d_obs = np.sum(np.where(uu == xs, d, 0), axis=-1)
    p = np.sum(np.where(d <= d_obs[..., None] * _REL_ERR, d, 0), axis=-1)
    return est, lo, hi, Test(x1.astype(float), np.minimum(p, 1.0), "x1 given the margins")


def _cond_dens(log_psi, logd, uu, valid):
    """The noncentral hypergeometric law on its support grid (last axis) at log odds ratio
    ``log_psi``."""
    lp = logd + np.asarray(log_psi)[..., None] * uu
    lp = lp - lp.max(axis=-1, keepdims=True)
    e = np.where(valid, np.exp(lp), 0.0)
    return e / e.sum(axis=-1, keepdims=True)


def _cond_mean_excess(log_psi, logd, uu, valid, xs, x):  # E(U) - x, increasing in psi
    return np.sum(_cond_dens(log_psi, logd, uu, valid) * uu, axis=-1) - x


def _cond_upper_excess(log_psi, logd, uu, valid, xs, target):  # P(U >= x) - target, increasing
    return np.sum(np.where(uu >= xs, _cond_dens(log_psi, logd, uu, valid), 0), axis=-1) - target


def _cond_lower_excess(log_psi, logd, uu, valid, xs, target):  # P(U <= x) - target, decreasing
    return np.sum(np.where(uu <= xs, _cond_dens(log_psi, logd, uu, valid), 0), axis=-1) - target


_COMPARE_FUNS = {
    ("difference", "newcombe"): _d_newcombe,
    ("difference", "miettinen-nurminen"): _d_mn,
    ("difference", "agresti-caffo"): _d_agresti_caffo,
    ("difference", "wald"): _d_wald,
    ("difference", "newcombe-cc"): _d_newcombe_cc,
    ("difference", "mee"): _d_mee,
    ("difference", "wald-cc"): _d_wald_cc,
    ("difference", "prop.test"): _d_prop_test,
    ("difference", "haldane"): _d_haldane,
    ("difference", "jeffreys-perks"): _d_jeffreys_perks,
    ("difference", "profile-likelihood"): _d_profile,
    ("ratio", "koopman"): _r_koopman,
    ("ratio", "miettinen-nurminen"): _r_mn,
    ("ratio", "katz-log"): _r_katz,
    ("ratio", "mover-wilson"): _r_mover_wilson,
    ("odds-ratio", "exact-cond"): _o_exact,
    ("odds-ratio", "woolf"): _o_woolf,
    ("odds-ratio", "miettinen-nurminen"): _o_mn,
}
