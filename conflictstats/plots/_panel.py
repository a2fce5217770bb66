"""Plots for the panel module: one coefficient across the series of a ``fit_trends`` table."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd

from .._validation import InputError
from ..panel import COLUMNS
from ._base import get_ax, interval_label, legend_below, style_context

__all__ = ["panel_trends"]

# Columns of a fit_trends table this plot reads (the series column is the one not listed here).
_NEEDED = ("term", "estimate", "ci_low", "ci_high", "confidence", "converged", "reason")
# every fit_trends column but the series column, whose name the caller chose
_RESULT_COLUMNS = COLUMNS[1:]
_TRANSFORMS = ("exp", None)
_REASON_WIDTH = 70


def _default_label(term: str, transform: str | None) -> str:
    """What the x axis measures, for the terms ``fit_trends`` produces (datetime times)."""
    if term == "trend":
        return "rate ratio per year" if transform else "trend (log rate ratio per year)"
    if term == "intercept":
        return "rate at the panel's first month" if transform else "intercept (log rate)"
    if term.startswith("month[") and term.endswith("]"):
        month = term[6:-1]
        return (
            f"rate ratio, {month} versus January"
            if transform
            else f"log rate ratio, {month} versus January"
        )
    return f"exp({term})" if transform else term


def _series_column(table: pd.DataFrame) -> str:
    missing = [c for c in _NEEDED if c not in table.columns]
    if missing:
        raise InputError(
            "table must be a fit_trends table; it has no column(s) "
            + ", ".join(repr(c) for c in missing)
        )
    others = [c for c in table.columns if c not in _RESULT_COLUMNS]
    if len(others) != 1:
        raise InputError(
            "table must have exactly one series column besides the fit_trends result columns, "
            f"found {others!r}"
        )
    return others[0]


def _short(reason: str) -> str:
    return textwrap.shorten(reason, _REASON_WIDTH, placeholder=" …") if reason else "no reason"


def panel_trends(
    table: Any,
    term: str = "trend",
    *,
    ax: Any = None,
    sort: bool = True,
    label: str | None = None,
    transform: str | None = "exp",
    title: str | None = None,
    **style: Any,
) -> Any:
    """Forest plot of one coefficient across the series of a ``fit_trends`` table.

    Parameters
    ----------
    table : pandas.DataFrame
        The table :func:`conflictstats.panel.fit_trends` returns (one row per series and
        term; its first column names the series).
    term : str
        The coefficient to show: ``"trend"`` (default), ``"intercept"`` or a month effect
        such as ``"month[Jul]"``.
    ax : matplotlib Axes, optional
        Where to draw (a new styled figure, sized to the number of series, when None).
    sort : bool
        Order the series by their estimate, smallest at the top; otherwise keep the table's
        order. Series without an estimate always come last.
    label : str, optional
        The quantity on the x axis. By default it is worded for datetime times (``"rate ratio
        per year"`` for the exponentiated trend); pass your own for numeric times or
        exposures with a unit. The interval type and confidence level are appended.
    transform : {"exp", None}
        ``"exp"`` shows ``exp(coefficient)`` (rate ratios, on a log axis with the null line
        at 1); None shows the coefficient on its log scale (null line at 0).
    title : str, optional
        Axes title.
    **style
        Passed to ``Axes.errorbar`` for the estimated series (``color``, ``marker``, ...).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    InputError
        If ``table`` lacks a ``fit_trends`` column, ``term`` is not among its terms (the
        message lists those that are), ``transform`` is unknown, or the rows of ``term``
        carry more than one confidence level.

    Notes
    -----
    Each estimated series is a point with its Wald interval (``ci_low`` to ``ci_high``, the
    interval ``fit_trends`` computed; exponentiated with ``transform="exp"``, so an interval
    symmetric on the log scale). Series that ``fit_trends`` could not fit (NaN estimates,
    ``converged`` False) are kept as rows marked "not estimated" with their ``reason``
    shortened to one line; fitted series whose ``reason`` carries a note (NB2 with alpha at
    0, reported as its Poisson fit) are drawn with an open marker.

    References
    ----------
    Lewis, S. and Clarke, M. (2001). Forest plots: trying to see the wood and the trees.
    *BMJ* 322(7300), 1479-1480.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from conflictstats.panel import fit_trends
    >>> from conflictstats import plots
    >>> rng = np.random.default_rng(3)
    >>> mean = {"A": 20 * 0.5 ** (np.arange(36) / 12), "B": np.full(36, 8.0),
    ...         "C": np.zeros(36)}
    >>> df = pd.DataFrame({
    ...     "province": np.repeat(list(mean), 36),
    ...     "month": np.tile(pd.date_range("2016-01-01", periods=36, freq="MS"), 3),
    ...     "events": rng.poisson(np.concatenate(list(mean.values()))),
    ... })
    >>> fits = fit_trends(df, series="province", time="month", count="events")
    >>> ax = plots.panel_trends(fits)
    >>> ax.get_xlabel()
    'rate ratio per year, 95% Wald CI'
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['A', 'B', 'C']
    """
    from matplotlib import ticker

    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"table must be the DataFrame fit_trends returns, got {type(table).__name__}"
        )
    series_col = _series_column(table)
    if transform not in _TRANSFORMS:
        raise InputError(f"unknown transform {transform!r}; choose one of: 'exp', None")
    terms = list(dict.fromkeys(table["term"].astype(str)))
    if term not in terms:
        raise InputError(
            f"term {term!r} is not in the table; available terms: "
            + ", ".join(repr(t) for t in terms)
        )
    rows = table[table["term"] == term]
    levels = pd.unique(rows["confidence"].dropna())
    if len(levels) != 1:
        raise InputError(
            f"the rows of term {term!r} must share one confidence level, found {list(levels)!r}"
        )
    confidence = float(levels[0])

    est = rows["estimate"].to_numpy(dtype=float)
    low = rows["ci_low"].to_numpy(dtype=float)
    high = rows["ci_high"].to_numpy(dtype=float)
    converged = rows["converged"].to_numpy(dtype=bool)
    reasons = rows["reason"].fillna("").astype(str).to_numpy()
    names = rows[series_col].astype(str).to_numpy()
    fitted = np.isfinite(est) & np.isfinite(low) & np.isfinite(high)
    noted = fitted & ((reasons != "") | ~converged)

    order = np.arange(len(rows))
    if sort:
        order = order[np.argsort(np.where(fitted, est, np.inf), kind="stable")]
    else:
        order = np.r_[order[fitted], order[~fitted]]
    y = np.empty(len(rows))
    y[order] = np.arange(len(rows))

    if transform == "exp":
        est, low, high = np.exp(est), np.exp(low), np.exp(high)
    null = 1.0 if transform == "exp" else 0.0
    quantity = label if label is not None else _default_label(term, transform)
    family = ", ".join(str(f) for f in pd.unique(rows["family"])) if "family" in rows else ""
    ci = interval_label(confidence, "Wald CI")

    if ax is None:
        ax = get_ax(figsize=(6.4, 1.3 + 0.3 * max(len(rows), 2)))
    with style_context():
        kw = {"fmt": "o", "color": "C0", "ecolor": "C0", "elinewidth": 1.4, **style}
        plain = fitted & ~noted
        ax.errorbar(
            est[plain],
            y[plain],
            xerr=[est[plain] - low[plain], high[plain] - est[plain]],
            label=f"estimate and {ci}" + (f" ({family})" if family else ""),
            **kw,
        )
        if noted.any():
            ax.errorbar(
                est[noted],
                y[noted],
                xerr=[est[noted] - low[noted], high[noted] - est[noted]],
                label="estimate with a note in 'reason'",
                **{**kw, "mfc": "white"},
            )
        ax.axvline(null, color="0.35", ls="--", lw=1, zorder=1)
        text_at = ax.get_yaxis_transform()  # x in axes fraction, y in data
        for i in np.flatnonzero(~fitted):
            ax.text(
                0.01,
                y[i],
                f"not estimated: {_short(reasons[i])}",
                transform=text_at,
                va="center",
                ha="left",
                fontsize="small",
                color="C1",
                style="italic",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
            )
        ax.set_yticks(y[order], names[order])
        for tick, i in zip(ax.get_yticklabels(), order):
            if not fitted[i]:
                tick.set_color("0.45")
                tick.set_style("italic")
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.grid(False, axis="y")
        if transform == "exp":
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        if fitted.any():
            lo, hi = min(low[fitted].min(), null), max(high[fitted].max(), null)
            if transform == "exp":
                pad = (hi / lo) ** 0.06
                ax.set_xlim(lo / pad, hi * pad)
            else:
                pad = 0.06 * (hi - lo) or 0.5
                ax.set_xlim(lo - pad, hi + pad)
        ax.set_xlabel(f"{quantity}, {ci}")
        if title:
            ax.set_title(title)
        legend_below(ax, fontsize="small")
    return ax
