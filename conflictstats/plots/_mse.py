"""Plots for the mse and heaping modules: per-model estimates, list overlaps, round numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import get_ax, interval_label, legend_below, style_context

__all__ = ["mse_models", "list_overlaps"]


def mse_models(result: Any, ax: Any = None, *, top: int | None = 15, **style: Any) -> Any:
    """Population size per log-linear model, with its interval, sized by weight.

    One row per model (best first, at the top): the estimate as a point whose area grows
    with the model's information-criterion weight, and its profile-likelihood interval; the
    weighted average and its interval as a shaded band; the number observed as a dashed line.

    Parameters
    ----------
    result : LoglinearEstimate
        From :func:`conflictstats.mse.loglinear`.
    ax : matplotlib Axes, optional
        Axes to draw on; a new styled figure when None.
    top : int or None
        Show only the best ``top`` models with an estimate (None: all).
    **style
        Passed to ``Axes.errorbar`` for the per-model intervals.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from conflictstats.mse import loglinear
    >>> from conflictstats.plots import mse_models
    >>> r = loglinear({"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21,
    ...                "111": 28})
    >>> ax = mse_models(r)
    >>> ax.get_xlabel().splitlines()[0]
    'population size (95% CI: profile likelihood per model,'
    """
    table = getattr(result, "models", None)
    if table is None:
        raise ValueError(f"mse_models() needs a loglinear() result, got {type(result).__name__}")
    rows = table[table["status"] != "no estimate"]
    if top is not None:
        rows = rows.head(top)
    k = len(rows)
    y = np.arange(k)[::-1]
    est = rows["estimate"].to_numpy(float)
    lo = rows["ci_low"].to_numpy(float)
    hi = rows["ci_high"].to_numpy(float)
    hi_draw = np.where(np.isfinite(hi), hi, np.nanmax(np.r_[est, lo]) * 2)
    weight = rows["weight"].to_numpy(float)
    with style_context():
        ax = get_ax(ax, figsize=(6.4, 2.2 + 0.3 * k))
        ax.axvspan(
            result.ci_low,
            result.ci_high,
            color="0.88",
            zorder=0,
            label=f"{result.criterion.upper()}-weighted average, {interval_label(result.confidence)}",
        )
        ax.axvline(result.estimate, color="0.45", lw=1.0, zorder=1)
        ax.axvline(
            result.observed,
            color="0.2",
            ls="--",
            lw=1.0,
            label=f"observed ({result.observed:,.0f})",
        )
        ax.errorbar(
            est,
            y,
            xerr=np.vstack([est - lo, hi_draw - est]),
            fmt="none",
            ecolor="C0",
            zorder=2,
            **style,
        )
        ax.scatter(
            est,
            y,
            s=12 + 200 * weight,
            color="C0",
            zorder=3,
            label="model estimate (area ∝ weight)",
        )
        labels = [
            f"{m}  w={w:.2f}" + (" (boundary)" if s == "boundary" else "")
            for m, w, s in zip(rows["model"], weight, rows["status"], strict=True)
        ]
        ax.set_yticks(y, labels)
        ax.set_ylim(-0.8, k - 0.2)
        ax.set_xlabel(
            f"population size ({interval_label(result.confidence)}: profile likelihood per "
            "model,\nlog-normal for the average)"
        )
        lists = ", ".join(f"{a} = {b}" for a, b in result.lists.items())
        ax.set_title(f"Log-linear models ranked by {result.criterion.upper()}\n{lists}", loc="left")
        legend_below(ax, ncol=1)
    return ax


def list_overlaps(histories: Any, ax: Any = None, **style: Any) -> Any:
    """How many people each combination of lists recorded (an UpSet-style bar chart).

    Bars give the count of each observed capture history, largest first; the dot matrix
    under them shows which lists the history includes.

    Parameters
    ----------
    histories : mapping, DataFrame or LoglinearEstimate
        Capture-history counts as accepted by :func:`conflictstats.mse.capture_histories`,
        or a :func:`conflictstats.mse.loglinear` result (its ``histories``).
    ax : matplotlib Axes, optional
        Axes to draw on; a new styled figure when None.
    **style
        Passed to ``Axes.bar``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from conflictstats.plots import list_overlaps
    >>> ax = list_overlaps({"110": 12, "101": 7, "011": 3, "100": 20, "010": 9, "001": 4})
    >>> ax.get_ylabel()
    'people recorded'
    """
    from ..mse import capture_histories

    table = getattr(histories, "histories", None)
    if table is None:
        table = capture_histories(histories)
    names = table.attrs.get("lists") or list(getattr(histories, "lists", {}).values())
    table = table[table > 0].sort_values(ascending=False, kind="mergesort")
    k = len(names)
    x = np.arange(len(table))
    with style_context():
        ax = get_ax(ax, figsize=(max(6.4, 0.35 * len(table) + 2), 4.2))
        top = float(table.max())
        ax.bar(x, table.to_numpy(), color="C0", **style)
        for xi, v in zip(x, table.to_numpy(), strict=True):
            ax.text(xi, v, f"{v:,.0f}", ha="center", va="bottom", fontsize="small")
        # dot matrix below the bars, in data coordinates under zero
        row_h = top * 0.09
        for j in range(k):
            yj = -row_h * (j + 1)
            on = np.array([key[j] == "1" for key in table.index])
            ax.scatter(x[~on], np.full((~on).sum(), yj), s=18, color="0.85", zorder=3)
            ax.scatter(x[on], np.full(on.sum(), yj), s=24, color="0.15", zorder=3)
        for xi, key in zip(x, table.index, strict=True):
            rows = [-row_h * (j + 1) for j in range(k) if key[j] == "1"]
            if len(rows) > 1:
                ax.plot([xi, xi], [min(rows), max(rows)], color="0.15", lw=1.2, zorder=2)
        ax.set_ylim(-row_h * (k + 0.7), top * 1.12)
        ticks = [t for t in ax.get_yticks() if 0 <= t <= top * 1.12]
        ax.set_yticks(
            ticks + [-row_h * (j + 1) for j in range(k)], [f"{t:,.0f}" for t in ticks] + list(names)
        )
        ax.axhline(0, color="0.3", lw=0.8)
        ax.set_xticks([])
        ax.set_xlim(-0.7, len(table) - 0.3)
        ax.set_ylabel("people recorded")
        ax.set_title(
            f"Capture histories: {table.sum():,.0f} people on at least one list", loc="left"
        )
    return ax
