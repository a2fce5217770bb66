"""proportion_ci's exact tests by two-sided method (central, minlike, Blaker) with matching
intervals, and its mid-p, score and Wald tests, against R (tests/reference/exact_binom.json,
written by tests/reference/exact_binom.R) and statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_reference
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictstats._numeric import exact_twosided_pvalue
from conflictstats._validation import InputError
from conflictstats.proportions import proportion_ci

REF = load_reference("exact_binom")


@pytest.mark.parametrize("case", REF["exact"], ids=lambda c: c["id"])
def test_exact_equals_exactci(case):
    r = proportion_ci(
        case["x"],
        case["n"],
        method="exact",
        tsmethod=case["tsmethod"],
        null=case["null"],
        alternative=case["alternative"],
        confidence=case["confidence"],
    )
    # exactci rounds its limits to 9 decimals at tol = 1e-10
    assert r.ci_low == pytest.approx(case["ci_low"], abs=2e-9), case["call"]
    assert r.ci_high == pytest.approx(case["ci_high"], abs=2e-9), case["call"]
    assert r.pvalue == pytest.approx(case["pvalue"], rel=1e-10, abs=1e-15), case["call"]
    assert r.statistic == case["x"]
    assert r.statistic_name == "number of successes"


def test_exact_vectorised_equals_scalar():
    cases = [c for c in REF["exact"] if c["alternative"] == "two-sided" and c["confidence"] == 0.95]
    for ts in ("central", "minlike", "blaker"):
        sub = [c for c in cases if c["tsmethod"] == ts]
        r = proportion_ci(
            [c["x"] for c in sub],
            [c["n"] for c in sub],
            method="clopper-pearson",
            tsmethod=ts,
            null=[c["null"] for c in sub],
        )
        np.testing.assert_allclose(r.ci_low, [c["ci_low"] for c in sub], atol=2e-9)
        np.testing.assert_allclose(r.ci_high, [c["ci_high"] for c in sub], atol=2e-9)
        np.testing.assert_allclose(r.pvalue, [c["pvalue"] for c in sub], rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("case", REF["midp"], ids=lambda c: f"{c['x']}_{c['n']}_{c['alternative']}")
def test_midp_pvalue_equals_exactci(case):
    r = proportion_ci(
        case["x"], case["n"], method="mid-p", null=case["null"], alternative=case["alternative"]
    )
    assert r.pvalue == pytest.approx(case["pvalue"], rel=1e-9, abs=1e-15), case["call"]


@pytest.mark.parametrize("case", REF["score"], ids=lambda c: f"{c['x']}_{c['n']}")
def test_score_statistic_equals_prop_test(case):
    r = proportion_ci(case["x"], case["n"], method="wilson", null=case["null"])
    assert r.statistic**2 == pytest.approx(case["x_squared"], rel=1e-10), case["call"]
    assert r.pvalue == pytest.approx(case["pvalue"], rel=1e-9), case["call"]
    assert r.statistic_name == "score z"


def test_wald_statistic_equals_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    x, n, p0 = np.array([3, 81, 30, 154]), np.array([10, 263, 159, 308]), 0.3
    r = proportion_ci(x, n, method="wald", null=p0)
    for i in range(len(x)):
        z, p = proportions_ztest(x[i], n[i], value=p0)  # variance at the estimate
        assert r.statistic[i] == pytest.approx(z, rel=1e-12)
        assert r.pvalue[i] == pytest.approx(p, rel=1e-10)
    assert r.statistic_name == "Wald z"


def test_default_keeps_clopper_pearson():
    x, n = np.arange(0, 31), 30
    old = proportion_ci(x, n, method="clopper-pearson")
    new = proportion_ci(x, n, method="exact")
    np.testing.assert_array_equal(old.ci_low, new.ci_low)
    np.testing.assert_array_equal(old.ci_high, new.ci_high)
    assert old.pvalue is None and old.statistic is None


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 400),
    frac=st.floats(0, 1),
    p0=st.floats(0.001, 0.999),
    ts=st.sampled_from(["central", "minlike", "blaker"]),
    conf=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_exact_interval_matches_its_test(n, frac, p0, ts, conf):
    """low <= estimate <= high, p in [0, 1], and the test rejects p0 at 1 - conf whenever
    p0 lies outside the interval, and does not reject just inside either end."""
    x = int(round(frac * n))
    r = proportion_ci(x, n, method="exact", tsmethod=ts, null=p0, confidence=conf)
    assert 0 <= r.ci_low <= r.estimate <= r.ci_high <= 1
    assert 0 <= r.pvalue <= 1
    alpha = 1 - conf
    if p0 < r.ci_low * (1 - 1e-9) or p0 > r.ci_high * (1 + 1e-9) + 1e-12:
        assert r.pvalue <= alpha * (1 + 1e-6)
    for end, step in ((r.ci_low, 1e-7), (r.ci_high, -1e-7)):
        inside = end + step
        if 0 < inside < 1 and r.ci_low < inside < r.ci_high:
            assert exact_twosided_pvalue(x, inside, ts, n=n) > alpha * (1 - 1e-6)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 300),
    frac=st.floats(0, 1),
    p0=st.floats(0.001, 0.999),
    method=st.sampled_from(["exact", "mid-p", "wilson", "wald"]),
    alternative=st.sampled_from(["two-sided", "larger", "smaller"]),
)
def test_tests_give_probabilities(n, frac, p0, method, alternative):
    x = int(round(frac * n))
    r = proportion_ci(x, n, method=method, null=p0, alternative=alternative)
    assert 0 <= r.pvalue <= 1
    assert r.ci_low <= r.estimate <= r.ci_high
    if alternative == "larger":
        assert r.ci_high == 1
    if alternative == "smaller":
        assert r.ci_low == 0


def test_bad_options_are_refused_by_name():
    with pytest.raises(InputError, match="tsmethod"):
        proportion_ci(3, 10, method="wilson", tsmethod="blaker")
    with pytest.raises(InputError, match="tsmethod"):
        proportion_ci(3, 10, method="exact", tsmethod="sterne")
    with pytest.raises(InputError, match="null"):
        proportion_ci(3, 10, method="jeffreys", null=0.5)
    with pytest.raises(InputError, match="null"):
        proportion_ci(3, 10, method="exact", null=1.0)
    with pytest.raises(InputError, match="alternative"):
        proportion_ci(3, 10, method="exact", null=0.5, alternative="less")
    with pytest.raises(InputError, match="confidence"):
        proportion_ci(3, 10, method="exact", tsmethod="minlike", confidence=0.4)
