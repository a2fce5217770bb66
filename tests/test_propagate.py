"""Tests for conflictstats.propagate.monte_carlo.

Percentile intervals are checked against R's quantile(type = 7) on a fixed vector, and a
propagated ratio against a 10-million-draw Monte Carlo run in R (tests/reference/reported.json).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_reference

from conflictstats._validation import InputError
from conflictstats.propagate import PropagatedEstimate, monte_carlo
from conflictstats.reported import ReportedFigureError, parse_figure
from conflictstats.results import Estimate

REF = load_reference("reported")


@pytest.mark.parametrize("case", REF["percentile_interval"])
def test_percentile_interval_matches_r_quantile_type7(case):
    x = np.arange(1, 1002) ** 1.5 / 7
    r = monte_carlo(lambda x: x, n=x.size, rng=0, confidence=case["confidence"], x=x)
    assert r.estimate == pytest.approx(case["median"], rel=1e-10)
    assert r.ci_low == pytest.approx(case["ci_low"], rel=1e-10)
    assert r.ci_high == pytest.approx(case["ci_high"], rel=1e-10)
    assert r.inputs == {"x": "1001 draws as given"}


def test_ratio_matches_an_independent_r_monte_carlo():
    case = REF["ratio_of_uniforms"]
    area = parse_figure("45 to 55")
    r = monte_carlo(lambda f, a: f / a, n=400_000, rng=11, f=parse_figure(case["fighters"]), a=area)
    # 400,000 draws: quantile standard errors are about 0.02 here
    assert r.estimate == pytest.approx(case["median"], abs=0.1)
    assert r.ci_low == pytest.approx(case["ci_low"], abs=0.15)
    assert r.ci_high == pytest.approx(case["ci_high"], abs=0.15)


def test_result_is_an_estimate_with_draws_and_models():
    r = monte_carlo(
        lambda fighters, area: fighters / area,
        n=10_000,
        rng=5,
        fighters=parse_figure("about 2,000 to 2,500"),
        area=parse_figure("about 50 sq km"),
        quantity="fighters per km2",
    )
    assert isinstance(r, PropagatedEstimate) and isinstance(r, Estimate)
    assert r.draws.shape == (10_000,) and r.n_draws == 10_000
    assert r.ci_low < r.estimate < r.ci_high
    assert r.inputs["fighters"] == "about 2,000 to 2,500: uniform on [1950, 2550]"
    assert r.inputs["area"] == "about 50 sq km: triangular on [45, 55]"
    frame = r.to_frame()
    assert list(frame.columns[:6]) == [
        "quantity",
        "estimate",
        "ci_low",
        "ci_high",
        "confidence",
        "method",
    ]
    assert "draws" not in frame.columns
    assert repr(r).startswith("fighters per km2 45")
    assert "percentile interval" in repr(r)


def test_reproducible_with_seed():
    f = parse_figure("20,000 to 30,000")
    a = monte_carlo(lambda x: x * 2, n=1000, rng=9, x=f)
    b = monte_carlo(lambda x: x * 2, n=1000, rng=np.random.default_rng(9), x=f)
    np.testing.assert_array_equal(a.draws, b.draws)


def test_models_caps_numbers_and_resampling():
    r = monte_carlo(
        lambda c, k, d: c + k + d,
        n=5000,
        rng=1,
        models={"c": "pert"},
        caps={"c": 100},
        c=parse_figure("at least 30"),
        k=7,
        d=np.array([0.0, 1.0]),
        keep_draws=False,
    )
    assert r.draws is None
    assert r.inputs["c"] == "at least 30: pert on [30, 100], cap 100 (given)"
    assert r.inputs["k"] == "constant 7"
    assert r.inputs["d"] == "resampled from 2 given draws"
    assert 37 <= r.ci_low < r.ci_high <= 108


def test_exact_figure_is_fixed():
    r = monte_carlo(lambda x: x, n=100, rng=1, x=parse_figure("827"))
    assert (r.estimate, r.ci_low, r.ci_high) == (827, 827, 827)
    assert r.inputs["x"] == "827: fixed at 827"


def test_confidence_changes_width():
    f = parse_figure("20,000 to 30,000")
    wide = monte_carlo(lambda x: x, n=20_000, rng=2, x=f, confidence=0.95)
    narrow = monte_carlo(lambda x: x, n=20_000, rng=2, x=f, confidence=0.5)
    assert narrow.ci_high - narrow.ci_low < wide.ci_high - wide.ci_low
    # uniform on [20,000, 30,000]: the 50% interval is close to [22,500, 27,500]
    assert narrow.ci_low == pytest.approx(22_500, abs=150)
    assert narrow.ci_high == pytest.approx(27_500, abs=150)


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({}, InputError, "needs at least one input"),
        ({"x": np.nan}, InputError, "x must be finite"),
        ({"x": np.ones((2, 2))}, InputError, "1-d array of draws"),
        ({"x": 3, "models": {"x": "pert"}}, InputError, "not a reported figure"),
        ({"x": parse_figure("dozens"), "models": "normal"}, InputError, "unknown model"),
        ({"x": parse_figure("dozens"), "models": {"y": "pert"}}, InputError, "unknown input"),
        ({"x": parse_figure("dozens"), "caps": {"y": 3}}, InputError, "unknown input"),
        ({"x": 1, "n": 1}, InputError, "n must be an integer"),
        ({"x": 1, "confidence": 95}, InputError, "confidence must lie in"),
        ({"x": 1, "rng": None}, InputError, "rng must be"),
        (
            {"x": parse_figure("more than 5", rules={"more than": {"high": "inf"}})},
            ReportedFigureError,
            "pass cap=",
        ),
    ],
)
def test_bad_input(kwargs, error, match):
    kwargs = {"rng": 0, **kwargs}
    with pytest.raises(error, match=match):
        monte_carlo(lambda **kw: sum(kw.values()), **kwargs)


def test_non_finite_output_is_an_error():
    with pytest.raises(InputError, match="non-finite"):
        monte_carlo(lambda x: np.log(x - 5), n=100, rng=0, x=parse_figure("up to 10"))


def test_func_must_be_callable():
    with pytest.raises(InputError, match="func must be callable"):
        monte_carlo(3, rng=0, x=1)


def test_func_must_return_one_value_per_draw():
    with pytest.raises(InputError, match="func must return 10 values"):
        monte_carlo(lambda x: np.ones(3), n=10, rng=0, x=1)


def test_interval_matches_closed_form_quantiles():
    # "about 50" is triangular on [45, 55] with mode 50: its p-quantile below the mode is
    # 45 + sqrt(p * 10 * 5) (closed form of the triangular distribution's inverse CDF).
    r = monte_carlo(lambda x: x, n=400_000, rng=4, x=parse_figure("about 50"))
    assert r.estimate == pytest.approx(50, abs=0.03)
    assert r.ci_low == pytest.approx(45 + np.sqrt(0.025 * 50), abs=0.03)
    assert r.ci_high == pytest.approx(55 - np.sqrt(0.025 * 50), abs=0.03)


# -- sensitivity to the rule set ------------------------------------------------------------------
def test_sensitivity_rows_follow_the_rule_sets():
    from conflictstats.propagate import sensitivity

    s = sensitivity(
        lambda area: area,
        n=200_000,
        rng=5,
        area=parse_figure("about 50 sq km"),
        quantity="km2",
    )
    assert list(s.rule_set) == ["default", "narrow", "wide"]
    # triangular(a, c, b) symmetric: F^-1(p) = a + sqrt(p (b - a)(c - a)) for p <= 1/2
    # (Johnson, Kotz & Balakrishnan 1995, ch. 26); default [45, 55], narrow [47.5, 52.5],
    # wide [40, 60] (u = 10)
    for (a, b), lo, hi in zip([(45, 55), (47.5, 52.5), (40, 60)], s.ci_low, s.ci_high):
        c = (a + b) / 2
        q = a + np.sqrt(0.025 * (b - a) * (c - a))
        assert lo == pytest.approx(q, abs=0.01 * (b - a))
        assert hi == pytest.approx(a + b - q, abs=0.01 * (b - a))
    frame = s.to_frame()
    assert list(frame["rule_set"]) == ["default", "narrow", "wide"]
    assert "triangular on [40, 60]" in s.inputs["wide"]["area"]


def test_sensitivity_widths_are_ordered_and_reproducible():
    from conflictstats.propagate import sensitivity

    kw = dict(
        n=50_000,
        fighters=parse_figure("about 2,000 to 2,500"),
        area=parse_figure("about 50 sq km"),
        weeks=223.0,
    )
    s = sensitivity(lambda fighters, area, weeks: fighters / area + 0 * weeks, rng=3, **kw)
    width = s.ci_high - s.ci_low
    assert width[1] < width[0] < width[2]
    again = sensitivity(lambda fighters, area, weeks: fighters / area + 0 * weeks, rng=3, **kw)
    np.testing.assert_array_equal(s.ci_low, again.ci_low)
    labelled = sensitivity(
        lambda x: x,
        rules={
            "as written": "default",
            "about = x +- u": {"about": {"low": "x - u", "high": "x + u"}},
        },
        n=20_000,
        rng=1,
        x=parse_figure("about 7,000"),
    )
    assert list(labelled.rule_set) == ["as written", "about = x +- u"]
    assert labelled.ci_high[1] > 7500 > labelled.ci_high[0]


@pytest.mark.parametrize(
    "rules,match", [("default", "sequence of rule sets"), ((), "at least one")]
)
def test_sensitivity_bad_rules(rules, match):
    from conflictstats.propagate import sensitivity

    with pytest.raises(InputError, match=match):
        sensitivity(lambda x: x, rules=rules, rng=1, x=parse_figure("about 7,000"))
