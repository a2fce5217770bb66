"""conflictstats.rates against R (tests/reference/rates.R -> rates.json) and published tables."""

import math

import numpy as np
import pytest
from conftest import load_reference

from conflictstats.rates import compare_rates, compare_series, rate_ci

CASES = load_reference("rates")["cases"]


def _value(v):
    return {"inf": math.inf, "-inf": -math.inf}.get(v, v) if isinstance(v, str) else v


def _check(result, case):
    for field, expected in case["expected"].items():
        if expected is None:
            assert getattr(result, field) is None, field
            continue
        got = getattr(result, field)
        expected = _value(expected)
        if "atol" in case:
            assert got == pytest.approx(expected, abs=case["atol"]), (field, case["source"])
        else:
            assert got == pytest.approx(expected, rel=case["rtol"], abs=1e-14), (
                field,
                case["source"],
            )


def _run(case):
    a = dict(case["args"])
    if case["kind"] == "rate_ci":
        return rate_ci(a.pop("count"), a.pop("exposure"), **a)
    if case["kind"] == "compare_rates":
        return compare_rates(
            a.pop("count1"), a.pop("exposure1"), a.pop("count2"), a.pop("exposure2"), **a
        )
    return compare_series(a.pop("counts1"), a.pop("counts2"), family=a.pop("model"))


def test_reference_file_is_large_enough():
    assert len(CASES) >= 80
    assert all(c.get("source") for c in CASES)
    r_cases = [c for c in CASES if c["source"].startswith("R")]
    assert len(r_cases) >= 80


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['kind']}" for i, c in enumerate(CASES)])
def test_reference_case(case):
    _check(_run(case), case)


def test_reference_vectorised_in_one_call():
    """All exact-conditional reference cases with the same alternative in one vectorised call."""
    for alt in ("two-sided", "larger", "smaller"):
        sel = [
            c
            for c in CASES
            if c["args"].get("method") == "exact-cond"
            and c["source"].startswith("R")
            and c["args"]["alternative"] == alt
            and c["args"]["confidence"] == 0.95
        ]
        cols = {
            k: np.array([c["args"][k] for c in sel])
            for k in ("count1", "exposure1", "count2", "exposure2", "null")
        }
        r = compare_rates(
            cols["count1"],
            cols["exposure1"],
            cols["count2"],
            cols["exposure2"],
            null=cols["null"],
            alternative=alt,
        )
        exp_p = np.array([c["expected"]["pvalue"] for c in sel])
        np.testing.assert_allclose(r.pvalue, exp_p, rtol=1e-9)
        exp_hi = np.array([_value(c["expected"]["ci_high"]) for c in sel], dtype=float)
        np.testing.assert_allclose(r.ci_high, exp_hi, rtol=1e-9)
