"""Distribution-free trend checks: the Mann-Kendall test and Sen's slope.

:func:`mann_kendall` (plain or seasonal, tie-corrected) and :func:`sen_slope` (with Gilbert's
interval) are re-exported by :mod:`conflictstats.trends`. They share the Mann-Kendall S and its
variance; neither assumes a count distribution.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._numeric import normal_pvalue, z_quantile
from .._validation import InputError, as_confidence, as_finite
from ..results import Estimate, HypothesisTest, result
from ._slopes import slope_order_stats
from .series import _as_series, in_time_order


@result
class MannKendall(HypothesisTest):
    """Mann-Kendall trend test: ``statistic`` is the continuity-corrected z; ``s`` the
    Mann-Kendall S, ``var_s`` its variance (tie-corrected), ``tau`` Kendall's tau-b."""

    s: Any = None
    var_s: Any = None
    tau: Any = None


@result
class SenSlope(Estimate):
    """Sen's slope (median of pairwise slopes, per time step) with Gilbert's interval."""


#: Longest series :func:`sen_slope` takes. The slope selection needs O(n) memory (about 65 MB
#: at 200,000 values) and O(n log² n) time per pass over the series, a few seconds a pass at
#: a million values, about a dozen passes; beyond two million values a run takes minutes.
SEN_MAX_N = 2_000_000


def _mk_s(x: np.ndarray) -> float:
    """Mann-Kendall S = sum_{i<j} sign(x_j - x_i), ties counting 0, in O(n log^2 n).

    Bottom-up merge counting on the dense ranks: at each level, blocks of width w are sorted
    (as keys block * n + rank, one sort), and every element of an odd block counts the
    elements of the even block before it that are smaller (+1 each) and larger (-1 each) by
    two searches in the sorted keys. Exact integer arithmetic throughout.
    """
    n = x.size
    _, rank = np.unique(x, return_inverse=True)
    rank = rank.astype(np.int64).ravel()
    idx = np.arange(n, dtype=np.int64)
    s = 0
    w = 1
    while w < n:
        block = idx // w
        keys = np.sort(block * n + rank)
        right = (block % 2) == 1
        rb, rr = block[right], rank[right]
        left_start = (rb - 1) * w  # first position of the even block in the sorted keys
        left_len = np.minimum(w, n - left_start)
        less = np.searchsorted(keys, (rb - 1) * n + rr, side="left") - left_start
        leq = np.searchsorted(keys, (rb - 1) * n + rr, side="right") - left_start
        s += int(less.sum()) - int((left_len - leq).sum())
        w *= 2
    return float(s)


def _mk_s_var(x: np.ndarray) -> tuple[float, float]:
    n = x.size
    s = _mk_s(x)
    _, t = np.unique(x, return_counts=True)
    t = t.astype(float)
    var = (n * (n - 1.0) * (2 * n + 5) - np.sum(t * (t - 1) * (2 * t + 5))) / 18.0
    return s, float(var)


@in_time_order(spaced=False)
def mann_kendall(
    counts: Any, *, dates: Any = None, seasonal: bool = False, period: int = 12
) -> MannKendall:
    """Mann-Kendall test for a monotone trend, with the tie correction.

    Parameters
    ----------
    counts : pandas.Series or array_like
        The series (any finite numbers; counts need not be whole here). A Series indexed
        by times (PeriodIndex, DatetimeIndex or numbers) is put in the order of its index
        first (aligned by label: rows in any order give the same test); a repeated or
        missing time point is refused. Other labels keep the order given.
    dates : str or array_like, optional
        Months of the series; with ``seasonal=True`` they set the month of year.
    seasonal : bool
        Seasonal test (Hirsch, Slack & Smith 1982): S and its variance summed over months.
    period : int
        Season length when there are no dates (12: the first value is month 1).

    Returns
    -------
    MannKendall
        ``statistic`` is ``z = (S - sign S) / sqrt(var S)``, two-sided normal p-value.

    Notes
    -----
    ``S = sum_{i<j} sign(x_j - x_i)``; ``var S = [n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18`` over
    groups of ``t`` tied values. Matches R's ``cor.test(x, time, method = "kendall",
    exact = FALSE)``. S is counted by merging sorted blocks of ranks, in O(n log² n) time and
    O(n) memory (no n × n matrix), so series of millions of values are fine.

    References
    ----------
    Mann, H. B. (1945). Nonparametric tests against trend. Econometrica 13, 245-259.
    Kendall, M. G. (1975). Rank Correlation Methods, 4th ed. Griffin.
    Hirsch, R. M., Slack, J. R. & Smith, R. A. (1982). Techniques of trend analysis for monthly
    water quality data. Water Resources Research 18(1), 107-121.

    Examples
    --------
    >>> from conflictstats.trends import mann_kendall
    >>> mk = mann_kendall([3, 5, 5, 2, 7, 7, 7, 4, 9, 6, 6, 10, 8, 8, 12, 11, 9, 13, 13, 12])
    >>> int(mk.s), round(float(mk.statistic), 2)
    (129, 4.17)
    """
    if (
        isinstance(counts, pd.Series)
        and dates is None
        and isinstance(counts.index, (pd.PeriodIndex, pd.DatetimeIndex))
    ):
        dates = counts.index
    values = counts.to_numpy() if isinstance(counts, pd.Series) else counts
    x = as_finite(values, "counts")
    if x.ndim != 1 or x.size < 3:
        raise InputError(f"counts must be one series of at least 3 values, got shape {x.shape}")
    if not seasonal:
        s, var = _mk_s_var(x)
        if var <= 0:
            raise InputError("counts: every value is tied, the Mann-Kendall variance is zero")
        n0 = x.size * (x.size - 1) / 2
        _, t = np.unique(x, return_counts=True)
        tau = s / np.sqrt(n0 * (n0 - np.sum(t * (t - 1) / 2)))
        method = "Mann-Kendall"
    else:
        if dates is not None:
            _, periods = _as_series(np.zeros(x.size), dates)
            season = np.asarray(periods.month) - 1
        else:
            season = np.arange(x.size) % int(period)
        s = var = n0 = 0.0
        for g in np.unique(season):
            xg = x[season == g]
            if xg.size < 2:
                continue
            sg, vg = _mk_s_var(xg)
            s, var, n0 = s + sg, var + vg, n0 + xg.size * (xg.size - 1) / 2
        tau = s / n0
        method = "seasonal Mann-Kendall"
    if var <= 0:
        raise InputError("counts: every value is tied, the Mann-Kendall variance is zero")
    z = (s - np.sign(s)) / np.sqrt(var)
    return MannKendall(
        statistic=float(z),
        pvalue=float(normal_pvalue(z)),
        method=method,
        quantity="Mann-Kendall z",
        s=s,
        var_s=var,
        tau=float(tau),
    )


@in_time_order
def sen_slope(counts: Any, *, confidence: float = 0.95) -> SenSlope:
    """Sen's slope: the median of all pairwise slopes, per time step, with Gilbert's interval.

    Parameters
    ----------
    counts : pandas.Series or array_like
        The series, equally spaced in time. A Series indexed by times (PeriodIndex,
        DatetimeIndex or numbers) is put in the order of its index first (aligned by label:
        rows in any order give the same slope); a repeated or missing time point is refused.
        Other labels keep the order given.
    confidence : float
        Level of the interval.

    Returns
    -------
    SenSlope

    Raises
    ------
    InputError
        When the series is too short for an interval at this level, or longer than
        :data:`SEN_MAX_N` (2,000,000) values.

    Notes
    -----
    With ``N`` pairwise slopes sorted and ``C = z_{(1+confidence)/2} sqrt(var S)`` (the
    tie-corrected Mann-Kendall variance), the interval runs from the ``round((N - C)/2)``-th to
    the ``(round((N + C)/2) + 1)``-th slope (``round`` to even, as numpy's), and the estimate
    is the median slope. The time points are 0, 1, ..., n - 1, so no pair shares its time.

    The slopes are never formed: a randomised slope selection (Matoušek 1991; Dillencourt,
    Mount & Netanyahu 1992) counts the pairs below a trial slope ``t`` as the inversions of
    the time order against the order of ``x_i - t i`` (merge counting, exact integer
    arithmetic), narrows the search by uniform samples of the pairs still in question and
    lists the last 8 n or so, in O(n) memory and about O(n log² n) time: a fraction of a
    second for 10,000 values, seconds for 100,000, under a minute for a million (see
    ``benchmarks/bench_sen.py``), at most :data:`SEN_MAX_N` values. For whole-number counts
    (and any values on one power-of-two grid, up to about ``2^62 / (3 n)``) the three slopes
    are exactly those that sorting all ``N`` slopes gives, ties included. Other values are
    rounded, only to choose the pair, to a grid of step ``max|x| / min(2^51, 2^62 / (3 n))``
    (about 1e-15 of the largest value for short series, 1e-12 at a million values); the
    slope returned is that pair's own, within about twice that step of the sorted one.

    References
    ----------
    Sen, P. K. (1968). Estimates of the regression coefficient based on Kendall's tau. Journal
    of the American Statistical Association 63, 1379-1389.
    Gilbert, R. O. (1987). Statistical Methods for Environmental Pollution Monitoring, sec. 16.5.
    Van Nostrand Reinhold.
    Cole, R., Salowe, J. S., Steiger, W. L. & Szemerédi, E. (1989). An optimal-time algorithm
    for slope selection. SIAM Journal on Computing 18(4), 792-810.
    Matoušek, J. (1991). Randomized optimal algorithm for slope selection. Information
    Processing Letters 39(4), 183-187.
    Dillencourt, M. B., Mount, D. M. & Netanyahu, N. S. (1992). A randomized algorithm for
    slope selection. International Journal of Computational Geometry & Applications 2(1),
    1-27.

    Examples
    --------
    >>> from conflictstats.trends import sen_slope
    >>> float(sen_slope([3, 5, 5, 2, 7, 7, 7, 4, 9, 6, 6, 10, 8, 8, 12, 11, 9, 13, 13, 12]).estimate)
    0.5
    """
    conf = as_confidence(confidence)
    values = counts.to_numpy() if isinstance(counts, pd.Series) else counts
    x = as_finite(values, "counts")
    if x.ndim != 1 or x.size < 3:
        raise InputError(f"counts must be one series of at least 3 values, got shape {x.shape}")
    if x.size > SEN_MAX_N:
        raise InputError(
            f"counts: sen_slope takes at most {SEN_MAX_N} values ({SEN_MAX_N * (SEN_MAX_N - 1) // 2}"
            f" pairwise slopes), got {x.size}; thin or aggregate the series (e.g. monthly sums)"
        )
    N = x.size * (x.size - 1) // 2
    _, var = _mk_s_var(x)
    c = z_quantile(conf) * np.sqrt(var)
    lo_rank, hi_rank = int(np.round((N - c) / 2)), int(np.round((N + c) / 2)) + 1
    if lo_rank < 1 or hi_rank > N:
        raise InputError(f"counts: {x.size} values are too few for a {conf:g} interval")
    mid = [(N + 1) // 2] if N % 2 else [N // 2, N // 2 + 1]
    q = slope_order_stats(x, [lo_rank, hi_rank, *mid])
    median = q[mid[0]] if N % 2 else 0.5 * (q[mid[0]] + q[mid[1]])
    return SenSlope(
        float(median),
        q[lo_rank],
        q[hi_rank],
        confidence=conf,
        method="Sen; Gilbert interval",
        quantity="Sen slope (per time step)",
    )
