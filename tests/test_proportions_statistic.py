"""The test statistic on proportions results (against R prop.test and statsmodels
test_proportions_2indep), and the MOVER-R Wilson interval for a ratio of proportions (against
a published example and R contingencytables): tests/reference/proportions_statistic_*.json and
tests/reference/mover_wilson.json."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_reference
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictstats.proportions import compare_proportions, count_ratio

SM = load_reference("proportions_statistic_statsmodels")
R = load_reference("proportions_statistic_r")
MOVER = load_reference("mover_wilson")


@pytest.mark.parametrize("case", SM["cases"], ids=lambda c: c["call"])
def test_statistic_equals_statsmodels(case):
    r = compare_proportions(
        case["x1"], case["n1"], case["x2"], case["n2"],
        compare=case["compare"], method=case["method"], null=case["null"],
    )  # fmt: skip
    assert r.statistic == pytest.approx(case["statistic"], rel=1e-10, abs=1e-12), case["call"]
    assert r.pvalue == pytest.approx(case["pvalue"], rel=1e-9, abs=1e-15), case["call"]
    assert r.statistic_name.split()[:2] in (["score", "z"], ["Wald", "z"])


@pytest.mark.parametrize("case", R["prop_test_two_sample"], ids=lambda c: c["call"])
def test_prop_test_statistic_equals_r(case):
    r = compare_proportions(case["x1"], case["n1"], case["x2"], case["n2"], method="prop.test")
    assert r.statistic == pytest.approx(case["x_squared"], rel=1e-10, abs=1e-14), case["call"]
    assert r.statistic_name == "X-squared"


@pytest.mark.parametrize("case", R["count_ratio_score"], ids=lambda c: c["call"])
def test_count_ratio_score_statistic_equals_r(case):
    r = count_ratio(case["count1"], case["count2"], method="wilson", null=case["null"])
    assert r.statistic**2 == pytest.approx(case["x_squared"], rel=1e-10), case["call"]
    assert r.pvalue == pytest.approx(case["pvalue"], rel=1e-9), case["call"]
    assert r.statistic_name == "score z"


def test_every_test_carries_its_statistic_and_intervals_only_none():
    from conflictstats.proportions import COMPARE_METHODS

    for compare, methods in COMPARE_METHODS.items():
        for method in methods:
            r = compare_proportions([12, 3], [40, 17], [7, 9], [45, 20], compare=compare,
                                    method=method)  # fmt: skip
            if r.pvalue is None:
                assert r.statistic is None and r.statistic_name is None, method
            else:
                assert np.shape(r.statistic) == (2,) and r.statistic_name, method
                assert np.all(np.isfinite(r.statistic)), method
    for method in ("exact", "mid-p", "wilson", "wald-log"):
        r = count_ratio([827, 30], [481, 12], method=method)
        assert r.statistic_name and np.shape(r.statistic) == (2,)
    r = compare_proportions(3, 12, 1, 15, compare="odds-ratio", method="exact-cond")
    assert r.statistic == 3 and r.statistic_name == "x1 given the margins"
    r = compare_proportions(20, 50, 10, 60, method="profile-likelihood", null=0.1)
    assert r.pvalue == pytest.approx(2 * __import__("scipy").stats.norm.sf(abs(r.statistic)))


@pytest.mark.parametrize(
    "case",
    MOVER["cases"],
    ids=lambda c: f"{c['x1']}_{c['n1']}_{c['x2']}_{c['n2']}_{c['confidence']}",
)
def test_mover_wilson_equals_reference(case):
    r = compare_proportions(
        case["x1"], case["n1"], case["x2"], case["n2"], compare="ratio", method="mover-wilson",
        confidence=case["confidence"],
    )  # fmt: skip
    for key in ("estimate", "ci_low", "ci_high"):
        want = case[key]
        got = float(getattr(r, key))
        if want == "inf":
            assert got == np.inf, (key, case["source"])
        else:
            assert got == pytest.approx(want, rel=case["tol"], abs=case["tol"]), (
                key,
                case["source"],
            )
    assert r.pvalue is None and r.statistic is None


def test_mover_wilson_vectorised_equals_scalar():
    cases = [c for c in MOVER["cases"] if c["confidence"] == 0.95 and c["tol"] < 1e-6]
    cols = {k: [c[k] for c in cases] for k in ("x1", "n1", "x2", "n2")}
    r = compare_proportions(**cols, compare="ratio", method="mover-wilson")
    for i, c in enumerate(cases):
        s = compare_proportions(c["x1"], c["n1"], c["x2"], c["n2"], compare="ratio",
                                method="mover-wilson")  # fmt: skip
        assert r.ci_low[i] == s.ci_low and r.ci_high[i] == s.ci_high


@settings(max_examples=80, deadline=None)
@given(
    n1=st.integers(1, 500), n2=st.integers(1, 500), f1=st.floats(0, 1), f2=st.floats(0, 1),
    conf=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)  # fmt: skip
def test_mover_wilson_holds_its_estimate(n1, n2, f1, f2, conf):
    x1, x2 = round(f1 * n1), round(f2 * n2)
    if x1 == 0 and x2 == 0:
        return
    r = compare_proportions(x1, n1, x2, n2, compare="ratio", method="mover-wilson",
                            confidence=conf)  # fmt: skip
    assert 0 <= r.ci_low <= r.estimate <= r.ci_high
    assert not np.isnan(r.ci_low) and not np.isnan(r.ci_high)
