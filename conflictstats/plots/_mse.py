"""Plots for the mse module: per-model estimates, list overlaps, posteriors of the total."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from ._base import get_ax, interval_label, legend_below, style_context

__all__ = ["mse_models", "list_overlaps", "mse_posteriors", "mse_model_posterior"]


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


def _posterior_density(item: Any) -> tuple[np.ndarray, np.ndarray, str]:
    """(x, density per unit of N, kind) from a grid posterior or from posterior draws."""
    posterior = getattr(item, "posterior", None)
    draws = getattr(item, "draws", None)
    if posterior is None and draws is None:
        if hasattr(item, "columns"):
            posterior = item
        else:
            draws = item
    if posterior is not None:
        N = np.asarray(posterior["N"], dtype=float)
        prob = np.asarray(posterior["probability"], dtype=float)
        return N, prob, "grid"
    values = np.asarray(draws, dtype=float).ravel()
    if values.size < 2 or not np.all(np.isfinite(values)):
        raise ValueError("mse_posteriors(): draws must be a 1-d array of finite values")
    lo, hi = np.quantile(values, [0.0005, 0.9995])
    bins = np.histogram_bin_edges(values[(values >= lo) & (values <= hi)], bins="fd")
    if len(bins) > 200:
        bins = np.linspace(bins[0], bins[-1], 201)
    density, edges = np.histogram(values, bins=bins, density=True)
    return 0.5 * (edges[:-1] + edges[1:]), density, "draws"


def mse_posteriors(
    results: Any,
    ax: Any = None,
    *,
    observed: float | None = None,
    labels: Any = None,
    mass: float = 0.999,
    **style: Any,
) -> Any:
    """Posterior of the total N from several estimators on one axis, the observed count marked.

    Each method is a curve of posterior probability per unit of N: a grid posterior (as from
    :func:`conflictstats.mse.bma` or :func:`conflictstats.mse.stratified`) as a line through
    its grid, posterior draws (as from a sampler such as ``mse.lcmcr``) as a histogram
    density, so grids and draws share one scale. A tick under each curve marks its median and
    a bar its equal-tailed interval.

    Parameters
    ----------
    results : result, DataFrame, array or mapping/sequence of them
        One or more of: a result with ``posterior`` (DataFrame ``N``, ``probability``) or
        ``draws`` (1-d array); a DataFrame with those columns; an array of draws. A mapping
        gives the labels (``{"BMA": r1, "LCMCR": r2}``).
    ax : matplotlib Axes, optional
        Axes to draw on; a new styled figure when None.
    observed : float, optional
        The number on at least one list; default the first result's ``observed``.
    labels : sequence of str, optional
        Legend labels for a sequence of results (default each result's ``method``).
    mass : float
        The x-axis spans the central ``mass`` of every posterior (default 0.999).
    **style
        Passed to ``Axes.plot`` for every curve.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from conflictstats.mse import bma
    >>> from conflictstats.plots import mse_posteriors
    >>> hav = {"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28}
    >>> ax = mse_posteriors({"delta = 1": bma(hav, delta=1), "delta = 1/8": bma(hav)})
    >>> ax.get_xlabel()
    'total N (posterior; bars: median and 95% credible interval)'
    """
    if isinstance(results, dict):
        items = list(results.values())
        names = [str(k) for k in results]
    else:
        single = (
            hasattr(results, "posterior")
            or hasattr(results, "draws")
            or hasattr(results, "columns")
            or (isinstance(results, np.ndarray) and results.ndim == 1)
        )
        items = [results] if single else list(results)
        names = (
            list(labels)
            if labels is not None
            else [getattr(r, "method", "") or f"method {i + 1}" for i, r in enumerate(items)]
        )
    if not items:
        raise ValueError("mse_posteriors() needs at least one posterior")
    if len(names) != len(items):
        raise ValueError(f"mse_posteriors(): {len(names)} labels for {len(items)} posteriors")
    if observed is None:
        observed = getattr(items[0], "observed", None)
    confidence = getattr(items[0], "confidence", 0.95)
    tail = (1 - confidence) / 2
    curves = [_posterior_density(item) for item in items]
    lows, highs = [], []
    with style_context():
        ax = get_ax(ax, figsize=(6.4, 4.0))
        top = max(float(np.max(d)) for _, d, _ in curves)
        for i, ((x, dens, kind), name) in enumerate(zip(curves, names, strict=True)):
            color = f"C{i % 10}"
            if kind == "grid":
                cdf = np.cumsum(dens)
                ax.plot(x, dens, color=color, lw=1.6, label=name, **style)
            else:
                ax.step(x, dens, where="mid", color=color, lw=1.6, label=name, **style)
                cdf = np.cumsum(dens) / np.sum(dens)
            q = [
                x[min(int(np.searchsorted(cdf, v - 1e-12)), len(x) - 1)]
                for v in (0.5, tail, 1 - tail, (1 - mass) / 2, 1 - (1 - mass) / 2)
            ]
            lows.append(q[3])
            highs.append(q[4])
            yb = -top * (0.05 + 0.06 * i)
            ax.plot([q[1], q[2]], [yb, yb], color=color, lw=2.2, solid_capstyle="butt")
            ax.plot([q[0]], [yb], marker="|", ms=9, mew=2, color=color)
        if observed is not None:
            ax.axvline(
                observed,
                color="0.2",
                ls="--",
                lw=1.0,
                label=f"observed on at least one list ({observed:,.0f})",
            )
            lows.append(observed)
        span = max(highs) - min(lows)
        ax.set_xlim(min(lows) - 0.03 * span, max(highs) + 0.03 * span)
        ax.set_ylim(-top * (0.05 + 0.06 * len(curves)), top * 1.08)
        ax.axhline(0, color="0.5", lw=0.6)
        ax.set_yticks([t for t in ax.get_yticks() if t >= 0])
        ax.set_ylabel("posterior probability per unit of N")
        ax.set_xlabel(
            f"total N (posterior; bars: median and {interval_label(confidence, 'credible interval')})"
        )
        ax.set_title("Posterior of the total, by method", loc="left")
        legend_below(ax, ncol=1)
    return ax


def mse_model_posterior(result: Any, ax: Any = None, *, top: int | None = 15, **style: Any) -> Any:
    """The model posterior table of a Bayesian model average, as a bar chart.

    One bar per decomposable model (best at the top) with its posterior probability; the
    label beside each bar gives the model's own posterior median and interval of the total,
    so that a reader sees which dependence structures carry the average and what each says.

    Parameters
    ----------
    result : BMAEstimate
        From :func:`conflictstats.mse.bma`.
    ax : matplotlib Axes, optional
        Axes to draw on; a new styled figure when None.
    top : int or None
        Show the ``top`` most probable models (None: all); the rest are summed in the title.
    **style
        Passed to ``Axes.barh``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from conflictstats.mse import bma
    >>> from conflictstats.plots import mse_model_posterior
    >>> r = bma({"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28})
    >>> ax = mse_model_posterior(r)
    >>> ax.get_xlabel()
    'posterior probability of the model'
    """
    table = getattr(result, "models", None)
    if table is None or "probability" not in getattr(table, "columns", ()):
        raise ValueError(f"mse_model_posterior() needs a bma() result, got {type(result).__name__}")
    rows = table if top is None else table.head(top)
    k = len(rows)
    y = np.arange(k)[::-1]
    prob = rows["probability"].to_numpy(float)
    rest = float(table["probability"].iloc[k:].sum())
    with style_context():
        ax = get_ax(ax, figsize=(6.4, 1.6 + 0.32 * k))
        ax.barh(y, prob, color="C0", height=0.7, **style)
        for yi, p, med, lo, hi in zip(
            y, prob, rows["median"], rows["ci_low"], rows["ci_high"], strict=True
        ):
            ax.text(
                p,
                yi,
                f"  {p:.3f}   N {med:,.0f} ({lo:,.0f} to {hi:,.0f})",
                va="center",
                fontsize="small",
            )
        ax.set_yticks(y, rows["cliques"])
        ax.set_ylim(-0.7, k - 0.3)
        ax.set_xlim(0, max(1e-9, prob.max()) * 1.9)  # room for the labels
        ax.set_xticks([t for t in ax.get_xticks() if 0 <= t <= 1.0 + 1e-12])
        ax.set_xlabel("posterior probability of the model")
        conf = interval_label(result.confidence, "credible interval")
        lists = ", ".join(f"{a} = {b}" for a, b in result.lists.items())
        more = f"; {len(table) - k} more hold {rest:.3f}" if len(table) > k else ""
        ax.set_title(
            f"Decomposable models by posterior probability{more}\n"
            f"label: probability, the model's median N ({conf})",
            loc="left",
            fontsize="medium",
        )
        ax.text(
            0.0,
            -0.08 - 0.5 / max(k, 1),
            "\n".join(textwrap.wrap(lists, 80)),
            transform=ax.transAxes,
            va="top",
            fontsize="small",
        )
    return ax
