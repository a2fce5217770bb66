"""Exact two-sided rules (tsmethod), Gu et al.'s ratio tests and test statistics of
conflictstats.rates, against R (tests/reference/rates_exact.R -> rates_exact.json) and
statsmodels/scipy (tests/reference/rates_statistic.py -> rates_statistic.json)."""

import math

import numpy as np
import pytest
from conftest import load_reference
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictstats._numeric import exact_matching_ci, exact_twosided_pvalue
from conflictstats._validation import InputError
from conflictstats.rates import TSMETHODS, compare_rates, rate_ci

CASES = load_reference("rates_exact")["cases"]
STAT_CASES = load_reference("rates_statistic")["cases"]


def _value(v):
    return {"inf": math.inf, "-inf": -math.inf}.get(v, v) if isinstance(v, str) else v


def _run(case):
    a = dict(case["args"])
    if case["kind"] == "rate_ci":
        return rate_ci(a.pop("count"), a.pop("exposure"), **a)
    return compare_rates(
        a.pop("count1"), a.pop("exposure1"), a.pop("count2"), a.pop("exposure2"), **a
    )


def _check(result, case):
    for field, expected in case["expected"].items():
        got = getattr(result, field)
        assert got == pytest.approx(_value(expected), rel=case["rtol"], abs=1e-12), (
            field,
            got,
            case["source"],
        )


def test_reference_file_covers_every_rule():
    assert len(CASES) >= 200
    for ts in ("central", "minlike", "blaker"):
        assert sum(c["args"].get("tsmethod") == ts for c in CASES) >= 40
    methods = {c["args"].get("method") for c in CASES}
    assert {"wald-untransformed", "wald-log", "score-log", "sqrt"} <= methods


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['kind']}" for i, c in enumerate(CASES)])
def test_reference_case(case):
    _check(_run(case), case)


@pytest.mark.parametrize("case", STAT_CASES, ids=[f"{i}" for i in range(len(STAT_CASES))])
def test_statistic_against_statsmodels_and_scipy(case):
    _check(_run(case), case)


def test_tsmethod_cases_in_one_vectorised_call():
    """Every two-sided two-sample exactci case of one tsmethod and level in one call."""
    for ts in ("central", "minlike", "blaker"):
        sel = [
            c
            for c in CASES
            if c["kind"] == "compare_rates"
            and c["args"].get("tsmethod") == ts
            and c["args"]["alternative"] == "two-sided"
            and c["args"]["confidence"] == 0.95
        ]
        cols = {
            k: np.array([c["args"][k] for c in sel])
            for k in ("count1", "exposure1", "count2", "exposure2", "null")
        }
        r = compare_rates(
            cols["count1"],
            cols["exposure1"],
            cols["count2"],
            cols["exposure2"],
            null=cols["null"],
            tsmethod=ts,
        )
        for field in ("ci_low", "ci_high", "pvalue"):
            exp = np.array([_value(c["expected"][field]) for c in sel])
            np.testing.assert_allclose(getattr(r, field), exp, rtol=1e-6, atol=1e-12)


def test_default_is_poisson_test_and_unchanged():
    assert TSMETHODS == ("poisson.test", "central", "minlike", "blaker")
    a = compare_rates(10, 20000, 2, 17887)
    b = compare_rates(10, 20000, 2, 17887, tsmethod="poisson.test")
    assert (a.ci_low, a.ci_high, a.pvalue) == (b.ci_low, b.ci_high, b.pvalue)
    assert a.method == "exact-cond" and a.tsmethod == "poisson.test"
    assert compare_rates(10, 20000, 2, 17887, tsmethod="blaker").method == "exact-cond (blaker)"
    assert rate_ci(10, 2).alternative is None and rate_ci(10, 2).pvalue is None


def test_tsmethod_refused_with_other_methods():
    with pytest.raises(InputError, match="tsmethod"):
        compare_rates(10, 1, 2, 1, method="score", tsmethod="blaker")
    with pytest.raises(InputError, match="tsmethod"):
        rate_ci(10, 1, method="mid-p", tsmethod="minlike")
    with pytest.raises(InputError, match="tsmethod"):
        compare_rates(10, 1, 2, 1, tsmethod="fisher")
    with pytest.raises(InputError, match="jeffreys"):
        rate_ci(10, 1, method="jeffreys", null=2)
    with pytest.raises(InputError, match="null"):
        rate_ci(10, 1, null=0)


def test_positive_counts_named_for_log_methods():
    for m in ("wald-untransformed", "wald-log", "score-log"):
        with pytest.raises(InputError, match=r"index \(1,\)"):
            compare_rates([3, 0, 2], 1, [1, 4, 2], 1, method=m)
    r = compare_rates([0, 4], 1, [3, 0], 1, method="sqrt")
    assert np.all(np.isfinite(r.pvalue)) and r.ci_low[0] == 0 and r.ci_high[1] == math.inf


def test_one_sample_statistics_and_one_sided_intervals():
    r = rate_ci([0, 4, 30], 2.0, null=3.0, method="score")
    np.testing.assert_allclose(r.statistic, (np.array([0, 4, 30]) - 6) / np.sqrt(6))
    assert r.statistic_name == "z (score)"
    up = rate_ci(7, 1.0, alternative="larger", method="score")
    two = rate_ci(7, 1.0, confidence=0.9, method="score")
    assert up.ci_low == pytest.approx(two.ci_low) and up.ci_high == math.inf


def test_large_counts_stay_accurate():
    """At counts of 10^7 the matching ends sit next to the central ones and the p-values
    equal the central rule's within the normal approximation."""
    x = np.array([1e7, 3e7])
    for ts in ("minlike", "blaker"):
        lo, hi = exact_matching_ci(x, 0.05, ts)
        clo, chi = exact_matching_ci(x, 0.05, "central")
        np.testing.assert_allclose(lo, clo, rtol=2e-6)
        np.testing.assert_allclose(hi, chi, rtol=2e-6)
        p = exact_twosided_pvalue(x, x * 1.0006, ts)
        pc = exact_twosided_pvalue(x, x * 1.0006, "central")
        np.testing.assert_allclose(p, pc, rtol=5e-3)


# ---- properties ---------------------------------------------------------------------------
counts = st.integers(min_value=0, max_value=60)
levels = st.sampled_from([0.8, 0.9, 0.95, 0.99])
rules = st.sampled_from(["central", "minlike", "blaker"])


@settings(max_examples=30)
@given(counts, counts, st.floats(0.2, 5.0), levels, rules)
def test_two_sample_interval_holds_estimate(x1, x2, t, conf, ts):
    if x1 + x2 == 0:
        return
    r = compare_rates(x1, t, x2, 1.0, tsmethod=ts, confidence=conf)
    assert r.ci_low <= r.estimate * (1 + 1e-12) and r.estimate <= r.ci_high * (1 + 1e-12)
    assert 0 <= r.pvalue <= 1


@settings(max_examples=30)
@given(counts, counts, levels, rules)
def test_two_sample_matching_on_a_grid(x1, x2, conf, ts):
    """Nulls outside the interval are rejected at 1 - confidence and its ends are not; a
    null inside is rejected only where the p-value dips (minlike, Blaker: Fay 2010)."""
    if x1 + x2 == 0:
        return
    r = compare_rates(x1, 1.0, x2, 1.0, tsmethod=ts, confidence=conf)
    a = 1 - conf
    lo, hi = r.ci_low, r.ci_high
    grid = np.exp(np.linspace(-6, 6, 241))
    p = compare_rates(x1, 1.0, x2, 1.0, null=grid, tsmethod=ts, confidence=conf).pvalue
    outside = (grid < lo * (1 - 1e-7)) | (grid > hi * (1 + 1e-7))
    assert np.all(p[outside] <= a + 1e-9)
    inside = (grid > lo * (1 + 1e-7)) & (grid < hi * (1 - 1e-7))
    if ts == "central":
        assert np.all(p[inside] > a - 1e-9)
    ends = [v for v in (lo, hi) if 0 < v < math.inf]
    if ends:
        pe = compare_rates(x1, 1.0, x2, 1.0, null=ends, tsmethod=ts, confidence=conf).pvalue
        assert np.all(pe > a - 1e-6)


@settings(max_examples=30)
@given(counts, st.floats(0.5, 20.0), levels, rules)
def test_one_sample_matching_on_a_grid(x, t, conf, ts):
    r = rate_ci(x, t, tsmethod=ts, confidence=conf)
    assert r.ci_low <= r.estimate <= r.ci_high
    a = 1 - conf
    grid = np.exp(np.linspace(-7, 5, 241))
    p = rate_ci(x, t, null=grid, tsmethod=ts, confidence=conf).pvalue
    assert np.all((0 <= p) & (p <= 1))
    outside = (grid < r.ci_low * (1 - 1e-7)) | (grid > r.ci_high * (1 + 1e-7))
    assert np.all(p[outside] <= a + 1e-9)
    if ts == "central":
        inside = (grid > r.ci_low * (1 + 1e-7)) & (grid < r.ci_high * (1 - 1e-7))
        assert np.all(p[inside] > a - 1e-9)


@given(counts, counts, st.sampled_from(["wald-untransformed", "sqrt", "score-log"]), levels)
def test_gu_intervals_invert_their_tests(x1, x2, method, conf):
    if x1 == 0 or x2 == 0:
        return
    r = compare_rates(x1, 1.0, x2, 1.0, method=method, confidence=conf)
    assert r.ci_low <= r.estimate <= r.ci_high and 0 <= r.pvalue <= 1
    ends = [v for v in (r.ci_low, r.ci_high) if 0 < v < math.inf]
    if ends:
        p = compare_rates(x1, 1.0, x2, 1.0, null=ends, method=method, confidence=conf).pvalue
        np.testing.assert_allclose(p, 1 - conf, rtol=1e-6)


def test_claim_check_statistic_gives_its_pvalues():
    from scipy import stats

    from conflictstats.rates import claim_check

    for method in ("score", "wald"):
        cc = claim_check(75, 11, 60, 12, method=method)
        np.testing.assert_allclose(cc.pvalue, 2 * stats.norm.sf(np.abs(cc.statistic)))
        assert cc.statistic_name.startswith("z")
