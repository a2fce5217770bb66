"""Tests for plots.panel_trends: the forest plot of a fit_trends table."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from conflictstats import plots  # noqa: E402
from conflictstats._validation import InputError  # noqa: E402
from conflictstats.panel import fit_trends  # noqa: E402

N_MONTHS = 36


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    """Four provinces: falling, flat, rising, and one with only zeros (flagged)."""
    rng = np.random.default_rng(11)
    t = np.arange(N_MONTHS) / 12
    mean = {
        "Falling": 30 * 0.5**t,
        "Flat": np.full(N_MONTHS, 10.0),
        "Rising": 6 * 1.8**t,
        "Empty": np.zeros(N_MONTHS),
    }
    return pd.DataFrame(
        {
            "province": np.repeat(list(mean), N_MONTHS),
            "month": np.tile(pd.date_range("2016-01-01", periods=N_MONTHS, freq="MS"), 4),
            "events": rng.poisson(np.concatenate(list(mean.values()))),
        }
    )


@pytest.fixture(scope="module")
def fits(panel: pd.DataFrame) -> pd.DataFrame:
    return fit_trends(panel, series="province", time="month", count="events")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _tick_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def _texts(ax) -> str:
    return " ".join(t.get_text() for t in ax.texts)


def test_returns_axes_and_draws_every_series(fits):
    ax = plots.panel_trends(fits)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert sorted(_tick_labels(ax)) == ["Empty", "Falling", "Flat", "Rising"]
    # one errorbar container with the three estimated series
    points = ax.containers[0].lines[0]
    assert len(points.get_xdata()) == 3


def test_sorted_by_estimate_flagged_last(fits):
    ax = plots.panel_trends(fits)
    assert _tick_labels(ax) == ["Falling", "Flat", "Rising", "Empty"]
    # top to bottom: the y axis is inverted so the first series is at the top
    ys = [t.get_position()[1] for t in ax.get_yticklabels()]
    assert ys == sorted(ys)
    lo, hi = ax.get_ylim()
    assert lo > hi


def test_unsorted_keeps_table_order_with_flagged_last(fits):
    ax = plots.panel_trends(fits, sort=False)
    # the table is sorted by series name; the flagged "Empty" moves to the end
    assert _tick_labels(ax) == ["Falling", "Flat", "Rising", "Empty"]
    shuffled = fits[fits.term == "trend"].iloc[[2, 0, 3, 1]]  # Flat, Empty, Rising, Falling
    ax = plots.panel_trends(shuffled, sort=False)
    assert _tick_labels(ax) == ["Flat", "Rising", "Falling", "Empty"]


def test_points_are_exponentiated_estimates(fits):
    trend = fits[fits.term == "trend"].set_index("province")
    ax = plots.panel_trends(fits)
    x = np.asarray(ax.containers[0].lines[0].get_xdata())
    expected = np.exp(trend.loc[["Falling", "Flat", "Rising"], "estimate"].to_numpy())
    np.testing.assert_allclose(np.sort(x), np.sort(expected))
    # the falling series is well below 1, the rising one well above
    assert x.min() < 0.7 and x.max() > 1.4


def test_label_states_quantity_interval_and_level(fits):
    ax = plots.panel_trends(fits)
    assert ax.get_xlabel() == "rate ratio per year, 95% Wald CI"
    assert ax.get_xscale() == "log"


def test_label_follows_the_tables_confidence(panel):
    fits90 = fit_trends(panel, series="province", time="month", count="events", confidence=0.9)
    ax = plots.panel_trends(fits90)
    assert "90% Wald CI" in ax.get_xlabel()
    assert "95%" not in ax.get_xlabel()


def test_custom_label_and_log_scale_term(fits):
    ax = plots.panel_trends(fits, label="rate ratio per year of war", transform=None)
    assert ax.get_xlabel() == "rate ratio per year of war, 95% Wald CI"
    ax = plots.panel_trends(fits, transform=None)
    assert ax.get_xlabel() == "trend (log rate ratio per year), 95% Wald CI"
    assert ax.get_xscale() == "linear"


@pytest.mark.parametrize(("transform", "null"), [("exp", 1.0), (None, 0.0)])
def test_null_line(fits, transform, null):
    ax = plots.panel_trends(fits, transform=transform)
    vertical = [
        line
        for line in ax.lines
        if len(set(line.get_xdata())) == 1 and line.get_linestyle() == "--"
    ]
    assert [float(line.get_xdata()[0]) for line in vertical] == [null]


def test_flagged_series_shown_with_reason(fits):
    reason = fits.loc[(fits.province == "Empty") & (fits.term == "trend"), "reason"].item()
    assert reason  # fit_trends flags the all-zero series
    ax = plots.panel_trends(fits)
    assert "Empty" in _tick_labels(ax)
    text = _texts(ax)
    assert "not estimated" in text
    assert "all counts are zero" in text
    label = next(t for t in ax.get_yticklabels() if t.get_text() == "Empty")
    assert label.get_style() == "italic"


def test_noted_fit_has_open_marker():
    # NB2 on Poisson data: alpha at 0, the Poisson fit is reported with a note in `reason`
    rng = np.random.default_rng(5)
    months = pd.date_range("2016-01-01", periods=24, freq="MS")
    df = pd.DataFrame(
        {
            "unit": np.repeat(["P", "Q"], 24),
            "month": np.tile(months, 2),
            "events": np.r_[np.full(24, 10), rng.negative_binomial(2, 2 / (2 + 10), 24)],
        }
    )
    fits = fit_trends(df, series="unit", time="month", count="events", family="negbin")
    noted = fits[(fits.term == "trend") & (fits.reason != "")]
    assert list(noted.unit) == ["P"]
    ax = plots.panel_trends(fits)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("note" in lab for lab in labels)
    assert "(negbin)" in labels[0]


def test_uses_the_axes_passed_in(fits):
    fig, axes = plt.subplots(1, 2)
    out = plots.panel_trends(fits, ax=axes[1], title="trend")
    assert out is axes[1]
    assert axes[1].get_title() == "trend"
    assert not axes[0].has_data()
    assert len(fig.axes) == 2


def test_other_terms(panel):
    fits = fit_trends(panel, series="province", time="month", count="events", seasonality="month")
    ax = plots.panel_trends(fits, "month[Jul]")
    assert ax.get_xlabel() == "rate ratio, Jul versus January, 95% Wald CI"


def test_bad_term_names_it_and_lists_the_available(fits):
    with pytest.raises(ValueError, match=r"'slope'.*available terms: 'intercept', 'trend'"):
        plots.panel_trends(fits, "slope")
    with pytest.raises(InputError, match="month\\[Feb\\]"):
        plots.panel_trends(fits, "month[Feb]")


def test_bad_table_and_transform(fits):
    with pytest.raises(InputError, match="transform 'log'"):
        plots.panel_trends(fits, transform="log")
    with pytest.raises(InputError, match="'ci_low'"):
        plots.panel_trends(fits.drop(columns="ci_low"))
    with pytest.raises(InputError, match="DataFrame"):
        plots.panel_trends(fits.to_dict())
    mixed = fits.copy()
    mixed.loc[mixed.index[1], "confidence"] = 0.9
    with pytest.raises(InputError, match="one confidence level"):
        plots.panel_trends(mixed)
