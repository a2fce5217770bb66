"""Plots for reported figures: each figure's interval, grouped by subject."""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt

from ._base import get_ax, style_context

__all__ = ["reported_ranges"]


def _rows(figures: Any, group: str | None, label: str | None) -> list[tuple[str, str, Any]]:
    """(group, label, figure) for each figure, from a read_figures table or a list."""
    if hasattr(figures, "columns"):
        if "figure" not in figures.columns:
            raise ValueError("figures must be ReportedFigure objects or a read_figures() table")
        group = group or ("subject" if "subject" in figures.columns else None)
        label = label or ("source" if "source" in figures.columns else None)
        out = []
        for _, row in figures.iterrows():
            fig = row["figure"]
            g = str(row[group]) if group else (fig.unit or "")
            src = str(row[label]) if label else (fig.source or "")
            out.append((g, src, fig))
        return out
    out = []
    for fig in figures:
        if not hasattr(fig, "low") or not hasattr(fig, "high"):
            raise ValueError(f"not a reported figure: {fig!r}")
        g = str(getattr(fig, group)) if group else (fig.unit or "")
        src = str(getattr(fig, label)) if label else (fig.source or "")
        out.append((g or "", src or "", fig))
    return out


def reported_ranges(
    figures: Any,
    ax: Any = None,
    *,
    group: str | None = None,
    label: str | None = None,
    log: bool = True,
    color: str | None = None,
    **style: Any,
) -> Any:
    """Draw each reported figure as the interval its qualifier implies, grouped by subject.

    Closed intervals are bars with end ticks, open ends ("at least 30") arrows running off the
    axis, exact values points; a dot marks each figure's central value. Rows are grouped by
    subject (one block per group, headed by its name) and labelled by the figure's phrase (with
    its unit in brackets when the phrase does not say it) and its source.

    Parameters
    ----------
    figures : list of ReportedFigure or DataFrame
        Figures, or a table from :func:`conflictstats.datasets.read_figures` (with a
        ``figure`` column; ``subject`` and ``source`` columns are used when present).
    ax : matplotlib Axes, optional
        Axes to draw on; a new styled figure when None.
    group, label : str, optional
        Column (or figure attribute) to group by and to label with; default ``subject`` (or
        the unit) and ``source``.
    log : bool
        Logarithmic value axis (figures of different sizes side by side); lower ends of 0
        ("up to 75") then run off the axis to the left as arrows.
    color : str, optional
        Colour of the intervals (the style's first colour by default).
    **style
        Passed to the interval lines (``linewidth``, ``alpha``, …).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from conflictstats.reported import parse_figure
    >>> from conflictstats.plots import reported_ranges
    >>> figs = [parse_figure("about 7,000", source="UN"), parse_figure("at least 30")]
    >>> ax = reported_ranges(figs)
    >>> len(ax.get_yticklabels())
    2
    """
    rows = _rows(figures, group, label)
    if not rows:
        raise ValueError("reported_ranges needs at least one figure")
    order = {g: i for i, g in reversed(list(enumerate(g for g, _, _ in rows)))}
    rows = sorted(rows, key=lambda r: order[r[0]])  # groups in order of first appearance
    finite = [
        v
        for _, _, f in rows
        for v in (f.low, f.value, f.high)
        if math.isfinite(v) and (v > 0 or not log)
    ]
    if not finite:
        raise ValueError("no finite positive values to plot on a log axis; use log=False")
    lo_data, hi_data = min(finite), max(finite)
    if log:
        xmin, xmax = lo_data / 3, hi_data * 3
    else:
        pad = 0.08 * (hi_data - lo_data or abs(hi_data) or 1)
        xmin, xmax = min(lo_data, 0) - pad, hi_data + pad

    with style_context():
        n_lines = len(rows) + 1.6 * len(order)
        ax = get_ax(ax, figsize=(9, 0.24 * n_lines + 1.3))
        color = color or plt.rcParams["axes.prop_cycle"].by_key()["color"][0]
        style = {"linewidth": 2.2, "solid_capstyle": "butt", **style}
        y = 0.0
        ticks, ticklabels = [], []
        current = None
        for g, src, f in rows:
            if g != current:
                if current is not None:
                    y += 0.6
                ax.text(
                    0.0,
                    y,
                    g,
                    transform=ax.get_yaxis_transform(),
                    ha="left",
                    va="center",
                    fontweight="bold",
                    fontsize="small",
                )
                y += 1.0
                current = g
            low = f.low if (f.low > 0 or not log) else xmin
            high = f.high if math.isfinite(f.high) else xmax
            if f.low == f.high:
                ax.plot([f.value], [y], "o", color=color, markersize=5)
            else:
                ax.plot([low, high], [y, y], color=color, **style)
                if low == f.low:
                    ax.plot([low], [y], "|", color=color, markersize=9)
                else:
                    ax.plot([low], [y], "<", color=color, markersize=7)
                if math.isfinite(f.high):
                    ax.plot([high], [y], "|", color=color, markersize=9)
                else:
                    ax.plot([high], [y], ">", color=color, markersize=7)
                ax.plot([f.value], [y], "o", color="white", markeredgecolor=color, markersize=5)
            ticks.append(y)
            text = f.text or f.format()
            unit = getattr(f, "unit", None)
            if unit and unit != "share" and unit.lower() not in text.lower():
                text = f"{text} [{unit}]"
            ticklabels.append(f"{text} ({src})" if src else text)
            y += 1.0
        if log:
            ax.set_xscale("log")
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(y, -0.8)
        ax.set_yticks(ticks, ticklabels, fontsize="small")
        ax.tick_params(axis="y", length=0)
        scale = "log scale" if log else "linear scale"
        ax.set_xlabel(
            f"reported number ({scale}): bar = interval implied by the qualifier,\n"
            "dot = exact figure, open circle = central value, arrow = open end"
        )
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", which="major", alpha=0.3)
    return ax
