"""Plots for reported figures: each figure's interval, grouped by subject; a propagated
quantity under several readings of its figures."""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt

from ._base import get_ax, interval_label, style_context

__all__ = ["reported_ranges", "rule_sensitivity"]


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


# Durations are drawn in months, whatever unit each phrase used ("a year" next to "three months").
_MONTHS_PER = {
    "year": 12.0,
    "years": 12.0,
    "month": 1.0,
    "months": 1.0,
    "week": 12.0 / 52.1775,
    "weeks": 12.0 / 52.1775,
    "day": 12.0 / 365.25,
    "days": 12.0 / 365.25,
}
_AREAS = {"km2", "km²", "sq km", "square kilometres", "square kilometers"}
_DISTANCES = {"km", "kilometre", "kilometres", "kilometer", "kilometers"}


def _family(fig: Any) -> tuple[str, float]:
    """The unit family of a figure (the label of its value axis) and the factor to that unit."""
    unit = str(getattr(fig, "unit", None) or "").strip()
    per = str(getattr(fig, "per", None) or "").strip()
    low = unit.lower()
    if per:
        what = "km" if low in _DISTANCES else ("km²" if low in _AREAS else "number")
        return f"rate: {what} per {per}", 1.0
    if low == "share":
        return "share (0 to 1)", 1.0
    if low in _MONTHS_PER:
        return "duration, months", _MONTHS_PER[low]
    if low in _AREAS:
        return "area, km²", 1.0
    if low in _DISTANCES:
        return "distance, km", 1.0
    return "count", 1.0


def reported_ranges(
    figures: Any,
    ax: Any = None,
    *,
    group: str | None = None,
    label: str | None = None,
    log: bool | None = None,
    split: bool = True,
    color: str | None = None,
    **style: Any,
) -> Any:
    """Draw each reported figure as the interval its qualifier implies, grouped by subject.

    Closed intervals are bars with end ticks, open ends ("at least 30") arrows running off the
    axis, exact values points; a dot marks each figure's central value. Rows are grouped by
    subject (one block per group, headed by its name) and labelled by the figure's phrase (with
    its unit in brackets when the phrase does not say it) and its source.

    Figures of different unit families never share a value axis: counts, each kind of rate
    (per month, per week, per day), areas, distances, durations and shares get one panel
    each, stacked in one figure, so that "three months" is never drawn to the right of "a
    year". Durations are converted to months.

    Parameters
    ----------
    figures : list of ReportedFigure or DataFrame
        Figures, or a table from :func:`conflictstats.datasets.read_figures` (with a
        ``figure`` column; ``subject`` and ``source`` columns are used when present).
    ax : matplotlib Axes, optional
        Axes to draw on; a new styled figure (one panel per unit family) when None. A given
        Axes takes figures of one unit family only, unless ``split=False``.
    group, label : str, optional
        Column (or figure attribute) to group by and to label with; default ``subject`` (or
        the unit) and ``source``.
    log : bool, optional
        Logarithmic value axes (figures of different sizes side by side); lower ends of 0
        ("up to 75") then run off the axis to the left as arrows. By default each panel is
        logarithmic when its values span more than a factor of 50. Shares are always linear.
    split : bool
        One panel per unit family (default). False draws every figure on one axis, which is
        only meaningful when they share a unit.
    color : str, optional
        Colour of the intervals (the style's first colour by default).
    **style
        Passed to the interval lines (``linewidth``, ``alpha``, …).

    Returns
    -------
    matplotlib Axes
        The top panel; every panel is in ``ax.figure.axes``.

    Raises
    ------
    ValueError
        No figures, something that is not a reported figure, or an ``ax`` given for figures
        of several unit families with ``split=True``.

    Examples
    --------
    >>> from conflictstats.reported import parse_figure
    >>> from conflictstats.plots import reported_ranges
    >>> figs = [parse_figure("about 7,000", source="UN"), parse_figure("at least 30"),
    ...         parse_figure("about 50 sq km", unit="km2")]
    >>> ax = reported_ranges(figs)
    >>> [a.get_xlabel().splitlines()[0] for a in ax.figure.axes]
    ['count (log scale)', 'area, km² (linear scale)']
    """
    rows = _rows(figures, group, label)
    if not rows:
        raise ValueError("reported_ranges needs at least one figure")
    families: dict[str, list] = {}
    for row in rows:
        families.setdefault(_family(row[2])[0] if split else "", []).append(row)
    if ax is not None and len(families) > 1:
        raise ValueError(
            "figures of several unit families (" + ", ".join(families) + ") cannot share one "
            "axis: pass ax=None for one panel per family, or split=False"
        )
    explain = (
        "bar = interval implied by the qualifier, dot = exact figure, "
        "open circle = central value, arrow = open end"
    )
    with style_context():
        if ax is not None:
            axes = [ax]
        else:
            import matplotlib.pyplot as plt

            heights = [_height(r) for r in families.values()]
            fig = plt.figure(figsize=(9, 0.24 * sum(heights) + 1.0 * len(heights) + 0.5))
            grid = fig.add_gridspec(len(heights), 1, height_ratios=heights)
            axes = [fig.add_subplot(grid[i]) for i in range(len(heights))]
        for a, (name, panel) in zip(axes, families.items()):
            _panel(a, panel, name or "reported number", log, color, style)
        if ax is not None:
            ax.set_xlabel(ax.get_xlabel() + ":\n" + explain.replace(", dot", ",\ndot", 1))
        else:
            axes[-1].figure.supxlabel(explain, fontsize="small")
    return axes[0]


def _height(rows: list) -> float:
    groups = len({g for g, _, _ in rows})
    return len(rows) + 1.6 * groups


def _panel(ax: Any, rows: list, name: str, log: bool | None, color: Any, style: dict) -> None:
    """Draw one unit family's figures on ``ax``."""
    order = {g: i for i, g in reversed(list(enumerate(g for g, _, _ in rows)))}
    rows = sorted(rows, key=lambda r: order[r[0]])  # groups in order of first appearance
    share = name.startswith("share")
    scaled = []
    for g, src, f in rows:
        factor = _family(f)[1] if name.startswith("duration") else 1.0
        scaled.append((g, src, f, f.low * factor, f.value * factor, f.high * factor))
    positive = [
        v for *_, lo, val, hi in scaled for v in (lo, val, hi) if math.isfinite(v) and v > 0
    ]
    if log is None:
        use_log = bool(positive) and max(positive) / min(positive) > 50
    else:
        use_log = log
    use_log = use_log and not share
    finite = [
        v
        for *_, lo, val, hi in scaled
        for v in (lo, val, hi)
        if math.isfinite(v) and (v > 0 or not use_log)
    ]
    if not finite:
        raise ValueError("no finite positive values to plot on a log axis; use log=False")
    lo_data, hi_data = min(finite), max(finite)
    if share:
        xmin, xmax = -0.02, 1.05
    elif use_log:
        xmin, xmax = lo_data / 3, hi_data * 3
    else:
        start = min(lo_data, 0)
        pad = 0.06 * (hi_data - start or abs(hi_data) or 1)
        # an open upper end ("over a year") needs room to be seen running off the axis
        open_end = any(not math.isfinite(hi) for *_, hi in scaled)
        xmin, xmax = start - pad, hi_data + pad * (5 if open_end else 1)

    color = color or plt.rcParams["axes.prop_cycle"].by_key()["color"][0]
    style = {"linewidth": 2.2, "solid_capstyle": "butt", **style}
    y = 0.0
    ticks, ticklabels = [], []
    current = None
    for g, src, f, f_low, f_value, f_high in scaled:
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
        low = f_low if (f_low > 0 or not use_log) else xmin
        high = f_high if math.isfinite(f_high) else xmax
        if f_low == f_high:
            ax.plot([f_value], [y], "o", color=color, markersize=5)
        else:
            ax.plot([low, high], [y, y], color=color, **style)
            if low == f_low:
                ax.plot([low], [y], "|", color=color, markersize=9)
            else:
                ax.plot([low], [y], "<", color=color, markersize=7)
            if math.isfinite(f_high):
                ax.plot([high], [y], "|", color=color, markersize=9)
            else:
                ax.plot([high], [y], ">", color=color, markersize=7)
            ax.plot([f_value], [y], "o", color="white", markeredgecolor=color, markersize=5)
        ticks.append(y)
        text = f.text or f.format()
        unit = getattr(f, "unit", None)
        named = name.startswith(("area", "distance", "duration"))  # the axis gives the unit
        if unit and unit != "share" and not named and unit.lower() not in text.lower():
            text = f"{text} [{unit}]"
        ticklabels.append(f"{text} ({src})" if src else text)
        y += 1.0
    if use_log:
        ax.set_xscale("log")
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(y, -0.8)
    ax.set_yticks(ticks, ticklabels, fontsize="small")
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(f"{name} ({'log' if use_log else 'linear'} scale)")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", which="major", alpha=0.3)


def rule_sensitivity(result: Any, ax: Any = None, **style: Any) -> Any:
    """A propagated quantity under each rule set: one interval per reading, median marked.

    Parameters
    ----------
    result : RuleSensitivity
        From :func:`conflictstats.propagate.sensitivity`.
    ax : matplotlib Axes, optional
        Axes to draw on; a new styled figure when None.
    **style
        Passed to ``Axes.errorbar``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from conflictstats.reported import parse_figure
    >>> from conflictstats.propagate import sensitivity
    >>> from conflictstats.plots import rule_sensitivity
    >>> s = sensitivity(lambda x: x, rng=1, n=2000, x=parse_figure("about 100"), quantity="x")
    >>> [t.get_text() for t in rule_sensitivity(s).get_yticklabels()]
    ['default', 'narrow', 'wide']
    """
    if getattr(result, "rule_set", None) is None:
        raise ValueError(
            f"rule_sensitivity() needs a sensitivity() result, got {type(result).__name__}"
        )
    import numpy as np

    names = [str(r) for r in result.rule_set]
    est = np.asarray(result.estimate, float)
    lo, hi = np.asarray(result.ci_low, float), np.asarray(result.ci_high, float)
    y = np.arange(len(names))[::-1]
    ax = get_ax(ax, figsize=(6.4, 0.45 * len(names) + 1.4))
    with style_context():
        kw = {"fmt": "o", "capsize": 4, "color": "C0", **style}
        ax.errorbar(est, y, xerr=[est - lo, hi - est], **kw)
        ax.set_yticks(y, names)
        ax.set_ylim(-0.6, len(names) - 0.4)
        ax.set_xlabel(
            f"{result.quantity}: median and {interval_label(result.confidence, 'percentile interval')}"
        )
        ax.set_ylabel("rule set")
    return ax
