"""conflictstats.mse.bma and mse.graphs: R dga 2.0.2 reference values (tests/reference/mse_bma.json,
made by tests/reference/mse_bma.R), the dga figures quoted in issue 14, a brute-force check of
Madigan and York's posterior on three lists, decomposable-graph counts (OEIS A058862), bad input."""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference
from scipy import special, stats

from conflictstats import mse
from conflictstats._validation import InputError
from conflictstats.mse.graphs import all_graphs, decomposable_graphs

DATA = Path(__file__).resolve().parents[1] / "data" / "capture_recapture"
FILES = {
    "congenital": "congenital_anomaly_massachusetts_5lists.csv",
    "hav": "hav_taiwan_1995_3lists.csv",
    "kosovo": "kosovo_1999_capture_patterns.csv",
    "spina": "spina_bifida_newyork_1969_1974_3lists_by_ethnicity.csv",
}
REFERENCE = load_reference("mse_bma")
HAV = {"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28}


def _data(case):
    frame = pd.read_csv(DATA / FILES[case["dataset"]])
    if case.get("stratum"):
        frame = frame[frame["ethnicity"] == case["stratum"]].drop(columns="ethnicity")
    return frame


# -- graphs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("k", "count"), [(1, 1), (2, 2), (3, 8), (4, 61), (5, 822), (6, 18154)])
def test_decomposable_graph_counts_match_oeis_a058862(k, count):
    # OEIS A058862: number of labeled chordal graphs on n nodes: 1, 2, 8, 61, 822, 18154, ...
    assert len(decomposable_graphs(k)) == count
    assert len({g.edges for g in decomposable_graphs(k)}) == count


@pytest.mark.parametrize("k", [3, 4, 5])
def test_chordality_agrees_with_brute_force_cycle_search(k):
    # a graph is chordal iff no induced cycle of 4+ vertices: checked here by walking cycles
    def has_chordless_cycle(edges):
        adj = {frozenset(e) for e in edges}
        for size in range(4, k + 1):
            for verts in itertools.combinations(range(k), size):
                for perm in itertools.permutations(verts[1:]):
                    cyc = (verts[0], *perm)
                    ring = {frozenset((cyc[i], cyc[(i + 1) % size])) for i in range(size)}
                    inside = {frozenset(p) for p in itertools.combinations(verts, 2)} & adj
                    if inside == ring:
                        return True
        return False

    for g in all_graphs(k):
        assert g.decomposable == (not has_chordless_cycle(g.edges)), g.edges


@pytest.mark.parametrize("k", [3, 4, 5])
def test_cliques_and_separators_are_a_perfect_sequence(k):
    for g in decomposable_graphs(k):
        edges = set(g.edges)
        assert sorted({i for c in g.cliques for i in c}) == list(range(k))
        for c in g.cliques:
            assert all(p in edges for p in itertools.combinations(sorted(c), 2))
        assert len(g.separators) == len(g.cliques) - 1
        for j, s in enumerate(g.separators, start=1):
            earlier = set().union(*map(set, g.cliques[:j]))
            assert set(s) == set(g.cliques[j]) & earlier
            # running intersection: the separator lies inside one earlier clique
            assert any(set(s) <= set(c) for c in g.cliques[:j])


# -- R dga reference ------------------------------------------------------------------------------
@pytest.mark.parametrize("case", REFERENCE["cases"], ids=[c["id"] for c in REFERENCE["cases"]])
def test_bma_matches_dga(case):
    r = mse.bma(_data(case), delta=case["delta"], n_max=case["n_max"])
    post = r.posterior.set_index("N")["probability"]
    np.testing.assert_allclose(post.loc[case["N"]], case["probability"], rtol=0, atol=1e-9)
    models = r.models.set_index("cliques")["probability"]
    assert len(models) == len(case["models"])
    np.testing.assert_allclose(
        models.loc[case["models"]], case["model_probability"], rtol=0, atol=1e-9
    )
    assert r.mean == pytest.approx(case["mean"], rel=1e-9)
    assert (r.estimate, r.ci_low, r.ci_high) == (case["median"], case["q025"], case["q975"])
    assert r.observed == case["observed"]


@pytest.mark.parametrize(
    ("delta", "mean", "median", "low", "high"),
    [(0.5, 617.8, 616, 588, 655), (1, 611.3, 610, 581, 647)],
)
def test_bma_congenital_anomaly_dga_figures_of_issue_14(delta, mean, median, low, high):
    # dga 2.0.2 on the Massachusetts congenital-anomaly table, Nmissing 0..20*537, prior 1/N
    r = mse.bma(pd.read_csv(DATA / FILES["congenital"]), delta=delta)
    assert round(r.mean, 1) == mean
    assert (r.estimate, r.ci_low, r.ci_high) == (median, low, high)
    assert r.posterior["N"].iloc[-1] == 21 * 537


def _brute_force_three_lists(y, delta, N):
    """Madigan and York's posterior on three lists from scipy's Dirichlet-multinomial and
    beta-binomial distributions: one conditional factor per clique of a perfect sequence."""
    cells = np.array(list(itertools.product((0, 1), repeat=3)))  # A, B, C; row 0 unobserved
    counts = np.array([0] + [y["".join(map(str, c))] for c in cells[1:]], dtype=float)
    n = counts.sum()

    def coef(table):  # log multinomial coefficient
        table = np.asarray(table, dtype=float)
        return special.gammaln(table.sum() + 1) - special.gammaln(table + 1).sum()

    def dm(table, alpha):  # log Dirichlet integral of p^table: the pmf without its coefficient
        table = np.asarray(table, dtype=float)
        pmf = stats.dirichlet_multinomial.logpmf(table, np.full(len(table), alpha), table.sum())
        return pmf - coef(table)

    def margin(full, idx):
        out = {}
        for c, v in zip(cells, full, strict=True):
            key = tuple(c[list(idx)])
            out[key] = out.get(key, 0.0) + v
        return [out.get(key, 0.0) for key in itertools.product((0, 1), repeat=len(idx))]

    def conditional(full, child, parents):  # beta-binomial of child given each parent cell
        alpha = delta * 2 ** (3 - len(parents) - 1)
        total = 0.0
        for pa in itertools.product((0, 1), repeat=len(parents)):
            on = [
                c
                for c in range(8)
                if all(cells[c][p] == v for p, v in zip(parents, pa, strict=True))
            ]
            m = sum(full[c] for c in on)
            x = sum(full[c] for c in on if cells[c][child] == 1)
            total += stats.betabinom.logpmf(x, m, alpha, alpha) - coef([x, m - x])
        return total

    # each decomposable graph on 3 lists as a chain of conditional factors
    factors = {
        "[A][B][C]": [((0,), None), ((1,), None), ((2,), None)],
        "[AB][C]": [((0, 1), None), ((2,), None)],
        "[AC][B]": [((0, 2), None), ((1,), None)],
        "[A][BC]": [((1, 2), None), ((0,), None)],
        "[AB][BC]": [((0, 1), None), (2, (1,))],
        "[AB][AC]": [((0, 1), None), (2, (0,))],
        "[AC][BC]": [((0, 2), None), (1, (2,))],
        "[ABC]": [((0, 1, 2), None)],
    }
    logs = {}
    for name, parts in factors.items():
        row = np.empty(len(N))
        for j, total in enumerate(N):
            full = counts.copy()
            full[0] = total - n
            ll = 0.0
            for first, parents in parts:
                if parents is None:
                    ll += dm(margin(full, first), delta * 2 ** (3 - len(first)))
                else:
                    ll += conditional(full, first, parents)
            # the complete table's probability: coefficient N! / prod(y!) times the integral,
            # times the prior 1/N
            row[j] = ll + coef(full) - np.log(total)
        logs[name] = row
    stacked = np.array(list(logs.values()))
    joint = np.exp(stacked - special.logsumexp(stacked))
    return dict(zip(logs, joint.sum(axis=1), strict=True)), joint.sum(axis=0)


@pytest.mark.parametrize("delta", [1.0, 0.125, 3.0])
@pytest.mark.parametrize(
    "y",
    [
        HAV,
        {"001": 8, "010": 3, "011": 1, "100": 13, "101": 3, "110": 8, "111": 0},
        {"001": 20, "010": 14, "011": 6, "100": 30, "101": 9, "110": 11, "111": 4},
    ],
)
def test_bma_three_lists_brute_force(y, delta):
    n = sum(y.values())
    n_max = n + 150  # any grid will do: both sides normalise over the same one
    models, post = _brute_force_three_lists(y, delta, np.arange(n, n_max + 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # mass near the end of this short grid
        r = mse.bma(y, delta=delta, n_max=n_max)
    np.testing.assert_allclose(r.posterior["probability"], post, rtol=1e-8, atol=1e-13)
    got = r.models.set_index("cliques")["probability"]
    for name, p in models.items():
        assert got[name] == pytest.approx(p, rel=1e-8, abs=1e-14), name


# -- behaviour ------------------------------------------------------------------------------------
def test_bma_result_fields_and_summaries():
    r = mse.bma(HAV, delta=1)
    post = r.posterior
    assert list(post.columns) == ["N", "probability"]
    assert post["probability"].sum() == pytest.approx(1.0)
    assert post["N"].iloc[0] == 271 and post["N"].is_monotonic_increasing
    assert r.ci_low <= r.estimate <= r.ci_high
    assert r.hpd_high - r.hpd_low <= r.ci_high - r.ci_low
    assert r.models["probability"].is_monotonic_decreasing
    assert r.models["probability"].sum() == pytest.approx(1.0)
    assert list(r.models.columns[:4]) == ["cliques", "graph", "edges", "probability"]
    assert r.lists == {"A": "A", "B": "B", "C": "C"}
    assert "credible interval" in repr(r)
    assert r.to_frame()[["estimate", "mean", "hpd_low"]].shape == (1, 3)


def test_bma_single_model_equals_its_row_of_the_average():
    avg = mse.bma(HAV, delta=1)
    one = mse.bma(HAV, delta=1, models=["[AB][BC]"])
    row = avg.models.set_index("cliques").loc["[AB][BC]"]
    assert one.mean == pytest.approx(row["mean"], rel=1e-10)
    assert one.estimate == row["median"]
    assert len(one.models) == 1


def test_bma_uniform_and_array_priors():
    u = mse.bma(HAV, delta=1, prior="uniform", n_max=2000)
    n = np.arange(271, 2001)
    same = mse.bma(HAV, delta=1, prior=np.ones(len(n)), n_max=2000)
    inv = mse.bma(HAV, delta=1, prior=1 / n, n_max=2000)
    ref = mse.bma(HAV, delta=1, n_max=2000)
    np.testing.assert_allclose(u.posterior["probability"], same.posterior["probability"])
    np.testing.assert_allclose(inv.posterior["probability"], ref.posterior["probability"])
    assert u.mean > ref.mean


def test_bma_warns_when_the_grid_is_too_short():
    with pytest.warns(UserWarning, match="raise n_max"):
        mse.bma(HAV, delta=0.125, n_max=400)


@pytest.mark.slow  # several seconds: make test-slow
def test_bma_six_lists_runs():
    rng = np.random.default_rng(1)
    caught = rng.random((3000, 6)) < np.array([0.3, 0.25, 0.2, 0.35, 0.3, 0.15])
    seen = caught[caught.any(axis=1)]
    frame = pd.DataFrame(seen.astype(int), columns=list("UVWXYZ"))
    r = mse.bma(frame, n_max=6000)
    assert len(r.models) == 18154
    assert abs(r.estimate - 3000) < 0.05 * 3000


@pytest.mark.parametrize(
    ("histories", "kwargs", "match"),
    [
        ({"10": 5, "01": 4, "11": 2}, {}, "at least three lists"),
        ({"100": -1, "010": 4, "110": 2}, {}, "negative|non-negative"),
        ({"000": 3, "100": 5, "010": 4, "110": 2, "001": 1, "101": 1}, {}, "all-zero"),
        ({"100": 5, "110": 2, "010": 4}, {}, "'C' record nobody"),
        ({"100": 5, "010": 4, "001": 3}, {}, "no record is on two lists"),
        (HAV, {"delta": 0}, "delta must be a positive number"),
        (HAV, {"delta": "half"}, "delta"),
        (HAV, {"n_max": 100}, "n_max must be an integer at least the 271"),
        (HAV, {"prior": "jeffreys"}, "prior must be one of"),
        (HAV, {"prior": [1, 2, 3]}, "one weight per grid value"),
        (HAV, {"models": "graphical"}, "models must be 'decomposable'"),
        (HAV, {"models": ["[AB][BC][AC]"]}, "not graphical"),
        (
            {
                "1000": 5,
                "0100": 4,
                "0010": 3,
                "0001": 3,
                "1100": 2,
                "0110": 2,
                "0011": 2,
                "1001": 2,
            },
            {"models": ["[AB][BC][CD][AD]"]},
            "not decomposable",
        ),
    ],
)
def test_bma_bad_input(histories, kwargs, match):
    with pytest.raises(InputError, match=match):
        mse.bma(histories, **kwargs)


def test_bma_warns_about_a_list_that_overlaps_no_other():
    with pytest.warns(UserWarning, match="'C' share no record"):
        mse.bma({"100": 5, "010": 4, "110": 2, "001": 3})


def test_bma_does_not_depend_on_the_order_of_the_lists():
    frame = pd.read_csv(DATA / FILES["kosovo"])
    a = mse.bma(frame)
    b = mse.bma(frame[["HRW", "OSCE", "EXH", "ABA", "count"]])
    np.testing.assert_allclose(a.posterior["probability"], b.posterior["probability"], atol=1e-12)
    np.testing.assert_allclose(
        np.sort(a.models["probability"]), np.sort(b.models["probability"]), atol=1e-12
    )
