"""The Dask engine of conflictstats.panel.fit_trends on a real distributed cluster.

A ``distributed.LocalCluster`` with two worker processes on loopback fits a small panel; the
result must equal the numpy engine's (same series, same terms, numbers to 1e-9).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conflictstats._validation import InputError
from conflictstats.panel import TimeGapError, fit_trends

# a local dask cluster takes seconds to start and warm: `make test-slow` (in CI)
pytestmark = pytest.mark.slow

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

KW = dict(series="cell", time="month", count="n", exposure="days", seasonality="month")


def make_panel(n_series=60, n_months=48, seed=5):
    rng = np.random.default_rng(seed)
    months = pd.date_range("2012-01-01", periods=n_months, freq="MS")
    t = np.arange(n_months) / 12
    mu = np.exp(rng.normal(2.3, 0.4, (n_series, 1)) + rng.normal(0, 0.2, (n_series, 1)) * t)
    alpha = rng.uniform(0.1, 0.6, (n_series, 1))
    y = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    frame = pd.DataFrame(
        {
            "cell": np.repeat([f"g{i:03d}" for i in range(n_series)], n_months),
            "month": np.tile(months, n_series),
            "n": y.ravel(),
            "days": np.tile(months.days_in_month.to_numpy(float), n_series),
        }
    )
    frame.loc[frame.cell == "g000", "n"] = 0  # a flagged series travels through too
    # late starters: the time origin must stay the panel's, not the partition's
    late = frame.cell.isin(["g001", "g002"]) & (frame.month < "2013-01-01")
    return frame[~late].reset_index(drop=True)


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            processes=True,
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.mark.parametrize("family", ["poisson", "quasi-poisson", "negbin"])
def test_dask_equals_numpy(client, family):
    frame = make_panel()
    want = fit_trends(frame, family=family, **KW)
    got = fit_trends(frame, family=family, engine="dask", npartitions=4, **KW)
    pd.testing.assert_frame_equal(got, want, rtol=1e-9)


def test_dask_dataframe_input_and_lazy_result(client):
    frame = make_panel(30, 36)
    want = fit_trends(frame, family="negbin", **KW)
    # rows of a series scattered over partitions: the engine regroups them
    ddf = dd.from_pandas(frame.sample(frac=1.0, random_state=2), npartitions=5)
    lazy = fit_trends(ddf, family="negbin", engine="dask", compute=False, **KW)
    assert isinstance(lazy, dd.DataFrame)
    assert list(lazy.columns) == list(want.columns)
    got = fit_trends(ddf, family="negbin", engine="dask", npartitions=3, **KW)
    pd.testing.assert_frame_equal(got, want, rtol=1e-9)


def test_dask_errors_reach_the_caller(client):
    frame = make_panel(6, 24)
    frame.loc[7, "n"] = -3
    with pytest.raises(InputError, match="n must be non-negative counts"):
        fit_trends(frame, engine="dask", npartitions=2, **KW)
    with pytest.raises(InputError, match="df must be a pandas or Dask DataFrame"):
        fit_trends(frame.to_numpy(), engine="dask", **KW)
    with pytest.raises(InputError, match="count='deaths' is not a column"):
        fit_trends(frame, engine="dask", **{**KW, "count": "deaths"})


def test_dask_checks_and_fills_gaps_like_numpy(client):
    """Absent months: the same error, and the same zero-filled fit, as the numpy engine."""
    frame = make_panel(12, 36).drop(columns="days")
    kw = {**KW, "exposure": None}
    # g004 loses two months inside its span, g007 its last six (an early end, not a gap)
    drop = (
        (frame.cell == "g004") & frame.month.isin(pd.to_datetime(["2012-05-01", "2012-06-01"]))
    ) | ((frame.cell == "g007") & (frame.month >= "2014-07-01"))
    gappy = frame[~drop].sample(frac=1.0, random_state=4)  # rows of a series scattered
    for engine in ("numpy", "dask"):
        with pytest.raises(TimeGapError, match=r"cell='g004' skips 2012-05") as err:
            fit_trends(gappy, engine=engine, npartitions=3, **kw)
        assert "2 absent time point(s) in 1 series" in str(err.value)
    ddf = dd.from_pandas(gappy, npartitions=4)
    with pytest.raises(TimeGapError, match=r"cell='g004' skips 2012-05"):
        fit_trends(ddf, engine="dask", **kw)
    for missing in ("zero", "drop"):
        want = fit_trends(gappy, missing=missing, **kw)
        got = fit_trends(ddf, engine="dask", npartitions=3, missing=missing, **kw)
        pd.testing.assert_frame_equal(got, want, rtol=1e-9)
    zero = fit_trends(gappy, missing="zero", **kw)
    assert (zero.n_obs == 36).all()  # g001/g002 start late: filled from the panel's start
    # zero-filling by hand gives the same fit
    full = frame.assign(n=np.where(drop, 0, frame.n))
    full = full[~((full.cell.isin(["g001", "g002"])) & (full.month < "2013-01-01"))]
    late = pd.DataFrame(
        {
            "cell": np.repeat(["g001", "g002"], 12),
            "month": np.tile(pd.date_range("2012-01-01", periods=12, freq="MS"), 2),
            "n": 0,
        }
    )
    by_hand = fit_trends(pd.concat([full, late], ignore_index=True), **kw)
    pd.testing.assert_frame_equal(zero, by_hand, rtol=1e-9)
