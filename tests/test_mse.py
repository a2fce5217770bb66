"""conflictstats.mse: reference values (R glm and closed forms written out in R, in
tests/reference/mse.json), coverage simulations, properties and bad input."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictstats import mse
from conflictstats._validation import InputError
from conflictstats.mse.loglin import _all_models

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "capture_recapture"
FILES = {
    "hav": DATA / "hav_taiwan_1995_3lists.csv",
    "kosovo": DATA / "kosovo_1999_capture_patterns.csv",
    "congenital": DATA / "congenital_anomaly_massachusetts_5lists.csv",
}
REFERENCE = load_reference("mse")
TWO_LIST = [c for c in REFERENCE["cases"] if c["function"] == "two_list"]
LOGLINEAR = [c for c in REFERENCE["cases"] if c["function"] == "loglinear"]
HAV = {"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28}


# -- reference values ----------------------------------------------------------------------------
@pytest.mark.parametrize("case", TWO_LIST, ids=[c["id"] for c in TWO_LIST])
def test_two_list_reference(case):
    args = dict(case["args"])
    r = mse.two_list(args.pop("n1"), args.pop("n2"), args.pop("m"), **args)
    for key, expected in case["expected"].items():
        assert getattr(r, key) == pytest.approx(expected, rel=case["tol"]), (key, case["source"])


@pytest.fixture(scope="module")
def fitted_reference():
    """One loglinear call per (data set, profile or not) with every model the R script fitted."""
    fits = {}
    groups: dict[tuple[str, bool], list[str]] = {}
    for case in LOGLINEAR:
        key = (case["args"]["dataset"], "ci_low" in case["expected"])
        groups.setdefault(key, []).append(case["args"]["model"])
    for (dataset, _), names in groups.items():
        data = pd.read_csv(FILES[dataset])
        k = data.shape[1] - 1
        r = mse.loglinear(data, models=names, max_order=k - 1)
        fits.setdefault(dataset, {}).update(r.models.set_index("model").to_dict("index"))
    return fits


@pytest.mark.parametrize("case", LOGLINEAR, ids=[c["id"] for c in LOGLINEAR])
def test_loglinear_reference(case, fitted_reference):
    row = fitted_reference[case["args"]["dataset"]][case["args"]["model"]]
    assert row["status"] == "ok"
    for key, expected in case["expected"].items():
        # deviances of saturated models are ~1e-15: compare those absolutely
        assert row[key] == pytest.approx(expected, rel=case["tol"], abs=1e-8), (
            key,
            case["source"],
        )


def test_hav_saturated_closed_form():
    # with three lists and all pairwise interactions the unobserved cell is
    # n100 n010 n001 n111 / (n110 n101 n011) (Bishop, Fienberg & Holland 1975, sec. 6.5)
    r = mse.loglinear(HAV, models=["[AB][AC][BC]"])
    expected = 69 * 55 * 63 * 28 / (21 * 17 * 18)
    assert r.models["missing"].iloc[0] == pytest.approx(expected, rel=1e-9)


# -- model table, averaging and statuses ----------------------------------------------------------
def test_model_table_and_average():
    r = mse.loglinear(HAV)
    table = r.models
    assert len(table) == 8
    assert table["weight"].sum() == pytest.approx(1.0)
    assert (np.diff(table["bic"].to_numpy()) >= 0).all()
    assert r.best_model == table["model"].iloc[0]
    w = table["weight"].to_numpy()
    assert r.estimate == pytest.approx(np.sum(w * table["estimate"].to_numpy()))
    assert r.ci_low < r.estimate < r.ci_high
    assert (table["ci_low"] < table["estimate"]).all() and (
        table["estimate"] < table["ci_high"]
    ).all()
    assert r.observed == 271
    assert r.lists == {"A": "A", "B": "B", "C": "C"}
    assert "BIC" in r.method
    aic = mse.loglinear(HAV, criterion="aic")
    assert aic.models["aic"].is_monotonic_increasing
    assert r.model("[A][B][C]")["interactions"] == 0


def test_dataframe_inputs_agree():
    patterns = pd.read_csv(FILES["hav"])
    records = patterns.loc[patterns.index.repeat(patterns["count"])].drop(columns="count")
    records = records.astype(bool).reset_index(drop=True)
    a = mse.loglinear(patterns)
    b = mse.loglinear(records)
    c = mse.loglinear(HAV)
    assert a.estimate == pytest.approx(b.estimate, rel=1e-12)
    assert a.estimate == pytest.approx(c.estimate, rel=1e-12)
    assert a.lists == {"A": "P", "B": "Q", "C": "E"}


def test_list_order_does_not_matter():
    data = pd.read_csv(FILES["kosovo"])
    r1 = mse.loglinear(data)
    r2 = mse.loglinear(data[["OSCE", "HRW", "EXH", "ABA", "count"]])
    assert r1.estimate == pytest.approx(r2.estimate, rel=1e-8)
    assert sorted(r1.models["estimate"]) == pytest.approx(sorted(r2.models["estimate"]), rel=1e-8)


def test_all_models_counts():
    # hierarchical models with all main effects: 2^3 (3 lists, pairs), 2^6 (4 lists, pairs);
    # up to three-way on 4 lists: 64 pairwise models plus those with three-way terms
    assert len(mse.loglinear(HAV).models) == 8
    data = pd.read_csv(FILES["kosovo"])
    assert len(mse.loglinear(data, max_order=2, models="all").models) == 64
    # brute force: subsets of the 10 two- and three-way terms that contain every face of
    # each three-way term they include
    terms = list(itertools.combinations(range(4), 2)) + list(itertools.combinations(range(4), 3))
    closed = 0
    for mask in range(1 << len(terms)):
        chosen = {t for i, t in enumerate(terms) if mask >> i & 1}
        if all(set(itertools.combinations(t, 2)) <= chosen for t in chosen if len(t) == 3):
            closed += 1
    assert len(_all_models(4, 3)) == closed == len(mse.loglinear(data, max_order=3).models)


def test_unbounded_model_is_reported_not_averaged():
    # n110 = 0 with n111 > 0: the saturated-minus-three-way estimate has a zero divisor
    h = dict(HAV, **{"110": 0})
    r = mse.loglinear(h)
    row = r.model("[AB][AC][BC]")
    assert row["status"] == "no estimate"
    assert row["weight"] == 0
    assert np.isnan(row["estimate"])
    assert np.isfinite(r.estimate)


def test_zero_margin_is_boundary():
    h = dict(HAV, **{"110": 0, "111": 0})
    r = mse.loglinear(h)
    row = r.model("[AB][C]")
    assert row["status"] == "boundary"
    assert "AB" in row["note"]
    # the boundary fit equals the fit with the structurally zero cells left out: with AB
    # at -inf, [AB][C] is independence of C from (A, B) on the cells with not both A and B;
    # the unobserved cell then is n(A or B only, C=0) * n(not A, not B, C=1) / n(A or B, C=1)
    n_ab0 = h["100"] + h["010"]
    n_ab1 = h["101"] + h["011"]
    expected = n_ab0 * h["001"] / n_ab1
    assert row["missing"] == pytest.approx(expected, rel=1e-6)


def test_profile_interval_widens_with_confidence():
    r90 = mse.loglinear(HAV, models=["[A][B][C]"], confidence=0.90).models.iloc[0]
    r99 = mse.loglinear(HAV, models=["[A][B][C]"], confidence=0.99).models.iloc[0]
    assert r99["ci_low"] < r90["ci_low"] < r90["ci_high"] < r99["ci_high"]


def test_result_family():
    r = mse.loglinear(HAV)
    assert "population size" in repr(r)
    frame = r.to_frame()
    assert list(frame.columns[:4]) == ["quantity", "estimate", "ci_low", "ci_high"]
    assert "models" not in frame.columns
    t = mse.two_list([10, 20], [10, 20], [5, 5])
    assert t.to_frame().shape[0] == 2


# -- two lists: properties ---------------------------------------------------------------------
def test_two_list_vectorised_equals_scalar():
    n1 = np.array([135, 40, 1000, 12])
    n2 = np.array([122, 35, 800, 9])
    m = np.array([49, 0, 650, 3])
    r = mse.two_list(n1, n2, m)
    for i in range(4):
        s = mse.two_list(int(n1[i]), int(n2[i]), int(m[i]))
        assert r.estimate[i] == s.estimate and r.ci_high[i] == s.ci_high


def test_two_list_symmetric_and_contains_estimate():
    a = mse.two_list(135, 122, 49)
    b = mse.two_list(122, 135, 49)
    assert a.estimate == b.estimate and a.ci_low == b.ci_low
    assert a.observed <= a.ci_low < a.estimate < a.ci_high
    w = mse.two_list(135, 122, 49, interval="wald")
    assert w.ci_high - w.estimate == pytest.approx(w.estimate - w.ci_low)
    assert "chapman" in a.method and "log-normal" in a.method


def test_two_list_complete_overlap_is_a_point():
    r = mse.two_list(50, 80, 50)
    assert r.estimate == r.ci_low == r.ci_high == 80


# -- coverage simulations ------------------------------------------------------------------------
@pytest.mark.slow
def test_chapman_unbiased_and_covers():
    rng = np.random.default_rng(20261125)
    N, reps = 1000, 500
    on1 = rng.random((reps, N)) < 0.3
    on2 = rng.random((reps, N)) < 0.25
    r = mse.two_list(on1.sum(1), on2.sum(1), (on1 & on2).sum(1))
    assert abs(r.estimate.mean() / N - 1) < 0.01
    cover = np.mean((r.ci_low <= N) & (N <= r.ci_high))
    assert 0.92 <= cover <= 0.98, cover


@pytest.mark.slow
def test_independence_loglinear_unbiased_and_covers():
    rng = np.random.default_rng(8)
    N, reps = 600, 500
    p = np.array([0.3, 0.25, 0.2])
    caught = rng.random((reps, N, 3)) < p
    codes = caught @ np.array([4, 2, 1])
    counts = np.stack([(codes == c).sum(1) for c in range(1, 8)], axis=1)
    keys = [format(c, "03b") for c in range(1, 8)]
    est = np.empty(reps)
    covered = np.empty(reps, dtype=bool)
    covered_avg = np.empty(reps, dtype=bool)
    for i in range(reps):
        r = mse.loglinear(dict(zip(keys, counts[i], strict=True)), models=["[A][B][C]"])
        row = r.models.iloc[0]
        est[i] = row["estimate"]
        covered[i] = row["ci_low"] <= N <= row["ci_high"]
        covered_avg[i] = r.ci_low <= N <= r.ci_high
    assert abs(est.mean() / N - 1) < 0.01
    assert 0.92 <= covered.mean() <= 0.98, covered.mean()
    assert 0.92 <= covered_avg.mean() <= 0.98, covered_avg.mean()


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("histories", "match"),
    [
        ({"110": -1, "101": 7, "011": 3}, "non-negative"),
        ({"110": 2.5, "101": 7, "011": 3}, "whole-number"),
        ({"110": "many", "101": 7, "011": 3}, r"histories\['110'\] must be numeric"),
        ({"110": 12, "10": 7, "011": 3}, "unequal lengths"),
        ({"110": 12, "000": 7, "011": 3}, "all-zero"),
        ({"1": 12}, "at least two lists"),
        ({"1x0": 12}, "0/1"),
        ({}, "no capture histories"),
        ({"110": 0, "101": 0}, "every count is zero"),
        ([1, 2, 3], "mapping"),
    ],
)
def test_bad_histories(histories, match):
    with pytest.raises(InputError, match=match):
        mse.loglinear(histories)


def test_bad_dataframes():
    with pytest.raises(InputError, match="at least two lists"):
        mse.capture_histories(pd.DataFrame({"a": [1, 0, 1]}))
    with pytest.raises(InputError, match="column 'b'"):
        mse.capture_histories(pd.DataFrame({"a": [1, 0], "b": [1, 2]}))
    with pytest.raises(InputError, match="all-zero"):
        mse.capture_histories(pd.DataFrame({"a": [1, 0], "b": [1, 0]}))
    with pytest.raises(InputError, match="non-negative"):
        mse.capture_histories(pd.DataFrame({"a": [1, 0], "b": [1, 1], "count": [3, -1]}))


def test_bad_options():
    with pytest.raises(InputError, match="at least three lists"):
        mse.loglinear({"10": 5, "01": 4, "11": 3})
    with pytest.raises(InputError, match="criterion"):
        mse.loglinear(HAV, criterion="dic")
    with pytest.raises(InputError, match="max_order"):
        mse.loglinear(HAV, max_order=3)
    with pytest.raises(InputError, match="3-way"):
        mse.loglinear(HAV, models=["[ABC]"])
    with pytest.raises(InputError, match="lists are"):
        mse.loglinear(HAV, models=["[AD]"])
    with pytest.raises(InputError, match="models"):
        mse.loglinear(HAV, models="some")
    with pytest.raises(InputError, match="method"):
        mse.two_list(10, 10, 5, method="petersen")
    with pytest.raises(InputError, match="interval"):
        mse.two_list(10, 10, 5, interval="exact")
    with pytest.raises(InputError, match="m must not exceed n1"):
        mse.two_list(10, 20, 15)
    with pytest.raises(InputError, match="m must be positive"):
        mse.two_list(10, 20, 0, method="lincoln-petersen")
    with pytest.raises(InputError, match="non-negative"):
        mse.two_list(-1, 20, 0)
    with pytest.raises(InputError, match="confidence"):
        mse.two_list(10, 20, 5, confidence=95)


# -- plots ---------------------------------------------------------------------------------------
def test_plots():
    import matplotlib.pyplot as plt

    from conflictstats import plots

    r = mse.loglinear(HAV)
    ax = plots.mse_models(r, top=3)
    assert len(ax.get_yticklabels()) == 3
    assert "95% CI" in ax.get_xlabel()
    fig, given = plt.subplots()
    assert plots.mse_models(r, ax=given) is given
    ax = plots.list_overlaps(r)
    assert len(ax.patches) == 7  # one bar per observed history
    ax = plots.list_overlaps(pd.read_csv(FILES["kosovo"]))
    assert "4,400" in ax.get_title(loc="left")
    with pytest.raises(ValueError, match="loglinear"):
        plots.mse_models(mse.two_list(10, 10, 5))


@settings(max_examples=50, deadline=None)
@given(
    n1=st.integers(0, 5000),
    n2=st.integers(0, 5000),
    frac=st.floats(0, 1),
    confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_two_list_interval_properties(n1, n2, frac, confidence):
    m = int(round(frac * min(n1, n2)))
    r = mse.two_list(n1, n2, m, confidence=confidence)
    assert np.isfinite(r.estimate) and np.isfinite(r.ci_high)
    assert r.observed <= r.ci_low <= r.estimate <= r.ci_high
    assert r.observed == n1 + n2 - m
