"""Two lists: Lincoln-Petersen and Chapman with Seber's variance and Chao's interval."""

from typing import Any

import numpy as np

from .._numeric import broadcast, check_le, pandas_aligned, z_quantile
from .._validation import (
    InputError,
    as_confidence,
    as_counts,
    check_choice,
    check_method,
)
from ..results import Estimate, result

TWO_LIST_METHODS = ("chapman", "lincoln-petersen")
TWO_LIST_INTERVALS = ("log-normal", "wald")


@result
class TwoListEstimate(Estimate):
    """Population size from two lists; adds the inputs, the number observed and the SE."""

    n1: Any = None
    n2: Any = None
    m: Any = None
    observed: Any = None
    se: Any = None


def _lincoln_petersen(n1, n2, m):
    """Lincoln-Petersen: N = n1 n2 / m; Seber (1982, eq. 3.2) variance."""
    est = n1 * n2 / m
    var = n1 * n2 * (n1 - m) * (n2 - m) / m**3
    return est, var


def _chapman(n1, n2, m):
    """Chapman (1951): N = (n1+1)(n2+1)/(m+1) - 1; Seber (1970) variance."""
    est = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    return est, var


def _lognormal_interval(observed, est, var, confidence):
    """Chao (1987): log(N - observed) normal; degenerate at N = observed when var = 0."""
    z = z_quantile(confidence)
    f0 = est - observed
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.exp(z * np.sqrt(np.log1p(var / f0**2)))
        lo = np.where(f0 > 0, observed + f0 / c, observed)
        hi = np.where(f0 > 0, observed + f0 * c, observed)
    return lo, hi


def _wald_interval(observed, est, var, confidence):
    z = z_quantile(confidence)
    se = np.sqrt(var)
    return np.maximum(est - z * se, observed), est + z * se


@pandas_aligned("n1", "n2", "m")
def two_list(
    n1: Any,
    n2: Any,
    m: Any,
    *,
    method: str = "chapman",
    interval: str = "log-normal",
    confidence: float = 0.95,
) -> TwoListEstimate:
    """Population size from two overlapping lists (dual-system estimation).

    Parameters
    ----------
    n1, n2 : int or array_like of int
        Number of distinct people on the first and on the second list.
    m : int or array_like of int
        Number on both lists (matched records). The three broadcast.
    method : {"chapman", "lincoln-petersen"}
        Estimator (see Notes).
    interval : {"log-normal", "wald"}
        Interval: Chao's log-normal interval (default) or estimate ± z·SE.
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    TwoListEstimate
        ``estimate`` the total, ``ci_low``/``ci_high`` its interval, ``se`` the square root
        of Seber's variance, ``observed`` = n1 + n2 - m.

    Raises
    ------
    InputError
        For negative, fractional or non-finite counts, ``m`` above ``n1`` or ``n2``, ``m = 0``
        with "lincoln-petersen" (the estimate is infinite), or an unknown method or interval.

    Notes
    -----
    Lincoln-Petersen: N = n1 n2 / m, variance n1 n2 (n1 - m)(n2 - m) / m³. Chapman:
    N = (n1 + 1)(n2 + 1)/(m + 1) - 1, nearly unbiased when n1 + n2 ≥ N, variance
    (n1 + 1)(n2 + 1)(n1 - m)(n2 - m) / ((m + 1)²(m + 2)) (Seber 1970). The log-normal interval
    takes the unseen number f0 = N - observed as log-normal: with
    C = exp(z √log(1 + var/f0²)) it is [observed + f0/C, observed + f0·C], so its lower end
    never falls below the number observed (Chao 1987). When one list contains the other
    (f0 = 0) the interval is the single point ``observed``.

    References
    ----------
    Chapman, D. G. (1951). Some properties of the hypergeometric distribution with
    applications to zoological sample censuses. University of California Publications in
    Statistics 1, 131-160.
    Seber, G. A. F. (1970). The effects of trap response on tag recapture estimates.
    Biometrics 26, 13-22.
    Seber, G. A. F. (1982). The Estimation of Animal Abundance, 2nd ed. Griffin, London.
    Chao, A. (1987). Estimating the population size for capture-recapture data with unequal
    catchability. Biometrics 43, 783-791.

    Examples
    --------
    >>> from conflictstats.mse import two_list
    >>> r = two_list(135, 122, 49)      # hepatitis A: serum tests and quarantine records
    >>> round(r.estimate, 1), round(r.ci_low), round(r.ci_high)
    (333.6, 289, 403)
    >>> two_list([135, 135], [122, 122], [49, 49], method="lincoln-petersen").estimate.round(1)
    array([336.1, 336.1])
    """
    method = check_method(method, TWO_LIST_METHODS)
    interval = check_choice(interval, TWO_LIST_INTERVALS, "interval")
    confidence = as_confidence(confidence)
    a = as_counts(n1, "n1")
    b = as_counts(n2, "n2")
    both = as_counts(m, "m")
    a, b, both = broadcast(n1=a, n2=b, m=both)
    check_le(both, a, "m", "n1")
    check_le(both, b, "m", "n2")
    if method == "lincoln-petersen" and (both == 0).any():
        raise InputError(
            "m must be positive for method 'lincoln-petersen' (no matches: the estimate is "
            "infinite); use method='chapman'"
        )
    est, var = _chapman(a, b, both) if method == "chapman" else _lincoln_petersen(a, b, both)
    observed = a + b - both
    limits = _lognormal_interval if interval == "log-normal" else _wald_interval
    lo, hi = limits(observed, est, var, confidence)
    return TwoListEstimate(
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        confidence=confidence,
        method=f"{method}, {interval} CI",
        quantity="population size",
        n1=a,
        n2=b,
        m=both,
        observed=observed,
        se=np.sqrt(var),
    )
