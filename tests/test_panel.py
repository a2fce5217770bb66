"""Tests for conflictstats.panel: batched trend fits of many count series.

References: every series of a 500-series panel is refitted with statsmodels (GLM Poisson,
GLM quasi-Poisson with the Pearson scale, discrete NegativeBinomial NB2) and the coefficients
and standard errors must agree to 1e-6 relative. The design for statsmodels is built here,
independently of conflictstats: trend = months since January 2010 / 12, January the reference
month, offset log(days in month).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from conflictstats import _irls
from conflictstats._validation import InputError
from conflictstats.panel import COLUMNS, FAMILIES, TimeGapError, fit_trends

KW = dict(series="cell", time="month", count="n", exposure="days", seasonality="month")
MONTHS = pd.date_range("2010-01-01", periods=60, freq="MS")


def make_panel(n_series=500, n_months=60, seed=7, ragged=True):
    """NB2 counts with per-series level, trend, seasonality and dispersion; some series start
    late (ragged panel). Returns the long frame and the per-series truth."""
    rng = np.random.default_rng(seed)
    months = MONTHS[:n_months]
    t = np.arange(n_months) / 12.0
    moy = months.month.to_numpy()
    days = months.days_in_month.to_numpy().astype(float)
    b0 = rng.normal(2.5, 0.5, n_series)
    b1 = rng.normal(0.0, 0.2, n_series)
    season = rng.normal(0.0, 0.3, (n_series, 12))
    season[:, 0] = 0.0
    alpha = rng.uniform(0.1, 0.8, n_series)
    mu = np.exp(b0[:, None] + b1[:, None] * t + season[:, moy - 1]) * days / 30.0
    y = rng.negative_binomial(1.0 / alpha[:, None], 1.0 / (1.0 + alpha[:, None] * mu))
    frame = pd.DataFrame(
        {
            "cell": np.repeat([f"c{i:03d}" for i in range(n_series)], n_months),
            "month": np.tile(months, n_series),
            "n": y.ravel(),
            "days": np.tile(days, n_series),
        }
    )
    if ragged:
        start = np.where(rng.random(n_series) < 0.2, rng.integers(1, 24, n_series), 0)
        keep = np.tile(np.arange(n_months), n_series) >= np.repeat(start, n_months)
        frame = frame[keep].reset_index(drop=True)
    return frame


def design(months: pd.Series) -> np.ndarray:
    """statsmodels design: intercept, years since January 2010, Feb..Dec indicators."""
    m = pd.DatetimeIndex(months)
    t = ((m.year - 2010) * 12 + m.month - 1) / 12.0
    cols = [np.ones(len(m)), np.asarray(t, float)]
    cols += [(m.month == k).astype(float) for k in range(2, 13)]
    return np.column_stack(cols)


@pytest.fixture(scope="module")
def panel():
    return make_panel()


def _statsmodels_fits(frame, family):
    import statsmodels.api as sm

    est, se, disp = {}, {}, {}
    for key, g in frame.groupby("cell", sort=True):
        X = design(g["month"])
        y = g["n"].to_numpy(float)
        off = np.log(g["days"].to_numpy(float))
        if family == "negbin":
            model = sm.NegativeBinomial(y, X, loglike_method="nb2", offset=off)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = model.fit(method="newton", maxiter=300, tol=1e-12, disp=0)
                if not np.isfinite(r.params).all():
                    # Newton from the default start stepped to alpha < 0: start it from BFGS
                    # in log alpha (statsmodels' default optimiser) instead
                    r0 = model.fit(method="bfgs", maxiter=2000, disp=0)
                    r = model.fit(start_params=r0.params, method="newton", tol=1e-12, disp=0)
            assert r.mle_retvals["converged"] and np.isfinite(r.params).all(), key
            est[key], se[key], disp[key] = r.params[:-1], r.bse[:-1], r.params[-1]
        else:
            scale = "X2" if family == "quasi-poisson" else None
            r = sm.GLM(y, X, family=sm.families.Poisson(), offset=off).fit(tol=1e-13, scale=scale)
            est[key], se[key], disp[key] = r.params, r.bse, r.scale
    return est, se, disp


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.slow
def test_equals_statsmodels_per_series(panel, family):
    res = fit_trends(panel, family=family, **KW)
    assert list(res.columns) == ["cell", *COLUMNS[1:]]
    assert res.converged.all()
    per = res.drop_duplicates("cell").set_index("cell")
    keys = per.index.tolist()
    assert keys == sorted(panel.cell.unique())
    # NB2: a few series are underdispersed by chance; their likelihood peaks at alpha = 0,
    # where statsmodels' Newton steps leave the parameter space, and the Poisson fit is
    # reported (compared with statsmodels' Poisson GLM below).
    at_zero = per.reason.str.startswith("alpha estimate is 0")
    assert (per.reason[~at_zero] == "").all()
    assert at_zero.sum() <= (10 if family == "negbin" else 0)
    inner = per.index[~at_zero]
    est, se, disp = _statsmodels_fits(panel[panel.cell.isin(inner)], family)
    got = res.set_index("cell")
    got_est = got.loc[inner, "estimate"].to_numpy().reshape(len(inner), 13)
    got_se = got.loc[inner, "se"].to_numpy().reshape(len(inner), 13)
    np.testing.assert_allclose(got_est, [est[k] for k in inner], rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(got_se, [se[k] for k in inner], rtol=1e-6)
    np.testing.assert_allclose(per.dispersion[inner], [disp[k] for k in inner], rtol=1e-6)
    if at_zero.any():
        zero = per.index[at_zero]
        est, se, _ = _statsmodels_fits(panel[panel.cell.isin(zero)], "poisson")
        got_est = got.loc[zero, "estimate"].to_numpy().reshape(len(zero), 13)
        got_se = got.loc[zero, "se"].to_numpy().reshape(len(zero), 13)
        np.testing.assert_allclose(got_est, [est[k] for k in zero], rtol=1e-6, atol=1e-10)
        np.testing.assert_allclose(got_se, [se[k] for k in zero], rtol=1e-6)
        assert (per.dispersion[zero] == 0).all()


def _r_panel(ref):
    rows = []
    for name, case in ref["cases"].items():
        months = pd.date_range(case["start"] + "-01", periods=len(case["counts"]), freq="MS")
        rows.append(
            pd.DataFrame({"cell": name, "month": months, "n": case["counts"], "days": case["days"]})
        )
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize("family", FAMILIES)
def test_equals_r_on_a_ragged_panel(family):
    """R: glm(poisson), glm(quasipoisson), MASS::glm.nb on five series of R's datasets, two of
    them starting five years after the others (tests/reference/panel.R)."""
    ref = load_reference("panel")
    res = fit_trends(_r_panel(ref), family=family, **KW)
    assert res.converged.all() and (res.reason == "").all()
    assert res.term.unique().tolist() == ref["terms"]
    for name, case in ref["cases"].items():
        got = res[res.cell == name]
        r = case[
            {"poisson": "poisson", "quasi-poisson": "quasipoisson", "negbin": "negbin"}[family]
        ]
        np.testing.assert_allclose(got.estimate, r["coef"], rtol=1e-6, atol=1e-9)
        if family == "negbin":
            # MASS::glm.nb's tolerance on theta is looser than the coefficients'
            assert got.dispersion.iloc[0] == pytest.approx(r["alpha"], rel=1e-5)
            np.testing.assert_allclose(got.se, r["se_full_hessian"], rtol=1e-5)
            # and not glm.nb's fixed-theta SEs, which differ visibly
            assert np.max(np.abs(got.se.to_numpy() / r["se_glm_nb"] - 1)) > 1e-3
        else:
            np.testing.assert_allclose(got.se, r["se"], rtol=1e-6)
        if family == "quasi-poisson":
            assert got.dispersion.iloc[0] == pytest.approx(r["dispersion"], rel=1e-8)


def test_intervals_and_pvalues(panel):
    res = fit_trends(panel.iloc[:600], family="poisson", confidence=0.9, **KW)
    z = stats.norm.ppf(0.95)
    np.testing.assert_allclose(res.ci_low, res.estimate - z * res.se, rtol=1e-12)
    np.testing.assert_allclose(res.ci_high, res.estimate + z * res.se, rtol=1e-12)
    np.testing.assert_allclose(res.pvalue, 2 * stats.norm.sf(np.abs(res.estimate / res.se)))
    assert (res.confidence == 0.9).all() and (res.method == "wald-z").all()
    q = fit_trends(panel.iloc[:600], family="quasi-poisson", **KW)
    dfree = q.n_obs - 13
    tq = stats.t.ppf(0.975, dfree)
    np.testing.assert_allclose(q.ci_high, q.estimate + tq * q.se, rtol=1e-12)
    assert (q.method == "wald-t").all()


def test_terms_and_time_scale():
    frame = make_panel(3, 36, seed=1, ragged=False)
    res = fit_trends(frame, family="poisson", **KW)
    terms = ["intercept", "trend"] + [
        f"month[{m}]"
        for m in ("Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    ]
    assert res.term.tolist() == terms * 3
    # numeric time in months: the trend is per month, 1/12 of the per-year trend
    num = frame.assign(k=(frame.month.dt.year - 2010) * 12 + frame.month.dt.month - 1)
    kw = dict(series="cell", count="n", exposure="days")
    by_month = fit_trends(num, time="k", **kw)
    by_year = fit_trends(frame, time="month", **kw)
    np.testing.assert_allclose(
        by_month.estimate[by_month.term == "trend"] * 12,
        by_year.estimate[by_year.term == "trend"],
        rtol=1e-9,
    )
    # Periods are accepted and mean the same as month-start datetimes
    per = frame.assign(month=frame.month.dt.to_period("M"))
    pd.testing.assert_frame_equal(fit_trends(per, **KW), res)


def test_intercept_origin_is_panel_start():
    """The origin is the panel's first month, shared by every series (a late-starting
    series keeps the same time axis), so a constant-rate series has intercept log(rate)."""
    frame = pd.DataFrame(
        {
            "cell": ["a"] * 24 + ["b"] * 12,
            "month": list(MONTHS[:24]) + list(MONTHS[12:24]),
            "n": [10] * 24 + [10 * 2 ** (k / 12) for k in range(12, 24)],
        }
    )
    frame["n"] = frame["n"].round()
    res = fit_trends(frame, series="cell", time="month", count="n")
    a = res[res.cell == "a"].set_index("term").estimate
    assert a["intercept"] == pytest.approx(np.log(10), rel=1e-9)
    assert a["trend"] == pytest.approx(0.0, abs=1e-9)
    b = res[res.cell == "b"].set_index("term").estimate
    assert b["trend"] == pytest.approx(np.log(2), abs=0.02)
    assert b["intercept"] == pytest.approx(np.log(10), abs=0.03)


def _one_series(frame, **kw):
    return fit_trends(frame, **{**KW, **kw})


def test_flagged_series_do_not_affect_the_rest(panel):
    good = panel[panel.cell.isin([f"c{i:03d}" for i in range(5)])]
    rows = []
    # all zeros
    rows.append(pd.DataFrame({"cell": "z_zero", "month": MONTHS, "n": 0, "days": 30.0}))
    # too short for 13 coefficients
    rows.append(pd.DataFrame({"cell": "z_short", "month": MONTHS[:10], "n": 5, "days": 30.0}))
    # December never observed: the design is rank-deficient
    m = MONTHS[MONTHS.month != 12]
    rows.append(
        pd.DataFrame({"cell": "z_nodec", "month": m, "n": 5 + np.arange(len(m)) % 3, "days": 30.0})
    )
    # no counts in July: its effect is minus infinity
    n = 5 + np.arange(60) % 4
    n[MONTHS.month == 7] = 0
    rows.append(pd.DataFrame({"cell": "z_nojul", "month": MONTHS, "n": n, "days": 30.0}))
    frame = pd.concat([good, *rows], ignore_index=True)
    for family in FAMILIES:
        # z_nodec skips every December on purpose: fitted as given, it must be flagged
        res = fit_trends(frame, family=family, missing="drop", **KW)
        alone = fit_trends(good, family=family, **KW)
        head = res[res.cell.isin(alone.cell)].reset_index(drop=True)
        pd.testing.assert_frame_equal(head, alone)
        per = res.drop_duplicates("cell").set_index("cell")
        assert per.loc["z_zero", "reason"].startswith("all counts are zero")
        assert per.loc["z_short", "reason"].startswith("too short: 10 observations")
        assert per.loc["z_nodec", "reason"].startswith("rank-deficient")
        assert (
            per.loc["z_nojul", "reason"] == "no counts in Jul: the month effect is minus infinity"
        )
        bad = res[res.cell.str.startswith("z_")]
        assert bad[["estimate", "se", "ci_low", "ci_high", "dispersion"]].isna().all().all()
        assert not bad.converged.any()


def test_separation_is_flagged_not_converged():
    # counts only in the first month: the trend's MLE is minus infinity
    frame = pd.DataFrame({"cell": "a", "month": MONTHS[:24], "n": [7] + [0] * 23})
    res = fit_trends(frame, series="cell", time="month", count="n", maxiter=30)
    assert not res.converged.any()
    assert res.reason.iloc[0].startswith("did not converge in 30 iterations")
    assert res.estimate.isna().all()


def test_negbin_without_overdispersion_reports_poisson():
    rng = np.random.default_rng(3)
    n = np.round(20 * np.exp(0.05 * np.arange(60) / 12)) + rng.integers(0, 2, 60)
    frame = pd.DataFrame({"cell": "a", "month": MONTHS, "n": n, "days": 30.0})
    over = fit_trends(frame, family="negbin", **KW)
    pois = fit_trends(frame, family="poisson", **KW)
    assert over.reason.iloc[0].startswith("alpha estimate is 0")
    assert (over.dispersion == 0).all() and over.converged.all()
    np.testing.assert_allclose(over.estimate, pois.estimate, rtol=1e-12)
    np.testing.assert_allclose(over.se, pois.se, rtol=1e-12)


def test_negbin_boundary_is_the_maximum():
    """Independent check of the alpha = 0 rule: at the Poisson fit the NB2 log-likelihood
    (scipy's nbinom) falls as alpha grows from 0."""
    rng = np.random.default_rng(3)
    y = np.round(20 * np.exp(0.05 * np.arange(60) / 12)) + rng.integers(0, 2, 60)
    frame = pd.DataFrame({"cell": "a", "month": MONTHS, "n": y})
    res = fit_trends(frame, series="cell", time="month", count="n", family="negbin")
    b = res.estimate.to_numpy()
    mu = np.exp(b[0] + b[1] * np.arange(60) / 12)
    ll = [stats.nbinom.logpmf(y, 1 / a, 1 / (1 + a * mu)).sum() for a in (1e-6, 1e-3, 1e-2)]
    assert ll[0] > ll[1] > ll[2]


def test_each_series_alone_equals_its_rows_in_the_panel(panel):
    sub = panel[panel.cell < "c012"]
    res = fit_trends(sub, family="negbin", **KW)
    first = sub.groupby("cell").month.min()
    full, late = first.index[first == MONTHS[0]], first.index[first > MONTHS[0]]
    assert len(full) and len(late)
    for key in full:
        alone = fit_trends(sub[sub.cell == key], family="negbin", **KW)
        got = res[res.cell == key].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, alone, rtol=1e-9)
    # a late starter fitted alone has its own origin: only the intercept moves, by trend x shift
    key = late[0]
    alone = fit_trends(sub[sub.cell == key], family="negbin", **KW).set_index("term")
    got = res[res.cell == key].set_index("term")
    slope = got.estimate["trend"]
    shift = ((first[key].year - 2010) * 12 + first[key].month - 1) / 12
    assert alone.estimate["intercept"] == pytest.approx(got.estimate["intercept"] + slope * shift)
    rest = got.index != "intercept"
    np.testing.assert_allclose(alone.estimate[rest], got.estimate[rest], rtol=1e-9)
    np.testing.assert_allclose(alone.se[rest], got.se[rest], rtol=1e-9)


def test_chunking_and_row_order_do_not_change_results(panel):
    sub = panel[panel.cell < "c040"]
    ref = fit_trends(sub, family="negbin", **KW)
    chunked = fit_trends(sub, family="negbin", chunk_size=7, **KW)
    pd.testing.assert_frame_equal(chunked, ref, rtol=1e-9)
    shuffled = sub.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(fit_trends(shuffled, family="negbin", **KW), ref, rtol=1e-9)


def test_progress_bar(panel, capsys):
    sub = panel[panel.cell < "c010"]
    fit_trends(sub, chunk_size=3, progress=True, **KW)
    assert "fit_trends" in capsys.readouterr().err
    fit_trends(sub, chunk_size=3, progress=False, **KW)
    assert capsys.readouterr().err == ""


def test_without_exposure_or_seasonality():
    frame = make_panel(4, 24, seed=2, ragged=False)
    import statsmodels.api as sm

    res = fit_trends(frame, series="cell", time="month", count="n")
    for key, g in frame.groupby("cell"):
        X = design(g["month"])[:, :2]
        r = sm.GLM(g["n"].to_numpy(float), X, family=sm.families.Poisson()).fit(tol=1e-13)
        got = res[res.cell == key]
        np.testing.assert_allclose(got.estimate, r.params, rtol=1e-7)
        np.testing.assert_allclose(got.se, r.bse, rtol=1e-7)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(family="gamma"), "unknown family 'gamma'"),
        (dict(engine="spark"), "unknown engine 'spark'"),
        (dict(seasonality="week"), "unknown seasonality 'week'"),
        (dict(count="deaths"), "count='deaths' is not a column"),
        (dict(exposure="pop"), "exposure='pop' is not a column"),
        (dict(chunk_size=0), "chunk_size must be a positive integer"),
        (dict(confidence=1.5), "confidence must lie in (0, 1)"),
        (dict(maxiter=0), "maxiter must be a positive integer"),
        (dict(tol=0.0), "tol must lie in (0, 1)"),
    ],
)
def test_bad_options(change, message):
    frame = make_panel(2, 24, ragged=False)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        fit_trends(frame, **{**KW, **change})


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("n", -1, "n must be non-negative counts, got -1.0"),
        ("n", 2.5, "n must be whole-number counts, got 2.5"),
        ("n", np.nan, "n must be finite, got nan"),
        ("days", 0.0, "days must be positive, got 0.0"),
    ],
)
def test_bad_values(column, value, message):
    frame = make_panel(2, 24, ragged=False)
    frame[column] = frame[column].astype(float)
    frame.loc[5, column] = value
    with pytest.raises(InputError, match=message):
        fit_trends(frame, **KW)


def test_bad_tables():
    frame = make_panel(2, 24, ragged=False)
    with pytest.raises(InputError, match="each .series, time. pair must appear once"):
        fit_trends(pd.concat([frame, frame.iloc[[3]]]), **KW)
    with pytest.raises(InputError, match="seasonality='month' needs datetime"):
        fit_trends(frame.assign(k=np.arange(len(frame))), **{**KW, "time": "k"})
    with pytest.raises(InputError, match="must hold datetimes, Periods or numbers"):
        fit_trends(frame.assign(month=frame.month.astype(str)), **KW)
    with pytest.raises(InputError, match="df must be a pandas DataFrame"):
        fit_trends(frame.to_dict(), **KW)
    with pytest.raises(InputError, match="series must be a column name"):
        fit_trends(frame, **{**KW, "series": 3})
    with pytest.raises(InputError, match="series='term' would clash"):
        fit_trends(frame.rename(columns={"cell": "term"}), **{**KW, "series": "term"})


def test_empty_frame():
    frame = make_panel(2, 24, ragged=False).iloc[:0]
    with pytest.raises(InputError, match="time='month' has no values"):
        fit_trends(frame, **KW)


def test_trigamma_matches_scipy():
    x = np.concatenate([np.logspace(-6, 8, 2000), np.linspace(0.01, 40, 2000)])
    np.testing.assert_allclose(_irls.trigamma(x), special.polygamma(1, x), rtol=1e-12)


def test_special_function_differences_are_accurate_at_small_alpha():
    """f(y + r) - f(r) for log-gamma, digamma and trigamma against exact sums over j < y of
    log(r + j), 1/(r + j) and -1/(r + j)^2 (math.fsum); r = 1/alpha up to 1e12."""
    import math

    y = np.array([1, 2, 5, 30, 400, 1, 3, 7, 1000, 2, 1, 50, 4], dtype=float)
    r = np.array([0.3, 2, 49, 51, 60, 1284, 1e4, 1e6, 1e3, 1e8, 7e7, 200, 1e12])
    terms = {
        _irls._lgamma_diff: lambda v, x: math.fsum(math.log(x + j) for j in range(int(v))),
        _irls._digamma_diff: lambda v, x: math.fsum(1 / (x + j) for j in range(int(v))),
        _irls._trigamma_diff: lambda v, x: -math.fsum(1 / (x + j) ** 2 for j in range(int(v))),
    }
    for fn, exact in terms.items():
        want = [exact(v, x) for v, x in zip(y, r)]
        np.testing.assert_allclose(fn(y, r), want, rtol=1e-13)


def test_negbin_with_a_tiny_alpha_converges():
    """A sparse series whose NB2 optimum has alpha ~ 8e-4: the likelihood is flat in alpha, so
    the gradient must be accurate for Newton's method to settle (statsmodels agrees)."""
    import statsmodels.api as sm

    y = [
        1,
        0,
        0,
        1,
        0,
        1,
        1,
        0,
        0,
        1,
        1,
        0,
        1,
        4,
        2,
        0,
        2,
        2,
        0,
        1,
        1,
        1,
        2,
        0,
        1,
        0,
        0,
        0,
        3,
        3,
        1,
        3,
        3,
        0,
        0,
        3,
        2,
        2,
        0,
        1,
        2,
        3,
        0,
        4,
        1,
        4,
        1,
        3,
    ]
    k = np.arange(len(y)) / 12
    res = fit_trends(
        pd.DataFrame({"s": "a", "k": k, "n": y}),
        series="s",
        time="k",
        count="n",
        family="negbin",
        missing="drop",  # times in years, not whole numbers: no grid to check
    )
    assert res.converged.all() and (res.reason == "").all()
    model = sm.NegativeBinomial(
        np.asarray(y, float), np.column_stack([np.ones_like(k), k]), loglike_method="nb2"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = model.fit(method="bfgs", maxiter=2000, disp=0).params
        r = model.fit(start_params=start, method="newton", tol=1e-12, disp=0)
    np.testing.assert_allclose(res.estimate, r.params[:-1], rtol=1e-6)
    np.testing.assert_allclose(res.se, r.bse[:-1], rtol=1e-6)
    assert res.dispersion.iloc[0] == pytest.approx(r.params[-1], rel=1e-5)


def test_batched_cholesky_solve_matches_numpy():
    rng = np.random.default_rng(0)
    M = rng.random((50, 6, 6))
    A = M @ M.transpose(0, 2, 1) + np.eye(6)
    A[3] = -np.eye(6)  # not positive definite
    b = rng.random((50, 6))
    x, ok = _irls._solve(A, b)
    assert ok.sum() == 49 and not ok[3]
    np.testing.assert_allclose(x[ok], np.linalg.solve(A[ok], b[ok][..., None])[..., 0], rtol=1e-9)
    var, ok2 = _irls._inverse_diagonal(A)
    np.testing.assert_array_equal(ok, ok2)
    want = np.diagonal(np.linalg.inv(A[ok]), axis1=1, axis2=2)
    np.testing.assert_allclose(var[ok], want, rtol=1e-9)
    assert np.isnan(var[3]).all()


@pytest.mark.parametrize(
    "family, alpha", [("poisson", 0.0), ("negbin", 0.4), ("quasi-poisson", 0.1)]
)
@pytest.mark.slow
def test_trend_interval_coverage(family, alpha):
    """2,000 simulated series (fixed seed): the 95% Wald interval for the trend covers the
    true 0.1/year in 93% to 97% of them."""
    rng = np.random.default_rng(11)
    S, T = 2000, 60
    t = np.arange(T) / 12
    mu = np.broadcast_to(np.exp(np.log(8.0) + 0.1 * t), (S, T))
    y = rng.poisson(mu) if alpha == 0 else rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    frame = pd.DataFrame(
        {"cell": np.repeat(np.arange(S), T), "k": np.tile(np.arange(T) / 12, S), "n": y.ravel()}
    )
    res = fit_trends(frame, series="cell", time="k", count="n", family=family, missing="drop")
    tr = res[res.term == "trend"]
    cover = ((tr.ci_low <= 0.1) & (0.1 <= tr.ci_high)).mean()
    assert 0.93 <= cover <= 0.97


@settings(max_examples=30, deadline=None)
@given(
    counts=st.lists(st.integers(0, 40), min_size=1, max_size=30),
    family=st.sampled_from(FAMILIES),
)
def test_any_series_gives_numbers_or_a_reason(counts, family):
    frame = pd.DataFrame({"cell": "a", "k": np.arange(len(counts)), "n": counts})
    res = fit_trends(frame, series="cell", time="k", count="n", family=family)
    assert len(res) == 2
    ok = res.reason.iloc[0] == "" or res.reason.iloc[0].startswith("alpha estimate is 0")
    if ok:
        assert res.converged.all()
        assert np.isfinite(res[["estimate", "se", "ci_low", "ci_high"]].to_numpy()).all()
        assert ((res.ci_low <= res.estimate) & (res.estimate <= res.ci_high)).all()
    else:
        assert not res.converged.any() and res.estimate.isna().all()


# -- absent time points: missing="raise" | "zero" | "drop" --------------------------------------
def _events_panel():
    """Events of two provinces, counted with groupby(...).size(): empty months have no row.

    North: 4 events in each month of 2016, then a burst of 6 every sixth month of 2017-2018
    (the rate falls from 4 to 1 a month). South: 3 events in every month (no gaps).
    """
    dates, where = [], []
    for k in range(36):
        day = pd.Timestamp("2016-01-01") + pd.DateOffset(months=k, days=9)
        north = 4 if k < 12 else (6 if k % 6 == 5 else 0)
        dates += [day] * (north + 3)
        where += ["North"] * north + ["South"] * 3
    events = pd.DataFrame({"province": where, "date": dates})
    size = events.groupby(["province", events["date"].dt.to_period("M")]).size()
    return size.rename("events").reset_index().rename(columns={"date": "month"})


def _glm_trend(y, t):
    import statsmodels.api as sm

    X = np.column_stack([np.ones_like(t), t])
    return sm.GLM(np.asarray(y, float), X, family=sm.families.Poisson()).fit(tol=1e-12)


def test_groupby_size_panel_raises_instead_of_flipping_the_trend():
    panel = _events_panel()
    kw = dict(series="province", time="month", count="events")
    with pytest.raises(TimeGapError, match=r"province='North' skips 2017-01") as err:
        fit_trends(panel, **kw)
    assert isinstance(err.value, InputError) and isinstance(err.value, ValueError)
    assert "20 absent time point(s) in 1 series" in str(err.value)
    assert "missing='zero'" in str(err.value)

    zero = fit_trends(panel, missing="zero", **kw).set_index(["province", "term"])
    drop = fit_trends(panel, missing="drop", **kw).set_index(["province", "term"])
    # statsmodels on the series completed by hand (36 months, t in years from 2016-01)
    t = np.arange(36) / 12
    north = np.array([4] * 12 + [6 if k % 6 == 5 else 0 for k in range(12, 36)])
    ref = _glm_trend(north, t)
    np.testing.assert_allclose(zero.loc["North", "estimate"], ref.params, rtol=1e-8)
    np.testing.assert_allclose(zero.loc["North", "se"], ref.bse, rtol=1e-8)
    assert zero.loc[("North", "trend"), "n_obs"] == 36
    # fitted as given, the 16 months with events alone: the fall reads as a rise
    seen = north > 0
    ref_drop = _glm_trend(north[seen], t[seen])
    np.testing.assert_allclose(drop.loc["North", "estimate"], ref_drop.params, rtol=1e-8)
    assert zero.loc[("North", "trend"), "ci_high"] < 0 < drop.loc[("North", "trend"), "estimate"]
    # a complete series is the same whatever `missing` says
    alone = fit_trends(panel[panel.province == "South"], **kw).set_index(["province", "term"])
    for other in (drop, alone):
        np.testing.assert_allclose(
            other.loc["South", "estimate"], zero.loc["South", "estimate"], atol=1e-12
        )


def test_zero_fills_the_whole_panel_span_but_raise_allows_late_starts():
    months = pd.period_range("2016-01", periods=24, freq="M")
    frame = pd.DataFrame(
        {
            "cell": ["a"] * 24 + ["b"] * 12,
            "month": list(months) + list(months[4:16]),
            "n": [4] * 24 + [3] * 12,
        }
    )
    kw = dict(series="cell", time="month", count="n")
    raised = fit_trends(frame, **kw)  # b starts late and ends early: no gap inside it
    pd.testing.assert_frame_equal(raised, fit_trends(frame, missing="drop", **kw))
    zero = fit_trends(frame, missing="zero", **kw).set_index(["cell", "term"])
    assert zero.loc[("b", "trend"), "n_obs"] == 24
    full = np.r_[np.zeros(4), np.full(12, 3.0), np.zeros(8)]
    ref = _glm_trend(full, np.arange(24) / 12)
    np.testing.assert_allclose(zero.loc["b", "estimate"], ref.params, rtol=1e-8)


def test_grid_of_numeric_and_period_times():
    frame = pd.DataFrame({"cell": "a", "k": [1, 2, 3, 5, 6, 7], "n": [3, 4, 2, 5, 3, 4]})
    kw = dict(series="cell", time="k", count="n")
    with pytest.raises(TimeGapError, match="cell='a' skips 4: it has rows for 3 and 5"):
        fit_trends(frame, **kw)
    zero = fit_trends(frame, missing="zero", **kw)
    ref = _glm_trend([3, 4, 2, 0, 5, 3, 4], np.arange(7.0))
    np.testing.assert_allclose(zero["estimate"], ref.params, rtol=1e-8)
    with pytest.raises(TimeGapError, match="whole numbers"):
        fit_trends(frame.assign(k=frame.k / 12), **kw)
    assert fit_trends(frame.assign(k=frame.k / 12), missing="drop", **kw).converged.all()
    quarters = pd.period_range("2016Q1", periods=8, freq="Q")
    q = pd.DataFrame({"cell": "a", "q": quarters, "n": [5, 6, 4, 5, 6, 7, 5, 6]})
    assert fit_trends(q, series="cell", time="q", count="n").converged.all()  # no gaps
    with pytest.raises(TimeGapError, match="skips 2016Q3"):
        fit_trends(q.drop(index=2), series="cell", time="q", count="n")
    # daily datetimes are not a monthly grid; daily Periods are a daily one
    days = pd.DataFrame({"cell": "a", "d": pd.date_range("2016-01-01", periods=20), "n": 1})
    with pytest.raises(TimeGapError, match="two rows in 2016-01.*as pandas Periods"):
        fit_trends(days, series="cell", time="d", count="n")
    daily = days.assign(d=days.d.dt.to_period("D")).drop(index=[5])
    with pytest.raises(TimeGapError, match="skips 2016-01-06"):
        fit_trends(daily, series="cell", time="d", count="n")
    assert fit_trends(daily, series="cell", time="d", count="n", missing="zero").n_obs[0] == 20


def test_two_rows_in_one_month_and_exposure_cannot_be_invented():
    months = pd.date_range("2016-01-01", periods=12, freq="MS")
    frame = pd.DataFrame({"cell": "a", "month": months, "n": np.arange(12) % 4 + 2, "days": 30})
    kw = dict(series="cell", time="month", count="n")
    twice = pd.concat([frame, frame.iloc[[3]].assign(month=pd.Timestamp("2016-04-15"))])
    with pytest.raises(TimeGapError, match="two rows in 2016-04"):
        fit_trends(twice, **kw)
    assert len(fit_trends(twice, missing="drop", **kw)) == 2
    gappy = frame.drop(index=[4, 5])
    with pytest.raises(TimeGapError, match=r"cannot know their 'days'"):
        fit_trends(gappy, exposure="days", missing="zero", **kw)
    # a complete panel with its exposure needs no filling
    pd.testing.assert_frame_equal(
        fit_trends(frame, exposure="days", missing="zero", **kw),
        fit_trends(frame, exposure="days", **kw),
    )
    with pytest.raises(InputError, match="missing"):
        fit_trends(frame, missing="ignore", **kw)
    # datetimes keep their month: filled months are dated on the 1st, the rest kept as given
    mid = frame.assign(month=frame.month + pd.Timedelta(days=14)).drop(index=[4])
    filled = fit_trends(mid, missing="zero", **kw)
    assert filled.n_obs.iloc[0] == 12
