"""plots.mse_posteriors and plots.mse_model_posterior: grids and draws on one axis, the
observed count marked, the model table as bars; clean layout."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conflictstats import mse, plots

HAV = {"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28}


@pytest.fixture(scope="module")
def fits():
    return mse.bma(HAV, delta=1), mse.bma(HAV, delta=0.5)


def test_posteriors_of_grids_and_draws_share_one_axis(fits):
    draws = np.random.default_rng(3).normal(320, 20, 3000)
    grid = fits[1].posterior
    ax = plots.mse_posteriors({"a": fits[0], "b": grid, "c": draws})
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == ["a", "b", "c"]
    assert labels[3] == "observed on at least one list (271)"
    assert any(
        np.allclose(line.get_xdata(), [271, 271])
        for line in ax.get_lines()
        if line.get_linestyle() == "--"
    )
    # a grid's curve carries the probabilities per unit of N as given
    curve = ax.get_lines()[0]
    np.testing.assert_allclose(curve.get_ydata(), fits[0].posterior["probability"])
    assert plots.check_layout(ax.figure) == []


def test_posteriors_single_result_and_labels(fits):
    ax = plots.mse_posteriors(fits[0])
    assert ax.get_legend().get_texts()[0].get_text() == fits[0].method
    ax = plots.mse_posteriors([fits[0], fits[1]], labels=["x", "y"], observed=300)
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["x", "y"]
    with pytest.raises(ValueError, match="2 labels for 1"):
        plots.mse_posteriors([fits[0]], labels=["x", "y"])
    with pytest.raises(ValueError, match="at least one"):
        plots.mse_posteriors([])


def test_model_posterior_bars(fits):
    ax = plots.mse_model_posterior(fits[0], top=5)
    bars = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(bars, fits[0].models["probability"].head(5))
    assert [t.get_text() for t in ax.get_yticklabels()] == list(fits[0].models["cliques"].head(5))
    assert "3 more hold" in ax.get_title(loc="left")
    assert plots.check_layout(ax.figure) == []
    with pytest.raises(ValueError, match="needs a bma"):
        plots.mse_model_posterior(pd.DataFrame({"x": [1]}))
