"""Mid-p limits (issue 17, "Scale": the per-element cost of proportion_ci(method="mid-p")):
all elements at once by Newton's method on the tails, and exact to a relative 1e-10 or better
at counts where the old bracketed search (absolute tolerance 1e-14 in p) was 1e-5 off.

References: tests/reference/midp_extreme.json, written by tests/reference/midp_extreme.R
(R's pbinom/dbinom and ppois/dpois, uniroot on the mean's scale).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_reference

from conflictstats._numeric import binom_midp_limits, pois_midp_limits
from conflictstats.proportions import count_ratio, proportion_ci
from conflictstats.rates import compare_rates, rate_ci

REF = load_reference("midp_extreme")
BINOM = REF["cases"]
POIS = REF["poisson_cases"]


@pytest.mark.parametrize("case", BINOM, ids=[f"{c['x']}_of_{c['n']:.0e}" for c in BINOM])
def test_proportion_midp_at_huge_n_matches_r(case):
    r = proportion_ci(case["x"], case["n"], method="mid-p")
    assert float(r.ci_low) == pytest.approx(case["ci_low"], rel=1e-10, abs=0), REF["source"]
    assert float(r.ci_high) == pytest.approx(case["ci_high"], rel=1e-10), REF["source"]


@pytest.mark.parametrize("case", BINOM, ids=[f"{c['x']}_of_{c['n']:.0e}" for c in BINOM])
def test_count_ratio_and_compare_rates_midp_at_huge_n_match_r(case):
    # the conditional binomial: events x of n, the ratio limits p / (1 - p)
    x, n = case["x"], case["n"]
    if x == 0:
        return  # count_ratio/compare_rates need a nonzero second count only; x=0 is covered above
    lo, hi = case["ci_low"], case["ci_high"]
    expected = [lo / (1 - lo), hi / (1 - hi)]
    for r in (count_ratio(x, n - x, method="mid-p"), compare_rates(x, 1, n - x, 1, method="mid-p")):
        np.testing.assert_allclose([float(r.ci_low), float(r.ci_high)], expected, rtol=1e-10)


@pytest.mark.parametrize("case", POIS, ids=[f"{c['x']:.0e}" for c in POIS])
def test_rate_midp_matches_r(case):
    r = rate_ci(case["x"], method="mid-p")
    assert float(r.ci_low) == pytest.approx(case["ci_low"], rel=1e-12, abs=0), REF["poisson_source"]
    assert float(r.ci_high) == pytest.approx(case["ci_high"], rel=1e-12), REF["poisson_source"]


def test_midp_limits_solve_their_equations_on_many_elements():
    # every element of a large array, each limit checked in its own tail equation
    from scipy import stats

    rng = np.random.default_rng(61)
    n = rng.integers(1, 3000, 4000).astype(float)
    x = rng.binomial(n.astype(int), rng.uniform(0, 1, n.size)).astype(float)
    x[:40], x[40:80] = 0, n[40:80]
    lo, hi = binom_midp_limits(x, n, 0.025)
    assert np.all((0 <= lo) & (lo < hi) & (hi <= 1))
    assert np.all(lo <= x / n) and np.all(x / n <= hi)
    i, j = x > 0, x < n
    up = stats.binom.sf(x[i], n[i], lo[i]) + 0.5 * stats.binom.pmf(x[i], n[i], lo[i])
    down = stats.binom.cdf(x[j] - 1, n[j], hi[j]) + 0.5 * stats.binom.pmf(x[j], n[j], hi[j])
    np.testing.assert_allclose(up, 0.025, rtol=1e-9)
    np.testing.assert_allclose(down, 0.025, rtol=1e-9)
    # mirror: the interval for n - x is one minus this one
    lo2, hi2 = binom_midp_limits(n - x, n, 0.025)
    np.testing.assert_allclose(lo2, 1 - hi, atol=1e-14)
    np.testing.assert_allclose(hi2, 1 - lo, atol=1e-14)
    mu = rng.gamma(0.5, 200.0, 3000).round()
    plo, phi = pois_midp_limits(mu, 0.025)
    k = mu > 0
    np.testing.assert_allclose(
        stats.poisson.sf(mu[k], plo[k]) + 0.5 * stats.poisson.pmf(mu[k], plo[k]), 0.025, rtol=1e-9
    )
    np.testing.assert_allclose(
        stats.poisson.cdf(mu - 1, phi) + 0.5 * stats.poisson.pmf(mu, phi), 0.025, rtol=1e-9
    )


def test_bracketed_fallback_gives_the_same_limits(monkeypatch):
    # elements Newton's method leaves (none in practice) go to the bracketed search
    import conflictstats._numeric as nm

    x = np.array([0, 1, 3, 17, 250, 499, 500, 1e6])
    n = np.array([10, 2, 40, 60, 500, 500, 500, 3e9])
    want = binom_midp_limits(x, n, 0.025)
    want_pois = pois_midp_limits(x, 0.025)
    monkeypatch.setattr(nm, "_newton_log", lambda fun, u, width, args: np.full(u.shape, np.nan))
    got = nm.binom_midp_limits(x, n, 0.025)
    got_pois = nm.pois_midp_limits(x, 0.025)
    for a, b in zip(got + got_pois, want + want_pois):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-15)
