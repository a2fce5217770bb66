"""conflictstats.fatalities: R references, peers, invariants, errors and coverage.

Reference values come from tests/reference/fatalities.R (R uncertainUCDP 0.7.6 built from its
CRAN source, survey::svyratio, mice::pool / pool.scalar); see that script for the exact calls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from conflictstats import InputError
from conflictstats import fatalities as fat
from conflictstats.proportions import proportion_ci
from conflictstats.trends import fit_trend

REF = load_reference("fatalities")
UCDP = REF["uncertain_ucdp"]
BEST = np.array(UCDP["best"], dtype=float)
TYPES = ["sb", "ns", "os", "any"]
RTOL = 1e-8
SAMPLE = "data/ucdp_ged/ucdp_ged231_random_sample_1000.csv"
SYRIA = "data/ucdp_ged/ucdp_ged_syria_20160101_20191130.csv"


# ---------------------------------------------------------------------------------------------
# uncertainUCDP against R
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("tov", TYPES)
def test_uncertain_ucdp_quantiles_equal_r(tov):
    ref = UCDP["by_type"][tov]
    model = fat.fatality_model(BEST, violence=tov)
    for p, expected in ref["quantile"].items():
        np.testing.assert_allclose(model.quantile(float(p)), expected, rtol=RTOL, err_msg=p)


@pytest.mark.parametrize("tov", TYPES)
def test_uncertain_ucdp_cdf_mean_median_parameters_equal_r(tov):
    ref = UCDP["by_type"][tov]
    model = fat.fatality_model(BEST, violence=tov)
    np.testing.assert_allclose(model.mean(), ref["mean"], rtol=RTOL)
    np.testing.assert_allclose(model.median(), ref["median"], rtol=RTOL)
    for key in ("loc", "scale", "w"):
        np.testing.assert_allclose(model.params[key], ref[key], rtol=RTOL, err_msg=key)
    pairs = fat.fatality_model(np.array(ref["cdf_best"]), violence=tov)
    np.testing.assert_allclose(
        pairs.cdf(np.array(ref["cdf_q"])), ref["cdf"], rtol=RTOL, atol=1e-300
    )


@pytest.mark.parametrize(
    "violence", [3, "os", "one-sided", "One-Sided", np.full(BEST.size, 3), [3.0] * BEST.size]
)
def test_violence_spellings_agree(violence):
    mean = fat.fatality_model(BEST, violence=violence).mean()
    np.testing.assert_allclose(mean, UCDP["by_type"]["numeric_tov_check"]["mean"], rtol=RTOL)


def test_readme_spot_values():
    # ../shared/data/uncertain_ucdp/README.md: f = 100, t = sb (R, uncertainUCDP 0.7.6)
    m = fat.fatality_model([100], violence="sb")
    assert m.params["loc"][0] == pytest.approx(134.9901, abs=5e-5)
    assert m.params["scale"][0] == pytest.approx(32.85645, abs=5e-6)
    assert m.params["w"][0] == pytest.approx(0.4184638, abs=5e-8)
    assert m.mean()[0] == pytest.approx(131.3770, abs=5e-5)
    assert m.median()[0] == pytest.approx(112.8021, abs=5e-5)
    assert m.quantile(0.975)[0] == pytest.approx(237.6635, abs=5e-5)


def test_mixed_types_per_event_match_single_type_models():
    tov = np.array(["sb", "ns", "os"] * 4)
    best = np.array([1, 2, 3, 13, 20, 24, 40, 101, 200, 1001, 2000, 7], dtype=float)
    mixed = fat.fatality_model(best, violence=tov)
    for code in ("sb", "ns", "os"):
        mask = tov == code
        alone = fat.fatality_model(best[mask], violence=code)
        np.testing.assert_allclose(mixed.mean()[mask], alone.mean(), rtol=1e-14)
        np.testing.assert_allclose(mixed.quantile(0.9)[mask], alone.quantile(0.9), rtol=1e-14)


def test_mean_by_numerical_integration_of_the_mixture():
    # independent of the closed form: w f + (1 - w) * integral of y g(y) (Gumbel density)
    m = fat.fatality_model([0, 2, 13, 57, 101, 2000], violence="ns")
    p = m.params
    for i in range(m.n_events):
        loc, scale, w = p["loc"][i], p["scale"][i], p["w"][i]
        dens = stats.gumbel_r(loc, scale).pdf
        lo, hi = loc - 40 * scale, loc + 60 * scale
        gumbel_mean = integrate.quad(lambda y, d=dens: y * d(y), lo, hi, limit=200, epsabs=1e-12)[0]
        expected = w * m.best[i] + (1 - w) * gumbel_mean
        assert m.mean()[i] == pytest.approx(expected, rel=1e-9)
    # the CDF and the quantile function are inverse to each other off the point mass
    u = np.array([0.01, 0.2, 0.95])
    for pp in u:
        q = m.quantile(pp)
        off = np.abs(q - m.best) > 1e-9
        np.testing.assert_allclose(m.cdf(q)[off], pp, rtol=1e-10)


def test_samples_follow_the_model():
    m = fat.fatality_model(np.array([5, 100, 1000]), violence="sb")
    draws = m.sample(20000, rng=3)
    assert draws.shape == (3, 20000)
    for i in range(3):
        # off the point mass the draws are Gumbel(loc, scale) (scipy's gumbel_r)
        cont = draws[i][draws[i] != m.best[i]]
        ref = stats.gumbel_r(m.params["loc"][i], m.params["scale"][i])
        assert stats.kstest(cont, ref.cdf).pvalue > 0.001
        point = np.mean(draws[i] == m.best[i])
        assert point == pytest.approx(m.params["w"][i], abs=0.015)
    again = m.sample(20000, rng=3)
    np.testing.assert_array_equal(draws, again)


def test_sampling_is_chunk_invariant():
    m = fat.fatality_model(np.arange(1, 21), violence="os")
    full = m.sample(50, rng=np.random.default_rng(9))
    gen = np.random.default_rng(9)
    parts = [m.subset(slice(0, 7)).sample(50, rng=gen), m.subset(slice(7, 20)).sample(50, rng=gen)]
    np.testing.assert_array_equal(full, np.vstack(parts))


# ---------------------------------------------------------------------------------------------
# range (PERT) model against scipy.stats.beta
# ---------------------------------------------------------------------------------------------
def test_range_model_against_scipy_beta():
    low = np.array([1, 10, 0, 50, 7])
    best = np.array([2, 10, 5, 80, 7])
    high = np.array([9, 40, 5, 100, 7])
    m = fat.fatality_model(best, low=low, high=high, model="range")
    for i in range(4):
        width = high[i] - low[i]
        a = 1 + 4 * (best[i] - low[i]) / width
        b = 1 + 4 * (high[i] - best[i]) / width
        ref = stats.beta(a, b, loc=low[i], scale=width)
        one = m.subset([i])
        for p in (0.05, 0.5, 0.9):
            assert one.quantile(p)[0] == pytest.approx(ref.ppf(p), rel=1e-10)
        x = low[i] + 0.3 * width
        assert one.cdf(x)[0] == pytest.approx(ref.cdf(x), rel=1e-10)
        assert one.mean()[0] == pytest.approx(ref.mean(), rel=1e-12)
    # low == high: a point mass
    assert m.quantile(0.3)[4] == 7 and m.cdf(6.99)[4] == 0 and m.cdf(7)[4] == 1
    draws = m.sample(500, rng=1)
    assert (draws[4] == 7).all()
    assert (draws >= low[:, None]).all() and (draws <= high[:, None]).all()


def test_range_shape_option_is_modified_pert():
    m = fat.fatality_model([10], low=[0], high=[30], model="range", shape=2)
    assert m.mean()[0] == pytest.approx((0 + 2 * 10 + 30) / 4)


# ---------------------------------------------------------------------------------------------
# bad input: argument and row named
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "argument", "row"),
    [
        ({"best": [3, -1, 2], "violence": 1}, "best", 1),
        ({"best": [3, 1.5, 2], "violence": 1}, "best", 1),
        ({"best": [3, 1, np.nan], "violence": 1}, "best", 2),
        ({"best": [3, 4, 5], "low": [1, 5, 2], "high": [4, 6, 9], "model": "range"}, "low", 1),
        ({"best": [3, 4, 5], "low": [1, 2, 2], "high": [4, 6, 4], "model": "range"}, "high", 2),
        ({"best": [3, 4, 5], "violence": [1, 2, "battle"]}, "violence", 2),
        ({"best": [3, 4, 5], "violence": [1, 7, 2]}, "violence", 1),
        ({"best": [3, 4], "model": "no-such-model"}, "model", None),
        ({"best": [3, 4]}, "violence", None),
        ({"best": [3, 4], "model": "range"}, "low", None),
    ],
)
def test_bad_input_names_argument_and_row(kwargs, argument, row):
    best = kwargs.pop("best")
    with pytest.raises(fat.FatalityInputError) as info:
        fat.fatality_model(best, **kwargs)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, InputError)
    assert err.argument == argument and err.row == row
    assert argument in str(err)
    if row is not None:
        assert f"row {row}" in str(err)


def test_bad_row_reports_the_series_label():
    best = pd.Series([3, 4, -2], index=[101, 102, 103])
    with pytest.raises(fat.FatalityInputError, match=r"row 2 \(index 103\)") as info:
        fat.fatality_model(best, violence=1)
    assert info.value.label == 103


def test_model_methods_validate():
    m = fat.fatality_model([3, 4], violence=1)
    with pytest.raises(InputError):
        m.quantile(1.5)
    with pytest.raises(InputError):
        m.sample(0, rng=1)
    with pytest.raises(InputError):
        m.sample(10, rng=None)
    with pytest.raises(InputError):
        m.cdf([1, 2, 3])


# ---------------------------------------------------------------------------------------------
# a researcher's own model
# ---------------------------------------------------------------------------------------------
class _Poisson(fat.FatalityModel):
    name = "test-poisson"

    def _cdf(self, x):
        return stats.poisson.cdf(x, self.best)

    def _quantile(self, p):
        return stats.poisson.ppf(p, self.best)

    def _mean(self):
        return self.best


def test_registered_model_is_used_everywhere():
    fat.register_model(
        "test-poisson", lambda best, low, high, violence: _Poisson(best), replace=True
    )
    with pytest.raises(InputError, match="exists"):
        fat.register_model("test-poisson", lambda *a: None)
    assert "test-poisson" in fat.available_models()
    m = fat.fatality_model([10, 20, 30, 40], model="test-poisson")
    assert m.median().tolist() == [10, 20, 30, 40]
    draws = m.sample(2000, rng=1)  # default inverse-CDF sampler
    assert draws.mean(axis=1) == pytest.approx([10, 20, 30, 40], rel=0.05)
    tot = fat.aggregate_fatalities(m, ["x", "x", "y", "y"], rng=2, n_draws=2000)
    assert tot.estimate == pytest.approx([30, 70], rel=0.03)
    share = fat.clustered_share([5, 10, 0, 40], [10, 20, 30, 40], fatalities=m, rng=3, n_draws=20)
    assert share.ci_low < share.estimate < share.ci_high and share.fmi > 0
    months = ["2018-01", "2018-02", "2018-03", "2018-04"]
    fit = fat.fit_trend_imputed(m, months, m=5, rng=4, family="poisson")
    assert fit.term.tolist() == ["intercept", "trend"]


# ---------------------------------------------------------------------------------------------
# aggregation
# ---------------------------------------------------------------------------------------------
def _ged(path=SAMPLE, year=None):
    d = pd.read_csv(path)
    if year is not None:
        d = d[d["year"] == year]
    return d.reset_index(drop=True)


def test_aggregate_means_match_model_means_and_draws_add_up():
    d = _ged()
    m = fat.fatality_model(d["best"], violence=d["type_of_violence"])
    per_country = fat.aggregate_fatalities(m, d["country"], rng=11, n_draws=4000)
    overall = fat.aggregate_fatalities(m, rng=11, n_draws=4000)
    # same seed: the draws do not depend on the grouping, so group totals add to the total
    np.testing.assert_allclose(per_country.draws.sum(axis=0), overall.draws[0], rtol=1e-10)
    expected = pd.Series(m.mean()).groupby(d["country"]).sum()
    np.testing.assert_allclose(per_country.best, d.groupby("country")["best"].sum().to_numpy())
    mc_se = per_country.draws.std(axis=1, ddof=1) / np.sqrt(4000)
    assert (np.abs(per_country.estimate - expected.to_numpy()) < 5 * mc_se + 1e-9).all()
    assert per_country.group.tolist() == sorted(d["country"].unique())
    assert per_country.draws.shape == (per_country.size, 4000)
    frame = per_country.to_frame()
    assert list(frame.columns[:5]) == ["group", "n_events", "best", "estimate", "median"]


def test_aggregate_equals_a_plain_loop_with_the_same_draws():
    gen = np.random.default_rng(5)
    best = gen.integers(1, 50, size=300)
    groups = gen.integers(0, 7, size=300)
    m = fat.fatality_model(best, violence=gen.integers(1, 4, size=300))
    res = fat.aggregate_fatalities(m, groups, rng=8, n_draws=200)
    draws = m.sample(200, rng=8)
    loop = np.array([draws[groups == g].sum(axis=0) for g in range(7)])
    np.testing.assert_allclose(res.draws, loop, rtol=1e-12)
    np.testing.assert_allclose(res.ci_low, np.quantile(loop, 0.025, axis=1), rtol=1e-12)


def test_aggregate_chunking_keeps_results(monkeypatch):
    m = fat.fatality_model(np.arange(1, 401), violence="sb")
    big = fat.aggregate_fatalities(m, np.arange(400) % 3, rng=1, n_draws=50)
    from conflictstats.fatalities import aggregate

    monkeypatch.setattr(aggregate, "CHUNK_CELLS", 64)
    small = fat.aggregate_fatalities(m, np.arange(400) % 3, rng=1, n_draws=50)
    np.testing.assert_allclose(big.draws, small.draws, rtol=1e-12)


def test_shared_source_error_widens_totals_and_keeps_the_mean():
    m = fat.fatality_model(np.full(200, 10), violence="sb")
    src = np.repeat(["a", "b"], 100)
    plain = fat.aggregate_fatalities(m, rng=1, n_draws=4000)
    shared = fat.aggregate_fatalities(m, rng=1, n_draws=4000, source=src, source_error=0.3)
    assert shared.ci_high - shared.ci_low > 3 * (plain.ci_high - plain.ci_low)
    assert shared.estimate == pytest.approx(plain.estimate, rel=0.03)
    per = fat.aggregate_fatalities(m, rng=1, source=src, source_error={"a": 0.0, "b": 0.5})
    assert "shared error" in per.method
    with pytest.raises(InputError, match="source_error has no value"):
        fat.aggregate_fatalities(m, rng=1, source=src, source_error={"a": 0.1})
    with pytest.raises(InputError, match="needs source"):
        fat.aggregate_fatalities(m, rng=1, source_error=0.1)


def test_aggregate_dataframe_groups_and_bad_input():
    d = _ged()
    m = fat.fatality_model(d["best"], violence=d["type_of_violence"])
    res = fat.aggregate_fatalities(m, d[["country", "year"]], rng=1, n_draws=100, keep_draws=False)
    assert res.draws is None and isinstance(res.group[0], tuple)
    with pytest.raises(InputError):
        fat.aggregate_fatalities(m, d["country"][:10], rng=1)
    with pytest.raises(InputError):
        fat.aggregate_fatalities(d["best"], rng=1)
    with pytest.raises(InputError):
        fat.aggregate_fatalities(m, rng=None)


# ---------------------------------------------------------------------------------------------
# clustered ratios against survey::svyratio
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", REF["svyratio"], ids=lambda c: c["label"])
def test_linearised_ratio_equals_svyratio(case):
    d = _ged(SYRIA, 2017) if case["label"].startswith("Syria") else _ged()
    assert len(d) == case["n"]
    num, den = d[case["numerator"]], d[case["denominator"]]
    fn = fat.clustered_share if case["denominator"] == "best" else fat.clustered_ratio
    r = fn(num, den)
    assert r.estimate == pytest.approx(case["ratio"], rel=RTOL)
    assert r.se == pytest.approx(case["se"], rel=RTOL)
    assert r.ci_low == pytest.approx(case["ci_low"], rel=RTOL)
    assert r.ci_high == pytest.approx(case["ci_high"], rel=RTOL)
    r90 = fn(num, den, confidence=0.90)
    assert r90.ci_low == pytest.approx(case["ci90_low"], rel=RTOL)
    assert r90.ci_high == pytest.approx(case["ci90_high"], rel=RTOL)


def test_issue_numbers_on_the_ged_sample():
    # issue 13: civilians 0.281 of all deaths; binomial 0.272-0.290; event resampling ~0.13-0.53
    d = _ged()
    binom = proportion_ci(d["deaths_civilians"].sum(), d["best"].sum())
    assert (round(binom.ci_low, 3), round(binom.ci_high, 3)) == (0.272, 0.29)
    boot = fat.clustered_share(
        d["deaths_civilians"], d["best"], method="bootstrap", rng=13, n_boot=2000
    )
    assert boot.estimate == pytest.approx(0.2814, abs=1e-4)
    assert 0.10 < boot.ci_low < 0.17 and 0.45 < boot.ci_high < 0.56
    assert boot.design_effect > 100


def test_bootstrap_matches_a_plain_loop():
    gen = np.random.default_rng(1)
    a = gen.integers(0, 20, 60).astype(float)
    b = a + gen.integers(0, 20, 60)
    r = fat.clustered_ratio(a, b, method="bootstrap", rng=4, n_boot=300)
    g = np.random.default_rng(4)
    idx = g.integers(0, 60, size=(300, 60))
    loop = np.array([a[i].sum() / b[i].sum() for i in idx])
    np.testing.assert_allclose(r.replicates, loop, rtol=1e-12)
    np.testing.assert_allclose([r.ci_low, r.ci_high], np.quantile(loop, [0.025, 0.975]))


def test_bca_agrees_with_scipy_bootstrap():
    gen = np.random.default_rng(2)
    size = 1 + np.floor(gen.lognormal(1.0, 1.0, 80))
    civ = gen.binomial(size.astype(int), gen.beta(0.6, 1.4, 80)).astype(float)
    ours = fat.clustered_share(civ, size, method="bootstrap", interval="bca", rng=1, n_boot=20000)
    ref = stats.bootstrap(
        (civ, size),
        lambda x, y, axis=-1: x.sum(axis) / y.sum(axis),
        paired=True,
        vectorized=True,
        method="BCa",
        n_resamples=20000,
        confidence_level=0.95,
        random_state=np.random.default_rng(3),
    )
    assert ours.ci_low == pytest.approx(ref.confidence_interval.low, rel=0.03)
    assert ours.ci_high == pytest.approx(ref.confidence_interval.high, rel=0.03)
    pct = fat.clustered_share(civ, size, method="bootstrap", rng=1, n_boot=20000)
    assert (ours.ci_low, ours.ci_high) != (pct.ci_low, pct.ci_high)


def test_clustered_bad_input():
    with pytest.raises(fat.FatalityInputError, match="row 1") as info:
        fat.clustered_share([1, 5, 0], [2, 3, 4])
    assert info.value.argument == "numerator"
    with pytest.raises(fat.FatalityInputError, match="row 2"):
        fat.clustered_ratio([1, 2, -3], [1, 1, 1])
    with pytest.raises(fat.FatalityInputError, match="denominator total is 0"):
        fat.clustered_share([0, 0], [0, 0])
    with pytest.raises(InputError, match="unknown method"):
        fat.clustered_ratio([1, 2], [1, 1], method="delta")
    with pytest.raises(InputError, match="rng"):
        fat.clustered_ratio([1, 2], [1, 1], method="bootstrap")
    with pytest.raises(InputError):
        fat.clustered_ratio([1, 2], [1, 1, 3])


# ---------------------------------------------------------------------------------------------
# clustered + fatality model
# ---------------------------------------------------------------------------------------------
def test_point_mass_model_reduces_to_the_plain_estimate():
    d = _ged()
    exact = fat.fatality_model(d["best"], low=d["best"], high=d["best"], model="range")
    plain = fat.clustered_share(d["deaths_civilians"], d["best"])
    pooled = fat.clustered_share(
        d["deaths_civilians"], d["best"], fatalities=exact, rng=1, n_draws=10
    )
    assert pooled.estimate == pytest.approx(plain.estimate, rel=1e-12)
    assert pooled.se == pytest.approx(plain.se, rel=1e-10)
    assert pooled.ci_low == pytest.approx(plain.ci_low, rel=1e-6)


def test_uncertain_ucdp_draws_combined_with_clustering():
    d = _ged(SYRIA, 2017)
    model = fat.fatality_model(d["best"], violence=d["type_of_violence"])
    plain = fat.clustered_ratio(d["deaths_a"], d["deaths_b"])
    both = fat.clustered_ratio(d["deaths_a"], d["deaths_b"], fatalities=model, rng=2, n_draws=40)
    # the model moves the estimate; its independent per-event errors add a little variance
    assert both.reported == pytest.approx(plain.estimate, rel=1e-12)
    assert abs(both.estimate - plain.estimate) > 0.02
    assert 0.01 < both.fmi < 0.5 and both.df > 1
    assert "Rubin" in both.method
    boot = fat.clustered_ratio(
        d["deaths_a"], d["deaths_b"], method="bootstrap", fatalities=model, rng=3, n_boot=400
    )
    assert boot.ci_low < both.estimate < boot.ci_high
    # draws given as an array, with the totals they describe
    draws = model.sample(30, rng=4)
    arr = fat.clustered_ratio(d["deaths_a"], d["deaths_b"], fatalities=draws, total=d["best"])
    assert arr.ci_low < arr.estimate < arr.ci_high
    with pytest.raises(InputError, match="total"):
        fat.clustered_ratio(d["deaths_a"], d["deaths_b"], fatalities=draws)
    with pytest.raises(InputError, match="bca"):
        fat.clustered_ratio(
            d["deaths_a"],
            d["deaths_b"],
            method="bootstrap",
            interval="bca",
            fatalities=model,
            rng=1,
        )


# ---------------------------------------------------------------------------------------------
# coverage: events as clusters vs deaths as independent trials
# ---------------------------------------------------------------------------------------------
def _clustered_events(gen, sims, n):
    """Heavy-tailed event sizes (1 + floor of a log-normal), civilians share p_i per event."""
    size = 1 + np.floor(gen.lognormal(1.0, 1.0, size=(sims, n)))
    p = gen.beta(0.6, 1.4, size=(sims, n))  # mean 0.3, varies between events
    civ = gen.binomial(size.astype(int), p).astype(float)
    return civ, size  # true share E[civ] / E[size] = 0.3


@pytest.mark.slow
def test_linearised_covers_and_binomial_undercovers():
    gen = np.random.default_rng(20261130)
    civ, size = _clustered_events(gen, 2000, 400)
    hits = np.empty(2000, bool)
    for s in range(2000):
        r = fat.clustered_share(civ[s], size[s])
        hits[s] = r.ci_low <= 0.3 <= r.ci_high
    binom = proportion_ci(civ.sum(1), size.sum(1))
    binom_cover = np.mean((binom.ci_low <= 0.3) & (0.3 <= binom.ci_high))
    assert 0.93 <= hits.mean() <= 0.97
    assert binom_cover < 0.75


@pytest.mark.slow
def test_event_bootstrap_covers():
    gen = np.random.default_rng(20261130)
    civ, size = _clustered_events(gen, 300, 400)
    hits = [
        (r := fat.clustered_share(civ[s], size[s], method="bootstrap", rng=s, n_boot=500)).ci_low
        <= 0.3
        <= r.ci_high
        for s in range(300)
    ]
    assert 0.93 <= np.mean(hits) <= 0.97


# ---------------------------------------------------------------------------------------------
# Rubin's rules and imputed trends
# ---------------------------------------------------------------------------------------------
def test_rubin_pool_equals_mice_on_the_nhanes_example():
    ref = REF["rubin_nhanes"]
    r = fat.rubin_pool(
        np.array(ref["estimates"]).T,
        np.array(ref["variances"]).T,
        dfcom=ref["dfcom"],
        term=ref["term"],
    )
    for ours, theirs in [
        ("estimate", "qbar"),
        ("within", "ubar"),
        ("between", "b"),
        ("total", "t"),
        ("df", "df"),
        ("riv", "riv"),
        ("lambda_", "lambda"),
        ("fmi", "fmi"),
    ]:
        np.testing.assert_allclose(getattr(r, ours), ref[theirs], rtol=RTOL, err_msg=ours)
    assert r.term.tolist() == ["(Intercept)", "age", "bmi"]


def test_rubin_pool_equals_mice_pool_scalar():
    ref = REF["rubin_scalar"]
    r = fat.rubin_pool(ref["Q"], ref["U"], dfcom=ref["dfcom"])
    for ours, theirs in [
        ("estimate", "qbar"),
        ("within", "ubar"),
        ("between", "b"),
        ("total", "t"),
        ("df", "df"),
        ("riv", "r"),
        ("fmi", "fmi"),
    ]:
        assert getattr(r, ours) == pytest.approx(ref[theirs], rel=RTOL), ours
    big = fat.rubin_pool(ref["Q"], ref["U"])
    assert big.df == pytest.approx(ref["df_inf"], rel=RTOL)
    assert big.fmi == pytest.approx(ref["fmi_inf"], rel=RTOL)
    # the interval uses t on the Barnard-Rubin df
    assert r.ci_high - r.estimate == pytest.approx(stats.t.ppf(0.975, r.df) * r.se)
    with pytest.raises(InputError):
        fat.rubin_pool([1.0], [0.1])


def test_imputed_trend_with_exact_counts_is_the_plain_fit():
    months = np.repeat(pd.period_range("2016-01", periods=24, freq="M").astype(str), 2)
    gen = np.random.default_rng(3)
    best = gen.integers(5, 60, size=48)
    exact = fat.fatality_model(best, low=best, high=best, model="range")
    fit = fat.fit_trend_imputed(exact, months, m=3, rng=1, family="poisson")
    plain = fit_trend(
        np.bincount(np.arange(48) // 2, weights=best), dates="2016-01", family="poisson"
    )
    np.testing.assert_allclose(fit.estimate, plain.coefficients.estimate, rtol=1e-10)
    np.testing.assert_allclose(fit.se, plain.coefficients.se, rtol=1e-10)
    np.testing.assert_allclose(fit.between, 0, atol=1e-20)


def test_imputed_trend_under_uncertain_ucdp():
    d = _ged(SYRIA)
    d = d[d["year"] == 2018]
    model = fat.fatality_model(d["best"], violence=d["type_of_violence"])
    fit = fat.fit_trend_imputed(model, d["date_start"], m=8, rng=5, family="quasi-poisson")
    assert fit.series.shape == (12, 8) and len(fit.period) == 12
    assert (fit.series.sum(axis=0) > d["best"].sum()).all()  # the model's upward correction
    assert (fit.total >= fit.within).all() and (fit.fmi > 0).all()
    change = fit.annual_change()
    assert change.ci_low < change.estimate < change.ci_high
    with pytest.raises(fat.FatalityInputError, match="outside"):
        fat.fit_trend_imputed(model, d["date_start"], m=2, rng=1, start="2018-03")
    with pytest.raises(InputError):
        fat.fit_trend_imputed(model, d["date_start"], m=1, rng=1)


def test_proportion_ci_docs_warn_about_clustered_deaths():
    assert "independent" in proportion_ci.__doc__ and "clustered_share" in proportion_ci.__doc__


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    best=st.lists(st.integers(0, 3000), min_size=1, max_size=8),
    tov=st.sampled_from([1, 2, 3, "any"]),
    p=st.floats(0.001, 0.999),
)
def test_vectorised_equals_one_event_and_quantiles_are_monotone(best, tov, p):
    m = fat.fatality_model(best, violence=tov)
    q = m.quantile(p)
    for i, b in enumerate(best):
        one = fat.fatality_model([b], violence=tov)
        assert one.quantile(p)[0] == pytest.approx(q[i], rel=1e-13, abs=1e-12)
        assert one.mean()[0] == pytest.approx(m.mean()[i], rel=1e-13)
    assert (m.quantile(min(p + 0.05, 1.0)) >= q).all()
    assert (m.cdf(q) >= p - 1e-9).all()  # F(Q(p)) >= p, with equality off the point mass


@settings(max_examples=30, deadline=None)
@given(data=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=3, max_size=30))
def test_share_interval_holds_the_estimate(data):
    num = np.array([min(a, b) for a, b in data], float)
    den = np.array([max(a, b) for a, b in data], float)
    if den.sum() == 0:
        return
    r = fat.clustered_share(num, den)
    assert r.ci_low <= r.estimate <= r.ci_high
    assert r.estimate == pytest.approx(num.sum() / den.sum())


def test_groups_give_one_estimate_per_group():
    d = _ged(SYRIA)
    r = fat.clustered_share(d["deaths_civilians"], d["best"], groups=d["year"])
    assert r.group.tolist() == [2016, 2017, 2018, 2019]
    case = next(
        c for c in REF["svyratio"] if c["label"] == "Syria 2017: civilians' share of deaths"
    )
    assert r.estimate[1] == pytest.approx(case["ratio"], rel=RTOL)
    assert r.se[1] == pytest.approx(case["se"], rel=RTOL)
    assert list(r.to_frame().columns[:3]) == ["group", "quantity", "estimate"]
    # bootstrap and model draws: the groups draw in turn from one generator
    m = fat.fatality_model(d["best"], violence=d["type_of_violence"])
    grouped = fat.clustered_ratio(
        d["deaths_a"],
        d["deaths_b"],
        groups=d["year"],
        method="bootstrap",
        n_boot=200,
        fatalities=m,
        rng=np.random.default_rng(8),
    )
    gen = np.random.default_rng(8)
    for k, year in enumerate([2016, 2017, 2018, 2019]):
        rows = np.flatnonzero(d["year"] == year)
        one = fat.clustered_ratio(
            d["deaths_a"].to_numpy()[rows],
            d["deaths_b"].to_numpy()[rows],
            method="bootstrap",
            n_boot=200,
            fatalities=m.subset(rows),
            rng=gen,
        )
        assert grouped.ci_low[k] == one.ci_low and grouped.estimate[k] == one.estimate
    with pytest.raises(fat.FatalityInputError, match="in group 1") as info:
        fat.clustered_ratio([1, 2, 3, 4], [0, 0, 1, 1], groups=[1, 1, 2, 2])
    assert info.value.argument == "b"
    with pytest.raises(fat.FatalityInputError, match="row 3") as info:
        fat.clustered_share([1, 2, 3, 5], [1, 2, 3, 4], groups=[1, 1, 2, 2])
    assert info.value.row == 3


def test_panel_imputed_trends_with_exact_counts_are_the_plain_fits():
    gen = np.random.default_rng(4)
    months = pd.period_range("2016-01", periods=18, freq="M").astype(str)
    ev_month = np.tile(months, 3)
    ev_group = np.repeat(["a", "b", "c"], 18)
    best = gen.integers(1, 40, size=54)
    keep = np.ones(54, bool)
    keep[[20, 21, 40]] = False  # absent months: zero deaths
    exact = fat.fatality_model(best[keep], low=best[keep], high=best[keep], model="range")
    res = fat.fit_trends_imputed(exact, ev_month[keep], ev_group[keep], m=3, rng=1)
    assert res.group.tolist() == ["a", "a", "b", "b", "c", "c"]
    assert (res.reason == "").all()
    np.testing.assert_allclose(res.between, 0, atol=1e-20)
    for k, g in enumerate(["a", "b", "c"]):
        y = np.where(keep, best, 0)[ev_group == g]
        plain = fit_trend(y, dates="2016-01", family="poisson")
        np.testing.assert_allclose(
            res.estimate[2 * k : 2 * k + 2], plain.coefficients.estimate, rtol=1e-6
        )
        np.testing.assert_allclose(res.se[2 * k : 2 * k + 2], plain.coefficients.se, rtol=1e-6)
    model = fat.fatality_model(best, violence="os")
    noisy = fat.fit_trends_imputed(model, ev_month, ev_group, m=5, rng=2, family="quasi-poisson")
    assert (noisy.fmi > 0).all() and noisy.counts.shape == (3, 18, 5)
