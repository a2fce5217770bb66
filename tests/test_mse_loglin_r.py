"""loglinear's coefficients, BIC sample size and conditional multinomial N against R: glm on
the observed cells, R's BIC(), Rcapture's closedpCI.t and Cormack's profile multinomial
likelihood maximised in R (tests/reference/mse_loglin.json, made by mse_loglin.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference
from test_mse import FILES, HAV  # the capture-recapture tables and the HAV example

from conflictstats import mse
from conflictstats._validation import InputError
from conflictstats.mse.profile import _bracketed_intervals, profile_intervals

REFERENCE = load_reference("mse_loglin")
COEF = [c for c in REFERENCE["cases"] if c["function"] == "coefficients"]
RCAPTURE = [c for c in REFERENCE["cases"] if c["function"] == "rcapture"]
MULTINOMIAL = [c for c in REFERENCE["cases"] if c["function"] == "multinomial"]


def _data(dataset, lists=None):
    data = pd.read_csv(FILES[dataset])
    if lists is not None:
        data.columns = [*lists, "count"]
    return data


def _fit(dataset, model, lists=None, **kwargs):
    data = _data(dataset, lists)
    k = data.shape[1] - 1
    return mse.loglinear(data, models=[model], max_order=k - 1, **kwargs)


@pytest.mark.parametrize("case", COEF, ids=[c["id"] for c in COEF])
def test_coefficients_equal_r_glm(case):
    args, exp = case["args"], case["expected"]
    r = _fit(args["dataset"], args["model"], args["lists"])
    table = r.coefficients(args["model"])
    assert list(table.index) == exp["terms"], case["source"]
    for key in ("estimate", "se", "z"):
        assert table[key].to_numpy() == pytest.approx(exp[key], rel=case["tol"], abs=1e-9), (
            key,
            case["source"],
        )
    # p-values far in the tail carry |z| times the relative error of z
    assert table["pvalue"].to_numpy() == pytest.approx(exp["pvalue"], rel=1e-5, abs=1e-12)
    assert (table["note"] == "").all()
    assert r.model(args["model"])["bic"] == pytest.approx(exp["bic_observed"], rel=1e-9)
    cells = _fit(args["dataset"], args["model"], args["lists"], bic_n="cells")
    assert cells.model(args["model"])["bic"] == pytest.approx(exp["bic_cells"], rel=1e-9)
    assert cells.bic_n == "cells" and r.bic_n == "observed"
    assert len(r.histories) == exp["n_cells"]


@pytest.mark.parametrize("case", RCAPTURE, ids=[c["id"] for c in RCAPTURE])
def test_poisson_and_multinomial_equal_rcapture(case):
    args, exp, tol = case["args"], case["expected"], case["tol"]
    row = _fit(args["dataset"], args["model"]).model(args["model"])
    assert row["status"] == "ok"
    got = {
        "poisson": row["estimate"],
        "stderr": row["se"],
        "bic": row["bic"],
        "multinomial": row["estimate_multinomial"],
        "ci_low": row["ci_low"],
        "ci_high": row["ci_high"],
    }
    for key, value in exp.items():
        assert got[key] == pytest.approx(value, rel=tol[key]), (key, case["source"])


@pytest.mark.parametrize("case", MULTINOMIAL, ids=[c["id"] for c in MULTINOMIAL])
def test_multinomial_equals_exact_profile_maximum(case):
    args = case["args"]
    row = _fit(args["dataset"], args["model"]).model(args["model"])
    assert row["estimate_multinomial"] == pytest.approx(
        case["expected"]["multinomial"], rel=case["tol"]
    ), case["source"]


def test_multinomial_below_poisson_and_inside_interval():
    """Cormack's profile is the Poisson likelihood with lgamma terms that pull N down: the
    multinomial N-hat lies below the Poisson one (Rcapture's closedpCI.t notes the same)."""
    r = mse.loglinear(_data("kosovo"), max_order=2)
    ok = r.models[r.models["status"] == "ok"]
    assert (ok["estimate_multinomial"] < ok["estimate"]).all()
    assert (ok["ci_low"] < ok["estimate_multinomial"]).all()
    assert (ok["estimate_multinomial"] < ok["ci_high"]).all()


def test_joint_newton_equals_bracketed_search():
    """The fast joint-Newton path and the bracketed search it falls back to agree on every
    decomposable model of the five-list table (the maximum to 1e-9, the ends to 1e-8)."""
    data = _data("congenital")
    from conflictstats.mse.loglin import _design, _fit_models, _graph_models

    table = mse.capture_histories(data)
    patterns = np.array([[int(c) for c in key] for key in table.index])
    y = table.to_numpy()
    n = float(y.sum())
    full = np.vstack([np.zeros(5, dtype=int), patterns])
    terms = _graph_models(5, "decomposable")[::20]
    rows = _fit_models(terms, patterns, y, n, lambda t, full=full: _design(full, t), n)
    jobs = [r["_job"] for r in rows if "_job" in r]
    fast = np.array(profile_intervals(jobs, n, 0.95))
    with np.errstate(all="ignore"):
        slow = np.column_stack(_bracketed_intervals(jobs, n, 0.95))
    assert fast[:, 0] == pytest.approx(slow[:, 0], rel=1e-9)
    assert fast[:, 1:] == pytest.approx(slow[:, 1:], rel=1e-8)


def test_coefficients_api():
    r = mse.loglinear(HAV)
    best = r.coefficients()
    assert best.equals(r.coefficients(r.best_model))
    assert list(best.columns) == ["estimate", "se", "z", "pvalue", "note"]
    assert best.index.name == "term"
    stacked = r.coefficients("all")
    assert set(stacked["model"]) == set(r.models["model"])
    assert list(stacked.columns[:2]) == ["model", "term"]
    with pytest.raises(InputError, match="unknown model"):
        r.coefficients("[AD][B][C]")
    with pytest.raises(InputError, match="bic_n"):
        mse.loglinear(HAV, bic_n="people")


def test_coefficients_of_a_zero_margin_term():
    """A term whose cells are all zero has its MLE at -inf: flagged, never a silent NaN."""
    h = dict(HAV, **{"110": 0, "111": 0})
    r = mse.loglinear(h, models=["[AB][C]"])
    table = r.coefficients("[AB][C]")
    assert table.loc["A:B", "estimate"] == -np.inf
    assert "zero margin" in table.loc["A:B", "note"]
    assert np.isfinite(table.drop("A:B")[["estimate", "se"]].to_numpy()).all()


def test_r_term_names_of_unusual_list_names():
    data = mse.capture_histories(HAV).rename("count").rename_axis("pattern").reset_index()
    for i, name in enumerate(["list 1", "if", ".x"]):
        data[name] = data["pattern"].str[i].astype(int)
    data = data[["list 1", "if", ".x", "count"]]
    r = mse.loglinear(data, models=["[AB][C]"])
    assert list(r.coefficients("[AB][C]").index) == [
        "(Intercept)",
        "`list 1`",
        "`if`",
        ".x",
        "`list 1`:`if`",
    ]


def test_joint_newton_equals_bracketed_search_on_sparse_tables():
    """Small random tables: lower ends at n, tiny unobserved cells and models that go to the
    fallback; wherever the joint path answers, it agrees with the bracketed search."""
    import itertools

    from conflictstats.mse.loglin import _all_models, _design, _fit_models

    rng = np.random.default_rng(20261130)
    at_n = agreed = 0
    for _ in range(12):
        pats = [p for p in itertools.product([0, 1], repeat=3) if any(p)]
        y = rng.poisson(rng.choice([3, 10, 40]) * rng.gamma(1.0, 1.0, len(pats)))
        table = mse.capture_histories({"".join(map(str, p)): int(c) for p, c in zip(pats, y)})
        patterns = np.array([[int(c) for c in key] for key in table.index])
        counts = table.to_numpy()
        n = float(counts.sum())
        full = np.vstack([np.zeros(3, dtype=int), patterns])
        with np.errstate(all="ignore"):
            rows = _fit_models(
                _all_models(3, 2), patterns, counts, n, lambda t, full=full: _design(full, t), n
            )
        jobs = [r["_job"] for r in rows if "_job" in r]
        if not jobs:
            continue
        with np.errstate(all="ignore"):
            fast = np.array(profile_intervals(jobs, n, 0.95))
            slow = np.column_stack(_bracketed_intervals(jobs, n, 0.95))
        assert fast == pytest.approx(slow, rel=1e-6)
        at_n += int((fast[:, 1] == n).sum())
        agreed += len(jobs)
    assert agreed > 50 and at_n > 0
