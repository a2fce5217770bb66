"""Monthly count series as input: counts, their months and break dates, validated.

Shared by :mod:`conflictstats.trends` (``fit_trend``), the changepoint search and the
Mann-Kendall test: a series is whole-number counts with an optional run of consecutive months
(a ``pandas.PeriodIndex``), and breaks may be given as months or as positions.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np
import pandas as pd

from .._numeric import AlignmentError
from .._validation import InputError, as_counts

_TIME_INDEX = (pd.PeriodIndex, pd.DatetimeIndex)


def _text_times(index: pd.Index) -> pd.DatetimeIndex | None:
    """A text index read as dates as :func:`_as_series` reads it (``None``: it is not)."""
    if not len(index) or not (index.dtype.kind in "OU" or pd.api.types.is_string_dtype(index)):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
            return pd.DatetimeIndex(pd.to_datetime(list(index)))
    except (ValueError, TypeError, OverflowError):
        return None


def _ordered(
    counts: Any, name: str = "counts", *, text: bool = False, spaced: bool = True
) -> tuple[Any, Any]:
    """A Series put in time order, and the labels its per-month outputs carry.

    pandas in, pandas out for one series: the labels say when each value was counted, so a
    Series whose index holds times (a PeriodIndex or DatetimeIndex, numbers, or with
    ``text=True`` text that reads as dates, such as ``"2018-09"``) is sorted by its index
    (stably) before anything is computed: rows in another order give the same answer. An
    index that repeats a time point or misses one (NaT, NaN) cannot order the values and is
    refused naming the label. Any other index (text labels) keeps the order given. With
    ``spaced`` (the default) the time points must also be evenly spaced (consecutive months,
    or equal steps of other dates and numbers), since the functions take the values as
    consecutive steps: a gap is refused naming the labels on either side of it.

    Returns ``(counts, index)``: the (sorted) Series, and its index; anything that is not a
    Series is returned as it is, with ``None``.
    """
    if not isinstance(counts, pd.Series):
        return counts, None
    index = counts.index
    if isinstance(index, _TIME_INDEX):
        key: Any = index
    elif pd.api.types.is_numeric_dtype(index.dtype) and not pd.api.types.is_bool_dtype(index.dtype):
        key = index
    elif text:
        key = _text_times(index)
        if key is None:
            return counts, index
    else:
        return counts, index
    if key.hasnans:
        i = int(np.flatnonzero(pd.isna(key))[0])
        raise InputError(
            f"{name} has a missing time point in its index ({index[i]!r}, position {i}); "
            "give every value its time point"
        )
    if key.has_duplicates:
        i = int(np.flatnonzero(pd.Index(key).duplicated())[0])
        raise AlignmentError(
            f"{name} has two values at {index[i]!r} in its index: one value per time point "
            f"(sum repeated ones first, e.g. {name}.groupby(level=0).sum())"
        )
    if not key.is_monotonic_increasing:
        order = np.asarray(key.argsort(kind="stable"))
        counts = counts.iloc[order]
        index = counts.index
        key = key[order]
    if spaced:
        gap = _first_gap(key)
        if gap is not None:
            raise InputError(
                f"{name} is not evenly spaced in time: {_show(index[gap])} is followed by "
                f"{_show(index[gap + 1])}; the values are taken as consecutive time steps, so give "
                "every step (fill empty months with 0)"
            )
    return counts, index


def _show(label: Any) -> str:
    """A time label as a reader writes it (a midnight Timestamp as its date)."""
    if isinstance(label, pd.Timestamp) and label == label.normalize():
        return str(label.date())
    return str(label)


def _first_gap(key: Any) -> int | None:
    """Position of the first time point not followed by the next step (``None``: none).

    Months (a PeriodIndex, or dates one per month) must be consecutive; other dates and
    numbers must be evenly spaced.
    """
    if len(key) < 2:
        return None
    if isinstance(key, pd.DatetimeIndex):
        months = key.to_period("M")
        key = months if not months.has_duplicates else key
    if isinstance(key, pd.PeriodIndex):
        step = np.diff(key.asi8)
        bad = step != 1
    else:
        step = np.diff(key.asi8 if isinstance(key, pd.DatetimeIndex) else np.asarray(key, float))
        bad = step != step[0]
    return int(np.argmax(bad)) if bad.any() else None


def in_time_order(fn=None, *, spaced: bool = True):
    """Decorator: the first argument (``counts``) of a one-series function, if a Series with
    times in its index, is put in time order first (:func:`_ordered`); ``spaced=False`` for a
    function that uses the order alone (Mann-Kendall), where gaps do not matter (used as
    ``@in_time_order(spaced=False)``)."""
    if fn is None:
        return functools.partial(in_time_order, spaced=spaced)

    @functools.wraps(fn)
    def wrapper(counts: Any, *args: Any, **kwargs: Any) -> Any:
        return fn(_ordered(counts, spaced=spaced)[0], *args, **kwargs)

    return wrapper


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
    own = counts.index if isinstance(counts, pd.Series) else None
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
                    monthly = dates.freqstr == _MONTHLY
                    periods = dates if monthly else dates.asfreq("M")
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
        if own is not None and dates is not own and isinstance(own, _TIME_INDEX):
            if isinstance(own, pd.DatetimeIndex):  # local wall-clock months
                own = (own.tz_localize(None) if own.tz is not None else own).to_period("M")
            mine = own
            if not mine.asfreq("M").equals(periods):
                raise AlignmentError(
                    f"{name} and dates give different months: {name} is indexed "
                    f"{mine[0]} to {mine[-1]}, dates run {periods[0]} to {periods[-1]}; "
                    f"leave dates out to use the index of {name}"
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


# the ``freqstr`` of a monthly PeriodIndex in this pandas version
_MONTHLY = pd.PeriodIndex([], freq="M").freqstr
_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=float)


def _days(periods) -> np.ndarray:
    """Days in each month (the Gregorian calendar; ``days_in_month`` by arithmetic on the
    months since 1970-01, several times faster)."""
    k = np.asarray(periods.asi8)
    month, year = k % 12, 1970 + k // 12
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return _DAYS[month] + ((month == 1) & leap)
