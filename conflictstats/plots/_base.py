"""Shared plotting machinery: the bundled style, axes creation, interval labels."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from .._format import format_confidence

__all__ = ["STYLE_FILE", "style_context", "get_ax", "interval_label"]

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
