"""Loaders for event data sets: UCDP GED and ACLED exports, and monthly counts from them.

Users of these data sets meet schema drift between releases and silent failures more than any
other problem, so the loaders here map columns by name (never by position), say which layout
they found, check types and dates with errors that name the row and column, and make the
handling of rows that break ``low <= best <= high`` an explicit choice.

Layouts recognised by :func:`read_ucdp_ged` (``events.attrs["layout"]``):

``"ged-current"``
    GED 20.1 and later (e.g. 23.1): 49 columns with ``relid``, ``code_status``,
    ``conflict_dset_id``, ``where_description``; ``best, high, low`` in that order.
``"ged-19.1"``
    The GED 19.1-era global file: ``low, best, high``, no ``relid``, both ``gwnoa``/``gwnob``.
``"ged-hdx"``
    The Humanitarian Data Exchange country extracts of GED 19.1: the 19.1 columns plus
    ``start_year``, ``end_year``, ``iso3``, and a second row of HXL hashtags (``#date+year`` …)
    that is skipped.
``"ged-syria"``
    UCDP's special GED Syria release (2016-01 to 2019-11): the 19.1 variables without ``gwnoa``.

ACLED exports (:func:`read_acled`) are ``"acled-current"`` (with ``disorder_type`` and
``civilian_targeting``, 2022 on) or ``"acled-legacy"`` (with ``data_id``).
"""

from __future__ import annotations

import csv
import os
import warnings
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice
from ._errors import DataError, require_columns

__all__ = [
    "DataWarning",
    "read_ucdp_ged",
    "read_acled",
    "monthly_counts",
    "GED_REQUIRED",
    "ACLED_REQUIRED",
]

#: Columns every GED layout must have (matched by name, in any order).
GED_REQUIRED = ("id", "date_start", "date_end", "country", "best", "low", "high")
#: Columns of GED read as whole numbers when present.
_GED_INTEGER = (
    "id",
    "year",
    "type_of_violence",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "low",
    "high",
)
_GED_DATES = ("date_start", "date_end")
_GED_NUMERIC = ("latitude", "longitude")

#: Columns every ACLED export must have.
ACLED_REQUIRED = ("event_id_cnty", "event_date", "country", "event_type", "fatalities")
_ACLED_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y")

_ON_INCONSISTENT = ("raise", "warn", "drop", "sort")
_MEASURES = ("events", "best", "low", "high", "fatalities")


class DataWarning(UserWarning):
    """A data file was read, but something in it was changed or is worth knowing."""


# ---------------------------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------------------------
def _read_header(path) -> tuple[list[str], list[str] | None]:
    """The header and the second record (to spot an HXL tag row), read with the csv module."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            second = next(reader, None)
    except FileNotFoundError:
        raise DataError("no such file", path=path) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"not a UTF-8 text file ({exc.reason})", path=path) from None
    if not header:
        raise DataError("the file is empty", path=path)
    return [h.strip() for h in header], second


def _is_hxl_row(row: list[str] | None) -> bool:
    """An HXL hashtag row: every non-empty cell starts with '#', and at least one does."""
    if not row:
        return False
    cells = [c.strip() for c in row if c.strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def _read_frame(path, header: list[str], skip_hxl: bool) -> pd.DataFrame:
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise DataError(f"duplicated column names {duplicated}", path=path, row=1)
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            skiprows=[1] if skip_hxl else None,
            encoding="utf-8-sig",
        )
    except pd.errors.ParserError as exc:
        raise DataError(f"malformed CSV: {exc}", path=path) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _file_row(frame: pd.DataFrame, position: int, first_data_row: int) -> int:
    return int(position) + first_data_row


def _as_whole(frame, column, path, first_row, *, required=True) -> pd.Series:
    raw = frame[column].str.strip()
    empty = raw == ""
    values = pd.to_numeric(raw.where(~empty), errors="coerce")
    bad = values.isna() & ~empty
    if required:
        bad |= empty
    bad |= values.notna() & ((values < 0) | (values != np.floor(values)))
    if bad.any():
        pos = int(np.argmax(bad.to_numpy()))
        shown = raw.iloc[pos]
        raise DataError(
            f"expected a whole number >= 0, got {shown!r}",
            path=path,
            row=_file_row(frame, pos, first_row),
            column=column,
        )
    return values.astype("Int64") if empty.any() else values.astype("int64")


def _as_float(frame, column, path, first_row) -> pd.Series:
    """An optional decimal column: empty cells become NaN, anything else must parse."""
    raw = frame[column].str.strip()
    empty = raw == ""
    values = pd.to_numeric(raw.where(~empty), errors="coerce")
    bad = values.isna() & ~empty
    if bad.any():
        pos = int(np.argmax(bad.to_numpy()))
        raise DataError(
            f"expected a number, got {raw.iloc[pos]!r}",
            path=path,
            row=_file_row(frame, pos, first_row),
            column=column,
        )
    return values


def _as_dates(frame, column, path, first_row, formats=("%Y-%m-%d",)) -> pd.Series:
    raw = frame[column].str.strip()
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = out.isna()
        if not todo.any():
            break
        # a time of day after the date (some exports) is dropped before parsing
        text = raw[todo].str.slice(0, 10) if fmt == "%Y-%m-%d" else raw[todo]
        out[todo] = pd.to_datetime(text, format=fmt, errors="coerce")
    bad = out.isna()
    if bad.any():
        pos = int(np.argmax(bad.to_numpy()))
        raise DataError(
            f"unparseable date {raw.iloc[pos]!r} (expected {' or '.join(formats)})",
            path=path,
            row=_file_row(frame, pos, first_row),
            column=column,
        )
    return out


# ---------------------------------------------------------------------------------------------
# UCDP GED
# ---------------------------------------------------------------------------------------------
def _ged_layout(header: list[str], hxl: bool) -> str:
    cols = set(header)
    if hxl:
        return "ged-hdx"
    if {"relid", "code_status"} <= cols or "conflict_dset_id" in cols:
        return "ged-current"
    if "gwnoa" not in cols and "gwnob" in cols:
        return "ged-syria"
    return "ged-19.1"


def read_ucdp_ged(path: str | os.PathLike, *, on_inconsistent: str = "raise") -> pd.DataFrame:
    """Read a UCDP Georeferenced Event Dataset CSV file, checking its schema and values.

    Parameters
    ----------
    path : str or path-like
        A GED CSV in any of the recognised layouts (see the module notes).
    on_inconsistent : {"raise", "warn", "drop", "sort"}
        What to do with events whose fatality estimates break ``low <= best <= high`` (the
        real files have some: 69 of 7,473 in the HDX Iraq extract of GED 19.1, 101 of 16,566
        in the GED Syria release, 13 of the 1,000-event GED 23.1 sample):

        * ``"raise"`` (default): a :class:`DataError` naming the first such row and column;
        * ``"warn"``: keep the rows unchanged and warn;
        * ``"drop"``: remove them and warn;
        * ``"sort"``: reorder each row's three values so that ``low <= best <= high`` (the
          three taken as estimates without a known order) and warn.

    Returns
    -------
    pandas.DataFrame
        One row per event with every column of the file (mapped by name); whole-number
        columns as integers, ``date_start``/``date_end`` as dates. ``attrs`` holds
        ``source`` ("ucdp_ged"), ``layout``, ``path``, ``n_inconsistent`` (rows found),
        ``on_inconsistent`` and ``inconsistent_ids`` (their event ids).

    Raises
    ------
    DataError
        A missing required column (``id, date_start, date_end, country, best, low, high``), a
        value that is not a whole number >= 0, an unparseable date, ``date_end`` before
        ``date_start``, or an inconsistent row with ``on_inconsistent="raise"``. The message
        names the file, the row (header = row 1, counting the HXL row of HDX files) and the
        column.

    Notes
    -----
    GED records an event only if it caused at least one death, and its ``best`` is UCDP's
    most likely total with ``low`` and ``high`` as the bounds of the reports (Högbladh 2019).

    References
    ----------
    Sundberg, R. & Melander, E. (2013). Introducing the UCDP Georeferenced Event Dataset.
    Journal of Peace Research 50(4), 523-532.
    Högbladh, S. (2019). UCDP GED Codebook version 19.1. Uppsala University.

    Examples
    --------
    >>> from conflictstats.datasets import read_ucdp_ged
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     ged = read_ucdp_ged("data/ucdp_ged/ucdp_ged231_random_sample_1000.csv",
    ...                         on_inconsistent="drop")
    >>> ged.attrs["layout"], ged.attrs["n_inconsistent"], len(ged)
    ('ged-current', 13, 987)
    """
    action = check_choice(on_inconsistent, _ON_INCONSISTENT, "on_inconsistent")
    header, second = _read_header(path)
    hxl = _is_hxl_row(second)
    layout = _ged_layout(header, hxl)
    frame = _read_frame(path, header, hxl)
    first_row = 3 if hxl else 2
    require_columns(frame.columns, GED_REQUIRED, path=path, context=f"layout {layout!r}")
    for col in _GED_INTEGER:
        if col in frame.columns:
            frame[col] = _as_whole(frame, col, path, first_row, required=col in GED_REQUIRED)
    for col in _GED_NUMERIC:
        if col in frame.columns:
            frame[col] = _as_float(frame, col, path, first_row)
    for col in _GED_DATES:
        frame[col] = _as_dates(frame, col, path, first_row)
    backwards = (frame["date_end"] < frame["date_start"]).to_numpy()
    if backwards.any():
        pos = int(np.argmax(backwards))
        raise DataError(
            f"date_end {frame['date_end'].iloc[pos]:%Y-%m-%d} is before date_start "
            f"{frame['date_start'].iloc[pos]:%Y-%m-%d}",
            path=path,
            row=pos + first_row,
            column="date_end",
        )
    low, best, high = (frame[c].to_numpy(dtype=float) for c in ("low", "best", "high"))
    low_bad, high_bad = low > best, best > high
    bad = low_bad | high_bad
    n_bad = int(bad.sum())
    ids = frame.loc[bad, "id"].tolist()
    if n_bad and action == "raise":
        pos = int(np.argmax(bad))
        column = "low" if low_bad[pos] else "high"
        raise DataError(
            f"low <= best <= high broken (low {low[pos]:.0f}, best {best[pos]:.0f}, high "
            f"{high[pos]:.0f}); {n_bad} row(s) in all. Choose on_inconsistent='warn', 'drop' or "
            "'sort' to read the file anyway",
            path=path,
            row=pos + first_row,
            column=column,
        )
    if n_bad:
        verb = {"warn": "kept unchanged", "drop": "dropped", "sort": "sorted into order"}[action]
        warnings.warn(
            f"{path}: {n_bad} row(s) break low <= best <= high; {verb} "
            f"(on_inconsistent={action!r})",
            DataWarning,
            stacklevel=2,
        )
        if action == "drop":
            frame = frame.loc[~bad].reset_index(drop=True)
        elif action == "sort":
            ordered = np.sort(np.column_stack([low, best, high])[bad], axis=1)
            for i, col in enumerate(("low", "best", "high")):
                values = frame[col].to_numpy().copy()
                values[bad] = ordered[:, i]
                frame[col] = values
    frame.attrs.update(
        {
            "source": "ucdp_ged",
            "layout": layout,
            "path": str(path),
            "n_inconsistent": n_bad,
            "on_inconsistent": action,
            "inconsistent_ids": ids,
        }
    )
    return frame


# ---------------------------------------------------------------------------------------------
# ACLED
# ---------------------------------------------------------------------------------------------
def read_acled(path: str | os.PathLike) -> pd.DataFrame:
    """Read an ACLED export (CSV), checking its schema and values.

    Parameters
    ----------
    path : str or path-like
        An ACLED CSV export with its own column names (``event_id_cnty``, ``event_date``,
        ``event_type``, ``country``, ``fatalities``, …), in any column order.

    Returns
    -------
    pandas.DataFrame
        One row per event; ``event_date`` as dates, ``fatalities`` and ``year`` as integers.
        ``attrs`` holds ``source`` ("acled"), ``layout`` ("acled-current" or "acled-legacy")
        and ``path``.

    Raises
    ------
    DataError
        A missing required column, a fatality count that is not a whole number >= 0, or an
        unparseable date (ISO ``2018-09-10`` or ACLED's older ``10 September 2018``), naming
        the row and column.

    Notes
    -----
    Conventions of ACLED that matter for statistics (ACLED codebook):

    * ``fatalities`` is one figure per event, the most conservative of the reports — a lower
      count, not a best estimate, and there are no ``low``/``high`` bounds;
    * vague reports are coded as fixed numbers (for example "several" or "many" as 10 and
      "dozens" as 12), which heaps the distribution on those values;
    * unlike UCDP GED, events need not have caused a death: ``fatalities`` is often 0, and
      counts of events mix lethal and non-lethal ones (filter on ``event_type``).

    References
    ----------
    Raleigh, C., Linke, A., Hegre, H. & Karlsen, J. (2010). Introducing ACLED: an armed
    conflict location and event dataset. Journal of Peace Research 47(5), 651-660.

    Examples
    --------
    >>> from conflictstats.datasets import read_acled
    >>> acled = read_acled("tests/fixtures/acled_sample.csv")
    >>> acled.attrs["layout"], int(acled["fatalities"].sum())
    ('acled-current', 57)
    """
    header, _ = _read_header(path)
    layout = "acled-current" if "disorder_type" in header else "acled-legacy"
    frame = _read_frame(path, header, False)
    require_columns(frame.columns, ACLED_REQUIRED, path=path, context=f"layout {layout!r}")
    frame["fatalities"] = _as_whole(frame, "fatalities", path, 2)
    if "year" in frame.columns:
        frame["year"] = _as_whole(frame, "year", path, 2, required=False)
    frame["event_date"] = _as_dates(frame, "event_date", path, 2, _ACLED_DATE_FORMATS)
    for col in ("latitude", "longitude"):
        if col in frame.columns:
            frame[col] = _as_float(frame, col, path, 2)
    frame.attrs.update({"source": "acled", "layout": layout, "path": str(path)})
    return frame


# ---------------------------------------------------------------------------------------------
# monthly counts
# ---------------------------------------------------------------------------------------------
def _source(events: pd.DataFrame) -> str:
    src = events.attrs.get("source")
    if src in ("ucdp_ged", "acled"):
        return src
    if "date_start" in events.columns and "best" in events.columns:
        return "ucdp_ged"
    if "event_date" in events.columns and "fatalities" in events.columns:
        return "acled"
    raise DataError(
        "events must come from read_ucdp_ged or read_acled (need date_start and best, or "
        "event_date and fatalities)"
    )


def monthly_counts(
    events: pd.DataFrame,
    *,
    by: str | list[str] | None = None,
    measure: str = "events",
    start: Any = None,
    end: Any = None,
) -> pd.Series | pd.DataFrame:
    """Monthly totals of events or deaths, with every empty month filled with zero.

    Parameters
    ----------
    events : pandas.DataFrame
        Events from :func:`read_ucdp_ged` or :func:`read_acled` (filtered as you like).
    by : str or list of str, optional
        Column(s) to split by; one output column per group.
    measure : {"events", "best", "low", "high", "fatalities"}
        ``"events"`` counts events; the others sum a fatality column. For GED
        ``"fatalities"`` is ``best``; for ACLED ``"best"`` and ``"fatalities"`` are its one
        figure and ``"low"``/``"high"`` do not exist.
    start, end : str or date, optional
        First and last month (default: the months of the first and last event). Events outside
        are left out.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        Indexed by a monthly ``PeriodIndex`` named ``month``: a Series without ``by``, a
        DataFrame with one column per group with it.

    Raises
    ------
    DataError
        Unknown measure for the source, missing ``by`` column, ``end`` before ``start``.

    Notes
    -----
    An event belongs to the month of its start date (GED ``date_start``, ACLED
    ``event_date``); an event spanning several days is not split between months.

    Examples
    --------
    >>> from conflictstats.datasets import read_acled, monthly_counts
    >>> acled = read_acled("tests/fixtures/acled_sample.csv")
    >>> monthly_counts(acled, start="2018-08", end="2018-11").tolist()
    [2, 0, 3, 2]
    """
    source = _source(events)
    measure = check_choice(measure, _MEASURES, "measure")
    date_col = "date_start" if source == "ucdp_ged" else "event_date"
    if measure == "events":
        column = None
    elif source == "acled":
        if measure in ("low", "high"):
            raise DataError(
                f"measure={measure!r}: ACLED has one fatality figure per event (use "
                "'fatalities'); it has no low or high estimate"
            )
        column = "fatalities"
    else:
        column = "best" if measure == "fatalities" else measure
    keys = [by] if isinstance(by, str) else list(by or [])
    for col in [date_col, *keys, *([column] if column else [])]:
        if col not in events.columns:
            raise DataError(f"events has no column {col!r}", column=col)
    try:
        stamps = pd.DatetimeIndex(events[date_col])
    except (TypeError, ValueError):
        raise DataError(f"column {date_col!r} must hold dates", column=date_col) from None
    if stamps.isna().any():
        pos = int(np.argmax(np.asarray(stamps.isna())))
        raise DataError(f"missing date in event {pos} (0-based position)", column=date_col)
    months = pd.PeriodIndex(stamps, freq="M")
    first = pd.Period(start, freq="M") if start is not None else months.min()
    last = pd.Period(end, freq="M") if end is not None else months.max()
    if pd.isna(first) or pd.isna(last):
        raise DataError("no events, and no start and end months to fill")
    if last < first:
        raise DataError(f"end {last} is before start {first}")
    index = pd.period_range(first, last, freq="M", name="month")
    keep = np.asarray((months >= first) & (months <= last))
    values = pd.Series(1, index=events.index) if column is None else events[column].astype("int64")
    frame = pd.DataFrame({"month": months, "value": values.to_numpy()})
    for key in keys:
        frame[key] = events[key].to_numpy()
    frame = frame.loc[keep]
    if not keys:
        out = frame.groupby("month")["value"].sum().reindex(index, fill_value=0)
        return out.astype("int64").rename(measure)
    table = frame.pivot_table(
        index="month", columns=keys, values="value", aggfunc="sum", fill_value=0
    )
    table = table.reindex(index, fill_value=0).astype("int64")
    table.columns.name = keys[0] if len(keys) == 1 else tuple(keys)
    return table
