"""Tests for conflictstats.trends: R references, simulations, properties and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conflictstats import InputError
from conflictstats.trends import (
    AnnualChange,
    BreakEffects,
    Changepoints,
    TrendFit,
    TrendForecast,
    evaluate_forecast,
    find_changepoints,
    fit_trend,
    mann_kendall,
    sen_slope,
)
from tests.conftest import load_reference

REF = load_reference("trends")
DATA = REF["data"]

R_NAMES = {
    "(Intercept)": "intercept",
    "t": "trend",
    "level": "level[1983-02]",
    "slope": "slope[1983-02]",
}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
R_NAMES.update({f"month{m}": f"month[{MONTHS[m - 1]}]" for m in range(2, 13)})


def _series(name: str) -> pd.Series:
    values = DATA["seatbelts_drivers_killed" if name == "seatbelts" else "ukdriverdeaths"]
    index = pd.period_range(DATA["start"], periods=len(values), freq="M")
    return pd.Series(values, index=index)


def _fit_case(case: dict) -> TrendFit:
    return fit_trend(
        _series(case["series"]),
        family=case["family"],
        seasonality="month" if case["seasonality"] else None,
        exposure=case["exposure"],
        breaks=case["breaks"],
    )


# ---------------------------------------------------------------------------------------------
# reference values from R (tests/reference/trends.R)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(REF["glm"]))
def test_glm_against_r(name):
    case = REF["glm"][name]
    fit = _fit_case(case)
    coefs = fit.coefficients.to_frame().set_index("term")
    terms = [R_NAMES[t] for t in case["names"]]
    assert list(coefs.index) == terms
    np.testing.assert_allclose(coefs["estimate"], case["coef"], rtol=1e-6)
    np.testing.assert_allclose(coefs["se"], case["se"], rtol=1e-6)
    # interval ends near zero lose relative precision to cancellation: allow 1e-6 of the SE
    se = np.array(case["se"])
    for end in ("ci_low", "ci_high"):
        diff = np.abs(coefs[end].to_numpy() - case[end])
        assert (diff <= 1e-6 * np.abs(case[end]) + 1e-6 * se).all(), end
    np.testing.assert_allclose(coefs["pvalue"], case["pvalue"], rtol=1e-5, atol=1e-300)
    if case["family"] == "negbin":
        np.testing.assert_allclose(1 / fit.dispersion, case["theta"], rtol=1e-6)
        np.testing.assert_allclose(2 * fit.loglik, case["twologlik"], rtol=1e-9)
    else:
        np.testing.assert_allclose(fit.dispersion, case["dispersion"], rtol=1e-6)


def test_annual_change_against_r():
    case = REF["glm"]["ukdriverdeaths_negbin_linear"]
    ac = _fit_case(case).annual_change()
    assert isinstance(ac, AnnualChange)
    np.testing.assert_allclose(ac.estimate, case["annual_change_percent"], rtol=1e-6)
    np.testing.assert_allclose([ac.ci_low, ac.ci_high], case["annual_change_ci"], rtol=1e-6)


def test_forecast_mean_interval_against_r_predict():
    case = REF["glm"]["seatbelts_negbin"]
    fc = _fit_case(case).forecast(12, rng=1, n_draws=200)
    eta, se = np.array(case["forecast_link"]), np.array(case["forecast_link_se"])
    np.testing.assert_allclose(np.log(fc.estimate), eta, rtol=1e-6)
    np.testing.assert_allclose(fc.mean_ci_low, np.exp(eta - 1.959963984540054 * se), rtol=1e-6)
    np.testing.assert_allclose(fc.mean_ci_high, np.exp(eta + 1.959963984540054 * se), rtol=1e-6)
    assert fc.period[0] == "1985-01" and fc.period[-1] == "1985-12"


def test_break_effects_are_the_transformed_r_coefficients():
    case = REF["glm"]["seatbelts_poisson"]
    be = _fit_case(case).break_effects()
    assert isinstance(be, BreakEffects)
    assert be.effect.tolist() == ["level", "slope"]
    assert be.break_date.tolist() == ["1983-02", "1983-02"]
    idx = [case["names"].index("level"), case["names"].index("slope")]
    np.testing.assert_allclose(be.estimate, 100 * np.expm1(np.array(case["coef"])[idx]), rtol=1e-6)
    expected = 100 * np.expm1(np.array(case["ci_low"])[idx])
    np.testing.assert_allclose(be.ci_low, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(REF["mann_kendall"]))
def test_mann_kendall_against_r(name):
    case = REF["mann_kendall"][name]
    mk = mann_kendall(case["x"])
    assert mk.s == case["s"]
    np.testing.assert_allclose(mk.statistic, case["z"], rtol=1e-9)
    np.testing.assert_allclose(mk.pvalue, case["pvalue"], rtol=1e-7)
    np.testing.assert_allclose(mk.tau, case["tau"], rtol=1e-9)


def test_seasonal_mann_kendall_against_r():
    case = REF["seasonal_mann_kendall"]["ukdriverdeaths"]
    mk = mann_kendall(case["x"], dates="1969-01", seasonal=True)
    assert mk.s == case["s"]
    np.testing.assert_allclose(mk.var_s, case["var_s"], rtol=1e-12)
    np.testing.assert_allclose(mk.statistic, case["z"], rtol=1e-9)
    np.testing.assert_allclose(mk.pvalue, case["pvalue"], rtol=1e-7)
    assert mann_kendall(case["x"], seasonal=True).s == case["s"]


@pytest.mark.parametrize("name", sorted(REF["sen_slope"]))
def test_sen_slope_against_r(name):
    case = REF["sen_slope"][name]
    est = sen_slope(case["x"])
    np.testing.assert_allclose(
        [est.estimate, est.ci_low, est.ci_high],
        [case["slope"], case["ci_low"], case["ci_high"]],
        rtol=1e-12,
    )


# ---------------------------------------------------------------------------------------------
# changepoints
# ---------------------------------------------------------------------------------------------
def _nb_series(mu, alpha, rng):
    return rng.poisson(rng.gamma(1 / alpha, np.asarray(mu) * alpha))


CP_SCENARIOS = {
    # name: (mean per month, true breaks, family)
    "one level shift, NB2": (np.where(np.arange(72) < 36, 20.0, 40.0), [36], "negbin"),
    "two level shifts, NB2": (
        np.select([np.arange(72) < 24, np.arange(72) < 48], [30.0, 60.0], 25.0),
        [24, 48],
        "negbin",
    ),
    "one level shift, Poisson": (np.where(np.arange(60) < 20, 8.0, 16.0), [20], "poisson"),
}


@pytest.mark.parametrize("name", sorted(CP_SCENARIOS))
@pytest.mark.slow
def test_changepoints_found_in_simulated_series(name):
    """Acceptance: the known breaks within +-2 months in >= 90% of 200 replicates."""
    mu, true, family = CP_SCENARIOS[name]
    rng = np.random.default_rng(20181210)
    hits = 0
    for _ in range(200):
        y = _nb_series(mu, 0.05, rng) if family == "negbin" else rng.poisson(mu)
        cp = find_changepoints(y, max_breaks=3, family=family)
        hits += len(cp.estimate) == len(true) and bool(np.all(np.abs(cp.estimate - true) <= 2))
    assert hits / 200 >= 0.90


@pytest.mark.slow
def test_profile_interval_coverage_is_as_documented():
    """The docstring's claim: the 95% interval holds the true month in about 89% of series."""
    rng = np.random.default_rng(1)
    mu = np.where(np.arange(72) < 36, 20.0, 40.0)
    inside = 0
    for _ in range(200):
        cp = find_changepoints(_nb_series(mu, 0.05, rng))
        inside += cp.n_breaks == 1 and cp.ci_low[0] <= 36 <= cp.ci_high[0]
    assert 0.84 <= inside / 200 <= 0.97


def test_changepoint_result_and_profile_interval():
    rng = np.random.default_rng(7)
    mu = np.where(np.arange(48) < 30, 15.0, 45.0)
    y = pd.Series(rng.poisson(mu), index=pd.period_range("2015-01", periods=48, freq="M"))
    cp = find_changepoints(y, family="poisson")
    assert isinstance(cp, Changepoints)
    assert cp.n_breaks == 1 and cp.date.tolist() == ["2017-07"]
    assert cp.ci_low[0] <= cp.estimate[0] <= cp.ci_high[0]
    assert cp.segments["months"].sum() == 48
    np.testing.assert_allclose(cp.segments["mean"], [y[:30].mean(), y[30:].mean()])
    assert list(cp.to_frame().columns[:5]) == [
        "date",
        "date_low",
        "date_high",
        "quantity",
        "estimate",
    ]
    assert set(cp.criteria["n_breaks"]) == {0, 1, 2, 3}


def test_changepoints_print_dates_when_the_series_has_them():
    y = [10, 12, 9, 11, 10, 13, 11, 9, 40, 38, 42, 41, 39, 44, 40, 37]
    y += [12, 10, 11, 9, 13, 10, 12, 11]
    dated = find_changepoints(y, dates="2017-01", family="poisson", min_segment=4)
    lines = repr(dated).splitlines()[1:]
    assert [line.split(" (")[0].strip() for line in lines] == ["[0] 2017-09", "[1] 2018-05"]
    for k, line in enumerate(lines):
        lo, hi = dated.date_low[k], dated.date_high[k]
        assert line.endswith(f"(95% CI {lo} to {hi})")
    assert "4.00" not in repr(dated) and "8.00" not in repr(dated)
    frame = dated.to_frame()
    assert frame[["date", "date_low", "date_high"]].to_numpy().tolist() == [
        [d, lo, hi] for d, lo, hi in zip(dated.date, dated.date_low, dated.date_high)
    ]
    assert frame["estimate"].tolist() == [8.0, 16.0]
    html = dated._repr_html_()
    assert "2017-09" in html and "NaN" not in html
    plain = find_changepoints(y, family="poisson", min_segment=4)
    assert repr(plain).splitlines()[1].strip().startswith("[0] month 8 (95% CI ")
    assert "date" not in plain.to_frame().columns


def test_no_break_in_a_flat_series():
    rng = np.random.default_rng(11)
    misses = sum(
        find_changepoints(_nb_series(np.full(60, 25.0), 0.05, rng)).n_breaks > 0 for _ in range(50)
    )
    assert misses <= 5


@pytest.mark.slow
def test_changepoints_with_slopes_find_a_turn():
    k = np.arange(72)
    mu = np.where(k < 40, 30 * np.exp(0.4 * k / 12), 50 * np.exp(-1.5 * (k - 40) / 12))
    y = _nb_series(mu, 0.02, np.random.default_rng(3))
    cp = find_changepoints(y, slope=True, max_breaks=2)
    assert cp.n_breaks == 1 and abs(cp.estimate[0] - 40) <= 2
    assert "annual_change_percent" in cp.segments


def test_segment_table_matches_direct_likelihoods():
    """The vectorised segment table equals a direct sum of log-likelihood terms (scipy)."""
    from scipy import stats as st

    from conflictstats.trends.changepoints import _level_segment_loglik

    y = np.array([3, 0, 5, 8, 2, 9, 12, 7, 4, 0, 0, 6], float)
    alpha = 0.3
    table = _level_segment_loglik(y, alpha, 2)
    for i, j in [(0, 12), (2, 5), (9, 11), (3, 10)]:
        mu = y[i:j].mean()
        p = 1 / (1 + alpha * mu)
        assert table[i, j] == pytest.approx(st.nbinom.logpmf(y[i:j], 1 / alpha, p).sum(), 1e-12)
    assert table[4, 5] == -np.inf  # shorter than min_segment
    pois = _level_segment_loglik(y, 0.0, 1)
    assert pois[1, 4] == pytest.approx(st.poisson.logpmf(y[1:4], y[1:4].mean()).sum(), 1e-12)


def test_batched_slope_fits_match_statsmodels():
    import statsmodels.api as sm

    from conflictstats.trends.changepoints import _slope_fit_batch

    rng = np.random.default_rng(2)
    y = rng.poisson(np.linspace(5, 30, 40)).astype(float)
    starts, ends = np.array([0, 5, 12]), np.array([40, 25, 20])
    for alpha in (0.0, 0.2):
        ll, a, b = _slope_fit_batch(y, starts, ends, alpha)
        for s, e, lli, ai, bi in zip(starts, ends, ll, a, b):
            x = (np.arange(e - s) - (e - s - 1) / 2) / 12
            fam = sm.families.Poisson() if alpha == 0 else sm.families.NegativeBinomial(alpha=alpha)
            res = sm.GLM(y[s:e], sm.add_constant(x), family=fam).fit(tol=1e-12)
            np.testing.assert_allclose([ai, bi], res.params, rtol=1e-7)
            assert lli == pytest.approx(res.llf, rel=1e-9)


# -- break-date bootstrap interval and quasi-Poisson ------------------------------------------
@pytest.mark.parametrize(
    ("high", "profile_band", "boot_band"),
    # the author's scenarios: NB2 (alpha 0.05), 72 months, level 20 -> high at month 36
    [(40.0, (0.84, 0.93), (0.91, 0.99)), (30.0, (0.75, 0.89), (0.88, 0.98))],
)
@pytest.mark.slow
def test_bootstrap_interval_coverage_is_closer_to_nominal(high, profile_band, boot_band):
    """200 series (seed 1): the 95% bootstrap interval's coverage of the true month is within
    its band and nearer 0.95 than the profile interval's (seen: 0.95 vs 0.89 for 20 -> 40,
    0.925 vs 0.825 for 20 -> 30)."""
    rng = np.random.default_rng(1)
    mu = np.where(np.arange(72) < 36, 20.0, high)
    prof = boot = 0
    for i in range(200):
        y = _nb_series(mu, 0.05, rng)
        cp = find_changepoints(y)
        cb = find_changepoints(y, interval="bootstrap", rng=1000 + i)
        assert cb.estimate.tolist() == cp.estimate.tolist()
        prof += cp.n_breaks == 1 and cp.ci_low[0] <= 36 <= cp.ci_high[0]
        boot += cb.n_breaks == 1 and cb.ci_low[0] <= 36 <= cb.ci_high[0]
    prof, boot = prof / 200, boot / 200
    assert profile_band[0] <= prof <= profile_band[1]
    assert boot_band[0] <= boot <= boot_band[1]
    assert abs(boot - 0.95) < abs(prof - 0.95)


def test_bootstrap_interval_result_and_reproducibility():
    rng = np.random.default_rng(7)
    mu = np.where(np.arange(48) < 30, 15.0, 45.0)
    y = pd.Series(rng.poisson(mu), index=pd.period_range("2015-01", periods=48, freq="M"))
    a = find_changepoints(y, family="poisson", interval="bootstrap", rng=3)
    b = find_changepoints(y, family="poisson", interval="bootstrap", rng=np.random.default_rng(3))
    c = find_changepoints(y, family="poisson", interval="bootstrap", rng=3, n_boot=499)
    assert a.date.tolist() == ["2017-07"]
    assert "parametric bootstrap" in a.method and "199 replicates" in a.method
    assert "499 replicates" in c.method
    np.testing.assert_array_equal(a.ci_low, b.ci_low)
    np.testing.assert_array_equal(a.ci_high, b.ci_high)
    assert a.ci_low[0] <= a.estimate[0] <= a.ci_high[0]
    # the default is unchanged: profile interval, no bootstrap in the method string
    assert "bootstrap" not in find_changepoints(y, family="poisson").method
    with pytest.raises(InputError, match="rng"):
        find_changepoints(y, interval="bootstrap")
    with pytest.raises(InputError, match="n_boot"):
        find_changepoints(y, interval="bootstrap", rng=1, n_boot=5)
    with pytest.raises(InputError, match="interval"):
        find_changepoints(y, interval="wald")


@pytest.mark.slow
def test_bootstrap_with_slopes_covers_the_turn():
    k = np.arange(72)
    mu = np.where(k < 40, 30 * np.exp(0.4 * k / 12), 50 * np.exp(-1.5 * (k - 40) / 12))
    y = _nb_series(mu, 0.02, np.random.default_rng(3))
    cp = find_changepoints(y, slope=True, max_breaks=2, interval="bootstrap", rng=5, n_boot=99)
    assert cp.n_breaks == 1 and cp.ci_low[0] <= 40 <= cp.ci_high[0]
    assert cp.ci_high[0] - cp.ci_low[0] <= 12


def test_replicate_segment_logliks_match_the_checked_tables():
    """The bootstrap's batched segment log-likelihoods (replicates x candidates) equal the
    single-series tables, which the tests above check against scipy and statsmodels."""
    from conflictstats.trends.changepoints import (
        _level_segment_loglik,
        _segment_loglik_many,
        _slope_segment_loglik,
    )

    rng = np.random.default_rng(4)
    Y = rng.poisson(np.linspace(4, 25, 30), size=(3, 30)).astype(float)
    starts, ends = np.array([0, 3, 10, 0]), np.array([30, 9, 25, 12])
    for alpha in (0.0, 0.15):
        for slope, table in ((False, _level_segment_loglik), (True, _slope_segment_loglik)):
            many = _segment_loglik_many(Y, starts, ends, alpha, slope)
            for b in range(3):
                np.testing.assert_allclose(many[b], table(Y[b], alpha, 1)[starts, ends], rtol=1e-9)


def test_quasi_poisson_dispersion_is_the_pearson_statistic():
    """phi x residual df equals the Pearson chi-square of statsmodels' Poisson GLM with one
    level per segment at the same breaks."""
    import statsmodels.api as sm

    from conflictstats.trends.changepoints import _pearson_dispersion

    rng = np.random.default_rng(8)
    mu = np.select([np.arange(60) < 20, np.arange(60) < 45], [10.0, 30.0], 18.0)
    y = rng.poisson(rng.gamma(mu / 2, 2.0)).astype(float)
    taus = [20, 45]
    X = np.column_stack([(np.arange(60) >= t) for t in [0, *taus]]).astype(float)
    X[:, 0] -= X[:, 1]
    X[:, 1] -= X[:, 2]
    res = sm.GLM(y, X, family=sm.families.Poisson()).fit(tol=1e-12)
    phi, raw = _pearson_dispersion(y, taus, False, 1)
    assert raw * (60 - 3 - 2) == pytest.approx(res.pearson_chi2, rel=1e-9)
    assert phi == max(raw, 1.0) and raw > 1.5


def test_quasi_poisson_is_poisson_on_poisson_series_and_fewer_breaks_when_overdispersed():
    rng = np.random.default_rng(5)
    mu = np.where(np.arange(60) < 30, 20.0, 35.0)
    k_pois, k_quasi = [], []
    for _ in range(100):
        y = rng.poisson(rng.gamma(mu / 2, 2.0))  # variance 3 mu, one true break
        k_pois.append(find_changepoints(y, family="poisson").n_breaks)
        q = find_changepoints(y, family="quasi-poisson")
        k_quasi.append(q.n_breaks)
    k_pois, k_quasi = np.array(k_pois), np.array(k_quasi)
    assert np.all(k_quasi <= k_pois)
    # seen: a spurious second break in 22% of series with Poisson, 1% with quasi-Poisson
    assert np.mean(k_pois > 1) >= 0.12 and np.mean(k_quasi > 1) <= 0.05
    assert q.family == "quasi-poisson" and q.dispersion > 1.5 and "quasi-Poisson" in q.method
    same = floored = 0
    for _ in range(100):
        y = rng.poisson(mu)
        p = find_changepoints(y, family="poisson")
        q = find_changepoints(y, family="quasi-poisson")
        same += p.estimate.tolist() == q.estimate.tolist()
        if q.dispersion == 1.0:  # Pearson phi <= 1: exactly the Poisson fit
            floored += 1
            np.testing.assert_array_equal(p.ci_low, q.ci_low)
            np.testing.assert_array_equal(p.ci_high, q.ci_high)
    assert same >= 95 and floored >= 40  # seen: 99 and 61


def test_quasi_poisson_profile_interval_is_wider_than_poisson():
    rng = np.random.default_rng(12)
    mu = np.where(np.arange(72) < 36, 20.0, 45.0)
    wider = 0
    for _ in range(10):
        y = rng.poisson(rng.gamma(mu / 3, 3.0))  # variance 4 mu
        p = find_changepoints(y, family="poisson", criterion="bic")
        q = find_changepoints(y, family="quasi-poisson", criterion="bic", max_breaks=1)
        p1 = find_changepoints(y, family="poisson", criterion="bic", max_breaks=1)
        assert p.n_breaks >= q.n_breaks
        assert q.n_breaks == 1 and q.estimate[0] == p1.estimate[0]
        assert q.ci_low[0] <= p1.ci_low[0] and q.ci_high[0] >= p1.ci_high[0]
        wider += (q.ci_high - q.ci_low)[0] > (p1.ci_high - p1.ci_low)[0]
    assert wider >= 3  # seen: 4 of 10


# ---------------------------------------------------------------------------------------------
# forecasts and their evaluation
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("family", "draw"),
    [
        ("negbin", lambda mu, rng: _nb_series(mu, 0.04, rng)),
        ("quasi-poisson", lambda mu, rng: rng.poisson(rng.gamma(mu / 2, 2.0))),  # variance 3 mu
        ("poisson", lambda mu, rng: rng.poisson(mu)),
    ],
)
@pytest.mark.slow
def test_forecast_interval_coverage_by_simulation(family, draw):
    """95% prediction intervals cover 12-month-ahead counts 93-97.5% of the time, each family
    on data from its own variance function (150 series x 12 months)."""
    rng = np.random.default_rng(1969)
    k = np.arange(72)
    mu = 30 * np.exp(0.2 * k / 12)
    covered = []
    for _ in range(150):
        y = draw(mu, rng)
        fit = fit_trend(y[:60], dates="2012-01", family=family)
        fc = fit.forecast(12, rng=rng, n_draws=1000)
        covered.append((fc.ci_low <= y[60:]) & (y[60:] <= fc.ci_high))
    coverage = np.mean(covered)
    assert 0.93 <= coverage <= 0.975, coverage


def test_forecast_object_and_reproducibility():
    case = REF["glm"]["seatbelts_quasipoisson"]
    fit = _fit_case(case)
    a, b = fit.forecast(6, rng=42), fit.forecast(6, rng=42)
    assert isinstance(a, TrendForecast)
    assert a.interval_label == "prediction interval"
    np.testing.assert_array_equal(a.draws, b.draws)
    assert a.draws.shape == (6, 4000)
    # a prediction interval is wider than the confidence interval of the mean
    assert np.all(a.ci_high - a.ci_low > a.mean_ci_high - a.mean_ci_low)
    assert "prediction interval" in repr(a)


def _crps_by_integration(draws, y):
    """CRPS as the integral of (F(x) - 1{x >= y})^2 over the integers (for integer draws)."""
    grid = np.arange(min(draws.min(), y) - 1, max(draws.max(), y) + 2)
    F = (draws[None, :] <= grid[:, None]).mean(axis=1)
    return np.sum((F - (grid >= y)) ** 2)


def test_crps_and_interval_score():
    rng = np.random.default_rng(5)
    draws = rng.poisson([[5.0], [20.0], [50.0]], size=(3, 500))
    obs = np.array([4, 31, 50])
    score = evaluate_forecast(obs, draws)
    expected = [_crps_by_integration(d, y) for d, y in zip(draws, obs)]
    np.testing.assert_allclose(score.crps, expected, rtol=1e-10)
    lo, hi = np.quantile(draws, [0.025, 0.975], axis=1)
    np.testing.assert_allclose(score.interval_score[1], (hi[1] - lo[1]) + 40 * (31 - hi[1]))
    assert score.covered.tolist() == [1.0, 0.0, 1.0]
    assert score.coverage == pytest.approx(2 / 3)


def test_crps_of_a_normal_sample_matches_the_closed_form():
    """Gneiting & Raftery (2007): CRPS(N(0,1), y) = y(2Phi(y) - 1) + 2phi(y) - 1/sqrt(pi)."""
    from scipy import stats as st

    y = np.array([-1.0, 0.3, 2.0])
    draws = np.random.default_rng(0).standard_normal((3, 200_000))
    exact = y * (2 * st.norm.cdf(y) - 1) + 2 * st.norm.pdf(y) - 1 / np.sqrt(np.pi)
    np.testing.assert_allclose(evaluate_forecast(y, draws).crps, exact, atol=5e-3)


def test_evaluate_forecast_from_fit_and_forecast():
    y = pd.Series(
        _series("ukdriverdeaths").to_numpy()[:180],
        index=pd.period_range("1969-01", periods=180, freq="M"),
    )
    fit = fit_trend(y, seasonality="month")
    later = _series("ukdriverdeaths").to_numpy()[180:]
    a = evaluate_forecast(later, fit, rng=3)
    b = evaluate_forecast(later, fit.forecast(12, rng=3))
    np.testing.assert_array_equal(a.crps, b.crps)
    assert a.interval_label == "prediction interval"
    assert 0 <= a.coverage <= 1 and a.mean_crps > 0


# ---------------------------------------------------------------------------------------------
# properties, objects and bad input
# ---------------------------------------------------------------------------------------------
def test_trend_fit_table_and_summary():
    fit = _fit_case(REF["glm"]["seatbelts_negbin"])
    frame = fit.to_frame()
    assert len(frame) == 192 and frame["period"].iloc[0] == "1969-01"
    assert (frame["ci_low"] < frame["estimate"]).all() and (
        frame["estimate"] < frame["ci_high"]
    ).all()
    summary = fit.summary()
    assert "alpha (NB2)" in summary["term"].tolist()
    assert "NB2" in repr(fit)


def test_exposure_days_is_an_offset():
    y = _series("seatbelts")
    days = y.index.days_in_month.to_numpy()
    a = fit_trend(y, exposure="days", family="poisson")
    b = fit_trend(y.to_numpy(), dates="1969-01", exposure=days, family="poisson")
    np.testing.assert_allclose(a.coefficients.estimate, b.coefficients.estimate, rtol=1e-10)


def test_vectorised_dates_equal_a_start_month():
    y = DATA["ukdriverdeaths"][:36]
    a = fit_trend(y, dates="1969-01", seasonality="month")
    dates = pd.date_range("1969-01-01", periods=36, freq="MS")
    b = fit_trend(y, dates=dates, seasonality="month")
    np.testing.assert_allclose(a.estimate, b.estimate, rtol=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"counts": [1, 2, -3, 4]}, "non-negative"),
        ({"counts": [1, 2.5, 3, 4]}, "whole-number"),
        ({"counts": [1, np.nan, 3, 4]}, "finite"),
        ({"counts": [1, 2, 3, 4], "family": "gaussian"}, "family"),
        ({"counts": [1, 2, 3, 4], "seasonality": "month"}, "needs dates"),
        ({"counts": [1, 2, 3, 4], "dates": "2018-01", "breaks": ["2019-05"]}, "inside"),
        (
            {"counts": [1, 2, 3, 4], "dates": ["2018-01", "2018-02", "2018-04", "2018-05"]},
            "consecutive",
        ),
        ({"counts": [1, 2, 3, 4], "exposure": [1, 0, 1, 1]}, "positive"),
        ({"counts": [1, 2, 3, 4], "confidence": 95}, "confidence"),
    ],
)
def test_fit_trend_bad_input(kwargs, match):
    counts = kwargs.pop("counts")
    with pytest.raises(InputError, match=match):
        fit_trend(counts, **kwargs)


def test_other_bad_input():
    fit = fit_trend([5, 7, 6, 9, 8, 11], family="poisson")
    with pytest.raises(InputError, match="rng"):
        fit.forecast(3, rng=None)
    with pytest.raises(InputError, match="h must"):
        fit.forecast(0, rng=1)
    with pytest.raises(InputError, match="break"):
        fit.break_effects()
    with pytest.raises(InputError, match="criterion"):
        find_changepoints([1, 2, 3, 4, 5, 6, 7, 8], criterion="hqc")
    with pytest.raises(InputError, match="observed has"):
        evaluate_forecast([1, 2], np.ones((3, 10)))
    with pytest.raises(InputError, match="tied"):
        mann_kendall([4, 4, 4, 4])
    with pytest.raises(InputError, match="too few"):
        sen_slope([1, 2, 3])


# ---------------------------------------------------------------------------------------------
# properties (hypothesis)
# ---------------------------------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as hs  # noqa: E402

series_strategy = hs.lists(hs.integers(0, 60), min_size=8, max_size=40)


@settings(max_examples=50, deadline=None)
@given(series_strategy)
def test_mann_kendall_reversal_flips_the_sign(x):
    if len(set(x)) < 2:
        return
    a, b = mann_kendall(x), mann_kendall(x[::-1])
    assert a.s == -b.s and a.statistic == pytest.approx(-b.statistic)
    assert a.pvalue == pytest.approx(b.pvalue)


@settings(max_examples=50, deadline=None)
@given(series_strategy, hs.integers(-5, 5))
def test_sen_slope_shifts_with_an_added_trend(x, c):
    x = np.array(x, float)
    t = np.arange(x.size)
    try:
        a = sen_slope(x)
    except InputError:
        return
    assert a.ci_low <= a.estimate <= a.ci_high
    assert sen_slope(x + c * t).estimate == pytest.approx(a.estimate + c)


@settings(max_examples=25, deadline=None)
@given(
    hs.lists(hs.integers(1, 80), min_size=12, max_size=36),
    hs.sampled_from(("poisson", "quasi-poisson", "negbin")),
)
def test_fit_interval_contains_estimate_and_exposure_shifts_intercept(y, family):
    if family == "quasi-poisson" and len(set(y)) == 1:
        with pytest.raises(InputError, match="dispersion 0"):
            fit_trend(y, family=family)
        return
    a = fit_trend(y, family=family)
    assert np.all(a.ci_low <= a.estimate) and np.all(a.estimate <= a.ci_high)
    b = fit_trend(y, family=family, exposure=np.full(len(y), 10.0))
    np.testing.assert_allclose(
        b.coefficients.estimate[0], a.coefficients.estimate[0] - np.log(10), rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(b.estimate, a.estimate, rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# plots
# ---------------------------------------------------------------------------------------------
def test_trend_plot():
    from conflictstats import plots

    fit = _fit_case(REF["glm"]["seatbelts_negbin"])
    ax = plots.trend(fit, forecast=fit.forecast(12, rng=1, n_draws=500))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("95% CI" in t for t in labels)
    assert any("prediction interval" in t for t in labels)
    assert any(t.startswith("forecast") for t in labels)
    assert "break" in labels
    assert ax.get_ylabel() == "count per month"


def test_changepoints_plot():
    from conflictstats import plots

    rng = np.random.default_rng(7)
    y = rng.poisson(np.where(np.arange(48) < 30, 15.0, 45.0))
    ax = plots.changepoints(find_changepoints(y, dates="2015-01", family="poisson"))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("95% profile-likelihood interval" in t for t in labels)
    ax2 = plots.changepoints(find_changepoints(y, family="poisson"))
    assert ax2.get_xlabel() == "month (position)"
