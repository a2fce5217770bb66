"""Plots for the proportions module: compositions with simultaneous intervals, ratio forests."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import get_ax, interval_label, legend_below, style_context

__all__ = ["composition", "ratio_forest"]


def _shares_of(result: Any) -> Any:
    """The share estimate behind a result: a multinomial result, or a homogeneity test's."""
    shares = getattr(result, "shares", None)
    if shares is not None and hasattr(shares, "ci_low"):
        return shares
    if all(hasattr(result, a) for a in ("estimate", "ci_low", "ci_high")):
        return result
    raise ValueError(
        "composition() needs a multinomial_ci() result or a homogeneity() test, "
        f"got {type(result).__name__}"
    )


def composition(result: Any, ax: Any = None, *, percent: bool = True, **style: Any) -> Any:
    """Shares of a composition with their (simultaneous) intervals, one row per report.

    Each category is a block on the vertical axis; within it, one point and interval per
    report (a 2-D result) in the style's colours, with a legend naming the reports.

    Parameters
    ----------
    result : MultinomialEstimate or HomogeneityTest
        From :func:`conflictstats.proportions.multinomial_ci` (1-D: one report; 2-D: rows are
        reports) or :func:`conflictstats.proportions.homogeneity` (its ``shares``).
    ax : matplotlib Axes, optional
        Axes to draw on; a new styled figure when None.
    percent : bool
        Label the share axis in percent.
    **style
        Passed to ``Axes.errorbar`` (``markersize``, ``elinewidth``, …).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from conflictstats.proportions import multinomial_ci
    >>> from conflictstats.plots import composition
    >>> r = multinomial_ci([[50, 79, 30], [827, 481, 308]], categories=["ISIS", "SDF", "civ."],
    ...                    reports=["Nov 24", "Sep-Dec"])
    >>> ax = composition(r)
    >>> ax.get_xlabel()
    'share of deaths, % (95% simultaneous CI, sison-glaz)'
    """
    shares = _shares_of(result)
    est = np.atleast_2d(np.asarray(shares.estimate, float))
    lo = np.atleast_2d(np.asarray(shares.ci_low, float))
    hi = np.atleast_2d(np.asarray(shares.ci_high, float))
    n_rep, k = est.shape
    cats = getattr(shares, "categories", None) or [f"part {j + 1}" for j in range(k)]
    reps = getattr(shares, "reports", None)
    if reps is None:
        reps = [f"report {i + 1}" for i in range(n_rep)] if n_rep > 1 else [None]
    scale = 100.0 if percent else 1.0
    with style_context():
        ax = get_ax(ax, figsize=(6.4, 1.0 + 0.35 * k * max(n_rep, 1) + 0.4))
        step = 0.8 / max(n_rep, 1)
        for i in range(n_rep):
            y = np.arange(k) - 0.4 + step * (i + 0.5)
            ax.errorbar(
                est[i] * scale,
                y,
                xerr=np.vstack([est[i] - lo[i], hi[i] - est[i]]) * scale,
                fmt="o",
                label=reps[i],
                **style,
            )
        ax.set_yticks(np.arange(k), cats)
        ax.invert_yaxis()
        ax.set_ylim(k - 0.5, -0.5)
        simultaneous = bool(getattr(shares, "simultaneous", True))
        kind = getattr(type(shares), "interval_label", "CI")
        if simultaneous:
            kind = f"simultaneous {kind}"
        label = interval_label(shares.confidence, kind)
        unit = "share of deaths, %" if percent else "share"
        ax.set_xlabel(f"{unit} ({label}, {shares.method})")
        ax.set_xlim(left=0)
        ax.grid(axis="y", visible=False)
        if n_rep > 1:
            legend_below(ax)
    return ax


def _ratio_rows(results: Any, labels: Any) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    items = results if isinstance(results, (list, tuple)) else [results]
    names: list[str] = []
    est, lo, hi = [], [], []
    for r in items:
        e = np.atleast_1d(np.asarray(r.estimate, float))
        est.extend(e)
        lo.extend(np.atleast_1d(np.asarray(r.ci_low, float)))
        hi.extend(np.atleast_1d(np.asarray(r.ci_high, float)))
        if e.size == 1:
            names.append(f"{r.quantity} [{r.method}]")
        else:
            names.extend(f"{r.quantity} {i} [{r.method}]" for i in range(e.size))
    if labels is not None:
        labels = [str(s) for s in labels]
        if len(labels) != len(est):
            raise ValueError(f"labels must name the {len(est)} rows, got {len(labels)}")
        names = labels
    return names, np.array(est), np.array(lo), np.array(hi)


def ratio_forest(
    results: Any,
    ax: Any = None,
    *,
    labels: Any = None,
    null: float = 1.0,
    log: bool = True,
    xlabel: str | None = None,
    **style: Any,
) -> Any:
    """Forest plot of ratios (exchange ratios, risk or odds ratios) with their intervals.

    Parameters
    ----------
    results : Estimate or list of Estimate
        Ratio results (e.g. from :func:`~conflictstats.proportions.count_ratio` or
        :func:`~conflictstats.proportions.compare_proportions`); vectorised results give one
        row per element.
    ax : matplotlib Axes, optional
        Axes to draw on; a new styled figure when None.
    labels : sequence of str, optional
        One label per row (default: quantity and method).
    null : float
        Where to draw the reference line (no difference), default 1.
    log : bool
        Logarithmic ratio axis (default), so that 2 and 1/2 lie equally far from 1.
    xlabel : str, optional
        Axis label; default names the quantity (every kind, "count ratio or odds ratio",
        when the results differ) and the interval.
    **style
        Passed to ``Axes.errorbar``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from conflictstats.proportions import count_ratio
    >>> from conflictstats.plots import ratio_forest
    >>> r = count_ratio([827, 50], [481, 79])
    >>> ax = ratio_forest(r, labels=["Sep-Dec", "Nov 24"])
    >>> ax.get_xscale()
    'log'
    """
    items = results if isinstance(results, (list, tuple)) else [results]
    if not items:
        raise ValueError("ratio_forest() needs at least one result")
    names, est, lo, hi = _ratio_rows(results, labels)
    first = items[0]
    with style_context():
        ax = get_ax(ax, figsize=(6.4, 1.0 + 0.4 * len(names)))
        y = np.arange(len(names))
        shown = np.where(np.isfinite(est), est, np.nan)  # an infinite estimate has no point
        with np.errstate(invalid="ignore"):
            err = np.vstack([shown - lo, np.where(np.isfinite(hi), hi, np.nan) - shown])
        ax.errorbar(shown, y, xerr=np.nan_to_num(err, nan=0.0), fmt="s", **style)
        for yi, e, lo_i, h in zip(y, est, lo, hi, strict=True):
            if not np.isfinite(h):  # an open upper limit runs off the axis
                start = e if np.isfinite(e) else lo_i
                ax.annotate(
                    "",
                    xy=(1, yi),
                    xycoords=("axes fraction", "data"),
                    xytext=(start, yi),
                    arrowprops={"arrowstyle": "->"},
                )
        ax.axvline(null, color="0.4", linewidth=0.8, linestyle="--")
        if log:
            from matplotlib import ticker

            ax.set_xscale("log")
            ax.xaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_yticks(y, names)
        ax.set_ylim(len(names) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        label = interval_label(first.confidence, getattr(type(first), "interval_label", "CI"))
        quantities = list(dict.fromkeys(str(r.quantity) for r in items))
        # one kind of ratio names the axis; several kinds (a count ratio beside an odds ratio)
        # are all named, and the row labels say which row is which
        what = " or ".join(quantities)
        scale = "; log scale" if log else ""
        ax.set_xlabel(xlabel or f"{what} ({label}{scale})")
    return ax
