"""conflictstats.countglm: the one count-model core, against R and statsmodels; edge cases.

References: R ``glm`` / ``MASS::glm.nb`` values in ``tests/reference/rates.json`` (the
two-period design of ``compare_series``; the trend designs are checked through ``fit_trend``
in ``test_trends.py``), and statsmodels (``GLM`` Poisson and NB2 at a fixed alpha,
``NegativeBinomial(loglike_method="nb2")`` by Newton's method) on simulated series with a
trend and month effects. The batched engine (``panel``) is checked in ``test_panel.py``;
here the single-series path is checked to give the batched path's numbers.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import special

from conflictstats import InputError, _irls
from conflictstats.countglm import (
    CountFit,
    fit_count_glm,
    fit_negbin_batch,
    fit_poisson_batch,
)
from conflictstats.rates import compare_series
from tests.conftest import load_reference

RATES = [c for c in load_reference("rates")["cases"] if c["kind"] == "compare_series"]


def _design(n: int) -> np.ndarray:
    """Intercept, years, Feb..Dec indicators (as trends and panel build it)."""
    k = np.arange(n)
    moy = k % 12
    return np.column_stack(
        [np.ones(n), k / 12.0] + [(moy == m).astype(float) for m in range(1, 12)]
    )


def _nb_series(rng, n=120, alpha=0.2):
    X = _design(n)
    beta = np.r_[2.5, 0.05, rng.normal(0, 0.25, 11)]
    mu = np.exp(X @ beta)
    return rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu)).astype(float), X


# ---------------------------------------------------------------------------------------------
# R: glm and MASS::glm.nb on the two-period design
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "case", RATES, ids=lambda c: f"{c['args']['model']}-{len(c['args']['counts1'])}"
)
def test_two_period_fits_against_r(case):
    a, e = case["args"], case["expected"]
    y = np.r_[a["counts1"], a["counts2"]]
    X = np.column_stack(
        [np.ones(y.size), np.r_[np.ones(len(a["counts1"])), np.zeros(len(a["counts2"]))]]
    )
    fit = fit_count_glm(y, X, family=a["model"])
    assert isinstance(fit, CountFit) and fit.converged
    np.testing.assert_allclose(np.exp(fit.coef[1]), e["estimate"], rtol=case["rtol"])
    # the R interval is exp(b +- q se): its log width gives R's standard error
    q = special.ndtri(0.975)
    if a["model"] == "quasi-poisson":
        from scipy import stats

        q = stats.t.ppf(0.975, y.size - 2)
    se_r = np.log(e["ci_high"] / e["ci_low"]) / (2 * q)
    np.testing.assert_allclose(fit.se[1], se_r, rtol=max(case["rtol"], 1e-6))
    if a["model"] == "negbin":
        np.testing.assert_allclose(1 / fit.dispersion, e["theta"], rtol=case["rtol"])
    elif a["model"] == "quasi-poisson":
        np.testing.assert_allclose(fit.dispersion, e["dispersion"], rtol=1e-9)
    else:
        np.testing.assert_allclose(fit.pearson_chi2 / fit.df_resid, e["dispersion"], rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# statsmodels on trend + month designs
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_poisson_and_quasi_poisson_match_statsmodels(seed):
    import statsmodels.api as sm

    rng = np.random.default_rng(seed)
    y, X = _nb_series(rng, alpha=0.1)
    off = np.log(rng.uniform(28, 31, y.size))
    ref = sm.GLM(y, X, family=sm.families.Poisson(), offset=off).fit(tol=1e-13)
    fit = fit_count_glm(y, X, family="poisson", offset=off)
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(fit.se, ref.bse, rtol=1e-8)
    np.testing.assert_allclose(fit.cov, ref.cov_params(), rtol=1e-7, atol=1e-14)
    np.testing.assert_allclose(fit.loglik, ref.llf, rtol=1e-11)
    np.testing.assert_allclose(fit.deviance, ref.deviance, rtol=1e-9)
    np.testing.assert_allclose(fit.pearson_chi2, ref.pearson_chi2, rtol=1e-9)
    quasi = fit_count_glm(y, X, family="quasi-poisson", offset=off)
    refq = sm.GLM(y, X, family=sm.families.Poisson(), offset=off).fit(tol=1e-13, scale="X2")
    np.testing.assert_allclose(quasi.se, refq.bse, rtol=1e-8)
    np.testing.assert_allclose(quasi.dispersion, refq.scale, rtol=1e-9)
    assert np.isnan(quasi.loglik)


@pytest.mark.parametrize("seed", range(5))
def test_negbin_matches_statsmodels(seed):
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    rng = np.random.default_rng(100 + seed)
    y, X = _nb_series(rng, alpha=[0.05, 0.2, 0.5, 1.0, 0.3][seed])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = NegativeBinomial(y, X, loglike_method="nb2").fit(
            method="newton", tol=1e-14, maxiter=300, disp=0
        )
    observed = fit_count_glm(y, X, family="negbin", information="observed")
    np.testing.assert_allclose(observed.coef, ref.params[:-1], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(observed.dispersion, ref.params[-1], rtol=1e-7)
    np.testing.assert_allclose(observed.se, ref.bse[:-1], rtol=1e-6)
    np.testing.assert_allclose(observed.alpha_se, ref.bse[-1], rtol=1e-6)
    np.testing.assert_allclose(observed.loglik, ref.llf, rtol=1e-11)
    # expected information at the fitted alpha: the NB2 GLM with alpha held fixed (glm.nb)
    expected = fit_count_glm(y, X, family="negbin")
    # alpha's standard error comes from the observed information whichever covariance
    np.testing.assert_allclose(expected.alpha_se, ref.bse[-1], rtol=1e-6)
    glm = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=expected.dispersion)).fit(
        tol=1e-13
    )
    np.testing.assert_allclose(expected.coef, observed.coef, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(expected.se, glm.bse, rtol=1e-8)
    np.testing.assert_allclose(expected.deviance, glm.deviance, rtol=1e-8)
    np.testing.assert_allclose(expected.pearson_chi2, glm.pearson_chi2, rtol=1e-8)
    np.testing.assert_allclose(expected.loglik, glm.llf, rtol=1e-11)


def test_single_series_equals_the_batched_engine():
    rng = np.random.default_rng(7)
    pairs = [_nb_series(rng, alpha=a) for a in (0.05, 0.3, 0.8)]
    X = pairs[0][1]
    Y = np.array([y for y, _ in pairs])
    off = np.zeros_like(Y)
    pois = fit_poisson_batch(Y, off, X, tol=1e-10)
    nb = fit_negbin_batch(Y, off, X, pois.beta, tol=1e-10)
    for s in range(Y.shape[0]):
        one = fit_count_glm(Y[s], X)
        np.testing.assert_allclose(one.coef, pois.beta[s], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(one.se**2, pois.var[s], rtol=1e-9)
        one = fit_count_glm(Y[s], X, family="negbin", information="observed")
        np.testing.assert_allclose(one.coef, nb.beta[s], rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(one.se**2, nb.var[s], rtol=1e-6)
        np.testing.assert_allclose(one.dispersion, nb.alpha[s], rtol=1e-8)


def test_lapack_linear_algebra_equals_the_vectorised_cholesky():
    rng = np.random.default_rng(3)
    X = _design(60)
    w = rng.uniform(0.5, 30, (4, 60))
    loop, lapack = _irls.Gram(X), _irls.Gram(X, lapack=True)
    A = loop(w)
    np.testing.assert_allclose(lapack(w), A, rtol=1e-12)
    b = rng.normal(size=(4, X.shape[1]))
    A[2] = 0.0  # singular
    for name in ("solve", "inverse", "inverse_diagonal"):
        args = (A, b) if name == "solve" else (A,)
        (x1, ok1), (x2, ok2) = getattr(loop, name)(*args), getattr(lapack, name)(*args)
        assert ok1.tolist() == ok2.tolist() == [True, True, False, True]
        np.testing.assert_allclose(x1[ok1], x2[ok2], rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# edge cases
# ---------------------------------------------------------------------------------------------
def test_boundary_alpha_zero_is_the_poisson_fit():
    y = np.array([20, 21, 19, 20, 22, 20, 19, 21, 20, 20, 21, 19], float)
    X = np.column_stack([np.ones(12), np.arange(12) / 12])
    nb, pois = fit_count_glm(y, X, family="negbin"), fit_count_glm(y, X)
    assert nb.boundary and nb.dispersion == 0.0 and nb.alpha_se is None
    np.testing.assert_allclose(nb.coef, pois.coef, rtol=1e-12)
    np.testing.assert_allclose(nb.se, pois.se, rtol=1e-12)
    assert nb.loglik == pytest.approx(pois.loglik, rel=1e-12)
    assert "boundary" in repr(nb)
    with pytest.raises(InputError, match="no overdispersion"):
        compare_series(y[:6], y[6:], family="negbin")


def test_separation_stops_where_r_stops_and_is_flagged():
    """A month with only zero counts: its effect tends to minus infinity. R's glm stops on
    its deviance rule with a large negative estimate and a huge standard error; so does the
    core, and it says so."""
    rng = np.random.default_rng(1)
    y = rng.poisson(20, 24).astype(float)
    y[[0, 12]] = 0  # every January
    X = _design(24)
    for family in ("poisson", "negbin"):
        fit = fit_count_glm(y, X, family=family)
        assert fit.separation and fit.converged
        assert fit.coef[0] < -15 and fit.se[0] > 1e4
        assert np.all(np.isfinite(fit.se))
    assert not fit_count_glm(y + 1, X).separation
    # all the weight on one month: the information matrix itself becomes singular
    one = np.r_[np.zeros(11), 1.0]
    X2 = np.column_stack([np.ones(12), np.arange(12) / 12])
    for family in ("poisson", "quasi-poisson", "negbin"):
        with pytest.raises(InputError, match="does not exist"):
            fit_count_glm(one, X2, family=family)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"y": [0, 0, 0, 0]}, "all zero"),
        ({"y": [1, -2, 3, 4]}, "non-negative"),
        ({"y": [1, 2.5, 3, 4]}, "whole-number"),
        ({"X": np.ones((3, 2))}, "one row per count"),
        ({"X": np.column_stack([np.ones(4), np.ones(4)])}, "rank-deficient"),
        ({"X": np.column_stack([np.ones(4), [0, 1, 2, np.nan]])}, "finite"),
        ({"family": "gaussian"}, "family"),
        ({"information": "sandwich"}, "information"),
        ({"offset": [0.0, 1.0]}, "offset"),
        (
            {
                "y": [1, 2, 3, 4],
                "X": np.column_stack(
                    [np.ones(4), np.arange(4), np.arange(4) ** 2, np.arange(4) ** 3]
                ),
                "family": "negbin",
            },
            "at least 5",
        ),
        (
            {
                "y": [2, 4, 8, 16],
                "family": "quasi-poisson",
                "X": np.column_stack([np.ones(4), np.arange(4.0)]),
            },
            "dispersion 0",
        ),
    ],
)
def test_bad_input(kwargs, match):
    args = {"y": [1, 2, 3, 4], "X": np.column_stack([np.ones(4), np.arange(4.0)])}
    args.update(kwargs)
    y, X = args.pop("y"), args.pop("X")
    with pytest.raises(InputError, match=match):
        fit_count_glm(y, X, **args)


# ---------------------------------------------------------------------------------------------
# compare_series: family= (model= deprecated)
# ---------------------------------------------------------------------------------------------
def test_compare_series_family_and_deprecated_model():
    y1, y2 = [70, 80, 66, 90, 72, 79, 120, 40], [55, 61, 70, 52, 63, 58, 20, 90]
    for family in ("poisson", "quasi-poisson", "negbin"):
        new = compare_series(y1, y2, family=family)
        with pytest.warns(DeprecationWarning, match="family"):
            old = compare_series(y1, y2, model=family)
        assert new.method == old.method == family
        assert repr(new.to_dict()) == repr(old.to_dict())  # NaN-safe: loglik is NaN for quasi
    assert compare_series(y1, y2).method == "quasi-poisson"
    with pytest.raises(InputError, match="unknown family"):
        compare_series(y1, y2, family="nb")
    with pytest.raises(InputError, match="not both"), pytest.warns(DeprecationWarning):
        compare_series(y1, y2, family="poisson", model="poisson")


# ---------------------------------------------------------------------------------------------
# properties (hypothesis)
# ---------------------------------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as hs  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(
    hs.lists(hs.integers(1, 200), min_size=6, max_size=48),
    hs.sampled_from(("poisson", "quasi-poisson", "negbin")),
    hs.floats(0.1, 100.0),
)
def test_score_equations_and_exposure_shift(y, family, exposure):
    """Poisson and quasi-Poisson: X'(y - mu) = 0 (the likelihood equations); every family: an
    exposure multiplies the fitted means' scale, so only the intercept moves, by -log(e)."""
    y = np.asarray(y, float)
    X = np.column_stack([np.ones(y.size), np.arange(y.size) / 12.0])
    try:
        a = fit_count_glm(y, X, family=family)
    except InputError as exc:
        assert "dispersion 0" in str(exc) and len(set(y.tolist())) <= 2
        return
    assert a.converged and np.all(np.isfinite(a.se)) and a.dispersion >= 0
    if family != "negbin":
        np.testing.assert_allclose(X.T @ (y - a.fitted), 0.0, atol=1e-7 * y.sum())
    b = fit_count_glm(y, X, family=family, offset=np.log(exposure))
    np.testing.assert_allclose(b.coef[0], a.coef[0] - np.log(exposure), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(b.coef[1], a.coef[1], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b.fitted, a.fitted, rtol=1e-6)
