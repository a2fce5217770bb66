"""rates.mean_from_maximum and maximum_cdf: a reported busiest period as evidence on the mean."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_reference

from conflictstats import InputError
from conflictstats.rates import maximum_cdf, mean_from_maximum, rate_ci

REF = load_reference("maximum")


@pytest.mark.parametrize("case", REF["mean_from_maximum"], ids=lambda c: str(c)[:60])
def test_mean_from_maximum_equals_r_uniroot(case):
    r = mean_from_maximum(case["maximum"], case["periods"], dispersion=case["dispersion"])
    assert r.estimate == pytest.approx(case["estimate"], rel=1e-8)
    assert r.ci_low == pytest.approx(case["ci_low"], rel=1e-8)
    assert r.ci_high == pytest.approx(case["ci_high"], rel=1e-8)


@pytest.mark.parametrize("case", REF["maximum_cdf"], ids=lambda c: str(c)[:60])
def test_maximum_cdf_equals_r(case):
    p = maximum_cdf(case["maximum"], case["periods"], case["mean"], dispersion=case["dispersion"])
    assert float(p) == pytest.approx(case["cdf"], rel=1e-10)


def test_one_period_poisson_is_garwood():
    """With one Poisson period the maximum is the count: the interval is rate_ci's exact one."""
    x = np.array([0, 1, 3, 17, 250])
    r = mean_from_maximum(x, 1)
    g = rate_ci(x, 1)
    np.testing.assert_allclose(r.ci_low, g.ci_low, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(r.ci_high, g.ci_high, rtol=1e-9)


def test_vectorised_equals_scalar():
    m, n, phi = [3, 40, 75], [2, 6, 11], [1.0, 3.0, 5.0]
    r = mean_from_maximum(m, n, dispersion=phi)
    for k in range(3):
        s = mean_from_maximum(m[k], n[k], dispersion=phi[k])
        assert r.estimate[k] == pytest.approx(s.estimate, rel=1e-10)
        assert r.ci_high[k] == pytest.approx(s.ci_high, rel=1e-10)


def test_interval_contains_estimate_and_widens_with_dispersion():
    r = mean_from_maximum(75, 11, dispersion=[1, 2, 5, 10, 20])
    assert np.all(r.ci_low <= r.estimate) and np.all(r.estimate <= r.ci_high)
    assert np.all(np.diff(r.ci_high - r.ci_low) > 0)


def test_zero_maximum():
    r = mean_from_maximum(0, 11)
    assert r.estimate == 0 and r.ci_low == 0
    # P(all 11 months are 0) = exp(-11 mu) = 0.025
    assert r.ci_high == pytest.approx(-np.log(0.025) / 11, rel=1e-10)


@pytest.mark.slow
def test_coverage_by_simulation():
    """The exact interval covers the true mean at least 95% of the time (seeded)."""
    rng = np.random.default_rng(7)
    mu, n, phi = 20.0, 6, 3.0
    months = rng.negative_binomial(mu / (phi - 1), 1 / phi, size=(2000, n))
    r = mean_from_maximum(months.max(axis=1), n, dispersion=phi)
    cover = np.mean((r.ci_low <= mu) & (mu <= r.ci_high))
    assert 0.95 <= cover <= 0.99


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mean_from_maximum(-1, 11), "maximum"),
        (lambda: mean_from_maximum(7.5, 11), "maximum"),
        (lambda: mean_from_maximum(75, 0), "periods"),
        (lambda: mean_from_maximum(75, 11, dispersion=0.5), "dispersion must be at least 1"),
        (lambda: mean_from_maximum([1, 2], [1, 2, 3]), "do not broadcast"),
        (lambda: maximum_cdf(75, 11, 0.0), "mean"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(InputError, match=match):
        call()
