"""conflictstats.proportions against R and published tables (tests/reference/proportions.json).

Each case names the function, its arguments, the expected numbers and their source (an R
call, run by tests/reference/proportions.R, or a paper with table and row)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_reference

from conflictstats import proportions as pr

REFERENCE = load_reference("proportions")
CASES = REFERENCE["cases"]


def _value(v):
    if isinstance(v, str):
        return {"inf": np.inf, "-inf": -np.inf}[v]
    return v


def _run(case):
    args = dict(case["args"])
    func = case["function"]
    if func == "homogeneity":
        rows = args.pop("rows")
        table = np.asarray(args.pop("counts_table")).reshape(rows, -1)
        return pr.homogeneity(table, **args)
    if func == "multinomial_ci":
        return pr.multinomial_ci(args.pop("counts"), **args)
    if func == "proportion_ci":
        return pr.proportion_ci(args.pop("successes"), args.pop("trials"), **args)
    if func == "count_ratio":
        return pr.count_ratio(args.pop("count1"), args.pop("count2"), **args)
    if func == "compare_proportions":
        return pr.compare_proportions(
            args.pop("x1"), args.pop("n1"), args.pop("x2"), args.pop("n2"), **args
        )
    raise AssertionError(f"unknown function {func}")


def _actual(result, key):
    if "_" in key and key.rsplit("_", 1)[1].isdigit():
        name, i = key.rsplit("_", 1)
        return np.asarray(getattr(result, name))[int(i)]
    return getattr(result, key)


def test_enough_cases_with_sources():
    assert len(CASES) >= 80
    for case in CASES:
        assert case["source"].strip(), case["id"]
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))


# the Monte Carlo cases simulate 10,000 tables or more: slow-marked (`make test-slow`, in CI)
@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c["id"],
            marks=[pytest.mark.slow] if c["args"].get("n_sim", 0) >= 10_000 else [],
        )
        for c in CASES
    ],
)
def test_reference_case(case):
    result = _run(case)
    for key, expected in case["expected"].items():
        expected = _value(expected)
        actual = float(_actual(result, key))
        if np.isinf(expected):
            assert actual == expected, (key, actual, expected)
        else:
            assert actual == pytest.approx(expected, abs=case["tol"], rel=case["tol"]), (
                key,
                actual,
                expected,
                case["source"],
            )
