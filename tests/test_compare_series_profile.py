"""compare_series: deviance, log-likelihood, glm.nb's SE.theta and profile-likelihood
intervals against R (tests/reference/compare_series.R)."""

import json
from pathlib import Path

import numpy as np
import pytest

from conflictstats._validation import InputError
from conflictstats.rates import compare_series

REF = json.loads((Path(__file__).parent / "reference" / "compare_series.json").read_text())
CASES = REF["cases"]


def _id(case):
    return f"{case['family']}-{len(case['counts1'])}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_fit_statistics_equal_r(case):
    r = compare_series(case["counts1"], case["counts2"], family=case["family"])
    assert r.deviance == pytest.approx(case["deviance"], rel=1e-8)
    if case["family"] == "quasi-poisson":
        assert np.isnan(r.loglik)
    else:
        assert r.loglik == pytest.approx(case["loglik"], rel=1e-9)
    if case["family"] == "negbin":
        assert r.theta == pytest.approx(case["theta"], rel=1e-6)
        # R's SE.theta comes from the means of glm.nb's last alternation but one (on the
        # second case it stops at its alternation limit): equal to about 2e-5
        assert r.theta_se == pytest.approx(case["theta_se"], rel=1e-4)
    else:
        assert r.theta_se is None


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_profile_interval_equals_r(case):
    r = compare_series(case["counts1"], case["counts2"], family=case["family"], interval="profile")
    # the exact roots of R's profile statistic
    assert r.ci_low == pytest.approx(case["profile_low"], rel=1e-7)
    assert r.ci_high == pytest.approx(case["profile_high"], rel=1e-7)
    assert r.pvalue == pytest.approx(case["lr_pvalue"], rel=1e-6)
    # and R's confint(), which interpolates a spline through the profile points (to ~3e-5)
    assert r.ci_low == pytest.approx(case["confint_low"], rel=1e-4)
    assert r.ci_high == pytest.approx(case["confint_high"], rel=1e-4)
    assert "profile" in r.method


def test_profile_differs_from_wald_and_unknown_interval_is_refused():
    a, b = CASES[0]["counts1"], CASES[0]["counts2"]
    wald = compare_series(a, b, family="poisson")
    prof = compare_series(a, b, family="poisson", interval="profile")
    assert wald.estimate == prof.estimate and wald.ci_high != prof.ci_high
    with pytest.raises(InputError, match="interval"):
        compare_series(a, b, interval="score")
