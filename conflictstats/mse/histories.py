"""Capture histories: list-overlap data in its usual layouts, as counts per pattern."""

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._validation import (
    InputError,
    as_counts,
)

_LETTERS = "ABCDEFGH"
_MAX_LISTS = 6


def _pattern_from_key(key: Any) -> tuple[int, ...]:
    if isinstance(key, str):
        text = key.strip()
        if not text or set(text) - {"0", "1"}:
            raise InputError(f"histories: a capture history must be a string of 0/1, got {key!r}")
        return tuple(int(c) for c in text)
    if isinstance(key, tuple) and all(v in (0, 1) for v in key):
        return tuple(int(v) for v in key)
    raise InputError(f"histories: a capture history must be a string of 0/1, got {key!r}")


def capture_histories(histories: Any, *, count_column: str = "count") -> pd.Series:
    """Capture-history counts as a Series indexed by 0/1 pattern strings.

    Parameters
    ----------
    histories : mapping or DataFrame
        Either a mapping from capture history to count (``{"110": 12, "101": 7, ...}``, one
        character per list, "1" = on the list; tuples of 0/1 also work), or a DataFrame with
        one boolean (or 0/1) column per list: one row per record, or one row per pattern
        with the number of records in ``count_column``.
    count_column : str
        Name of the count column of a pattern table; ignored when absent.

    Returns
    -------
    pandas.Series
        Counts (float) indexed by pattern strings in the lists' order, sorted; missing
        patterns are zero. ``attrs["lists"]`` holds the list names (the DataFrame's columns,
        or the letters A, B, C, ... for a mapping).

    Raises
    ------
    InputError
        Fewer than two lists, histories of unequal length, a history of all zeros (a record on
        no list cannot be observed), a repeated history, non-0/1 entries, or counts that are
        negative, fractional or not finite.

    Examples
    --------
    >>> from conflictstats.mse import capture_histories
    >>> h = capture_histories({"110": 12, "101": 7, "011": 3, "100": 20, "010": 9, "001": 4})
    >>> h["111"], h.attrs["lists"]
    (np.float64(0.0), ['A', 'B', 'C'])
    """
    if isinstance(histories, pd.DataFrame):
        frame = histories
        if count_column in frame.columns:
            counts = as_counts(frame[count_column].to_numpy(), f"histories[{count_column!r}]")
            frame = frame.drop(columns=count_column)
        else:
            counts = np.ones(len(frame))
        names = [str(c) for c in frame.columns]
        values = frame.to_numpy()
        try:
            bits = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise InputError("histories: list columns must be boolean or 0/1") from None
        bad = ~np.isin(bits, (0.0, 1.0))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise InputError(
                f"histories: column {names[c]!r} must be boolean or 0/1, got {values[r, c]!r} "
                f"in row {r}"
            )
        patterns = bits.astype(int)
        keys = ["".join(map(str, row)) for row in patterns]
        if len(names) < 2:
            raise InputError(f"histories: need at least two lists, got {len(names)}: {names}")
        table = pd.Series(counts, index=keys, dtype=float).groupby(level=0).sum()
    elif isinstance(histories, Mapping):
        if not histories:
            raise InputError("histories: no capture histories given")
        keys, counts_list = [], []
        length = None
        for key, value in histories.items():
            pattern = _pattern_from_key(key)
            if length is None:
                length, first = len(pattern), key
            elif len(pattern) != length:
                raise InputError(
                    f"histories: capture histories have unequal lengths: {first!r} has "
                    f"{length} lists but {key!r} has {len(pattern)}"
                )
            keys.append("".join(map(str, pattern)))
            counts_list.append(value)
        if len(set(keys)) != len(keys):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise InputError(f"histories: capture history {dup!r} given more than once")
        for key, value in zip(keys, counts_list, strict=True):
            as_counts(value, f"histories[{key!r}]")  # names the history with a bad count
        counts = as_counts(counts_list, "histories")
        names = list(_LETTERS[:length]) if length <= len(_LETTERS) else []
        if length < 2:
            raise InputError(f"histories: need at least two lists, got {length}")
        if length > len(_LETTERS):
            raise InputError(f"histories: at most {len(_LETTERS)} lists, got {length}")
        table = pd.Series(counts, index=keys, dtype=float)
    else:
        raise InputError(
            "histories must be a mapping {'110': count, ...} or a DataFrame with one column per "
            f"list, got {type(histories).__name__}"
        )
    k = len(names)
    zero = "0" * k
    if zero in table.index and table[zero] > 0:
        raise InputError(
            f"histories: the all-zero history {zero!r} (on no list) cannot be observed; "
            f"got count {table[zero]:g}"
        )
    full = ["".join(p) for p in itertools.product("01", repeat=k)][1:]
    table = table.reindex(full, fill_value=0.0).astype(float)
    if table.sum() == 0:
        raise InputError("histories: every count is zero; nothing was observed")
    table.attrs["lists"] = names
    return table


def check_lists(table: pd.Series) -> list[int]:
    """Refuse histories that no multi-list estimator can use; return the isolated lists.

    Raises when a list records nobody (its column is all zero) or when no record is on two
    lists or more (no overlap at all: nothing tells how much the lists miss). Returns the
    positions of lists that share no record with any other list, for the caller to refuse
    (log-linear: the estimate is unbounded) or to warn about (Bayesian: the prior decides).
    """
    names = table.attrs["lists"]
    bits = np.array([[c == "1" for c in key] for key in table.index])
    y = table.to_numpy()
    on_list = (bits * y[:, None]).sum(axis=0)
    empty = [names[i] for i in np.flatnonzero(on_list == 0)]
    if empty:
        raise InputError(
            "histories: list(s) " + ", ".join(repr(e) for e in empty) + " record nobody (every "
            "count with a 1 in that position is zero); drop the list(s) or check the data"
        )
    multi = bits.sum(axis=1) >= 2
    if y[multi].sum() == 0:
        raise InputError(
            "histories: no record is on two lists or more; with no overlap at all the lists "
            "say nothing about how many they missed"
        )
    shared = ((bits & multi[:, None]) * y[:, None]).sum(axis=0)
    return [int(i) for i in np.flatnonzero(shared == 0)]
