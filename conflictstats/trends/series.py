"""Monthly count series as input: counts, their months and break dates, validated.

Shared by :mod:`conflictstats.trends` (``fit_trend``), the changepoint search and the
Mann-Kendall test: a series is whole-number counts with an optional run of consecutive months
(a ``pandas.PeriodIndex``), and breaks may be given as months or as positions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import InputError, as_counts


def _as_series(counts: Any, dates: Any, name: str = "counts"):
    """Counts as floats plus a monthly PeriodIndex (or None when there are no dates)."""
    if isinstance(counts, pd.Series) and dates is None:
        index = counts.index
        values = counts.to_numpy()
        if isinstance(index, (pd.PeriodIndex, pd.DatetimeIndex)):
            dates = index
        elif len(index) and index.dtype.kind in "OU" or pd.api.types.is_string_dtype(index):
            dates = index  # months written as text, e.g. "2018-09"
    else:
        values = counts.to_numpy() if isinstance(counts, pd.Series) else counts
    y = as_counts(values, name)
    if y.ndim != 1:
        raise InputError(f"{name} must be one series (1-d), got shape {y.shape}")
    if y.size < 3:
        raise InputError(f"{name} needs at least 3 months, got {y.size}")
    periods = None
    if dates is not None:
        if isinstance(dates, (str, pd.Period, pd.Timestamp)):
            start = _to_period(dates, "dates")
            periods = pd.period_range(start, periods=y.size, freq="M")
        else:
            try:
                if isinstance(dates, pd.PeriodIndex):
                    periods = dates.asfreq("M")
                else:
                    periods = pd.PeriodIndex(pd.to_datetime(list(dates)), freq="M")
            except (ValueError, TypeError) as exc:
                raise InputError(f"dates must be months or dates, got {dates!r}: {exc}") from None
            if len(periods) != y.size:
                raise InputError(f"dates has {len(periods)} entries but {name} has {y.size}")
            steps = np.diff(periods.asi8)
            if (steps != 1).any():
                i = int(np.argmax(steps != 1))
                raise InputError(
                    f"dates must be consecutive months (fill empty months with 0), got "
                    f"{periods[i]} followed by {periods[i + 1]}"
                )
    return y, periods


def _to_period(value: Any, name: str) -> pd.Period:
    try:
        return pd.Period(value, freq="M")
    except (ValueError, TypeError):
        raise InputError(f"{name} must be a month or a date, got {value!r}") from None


def _break_positions(breaks: Any, periods, n: int) -> list[int]:
    out = []
    for b in breaks:
        if isinstance(b, (int, np.integer)) and not isinstance(b, bool):
            pos = int(b)
        else:
            if periods is None:
                raise InputError(f"breaks given as dates ({b!r}) need dates for the counts")
            pos = int((_to_period(b, "breaks") - periods[0]).n)
        if not 0 < pos < n:
            raise InputError(f"breaks: {b!r} does not fall inside the series (months 1 to {n - 1})")
        out.append(pos)
    if len(set(out)) != len(out):
        raise InputError(f"breaks must be distinct months, got {list(breaks)!r}")
    return sorted(out)


def _days(periods) -> np.ndarray:
    return np.asarray(periods.days_in_month, dtype=float)
