"""Shared plotting machinery: the bundled style, axes creation, interval labels."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from .._format import format_confidence

__all__ = ["STYLE_FILE", "style_context", "get_ax", "interval_label", "legend_below"]

STYLE_FILE = Path(__file__).with_name("conflictstats.mplstyle")


@contextlib.contextmanager
def style_context(**overrides: Any) -> Iterator[None]:
    """Apply the bundled conflictstats style (plus ``overrides`` rcParams) within a block.

    Examples
    --------
    >>> from conflictstats.plots import style_context
    >>> with style_context():
    ...     import matplotlib.pyplot as plt
    ...     plt.rcParams["font.family"]
    ['DejaVu Sans']
    """
    with plt.style.context(str(STYLE_FILE)), plt.rc_context(overrides):
        yield


def get_ax(ax: Any = None, *, figsize: tuple[float, float] | None = None) -> Any:
    """Return ``ax``, or a new Axes on a new styled figure when ``ax`` is None."""
    if ax is not None:
        return ax
    with style_context():
        fig = plt.figure(figsize=figsize)
        return fig.add_subplot()


def interval_label(confidence: Any, kind: str = "CI") -> str:
    """Axis/legend wording for an interval: ``"95% CI"``."""
    return f"{format_confidence(confidence)} {kind}"


def legend_below(ax: Any, *, ncol: int | None = None, **kwargs: Any) -> Any:
    """Put the legend of ``ax`` under its x-axis label, outside the data.

    A legend inside the axes sooner or later sits on a point, a band or a reference line;
    below the axes it never does, and a constrained layout makes room for it. Call it after
    the x label is set: the gap left under the axes is worked out from the tick labels and
    the number of lines of the x label, in points, so it is the same at every dpi. The
    legend takes the bundled style whether or not the caller is inside ``style_context``.

    Parameters
    ----------
    ax : matplotlib Axes
        The Axes whose labelled artists make the legend.
    ncol : int, optional
        Columns of entries (default: two when there are more than two entries and two
        columns fit the figure's width, else one).
    **kwargs
        Passed to ``Axes.legend`` (``handles``, ``labels``, ``fontsize``, ...).

    Returns
    -------
    matplotlib.legend.Legend

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from conflictstats.plots import get_ax, legend_below, check_layout
    >>> ax = get_ax()
    >>> _ = ax.plot(range(10), "o", label="points")
    >>> _ = ax.set_xlabel("x")
    >>> legend = legend_below(ax)
    >>> check_layout(ax.figure)
    []
    """
    with style_context():
        return _legend_below(ax, ncol, kwargs)


def _legend_below(ax: Any, ncol: int | None, kwargs: dict) -> Any:
    from matplotlib.transforms import offset_copy

    rc = plt.rcParams
    size = _points(rc["xtick.labelsize"])
    drop = 0.0
    if ax.xaxis.get_visible():
        drop += rc["xtick.major.size"] + rc["xtick.major.pad"]
        if any(t.get_text() for t in ax.get_xticklabels()) or ax.get_xticks().size:
            drop += 1.25 * size
        label = ax.get_xlabel()
        if label:
            drop += rc["axes.labelpad"] + 1.25 * _points(rc["axes.labelsize"]) * (
                label.count("\n") + 1
            )
    drop += 4.0
    if "handles" not in kwargs:
        handles, labels = ax.get_legend_handles_labels()
        kwargs.setdefault("handles", handles)
        kwargs.setdefault("labels", labels)
    n = len(kwargs["labels"])
    if ncol is None:
        # two columns for three or more entries, one if two would not fit the figure's width
        # (entry width estimated from the longest label: ~0.6 em a character, 3 em of handle)
        font = _points(kwargs.get("fontsize", rc["legend.fontsize"]))
        longest = max((len(str(t)) for t in kwargs["labels"]), default=0)
        column = (0.6 * longest + 3.0) * font
        fits = int(ax.figure.get_figwidth() * 72.0 * 0.95 // max(column, 1.0))
        ncol = max(1, min(1 if n <= 2 else 2, fits))
    return ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=offset_copy(ax.transAxes, fig=ax.figure, y=-drop, units="points"),
        ncol=ncol,
        borderaxespad=0.0,
        **kwargs,
    )


def _points(size: Any) -> float:
    """A font size (number or name such as ``"small"``) in points."""
    from matplotlib.font_manager import FontProperties

    return float(FontProperties(size=size).get_size_in_points())
