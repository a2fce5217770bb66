"""conflictstats.rates: behaviour, agreement with scipy/statsmodels, properties, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from conflictstats import InputError
from conflictstats.rates import (
    DIFFERENCE_METHODS,
    RATE_METHODS,
    RATIO_METHODS,
    ClaimCheck,
    RateComparison,
    RateEstimate,
    claim_check,
    compare_rates,
    compare_series,
    periods_needed,
    power_compare_rates,
    rate_ci,
)
from conflictstats.results import Estimate

RNG = np.random.default_rng(20181127)
# ratio methods that take the log of each count (need both counts positive)
_POSITIVE = ("wald", "wald-log", "wald-untransformed", "score-log")


# --- results ---------------------------------------------------------------------------------
def test_result_types_and_fields():
    r = rate_ci(75, 11)
    assert isinstance(r, RateEstimate) and isinstance(r, Estimate)
    assert (r.count, r.exposure, r.quantity, r.method) == (75.0, 11.0, "rate", "exact")
    c = compare_rates(75, 11, 60, 12, alternative="larger")
    assert isinstance(c, RateComparison) and isinstance(c, Estimate)
    assert (c.compare, c.alternative, c.null, c.count1, c.exposure2) == (
        "ratio",
        "larger",
        1.0,
        75.0,
        12.0,
    )
    frame = compare_rates([75, 80], 11, 60, 12).to_frame()
    assert list(frame.columns[:7]) == [
        "quantity",
        "estimate",
        "ci_low",
        "ci_high",
        "confidence",
        "method",
        "pvalue",
    ]
    assert {"compare", "alternative", "null", "count1", "exposure2"} <= set(frame.columns)
    assert "theta" not in frame.columns  # None fields are left out


def test_shapes_broadcast():
    r = compare_rates(np.arange(1, 7).reshape(2, 3), [1, 2, 3], 5, 1)
    assert r.shape == (2, 3) and r.pvalue.shape == (2, 3)
    assert rate_ci([[1], [2]], [1, 2, 4]).shape == (2, 3)


def test_headline_example():
    r = compare_rates(75 * 12, 12, 60 * 12, 12)
    assert r.estimate == pytest.approx(1.25)
    assert r.ci_low < 1.25 < r.ci_high and r.pvalue < 1e-5


# --- agreement with statsmodels / scipy ------------------------------------------------------
@pytest.mark.parametrize(
    "method, sm_method",
    [("exact", "exact-c"), ("score", "score"), ("wald", "wald"), ("jeffreys", "jeff")],
)
def test_rate_ci_matches_statsmodels(method, sm_method):
    from statsmodels.stats.rates import confint_poisson

    x = np.array([1, 2, 5, 17, 75, 400])
    t = np.array([1, 3.5, 1, 11, 11, 30])
    r = rate_ci(x, t, method=method, confidence=0.9)
    lo, hi = confint_poisson(x, t, method=sm_method, alpha=0.1)
    np.testing.assert_allclose(r.ci_low, lo, rtol=1e-9)
    np.testing.assert_allclose(r.ci_high, hi, rtol=1e-9)


def test_rate_ci_midp_matches_statsmodels():
    from statsmodels.stats.rates import confint_poisson

    for x in (1, 4, 30, 75):
        r = rate_ci(x, 2.0, method="mid-p")
        lo, hi = confint_poisson(x, 2.0, method="midp-c")
        assert (r.ci_low, r.ci_high) == pytest.approx((lo, hi), rel=1e-6)


def _random_pairs(n, mean=30):
    x1 = RNG.poisson(RNG.uniform(0.5, mean, n)).astype(float)
    x2 = RNG.poisson(RNG.uniform(0.5, mean, n)).astype(float)
    both = (x1 + x2) == 0
    x1[both] = 1
    t1 = np.round(RNG.uniform(0.5, 20, n), 3)
    t2 = np.round(RNG.uniform(0.5, 20, n), 3)
    return x1, t1, x2, t2


def _kt_grid(x1, t1, x2, t2, d, alternative, tol):
    """Krishnamoorthy-Thomson E-test by brute force on a 2-d grid (independent reference)."""
    lam2 = (x1 + x2) / (t1 + t2) - d * t1 / (t1 + t2)
    if lam2 <= 0:
        return 1.0
    y = np.arange(0.0, 400.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        grid = (y[:, None] / t1 - y[None, :] / t2 - d) / np.sqrt(
            y[:, None] / t1**2 + y[None, :] / t2**2
        )
    obs = (x1 / t1 - x2 / t2 - d) / np.sqrt(x1 / t1**2 + x2 / t2**2)
    prob = np.outer(stats.poisson.pmf(y, t1 * (lam2 + d)), stats.poisson.pmf(y, t2 * lam2))
    if alternative == "two-sided":
        mask = np.abs(grid) >= abs(obs) - tol
    elif alternative == "larger":
        mask = grid >= obs - tol
    else:
        mask = grid <= obs + tol
    return prob[mask].sum()


@pytest.mark.parametrize("alternative", ["two-sided", "larger", "smaller"])
def test_etest_difference_matches_scipy(alternative):
    """Against scipy.stats.poisson_means_test, and a brute-force grid that counts ties.

    scipy compares the grid's statistics with the observed one exactly, so when the observed
    outcome's statistic on the grid comes out an ulp beyond the scalar one it drops outcomes
    tied with the observed one (the observed outcome itself, even); the difference from scipy
    must be at most the probability of those ties, and zero in the other cases.
    """
    x1, t1, x2, t2 = _random_pairs(25)
    d = np.where(RNG.random(25) < 0.5, 0.0, 0.3)
    r = compare_rates(
        x1, t1, x2, t2, compare="difference", method="etest", alternative=alternative, null=d
    )
    alt = {"two-sided": "two-sided", "larger": "greater", "smaller": "less"}[alternative]
    exact = 0
    for i in range(25):
        args = (x1[i], t1[i], x2[i], t2[i], d[i], alternative)
        with_ties = _kt_grid(*args, tol=1e-9)
        assert r.pvalue[i] == pytest.approx(with_ties, abs=2e-9), args
        tie_mass = with_ties - _kt_grid(*args, tol=-1e-9)
        ref = stats.poisson_means_test(
            int(x1[i]), t1[i], int(x2[i]), t2[i], diff=d[i], alternative=alt
        ).pvalue
        assert ref - 2e-9 <= r.pvalue[i] <= ref + tie_mass + 2e-9, args
        exact += abs(r.pvalue[i] - ref) < 2e-9
    assert exact >= 5


@pytest.mark.parametrize("alternative", ["two-sided", "larger", "smaller"])
def test_etest_ratio_matches_statsmodels(alternative):
    from statsmodels.stats.rates import test_poisson_2indep

    x1, t1, x2, t2 = _random_pairs(25)
    r0 = np.where(RNG.random(25) < 0.5, 1.0, 1.4)
    r = compare_rates(x1, t1, x2, t2, method="etest", alternative=alternative, null=r0)
    for i in range(25):
        ref = test_poisson_2indep(
            x1[i], t1[i], x2[i], t2[i], value=r0[i], method="etest", alternative=alternative
        )
        assert r.pvalue[i] == pytest.approx(ref.pvalue, abs=1e-9)


def test_etest_large_counts_and_small_counts():
    # scipy's 2-d grid at large counts vs our row sums
    x1, x2 = np.array([5000.0, 0, 1, 2]), np.array([4800.0, 1, 0, 0])
    r = compare_rates(x1, 30.0, x2, 31.0, compare="difference", method="etest")
    for i in range(4):
        ref = stats.poisson_means_test(int(x1[i]), 30.0, int(x2[i]), 31.0)
        assert r.pvalue[i] == pytest.approx(ref.pvalue, abs=1e-8)


@pytest.mark.parametrize(
    "compare, method",
    [("ratio", "score"), ("ratio", "wald"), ("difference", "score"), ("difference", "wald")],
)
def test_asymptotic_tests_match_statsmodels(compare, method):
    from statsmodels.stats.rates import confint_poisson_2indep, test_poisson_2indep

    x1, t1, x2, t2 = _random_pairs(20)
    x1, x2 = x1 + 1, x2 + 1  # the log-scale Wald needs positive counts
    sm_method = {("ratio", "wald"): "wald-log"}.get((compare, method), method)
    sm_compare = "diff" if compare == "difference" else "ratio"
    r = compare_rates(x1, t1, x2, t2, compare=compare, method=method, confidence=0.9)
    for i in range(20):
        p = test_poisson_2indep(x1[i], t1[i], x2[i], t2[i], method=sm_method, compare=sm_compare)
        assert r.pvalue[i] == pytest.approx(p.pvalue, rel=1e-8, abs=1e-14)
        ci = confint_poisson_2indep(
            x1[i], t1[i], x2[i], t2[i], method=sm_method, compare=sm_compare, alpha=0.1
        )
        assert (r.ci_low[i], r.ci_high[i]) == pytest.approx(ci, rel=1e-6, abs=1e-9)


def test_exact_cond_matches_scipy_binomtest():
    x1, t1, x2, t2 = _random_pairs(30, mean=300)
    r = compare_rates(x1, t1, x2, t2, null=1.2)
    for i in range(30):
        n = int(x1[i] + x2[i])
        p0 = t1[i] * 1.2 / (t1[i] * 1.2 + t2[i])
        res = stats.binomtest(int(x1[i]), n, p0)
        assert r.pvalue[i] == pytest.approx(res.pvalue, rel=1e-9)
        lo, hi = res.proportion_ci(0.95, method="exact")
        assert r.ci_low[i] == pytest.approx(lo / (1 - lo) * t2[i] / t1[i], rel=1e-8)
        if hi < 1:
            assert r.ci_high[i] == pytest.approx(hi / (1 - hi) * t2[i] / t1[i], rel=1e-8)


def test_exact_cond_two_sided_large_n():
    # R: binom.test's tolerance and search; scipy's binomtest agrees with it
    x1 = np.array([100000.0, 2, 49999, 3])
    x2 = np.array([99000.0, 5000, 50001, 3])
    r = compare_rates(x1, 1.0, x2, 1.0)
    for i in range(4):
        ref = stats.binomtest(int(x1[i]), int(x1[i] + x2[i]), 0.5).pvalue
        assert r.pvalue[i] == pytest.approx(ref, rel=1e-8, abs=1e-300)


# --- properties --------------------------------------------------------------------------------
counts = st.integers(0, 200)
expos = st.floats(0.1, 50, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(counts, expos, counts, expos), min_size=1, max_size=5),
    st.sampled_from(RATIO_METHODS),
    st.sampled_from(["two-sided", "larger", "smaller"]),
)
def test_vectorised_equals_scalar(rows, method, alternative):
    rows = [r for r in rows if r[0] + r[2] > 0 and (method not in _POSITIVE or min(r[0], r[2]) > 0)]
    if not rows:
        return
    x1, t1, x2, t2 = (np.array(c, dtype=float) for c in zip(*rows))
    v = compare_rates(x1, t1, x2, t2, method=method, alternative=alternative)
    for i in range(len(rows)):
        s = compare_rates(x1[i], t1[i], x2[i], t2[i], method=method, alternative=alternative)
        for f in ("estimate", "ci_low", "ci_high", "pvalue"):
            # E-test sums are truncated at about 1e-10 of probability mass (grid per chunk)
            tol = 1e-10 if method == "etest" and f == "pvalue" else 1e-12
            assert np.atleast_1d(getattr(v, f))[i] == pytest.approx(
                getattr(s, f), rel=1e-9, abs=tol
            )


@settings(max_examples=40, deadline=None)
@given(counts, expos, counts, expos, st.sampled_from(["exact-cond", "mid-p", "score", "wald"]))
def test_swap_inverts_ratio_ci(x1, t1, x2, t2, method):
    if x1 + x2 == 0 or (method in _POSITIVE and min(x1, x2) == 0):
        return
    a = compare_rates(x1, t1, x2, t2, method=method)
    b = compare_rates(x2, t2, x1, t1, method=method)
    # a zero lower limit (x1 = 0) inverts to an infinite upper limit: divide as numpy floats
    with np.errstate(divide="ignore"):
        inv_high, inv_low = 1 / np.float64(a.ci_high), 1 / np.float64(a.ci_low)
    assert b.ci_low == pytest.approx(inv_high, rel=1e-7, abs=1e-12)
    assert b.ci_high == pytest.approx(inv_low, rel=1e-7, abs=1e-12)
    assert b.pvalue == pytest.approx(a.pvalue, rel=1e-7, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(counts, expos, counts, expos, st.sampled_from(RATIO_METHODS))
def test_ci_contains_estimate_and_widens(x1, t1, x2, t2, method):
    if x1 + x2 == 0 or (method in _POSITIVE and min(x1, x2) == 0):
        return
    r90 = compare_rates(x1, t1, x2, t2, method=method, confidence=0.90)
    r99 = compare_rates(x1, t1, x2, t2, method=method, confidence=0.99)
    assert r90.ci_low <= r90.estimate * (1 + 1e-12) and r90.estimate <= r90.ci_high * (1 + 1e-12)
    assert r99.ci_low <= r90.ci_low * (1 + 1e-12) and r99.ci_high >= r90.ci_high * (1 - 1e-12)
    assert 0 <= r90.pvalue <= 1


@settings(max_examples=40, deadline=None)
@given(counts, expos, st.sampled_from(RATE_METHODS))
def test_rate_ci_contains_estimate_and_widens(x, t, method):
    a = rate_ci(x, t, method=method, confidence=0.9)
    b = rate_ci(x, t, method=method, confidence=0.99)
    assert a.ci_low <= a.estimate * (1 + 1e-12) and a.estimate <= a.ci_high * (1 + 1e-12)
    assert b.ci_low <= a.ci_low * (1 + 1e-12) and b.ci_high >= a.ci_high * (1 - 1e-12)
    assert np.isfinite(b.ci_high)


@settings(max_examples=30, deadline=None)
@given(counts, expos, counts, expos, st.sampled_from(DIFFERENCE_METHODS))
def test_difference_ci_contains_estimate(x1, t1, x2, t2, method):
    if x1 + x2 == 0:
        return
    r = compare_rates(x1, t1, x2, t2, compare="difference", method=method)
    assert r.ci_low <= r.estimate + 1e-9 <= r.ci_high + 2e-9
    s = compare_rates(x2, t2, x1, t1, compare="difference", method=method)
    assert s.ci_low == pytest.approx(-r.ci_high, rel=1e-7, abs=1e-9)
    assert s.pvalue == pytest.approx(r.pvalue, rel=1e-7, abs=1e-10)


# --- zero counts, documented finite answers, errors -----------------------------------------------
def test_zero_counts_give_documented_answers():
    r = rate_ci(0, 12)
    assert r.ci_low == 0 and r.ci_high == pytest.approx(-np.log(0.025) / 12)
    for method in ("exact-cond", "mid-p", "score", "etest"):
        a = compare_rates(0, 1, 5, 1, method=method)
        assert a.estimate == 0 and a.ci_low == 0 and np.isfinite(a.ci_high)
        b = compare_rates(5, 1, 0, 1, method=method)
        assert b.estimate == np.inf and b.ci_high == np.inf and b.ci_low > 0
        assert 0 < a.pvalue < 1 and 0 < b.pvalue < 1
    one = compare_rates(7, 1, 3, 1, alternative="larger")
    assert one.ci_high == np.inf and one.ci_low > 0
    d = compare_rates(0, 1, 4, 2, compare="difference", method="score")
    assert np.isfinite([d.ci_low, d.ci_high, d.pvalue]).all()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: rate_ci(-1), "count must be non-negative"),
        (lambda: rate_ci(2.5), "whole-number"),
        (lambda: rate_ci(np.nan), "finite"),
        (lambda: rate_ci(3, 0), "exposure must be positive"),
        (lambda: rate_ci(3, method="exactish"), "unknown method 'exactish'.*'exact'"),
        (lambda: rate_ci(3, confidence=95), "confidence"),
        (lambda: compare_rates(0, 1, 0, 1), "both 0"),
        (lambda: compare_rates([1, 0], 1, [1, 0], 1), r"both 0 at index \(1,\)"),
        (lambda: compare_rates(1, 1, 2, 1, alternative="greater"), "unknown alternative"),
        (lambda: compare_rates(1, 1, 2, 1, compare="diff"), "unknown compare"),
        (
            lambda: compare_rates(1, 1, 2, 1, compare="difference", method="exact-cond"),
            "unknown method",
        ),
        (lambda: compare_rates(0, 1, 2, 1, method="wald"), "wald"),
        (lambda: compare_rates(1, 1, 2, 1, null=0), "null ratio must be positive"),
        (lambda: compare_rates([1, 2], 1, [1, 2, 3], 1), "broadcast"),
        (lambda: compare_rates(1, -1, 2, 1), "exposure1"),
        (lambda: compare_rates(1, 1, 2.2, 1), "count2"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(InputError, match=match):
        call()


# --- series ------------------------------------------------------------------------------------
def test_compare_series_models_and_errors():
    y1 = [70, 80, 66, 90, 72, 79, 120, 40]
    y2 = [55, 61, 70, 52, 63, 58, 20, 90]
    res = {m: compare_series(y1, y2, model=m) for m in ("poisson", "quasi-poisson", "negbin")}
    assert res["poisson"].estimate == pytest.approx(sum(y1) / sum(y2))
    assert res["quasi-poisson"].dispersion == pytest.approx(res["poisson"].dispersion)
    assert res["quasi-poisson"].ci_high - res["quasi-poisson"].ci_low > (
        res["poisson"].ci_high - res["poisson"].ci_low
    )
    assert res["negbin"].theta > 0 and res["poisson"].theta is None
    # exposures: rates per day over months of different lengths
    r = compare_series([31, 28], [30, 31], exposure1=[31, 28], exposure2=[30, 31], model="poisson")
    assert r.estimate == pytest.approx(1.0)
    with pytest.raises(InputError, match="counts1"):
        compare_series([], [1, 2])
    with pytest.raises(InputError, match="at least 3"):
        compare_series([1], [2])
    with pytest.raises(InputError, match="no events"):
        compare_series([0, 0], [1, 2])
    with pytest.raises(InputError, match="unknown model"):
        compare_series([1, 2], [3, 4], model="nb")
    with pytest.raises(InputError, match="exposure2"):
        compare_series([1, 2], [3, 4], exposure2=[1, 2, 3])


# --- claim check -------------------------------------------------------------------------------
def test_claim_check_table_and_thresholds():
    cc = claim_check(75, 12, 60, 12, dispersion=[1, 2, 5, 7.3, 10, 20])
    assert isinstance(cc, ClaimCheck)
    frame = cc.to_frame()
    assert len(frame) == 6 and list(frame["dispersion"]) == [1, 2, 5, 7.3, 10, 20]
    assert "critical_dispersion" not in frame.columns
    # at dispersion 1 it is the Poisson score test on the counts
    s = compare_rates(900, 12, 720, 12, method="score")
    assert cc.pvalue[0] == pytest.approx(s.pvalue) and cc.ci_low[0] == pytest.approx(s.ci_low)
    assert np.all(np.diff(cc.pvalue) > 0) and np.all(np.diff(cc.ci_high) > 0)
    # at the critical dispersion the p-value is exactly the level
    at = claim_check(75, 12, 60, 12, dispersion=cc.critical_dispersion)
    assert at.pvalue[0] == pytest.approx(0.05, rel=1e-9)
    assert cc.smallest_nonsignificant == 7.3
    assert claim_check(75, 12, 60, 12, dispersion=[1, 2]).smallest_nonsignificant is None


def test_claim_check_one_sided_and_wald():
    up = claim_check(75, 12, 60, 12, alternative="larger")
    two = claim_check(75, 12, 60, 12)
    assert up.critical_dispersion > two.critical_dispersion
    assert np.allclose(up.pvalue, two.pvalue / 2)
    assert claim_check(60, 12, 75, 12, alternative="larger").critical_dispersion == 0.0
    w = claim_check(75, 12, 60, 12, method="wald")
    assert w.pvalue[0] == pytest.approx(compare_rates(900, 12, 720, 12, method="wald").pvalue)
    at = claim_check(75, 12, 60, 12, method="wald", dispersion=w.critical_dispersion)
    assert at.pvalue[0] == pytest.approx(0.05, rel=1e-9)


def test_claim_check_errors():
    with pytest.raises(InputError, match="rate1"):
        claim_check(-1, 12, 60, 12)
    with pytest.raises(InputError, match="periods2"):
        claim_check(75, 12, 60, 0)
    with pytest.raises(InputError, match="dispersion"):
        claim_check(75, 12, 60, 12, dispersion=[1, 0])
    with pytest.raises(InputError, match="single number"):
        claim_check([75, 80], 12, 60, 12)
    with pytest.raises(InputError, match="unknown method"):
        claim_check(75, 12, 60, 12, method="exact-cond")
    with pytest.raises(InputError, match="both 0"):
        claim_check(0, 12, 0, 12)


# --- power ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("alternative", ["two-sided", "larger"])
def test_power_matches_statsmodels(alternative):
    from statsmodels.stats.rates import power_poisson_ratio_2indep

    for r1, ratio, n, phi in [(60, 1.25, 12, 1), (60, 1.25, 12, 5), (3, 2, 6, 2), (10, 0.8, 24, 3)]:
        if alternative == "larger" and ratio < 1:
            continue
        ours = power_compare_rates(r1, ratio, n, dispersion=phi, alternative=alternative)
        ref = power_poisson_ratio_2indep(
            r1 * ratio,
            r1,
            n,
            value=1,
            dispersion=phi,
            method_var="alt",
            alternative=alternative,
            return_results=False,
        )
        assert ours == pytest.approx(ref, rel=1e-10)


def test_periods_needed_inverts_power():
    n = periods_needed([60, 10], [1.25, 0.7], dispersion=[1, 4], power=0.9)
    p = power_compare_rates([60, 10], [1.25, 0.7], n, dispersion=[1, 4])
    np.testing.assert_allclose(p, 0.9, rtol=1e-9)
    one = periods_needed(60, 1.25, alternative="larger")
    assert power_compare_rates(60, 1.25, one, alternative="larger") == pytest.approx(0.8)
    assert periods_needed(60, 1.0) == np.inf
    assert periods_needed(60, 0.8, alternative="larger") == np.inf
    with pytest.raises(InputError, match="power"):
        periods_needed(60, 1.25, power=0.01)
    with pytest.raises(InputError, match="ratio"):
        power_compare_rates(60, -1, 12)


def test_simulated_power_matches_formula():
    """Fixed seed: the Wald test's rejection rate on simulated Poisson counts is within 0.02 of
    the formula (8000 replicates: simulation SE <= 0.006)."""
    rng = np.random.default_rng(7)
    for r1, ratio, n in [(60, 1.25, 2), (20, 1.5, 1), (5, 1.3, 6)]:
        x1 = rng.poisson(r1 * n, 8000)
        x2 = rng.poisson(r1 * ratio * n, 8000)
        keep = (x1 > 0) & (x2 > 0)
        rej = compare_rates(x2[keep], n, x1[keep], n, method="wald").pvalue < 0.05
        assert rej.mean() == pytest.approx(power_compare_rates(r1, ratio, n), abs=0.02)


# --- command line --------------------------------------------------------------------------------
def test_cli_rates(capsys):
    from conflictstats.cli import main

    assert main(["rates", "75/11", "60/12"]) == 0
    out = capsys.readouterr().out
    assert "rate ratio 1.36 (95% CI 0.958 to 1.95), p = 0.085 [exact-cond]" in out
    assert "rate 1" in out and "rate 2" in out
    assert main(["rates", "900/12", "720", "--compare", "difference", "--method", "wald"]) == 0
    assert "rate difference" in capsys.readouterr().out
    assert main(["rates", "0", "0"]) == 2
    assert "both 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["rates", "3/x", "2"])


def test_exact_cond_two_sided_many_shapes():
    """The two-sided conditional p-value (R binom.test's rule) over skewed and small cases."""
    rng = np.random.default_rng(3)
    n_pairs = 400
    n = rng.integers(1, 2500, n_pairs)
    p = np.exp(rng.uniform(np.log(0.002), np.log(0.998), n_pairs))
    x = rng.binomial(n, p)
    t1 = p / (1 - p)  # so that t1 / (t1 + t2) = p with t2 = 1
    r = compare_rates(x, t1, n - x, 1.0)
    for i in range(n_pairs):
        ref = stats.binomtest(int(x[i]), int(n[i]), t1[i] / (t1[i] + 1)).pvalue
        assert r.pvalue[i] == pytest.approx(ref, rel=1e-7, abs=1e-300), (x[i], n[i], p[i])


@pytest.mark.parametrize(
    "compare, method",
    [("ratio", "mid-p"), ("ratio", "etest"), ("difference", "score"), ("difference", "etest")],
)
def test_repeated_inputs_computed_once_give_the_same_answers(compare, method):
    """Methods that cost a search or a sum per pair compute each distinct pair once."""
    base1 = np.array([3.0, 10, 0, 25, 7])
    base2 = np.array([5.0, 10, 4, 12, 0])
    idx = np.random.default_rng(1).integers(0, 5, 300)
    big = compare_rates(base1[idx], 2.0, base2[idx], 3.0, compare=compare, method=method)
    small = compare_rates(base1, 2.0, base2, 3.0, compare=compare, method=method)
    for f in ("estimate", "ci_low", "ci_high", "pvalue"):
        np.testing.assert_array_equal(getattr(big, f), getattr(small, f)[idx])


# --- plots ----------------------------------------------------------------------------------------
def test_rate_comparison_plot_rows_labels_and_infinite_ends():
    from conflictstats import plots

    res = {m: compare_rates(5, 1, 0, 1, method=m) for m in ("exact-cond", "score")}
    ax = plots.rate_comparison(res)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["exact-cond", "score"]
    assert ax.get_xscale() == "log" and "95% CI" in ax.get_xlabel()
    diff = compare_rates([1, 4, 9], 1, 3, 1, compare="difference", method="score")
    ax2 = plots.rate_comparison(diff, labels=["a", "b", "c"])
    assert ax2.get_xscale() == "linear" and "difference" in ax2.get_xlabel()
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["a", "b", "c"]


@pytest.mark.parametrize("mark", [None, 7.3, [3, 7.3], {"UCDP Iraq, monthly": 7.3}])
def test_claim_check_plot_marks(mark):
    from conflictstats import plots

    cc = claim_check(75, 11, 60, 12, dispersion=[1, 2, 5, 10, 20], alternative="larger")
    ax = plots.claim_check(cc, mark=mark)
    texts = [t.get_text() for a in ax.figure.axes for t in a.texts]
    n_marks = 0 if mark is None else (1 if np.ndim(mark) == 0 else len(mark))
    assert len(ax.get_lines()) >= 2 + n_marks
    if isinstance(mark, dict):
        assert "UCDP Iraq, monthly" in texts
    assert any(t.startswith("p = 0.05") for t in texts)  # the critical dispersion
    assert len(ax.figure.axes) == 2  # interval panel and p-value panel


def test_claim_check_plot_accepts_the_table():
    from conflictstats import plots

    cc = claim_check(75, 11, 60, 12, dispersion=[1, 2, 5, 10, 20])
    ax = plots.claim_check(cc.to_frame(), mark=7.3)
    assert len(ax.figure.axes) == 2
    assert any(t.get_text().startswith("p = 0.05") for a in ax.figure.axes for t in a.texts)


def test_compare_rates_default_method_follows_compare():
    # issue 15 item 5: the default method used to be "exact-cond" even for a difference
    diff = compare_rates(10, 2, 20, 2, compare="difference")
    assert diff.method == "score"
    assert diff.estimate == pytest.approx(-5.0)
    assert compare_rates(10, 2, 20, 2).method == "exact-cond"
