"""Plots for the fatalities module: several intervals for the same quantities, side by side."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib import ticker

from ._base import get_ax, interval_label, legend_below, style_context

__all__ = ["interval_comparison"]


def _rows(result: Any, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    try:
        est, lo, hi = (
            np.atleast_1d(np.asarray(getattr(result, f), dtype=float))
            for f in ("estimate", "ci_low", "ci_high")
        )
    except AttributeError:
        raise ValueError(
            f"interval_comparison() needs results with estimate, ci_low and ci_high; "
            f"{name!r} is a {type(result).__name__}"
        ) from None
    return est, lo, hi


def interval_comparison(
    results: Mapping[str, Any],
    ax: Any = None,
    *,
    groups: Any = None,
    xlabel: str | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
    percent: bool = False,
    log: bool = False,
    legend_cols: int | None = None,
    **style: Any,
) -> Any:
    """Forest-style plot of one quantity per group under several intervals, side by side.

    Each group (e.g. a year) is a row block on the vertical axis; within it, one point and
    interval per entry of ``results``, in the style's colours, so that a binomial interval, an
    event-clustered interval and one that adds the fatality model's uncertainty can be read
    against each other. The legend sits below the axes, off the data, and names each interval
    with its confidence level.

    Parameters
    ----------
    results : mapping of str to result
        Interval name -> a result of the family (``estimate``, ``ci_low``, ``ci_high``,
        ``confidence``), all with one element per group, e.g. ``{"binomial (Wilson)":
        proportion_ci(...), "events as clusters": clustered_share(..., groups=year)}``.
    ax : matplotlib Axes, optional
        Axes to draw on; a new styled figure when None.
    groups : sequence, optional
        One label per group (default: the first result's ``group`` field, else 1, 2, ...).
    xlabel : str, optional
        Axis label (the quantity and its unit); default the first result's ``quantity``.
    reference : float, optional
        A value to mark with a dashed vertical line (e.g. 1 for a ratio of equal losses).
    reference_label : str, optional
        Legend entry for the reference line (e.g. the value a report gives).
    percent : bool
        Show the values in percent (for shares).
    log : bool
        Logarithmic value axis (for ratios).
    legend_cols : int, optional
        Columns of the legend (default: as :func:`legend_below` chooses); 0 draws no legend
        (for a figure-level legend shared by several panels).
    **style
        Passed to ``Axes.errorbar`` (``markersize``, ``elinewidth``, ...).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        No results, a result without an interval, results of different lengths, or
        ``groups`` of the wrong length.

    Examples
    --------
    >>> from conflictstats.proportions import proportion_ci
    >>> from conflictstats.fatalities import clustered_share
    >>> from conflictstats.plots import interval_comparison
    >>> civ, deaths, year = [0, 9, 1, 40, 0, 3], [5, 10, 2, 60, 4, 3], [1, 1, 1, 2, 2, 2]
    >>> ax = interval_comparison(
    ...     {"binomial": proportion_ci([10, 43], [17, 67]),
    ...      "events as clusters": clustered_share(civ, deaths, groups=year)},
    ...     xlabel="civilians' share of deaths", percent=True)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['binomial (95% CI)', 'events as clusters (95% CI)']
    """
    if not isinstance(results, Mapping) or len(results) == 0:
        raise ValueError("results must be a non-empty mapping of interval name to result")
    rows = {name: _rows(r, name) for name, r in results.items()}
    sizes = {name: r[0].size for name, r in rows.items()}
    k = next(iter(sizes.values()))
    if any(s != k for s in sizes.values()):
        raise ValueError(f"results must have one element per group each, got sizes {sizes}")
    first = next(iter(results.values()))
    if groups is None:
        labelled = [r for r in results.values() if getattr(r, "group", None) is not None]
        groups = labelled[0].group if labelled else None
        groups = list(range(1, k + 1)) if groups is None else list(np.atleast_1d(groups))
    groups = [str(g) for g in groups]
    if len(groups) != k:
        raise ValueError(f"groups must name the {k} groups, got {len(groups)}")
    scale = 100.0 if percent else 1.0
    m = len(rows)
    with style_context():
        ax = get_ax(ax, figsize=(6.4, 1.2 + 0.28 * k * m))
        step = 0.8 / m
        for i, (name, (est, lo, hi)) in enumerate(rows.items()):
            y = np.arange(k) - 0.4 + step * (i + 0.5)
            conf = getattr(results[name], "confidence", 0.95)
            kind = getattr(type(results[name]), "interval_label", "CI")
            ax.errorbar(
                est * scale,
                y,
                xerr=np.vstack([est - lo, hi - est]) * scale,
                fmt="o",
                label=f"{name} ({interval_label(conf, kind)})",
                **style,
            )
        if reference is not None:
            ax.axvline(
                reference * scale,
                color="0.4",
                linewidth=0.8,
                linestyle="--",
                zorder=0,
                label=reference_label,
            )
        if log:
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_minor_locator(ticker.NullLocator())
            ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_yticks(np.arange(k), groups)
        ax.set_ylim(k - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        label = xlabel if xlabel is not None else str(getattr(first, "quantity", "estimate"))
        ax.set_xlabel(f"{label}, %" if percent and "%" not in label else label)
        if legend_cols == 0:
            return ax
        legend_below(ax, ncol=legend_cols)
    return ax
