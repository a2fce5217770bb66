"""Vague shares of a count: how many of N a reported share ("about half of 308") allows.

:func:`subgroup_count` and its result :class:`SubgroupCount`, re-exported by (and documented
as part of) :mod:`conflictstats.proportions`. The share may be a number, a (low, high) range or
a parsed reported figure; the subgroup is read as whole numbers within the bounds or as a
binomial draw.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from scipy import stats

from .._numeric import broadcast, pandas_aligned
from .._validation import InputError, as_confidence, as_counts, as_finite, check_method
from ..results import Estimate, result

__all__ = ["SubgroupCount", "subgroup_count"]


@result
class SubgroupCount(Estimate):
    """A subgroup count implied by a (possibly vague) share of a total count."""

    total: Any = None
    share_low: Any = None
    share_high: Any = None

    interval_label: ClassVar[str] = "interval"


def _share_bounds(share: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, low, high) of a share given as a number, a (low, high) pair, a parsed share
    (its ``share_low``/``share_high``) or an object with ``.low``/``.high`` (and optionally
    ``.value``)."""
    if getattr(share, "share_low", None) is not None:
        # a parsed share keeps its own interval ("about half of 308": 0.45 to 0.55)
        low, high = share.share_low, share.share_high
        value = None
    elif hasattr(share, "low") and hasattr(share, "high"):
        low, high = share.low, share.high
        value = getattr(share, "value", None)
    elif isinstance(share, tuple) and len(share) == 2:
        low, high = share
        value = None
    else:
        low = high = value = share
    lo = as_finite(low, "share (low)")
    hi = as_finite(high, "share (high)")
    for name, arr in (("share (low)", lo), ("share (high)", hi)):
        if ((arr < 0) | (arr > 1)).any():
            raise InputError(
                f"{name} must be a share in [0, 1], got {arr[(arr < 0) | (arr > 1)].flat[0]!r}"
            )
    if (lo > hi).any():
        raise InputError(f"share low must not exceed high, got {lo.flat[0]!r} > {hi.flat[0]!r}")
    val = 0.5 * (lo + hi) if value is None else as_finite(value, "share (value)")
    return val, lo, hi


@pandas_aligned("share", "total")
def subgroup_count(
    share: Any,
    total: Any,
    *,
    method: str = "bounds",
    confidence: float = 0.95,
) -> SubgroupCount:
    """How many of ``total`` a (possibly vague) reported share amounts to.

    "About half of the 308 civilians were women and children": the share is a range, not a
    number, and the subgroup is a whole number of people.

    Parameters
    ----------
    share : float, (low, high) tuple, or object with ``.low`` and ``.high``
        The share: exact, a range, or a parsed reported figure (any object with ``low``,
        ``high`` and optionally ``value`` attributes, e.g.
        ``conflictstats.reported.parse_figure("about half")``). An object that also has a
        ``base`` and limits above 1 ("about half of 308" already read as a number of people)
        is divided by its base first.
    total : int or array_like of int
        The count the share is of.
    method : {"bounds", "binomial"}
        "bounds": the whole numbers m with low <= m / total <= high — what the phrase allows
        when the share describes these very people (confidence 1). "binomial": the share is
        of the process the total came from, so m ~ Binomial(total, p) for some p in
        [low, high]; the interval runs from the α/2 quantile at ``low`` to the 1 − α/2
        quantile at ``high`` and holds at least the stated confidence for every such p
        (widened, where needed, to the whole numbers around the estimate).
    confidence : float
        Confidence level for "binomial" (ignored by "bounds", whose level is 1).

    Returns
    -------
    SubgroupCount
        ``estimate`` = value × total, the interval, the total and the share's bounds.

    Raises
    ------
    InputError
        For a share outside [0, 1], low above high, bad counts or an unknown method.

    Notes
    -----
    "bounds" is ⌈low·N⌉ to ⌊high·N⌋ (a one-element tolerance of 1e-9 guards rounding).
    When no whole number lies between low·N and high·N (an exact share of 0.3 of 308 is
    92.4 people), it is the two whole numbers either side, ⌊low·N⌋ to ⌈high·N⌉ (92 to 93).

    Examples
    --------
    >>> from conflictstats.proportions import subgroup_count
    >>> r = subgroup_count((0.45, 0.55), 308)     # "about half of 308"
    >>> r.estimate, r.ci_low, r.ci_high
    (154.0, 139.0, 169.0)
    """
    method = check_method(method, ("bounds", "binomial"))
    confidence = as_confidence(confidence)
    val, lo, hi = _share_bounds(share)
    n = as_counts(total, "total")
    val, lo, hi, n = broadcast(share=val, share_low=lo, share_high=hi, total=n)
    if method == "bounds":
        c_lo = np.ceil(lo * n - 1e-9)
        c_hi = np.floor(hi * n + 1e-9)
        # an exact share between two whole numbers (0.3 of 308 is 92.4) allows none: the
        # interval is then the two whole numbers either side, never an inverted one
        gap = c_lo > c_hi
        c_lo, c_hi = np.where(gap, np.floor(lo * n), c_lo), np.where(gap, np.ceil(hi * n), c_hi)
        conf = 1.0
        label = "bounds"
    else:
        alpha = 1 - confidence
        c_lo = stats.binom.ppf(alpha / 2, n, lo)
        c_hi = stats.binom.ppf(1 - alpha / 2, n, hi)
        # the estimate is an expected count, which need not be a whole number inside the
        # whole-number interval (0.9995 of 24 is 23.99 while the interval is 24 to 24): the
        # interval is widened to the whole numbers around it (coverage only grows)
        c_lo = np.minimum(c_lo, np.floor(val * n))
        c_hi = np.maximum(c_hi, np.ceil(val * n))
        conf = confidence
        label = "binomial"
    return SubgroupCount(
        estimate=val * n,
        ci_low=c_lo,
        ci_high=c_hi,
        confidence=conf,
        method=label,
        quantity="subgroup count",
        total=n,
        share_low=lo,
        share_high=hi,
    )
