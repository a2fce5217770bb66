"""Exact binomial tests with a choice of two-sided method, and the intervals that match them.

Fay (2010) names three ways of making an exact two-sided test of ``p = p0`` from the
binomial law, and for each the confidence interval that inverts it, so that ``p0`` lies
outside the interval exactly when the test rejects at ``1 - confidence``:

* ``"central"``: twice the smaller tail; the interval is Clopper-Pearson's;
* ``"minlike"``: the probability of every outcome no more likely than the observed one
  (R's ``binom.test`` p-value); the interval is Sterne's (1954);
* ``"blaker"``: the smaller tail plus the largest tail on the other side that is no larger
  (Blaker 2000).

The two-sided p-values and matching intervals are the shared ones of
:func:`conflictstats._numeric.exact_twosided_pvalue` and
:func:`conflictstats._numeric.exact_matching_ci` (the same code serves the Poisson rates);
this module adds the one-sided tests, which are the same for every ``tsmethod`` (one tail,
and the one-sided Clopper-Pearson bound).
"""

from __future__ import annotations

from .._numeric import (
    TSMETHODS,
    binom_cdf,
    binom_sf_ge,
    clopper_pearson,
    exact_matching_ci,
    exact_twosided_pvalue,
)

__all__ = ["TSMETHODS", "exact_limits", "exact_pvalue"]


def exact_limits(x, n, alpha, tsmethod, alternative="two-sided"):
    """The exact interval for a binomial proportion matching the test ``tsmethod``."""
    if alternative == "two-sided" and tsmethod != "central":
        return exact_matching_ci(x, alpha, tsmethod, n=n)
    return clopper_pearson(x, n, alpha, alternative)


def exact_pvalue(x, n, p0, tsmethod, alternative="two-sided"):
    """Exact p-value of ``p = p0``: one tail for a one-sided ``alternative``."""
    if alternative == "larger":
        return binom_sf_ge(x, n, p0)
    if alternative == "smaller":
        return binom_cdf(x, n, p0)
    return exact_twosided_pvalue(x, p0, tsmethod, n=n)
