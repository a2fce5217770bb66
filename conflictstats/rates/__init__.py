"""Poisson counts and rates: one-sample intervals, two-sample comparisons, claim checks, power.

Every function takes numpy arrays and broadcasts them (one call, a million answers) and returns
a member of the shared result family (:class:`RateEstimate`, :class:`RateComparison`,
:class:`ClaimCheck`). The algorithms are chosen by ``method=`` strings, each a small private
function citing its source.

* :func:`rate_ci` — one count over an exposure: exact (Garwood), mid-p, score, Wald, Jeffreys.
* :func:`compare_rates` — two counts: rate ratio or difference, with exact-conditional, mid-p,
  score, Wald and E-test (Krishnamoorthy & Thomson) p-values and intervals.
* :func:`compare_series` — two periods of monthly counts: a GLM with a period indicator
  (Poisson, quasi-Poisson or negative binomial) that lets the data state their overdispersion.
* :func:`claim_check` — only headline rates reported ("up to 75 a month versus 60"): the
  comparison across a grid of overdispersion values and the dispersion at which it stops
  being significant.
* :func:`power_compare_rates`, :func:`periods_needed` — power of the comparison and the
  number of periods (months) needed to detect a change.

The implementation lives in private modules: ``rates.onesample`` (the ``rate_ci`` methods),
``rates.twosample`` (the ``compare_rates`` methods), ``rates.etest`` (the vectorised E-test),
``rates.power`` (power and periods needed, re-exported here); the numerics are the package's
own (:mod:`conflictstats._numeric`).
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
from scipy import special

from .._numeric import (
    ALTERNATIVES,
    broadcast,
    check_same_index,
    normal_pvalue,
    pandas_aligned,
    t_pvalue,
    t_quantile,
    z_quantile,
)
from .._validation import (
    InputError,
    as_confidence,
    as_counts,
    as_exposure,
    as_finite,
    check_choice,
    check_method,
)
from ..countglm import fit_count_glm
from ..results import Estimate, aux_field, result
from .maximum import MaximumEstimate, maximum_cdf, mean_from_maximum
from .onesample import _RATE_DISPATCH, _RATE_PVALUE, _RATE_STATISTIC, _rate_exact_tsmethod
from .power import periods_needed, power_compare_rates
from .profile import profile_ratio
from .twosample import (
    _DIFF_DISPATCH,
    _DIFF_STATISTIC,
    _POSITIVE_COUNTS,
    _RATIO_DISPATCH,
    _RATIO_STATISTIC,
    TSMETHODS,
    _ratio_score,
    _ratio_wald,
)

__all__ = [
    "RateEstimate",
    "RateComparison",
    "ClaimCheck",
    "rate_ci",
    "compare_rates",
    "compare_series",
    "claim_check",
    "power_compare_rates",
    "periods_needed",
    "MaximumEstimate",
    "maximum_cdf",
    "mean_from_maximum",
    "RATE_METHODS",
    "RATIO_METHODS",
    "DIFFERENCE_METHODS",
    "SERIES_MODELS",
    "TSMETHODS",
]

RATE_METHODS = ("exact", "mid-p", "score", "wald", "jeffreys")
RATIO_METHODS = (
    "exact-cond",
    "mid-p",
    "score",
    "wald",
    "etest",
    "wald-log",
    "wald-untransformed",
    "score-log",
    "sqrt",
)
DIFFERENCE_METHODS = ("wald", "score", "etest")
SERIES_MODELS = ("poisson", "quasi-poisson", "negbin")


# ---------------------------------------------------------------------------------------
# result classes
# ---------------------------------------------------------------------------------------
@result
class RateEstimate(Estimate):
    """A rate (events per unit of exposure) with its interval.

    Adds ``count`` and ``exposure`` to :class:`~conflictstats.results.Estimate`;
    ``estimate = count / exposure``. With a test (``rate_ci(..., null=...)``) it also
    carries, out of the table, ``statistic`` (one per element) and ``statistic_name``;
    for the exact method ``tsmethod`` (the two-sided rule) as well.
    """

    count: Any = None
    exposure: Any = None
    statistic: Any = aux_field()
    statistic_name: Any = aux_field()
    tsmethod: Any = aux_field()

    column_order: ClassVar[tuple[str, ...]] = (
        *Estimate.column_order,
        "count",
        "exposure",
    )


@result
class RateComparison(Estimate):
    """Two rates compared: a ratio (``rate1 / rate2``) or difference (``rate1 - rate2``).

    Adds the data (``count1``, ``exposure1``, ``count2``, ``exposure2``), what is compared
    (``compare``: ``"ratio"`` or ``"difference"``), the test's ``alternative`` and ``null``
    value, and, for comparisons that allow overdispersion, the ``dispersion`` used or
    estimated (variance / mean of a count; 1 for Poisson) and the negative binomial ``theta``.
    Model-based comparisons (:func:`compare_series`) also carry, out of the table, the
    fit's ``deviance`` and ``loglik`` (NaN for quasi-Poisson) and ``theta_se``.

    Every comparison with a p-value carries, out of the table, the test's ``statistic``
    (one per element, the shape of ``pvalue``) and its ``statistic_name`` (``"z (score)"``,
    ``"z (Wald, log ratio)"``, ``"T (E-test, score)"``, ...; for the exact conditional and
    mid-p tests the statistic is the observed ``count1``, the test being conditional on
    ``count1 + count2``); the exact conditional test also its two-sided rule ``tsmethod``.
    """

    count1: Any = None
    exposure1: Any = None
    count2: Any = None
    exposure2: Any = None
    compare: str = "ratio"
    dispersion: Any = None
    theta: Any = None
    theta_se: Any = aux_field()
    deviance: Any = aux_field()
    loglik: Any = aux_field()
    statistic: Any = aux_field()
    statistic_name: Any = aux_field()
    tsmethod: Any = aux_field()

    column_order: ClassVar[tuple[str, ...]] = (
        *Estimate.column_order,
        "compare",
        "alternative",
        "null",
        "count1",
        "exposure1",
        "count2",
        "exposure2",
        "dispersion",
    )


@result
class ClaimCheck(RateComparison):
    """A headline-rate comparison over a grid of dispersions (one element per dispersion).

    ``to_frame()`` is the tidy table (one row per dispersion). Beyond
    :class:`RateComparison` it carries, kept out of the table:

    ``critical_dispersion``
        the dispersion at which the p-value equals ``1 - confidence`` exactly: the difference
        is significant below it and not from it on (below 1 when it is not significant even
        for Poisson counts; 0 for a one-sided alternative when the rates differ the other
        way; see :func:`claim_check`);
    ``smallest_nonsignificant``
        the smallest value of the grid at which the difference is not significant, or ``None``
        when it is significant at every grid value.
    """

    critical_dispersion: Any = aux_field()
    smallest_nonsignificant: Any = aux_field()


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
def _broadcast_pair(count1, exposure1, count2, exposure2):
    c1 = as_counts(count1, "count1")
    e1 = as_exposure(exposure1, "exposure1")
    c2 = as_counts(count2, "count2")
    e2 = as_exposure(exposure2, "exposure2")
    c1, e1, c2, e2 = broadcast(count1=c1, exposure1=e1, count2=c2, exposure2=e2)
    both = (c1 + c2) == 0
    if both.any():
        idx = tuple(int(i) for i in np.argwhere(both)[0])
        where = f" at index {idx}" if c1.ndim else ""
        raise InputError(
            f"count1 and count2 are both 0{where}: two empty counts carry no information "
            "about a ratio or difference"
        )
    return c1, e1, c2, e2


# ---------------------------------------------------------------------------------------
# one-sample intervals
# ---------------------------------------------------------------------------------------
def _check_tsmethod(tsmethod, method, exact):
    """``tsmethod`` for the exact method (default ``"poisson.test"``); refused elsewhere."""
    if tsmethod is None:
        return "poisson.test" if method == exact else None
    if method != exact:
        raise InputError(
            f"tsmethod={tsmethod!r} applies to method={exact!r} only, got method={method!r}"
        )
    return check_choice(tsmethod, TSMETHODS, "tsmethod")


def _method_label(method, tsmethod):
    return method if tsmethod in (None, "poisson.test") else f"{method} ({tsmethod})"


@pandas_aligned("count", "exposure", "null")
def rate_ci(
    count,
    exposure=1.0,
    *,
    method="exact",
    confidence=0.95,
    null=None,
    alternative="two-sided",
    tsmethod=None,
) -> RateEstimate:
    """Confidence interval for a Poisson rate: ``count`` events over ``exposure``, and,
    with ``null``, the test of that rate.

    Parameters
    ----------
    count : array_like of int
        Observed counts (non-negative whole numbers).
    exposure : array_like of float, default 1.0
        Exposure (months, person-years, ...), positive; broadcasts with ``count``.
    method : {"exact", "mid-p", "score", "wald", "jeffreys"}
        ``"exact"``: Garwood's interval from gamma quantiles, identical to R's
        ``poisson.test`` (see ``tsmethod``); ``"mid-p"``: the mid-p interval, solving
        ``P(X > x) + P(X = x)/2 = a/2`` (and the mirror) numerically; ``"score"``: inverts the
        score test ``(x - mu)^2 / mu = z^2``; ``"wald"``: ``x ± z sqrt(x)``, cut at zero;
        ``"jeffreys"``: equal-tailed Gamma(x + 1/2, 1) quantiles (no test).
    confidence : float, default 0.95
        Confidence level of the interval.
    null : float or array_like, optional
        A rate (per unit of exposure, positive) to test: the result then carries
        ``pvalue``, ``statistic`` and ``statistic_name``, as R's ``poisson.test(x, T, r)``.
        Not available for ``"jeffreys"``.
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: the rate is larger than ``null``. One-sided alternatives give
        one-sided intervals (``[low, inf)`` or ``[0, high]``), with or without ``null``.
    tsmethod : {"poisson.test", "central", "minlike", "blaker"}, optional
        For ``method="exact"`` only: the two-sided rule of the p-value and interval.
        ``"poisson.test"`` (the default, so that existing results do not change) is R's
        ``poisson.test``: the minlike p-value beside the central (Garwood) interval, which
        can disagree with it near the 5% line. The other three are Fay's (2010) matching
        pairs, R ``exactci::poisson.exact(x, T, r, tsmethod=...)``: ``"central"`` (twice the
        smaller tail; Garwood's interval), ``"minlike"`` (outcomes no more likely than the
        observed; the interval of every rate it does not reject), ``"blaker"`` (Blaker's
        2000 acceptability rule; its interval, within Garwood's). One-sided tests use the
        tail, whatever ``tsmethod``.

    Returns
    -------
    RateEstimate
        ``estimate = count / exposure`` with ``ci_low``, ``ci_high``, and ``count``,
        ``exposure``, in the broadcast shape of the inputs; with ``null`` also ``pvalue``,
        ``null``, ``alternative`` and, out of the table, ``statistic`` (the count for
        ``"exact"`` and ``"mid-p"``, a z for ``"score"`` and ``"wald"``) and
        ``statistic_name``.

    Raises
    ------
    InputError
        Negative, fractional or non-finite counts; non-positive exposure or null; unknown
        method, alternative or tsmethod, or a tsmethod with another method than "exact";
        ``null`` with "jeffreys"; confidence outside (0, 1).

    Notes
    -----
    All intervals are computed for the mean count and divided by the exposure; the null
    mean count is ``null * exposure``. For ``count = 0`` every method gives a lower end of
    0 and a finite upper end (the exact upper end is ``-log(a/2)``, 3.69 at 95%), except
    ``"wald"`` whose interval collapses to [0, 0] (and whose test then rejects every
    positive null): a reason not to use it for small counts. The minlike and Blaker
    intervals hold every rate whose p-value exceeds ``1 - confidence``; their p-values are
    not monotone in the null, so the interval is the smallest one holding all of them.

    References
    ----------
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28, 437-442.
    Lancaster, H. O. (1961). Significance tests in discrete distributions. JASA 56, 223-234.
    Blaker, H. (2000). Confidence curves and improved exact confidence intervals for
    discrete distributions. Canadian Journal of Statistics 28, 783-798.
    Brown, L. D., Cai, T. T., DasGupta, A. (2003). Interval estimation in exponential
    families. Statistica Sinica 13, 19-49.
    Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for discrete
    data. The R Journal 2(1), 53-58.

    Examples
    --------
    >>> from conflictstats.rates import rate_ci
    >>> r = rate_ci(75, 11)
    >>> round(r.estimate, 2), round(r.ci_low, 2), round(r.ci_high, 2)
    (6.82, 5.36, 8.55)
    >>> rate_ci([0, 5], method="score").ci_high.round(2).tolist()
    [3.84, 11.7]
    >>> t = rate_ci(10, 2, null=2.5, tsmethod="blaker")
    >>> round(t.pvalue, 4), round(t.ci_low, 3), round(t.ci_high, 3), t.statistic_name
    (0.0386, 2.561, 9.034, 'count')
    """
    method = check_method(method, RATE_METHODS)
    conf = as_confidence(confidence)
    alternative = check_choice(alternative, ALTERNATIVES, "alternative")
    tsmethod = _check_tsmethod(tsmethod, method, "exact")
    x = as_counts(count, "count")
    t = as_exposure(exposure, "exposure")
    if null is not None:
        if method == "jeffreys":
            raise InputError("method='jeffreys' gives an interval only; null= needs a test")
        nv = as_exposure(null, "null")
        x, t, nv = broadcast(count=x, exposure=t, null=nv)
    else:
        x, t = broadcast(count=x, exposure=t)
    shape = x.shape
    xf, tf = x.ravel().astype(float), t.ravel().astype(float)
    a = 1 - conf
    if alternative == "two-sided":
        if method == "exact":
            low, high = _rate_exact_tsmethod(xf, a, tsmethod)
        else:
            low, high = _RATE_DISPATCH[method](xf, a)
    else:  # a one-sided end at 1 - a is the two-sided end at 1 - 2a (equal tails)
        low, high = _RATE_DISPATCH[method](xf, 2 * a)
        if alternative == "larger":
            high = np.full_like(xf, np.inf)
        else:
            low = np.zeros_like(xf)

    def shaped(v):
        v = np.asarray(v, dtype=float)
        return v.reshape(shape) if shape else float(v.reshape(-1)[0])

    test = {}
    if null is not None:
        mu0 = nv.ravel().astype(float) * tf
        stat_fn, stat_name = _RATE_STATISTIC[method]
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = stat_fn(xf, mu0)
        test = dict(
            pvalue=shaped(_RATE_PVALUE[method](xf, mu0, alternative, tsmethod)),
            null=shaped(nv),
            statistic=shaped(stat),
            statistic_name=stat_name,
        )
    return RateEstimate(
        estimate=(xf / tf).reshape(shape),
        ci_low=(low / tf).reshape(shape),
        ci_high=(high / tf).reshape(shape),
        confidence=conf,
        method=_method_label(method, tsmethod),
        quantity="rate",
        count=x.reshape(shape) if shape else float(x),
        exposure=t.reshape(shape) if shape else float(t),
        alternative=alternative if (null is not None or alternative != "two-sided") else None,
        tsmethod=tsmethod,
        **test,
    )


# ---------------------------------------------------------------------------------------
# two-sample comparisons
# ---------------------------------------------------------------------------------------
@pandas_aligned("count1", "exposure1", "count2", "exposure2", "null")
def compare_rates(
    count1,
    exposure1,
    count2,
    exposure2,
    *,
    compare="ratio",
    method=None,
    alternative="two-sided",
    null=None,
    confidence=0.95,
    tsmethod=None,
) -> RateComparison:
    """Compare two Poisson rates: ``count1 / exposure1`` against ``count2 / exposure2``.

    Parameters
    ----------
    count1, exposure1, count2, exposure2 : array_like
        Counts (non-negative whole numbers, not both 0 in any pair) and positive exposures;
        all four broadcast together.
    compare : {"ratio", "difference"}
        ``rate1 / rate2`` or ``rate1 - rate2``.
    method : str, optional
        The default follows ``compare``: ``"exact-cond"`` for a ratio, ``"score"`` for a
        difference. For ``"ratio"``: ``"exact-cond"`` (conditional binomial test with the
        Clopper-Pearson interval, identical to R's ``poisson.test(c(x1, x2), c(t1, t2))``),
        ``"mid-p"`` (its mid-p version), ``"score"`` (score test and Wilson-type interval),
        ``"wald"`` (log scale; both counts must be positive), ``"etest"``
        (Krishnamoorthy-Thomson E-test p-value with the score statistic; reported with the
        score interval). For ``"difference"``: ``"wald"``, ``"score"`` (constrained-ML
        variance, interval by inverting the test), ``"etest"`` (the E-test of Krishnamoorthy
        & Thomson as in scipy's ``poisson_means_test``; reported with the score interval).
        The E-test takes counts up to ``count1 + count2 = 1e10`` and raises beyond (use
        ``"score"`` there). Gu et al.'s (2008) other tests of a ratio, each with the
        interval that inverts it: ``"wald-untransformed"`` (their W1,
        ``(X1 - R' X2) / sqrt(X1 + R'^2 X2)`` with ``R' = R t1 / t2``), ``"wald-log"`` (W3,
        the same as ``"wald"``), ``"score-log"`` (W4, the score test of the log ratio) and
        ``"sqrt"`` (W5, the variance-stabilising square-root transform); the first three
        need both counts positive.
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: rate1 is larger than the null says (ratio > null, difference > null).
        One-sided tests come with one-sided intervals (one end infinite or 0).
    null : float or array_like, optional
        Null value: ratio 1 or difference 0 by default.
    confidence : float, default 0.95
        Confidence level of the interval.
    tsmethod : {"poisson.test", "central", "minlike", "blaker"}, optional
        For ``method="exact-cond"`` only (refused with other methods): the two-sided rule
        of the p-value and of the interval. ``"poisson.test"``, the default, is what R's
        ``poisson.test(c(x1, x2), c(t1, t2))`` reports and what this function always
        reported: the minlike p-value (``binom.test``'s) beside the central
        Clopper-Pearson interval; the two can disagree (a p-value just above 0.05 with an
        interval excluding the null, or the reverse). The default stays so that existing
        results and figures do not change. The others are Fay's (2010) matching pairs, as
        R's ``exactci::poisson.exact(c(x1, x2), c(t1, t2), tsmethod=...)``: ``"central"``
        (twice the smaller tail, with the Clopper-Pearson interval), ``"minlike"`` (the
        minlike p-value with the interval of every ratio it does not reject) and
        ``"blaker"`` (Blaker's acceptability p-value and interval, never wider than the
        central one). With these, the interval excludes a null exactly when the test
        rejects it at ``1 - confidence``. One-sided alternatives use the tail and the
        one-sided Clopper-Pearson bound, whatever ``tsmethod``.

    Returns
    -------
    RateComparison
        ``estimate`` (the ratio or difference of the observed rates), ``ci_low``, ``ci_high``,
        ``pvalue``, the data, ``compare``, ``alternative`` and ``null``; out of the table,
        ``statistic`` and ``statistic_name`` (see :class:`RateComparison`) and, for
        ``"exact-cond"``, ``tsmethod``. ``method`` is the method string, with the
        ``tsmethod`` in brackets when it is not the default (``"exact-cond (blaker)"``).

    Raises
    ------
    InputError
        Bad counts or exposures, both counts 0 in a pair, a zero count with ``"wald"`` for a
        ratio, non-positive null ratio, unknown ``compare``, ``method`` or ``alternative``.

    Notes
    -----
    Conditional methods use that, given ``n = x1 + x2``, ``x1 ~ Bin(n, p)`` with
    ``p = t1 R / (t1 R + t2)``. With ``count2 = 0`` the ratio estimate and upper end are
    infinite (``inf``), with ``count1 = 0`` the estimate and lower end are 0: documented
    finite-or-infinite answers, never NaN. The E-test is a test only: its p-value sums
    Poisson probabilities, evaluated at the rates estimated under the null, over all
    outcomes whose statistic is at least as extreme as the observed one (on a grid of
    +-(6.5 sqrt(mean) + 6) around each null mean, so the sum is exact to about 1e-10).
    Outcomes whose statistic ties with the observed one (to a relative 1e-10) count as at
    least as extreme; scipy's ``poisson_means_test`` compares exactly and can drop them
    when the two computations differ in the last bit. Methods that cost a root search or a
    sum per pair ("mid-p", the score difference interval, "etest") compute each distinct
    pair once: bulk comparisons of counts repeat many pairs; the others run in blocks of
    65,536 pairs, so that their temporaries cost a block's memory, not the input's.
    The minlike and Blaker p-values are not monotone in the null, so a null inside their
    interval can, rarely, be rejected (the interval is the smallest one holding every
    ratio not rejected; Fay 2010). The score-log statistic returns towards 0 for extreme
    nulls, so its interval is the stretch around the estimate that it does not reject.

    References
    ----------
    Przyborowski, J., Wilenski, H. (1940). Homogeneity of results in testing samples from
    Poisson series. Biometrika 31, 313-323.
    Krishnamoorthy, K., Thomson, J. (2004). A more powerful test for comparing two Poisson
    means. Journal of Statistical Planning and Inference 119, 23-35.
    Gu, K., Ng, H. K. T., Tang, M. L., Schucany, W. R. (2008). Testing the ratio of two
    Poisson rates. Biometrical Journal 50, 283-298.
    Ng, H. K. T., Gu, K., Tang, M. L. (2007). A comparative study of tests for the difference
    of two Poisson means. Computational Statistics & Data Analysis 51, 3085-3099.
    Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for discrete
    data. The R Journal 2(1), 53-58.
    Blaker, H. (2000). Confidence curves and improved exact confidence intervals for
    discrete distributions. Canadian Journal of Statistics 28, 783-798.

    Examples
    --------
    >>> from conflictstats.rates import compare_rates
    >>> r = compare_rates(75 * 12, 12, 60 * 12, 12)
    >>> round(r.estimate, 2), round(r.ci_low, 2), round(r.ci_high, 2), r.pvalue < 0.001
    (1.25, 1.13, 1.38, True)
    >>> compare_rates([10, 20], 1, 5, 1, method="etest").pvalue.round(3).tolist()
    [0.206, 0.002]
    >>> b = compare_rates(10, 20000, 2, 17887, tsmethod="blaker")
    >>> round(b.pvalue, 4), round(b.ci_low, 3), round(b.ci_high, 2), b.statistic
    (0.0421, 1.069, 28.47, 10.0)
    """
    compare = check_choice(compare, ("ratio", "difference"), "compare")
    allowed = RATIO_METHODS if compare == "ratio" else DIFFERENCE_METHODS
    if method is None:
        method = "exact-cond" if compare == "ratio" else "score"
    method = check_method(method, allowed)
    tsmethod = _check_tsmethod(tsmethod, method if compare == "ratio" else None, "exact-cond")
    alternative = check_choice(alternative, ALTERNATIVES, "alternative")
    conf = as_confidence(confidence)
    c1, e1, c2, e2 = _broadcast_pair(count1, exposure1, count2, exposure2)
    if null is None:
        null = 1.0 if compare == "ratio" else 0.0
    nv = as_finite(null, "null")
    if compare == "ratio" and (nv <= 0).any():
        raise InputError(f"null ratio must be positive, got {null!r}")
    c1, e1, c2, e2, nv = broadcast(count1=c1, exposure1=e1, count2=c2, exposure2=e2, null=nv)
    shape = c1.shape
    size = int(np.prod(shape, dtype=int))
    if compare == "ratio" and method in _POSITIVE_COUNTS:
        zero = (c1 == 0) | (c2 == 0)
        if zero.any():
            raise InputError(
                f"method={method!r} for a ratio needs both counts positive (log of 0); got "
                f"a zero count at index {tuple(int(i) for i in np.argwhere(zero)[0])}; use "
                "'exact-cond', 'score' or 'sqrt'"
            )
    dispatch = _RATIO_DISPATCH if compare == "ratio" else _DIFF_DISPATCH
    fn = dispatch[method]
    chunked = hasattr(fn, "__wrapped_in_chunks__")

    def flat(v, scalar_ok):
        # a value shared by every pair (a broadcast scalar: an exposure, the null) stays a
        # scalar for the chunked methods, not an array of a million copies of one number
        v = np.asarray(v)
        if scalar_ok and chunked and not any(v.strides):
            return float(v.flat[0])
        return np.ascontiguousarray(v, dtype=float).reshape(-1)

    x1, x2 = flat(c1, False), flat(c2, False)
    t1, t2, v = flat(e1, True), flat(e2, True), flat(nv, True)
    options = {"tsmethod": tsmethod} if method == "exact-cond" else {}
    low, high, pval = fn(x1, t1, x2, t2, v, alternative, 1 - conf, **options)
    stat_fn, stat_name = (_RATIO_STATISTIC if compare == "ratio" else _DIFF_STATISTIC)[method]
    with np.errstate(divide="ignore", invalid="ignore"):
        est = (x1 / t1) / (x2 / t2) if compare == "ratio" else x1 / t1 - x2 / t2
        stat = stat_fn(x1, t1, x2, t2, v)

    def shaped(a):
        a = np.asarray(a, dtype=float)
        if not shape:
            return float(a.reshape(-1)[0])
        return np.broadcast_to(a, (size,)).reshape(shape) if a.ndim == 0 else a.reshape(shape)

    return RateComparison(
        estimate=shaped(est),
        ci_low=shaped(low),
        ci_high=shaped(high),
        pvalue=shaped(pval),
        confidence=conf,
        method=_method_label(method, tsmethod),
        quantity="rate ratio" if compare == "ratio" else "rate difference",
        count1=shaped(x1),
        exposure1=shaped(t1),
        count2=shaped(x2),
        exposure2=shaped(t2),
        compare=compare,
        alternative=alternative,
        null=shaped(v),
        statistic=shaped(stat),
        statistic_name=stat_name,
        tsmethod=tsmethod,
    )


# ---------------------------------------------------------------------------------------
# monthly series: overdispersion estimated from the data
# ---------------------------------------------------------------------------------------
def _series(values, name):
    arr = as_counts(values, name)
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(
            f"{name} must be a non-empty 1-d sequence of counts, got shape {arr.shape}"
        )
    return arr


def _series_exposure(exposure, n, name):
    if exposure is None:
        return np.ones(n)
    e = as_exposure(exposure, name)
    try:
        return np.broadcast_to(e, (n,)).astype(float)
    except ValueError:
        raise InputError(
            f"{name} must be a number or have one value per count, got shape {e.shape}"
        ) from None


def compare_series(
    counts1,
    counts2,
    *,
    exposure1=None,
    exposure2=None,
    family=None,
    confidence=0.95,
    interval="wald",
    model=None,
) -> RateComparison:
    """Compare two periods of monthly (or other per-period) counts, letting the data say how
    overdispersed they are.

    Fits ``log E[y] = b0 + b1 [period 1] + log(exposure)`` to the counts of both periods
    and reports ``exp(b1)``, the rate ratio of period 1 to period 2.

    Parameters
    ----------
    counts1, counts2 : array_like of int, 1-d
        Counts per month (or other unit) in period 1 and period 2.
    exposure1, exposure2 : float or array_like, optional
        Exposure of each count (default 1: counts per month).
    family : {"quasi-poisson", "poisson", "negbin"}, default "quasi-poisson"
        ``"poisson"``: Poisson GLM (no overdispersion); ``"quasi-poisson"``: the same
        estimate with standard errors scaled by the Pearson dispersion and t tests on the
        residual degrees of freedom (R's ``glm(family = quasipoisson)``); ``"negbin"``: NB2
        GLM with ``theta`` estimated by maximum likelihood (R's ``MASS::glm.nb``). The same
        word as ``fit_trend``'s ``family``.
    confidence : float, default 0.95
        Confidence level of the interval.
    interval : {"wald", "profile"}, default "wald"
        ``"wald"``: Wald interval on the log scale and Wald test (R's ``summary.glm``);
        ``"profile"``: profile-likelihood interval (R's ``confint()`` on the glm, MASS's
        profile method: NB2 ``theta`` held at its estimate, the quasi-Poisson deviance divided
        by the dispersion, cut at the normal quantile) and the likelihood-ratio test of a
        ratio of 1 (chi-square on 1 df, on the scaled deviance for quasi-Poisson).
    model : str, optional
        Deprecated name of ``family`` (a DeprecationWarning; give one of the two).

    Returns
    -------
    RateComparison
        Scalar result: rate ratio, interval (Wald on the log scale; t quantile for
        quasi-Poisson), p-value (z test; t test for quasi-Poisson), the summed counts and
        exposures, ``dispersion`` (Pearson chi-square / residual df of the Poisson fit: the
        data's variance-to-mean ratio, the same for every family) and ``theta`` (negbin only);
        out of the table ``deviance`` (the family's residual deviance; NB2 at the fitted
        theta, as ``glm.nb``), ``loglik`` (NaN for quasi-Poisson) and ``theta_se`` (NB2:
        ``glm.nb``'s ``SE.theta``, from the information in theta at the fitted means).

    Raises
    ------
    InputError
        Bad counts or exposures, an unknown family, or too few counts to estimate the
        dispersion (at least 3 in all), or a period with no events; for quasi-Poisson, counts
        fitted exactly (dispersion 0); for negbin, counts without overdispersion (the
        likelihood is largest at theta = infinity: use ``family="poisson"``).

    Notes
    -----
    Fitted by :func:`conflictstats.countglm.fit_count_glm`, the count-model core shared with
    ``trends.fit_trend`` and ``panel.fit_trends``. The negative binomial ``theta`` is the
    joint maximum likelihood estimate; the coefficient standard errors are the expected
    information's at that ``theta``, as glm.nb reports them.

    References
    ----------
    McCullagh, P., Nelder, J. A. (1989). Generalized Linear Models, 2nd ed., ch. 6 (quasi-
    likelihood). Chapman & Hall.
    Venables, W. N., Ripley, B. D. (2002). Modern Applied Statistics with S, 4th ed., 7.4.

    Examples
    --------
    >>> from conflictstats.rates import compare_series
    >>> r = compare_series([70, 80, 66, 90, 72, 79], [55, 61, 70, 52, 63, 58])
    >>> round(r.estimate, 2), round(r.dispersion, 1), r.method
    (1.27, 0.8, 'quasi-poisson')
    """
    if model is not None:
        warnings.warn(
            "compare_series(model=...) is deprecated; use family=... (as fit_trend)",
            DeprecationWarning,
            stacklevel=2,
        )
        if family is not None:
            raise InputError(f"give family or model (deprecated), not both: {family!r}, {model!r}")
        family = check_choice(model, SERIES_MODELS, "model")
    elif family is None:
        family = "quasi-poisson"
    else:
        family = check_choice(family, SERIES_MODELS, "family")
    interval = check_choice(interval, ("wald", "profile"), "interval")
    conf = as_confidence(confidence)
    # each series with its own exposures, matched on the months' labels when both are pandas
    check_same_index(counts1=counts1, exposure1=exposure1)
    check_same_index(counts2=counts2, exposure2=exposure2)
    y1 = _series(counts1, "counts1")
    y2 = _series(counts2, "counts2")
    e1 = _series_exposure(exposure1, y1.size, "exposure1")
    e2 = _series_exposure(exposure2, y2.size, "exposure2")
    if y1.size + y2.size < 3:
        raise InputError(
            f"counts1 and counts2 hold {y1.size + y2.size} counts in all; at least 3 are "
            "needed to estimate a dispersion"
        )
    for name, y in (("counts1", y1), ("counts2", y2)):
        if y.sum() == 0:
            raise InputError(f"{name} has no events at all; the rate ratio is 0 or infinite")
    y = np.concatenate([y1, y2])
    X = np.column_stack([np.ones(y.size), np.r_[np.ones(y1.size), np.zeros(y2.size)]])
    offset = np.log(np.concatenate([e1, e2]))
    df = y.size - 2
    pois = fit_count_glm(y, X, family="poisson", offset=offset)
    dispersion = pois.pearson_chi2 / df
    theta = None
    if family == "poisson":
        fit = pois
    elif family == "quasi-poisson":
        fit = fit_count_glm(y, X, family="quasi-poisson", offset=offset)
    else:
        fit = fit_count_glm(y, X, family="negbin", offset=offset, information="expected")
        if fit.boundary:
            raise InputError(
                "the negative binomial fit found no overdispersion (theta infinite); "
                "use family='poisson'"
            )
        theta = 1.0 / fit.dispersion
    if not fit.converged:
        raise InputError(f"the {family} fit did not converge")
    b, se = fit.coef[1], fit.se[1]
    theta_se = None
    if theta is not None:
        mu = fit.fitted
        info = np.sum(
            special.polygamma(1, theta)
            - special.polygamma(1, theta + y)
            - 1.0 / theta
            + 2.0 / (mu + theta)
            - (y + theta) / (mu + theta) ** 2
        )
        theta_se = float(1.0 / np.sqrt(info)) if info > 0 else float("nan")
    if interval == "profile":
        low, high, p = profile_ratio(
            y,
            X[:, 1],
            offset,
            b,
            se,
            family=family,
            theta=theta,
            dispersion=fit.dispersion,
            confidence=conf,
        )
        method = f"{family}, profile likelihood"
    else:
        if family == "quasi-poisson":
            q, p = t_quantile(conf, df), float(t_pvalue(b / se, df))
        else:
            q, p = z_quantile(conf), float(normal_pvalue(b / se))
        low, high = b - q * se, b + q * se
        method = family
    return RateComparison(
        estimate=float(np.exp(b)),
        ci_low=float(np.exp(low)),
        ci_high=float(np.exp(high)),
        pvalue=float(p),
        confidence=conf,
        method=method,
        quantity="rate ratio",
        count1=float(y1.sum()),
        exposure1=float(e1.sum()),
        count2=float(y2.sum()),
        exposure2=float(e2.sum()),
        compare="ratio",
        alternative="two-sided",
        null=1.0,
        dispersion=float(dispersion),
        theta=theta,
        theta_se=theta_se,
        deviance=float(fit.deviance),
        loglik=float(fit.loglik),
    )


# ---------------------------------------------------------------------------------------
# headline claims: sensitivity to overdispersion
# ---------------------------------------------------------------------------------------
_CLAIM_METHODS = ("score", "wald")


@pandas_aligned("dispersion")
def claim_check(
    rate1,
    periods1,
    rate2,
    periods2,
    *,
    dispersion=(1, 2, 5, 10, 20),
    method="score",
    alternative="two-sided",
    confidence=0.95,
) -> ClaimCheck:
    """How robust is "rate1 versus rate2" to overdispersion of the underlying counts?

    When only headline rates are reported ("75 a month this year versus 60"), the counts
    behind them are ``rate * periods``; if monthly counts vary more than Poisson (variance
    ``dispersion`` times the mean), the comparison is weaker than a Poisson test says. This
    evaluates the quasi-likelihood comparison at each dispersion of a grid.

    Parameters
    ----------
    rate1, rate2 : float
        Reported rates per period (e.g. per month), non-negative; not both 0. Single
        numbers: a pandas Series (or any sequence) is refused, as there is one claim.
    periods1, periods2 : float
        Number of periods (months) each rate covers, positive; single numbers.
    dispersion : float, sequence of float or pandas.Series, default (1, 2, 5, 10, 20)
        Dispersion values (variance / mean of a count) to evaluate, positive. Add any
        reference value (say, the dispersion observed in event data) to the grid to see
        the claim at that value. A Series's labels name the grid values (``"ACLED
        2018"``): the result carries them as its ``index`` (``to_frame()`` and ``series()``
        are indexed by them). It is the only argument with one value per element, so there
        is nothing to align it with.
    method : {"score", "wald"}
        ``"score"``: score test and Wilson-type interval on the conditional binomial with
        the variance multiplied by the dispersion; ``"wald"``: log-ratio Wald with
        ``se = sqrt(dispersion (1/x1 + 1/x2))``.
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: the claim is that rate1 is larger than rate2.
    confidence : float, default 0.95
        Confidence level; the test's level is ``1 - confidence``.

    Returns
    -------
    ClaimCheck
        One element per dispersion: ``estimate`` (the rate ratio, the same for all),
        ``ci_low``, ``ci_high``, ``pvalue``, ``dispersion``; ``to_frame()`` is the tidy
        table. ``critical_dispersion``: the dispersion at which the p-value is exactly
        ``1 - confidence`` (significant below it, not from it on); below 1 when the
        difference is not significant even for Poisson counts, and 0 for a one-sided
        alternative when the rates differ the other way. ``smallest_nonsignificant``: the
        smallest grid value at which it is not significant (``None`` if significant at all).
        Out of the table, ``statistic`` (the z at each dispersion, the Poisson one divided by
        its square root) and ``statistic_name``.

    Raises
    ------
    InputError
        Negative or non-finite rates, non-positive periods or dispersions, non-scalar
        rates or periods, unknown method or alternative.

    Notes
    -----
    With dispersion ``phi`` both statistics are the Poisson ones divided by ``sqrt(phi)``
    (quasi-likelihood: McCullagh & Nelder 1989), so ``z(phi) = z(1) / sqrt(phi)`` and the
    critical dispersion is ``(z(1) / z_crit)^2``. Counts ``rate * periods`` need not be
    whole numbers here.

    References
    ----------
    McCullagh, P., Nelder, J. A. (1989). Generalized Linear Models, 2nd ed. Chapman & Hall.
    Gu, K., Ng, H. K. T., Tang, M. L., Schucany, W. R. (2008). Testing the ratio of two
    Poisson rates. Biometrical Journal 50, 283-298.

    Examples
    --------
    >>> from conflictstats.rates import claim_check
    >>> cc = claim_check(75, 12, 60, 12)
    >>> cc.pvalue.round(3).tolist()
    [0.0, 0.002, 0.046, 0.157, 0.317]
    >>> round(cc.critical_dispersion, 1), cc.smallest_nonsignificant
    (5.2, 10.0)
    """
    method = check_method(method, _CLAIM_METHODS)
    alternative = check_choice(alternative, ALTERNATIVES, "alternative")
    conf = as_confidence(confidence)
    values = {}
    for name, val in (
        ("rate1", rate1),
        ("periods1", periods1),
        ("rate2", rate2),
        ("periods2", periods2),
    ):
        if np.ndim(val) != 0:
            raise InputError(f"{name} must be a single number, got {val!r}")
        values[name] = val
    r1 = float(as_finite(rate1, "rate1"))
    r2 = float(as_finite(rate2, "rate2"))
    for name, r in (("rate1", r1), ("rate2", r2)):
        if r < 0:
            raise InputError(f"{name} must be non-negative, got {r!r}")
    n1 = float(as_exposure(periods1, "periods1"))
    n2 = float(as_exposure(periods2, "periods2"))
    phi = np.atleast_1d(as_exposure(dispersion, "dispersion")).astype(float)
    if phi.ndim != 1:
        raise InputError(f"dispersion must be a number or a 1-d sequence, got shape {phi.shape}")
    x1, x2 = r1 * n1, r2 * n2
    if x1 + x2 == 0:
        raise InputError("rate1 and rate2 are both 0: nothing to compare")
    if method == "wald" and (x1 == 0 or x2 == 0):
        raise InputError("method='wald' needs both rates positive; use 'score'")
    a = 1 - conf
    X1, T1, X2, T2, R0 = (np.full(phi.shape, v) for v in (x1, n1, x2, n2, 1.0))
    fn = _ratio_score if method == "score" else _ratio_wald
    low, high, pval = fn(X1, T1, X2, T2, R0, alternative, a, dispersion=phi)
    # z at dispersion 1, signed in the direction of the alternative
    if method == "score":
        p0 = n1 / (n1 + n2)
        z1 = (x1 - (x1 + x2) * p0) / np.sqrt((x1 + x2) * p0 * (1 - p0))
    else:
        z1 = np.log(x1 / n1) - np.log(x2 / n2)
        z1 /= np.sqrt(1 / x1 + 1 / x2)
    if alternative == "two-sided":
        zc, zs = z_quantile(conf), abs(z1)
    else:
        zc, zs = z_quantile(conf, one_sided=True), (z1 if alternative == "larger" else -z1)
    critical = float(max(zs, 0.0) ** 2 / zc**2)
    nonsig = phi[pval >= a]
    with np.errstate(divide="ignore"):
        est = np.divide(x1 / n1, x2 / n2)  # inf, not ZeroDivisionError, when rate2 is 0
    return ClaimCheck(
        estimate=np.full(phi.shape, est),
        ci_low=low,
        ci_high=high,
        pvalue=pval,
        confidence=conf,
        method=method,
        quantity="rate ratio",
        count1=x1,
        exposure1=n1,
        count2=x2,
        exposure2=n2,
        compare="ratio",
        alternative=alternative,
        null=1.0,
        dispersion=phi,
        critical_dispersion=critical,
        smallest_nonsignificant=float(nonsig.min()) if nonsig.size else None,
        statistic=z1 / np.sqrt(phi),
        statistic_name="z (score)" if method == "score" else "z (Wald, log ratio)",
    )
