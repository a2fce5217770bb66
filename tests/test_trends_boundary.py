"""Coefficients at the boundary of the parameter space, quasi-Poisson exact fits (issue 17,
items 3 and 4): flagged, with profile intervals from R, never a Wald p-value."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conflictstats import panel
from conflictstats._validation import InputError
from conflictstats.rates import compare_series
from conflictstats.trends import fit_trend

REF = json.loads((Path(__file__).parent / "reference" / "boundary.json").read_text())


@pytest.mark.parametrize("family", ["poisson", "negbin", "quasi-poisson"])
def test_level_change_to_zero_is_flagged_with_its_profile_bound(family):
    fit = fit_trend(REF["counts"], dates=REF["dates"], breaks=REF["breaks"], family=family)
    c = fit.coefficients
    assert c.boundary.tolist() == [False, False, True, True]
    # the identified coefficients are R's limit values
    np.testing.assert_allclose(c.estimate[:2], [REF["intercept"], REF["trend"]], rtol=1e-7)
    # level: the likelihood rises towards minus infinity; a one-sided profile interval
    assert c.estimate[2] == -np.inf and c.ci_low[2] == -np.inf
    key = "level_high_95_quasi" if family == "quasi-poisson" else "level_high_95"
    assert c.ci_high[2] == pytest.approx(REF[key], abs=1e-6)
    # slope: not identified by the months before the break
    assert np.isnan(c.estimate[3]) and np.isnan(c.ci_low[3]) and np.isnan(c.ci_high[3])
    # never a Wald p-value or standard error for them
    assert np.isnan(c.pvalue[2:]).all() and np.isnan(c.se[2:]).all()


def test_break_effects_at_the_boundary_and_another_confidence():
    fit = fit_trend(REF["counts"], dates=REF["dates"], breaks=REF["breaks"], family="poisson")
    eff = fit.break_effects()
    assert eff.estimate[0] == -100 and eff.ci_low[0] == -100
    assert eff.ci_high[0] == pytest.approx(100 * np.expm1(REF["level_high_95"]), abs=1e-4)
    assert np.isnan(eff.pvalue[0])
    eff90 = fit.break_effects(confidence=0.9)
    assert eff90.ci_high[0] == pytest.approx(100 * np.expm1(REF["level_high_90"]), abs=1e-4)
    # the separated months have fitted mean 0 and no upper bound
    assert (fit.estimate[6:] == 0).all() and np.isnan(fit.ci_high[6:]).all()
    with pytest.raises(InputError, match="boundary"):
        fit.forecast(3, rng=1)


def test_regular_fits_flag_nothing():
    fit = fit_trend(
        [20, 22, 21, 25, 24, 27, 26, 30, 29, 31, 33, 32],
        dates="2017-01",
        breaks=["2017-07"],
        family="poisson",
    )
    assert not fit.coefficients.boundary.any()
    assert np.isfinite(fit.coefficients.pvalue).all()


def test_only_the_last_month_nonzero_is_refused():
    with pytest.raises(InputError, match="does not exist"):
        fit_trend([0] * 11 + [7], dates="2017-01", family="poisson")


def test_quasi_poisson_exact_fits_are_refused_or_flagged():
    with pytest.raises(InputError, match="dispersion 0"):
        fit_trend([5] * 12, dates="2017-01", family="quasi-poisson")
    with pytest.raises(InputError, match="dispersion 0"):
        compare_series([5, 5, 5], [6, 6, 6], family="quasi-poisson")
    months = list(pd.period_range("2017-01", periods=12, freq="M"))
    df = pd.DataFrame(
        {
            "unit": ["flat"] * 12 + ["rising"] * 12,
            "month": months * 2,
            "count": [5] * 12 + list(range(1, 13)),
        }
    )
    table = panel.fit_trends(df, series="unit", time="month", count="count", family="quasi-poisson")
    flat = table[table["unit"] == "flat"]
    assert flat["estimate"].isna().all() and flat["pvalue"].isna().all()
    assert flat["reason"].str.contains("dispersion 0").all()
    assert table[table["unit"] == "rising"]["pvalue"].notna().all()


def test_tiny_fitted_means_that_the_data_pin_down_are_not_separated():
    # twenty zeros then two ones: the first fitted means are ~1e-10 but the MLE exists (R's
    # glm converges to it), so no coefficient is flagged, no month is set to 0 and every band
    # is finite (the months were once shown as "0 to —")
    ref = REF["near_separation"]
    fit = fit_trend(ref["counts"], family="poisson")
    c = fit.coefficients
    assert not c.boundary.any()
    np.testing.assert_allclose(c.estimate, ref["estimate"], rtol=1e-6)
    np.testing.assert_allclose(c.se, ref["se"], rtol=1e-5)
    assert np.isfinite(fit.ci_high).all() and (fit.estimate > 0).all()
