"""Shares, casualty (exchange) ratios, two-proportion comparisons and compositions.

Every function is vectorised: counts broadcast against each other (compositions along the last
axis), and one call returns one result of the shared family (:mod:`conflictstats.results`)
holding every answer. Intervals that have no closed form are found by a vectorised bisection
on a monotone score or tail probability, so an array of ten thousand tables costs about as much
as one.

* :func:`proportion_ci` — one binomial proportion (Wilson, Clopper–Pearson, Jeffreys, …);
* :func:`count_ratio` — the ratio of two counts over the same period (an exchange ratio), via
  the binomial distribution of one count given their sum;
* :func:`compare_proportions` — difference, ratio or odds ratio of two proportions;
* :func:`multinomial_ci` — simultaneous intervals for a composition (Sison–Glaz, Goodman, …);
* :func:`homogeneity` — do several reports share one split?
* :func:`subgroup_count` — "about half of 308": a vague share of a count as an interval.

This module holds the public functions and result classes; the methods live in private
modules, one per family: ``proportions.single`` (one proportion), ``proportions.compare``
(two proportions), ``proportions.multinomial`` (simultaneous intervals),
``proportions.homogeneity`` (exact and Monte Carlo p-values), ``proportions.subgroup``
(:func:`subgroup_count` and :class:`SubgroupCount`, re-exported here); the numerics (root
finding, the exact two-sided binomial p-value) are the package's own, in
:mod:`conflictstats._numeric`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from .._numeric import (
    ALTERNATIVES,
    align,
    binom_twosided_pvalue,
    broadcast,
    check_le,
    label,
    midp_pvalue,
    normal_pvalue,
    pandas_aligned,
    z_quantile,
)
from .._validation import (
    InputError,
    as_confidence,
    as_counts,
    as_finite,
    as_rng,
    check_choice,
    check_method,
)
from ..results import Estimate, HypothesisTest, aux_field, result
from .compare import _COMPARE_FUNS
from .exactbinom import TSMETHODS, exact_limits, exact_pvalue
from .homogeneity import (
    _enumerate_first_rows,
    _enumerated_pvalue,
    _log_table_prob_terms,
    _monte_carlo_pvalue,
)
from .multinomial import _m_goodman, _m_quesenberry_hurst, _m_sison_glaz
from .single import _proportion_limits, _proportion_test
from .subgroup import SubgroupCount, subgroup_count

__all__ = [
    "ProportionEstimate",
    "CountRatio",
    "ProportionComparison",
    "MultinomialEstimate",
    "DirichletEstimate",
    "HomogeneityTest",
    "SubgroupCount",
    "proportion_ci",
    "count_ratio",
    "compare_proportions",
    "multinomial_ci",
    "homogeneity",
    "subgroup_count",
    "PROPORTION_METHODS",
    "COUNT_RATIO_METHODS",
    "COMPARE_METHODS",
    "MULTINOMIAL_METHODS",
    "TSMETHODS",
]

PROPORTION_METHODS = (
    "wilson",
    "exact",
    "wilson-cc",
    "prop.test",
    "clopper-pearson",
    "jeffreys",
    "agresti-coull",
    "wald",
    "mid-p",
    "wald-cc",
    "likelihood",
)
COUNT_RATIO_METHODS = ("exact", "mid-p", "wilson", "wald-log")
COMPARE_METHODS = {
    "difference": (
        "newcombe",
        "miettinen-nurminen",
        "agresti-caffo",
        "wald",
        "newcombe-cc",
        "mee",
        "wald-cc",
        "prop.test",
        "haldane",
        "jeffreys-perks",
        "profile-likelihood",
    ),
    "ratio": ("koopman", "miettinen-nurminen", "katz-log", "mover-wilson"),
    "odds-ratio": ("exact-cond", "woolf", "miettinen-nurminen"),
}
_DEFAULT_COMPARE = {"difference": "newcombe", "ratio": "koopman", "odds-ratio": "exact-cond"}
MULTINOMIAL_METHODS = ("sison-glaz", "goodman", "quesenberry-hurst", "dirichlet")


# ---------------------------------------------------------------------------------------------
# result classes
# ---------------------------------------------------------------------------------------------
@result
class ProportionEstimate(Estimate):
    """A binomial proportion with its interval; adds ``successes`` and ``trials``, and, when
    a ``null`` was tested, the test's ``statistic`` (named by ``statistic_name``)."""

    successes: Any = None
    trials: Any = None
    statistic: Any = None
    statistic_name: Any = aux_field()


@result
class CountRatio(Estimate):
    """Ratio of two counts over one period (``count1 / count2``), tested against ``null``;
    ``statistic`` is the test's statistic, named by ``statistic_name``."""

    count1: Any = None
    count2: Any = None
    statistic: Any = None
    statistic_name: Any = aux_field()


@result
class ProportionComparison(Estimate):
    """Difference, ratio or odds ratio of two proportions ``x1/n1`` and ``x2/n2``; where the
    method defines a test, ``statistic`` is its statistic, named by ``statistic_name``."""

    x1: Any = None
    n1: Any = None
    x2: Any = None
    n2: Any = None
    compare: str = "difference"
    statistic: Any = None
    statistic_name: Any = aux_field()


@result
class MultinomialEstimate(Estimate):
    """Shares of a composition (last axis = parts) with simultaneous intervals.

    ``categories`` names the parts (last axis) and ``reports`` the rows of a 2-D result;
    ``simultaneous`` says whether the intervals hold jointly over the parts of a row.
    """

    counts: Any = None
    categories: Any = aux_field()
    reports: Any = aux_field()
    simultaneous: bool = aux_field(True)


@result
class DirichletEstimate(MultinomialEstimate):
    """Posterior means and equal-tailed credible intervals of the shares under a Dirichlet
    prior with every parameter equal to ``prior``."""

    prior: float = aux_field(0.5)

    interval_label: ClassVar[str] = "credible interval"


@result
class HomogeneityTest(HypothesisTest):
    """Test that several reports share one split, with each report's shares.

    ``statistic`` is Pearson's chi-square and ``pvalue`` the p-value of ``method`` (exact,
    Monte Carlo or chi-square); ``chisq_pvalue`` is always the chi-square p-value. ``shares``
    is a :class:`MultinomialEstimate` with one row per report; ``table`` the counts.
    """

    chisq_pvalue: Any = None
    table: Any = aux_field()
    shares: Any = aux_field()
    n_sim: Any = aux_field()


# ---------------------------------------------------------------------------------------------
# one proportion
# ---------------------------------------------------------------------------------------------
#: Methods of :func:`proportion_ci` that define a test of ``null=``.
_PROPORTION_TESTS = ("exact", "clopper-pearson", "mid-p", "wilson", "wald")


@pandas_aligned("successes", "trials", "null")
def proportion_ci(
    successes: Any,
    trials: Any,
    *,
    method: str = "wilson",
    confidence: float = 0.95,
    tsmethod: str | None = None,
    null: Any = None,
    alternative: str = "two-sided",
) -> ProportionEstimate:
    """Confidence interval for a binomial proportion ``successes / trials``, and a test.

    Parameters
    ----------
    successes, trials : int or array_like of int
        Counts; they broadcast. ``trials`` must be positive and at least ``successes``.
    method : {"wilson", "exact", "wilson-cc", "prop.test", "clopper-pearson", "jeffreys",
        "agresti-coull", "wald", "mid-p", "wald-cc", "likelihood"}
        Interval method (see Notes).
    confidence : float
        Confidence level, default 0.95.
    tsmethod : {"central", "minlike", "blaker"}, optional
        For ``method="exact"`` (or its other name "clopper-pearson") only: how the exact
        test is made two-sided, and with it the interval that matches the test (Fay 2010;
        R ``exactci::binom.exact``). "central" (the default) doubles the smaller tail and
        gives the Clopper-Pearson interval; "minlike" sums the outcomes no more likely than
        the observed one (R's ``binom.test`` p-value) and gives Sterne's interval;
        "blaker" adds to the smaller tail the largest tail on the other side that is no
        larger (Blaker 2000). With "minlike" and "blaker" the p-value is above
        ``1 - confidence`` for every ``p0`` strictly inside the interval's ends found
        (the interval is the smallest one holding every ``p0`` the test does not reject);
        they need ``confidence > 0.5``.
    null : float or array_like, optional
        Proportion under the null hypothesis (strictly between 0 and 1). When given, the
        result carries the test's ``pvalue`` and ``statistic``; methods "exact",
        "clopper-pearson", "mid-p", "wilson" (the score test) and "wald" define one.
    alternative : {"two-sided", "larger", "smaller"}
        Alternative hypothesis of the test, and the side of the interval: "larger" gives
        ``[low, 1]``, "smaller" ``[0, high]``, each end at level ``confidence`` (exact:
        the one-sided Clopper-Pearson limit, whatever ``tsmethod``, as exactci).

    Returns
    -------
    ProportionEstimate
        ``estimate`` is ``successes / trials``; ``ci_low``/``ci_high`` the interval; with a
        ``null``, ``pvalue``, ``statistic`` and ``statistic_name`` ("number of successes"
        for the exact and mid-p tests, as R's ``binom.test``; "score z" for "wilson", whose
        square is R's ``prop.test(correct = FALSE)`` X-squared; "Wald z" for "wald").

    Raises
    ------
    InputError
        For negative, fractional or non-finite counts, zero trials, successes above trials,
        an unknown method, ``tsmethod`` or ``alternative``, a ``tsmethod`` with a method
        other than "exact", a ``null`` outside (0, 1) or given to a method without a test.

    Notes
    -----
    "wilson" inverts the score test; "wilson-cc" adds a continuity correction (Newcombe's
    method 4); "prop.test" is R's ``prop.test(x, n)`` interval, whose correction is capped at
    ``|x - n/2|`` and so vanishes at x = n/2 (5 of 10: 0.237 to 0.763, where "wilson-cc" gives
    0.201 to 0.799); "exact" (= "clopper-pearson" with the default ``tsmethod``)
    inverts the two one-sided exact binomial tests (beta quantiles); "mid-p" does the same
    counting half the probability of the observed value; "jeffreys" takes the equal-tailed
    Beta(x + 1/2, n - x + 1/2) posterior interval; "agresti-coull" is the Wald interval after
    adding z²/2 successes and failures; "wald" is p ± z√(p(1 - p)/n) and "wald-cc" widens it
    by 1/(2n); "likelihood" inverts the likelihood-ratio test. These are Newcombe's (1998)
    seven methods plus Jeffreys and Agresti–Coull. Limits are clipped to
    [0, 1]; an exact-type limit is 0 when x = 0 and 1 when x = n.

    The minlike and Blaker intervals are found exactly (to 1e-13), vectorised: the p-value
    jumps where an outcome joins or leaves the tail on the far side, and between two jumps
    it is largest at the ends, so each limit is a root on one piece found by an integer
    search over the pieces (the same code as the Poisson rates' ``tsmethod``). Exactci refines
    a grid to a tolerance of 1e-5 and rounds to four decimals by default.

    Every method assumes ``trials`` independent trials. Deaths are not: they come in events
    (one massacre adds hundreds of deaths, all civilian), so the share of civilians among all
    deaths varies far more than a binomial allows and these intervals are too narrow, often by
    a factor of ten or more on event data. For shares or ratios summed over events use
    :func:`conflictstats.fatalities.clustered_share` and
    :func:`conflictstats.fatalities.clustered_ratio`, which take the events as the units.

    References
    ----------
    Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
    comparison of seven methods. Statistics in Medicine 17, 857-872.
    Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a binomial
    proportion. Statistical Science 16, 101-133.
    Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for discrete
    data. The R Journal 2(1), 53-58.
    Blaker, H. (2000). Confidence curves and improved exact confidence intervals for
    discrete distributions. Canadian Journal of Statistics 28, 783-798.
    Sterne, T. E. (1954). Some remarks on confidence or fiducial limits. Biometrika 41,
    275-278.

    Examples
    --------
    >>> from conflictstats.proportions import proportion_ci
    >>> r = proportion_ci(308, 1616)        # civilians among all deaths since September
    >>> round(r.estimate, 3), round(r.ci_low, 3), round(r.ci_high, 3)
    (0.191, 0.172, 0.21)
    >>> proportion_ci([0, 5], 20, method="clopper-pearson").ci_high.round(3)
    array([0.168, 0.491])
    >>> r = proportion_ci(3, 10, method="exact", tsmethod="blaker", null=0.05)
    >>> round(r.ci_low, 4), round(r.ci_high, 4), round(r.pvalue, 4)
    (0.0873, 0.6194, 0.0115)
    """
    method = check_method(method, PROPORTION_METHODS)
    confidence = as_confidence(confidence)
    alternative = check_choice(alternative, ALTERNATIVES, "alternative")
    exact = method in ("exact", "clopper-pearson")
    if tsmethod is not None:
        tsmethod = check_choice(tsmethod, TSMETHODS, "tsmethod")
        if not exact:
            raise InputError(
                f"tsmethod is for method='exact' (or 'clopper-pearson'), got method={method!r}"
            )
    tsmethod = tsmethod or "central"
    if tsmethod != "central" and confidence <= 0.5:
        raise InputError(f"tsmethod={tsmethod!r} needs confidence above 0.5, got {confidence!r}")
    x = as_counts(successes, "successes")
    n = as_counts(trials, "trials", allow_zero=False)
    p0 = None
    if null is not None:
        if method not in _PROPORTION_TESTS:
            raise InputError(
                f"method={method!r} defines no test of null; use one of "
                + ", ".join(repr(m) for m in _PROPORTION_TESTS)
            )
        p0 = as_finite(null, "null")
        if ((p0 <= 0) | (p0 >= 1)).any():
            bad = p0[(p0 <= 0) | (p0 >= 1)].flat[0]
            raise InputError(f"null must lie strictly between 0 and 1, got {bad!r}")
        x, n, p0 = broadcast(successes=x, trials=n, null=p0)
    else:
        x, n = broadcast(successes=x, trials=n)
    check_le(x, n, "successes", "trials")
    one_sided = alternative != "two-sided"
    if exact:
        lo, hi = exact_limits(x, n, 1 - confidence, tsmethod, alternative)
    else:
        # a one-sided limit at level c is the two-sided limit at level 2c - 1
        lo, hi = _proportion_limits(x, n, method, 2 * confidence - 1 if one_sided else confidence)
        if alternative == "larger":
            hi = np.ones_like(hi)
        elif alternative == "smaller":
            lo = np.zeros_like(lo)
    stat = pvalue = stat_name = None
    if p0 is not None:
        if exact:
            pvalue = exact_pvalue(x, n, p0, tsmethod, alternative)
            stat, stat_name = x.astype(float), "number of successes"
        else:
            stat, pvalue, stat_name = _proportion_test(x, n, p0, method, alternative)
    label_method = method if tsmethod == "central" else f"{method}-{tsmethod}"
    return ProportionEstimate(
        estimate=x / n,
        ci_low=lo,
        ci_high=hi,
        confidence=confidence,
        method=label_method,
        quantity="proportion",
        pvalue=pvalue,
        null=p0,
        alternative=alternative if p0 is not None else None,
        successes=x,
        trials=n,
        statistic=stat,
        statistic_name=stat_name,
    )


# ---------------------------------------------------------------------------------------------
# ratio of two counts
# ---------------------------------------------------------------------------------------------
@pandas_aligned("count1", "count2", "null")
def count_ratio(
    count1: Any,
    count2: Any,
    *,
    method: str = "exact",
    null: Any = 1.0,
    confidence: float = 0.95,
) -> CountRatio:
    """Ratio of two counts observed over the same period, such as an exchange ratio.

    Given their sum ``N = count1 + count2``, ``count1`` is binomial with probability
    ``π = R / (1 + R)``, where ``R`` is the ratio of the two underlying rates. An interval for
    π maps to one for ``R = π / (1 - π)``; a test of ``R = null`` is a test of
    ``π = null / (1 + null)``.

    Parameters
    ----------
    count1, count2 : int or array_like of int
        The two counts (numerator, denominator); they broadcast. Their sum must be positive.
    method : {"exact", "mid-p", "wilson", "wald-log"}
        "exact": Clopper–Pearson interval and the exact binomial test (as R's ``binom.test``);
        "mid-p": mid-p interval and doubled one-sided mid-p value; "wilson": score interval
        and score test (as R's ``prop.test(correct=FALSE)``); "wald-log": log R ± z√(1/a+1/b)
        with a Wald test (0.5 is added to both counts when either is zero, and the interval
        is then extended to the estimate: lower end 0 when count1 = 0, upper end ``inf`` when
        count2 = 0).
    null : float or array_like
        Ratio under the null hypothesis, default 1 (equal rates).
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    CountRatio
        ``estimate`` = count1 / count2 (``inf`` when count2 = 0), interval, p-value and
        the test's ``statistic``: ``count1`` for "exact" and "mid-p" (the binomial count, as
        R's ``binom.test``), the score z for "wilson" (its square is R's ``prop.test(count1,
        count1 + count2, p, correct = FALSE)`` X-squared), the Wald z of the log ratio for
        "wald-log"; ``statistic_name`` names it.

    Raises
    ------
    InputError
        For bad counts, both counts zero, a non-positive ``null`` or an unknown method.

    Notes
    -----
    The conditional argument needs only that both counts are Poisson (or that each death is
    independently of one side or the other); it does not need the exposure time.

    References
    ----------
    Cox, D. R. (1953). Some simple approximate tests for Poisson variates. Biometrika 40, 354.
    Ederer, F. and Mantel, N. (1974). Confidence limits on the ratio of two Poisson variables.
    American Journal of Epidemiology 100, 165-167.

    Examples
    --------
    >>> from conflictstats.proportions import count_ratio
    >>> r = count_ratio(827, 481)         # ISIS : SDF fighters killed since September
    >>> round(r.estimate, 2), round(r.ci_low, 2), round(r.ci_high, 2), r.pvalue < 1e-6
    (1.72, 1.53, 1.93, True)
    """
    method = check_method(method, COUNT_RATIO_METHODS)
    confidence = as_confidence(confidence)
    a = as_counts(count1, "count1")
    b = as_counts(count2, "count2")
    r0 = as_finite(null, "null")
    if (r0 <= 0).any():
        raise InputError(f"null must be a positive ratio, got {r0[r0 <= 0].flat[0]!r}")
    a, b, r0 = broadcast(count1=a, count2=b, null=r0)
    if ((a + b) == 0).any():
        i = tuple(int(k) for k in np.argwhere((a + b) == 0)[0])
        raise InputError(
            "count1 + count2 must be positive (no ratio from two zero counts)"
            + (f"; both are 0 at index {i}" if a.ndim else ", got 0 and 0")
        )
    n = a + b
    p0 = r0 / (1 + r0)
    with np.errstate(divide="ignore"):
        est = np.where(b == 0, np.inf, a / np.where(b == 0, 1, b))
    z = z_quantile(confidence)
    if method == "wald-log":
        zero = (a == 0) | (b == 0)
        aa, bb = a + 0.5 * zero, b + 0.5 * zero
        se = np.sqrt(1 / aa + 1 / bb)
        log_r = np.log(aa / bb)
        lo, hi = np.exp(log_r - z * se), np.exp(log_r + z * se)
        # the corrected counts only stand in for the missing log: the interval still runs
        # to the estimate itself (0 or inf), which the corrected one would leave outside it
        lo, hi = np.where(a == 0, 0.0, lo), np.where(b == 0, np.inf, hi)
        stat = (log_r - np.log(r0)) / se
        pvalue, stat_name = normal_pvalue(stat), "Wald z (log ratio)"
    else:
        pmeth = {"exact": "clopper-pearson", "mid-p": "mid-p", "wilson": "wilson"}[method]
        plo, phi = _proportion_limits(a, n, pmeth, confidence)
        with np.errstate(divide="ignore"):
            lo = plo / (1 - plo)
            hi = np.where(phi >= 1, np.inf, phi / np.where(phi >= 1, 0.5, 1 - phi))
        stat, stat_name = a.astype(float), "count1"
        if method == "exact":
            pvalue = binom_twosided_pvalue(a, n, p0)
        elif method == "mid-p":
            pvalue = midp_pvalue(a, p0, n=n)
        else:
            stat = (a - n * p0) / np.sqrt(n * p0 * (1 - p0))
            pvalue, stat_name = normal_pvalue(stat), "score z"
    return CountRatio(
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        confidence=confidence,
        method=method,
        quantity="count ratio",
        pvalue=pvalue,
        count1=a,
        count2=b,
        null=r0,
        statistic=stat,
        statistic_name=stat_name,
    )


# ---------------------------------------------------------------------------------------------
# two proportions
# ---------------------------------------------------------------------------------------------
@pandas_aligned("x1", "n1", "x2", "n2", "null")
def compare_proportions(
    x1: Any,
    n1: Any,
    x2: Any,
    n2: Any,
    *,
    compare: str = "difference",
    method: str | None = None,
    null: Any = None,
    confidence: float = 0.95,
) -> ProportionComparison:
    """Compare two independent proportions ``x1/n1`` and ``x2/n2``.

    Parameters
    ----------
    x1, n1, x2, n2 : int or array_like of int
        Successes and trials in each group; they broadcast.
    compare : {"difference", "ratio", "odds-ratio"}
        p1 - p2, p1 / p2, or [p1/(1 - p1)] / [p2/(1 - p2)].
    method : str, optional
        difference: "newcombe" (default), "miettinen-nurminen", "agresti-caffo", "wald",
        and Newcombe's (1998) methods 11, 5, 2, 3, 4 and 7: "newcombe-cc", "mee", "wald-cc",
        "haldane", "jeffreys-perks" (Beal 1987) and "profile-likelihood"; "prop.test" is R's
        ``prop.test(c(x1, x2), c(n1, n2))``: "wald-cc" with the correction capped at
        ``|d| / (1/n1 + 1/n2)`` and the Yates chi-square test (null 0 only; p-value 1 where R's
        is NaN, a table without successes or without failures);
        ratio: "koopman" (default), "miettinen-nurminen", "katz-log", "mover-wilson" (the
        MOVER-R interval on the two Wilson intervals: Donner & Zou 2012);
        odds-ratio: "exact-cond" (default), "woolf", "miettinen-nurminen".
    null : float or array_like, optional
        Value under the null hypothesis (default 0 for a difference, 1 otherwise): strictly
        between -1 and 1 for a difference, positive for a ratio or odds ratio.
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    ProportionComparison
        Estimate, interval, and ``pvalue`` where the method defines a test: score tests for
        "miettinen-nurminen", "mee" and "koopman", Wald tests for "wald", "katz-log" and "woolf",
        the likelihood-ratio test for "profile-likelihood", the conditional exact test for
        "exact-cond" (Fisher's test when ``null`` is 1). "newcombe", "newcombe-cc",
        "agresti-caffo", "wald-cc", "haldane", "jeffreys-perks" and "mover-wilson" are
        intervals only (``pvalue`` is None). With a test, ``statistic`` is its statistic and
        ``statistic_name`` its name: "score z", "Wald z", "Wald z (log ratio)", "Wald z (log
        odds ratio)", "X-squared" (the Yates chi-square of "prop.test", as R's
        ``prop.test``), "signed root likelihood ratio" (its square is the likelihood-ratio
        chi-square) or "x1 given the margins" (the conditional exact test's statistic).

    Raises
    ------
    InputError
        For bad counts, successes above trials, an unknown ``compare`` or method, a ``null``
        outside the parameter space, or a ratio or odds ratio that is undefined (both
        proportions 0).

    Notes
    -----
    Score intervals (Miettinen–Nurminen, Koopman) collect the values of the parameter that
    the score test, with the variance at the restricted maximum-likelihood estimates, does not
    reject; they are found by vectorised bisection. Newcombe's hybrid combines the Wilson
    intervals of the two proportions. "haldane" and "jeffreys-perks" are the closed-form
    limits (θ* ± w) of Newcombe's section 2, which evaluate the variance at a mean proportion
    ψ = (p1 + p2)/2, or [(x1 + ½)/(n1 + 1) + (x2 + ½)/(n2 + 1)]/2; both are clipped to
    [-1, 1]. "profile-likelihood" collects the differences whose likelihood-ratio statistic,
    with (p1, p2) maximised under p1 - p2 = δ, stays below z². "katz-log" and "woolf" add 0.5
    to every cell of a table with a zero cell.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890.
    Miettinen, O. and Nurminen, M. (1985). Comparative analysis of two rates. Statistics in
    Medicine 4, 213-226.
    Koopman, P. A. R. (1984). Confidence intervals for the ratio of two binomial proportions.
    Biometrics 40, 513-517.
    Beal, S. L. (1987). Asymptotic confidence intervals for the difference between two
    binomial parameters for use with small samples. Biometrics 43, 941-950.
    Agresti, A. and Caffo, B. (2000). Simple and effective confidence intervals for
    proportions and differences of proportions. The American Statistician 54, 280-288.
    Donner, A. and Zou, G. Y. (2012). Closed-form confidence intervals for functions of the
    normal mean and standard deviation. Statistical Methods in Medical Research 21, 347-359
    (the MOVER-R ratio limits).
    Fagerland, M. W., Lydersen, S. and Laake, P. (2015). Recommended confidence intervals for
    two independent binomial proportions. Statistical Methods in Medical Research 24,
    224-254.

    Examples
    --------
    >>> from conflictstats.proportions import compare_proportions
    >>> # civilian share of deaths: Nov 24 breakout (30 of 159) vs campaign (308 of 1616)
    >>> r = compare_proportions(30, 159, 308, 1616)
    >>> round(r.estimate, 3), round(r.ci_low, 3), round(r.ci_high, 3)
    (-0.002, -0.059, 0.068)
    >>> r = compare_proportions(30, 159, 308, 1616, method="miettinen-nurminen")
    >>> r.statistic_name, round(r.statistic, 3), round(r.pvalue, 3)
    ('score z', -0.059, 0.953)
    >>> # epinephrine trial (7 of 34 vs 1 of 34): Fagerland, Lydersen & Laake's example
    >>> r = compare_proportions(7, 34, 1, 34, compare="ratio", method="mover-wilson")
    >>> round(r.ci_low, 4), round(r.ci_high, 4)
    (1.1537, 41.9763)
    """
    compare = check_choice(compare, tuple(COMPARE_METHODS), "compare")
    if method is None:
        method = _DEFAULT_COMPARE[compare]
    method = check_method(method, COMPARE_METHODS[compare])
    confidence = as_confidence(confidence)
    a = as_counts(x1, "x1")
    m1 = as_counts(n1, "n1", allow_zero=False)
    b = as_counts(x2, "x2")
    m2 = as_counts(n2, "n2", allow_zero=False)
    if null is None:
        null = 0.0 if compare == "difference" else 1.0
    nul = as_finite(null, "null")
    if compare != "difference" and (nul <= 0).any():
        raise InputError(f"null must be positive for a {compare}, got {nul[nul <= 0].flat[0]!r}")
    if compare == "difference" and (np.abs(nul) >= 1).any():
        # p1 - p2 lies in [-1, 1], and a null of -1 or 1 leaves the two proportions no
        # variance to test against: the test is not defined there
        raise InputError(
            "null must lie strictly between -1 and 1 for a difference of proportions, got "
            f"{nul[np.abs(nul) >= 1].flat[0]!r}"
        )
    a, m1, b, m2, nul = broadcast(x1=a, n1=m1, x2=b, n2=m2, null=nul)
    check_le(a, m1, "x1", "n1")
    check_le(b, m2, "x2", "n2")
    fun = _COMPARE_FUNS[(compare, method)]
    est, lo, hi, test = fun(a, m1, b, m2, z_quantile(confidence), confidence, nul)
    quantity = {"difference": "difference in proportions", "ratio": "ratio of proportions"}
    return ProportionComparison(
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        confidence=confidence,
        method=method,
        quantity=quantity.get(compare, "odds ratio"),
        pvalue=None if test is None else test.pvalue,
        x1=a,
        n1=m1,
        x2=b,
        n2=m2,
        null=nul,
        compare=compare,
        statistic=None if test is None else test.statistic,
        statistic_name=None if test is None else test.name,
    )


# ---------------------------------------------------------------------------------------------
# compositions
# ---------------------------------------------------------------------------------------------
def multinomial_ci(
    counts: Any,
    *,
    method: str = "sison-glaz",
    confidence: float = 0.95,
    prior: float = 0.5,
    categories: Any = None,
    reports: Any = None,
) -> MultinomialEstimate:
    """Simultaneous confidence intervals for the shares of a composition.

    Parameters
    ----------
    counts : array_like of int, shape (..., k)
        Counts of the k parts (last axis); leading axes are separate compositions (reports).
        Each composition needs a positive total and k >= 2.
    method : {"sison-glaz", "goodman", "quesenberry-hurst", "dirichlet"}
        "sison-glaz" (default) is the shortest of the three frequentist sets; "goodman" and
        "quesenberry-hurst" are score-type intervals at adjusted chi-square quantiles;
        "dirichlet" gives Bayesian posterior credible intervals under a symmetric
        Dirichlet(``prior``) prior; these are marginal, not simultaneous.
    confidence : float
        Joint confidence level of the k intervals of one composition, default 0.95.
    prior : float
        Dirichlet prior parameter for ``method="dirichlet"`` (0.5: Jeffreys; 1: uniform).
    categories : sequence of str, optional
        Names of the k parts (kept on the result for tables and plots).
    reports : sequence of str, optional
        Names of the compositions (rows) of a 2-D ``counts``.

    Returns
    -------
    MultinomialEstimate or DirichletEstimate
        Shares and intervals with the shape of ``counts``.

    Raises
    ------
    InputError
        For bad counts, a zero total, k < 2, a non-positive prior or an unknown method.

    Notes
    -----
    Sison–Glaz approximates the probability that every count falls within ±c of its observed
    value by an Edgeworth expansion of truncated Poisson variables, chooses the integer c that
    brackets the confidence level and interpolates; the intervals are ``p - c/n`` to
    ``p + (c + 2γ)/n``. The truncated-Poisson moments come from the Stein identity and the
    probabilities from Loader's saddle-point log-pmf, so every term keeps its digits at any
    total (the factorial-moment form of R's MultinomialCI cancels terms of order n⁴ and fails
    from totals of about 10^5). c is the first crossing of an upward scan, as in R, started
    where the binomial margins leave room for one: below that start the Edgeworth expansion
    of boxes a few counts wide returns spurious values (418 or -174 at c = 1 for counts of
    10^5) that R's scan takes for the crossing. A part with a zero count gets a lower limit
    of 0.

    References
    ----------
    Sison, C. P. and Glaz, J. (1995). Simultaneous confidence intervals and sample size
    determination for multinomial proportions. JASA 90, 366-369.
    Goodman, L. A. (1965). On simultaneous confidence intervals for multinomial proportions.
    Technometrics 7, 247-254.
    Quesenberry, C. P. and Hurst, D. C. (1964). Large sample simultaneous confidence intervals
    for multinomial proportions. Technometrics 6, 191-195.

    Examples
    --------
    >>> from conflictstats.proportions import multinomial_ci
    >>> r = multinomial_ci([827, 481, 308], categories=["ISIS", "SDF", "civilian"])
    >>> r.estimate.round(3), r.ci_low.round(3), r.ci_high.round(3)
    (array([0.512, 0.298, 0.191]), array([0.486, 0.272, 0.165]), array([0.538, 0.324, 0.217]))
    """
    method = check_method(method, MULTINOMIAL_METHODS)
    confidence = as_confidence(confidence)
    labels = None
    if isinstance(counts, (pd.Series, pd.DataFrame)):  # pandas in, pandas out
        labels = counts.index
        if categories is None:
            categories = counts.index if counts.ndim == 1 else counts.columns
        if counts.ndim == 2 and reports is None:
            reports = counts.index
        counts = align(counts=counts)[1]["counts"]
    x = as_counts(counts, "counts")
    if x.ndim == 0 or x.shape[-1] < 2:
        raise InputError(f"counts must have at least 2 parts on its last axis, got shape {x.shape}")
    n = x.sum(axis=-1)
    if (n == 0).any():
        where = tuple(int(i) for i in np.argwhere(n == 0)[0])
        raise InputError(
            "counts must have a positive total in every composition, got total 0"
            + (f" at index {where}" if n.ndim else "")
        )
    k = x.shape[-1]
    cats = None if categories is None else tuple(str(c) for c in categories)
    if cats is not None and len(cats) != k:
        raise InputError(f"categories must name the {k} parts, got {len(cats)}: {cats!r}")
    reps = None if reports is None else tuple(str(r) for r in reports)
    if reps is not None and (x.ndim != 2 or len(reps) != x.shape[0]):
        raise InputError(f"reports must name the {x.shape[0]} rows of 2-D counts, got {reps!r}")
    common = dict(confidence=confidence, categories=cats, reports=reps)
    if method == "dirichlet":
        a0 = float(as_finite(prior, "prior"))
        if a0 <= 0:
            raise InputError(f"prior must be positive, got {prior!r}")
        post = x + a0
        total = post.sum(axis=-1, keepdims=True)
        alpha = 1 - confidence
        lo = stats.beta.ppf(alpha / 2, post, total - post)
        hi = stats.beta.ppf(1 - alpha / 2, post, total - post)
        out = DirichletEstimate(
            estimate=post / total,
            ci_low=lo,
            ci_high=hi,
            method=f"dirichlet({a0:g})",
            quantity="share",
            counts=x,
            simultaneous=False,
            prior=a0,
            **common,
        )
        return label(out, labels)
    fun = {
        "sison-glaz": _m_sison_glaz,
        "goodman": _m_goodman,
        "quesenberry-hurst": _m_quesenberry_hurst,
    }[method]
    lo, hi = fun(x, n, confidence)
    out = MultinomialEstimate(
        estimate=x / n[..., None],
        ci_low=lo,
        ci_high=hi,
        method=method,
        quantity="share",
        counts=x,
        **common,
    )
    return label(out, labels)


# ---------------------------------------------------------------------------------------------
# homogeneity of several reports
# ---------------------------------------------------------------------------------------------
def homogeneity(
    counts_table: Any,
    *,
    method: str = "exact",
    confidence: float = 0.95,
    shares_method: str = "sison-glaz",
    n_sim: int = 100_000,
    max_tables: int = 2_000_000,
    rng: Any = None,
    reports: Any = None,
    categories: Any = None,
) -> HomogeneityTest:
    """Test whether several reports share one split into categories.

    Parameters
    ----------
    counts_table : array_like of int, shape (r, k), or pandas.DataFrame
        One row per report, one column per category. A DataFrame's index and columns name
        the reports and the categories.
    method : {"exact", "monte-carlo", "chi-square"}
        "exact": the Freeman–Halton generalisation of Fisher's exact test, summing the
        probabilities of every table with the same margins that is no more probable than the
        observed one; by full enumeration for 2 × k tables with at most ``max_tables`` first
        rows, otherwise by Monte Carlo (then ``rng`` is required). "monte-carlo": always
        simulate ``n_sim`` tables. "chi-square": Pearson's test.
    confidence : float
        Level of the simultaneous intervals of the per-report shares.
    shares_method : str
        :func:`multinomial_ci` method for the per-report shares.
    n_sim : int
        Number of simulated tables for the Monte Carlo p-value.
    max_tables : int
        Largest enumeration attempted for the exact test.
    rng : numpy.random.Generator or int, optional
        Seed for the Monte Carlo p-value (required when it is used).
    reports, categories : sequence of str, optional
        Names of the rows and columns (taken from a DataFrame when not given).

    Returns
    -------
    HomogeneityTest
        ``statistic`` (Pearson chi-square), ``df``, ``pvalue`` of ``method``,
        ``chisq_pvalue``, ``shares`` (a :class:`MultinomialEstimate`, one row per report),
        ``table`` and, for Monte Carlo, ``n_sim``.

    Raises
    ------
    InputError
        For bad counts, fewer than 2 rows or columns, an empty row or column, an unknown
        method, or a Monte Carlo p-value without ``rng``.

    Notes
    -----
    Given the margins, the probability of a table is ∏ r_i! ∏ c_j! / (N! ∏ n_ij!). The
    Monte Carlo p-value is (1 + #{simulated tables no more probable}) / (n_sim + 1), as in
    R's ``fisher.test(simulate.p.value = TRUE)``; tables are simulated by shuffling the
    column labels of the N individuals among the rows.

    References
    ----------
    Freeman, G. H. and Halton, J. H. (1951). Note on an exact treatment of contingency,
    goodness of fit and other problems of significance. Biometrika 38, 141-149.

    Examples
    --------
    >>> from conflictstats.proportions import homogeneity
    >>> t = homogeneity([[50, 79, 30], [827, 481, 308]])   # breakout vs whole campaign
    >>> round(t.statistic, 1), t.df, t.pvalue < 1e-4
    (29.6, 2, True)
    """
    method = check_method(method, ("exact", "monte-carlo", "chi-square"))
    confidence = as_confidence(confidence)
    if hasattr(counts_table, "to_numpy") and hasattr(counts_table, "columns"):
        reports = reports if reports is not None else [str(i) for i in counts_table.index]
        categories = categories if categories is not None else [str(c) for c in counts_table]
        counts_table = counts_table.to_numpy()
    t = as_counts(counts_table, "counts_table")
    if t.ndim != 2 or t.shape[0] < 2 or t.shape[1] < 2:
        raise InputError(f"counts_table must be a 2-D table of at least 2 × 2, got shape {t.shape}")
    rows, cols = t.sum(axis=1), t.sum(axis=0)
    for name, margin in (("row", rows), ("column", cols)):
        if (margin == 0).any():
            i = int(np.flatnonzero(margin == 0)[0])
            raise InputError(f"counts_table has an empty {name} (index {i}); drop it first")
    total = t.sum()
    expected = np.outer(rows, cols) / total
    chisq = float(((t - expected) ** 2 / expected).sum())
    df = (t.shape[0] - 1) * (t.shape[1] - 1)
    p_chisq = float(stats.chi2.sf(chisq, df))
    shares = multinomial_ci(
        t, method=shares_method, confidence=confidence, reports=reports, categories=categories
    )
    used_sim = None
    if method == "chi-square":
        p = p_chisq
    else:
        obs = _log_table_prob_terms(t)
        first = None
        if method == "exact" and t.shape[0] == 2:
            first = _enumerate_first_rows(cols, rows[0], max_tables)
        if first is not None:
            p = _enumerated_pvalue(first, cols, obs)
            label = "exact"
        else:
            if rng is None:
                raise InputError(
                    "rng is required for a Monte Carlo p-value (give a seed, e.g. rng=1)"
                )
            gen = as_rng(rng)
            n_sim = int(n_sim)
            if n_sim < 1:
                raise InputError(f"n_sim must be a positive integer, got {n_sim!r}")
            p = _monte_carlo_pvalue(t, rows, cols, obs, n_sim, gen)
            used_sim = n_sim
            label = "monte-carlo"
        method = label
    return HomogeneityTest(
        statistic=chisq,
        pvalue=min(float(p), 1.0),
        method=method,
        quantity="chi-square",
        df=df,
        chisq_pvalue=p_chisq,
        table=t,
        shares=shares,
        n_sim=used_sim,
    )
