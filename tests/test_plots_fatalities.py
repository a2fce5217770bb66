"""Tests for plots.interval_comparison (several intervals per group, side by side)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from conflictstats.fatalities import clustered_share  # noqa: E402
from conflictstats.plots import interval_comparison  # noqa: E402
from conflictstats.proportions import proportion_ci  # noqa: E402
from conflictstats.results import Estimate  # noqa: E402

CIV = [0, 9, 1, 40, 0, 3]
DEATHS = [5, 10, 2, 60, 4, 3]
YEAR = [2016, 2016, 2016, 2017, 2017, 2017]


@pytest.fixture
def results():
    return {
        "binomial": proportion_ci([10, 43], [17, 67]),
        "events as clusters": clustered_share(CIV, DEATHS, groups=YEAR),
    }


def test_draws_every_interval_per_group_and_labels(results):
    ax = interval_comparison(results, percent=True, xlabel="civilians' share of deaths")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["2016", "2017"]  # from the clustered result's groups
    assert ax.get_xlabel() == "civilians' share of deaths, %"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["binomial (95% CI)", "events as clusters (95% CI)"]
    # one errorbar container per interval; the points are the estimates in percent
    containers = ax.containers
    assert len(containers) == 2
    x = containers[1].lines[0].get_xdata()
    np.testing.assert_allclose(x, np.asarray(results["events as clusters"].estimate) * 100)
    # legend below the axes, off the data
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert ax.get_legend().get_window_extent(renderer).y1 <= ax.get_window_extent(renderer).y0
    plt.close(fig)


def test_draws_on_given_axes_with_reference_and_log():
    fig, ax = plt.subplots()
    r = Estimate([0.5, 2.0], [0.25, 1.0], [1.0, 4.0], confidence=0.9, quantity="ratio")
    out = interval_comparison(
        {"a": r}, ax=ax, log=True, reference=1.0, reference_label="equal", legend_cols=0
    )
    assert out is ax
    assert ax.get_xscale() == "log"
    assert ax.get_legend() is None
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2"]
    assert "equal" in ax.get_legend_handles_labels()[1]
    assert "a (90% CI)" in ax.get_legend_handles_labels()[1]
    plt.close(fig)


def test_rejects_bad_input(results):
    with pytest.raises(ValueError, match="non-empty mapping"):
        interval_comparison({})
    with pytest.raises(ValueError, match="sizes"):
        interval_comparison({**results, "one": Estimate(0.1, 0.0, 0.2)})
    with pytest.raises(ValueError, match="groups must name the 2"):
        interval_comparison(results, groups=["a"])
    with pytest.raises(ValueError, match="needs results with estimate"):
        interval_comparison({"x": 3.0})
    plt.close("all")


def test_passes_the_layout_check(results):
    from conflictstats.plots import check_layout

    ax = interval_comparison(results, percent=True, xlabel="civilians' share of deaths")
    assert check_layout(ax.figure, dpi=150) == []
    plt.close(ax.figure)
