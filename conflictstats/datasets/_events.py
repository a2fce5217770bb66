"""Loaders for event data sets: UCDP GED and ACLED exports.

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

import numpy as np
import pandas as pd

from .._validation import check_choice
from ._errors import DataError, require_columns

__all__ = [
    "DataWarning",
    "read_ucdp_ged",
    "read_acled",
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


def _as_text(frame, columns, path, first_row, required=()) -> None:
    """Text columns in place: a blank cell becomes missing (NaN), never the string ``""``.

    A blank cell in a ``required`` column is an error naming its row.
    """
    for column in columns:
        raw = frame[column]
        blank = (raw.str.strip() == "").to_numpy()
        if column in required and blank.any():
            pos = int(np.argmax(blank))
            raise DataError(
                "empty cell in a required column",
                path=path,
                row=_file_row(frame, pos, first_row),
                column=column,
            )
        if blank.any():
            frame[column] = raw.where(~blank)


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
          three taken as estimates without a known order), add the flag columns
          ``bounds_sorted`` and ``best_resorted`` (see Returns), and warn.

    Returns
    -------
    pandas.DataFrame
        One row per event with every column of the file (mapped by name); whole-number
        columns as integers (``Int64`` with ``<NA>`` where an optional one is blank),
        ``date_start``/``date_end`` as dates, ``latitude``/``longitude`` as floats. Every
        other column is text, and a blank cell in it (e.g. an event with no ``adm_1`` or
        ``adm_2`` coded) is missing (NaN), never the string ``""``: ``events["adm_1"].isna()``
        finds the events without a province, and ``groupby`` does not make a province
        called ``""``.

        With ``on_inconsistent="sort"`` two boolean columns are added: ``bounds_sorted``
        (this row's ``low``, ``best``, ``high`` were reordered) and ``best_resorted`` (its
        ``best`` changed in doing so). Where ``best_resorted`` is True, ``best`` no longer
        equals ``deaths_a + deaths_b + deaths_civilians + deaths_unknown``, as it does in
        every row UCDP codes consistently; sums of the parties' deaths and sums of ``best``
        then disagree by design.

        ``attrs`` holds ``source`` ("ucdp_ged"), ``layout``, ``path``, ``n_inconsistent``
        (rows found), ``on_inconsistent`` and ``inconsistent_ids`` (their event ids).

    Raises
    ------
    DataError
        A missing required column (``id, date_start, date_end, country, best, low, high``), an
        empty ``country``, a value that is not a whole number >= 0, an unparseable date, ``date_end`` before
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
    >>> int(ged["adm_1"].isna().sum())  # events without a province: missing, not ""
    44
    >>> with warnings.catch_warnings(record=True):
    ...     ged = read_ucdp_ged("data/ucdp_ged/ucdp_ged231_random_sample_1000.csv",
    ...                         on_inconsistent="sort")
    >>> int(ged["bounds_sorted"].sum()), int(ged["best_resorted"].sum())
    (13, 6)
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
    typed = {*_GED_INTEGER, *_GED_NUMERIC, *_GED_DATES}
    text = [c for c in frame.columns if c not in typed]
    _as_text(frame, text, path, first_row, required=GED_REQUIRED)
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
    if action == "sort":
        # after sorting, best need not equal deaths_a + deaths_b + deaths_civilians +
        # deaths_unknown any more: say so row by row
        frame["bounds_sorted"] = bad
        frame["best_resorted"] = frame["best"].to_numpy(dtype=float) != best
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
        One row per event; ``event_date`` as dates, ``fatalities`` and ``year`` as integers;
        a blank cell of a text column (``admin2``, ``assoc_actor_1``, …) is missing (NaN).
        ``attrs`` holds ``source`` ("acled"), ``layout`` ("acled-current" or "acled-legacy")
        and ``path``.

    Raises
    ------
    DataError
        A missing required column, an empty ``event_id_cnty``, ``country`` or
        ``event_type``, a fatality count that is not a whole number >= 0, or an
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
    typed = {"fatalities", "year", "event_date", "latitude", "longitude"}
    text = [c for c in frame.columns if c not in typed]
    _as_text(frame, text, path, 2, required=ACLED_REQUIRED)
    frame.attrs.update({"source": "acled", "layout": layout, "path": str(path)})
    return frame
