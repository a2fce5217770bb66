"""The figure-layout check: deliberately bad figures are caught, clean ones pass."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from conflictstats import plots, repro
from conflictstats.plots import check_layout, legend_below, style_context


@pytest.fixture
def fig_ax():
    with style_context():
        fig, ax = plt.subplots(figsize=(5, 3.5))
    yield fig, ax
    plt.close(fig)


def kinds(fig, **kw):
    return sorted({p.kind for p in check_layout(fig, **kw)})


# -- legends --------------------------------------------------------------------------------------
def test_legend_over_points_is_caught(fig_ax):
    fig, ax = fig_ax
    x = np.linspace(0, 1, 41)
    ax.plot(x, np.full_like(x, 0.5), "o", ls="none", label="points")
    ax.legend(loc="center")
    problems = check_layout(fig)
    assert [p.kind for p in problems] == ["legend-on-data"]
    assert "legend ['points']" in problems[0].message
    assert "Line2D 'points'" in problems[0].message


def test_legend_over_a_line_without_markers_is_caught(fig_ax):
    fig, ax = fig_ax
    ax.plot([0, 1], [0, 1], label="diagonal")  # two vertices, the segment crosses the centre
    ax.legend(loc="center")
    assert kinds(fig) == ["legend-on-data"]


def test_legend_inside_a_band_is_caught(fig_ax):
    fig, ax = fig_ax
    ax.fill_between([0, 1], [0, 0], [1, 1], alpha=0.2, label="band")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="center")
    assert kinds(fig) == ["legend-on-data"]


def test_legend_over_a_span_and_a_reference_line_is_caught(fig_ax):
    fig, ax = fig_ax
    ax.plot([0, 1], [0, 0.1], label="low line")
    ax.axvline(0.5, color="0.3", label="reference")
    ax.legend(loc="upper center")
    problems = check_layout(fig)
    assert [p.kind for p in problems] == ["legend-on-data"]
    assert "reference" in problems[0].message


def test_legend_over_data_of_a_twin_axis_is_caught(fig_ax):
    fig, ax = fig_ax
    ax.plot([0, 1], [0, 0.05], label="low")
    twin = ax.twinx()
    twin.plot([0, 1], [0.95, 0.95], label="high, right axis")
    twin.set_ylim(0, 1)
    ax.legend(loc="upper left")
    assert kinds(fig) == ["legend-on-data"]


def test_legend_over_an_annotation_is_caught(fig_ax):
    fig, ax = fig_ax
    ax.plot([0, 1], [0, 0.05], label="low line")
    ax.set_ylim(0, 1)
    ax.text(0.5, 0.5, "a note in the middle", transform=ax.transAxes, ha="center", va="center")
    ax.legend(loc="center")
    # the legend box covers the note (and its entry's text overlaps the note's)
    assert kinds(fig) == ["legend-on-text", "text-overlap"]


def test_legend_in_an_empty_corner_passes(fig_ax):
    fig, ax = fig_ax
    ax.plot([0, 0.3], [0, 0.3], "o-", label="lower left")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper right")
    assert check_layout(fig) == []


def test_legend_below_the_axes_passes_although_clipped_data_runs_past(fig_ax):
    fig, ax = fig_ax
    x = np.linspace(-5, 5, 200)
    ax.plot(x, x**2, label="parabola")  # far beyond the view, clipped
    ax.fill_between(x, -100, 100, alpha=0.2, label="everywhere")
    ax.set_xlim(-1, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("x\nsecond line")
    legend_below(ax)
    assert check_layout(fig) == []


def test_invisible_legend_is_ignored(fig_ax):
    fig, ax = fig_ax
    ax.plot([0, 1], [0, 1], label="diagonal")
    ax.legend(loc="center").set_visible(False)
    assert check_layout(fig) == []


# -- text off the canvas -----------------------------------------------------------------------
def test_text_off_canvas_is_caught(fig_ax):
    fig, ax = fig_ax
    ax.text(1.2, 0.5, "far to the right of the figure", transform=ax.transAxes)
    problems = check_layout(fig)
    assert [p.kind for p in problems] == ["text-off-canvas"]
    assert "far to the right" in problems[0].message


def test_title_wider_than_the_figure_is_caught():
    with style_context():
        fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title("a title far too long for a figure three inches wide, it runs off both sides")
    assert kinds(fig) == ["text-off-canvas"]
    plt.close(fig)


def test_legend_off_the_page_without_a_layout_engine_is_caught():
    fig, ax = plt.subplots(layout="none")
    ax.plot([0, 1], [0, 1], label="diagonal")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12))
    assert kinds(fig) == ["text-off-canvas"]
    plt.close(fig)


def test_text_touching_the_edge_is_caught_with_a_margin():
    fig = plt.figure(figsize=(3, 2), layout="none")
    fig.text(0.0, 0.5, "flush left")
    assert kinds(fig) == ["text-off-canvas"]
    assert check_layout(fig, margin=0.0, tolerance=1.0) == []
    plt.close(fig)


# -- text on text -----------------------------------------------------------------------------------
def test_overlapping_labels_are_caught(fig_ax):
    fig, ax = fig_ax
    ax.text(0.4, 0.5, "first label", transform=ax.transAxes)
    ax.text(0.45, 0.5, "second label", transform=ax.transAxes)
    problems = check_layout(fig)
    assert [p.kind for p in problems] == ["text-overlap"]
    assert "first label" in problems[0].message and "second label" in problems[0].message


def test_crowded_tick_labels_are_caught():
    with style_context():
        fig, ax = plt.subplots(figsize=(2, 2))
    ax.set_xticks(np.arange(10), [f"label {i}" for i in range(10)])
    assert "text-overlap" in kinds(fig)
    plt.close(fig)


def test_separate_labels_and_empty_or_hidden_texts_pass(fig_ax):
    fig, ax = fig_ax
    ax.text(0.1, 0.5, "left label", transform=ax.transAxes)
    ax.text(0.6, 0.5, "right label", transform=ax.transAxes)
    ax.text(0.12, 0.5, "", transform=ax.transAxes)  # empty: nothing drawn
    ax.text(0.15, 0.5, "hidden", transform=ax.transAxes).set_visible(False)
    ax.set_xlim(0, 1000)  # tick labels outside the view limits are not drawn
    assert check_layout(fig) == []


def test_check_at_another_dpi_restores_the_figure(fig_ax):
    fig, ax = fig_ax
    ax.plot([0, 1], [0, 1], label="diagonal")
    ax.legend(loc="center")
    before = fig.dpi
    assert kinds(fig, dpi=150) == ["legend-on-data"]
    assert kinds(fig, dpi=72) == ["legend-on-data"]
    assert fig.dpi == before


# -- save_figure enforces it -----------------------------------------------------------------
def test_save_figure_fails_on_a_layout_problem_and_names_it(tmp_path):
    with style_context():
        fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], "o-", label="diagonal")
    ax.legend(loc="center")
    with pytest.raises(repro.LayoutError) as err:
        repro.save_figure(fig, tmp_path / "bad", close=False)
    message = str(err.value)
    assert "'bad'" in message and "legend-on-data" in message and "'diagonal'" in message
    assert (tmp_path / "bad.png").exists()  # written, so that it can be looked at
    assert repro.save_figure(fig, tmp_path / "unchecked", check=False)
    plt.close(fig)


def test_save_figure_passes_a_clean_figure(tmp_path):
    with style_context():
        fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], "o-", label="diagonal")
    ax.set_xlabel("x")
    legend_below(ax)
    assert len(repro.save_figure(fig, tmp_path / "good")) == 3


# -- every plot function's own figure passes -----------------------------------------------
def _trend_fit():
    from conflictstats.trends import fit_trend

    y = [20, 22, 21, 25, 24, 27, 26, 30, 29, 31, 33, 32, 35, 34, 38, 37, 40, 39]
    return fit_trend(y, dates="2017-01")


def _figures():
    from conflictstats.mse import loglinear
    from conflictstats.proportions import compare_proportions, count_ratio, multinomial_ci
    from conflictstats.rates import claim_check, compare_rates
    from conflictstats.reported import parse_figure
    from conflictstats.trends import find_changepoints

    fit = _trend_fit()
    y = [10, 12, 9, 11, 10, 13, 11, 9, 40, 38, 42, 41, 39, 44, 40, 37]
    yield "trend", plots.trend(fit, forecast=fit.forecast(6, rng=1), title="a trend")
    yield "changepoints", plots.changepoints(find_changepoints(y, dates="2018-01", min_segment=4))
    yield "claim_check", plots.claim_check(claim_check(75, 11, 60, 12), mark={"reference": 7.3})
    yield (
        "rate_comparison",
        plots.rate_comparison(
            [compare_rates(900, 12, 720, 12, method=m) for m in ("exact-cond", "score")]
        ),
    )
    yield (
        "ratio_forest",
        plots.ratio_forest(
            [
                count_ratio([827, 50], [481, 79]),
                compare_proportions(50, 129, 777, 1179, compare="odds-ratio"),
            ],
            labels=["campaign", "breakout", "breakout / rest"],
        ),
    )
    yield (
        "composition",
        plots.composition(
            multinomial_ci(
                [[50, 79, 30], [827, 481, 308]], categories=["a", "b", "c"], reports=["x", "y"]
            )
        ),
    )
    yield (
        "reported_ranges",
        plots.reported_ranges(
            [
                parse_figure("about 7,000", unit="civilians", source="UN"),
                parse_figure("up to 75 a month", unit="attacks"),
                parse_figure("a year", unit="year"),
                parse_figure("three months", unit="months"),
                parse_figure("most", unit="share"),
            ]
        ),
    )
    yield (
        "mse_models",
        plots.mse_models(
            loglinear({"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28})
        ),
    )


@pytest.mark.parametrize(
    "name",
    [
        "trend",
        "changepoints",
        "claim_check",
        "rate_comparison",
        "ratio_forest",
        "composition",
        "reported_ranges",
        "mse_models",
    ],
)
def test_plot_functions_draw_clean_layouts(name):
    ax = dict(_figures())[name]
    try:
        assert check_layout(ax.figure, dpi=150) == []
        assert check_layout(ax.figure, dpi=72) == []
    finally:
        plt.close("all")


def test_ratio_forest_names_every_kind_of_ratio():
    from conflictstats.proportions import compare_proportions, count_ratio

    ax = plots.ratio_forest(
        [count_ratio([827], [481]), compare_proportions(50, 129, 777, 1179, compare="odds-ratio")]
    )
    label = ax.get_xlabel()
    assert "count ratio" in label and "odds ratio" in label
    plt.close("all")


def test_claim_check_puts_the_p_value_level_on_its_own_panel():
    from conflictstats.rates import claim_check

    ax = plots.claim_check(claim_check(75, 11, 60, 12, alternative="larger"))
    top, bottom = ax.figure.axes
    assert top is ax and bottom.get_ylabel() == "p-value"

    # the level line (p = 0.05) is drawn on the p-value panel, not across the rate ratios
    def level_lines(axes):
        return [line for line in axes.lines if np.allclose(line.get_ydata(), 0.05)]

    assert level_lines(bottom) and not level_lines(top)
    plt.close("all")


@pytest.mark.parametrize("width", [3.0, 4.0, 6.4])
def test_trend_and_changepoints_read_cleanly_on_narrow_panels(width):
    """Default titles wrap and date ticks stay compact, whatever the panel's width."""
    from conflictstats.trends import find_changepoints

    y = [10, 12, 9, 11, 10, 13, 11, 9, 40, 38, 42, 41, 39, 44, 40, 37]
    try:
        ax = plots.changepoints(
            find_changepoints(y, dates="2018-01", min_segment=4),
            ax=plots.get_ax(figsize=(width, 3.5)),
        )
        assert check_layout(ax.figure, dpi=150) == []
        fit = _trend_fit()
        ax = plots.trend(
            fit, forecast=fit.forecast(6, rng=1), ax=plots.get_ax(figsize=(width, 3.5))
        )
        assert check_layout(ax.figure, dpi=150) == []
    finally:
        plt.close("all")
