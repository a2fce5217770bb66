"""mse.loglinear robustness (issue 14): boundary fits flagged and the average goes on, lists
that record nobody or overlap nothing refused, graphical/decomposable model spaces and a
stepwise search, and the cost of the profile-likelihood intervals."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from conflictstats import mse
from conflictstats._validation import InputError

SPINA_AFRO = {"010": 3, "100": 13, "110": 8, "001": 8, "011": 1, "101": 3, "111": 0}


def test_zero_three_way_cell_flags_the_boundary_model_and_averages_the_rest():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning, no LinAlgError
        r = mse.loglinear(SPINA_AFRO)
    row = r.model("[AB][AC][BC]")
    assert row["status"] == "no estimate"
    assert "unobserved cell estimated at 0" in row["note"]
    assert row["weight"] == 0
    assert np.isfinite(r.estimate) and r.observed == 36
    assert (r.models["status"] == "ok").sum() == 7
    assert r.models["weight"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("histories", "match"),
    [
        ({"100": 1, "101": 1}, "list\\(s\\) 'B' record nobody"),
        ({"100": 5, "010": 4, "001": 3}, "no record is on two lists or more"),
        ({"100": 5, "010": 4, "110": 3, "001": 2}, "'C' share no record with any other list"),
    ],
)
def test_lists_without_records_or_overlap_are_refused(histories, match):
    with pytest.raises(InputError, match=match):
        mse.loglinear(histories)
