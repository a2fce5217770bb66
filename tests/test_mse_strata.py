"""conflictstats.mse.stratified and check_strata: the stratified total against per-stratum dga
posteriors convolved in R (tests/reference/mse_bma.json), summed draws, dga's strata checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_reference

from conflictstats import mse
from conflictstats._validation import InputError
from conflictstats.results import Estimate

DATA = Path(__file__).resolve().parents[1] / "data" / "capture_recapture"
SPINA = pd.read_csv(DATA / "spina_bifida_newyork_1969_1974_3lists_by_ethnicity.csv")
REFERENCE = load_reference("mse_bma")["stratified"]
GOOD = {"100": 40, "010": 30, "001": 25, "110": 12, "101": 9, "011": 7, "111": 3}


def test_stratified_bma_matches_dga_posteriors_convolved_in_r():
    two = SPINA[SPINA["ethnicity"] != "other"]
    r = mse.stratified(two, by="ethnicity", delta=REFERENCE["delta"])
    post = r.posterior.set_index("N")["probability"]
    np.testing.assert_allclose(post.loc[REFERENCE["N"]], REFERENCE["probability"], atol=1e-9)
    assert r.mean == pytest.approx(REFERENCE["mean"], rel=1e-9)
    assert (r.estimate, r.ci_low, r.ci_high) == (
        REFERENCE["median"],
        REFERENCE["q025"],
        REFERENCE["q975"],
    )
    assert list(r.strata["stratum"]) == ["afro-american", "caucasian"]
    assert r.observed == two["count"].sum()
    assert set(r.fits) == {"afro-american", "caucasian"}


def test_stratified_total_of_one_stratum_is_that_stratum():
    one = mse.stratified({"all": GOOD}, delta=1)
    alone = mse.bma(GOOD, delta=1)
    np.testing.assert_allclose(
        one.posterior["probability"], alone.posterior["probability"], atol=1e-15
    )
    assert (one.estimate, one.ci_low, one.ci_high) == (alone.estimate, alone.ci_low, alone.ci_high)


def test_stratified_sums_draws_of_a_sampler():
    def sampler(histories, *, confidence=0.95, rng=None):
        n = float(sum(histories.values()))
        draws = n + np.random.default_rng(rng).poisson(10, size=2000)
        return Estimate(np.median(draws), draws.min(), draws.max(), quantity="N"), draws

    class Fit:
        def __init__(self, histories, **kw):
            self.estimate_, self.draws = sampler(histories, **kw)
            self.estimate, self.ci_low, self.ci_high = 0.0, 0.0, 0.0
            self.observed = float(sum(histories.values()))
            self.method = "toy sampler"

    r = mse.stratified({"a": GOOD, "b": GOOD}, method=Fit, rng=1)
    assert r.posterior is None and len(r.draws) == 2000
    assert r.mean == pytest.approx(2 * 126 + 20, abs=0.5)
    assert r.ci_low <= r.estimate <= r.ci_high
    assert r.hpd_high - r.hpd_low <= r.ci_high - r.ci_low + 1e-9
    assert "draws summed" in r.method


def test_check_strata_report():
    report = mse.check_strata(SPINA, by="ethnicity", min_records=15)
    assert list(report["stratum"]) == ["afro-american", "caucasian", "other"]
    assert list(report["ok"]) == [True, True, False]
    other = report.set_index("stratum").loc["other"]
    assert other["empty_lists"] == "death_cert"
    assert "record nobody" in other["problem"]
    caution = report.set_index("stratum").loc["afro-american"]
    assert caution["small_lists"] == "death_cert, med_rehab" and caution["ok"]


def test_check_strata_isolated_and_no_overlap():
    report = mse.check_strata(
        {
            "isolated": {"100": 15, "010": 14, "110": 12, "001": 13},
            "none": {"100": 15, "010": 14, "001": 13},
            "two lists": {"10": 20, "01": 20, "11": 10},
        }
    )
    problems = dict(zip(report["stratum"], report["problem"], strict=True))
    assert problems["isolated"] == "list(s) 'C' share no record with any other list"
    assert problems["none"] == "no record is on two lists or more"
    assert problems["two lists"] == "only 2 lists (three or more are needed)"
    assert not report["ok"].any()


def test_stratified_refuses_bad_strata_naming_them():
    with pytest.raises(InputError, match=r"1 of 3 strata cannot be estimated \(other: list"):
        mse.stratified(SPINA, by="ethnicity")


def test_stratified_warns_about_small_lists():
    two = SPINA[SPINA["ethnicity"] != "other"]
    with pytest.warns(UserWarning, match="fewer than 15 records in afro-american"):
        mse.stratified(two, by="ethnicity", min_records=15)


@pytest.mark.parametrize(
    ("strata", "kwargs", "match"),
    [
        (SPINA, {}, "by: name the stratum column"),
        (SPINA, {"by": "region"}, "not in the DataFrame"),
        ({"a": GOOD}, {"by": "x"}, "only for a DataFrame"),
        ({}, {}, "no stratum given"),
        ([GOOD], {}, "strata must be a mapping"),
        ({"a": GOOD}, {"method": "loglinear"}, "method must be one of"),
    ],
)
def test_stratified_bad_input(strata, kwargs, match):
    with pytest.raises(InputError, match=match):
        mse.stratified(strata, **kwargs)
