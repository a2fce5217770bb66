"""Plots for the trends module: a fitted trend with its bands, and changepoints."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd

from ._base import get_ax, interval_label, legend_below, style_context

__all__ = ["trend", "changepoints"]


def _x(periods: Any, n: int) -> Any:
    """Month starts as timestamps when the series has months, else positions."""
    if periods is None:
        return np.arange(n)
    values = np.asarray(periods)
    if values.dtype.kind in "iuf":
        return values
    return pd.PeriodIndex(values, freq="M").to_timestamp()


def _date_axis(ax: Any) -> None:
    """Compact date ticks ("Jul", "2017"): long "2018-01" labels crowd a narrow panel."""
    from matplotlib import dates

    locator = dates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator, show_offset=False))


def _break_x(label: str, has_dates: bool) -> Any:
    return pd.Period(label, freq="M").to_timestamp() if has_dates else float(label)


def trend(
    fit: Any,
    ax: Any = None,
    *,
    forecast: Any = None,
    prediction: bool = True,
    title: str | None = None,
    ylabel: str = "count per month",
    legend: bool = True,
    **style: Any,
) -> Any:
    """Plot a :class:`~conflictstats.trends.TrendFit`: counts, fitted mean, bands and breaks.

    Parameters
    ----------
    fit : TrendFit
        The fitted trend.
    ax : matplotlib Axes, optional
        Where to draw (a new styled figure when None).
    forecast : TrendForecast, optional
        A forecast from ``fit.forecast(...)``, drawn in the shaded future.
    prediction : bool
        Draw the pointwise prediction band for the fitted months.
    title, ylabel : str
        Title and y-axis label.
    legend : bool
        Draw the legend, under the x-axis label (outside the data). Pass False for all but
        one panel of a grid whose panels share their entries, and draw one legend for the
        figure from ``ax.get_legend_handles_labels()``.
    **style
        Passed to the line of the fitted mean.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from conflictstats.trends import fit_trend
    >>> from conflictstats import plots
    >>> fit = fit_trend([20, 22, 21, 25, 24, 27, 26, 30, 29, 31, 33, 32], dates="2017-01")
    >>> ax = plots.trend(fit, forecast=fit.forecast(6, rng=1))
    >>> ax.get_ylabel()
    'count per month'
    """
    ax = get_ax(ax)
    with style_context():
        has_dates = fit.spec.get("start") is not None
        x = _x(fit.period if has_dates else None, fit.size)
        conf_label = interval_label(fit.confidence)
        if prediction:
            band = fit.prediction_band()
            ax.fill_between(
                x,
                band.ci_low,
                band.ci_high,
                step="mid",
                color="C0",
                alpha=0.12,
                lw=0,
                label=f"{interval_label(band.confidence, 'prediction interval')} (counts)",
            )
        ax.fill_between(
            x, fit.ci_low, fit.ci_high, color="C0", alpha=0.35, lw=0, label=f"{conf_label} (mean)"
        )
        ax.plot(x, fit.estimate, color="C0", label=f"fitted mean ({fit.method})", **style)
        ax.plot(x, fit.observed, "o", ms=3, color="0.15", label="observed")
        for i, label in enumerate(fit.spec.get("break_labels", [])):
            ax.axvline(
                _break_x(label, has_dates),
                color="C3",
                ls="--",
                lw=1,
                label="break" if i == 0 else None,
            )
        if forecast is not None:
            fx = _x(forecast.period if has_dates else None, forecast.size)
            if not has_dates:
                fx = fx + fit.size
            ax.axvspan(fx[0], fx[-1], color="0.92", zorder=0, lw=0, label="forecast period")
            ax.fill_between(
                fx,
                forecast.ci_low,
                forecast.ci_high,
                color="C1",
                alpha=0.2,
                lw=0,
                label=f"forecast, {interval_label(forecast.confidence, 'prediction interval')}",
            )
            ax.fill_between(
                fx,
                forecast.mean_ci_low,
                forecast.mean_ci_high,
                color="C1",
                alpha=0.4,
                lw=0,
                label=f"forecast, {interval_label(forecast.confidence)} (mean)",
            )
            ax.plot(fx, forecast.estimate, color="C1", ls="-", label="forecast mean")
        ax.set_ylabel(ylabel)
        ax.set_xlabel("month" if has_dates else "month (position)")
        if has_dates:
            _date_axis(ax)
        ax.set_ylim(bottom=0)
        if title:
            ax.set_title(title)
        if legend:
            legend_below(ax, fontsize="small")
    return ax


def changepoints(
    result: Any,
    ax: Any = None,
    *,
    title: str | None = None,
    ylabel: str = "count per month",
    legend: bool = True,
    **style: Any,
) -> Any:
    """Plot :class:`~conflictstats.trends.Changepoints`: counts, segment fits, break intervals.

    Parameters
    ----------
    result : Changepoints
        From :func:`conflictstats.trends.find_changepoints`.
    ax : matplotlib Axes, optional
        Where to draw.
    title, ylabel : str
        Title and y-axis label; the default title gives the number of breaks and the method,
        wrapped to the width of the axes.
    legend : bool
        Draw the legend, under the x-axis label (outside the data).
    **style
        Passed to the line of the segment fits.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from conflictstats.trends import find_changepoints
    >>> from conflictstats import plots
    >>> y = [10, 12, 9, 11, 10, 13, 11, 9, 40, 38, 42, 41, 39, 44, 40, 37]
    >>> ax = plots.changepoints(find_changepoints(y, dates="2018-01", min_segment=4))
    >>> len(ax.lines) >= 3
    True
    """
    ax = get_ax(ax)
    with style_context():
        has_dates = result.period is not None
        n = len(result.observed)
        x = _x(result.period, n)
        ax.plot(x, result.observed, "o", ms=3, color="0.15", label="observed")
        starts = np.concatenate([[0], np.asarray(result.estimate, int)])
        ends = np.concatenate([np.asarray(result.estimate, int), [n]])
        for j, (s, e) in enumerate(zip(starts, ends)):
            ax.plot(
                x[s:e],
                result.fitted[s:e],
                color="C0",
                lw=2,
                label="segment fit" if j == 0 else None,
                **style,
            )
        label = interval_label(result.confidence, "profile-likelihood interval")
        for i in range(result.size):
            if has_dates:
                at = _break_x(result.date[i], True)
                lo = _break_x(result.date_low[i], True)
                hi = _break_x(result.date_high[i], True) + pd.offsets.MonthEnd(1)
            else:
                at, lo, hi = result.estimate[i], result.ci_low[i], result.ci_high[i] + 1
            ax.axvspan(
                lo, hi, color="C3", alpha=0.15, lw=0, label=f"break, {label}" if i == 0 else None
            )
            ax.axvline(at, color="C3", ls="--", lw=1)
        ax.set_ylabel(ylabel)
        ax.set_xlabel("month" if has_dates else "month (position)")
        if has_dates:
            _date_axis(ax)
        ax.set_ylim(bottom=0)
        ax.set_title(title or _wrap(ax, f"{result.n_breaks} break(s): {result.method}"))
        if legend:
            legend_below(ax, fontsize="small")
    return ax


def _wrap(ax: Any, text: str) -> str:
    """``text`` broken into lines that fit the width of ``ax`` in the title font."""
    import matplotlib.pyplot as plt
    from matplotlib.font_manager import FontProperties

    size = FontProperties(size=plt.rcParams["axes.titlesize"]).get_size_in_points()
    width_pt = ax.get_position().width * ax.figure.get_figwidth() * 72.0
    chars = max(20, int(width_pt / (0.62 * size)))  # DejaVu Sans bold: ~0.62 em a character
    return "\n".join(textwrap.wrap(text, chars))
