"""Issue 17, "never silently wrong": extreme counts, inverted intervals, nulls outside the
parameter space, and the large-n Sison-Glaz intervals against R's MultinomialCI
(tests/reference/multinomial_ci.json, written by tests/reference/multinomial_ci.R)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_reference

from conflictstats import proportions as pr
from conflictstats import rates
from conflictstats._validation import InputError
from conflictstats.heaping import digit_preference, round_number_test
from conflictstats.trends import evaluate_forecast, mann_kendall, sen_slope

SG = load_reference("multinomial_ci")["cases"]


@pytest.mark.parametrize("case", SG, ids=[c["id"] for c in SG])
def test_sison_glaz_large_totals_match_r(case):
    args = dict(case["args"])
    r = pr.multinomial_ci(args.pop("counts"), **args)
    for key, expected in case["expected"].items():
        name, i = key.rsplit("_", 1)
        actual = float(np.asarray(getattr(r, name))[int(i)])
        assert actual == pytest.approx(expected, abs=case["tol"], rel=case["tol"]), (
            key,
            case["source"],
        )


@pytest.mark.slow  # several seconds: make test-slow
@pytest.mark.parametrize(
    "counts", [[8270, 4810, 3080], [1e5, 2e5, 3e5], [827e9, 481e9, 308e9], [400000, 30000, 2000]]
)
def test_sison_glaz_never_collapses_or_nans(counts):
    # issue 17 item 1: at [8270, 4810, 3080] the intervals were 0.6% as wide as Goodman's,
    # at [1e5, 2e5, 3e5] NaN
    sg = pr.multinomial_ci(counts)
    gm = pr.multinomial_ci(counts, method="goodman")
    assert np.isfinite(sg.ci_low).all() and np.isfinite(sg.ci_high).all()
    assert (sg.ci_low <= sg.estimate).all() and (sg.estimate <= sg.ci_high).all()
    ratio = (sg.ci_high - sg.ci_low) / (gm.ci_high - gm.ci_low)
    assert (ratio > 0.5).all(), ratio  # no collapse (it was 0.006)


@pytest.mark.slow  # several seconds: make test-slow
def test_sison_glaz_half_width_scales_as_root_n():
    # Sison-Glaz's c is a function of c / sqrt(n) once the Poisson means are large: the
    # half-width times sqrt(n) settles as the total grows (it was NaN or erratic from ~2e4)
    base = np.array([827.0, 481.0, 308.0])
    widths = []
    for m in (1e3, 1e5, 1e7, 1e9):
        r = pr.multinomial_ci(base * m)
        n = base.sum() * m
        widths.append((r.ci_high - r.ci_low)[0] * np.sqrt(n))
    np.testing.assert_allclose(widths, widths[-1], rtol=2e-3)
    r = pr.multinomial_ci([10**13, 3, 5 * 10**12])
    assert np.isfinite(r.ci_high).all() and (r.ci_low <= r.estimate).all()


@pytest.mark.parametrize(
    "x1, x2, expected",
    [
        # R: binom.test's two-sided rule with dbinom/pbinom at n = 2e12 (binom.test itself
        # allocates a vector of length n); see tests/reference/rates_extreme.R
        (1e12 + 1e6, 1e12, 0.479500671426095),
        (1e13 + 3e6, 1e13, 0.50233512888038),
    ],
)
def test_exact_conditional_pvalue_at_huge_counts(x1, x2, expected):
    # issue 17 item 2: 0.480034 at 1e12, off by 0.056 at 1e13
    r = rates.compare_rates(x1, 1, x2, 1, method="exact-cond")
    c = pr.count_ratio(x1, x2, method="exact")
    assert r.pvalue == pytest.approx(expected, rel=1e-9)
    assert c.pvalue == pytest.approx(expected, rel=1e-9)


def test_subgroup_count_never_inverted():
    # issue 17 item 5: 0.3 of 308 gave 93 to 92
    r = pr.subgroup_count(0.3, 308)
    assert (r.ci_low, r.ci_high) == (92.0, 93.0)
    assert r.ci_low <= r.estimate <= r.ci_high
    r = pr.subgroup_count([0.3, 0.5, 1 / 3], [308, 10, 10**12])
    assert (r.ci_low <= r.estimate).all() and (r.estimate <= r.ci_high).all()
    assert r.ci_low.tolist()[:2] == [92.0, 5.0] and r.ci_high.tolist()[:2] == [93.0, 5.0]


@pytest.mark.parametrize("null", [2, 1, -1, -1.5])
def test_difference_null_outside_parameter_space_raises(null):
    # issue 17 item 6: null = 2 for a difference of proportions gave p < 0.001
    for method in ("miettinen-nurminen", "mee", "wald", "newcombe"):
        with pytest.raises(InputError, match="null"):
            pr.compare_proportions(1, 10, 3, 10, null=null, method=method)
    pr.compare_proportions(1, 10, 3, 10, null=0.99, method="miettinen-nurminen")


def test_digit_preference_exact_above_2_53():
    # issue 17 item 10: last digits of counts above 2**53 were those of the nearest float
    vals = [10**17 + d for d in range(10)] * 2
    assert digit_preference(vals).digit_counts.tolist() == [2.0] * 10
    assert digit_preference(np.array(vals, dtype=np.int64)).digit_counts.tolist() == [2.0] * 10
    assert digit_preference([10**20 + d for d in range(10)] * 2).digit_counts.tolist() == [2.0] * 10
    assert round_number_test([10**20 + d for d in range(10)] * 2).n_round == 2.0
    with pytest.raises(InputError, match="2\\*\\*53"):
        digit_preference([float(v) for v in vals])


def test_evaluate_forecast_refuses_negative_counts():
    draws = np.random.default_rng(0).poisson(20, size=(3, 200))
    with pytest.raises(InputError, match="observed"):
        evaluate_forecast([18, -25, 40], draws)


# --- scale: Mann-Kendall and Sen's slope in bounded memory -------------------------------------
def _peak_mb(fn):
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _brute_s(x):
    iu = np.triu_indices(x.size, 1)
    return float(np.sign(x[None, :] - x[:, None])[iu].sum())


def test_mann_kendall_and_sen_slope_exact_on_small_series():
    from conflictstats.trends import nonparametric as npm
    from conflictstats.trends._slopes import slope_order_stats

    rng = np.random.default_rng(17)
    for _ in range(60):
        n = int(rng.integers(3, 300))
        x = rng.poisson(rng.choice([0.5, 3.0, 40.0]), n) + rng.choice([0.0, 0.05]) * np.arange(n)
        assert npm._mk_s(x) == _brute_s(x)
        i, j = np.triu_indices(n, 1)
        slopes = np.sort((x[j] - x[i]) / (j - i))
        N = slopes.size
        ranks = sorted({1, N, (N + 1) // 2, N // 2 + 1, int(rng.integers(1, N + 1))})
        got = slope_order_stats(x, ranks)
        assert [got[r] for r in ranks] == [slopes[r - 1] for r in ranks]


def test_mann_kendall_memory_is_bounded():
    # issue 17: 2.5 GB at 10,000 values (an n x n sign matrix)
    x = np.random.default_rng(0).poisson(30, 4000).astype(float)
    assert _peak_mb(lambda: mann_kendall(x)) < 20


def test_sen_slope_memory_is_bounded():
    # issue 17: 3.7 GB at 10,000 values (every pairwise slope at once)
    x = np.random.default_rng(0).poisson(30, 4000) + 0.01 * np.arange(4000)
    assert _peak_mb(lambda: sen_slope(x)) < 120


def test_sen_slope_refuses_beyond_its_limit():
    from conflictstats.trends.nonparametric import SEN_MAX_N

    with pytest.raises(InputError, match="at most"):
        sen_slope(np.arange(SEN_MAX_N + 1, dtype=float))


def test_changepoint_search_holds_little_more_than_its_table():
    # issue 17: 7.2 GB at 8,000 values (several (n + 1)² temporaries, an n² MBIC term)
    from conflictstats.trends import find_changepoints

    y = np.random.default_rng(0).poisson(20, 2500)
    y[1250:] += 10
    table_mb = 2501**2 * 8 / 2**20
    peak = _peak_mb(lambda: find_changepoints(y, family="poisson"))
    assert peak < 1.5 * table_mb, (peak, table_mb)


def test_changepoint_search_refuses_beyond_its_limit():
    from conflictstats.trends import find_changepoints
    from conflictstats.trends.changepoints import CHANGEPOINT_MAX_N, CHANGEPOINT_MAX_N_SLOPE

    with pytest.raises(InputError, match="at most"):
        find_changepoints(np.ones(CHANGEPOINT_MAX_N + 1), family="poisson")
    with pytest.raises(InputError, match="slope=True"):
        find_changepoints(np.ones(CHANGEPOINT_MAX_N_SLOPE + 1), family="poisson", slope=True)


@pytest.mark.slow  # several seconds: make test-slow
def test_etest_keeps_its_digits_at_large_counts_and_refuses_beyond_its_limit():
    # the E-test's Poisson grids started from a gammaln log-pmf: at 1e8 its p-value was off
    # by 7e-7 relative (3e-5 at 1e10); at these counts it matches the score test to ~3e-9
    x = 1e8
    e = rates.compare_rates(x + 3e4, 1, x, 1, method="etest")
    s = rates.compare_rates(x + 3e4, 1, x, 1, method="score")
    assert e.pvalue == pytest.approx(s.pvalue, rel=1e-7)
    with pytest.raises(InputError, match="score"):
        rates.compare_rates(1e12 + 1e6, 1, 1e12, 1, method="etest")


def test_count_ratio_wald_log_interval_holds_its_estimate_with_a_zero_count():
    r = pr.count_ratio(5, 0, method="wald-log")
    assert r.estimate == np.inf and r.ci_high == np.inf and r.ci_low > 0
    r = pr.count_ratio(0, 5, method="wald-log")
    assert r.estimate == 0 and r.ci_low == 0 and r.ci_high < np.inf


def test_exact_odds_ratio_refuses_a_support_it_cannot_hold():
    # it failed with numpy's MemoryError (14.6 TiB) at counts of 1e12
    with pytest.raises(InputError, match="miettinen-nurminen"):
        pr.compare_proportions(1e12, 2e12, 1e12 - 1, 2e12, compare="odds-ratio")
