"""Result lists to tidy DataFrames, and DataFrames formatted for reports.

:func:`to_frame` stacks results of any member of the family (or DataFrames) into one tidy
table; :func:`format_frame` writes its numbers the way reports print them. Files are written by
:func:`conflictstats.repro.save_table`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ._format import format_frame
from .results import Result

__all__ = ["to_frame", "format_frame"]


def to_frame(results: Any, *, labels: Sequence[str] | None = None, label: str = "label"):
    """Stack results into one tidy DataFrame.

    Parameters
    ----------
    results : result, DataFrame, sequence of them, or mapping of label to them
        Members of the result family (any subclass) or DataFrames.
    labels : sequence of str, optional
        One label per result, put in a first column named by ``label``. A mapping supplies
        its keys as labels.
    label : str
        Name of the label column.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from conflictstats.results import Estimate
    >>> from conflictstats.tables import to_frame
    >>> a = Estimate(1.25, 1.13, 1.38, quantity="rate ratio", method="exact-cond")
    >>> b = Estimate(1.25, 1.12, 1.39, quantity="rate ratio", method="wald")
    >>> to_frame({"exact": a, "wald": b})[["label", "method", "estimate"]]
       label      method  estimate
    0  exact  exact-cond      1.25
    1   wald        wald      1.25
    """
    if isinstance(results, Mapping):
        labels = list(results.keys())
        results = list(results.values())
    if isinstance(results, (Result, pd.DataFrame)):
        results = [results]
    frames = []
    for k, res in enumerate(results):
        if isinstance(res, Result):
            df = res.to_frame()
        elif isinstance(res, pd.DataFrame):
            df = res.copy()
        else:
            raise TypeError(
                f"results[{k}] must be a conflictstats result or a DataFrame, "
                f"got {type(res).__name__}"
            )
        if labels is not None:
            df.insert(0, label, labels[k])
        frames.append(df)
    if labels is not None and len(labels) != len(frames):
        raise ValueError(f"labels has {len(labels)} entries for {len(frames)} results")
    if len(frames) == 1:
        return frames[0].reset_index(drop=True) if labels is not None else frames[0]
    return pd.concat(frames, ignore_index=True)
