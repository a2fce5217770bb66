"""Plots for the rates module: forest plots of rate comparisons, claim checks by dispersion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._format import format_confidence, format_number
from ._base import get_ax, interval_label, style_context

__all__ = ["rate_comparison", "claim_check"]


def _rows(results: Any, labels: Sequence[str] | None):
    """Flatten results (one, a list, or a dict label -> result) into forest-plot rows."""
    if isinstance(results, Mapping):
        labels = list(results) if labels is None else labels
        results = list(results.values())
    elif not isinstance(results, (list, tuple)):
        results = [results]
    rows = []
    for k, res in enumerate(results):
        n = res.size
        est, lo, hi = (
            np.ravel(np.asarray(getattr(res, f), dtype=float))
            for f in ("estimate", "ci_low", "ci_high")
        )
        for i in range(n):
            if labels is not None and n == 1:
                label = str(labels[k])
            elif labels is not None and len(results) == 1:
                label = str(labels[i])
            elif len(results) > 1 and n == 1:
                label = res.method
            else:
                label = f"{res.method} [{i}]"
            rows.append((label, est[i], lo[i], hi[i]))
    return results, rows


def rate_comparison(results, ax=None, *, labels=None, log=None, **style):
    """Forest plot: the estimate and interval of each comparison (or method), null line.

    Parameters
    ----------
    results : RateComparison, list of RateComparison or dict
        One result (each element a row), several (one row per element; labelled by method
        when scalar), or a dict ``label -> result``.
    ax : matplotlib Axes, optional
        Where to draw (a new styled figure when None).
    labels : sequence of str, optional
        Row labels (top to bottom).
    log : bool, optional
        Log-scale x axis; default True for ratios, False for differences.
    **style
        Passed to the interval lines (``Axes.hlines``), e.g. ``color``, ``linewidth``.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Infinite interval ends (one-sided intervals, a zero count) are drawn to the edge of the
    axis with an arrow head.

    Examples
    --------
    >>> from conflictstats.rates import compare_rates
    >>> from conflictstats.plots import rate_comparison
    >>> res = [compare_rates(900, 12, 720, 12, method=m) for m in ("exact-cond", "score")]
    >>> ax = rate_comparison(res)
    >>> ax.get_xlabel()
    'rate ratio (period 1 / period 2), 95% CI'
    """
    results, rows = _rows(results, labels)
    first = results[0]
    ratio = first.compare == "ratio"
    log = ratio if log is None else log
    conf = first.confidence
    ax = get_ax(ax, figsize=(6.0, 1.0 + 0.45 * len(rows)))
    with style_context():
        y = np.arange(len(rows))[::-1]
        est = np.array([r[1] for r in rows])
        lo = np.array([r[2] for r in rows])
        hi = np.array([r[3] for r in rows])
        finite = np.concatenate([est, lo, hi])
        finite = finite[np.isfinite(finite) & ((finite > 0) if log else True)]
        null = float(np.ravel(np.asarray(first.null, dtype=float))[0])
        finite = np.append(finite, null)
        span_lo, span_hi = finite.min(), finite.max()
        if log:
            pad = (span_hi / span_lo) ** 0.08
            left, right = span_lo / pad, span_hi * pad
            ax.set_xscale("log")
            _plain_log_ticks(ax.xaxis)
            ax.set_xticks(
                [v for v in (0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5, 10) if left <= v <= right]
                or [null]
            )
        else:
            pad = 0.08 * (span_hi - span_lo or 1.0)
            left, right = span_lo - pad, span_hi + pad
        lo_d = np.where(np.isfinite(lo) & ((lo > 0) if log else True), lo, left)
        hi_d = np.where(np.isfinite(hi), hi, right)
        kw = {"color": "C0", "linewidth": 2.0, **style}
        ax.hlines(y, lo_d, hi_d, **kw)
        ax.plot(est, y, "o", color=kw["color"], zorder=3)
        for yy, a, b in zip(y, lo, hi):
            if not np.isfinite(b):
                ax.plot(right, yy, ">", color=kw["color"], clip_on=False)
            if not np.isfinite(a) or (log and a <= 0):
                ax.plot(left, yy, "<", color=kw["color"], clip_on=False)
        ax.axvline(null, color="0.4", linestyle="--", linewidth=1.0, zorder=1)
        ax.set_xlim(left, right)
        ax.set_yticks(y, [r[0] for r in rows])
        what = "rate ratio (period 1 / period 2)" if ratio else "rate difference (1 - 2)"
        ax.set_xlabel(f"{what}, {interval_label(conf)}")
        ax.set_ylim(-0.7, len(rows) - 0.3)
    return ax


def _plain_log_ticks(axis) -> None:
    """Write log-axis ticks as plain numbers (0.5, 1, 2) rather than powers of ten."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: f"{v:g}")
    axis.set_major_formatter(fmt)
    axis.set_minor_formatter(FuncFormatter(lambda v, _pos: ""))


def _marks(mark):
    if mark is None:
        return []
    if isinstance(mark, Mapping):
        return [(str(k), float(v)) for k, v in mark.items()]
    if np.ndim(mark) == 0:
        return [(f"dispersion {format_number(float(mark))}", float(mark))]
    return [(f"dispersion {format_number(float(v))}", float(v)) for v in mark]


class _ClaimRows:
    """A claim-check table (``ClaimCheck.to_frame()``) seen with the result's attributes."""

    def __init__(self, frame):
        for name in ("dispersion", "estimate", "ci_low", "ci_high", "pvalue"):
            setattr(self, name, frame[name].to_numpy(dtype=float))
        first = frame.iloc[0]
        for name in ("confidence", "alternative", "method", "null"):
            setattr(self, name, first[name])
        for name in ("count1", "exposure1", "count2", "exposure2"):
            setattr(self, name, float(first[name]))
        level = 1 - self.confidence
        # the critical dispersion is not in the table: interpolate p on the log-dispersion grid
        p, phi = self.pvalue, self.dispersion
        cross = np.nonzero((p[:-1] < level) & (p[1:] >= level))[0]
        self.critical_dispersion = (
            float(
                np.exp(
                    np.interp(
                        level, p[cross[0] : cross[0] + 2], np.log(phi[cross[0] : cross[0] + 2])
                    )
                )
            )
            if cross.size
            else None
        )


def _as_claim(table):
    return _ClaimRows(table) if hasattr(table, "columns") else table


def claim_check(table, ax=None, *, pvalue_ax=None, mark=None, **style):
    """A claim's rate ratio interval and p-value against the dispersion of the counts.

    Parameters
    ----------
    table : ClaimCheck or pandas.DataFrame
        The result of :func:`conflictstats.rates.claim_check`, or its ``to_frame()`` (then
        the critical dispersion is interpolated between grid values).
    ax : matplotlib Axes, optional
        Where to draw the interval panel. When None, a new styled figure with two panels
        sharing the dispersion axis: the rate ratio on top, the p-value under it (its Axes
        is ``ax.figure.axes[1]``).
    pvalue_ax : matplotlib Axes, optional
        Where to draw the p-value when ``ax`` is given; without it the p-value goes on a
        twin axis of ``ax`` (right-hand scale), and its level line is named in the legend.
    mark : float, sequence of float or dict, optional
        Reference dispersions to mark with vertical lines: a value, several, or
        ``{"label": value}`` (e.g. ``{"UCDP Iraq, monthly": 7.3}``).
    **style
        Passed to the interval band (``Axes.fill_between``), e.g. ``color``, ``alpha``.

    Returns
    -------
    matplotlib.axes.Axes
        The interval axis.

    Notes
    -----
    The dotted vertical line is the critical dispersion, where the p-value crosses the
    level ``1 - confidence`` (the horizontal dotted line of the p-value panel). The legend
    sits under the lowest panel, outside the data.

    Examples
    --------
    >>> from conflictstats.rates import claim_check as check
    >>> from conflictstats.plots import claim_check
    >>> ax = claim_check(check(75, 12, 60, 12), mark={"reference": 7.3})
    >>> ax.figure.axes[1].get_xlabel()
    'dispersion of counts per period (variance / mean)'
    """
    import matplotlib.pyplot as plt

    from ._base import legend_below

    table = _as_claim(table)
    phi = np.asarray(table.dispersion, dtype=float)
    order = np.argsort(phi)
    phi = phi[order]
    est = np.asarray(table.estimate, dtype=float)[order]
    lo = np.asarray(table.ci_low, dtype=float)[order]
    hi = np.asarray(table.ci_high, dtype=float)[order]
    p = np.asarray(table.pvalue, dtype=float)[order]
    level = 1 - table.confidence
    with style_context():
        if ax is None:
            fig, (ax, pvalue_ax) = plt.subplots(
                2, 1, sharex=True, figsize=(6.4, 5.4), height_ratios=[3, 2]
            )
        twin = pvalue_ax is None
        pax = ax.twinx() if twin else pvalue_ax
        kw = {"color": "C0", "alpha": 0.25, **style}
        finite = np.concatenate([est, lo, hi[np.isfinite(hi)]])
        cap = float(finite[finite > 0].max()) * 1.5  # infinite upper ends drawn to here
        top = np.where(np.isfinite(hi), hi, cap)
        sided = "" if table.alternative == "two-sided" else " (one-sided)"
        band = f"rate ratio, {interval_label(table.confidence)}{sided}"
        ax.fill_between(phi, lo, top, label=band, **kw)
        ax.plot(phi, est, "-", color=kw["color"], label="rate ratio (estimate)")
        ax.axhline(
            float(np.ravel(np.asarray(table.null, dtype=float))[0]),
            color="0.4",
            linestyle="--",
            linewidth=1.0,
            label="no change (ratio 1)",
        )
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain_log_ticks(ax.xaxis)
        _plain_log_ticks(ax.yaxis)
        ax.set_yticks(
            [v for v in (0.5, 0.75, 1, 1.25, 1.5, 2, 3) if lo.min() <= v <= top.max()] or [1]
        )
        ax.set_ylabel(band)
        side = (
            "two-sided" if table.alternative == "two-sided" else f"one-sided, {table.alternative}"
        )
        pax.plot(phi, p, "o-", color="C3", label=f"p-value ({side}, {table.method})")
        where = " (right axis)" if twin else ""
        pax.axhline(
            level,
            color="C3",
            linestyle=":",
            linewidth=1.0,
            label=f"p = {format_number(level, 2)}{where}",
        )
        pax.set_ylim(0, max(1.0, float(np.max(p))) * 1.02)
        pax.set_ylabel("p-value", **({"color": "C3"} if twin else {}))
        crit = table.critical_dispersion
        panels = (ax,) if twin else (ax, pax)
        if crit and phi.min() <= crit <= phi.max():
            for a in panels:
                a.axvline(crit, color="C3", linestyle=":", linewidth=1.0)
            # in the p-value panel, above the curve, where no line crosses it
            (ax if twin else pax).annotate(
                f"p = {format_number(level, 2)} at {format_number(crit)}",
                (crit, 0.98),
                xycoords=("data", "axes fraction"),
                xytext=(-2, 0),
                textcoords="offset points",
                rotation=90,
                ha="right",
                va="top",
                fontsize="small",
                color="C3",
            )
        for label, value in _marks(mark):
            for a in panels:
                a.axvline(value, color="0.2", linestyle="-.", linewidth=1.0)
            ax.annotate(
                label,
                (value, 0.98),
                xycoords=("data", "axes fraction"),
                xytext=(-2, 0),
                textcoords="offset points",
                rotation=90,
                ha="right",
                va="top",
                fontsize="small",
                color="0.2",
            )
        bottom = ax if twin else pax
        bottom.set_xlabel("dispersion of counts per period (variance / mean)")
        handles = ax.get_legend_handles_labels()
        extra = pax.get_legend_handles_labels()
        legend_below(
            bottom, handles=handles[0] + extra[0], labels=handles[1] + extra[1], fontsize="small"
        )
        ax.set_title(
            f"{table.count1 / table.exposure1:g} vs "
            f"{table.count2 / table.exposure2:g} per period "
            f"({format_confidence(table.confidence)} level)",
            fontsize="medium",
        )
    return ax
