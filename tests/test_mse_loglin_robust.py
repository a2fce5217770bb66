"""mse.loglinear robustness (issue 14): boundary fits flagged and the average goes on, lists
that record nobody or overlap nothing refused, graphical/decomposable model spaces and a
stepwise search, and the cost of the profile-likelihood intervals."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
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


KOSOVO = {
    "1111": 27, "1110": 181, "1101": 18, "1100": 177, "1011": 42, "1010": 228, "1001": 106,
    "1000": 1131, "0111": 32, "0110": 217, "0101": 31, "0100": 845, "0011": 123, "0010": 936,
    "0001": 306,
}  # fmt: skip


@pytest.fixture(scope="module")
def kosovo_spaces():
    return {m: mse.loglinear(KOSOVO, models=m) for m in ("graphical", "decomposable", "stepwise")}


def test_graph_model_spaces_have_the_known_sizes(kosovo_spaces):
    # 2^6 graphs on 4 lists and 61 chordal ones (OEIS A058862), less the saturated model
    assert len(kosovo_spaces["graphical"].models) == 63
    assert len(kosovo_spaces["decomposable"].models) == 60
    graphical = set(kosovo_spaces["graphical"].models["model"])
    assert set(kosovo_spaces["decomposable"].models["model"]) < graphical
    assert "[AB][AD][BC][CD]" in graphical - set(kosovo_spaces["decomposable"].models["model"])


def test_graphical_models_match_the_same_models_fitted_by_name(kosovo_spaces):
    names = list(kosovo_spaces["graphical"].models["model"].head(5))
    by_name = mse.loglinear(KOSOVO, models=names, max_order=3).models.set_index("model")
    space = kosovo_spaces["graphical"].models.set_index("model")
    for name in names:
        assert space.loc[name, "estimate"] == pytest.approx(by_name.loc[name, "estimate"])
        assert space.loc[name, "bic"] == pytest.approx(by_name.loc[name, "bic"])


def test_stepwise_finds_the_best_graphical_model_here(kosovo_spaces):
    step = kosovo_spaces["stepwise"]
    assert step.best_model == kosovo_spaces["graphical"].best_model
    assert len(step.models) < 63
    assert step.models["note"].str.contains("stepwise").all()


def test_six_lists_stepwise_instead_of_a_refusal():
    rng = np.random.default_rng(7)
    caught = rng.random((2000, 6)) < np.array([0.3, 0.25, 0.2, 0.35, 0.3, 0.25])
    seen = caught[caught.any(axis=1)].astype(int)
    frame = pd.DataFrame(seen, columns=list("UVWXYZ"))
    with pytest.raises(InputError, match="models='stepwise'"):
        mse.loglinear(frame, max_order=2)
    with pytest.raises(InputError, match="32,767 models.*stepwise"):
        mse.loglinear(frame, models="graphical")
    with pytest.raises(InputError, match="18,153 models"):
        mse.loglinear(frame, models="decomposable")
    r = mse.loglinear(frame, models="stepwise")
    assert abs(r.estimate - 2000) < 0.1 * 2000


def test_graph_spaces_take_no_max_order():
    with pytest.raises(InputError, match="leave max_order out"):
        mse.loglinear(KOSOVO, models="graphical", max_order=2)
    with pytest.raises(InputError, match="models must be one of 'all', 'graphical'"):
        mse.loglinear(KOSOVO, models="chordal")
