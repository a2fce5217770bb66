"""conflictstats.heaping: reference values (binom.test and chisq.test in R,
tests/reference/heaping.json), power and size by simulation, properties and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_reference
from scipy import stats

from conflictstats import heaping
from conflictstats._validation import InputError

REFERENCE = load_reference("heaping")
CASES = REFERENCE["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_reference(case):
    args = dict(case["args"])
    func = getattr(heaping, case["function"])
    r = func(args.pop("values"), **args)
    for key, expected in case["expected"].items():
        assert getattr(r, key) == pytest.approx(expected, rel=case["tol"], abs=1e-12), (
            key,
            case["source"],
        )


# -- simulations: size and power -----------------------------------------------------------------
REPS, N_VALUES, ROUNDED_SHARE = 500, 50, 0.2


def _smooth_counts(rng, shape):
    # negative binomial, mean 300, sd about 140: smooth on the scale of 10
    return rng.negative_binomial(5, 5 / 305, size=shape)


def _critical(n, p0, alpha=0.05):
    k = np.arange(n + 1)
    return int(k[stats.binom.sf(k - 1, n, p0) <= alpha][0])


def test_round_number_size():
    rng = np.random.default_rng(101)
    values = _smooth_counts(rng, (REPS, N_VALUES))
    r = heaping.round_number_test(values, base=10)
    rate = np.mean(r.pvalue <= 0.05)
    # the exact test's attained size at n = 50, p0 = 0.1 (below 0.05: the test is discrete)
    attained = stats.binom.sf(_critical(N_VALUES, 0.1) - 1, N_VALUES, 0.1)
    se = np.sqrt(0.05 * 0.95 / REPS)
    assert rate <= 0.05 + 2 * se, rate
    assert abs(rate - attained) <= 3 * np.sqrt(attained * (1 - attained) / REPS), (rate, attained)


def test_round_number_power():
    # 20% of 50 values rounded to the nearest 10: the share of multiples of 10 becomes
    # 0.2 + 0.8 / 10 = 0.28, and the exact test's power is P(X >= c | 0.28)
    rng = np.random.default_rng(102)
    values = _smooth_counts(rng, (REPS, N_VALUES))
    rounded = rng.random((REPS, N_VALUES)) < ROUNDED_SHARE
    values = np.where(rounded, np.round(values / 10) * 10, values)
    r = heaping.round_number_test(values, base=10)
    power = np.mean(r.pvalue <= 0.05)
    expected = stats.binom.sf(_critical(N_VALUES, 0.1) - 1, N_VALUES, 0.28)
    assert expected > 0.8  # the design detects this much rounding most of the time
    assert abs(power - expected) <= 3 * np.sqrt(expected * (1 - expected) / REPS), (
        power,
        expected,
    )


def test_digit_preference_size_and_power():
    rng = np.random.default_rng(103)
    values = _smooth_counts(rng, (REPS, 100))
    size = np.mean(heaping.digit_preference(values).pvalue <= 0.05)
    assert abs(size - 0.05) <= 3 * np.sqrt(0.05 * 0.95 / REPS), size
    rounded = rng.random((REPS, 100)) < ROUNDED_SHARE
    heaped = np.where(rounded, np.round(values / 10) * 10, values)
    r = heaping.digit_preference(heaped)
    assert np.mean(r.pvalue <= 0.05) > 0.9
    assert np.median(r.whipple) > 150  # 0.2 + 0.8 * 0.2 = 0.36 end in 0 or 5 -> about 180


# -- properties ------------------------------------------------------------------------------------
def test_vectorised_equals_row_by_row():
    rng = np.random.default_rng(7)
    values = _smooth_counts(rng, (4, 30))
    r = heaping.round_number_test(values, base=[5, 10, 50])
    assert r.shape == (4, 3)
    d = heaping.digit_preference(values)
    for i in range(4):
        s = heaping.round_number_test(values[i], base=[5, 10, 50])
        np.testing.assert_array_equal(r.pvalue[i], s.pvalue)
        np.testing.assert_array_equal(r.estimate[i], s.estimate)
        assert d.statistic[i] == heaping.digit_preference(values[i]).statistic


def test_ladder_and_fields():
    values = [827, 481, 308, 50, 79, 30, 7000, 2000, 30000, 75, 60]
    r = heaping.round_number_test(values, base="ladder")
    np.testing.assert_array_equal(r.base, [5, 10, 50, 100, 500, 1000, 5000, 10000])
    np.testing.assert_allclose(r.expected, 1 / r.base)
    np.testing.assert_allclose(r.ratio, r.estimate * r.base)
    assert (r.ci_low <= r.estimate).all() and (r.estimate <= r.ci_high).all()
    frame = r.to_frame()
    assert {"base", "n_eligible", "n_round", "expected", "ratio", "pvalue"} <= set(frame.columns)
    assert "share of multiples" in repr(heaping.round_number_test(values))


def test_zero_and_small_values_are_not_eligible():
    r = heaping.round_number_test([0, 0, 0, 4, 5, 10, 20, 13], base=10)
    assert r.n_eligible == 4 and r.n_round == 2


def test_whipple_bands():
    all_round = heaping.digit_preference([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
    assert all_round.whipple == 500 and all_round.level == "very rough"
    uniform = heaping.digit_preference(np.arange(10, 110))
    assert uniform.whipple == 100 and uniform.level == "highly accurate"
    assert uniform.statistic == 0 and uniform.pvalue == 1
    np.testing.assert_array_equal(uniform.digit_counts, np.full(10, 10))


# -- bad input -------------------------------------------------------------------------------------
def test_bad_input():
    with pytest.raises(InputError, match="non-negative"):
        heaping.round_number_test([10, -5, 20])
    with pytest.raises(InputError, match="whole-number"):
        heaping.round_number_test([10.5, 20])
    with pytest.raises(InputError, match="finite"):
        heaping.digit_preference([10, np.nan] + [20] * 10)
    with pytest.raises(InputError, match="base"):
        heaping.round_number_test([10, 20], base=1)
    with pytest.raises(InputError, match="base"):
        heaping.round_number_test([10, 20], base="decimal")
    with pytest.raises(InputError, match="no value is at least"):
        heaping.round_number_test([1, 2, 3], base=100)
    with pytest.raises(InputError, match="at least 10 values"):
        heaping.digit_preference([10, 20, 35])
    with pytest.raises(InputError, match="1-D or 2-D"):
        heaping.round_number_test(5)
    with pytest.raises(InputError, match="confidence"):
        heaping.round_number_test([10, 20], confidence=1.5)


def test_plots():
    from conflictstats import plots

    values = [827, 481, 308, 50, 79, 30, 7000, 2000, 30000, 75, 60, 120]
    ax = plots.heaping(heaping.round_number_test(values, base="ladder"))
    assert "95% CI" in ax.get_ylabel()
    assert len(ax.get_xticklabels()) == 8
    ax = plots.heaping(heaping.digit_preference(values))
    assert len(ax.patches) == 10
    assert "Whipple" in ax.get_title(loc="left")
    with pytest.raises(ValueError, match="round_number_test"):
        plots.heaping(object())
    with pytest.raises(ValueError, match="one data set"):
        plots.heaping(heaping.digit_preference(np.tile(np.arange(10, 30), (2, 1))))
