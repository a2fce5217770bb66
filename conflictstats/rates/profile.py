"""Profile-likelihood interval and likelihood-ratio test for ``compare_series``' rate ratio.

The model is ``log E[y] = b0 + b1 x + offset`` with ``x`` the period-1 indicator. Fixing
``b1 = v`` leaves one free coefficient, the intercept, whose maximum is in closed form for
Poisson (``exp(b0) = sum(y) / sum(exp(v x + offset))``) and the root of a monotone score for
NB2 at a fixed ``theta``. The profile statistic is the deviance increase over the full fit,
divided by the dispersion for quasi-Poisson; the interval is where it stays below
``z_{1 - a/2}^2`` -- the rule of R's ``confint()`` on a glm (MASS's ``profile.glm``), which
holds the negative binomial ``theta`` at its estimate and cuts the quasi-Poisson profile
at the normal quantile too. R interpolates a spline through a few profile points; here the
ends are roots found to 1e-10.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special

from .._numeric import z_quantile
from ..countglm import count_loglik


def _loglik(y, mu, theta):
    return count_loglik(y, mu, 1.0 / theta if theta is not None else 0.0)


def _profile_loglik(v, y, x, offset, family, theta):
    """Maximum over the intercept of the log-likelihood with ``b1 = v``."""
    eta = v * x + offset
    if family != "negbin":
        b0 = np.log(y.sum()) - special.logsumexp(eta)
        return _loglik(y, np.exp(b0 + eta), theta)

    def score(b0):
        mu = np.exp(b0 + eta)
        return float(np.sum((y - mu) / (1.0 + mu / theta)))

    start = np.log(y.sum()) - special.logsumexp(eta)  # the Poisson intercept
    lo, hi = start - 1.0, start + 1.0
    while score(lo) < 0:
        lo -= 2.0 * (hi - lo)
    while score(hi) > 0:
        hi += 2.0 * (hi - lo)
    b0 = optimize.brentq(score, lo, hi, xtol=1e-13, rtol=1e-14)
    return _loglik(y, np.exp(b0 + eta), theta)


def profile_ratio(y, x, offset, b1, se, *, family, theta, dispersion, confidence):
    """Profile-likelihood interval of ``b1`` (log rate ratio) and the likelihood-ratio
    p-value of ``b1 = 0``.

    Returns ``(low, high, pvalue)`` on the log scale. ``dispersion`` divides the deviance
    for quasi-Poisson (1 otherwise); ``theta`` is the fixed NB2 ``theta``.
    """
    scale = dispersion if family == "quasi-poisson" else 1.0
    top = _profile_loglik(b1, y, x, offset, family, theta)
    crit = z_quantile(confidence) ** 2

    def excess(v):
        return 2.0 * (top - _profile_loglik(v, y, x, offset, family, theta)) / scale - crit

    ends = []
    for side in (-1.0, 1.0):
        step = max(float(se), 1e-3)
        outer = b1 + side * step
        while excess(outer) < 0:
            step *= 2.0
            outer = b1 + side * step
        lo, hi = sorted((b1, outer))
        ends.append(optimize.brentq(excess, lo, hi, xtol=1e-12, rtol=1e-12))
    stat = max(excess(0.0) + crit, 0.0)
    pvalue = float(special.chdtrc(1, stat))
    return ends[0], ends[1], pvalue
