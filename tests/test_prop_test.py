"""method="prop.test": R's prop.test intervals and p-value (issue 15 item 2), against
tests/reference/prop_test.R; Newcombe's continuity-corrected methods are kept as they were."""

import json
from pathlib import Path

import numpy as np
import pytest

from conflictstats._validation import InputError
from conflictstats.proportions import compare_proportions, proportion_ci

REF = json.loads((Path(__file__).parent / "reference" / "prop_test.json").read_text())


@pytest.mark.parametrize("case", REF["one_sample"], ids=lambda c: f"{c['x']}of{c['n']}")
def test_one_sample_equals_r(case):
    r = proportion_ci(case["x"], case["n"], method="prop.test")
    assert r.ci_low == pytest.approx(case["ci_low"], abs=1e-12)
    assert r.ci_high == pytest.approx(case["ci_high"], abs=1e-12)


def test_one_sample_vectorised_and_newcombe_kept():
    xs = [c["x"] for c in REF["one_sample"]]
    ns = [c["n"] for c in REF["one_sample"]]
    r = proportion_ci(xs, ns, method="prop.test")
    np.testing.assert_allclose(r.ci_low, [c["ci_low"] for c in REF["one_sample"]], atol=1e-12)
    # Newcombe's method 4 still corrects at x = n/2 (the 0.201 to 0.799)
    cc = proportion_ci(5, 10, method="wilson-cc")
    assert round(cc.ci_low, 3) == 0.201 and round(cc.ci_high, 3) == 0.799


@pytest.mark.parametrize(
    "case", REF["two_sample"], ids=lambda c: f"{c['x1']}_{c['n1']}_{c['x2']}_{c['n2']}"
)
def test_two_sample_equals_r(case):
    r = compare_proportions(case["x1"], case["n1"], case["x2"], case["n2"], method="prop.test")
    assert r.ci_low == pytest.approx(case["ci_low"], abs=1e-12)
    assert r.ci_high == pytest.approx(case["ci_high"], abs=1e-12)
    if np.isnan(case["pvalue"]):  # no successes at all: R gives NaN, we give 1
        assert r.pvalue == 1.0
    else:
        assert r.pvalue == pytest.approx(case["pvalue"], rel=1e-10)


def test_two_sample_newcombe_kept_and_null_refused():
    wcc = compare_proportions(0, 10, 0, 20, method="wald-cc")
    assert wcc.ci_low == pytest.approx(-0.075) and wcc.ci_high == pytest.approx(0.075)
    with pytest.raises(InputError, match="difference of 0"):
        compare_proportions(3, 10, 1, 10, method="prop.test", null=0.1)
