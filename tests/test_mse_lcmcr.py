"""conflictstats.mse.lcmcr and mse.diagnostics: agreement in distribution with R's LCMCR 0.4.14
(tests/reference/lcmcr.json, made by tests/reference/lcmcr.R), recovery of a known population
size from latent-class data, R-hat and ESS against R's posterior package, and bad input."""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference

from conflictstats import mse
from conflictstats._validation import InputError
from conflictstats.mse.diagnostics import ess_bulk, ess_tail, split_rhat

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = load_reference("lcmcr")
TABLES = REFERENCE["tables"]
DIAGNOSTICS = REFERENCE["diagnostics"]
HAV = {"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28}


def table(name: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / TABLES[name]["file"])


def quiet_lcmcr(histories, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mse.ConvergenceWarning)
        return mse.lcmcr(histories, **kw)


# -- agreement with R's LCMCR ------------------------------------------------------------------
# Long chains, several chains per table. R's summaries pool 4 x 20,000 draws thinned from 4 x
# 400,000 iterations; their Monte Carlo sd (per seed) is in the JSON. Acceptance: median within
# 2%, interval ends within 5% of R's.
LONG = {
    "congenital": dict(n_iter=15_000, burn_in=3_000, thin=10, chains=8),
    "hav": dict(n_iter=20_000, burn_in=3_000, thin=10, chains=8),
    "kosovo": dict(n_iter=30_000, burn_in=5_000, thin=20, chains=16),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LONG))
def test_agrees_with_r_lcmcr(name):
    ref = TABLES[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", mse.ConvergenceWarning)
        fit = mse.lcmcr(table(name), K=10, a_alpha=0.25, b_alpha=0.25, rng=2016, **LONG[name])
    print(name, fit, fit.rhat, fit.ess, fit.ess_tail)
    assert fit.converged == (not caught)
    if name == "congenital":  # mixes fast: long chains pass every check, no warning
        assert fit.converged
    assert fit.observed == ref["observed"]
    assert fit.estimate == pytest.approx(ref["median"], rel=0.02), (fit, ref)
    assert fit.ci_low == pytest.approx(ref["q025"], rel=0.05), (fit, ref)
    assert fit.ci_high == pytest.approx(ref["q975"], rel=0.05), (fit, ref)
    assert fit.rhat < 1.05


@pytest.mark.slow  # several seconds: make test-slow
def test_agrees_with_r_lcmcr_short_run():
    """A short run on the congenital-anomaly table already lands near R's posterior."""
    ref = TABLES["congenital"]
    fit = quiet_lcmcr(table("congenital"), n_iter=8_000, burn_in=2_000, thin=5, rng=7)
    assert fit.estimate == pytest.approx(ref["median"], rel=0.03)
    assert fit.ci_low == pytest.approx(ref["q025"], rel=0.06)
    assert fit.ci_high == pytest.approx(ref["q975"], rel=0.10)


# -- recovery of a known N -----------------------------------------------------------------------
def latent_class_table(N: int, weights, probs, seed: int) -> dict[str, int]:
    """Capture patterns of N people drawn from a latent-class model (all-zero pattern dropped)."""
    rng = np.random.default_rng(seed)
    probs = np.asarray(probs)
    z = rng.choice(len(weights), size=N, p=weights)
    caught = rng.random((N, probs.shape[1])) < probs[z]
    keys = ["".join("1" if b else "0" for b in row) for row in caught]
    out: dict[str, int] = {}
    for key in keys:
        if "1" in key:
            out[key] = out.get(key, 0) + 1
    return out


@pytest.mark.slow  # several seconds: make test-slow
def test_recovers_known_population_size():
    N = 2000
    probs = [[0.6, 0.5, 0.55, 0.45, 0.5], [0.2, 0.15, 0.25, 0.2, 0.15]]
    data = latent_class_table(N, [0.7, 0.3], probs, seed=11)
    observed = sum(data.values())
    fit = quiet_lcmcr(data, n_iter=10_000, burn_in=2_000, thin=5, rng=3)
    assert fit.observed == observed < N
    assert fit.ci_low < N < fit.ci_high
    assert fit.estimate == pytest.approx(N, rel=0.05)
    # heterogeneity the independence model cannot see: it underestimates
    independence = mse.loglinear(data, models=["[A][B][C][D][E]"])
    assert independence.estimate < fit.ci_low


# -- result object ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hav_fit():
    return quiet_lcmcr(HAV, n_iter=4_000, burn_in=1_000, thin=4, chains=3, rng=5)


def test_result_fields(hav_fit):
    r = hav_fit
    assert isinstance(r, mse.LatentClassEstimate)
    assert r.draws.shape == (3 * 1_000,)
    assert r.traces["N"].shape == (3, 1_000)
    assert np.array_equal(r.draws, r.traces["N"].reshape(-1))
    assert r.draws.min() >= r.observed == 271
    assert r.estimate == np.median(r.draws) and r.mean == r.draws.mean()
    assert [r.ci_low, r.ci_high] == pytest.approx(np.quantile(r.draws, [0.025, 0.975]))
    assert r.ci_low <= r.estimate <= r.ci_high
    columns = ["chain", "median", "ci_low", "ci_high", "mean", "alpha", "classes"]
    assert list(r.chains.columns) == columns
    assert len(r.chains) == 3 and (r.chains["classes"] <= 10).all()
    assert r.rhat == split_rhat(r.traces["N"]) and r.ess == ess_bulk(r.traces["N"])
    assert r.lists == ["A", "B", "C"]
    assert "credible interval" in repr(r) and "[lcmcr]" in repr(r)
    frame = r.to_frame()
    assert frame.loc[0, "estimate"] == r.estimate and "rhat" in frame.columns
    assert r.settings["K"] == 10


def test_reproducible_and_input_layouts_agree(hav_fit):
    again = quiet_lcmcr(HAV, n_iter=4_000, burn_in=1_000, thin=4, chains=3, rng=5)
    assert np.array_equal(again.draws, hav_fit.draws)
    frame = pd.DataFrame(
        [[int(c) for c in k] + [v] for k, v in HAV.items()], columns=["P", "Q", "E", "count"]
    )
    records = frame.loc[frame.index.repeat(frame["count"])].drop(columns="count")
    for layout in (frame, records):
        r = quiet_lcmcr(layout, n_iter=4_000, burn_in=1_000, thin=4, chains=3, rng=5)
        assert np.array_equal(r.draws, hav_fit.draws)
    assert r.lists == ["P", "Q", "E"]


def test_confidence_and_chains():
    r = quiet_lcmcr(HAV, n_iter=1_000, thin=10, burn_in=100, chains=1, confidence=0.8, rng=1)
    assert r.confidence == 0.8 and r.draws.shape == (100,)
    assert [r.ci_low, r.ci_high] == pytest.approx(np.quantile(r.draws, [0.1, 0.9]))


def test_cost_does_not_grow_with_people():
    """Same patterns, 1000 times the people: the sampler's work is the same (it runs)."""
    big = {k: 1000 * v for k, v in HAV.items()}
    r = quiet_lcmcr(big, n_iter=200, burn_in=0, thin=2, chains=2, rng=1)
    assert r.observed == 271_000 and r.draws.min() >= 271_000


# -- warnings and bad input ----------------------------------------------------------------------------
def test_short_chains_warn():
    with pytest.warns(mse.ConvergenceWarning, match="have not mixed"):
        r = mse.lcmcr(table("kosovo"), n_iter=100, burn_in=0, thin=1, rng=1)
    assert not r.converged


@pytest.mark.parametrize(
    ("histories", "match"),
    [
        ({"100": -3, "010": 4, "001": 5, "111": 1}, "non-negative"),
        ({"000": 4, "100": 3, "010": 4, "001": 5}, "all-zero"),
        ({"100": 3, "101": 4, "001": 5}, "list 'B' records nobody"),
        ({"10": 3, "01": 4, "11": 5}, "at least 3 lists"),
        ({"100": 3, "010": 4, "001": 5}, "overlap"),
        ({"100": 2.5, "010": 4, "001": 5}, "whole-number"),
        ({"100": 0, "010": 0, "001": 0}, "nothing was observed"),
        ([1, 2, 3], "mapping"),
    ],
)
def test_bad_histories(histories, match):
    with pytest.raises(InputError, match=match):
        mse.lcmcr(histories, rng=1)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        (dict(K=1), "K must be an integer"),
        (dict(K=2.5), "K must be an integer"),
        (dict(n_iter=0), "n_iter"),
        (dict(burn_in=-1), "burn_in"),
        (dict(thin=0), "thin"),
        (dict(chains=0), "chains"),
        (dict(chains=True), "chains"),
        (dict(a_alpha=0), "a_alpha"),
        (dict(b_alpha=-1), "b_alpha"),
        (dict(n_iter=50, thin=10), "at least 10 draws"),
        (dict(confidence=1.5), "confidence"),
        (dict(rng=None), "rng"),
    ],
)
def test_bad_settings(kw, match):
    args = dict(n_iter=200, burn_in=0, thin=1, rng=1)
    args.update(kw)
    with pytest.raises(InputError, match=match):
        mse.lcmcr(HAV, **args)


# -- diagnostics against R's posterior package -----------------------------------------------------
@pytest.mark.parametrize("case", DIAGNOSTICS, ids=[c["id"] for c in DIAGNOSTICS])
def test_diagnostics_match_posterior(case):
    draws = np.array(case["draws"], dtype=float)
    assert split_rhat(draws) == pytest.approx(case["rhat"], rel=1e-10), case["source"]
    assert ess_bulk(draws) == pytest.approx(case["ess_bulk"], rel=1e-10), case["source"]
    assert ess_tail(draws) == pytest.approx(case["ess_tail"], rel=1e-10), case["source"]


def test_diagnostics_edge_cases():
    constant = np.full((4, 50), 3.0)
    assert split_rhat(constant) == 1.0
    assert ess_bulk(constant) == ess_tail(constant) == 200.0
    stuck = np.repeat(np.arange(4.0)[:, None], 50, axis=1)
    assert split_rhat(stuck) == np.inf
    assert split_rhat(np.arange(100.0)) > 1.5  # a trend shows between the halves of one chain
    with pytest.raises(InputError, match="at least 6 draws"):
        split_rhat(np.ones((2, 5)))
    with pytest.raises(InputError, match="shaped"):
        ess_bulk(np.ones((2, 5, 3)))
    with pytest.raises(InputError, match="finite"):
        ess_tail(np.array([[1.0, np.nan, 2, 3, 4, 5]]))


def test_diagnostics_shift_invariant():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 200)).cumsum(axis=1)
    for f in (split_rhat, ess_bulk, ess_tail):
        assert f(x) == pytest.approx(f(10 * x + 7), rel=1e-12)


def test_all_patterns_listed():
    """Every one of the 2^J - 1 patterns can be passed, zero counts included."""
    data = {"".join(p): 1 for p in itertools.product("01", repeat=3) if "1" in p}
    data["111"] = 0
    r = quiet_lcmcr(data, n_iter=200, burn_in=0, thin=2, chains=2, rng=1)
    assert r.observed == 6
