"""Simulated coverage of the rate intervals (fixed seeds, vectorised over replicates).

Each grid point uses 4,000 replicates, so the simulation standard error of a 95% coverage is
about 0.0034; "nominal minus simulation error" below means 0.95 - 3 x 0.0034 = 0.94.
Bands per method (the coverage at every grid point must fall inside):

* exact (Garwood) and exact-cond (Clopper-Pearson): [0.94, 1] - conservative by construction;
* mid-p: [0.925, 0.99];
* score, Jeffreys, E-test (reported with the score interval): [0.92, 0.985];
* Wald on the log scale (counts of at least 10 in expectation): [0.92, 0.985];
* difference, score: [0.92, 0.985]; difference, Wald: [0.90, 0.985] (it undercovers at small
  counts, which is why it is not the default).
"""

import numpy as np
import pytest

from conflictstats.rates import compare_rates, rate_ci

REPS = 4000
MEANS = (3.0, 10.0, 40.0)

BANDS_RATIO = {
    "exact-cond": (0.94, 1.0),
    "mid-p": (0.925, 0.99),
    "score": (0.92, 0.985),
    "etest": (0.92, 0.985),
    "wald": (0.92, 0.985),
}


def _pairs(seed, means):
    rng = np.random.default_rng(seed)
    rows = []
    for m1 in means:
        for m2 in means:
            x1 = rng.poisson(m1, REPS)
            x2 = rng.poisson(m2, REPS)
            rows.append((m1, m2, x1, x2))
    return rows


@pytest.mark.parametrize("method", list(BANDS_RATIO))
@pytest.mark.slow
def test_ratio_ci_coverage(method):
    means = (10.0, 25.0, 60.0) if method == "wald" else MEANS
    t1, t2 = 2.0, 3.0  # unequal exposures: rates m/t
    lo, hi = BANDS_RATIO[method]
    for m1, m2, x1, x2 in _pairs(2018, means):
        keep = (x1 + x2) > 0
        if method == "wald":
            keep &= (x1 > 0) & (x2 > 0)
        truth = (m1 / t1) / (m2 / t2)
        r = compare_rates(x1[keep], t1, x2[keep], t2, method=method)
        cover = np.mean((r.ci_low <= truth) & (truth <= r.ci_high))
        assert lo <= cover <= hi, (method, m1, m2, cover)


@pytest.mark.parametrize("method, band", [("score", (0.92, 0.985)), ("wald", (0.90, 0.985))])
@pytest.mark.slow
def test_difference_ci_coverage(method, band):
    t1, t2 = 1.5, 1.0
    for m1, m2, x1, x2 in _pairs(2016, (5.0, 15.0, 50.0)):
        keep = (x1 + x2) > 0
        truth = m1 / t1 - m2 / t2
        r = compare_rates(x1[keep], t1, x2[keep], t2, compare="difference", method=method)
        cover = np.mean((r.ci_low <= truth) & (truth <= r.ci_high))
        assert band[0] <= cover <= band[1], (method, m1, m2, cover)


@pytest.mark.parametrize(
    "method, band",
    [
        ("exact", (0.94, 1.0)),
        ("mid-p", (0.925, 0.99)),
        ("score", (0.92, 0.985)),
        ("jeffreys", (0.92, 0.985)),
    ],
)
@pytest.mark.slow
def test_rate_ci_coverage(method, band):
    rng = np.random.default_rng(75)
    for mu in (2.0, 7.5, 30.0, 120.0):
        x = rng.poisson(mu, REPS)
        r = rate_ci(x, 12.0, method=method)
        cover = np.mean((r.ci_low <= mu / 12) & (mu / 12 <= r.ci_high))
        assert band[0] <= cover <= band[1], (method, mu, cover)


def test_exact_never_below_nominal_on_a_fine_grid():
    """Exact intervals: coverage computed exactly (sum of Poisson probabilities, no
    simulation) over a fine grid of means never falls below 0.95."""
    from scipy import stats

    x = np.arange(0, 400)
    r = rate_ci(x, 1.0)
    mus = np.linspace(0.05, 200, 801)
    inside = (r.ci_low[None, :] <= mus[:, None]) & (mus[:, None] <= r.ci_high[None, :])
    cover = (stats.poisson.pmf(x[None, :], mus[:, None]) * inside).sum(axis=1)
    assert cover.min() >= 0.95 - 1e-9


def test_etest_size_at_most_nominal_roughly():
    """The E-test's simulated size under the null stays near or below 0.05 (band 0.03-0.065)."""
    rng = np.random.default_rng(11)
    for mu in (4.0, 20.0):
        x1 = rng.poisson(mu, REPS)
        x2 = rng.poisson(mu * 1.5, REPS)
        keep = (x1 + x2) > 0
        p = compare_rates(x1[keep], 1.0, x2[keep], 1.5, method="etest").pvalue
        size = np.mean(p <= 0.05)
        assert 0.03 <= size <= 0.065, (mu, size)
