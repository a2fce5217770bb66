"""Plots of heaping audits (:mod:`conflictstats.heaping`): digit shares and round-number excess."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import get_ax, interval_label, style_context

__all__ = ["heaping"]


def heaping(result: Any, ax: Any = None, **style: Any) -> Any:
    """Round-number or last-digit audit: observed against expected under no heaping.

    For a :class:`~conflictstats.heaping.RoundNumberTest` (one or more bases): per base the
    observed share of multiples with its interval and the share expected from smooth counts
    (1/base), on a log scale. For a :class:`~conflictstats.heaping.DigitPreference`: the count
    of each final digit against the uniform expectation.

    Parameters
    ----------
    result : RoundNumberTest or DigitPreference
        From :func:`conflictstats.heaping.round_number_test` (1-D over bases, or scalar) or
        :func:`conflictstats.heaping.digit_preference` (one data set).
    ax : matplotlib Axes, optional
        Axes to draw on; a new styled figure when None.
    **style
        Passed to ``Axes.errorbar`` (round numbers) or ``Axes.bar`` (digits).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from conflictstats.heaping import round_number_test
    >>> from conflictstats.plots import heaping
    >>> r = round_number_test([827, 481, 308, 50, 79, 30, 7000, 2000, 30000, 75], base="ladder")
    >>> heaping(r).get_ylabel()
    'share of values that are multiples (95% CI)'
    """
    if hasattr(result, "digit_counts"):
        return _digit_plot(result, ax, **style)
    if not hasattr(result, "n_eligible"):
        raise ValueError(
            "heaping() needs a round_number_test() or digit_preference() result, got "
            f"{type(result).__name__}"
        )
    base = np.atleast_1d(np.asarray(result.base, float))
    if base.ndim > 1 or np.ndim(result.estimate) > 1:
        raise ValueError("heaping() draws one data set: pass a 1-D round_number_test() result")
    est = np.atleast_1d(np.asarray(result.estimate, float))
    lo = np.atleast_1d(np.asarray(result.ci_low, float))
    hi = np.atleast_1d(np.asarray(result.ci_high, float))
    p = np.atleast_1d(np.asarray(result.pvalue, float))
    n = np.atleast_1d(np.asarray(result.n_eligible, float))
    x = np.arange(len(base))
    with style_context():
        ax = get_ax(ax, figsize=(6.4, 4.0))
        ax.scatter(
            x,
            1 / base,
            marker="_",
            s=400,
            color="0.3",
            zorder=2,
            label="expected from smooth counts (1/base)",
        )
        ax.errorbar(
            x,
            est,
            yerr=np.vstack([est - lo, hi - est]),
            fmt="o",
            color="C0",
            zorder=3,
            label="observed share",
            **style,
        )
        for xi, e, pv, ni in zip(x, est, p, n, strict=True):
            text = "p < 0.001" if pv < 0.001 else f"p = {pv:.3f}"
            ax.annotate(
                f"{text}\nn = {ni:.0f}",
                (xi, e),
                xytext=(6, 0),
                textcoords="offset points",
                fontsize="small",
                va="center",
            )
        ax.set_yscale("log")
        ax.set_xticks(x, [f"{b:,.0f}" for b in base])
        ax.set_xlim(-0.5, len(base) - 0.2)
        ax.set_xlabel("base (value is a multiple of)")
        ax.set_ylabel(f"share of values that are multiples ({interval_label(result.confidence)})")
        ax.set_title(
            "Round numbers: observed vs expected share\n(one-sided exact binomial p)", loc="left"
        )
        ax.legend(loc="lower left")
    return ax


def _digit_plot(result: Any, ax: Any, **style: Any) -> Any:
    counts = np.asarray(result.digit_counts, float)
    if counts.ndim != 1:
        raise ValueError("heaping() draws one data set: pass a 1-D digit_preference() result")
    n = counts.sum()
    with style_context():
        ax = get_ax(ax, figsize=(6.4, 3.6))
        ax.bar(
            np.arange(10), counts, color=["C1" if d in (0, 5) else "C0" for d in range(10)], **style
        )
        ax.axhline(n / 10, color="0.3", ls="--", lw=1.0, label="expected with no preference")
        ax.set_xticks(np.arange(10))
        ax.set_xlabel("last digit (values of 10 or more)")
        ax.set_ylabel("number of values")
        p = result.pvalue
        ptext = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
        ax.set_title(
            f"Last digits: chi-square {result.statistic:.1f} on 9 df, {ptext}\n"
            f"Whipple-type index {result.whipple:.0f} ({result.level})",
            loc="left",
        )
        ax.legend(loc="upper right")
    return ax
