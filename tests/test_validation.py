"""Validation helpers: every error names the argument and the value."""

import numpy as np
import pytest

from conflictstats._validation import (
    InputError,
    as_confidence,
    as_counts,
    as_exposure,
    as_probability,
    as_rng,
    check_method,
)


def test_counts_accept_whole_numbers_and_arrays():
    np.testing.assert_array_equal(as_counts([0, 3, 5.0], "count"), [0.0, 3.0, 5.0])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, r"count must be non-negative counts, got -1\.0"),
        (2.5, r"count must be whole-number counts, got 2\.5"),
        ([1, np.nan], r"count must be finite, got nan at index \(1,\)"),
        ("abc", r"count must be numeric, got 'abc'"),
    ],
)
def test_counts_reject_bad_values(value, message):
    with pytest.raises(InputError, match=message):
        as_counts(value, "count")


def test_input_error_is_value_error():
    assert issubclass(InputError, ValueError)


def test_exposure_must_be_positive():
    with pytest.raises(InputError, match="exposure1 must be positive, got 0.0"):
        as_exposure([1.0, 0.0], "exposure1")


def test_probability_and_confidence():
    assert as_confidence(0.9) == 0.9
    with pytest.raises(InputError, match=r"confidence must lie in \(0, 1\), got 1.0"):
        as_confidence(1.0)
    with pytest.raises(InputError, match="single number"):
        as_confidence([0.9, 0.95])
    with pytest.raises(InputError, match=r"share must lie in \[0, 1\]"):
        as_probability(1.5, "share")


def test_check_method_lists_choices():
    with pytest.raises(InputError, match="unknown method 'exakt'; choose one of: 'exact', 'wald'"):
        check_method("exakt", ("exact", "wald"))


def test_rng_requires_seed_or_generator():
    g = np.random.default_rng(1)
    assert as_rng(g) is g
    assert as_rng(5).integers(100) == np.random.default_rng(5).integers(100)
    with pytest.raises(InputError, match="rng must be"):
        as_rng(None)
    with pytest.raises(InputError, match="rng must be"):
        as_rng(-3)
