"""Power of the two-period rate comparison and the number of periods needed to detect a change.

The public functions :func:`power_compare_rates` and :func:`periods_needed` are re-exported by
:mod:`conflictstats.rates`; import them from there.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._numeric import ALTERNATIVES, broadcast, pandas_aligned, solve, z_quantile
from .._validation import InputError, as_confidence, as_exposure, as_finite, check_choice

__all__ = ["power_compare_rates", "periods_needed"]


def _power_args(rate1, ratio, dispersion, confidence, alternative):
    alternative = check_choice(alternative, ALTERNATIVES, "alternative")
    conf = as_confidence(confidence)
    r1 = as_exposure(rate1, "rate1")
    rr = as_exposure(ratio, "ratio")
    phi = as_exposure(dispersion, "dispersion")
    return r1, rr, phi, conf, alternative


def _power(n, r1, rr, phi, conf, alternative):
    sigma = np.sqrt(phi / n * (1 / r1 + 1 / (r1 * rr)))
    delta = np.log(rr) / sigma
    if alternative == "two-sided":
        z = z_quantile(conf)
        return special.ndtr(delta - z) + special.ndtr(-delta - z)
    z = z_quantile(conf, one_sided=True)
    return special.ndtr((delta if alternative == "larger" else -delta) - z)


@pandas_aligned("rate1", "ratio", "periods", "dispersion")
def power_compare_rates(
    rate1, ratio, periods, *, dispersion=1.0, confidence=0.95, alternative="two-sided"
):
    """Power of the rate comparison when a rate ``rate1`` changes by a factor ``ratio``.

    Parameters
    ----------
    rate1 : array_like
        Baseline rate per period (e.g. attacks per month), positive.
    ratio : array_like
        The change to detect: the other period's rate is ``rate1 * ratio`` (1.25: a 25% rise).
    periods : array_like
        Number of periods (months) observed in each of the two groups, positive.
    dispersion : array_like, default 1.0
        Variance / mean of a count per period (1: Poisson).
    confidence : float, default 0.95
        The test's level is ``1 - confidence``.
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: a one-sided test for a rise (``ratio > 1``).

    Returns
    -------
    numpy.ndarray or float
        Power, in the broadcast shape of the inputs.

    Raises
    ------
    InputError
        Non-positive rate, ratio, periods or dispersion; unknown alternative.

    Notes
    -----
    Normal approximation to the log rate ratio test: ``log(ratio)`` over
    ``sigma = sqrt(dispersion / periods * (1 / rate1 + 1 / (rate1 ratio)))``; the two-sided
    power counts both rejection tails. This is statsmodels'
    ``power_poisson_ratio_2indep(..., method_var="alt")`` (Zhu & Lakkis 2014, variance
    under the alternative).

    References
    ----------
    Zhu, H., Lakkis, H. (2014). Sample size calculation for comparing two negative binomial
    rates. Statistics in Medicine 33, 376-387.

    Examples
    --------
    >>> from conflictstats.rates import power_compare_rates
    >>> float(round(power_compare_rates(60, 1.25, 12), 3))
    0.994
    >>> power_compare_rates(60, 1.25, 12, dispersion=[5, 10]).round(2).tolist()
    [0.51, 0.29]
    """
    r1, rr, phi, conf, alternative = _power_args(rate1, ratio, dispersion, confidence, alternative)
    n = as_exposure(periods, "periods")
    r1, rr, n, phi = broadcast(rate1=r1, ratio=rr, periods=n, dispersion=phi)
    out = _power(n, r1, rr, phi, conf, alternative)
    return out if np.ndim(out) else float(out)


@pandas_aligned("rate1", "ratio", "dispersion")
def periods_needed(
    rate1, ratio, *, power=0.8, dispersion=1.0, confidence=0.95, alternative="two-sided"
):
    """Number of periods (months) per group needed to detect a change of ``ratio``.

    Parameters
    ----------
    rate1, ratio, dispersion, confidence, alternative
        As in :func:`power_compare_rates`.
    power : float, default 0.8
        Target power, in (1 - confidence, 1).

    Returns
    -------
    numpy.ndarray or float
        Periods per group (not rounded: take ``numpy.ceil`` for whole months); ``inf`` where
        ``ratio == 1`` (no change cannot be detected), or where the change is in the
        direction a one-sided test ignores.

    Raises
    ------
    InputError
        As :func:`power_compare_rates`, or a target power outside (1 - confidence, 1).

    Notes
    -----
    One-sided: ``n = dispersion (z_a + z_b)^2 (1/rate1 + 1/(rate1 ratio)) / log(ratio)^2``.
    Two-sided: the power equation including both tails is solved numerically (bracketed by
    the one-sided formula at level a/2).

    References
    ----------
    Zhu, H., Lakkis, H. (2014). Statistics in Medicine 33, 376-387.

    Examples
    --------
    >>> from conflictstats.rates import periods_needed
    >>> float(round(periods_needed(60, 1.25), 1))
    4.7
    >>> periods_needed(60, 1.25, dispersion=[1, 5, 10]).round(1).tolist()
    [4.7, 23.6, 47.3]
    """
    r1, rr, phi, conf, alternative = _power_args(rate1, ratio, dispersion, confidence, alternative)
    target = float(as_finite(power, "power"))
    if not (1 - conf < target < 1):
        raise InputError(f"power must lie in ({1 - conf:g}, 1), got {power!r}")
    r1, rr, phi = broadcast(rate1=r1, ratio=rr, dispersion=phi)
    shape = r1.shape
    r1, rr, phi = (np.ravel(v).astype(float) for v in (r1, rr, phi))
    lr = np.log(rr)
    zb = special.ndtri(target)
    v1 = phi * (1 / r1 + 1 / (r1 * rr))
    with np.errstate(divide="ignore"):
        if alternative == "two-sided":
            upper = v1 * (z_quantile(conf) + zb) ** 2 / lr**2
            out = np.full(r1.shape, np.inf)
            ok = lr != 0
            if ok.any():

                def f(n, r1, rr, phi):
                    return _power(n, r1, rr, phi, conf, alternative) - target

                lo = upper[ok] * 1e-6
                out[ok] = solve(f, lo, upper[ok] * (1 + 1e-9), (r1[ok], rr[ok], phi[ok]))
        else:
            sign = 1.0 if alternative == "larger" else -1.0
            n = v1 * (z_quantile(conf, one_sided=True) + zb) ** 2 / lr**2
            out = np.where(sign * lr > 0, n, np.inf)
    out = out.reshape(shape)
    return out if shape else float(out)
