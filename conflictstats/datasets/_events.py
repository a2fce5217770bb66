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
from ._csv import read_csv_strict
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
_INT64_MAX = str(np.iinfo(np.int64).max)
_EXACT_FLOAT = 2.0**53  # above this a decimal cell like "1e17" no longer names one integer
# an ISO date, optionally followed by a time of day (some exports): the time is dropped
_ISO_DATE_TIME = (
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


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
    except csv.Error as exc:
        raise DataError(f"malformed CSV ({exc})", path=path) from None
    if not header:
        raise DataError("the file is empty", path=path)
    return [h.strip() for h in header], second


def _is_hxl_row(row: list[str] | None) -> bool:
    """An HXL hashtag row: every non-empty cell starts with '#', and at least one does."""
    if not row:
        return False
    cells = [c.strip() for c in row if c.strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def _first(bad: pd.Series | np.ndarray) -> int:
    return int(np.argmax(np.asarray(bad, dtype=bool)))


def _strip(values: pd.Series) -> pd.Series:
    # the str accessor costs ten times this on a column of Python strings
    return pd.Series([c.strip() for c in values.to_numpy()], index=values.index, dtype=object)


def _as_whole(frame, column, path, lines, *, required=True) -> pd.Series:
    """A count column: whole numbers >= 0 that fit in int64, read exactly."""
    raw = _strip(frame[column])
    quick = pd.to_numeric(raw, errors="coerce")
    if quick.dtype == np.int64 and bool((quick >= 0).all()):
        return quick  # every cell a plain whole number within int64 (read exactly)
    empty = (raw == "").to_numpy()
    plain = raw.str.fullmatch(r"\+?\d+").to_numpy(dtype=bool)
    # digit strings are read exactly; one past int64 must not wrap round to a negative count
    digits = raw.where(plain, "0").str.lstrip("+").str.lstrip("0").replace("", "0")
    size = digits.str.len().to_numpy()
    overflow = plain & (
        (size > len(_INT64_MAX)) | ((size == len(_INT64_MAX)) & (digits > _INT64_MAX).to_numpy())
    )
    values = np.zeros(len(raw), dtype=np.int64)
    exact = plain & ~overflow
    if exact.any():
        values[exact] = pd.to_numeric(digits[exact]).to_numpy(dtype=np.int64)
    # anything else ("12.0", "1e3") must be a whole number a float holds exactly
    other = ~plain & ~empty
    bad = overflow | (required & empty)
    if other.any():
        number = pd.to_numeric(raw[other], errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            wrong = ~np.isfinite(number) | (number < 0) | (number != np.floor(number))
            wrong |= number > _EXACT_FLOAT
        values[other] = np.where(wrong, 0, number).astype(np.int64)
        bad[np.flatnonzero(other)[wrong]] = True
    if bad.any():
        pos = _first(bad)
        shown = raw.iloc[pos]
        message = (
            f"{shown!r} is too large for a count (the largest is {_INT64_MAX})"
            if overflow[pos]
            else f"expected a whole number >= 0, got {shown!r}"
        )
        raise DataError(message, path=path, row=int(lines[pos]), column=column)
    if empty.any():
        array = pd.array(values, dtype="Int64")
        array[empty] = pd.NA
        return pd.Series(array, index=frame.index)
    return pd.Series(values, index=frame.index)


def _as_float(frame, column, path, lines) -> pd.Series:
    """An optional decimal column: empty cells become NaN, anything else must be finite."""
    raw = _strip(frame[column])
    empty = raw == ""
    values = pd.to_numeric(raw.where(~empty), errors="coerce").astype(float)
    bad = (~np.isfinite(values.to_numpy()) & ~empty.to_numpy()).astype(bool)
    if bad.any():
        pos = _first(bad)
        raise DataError(
            f"expected a {'finite ' if np.isinf(values.iloc[pos]) else ''}number, got "
            f"{raw.iloc[pos]!r}",
            path=path,
            row=int(lines[pos]),
            column=column,
        )
    return values


def _as_dates(frame, column, path, lines, formats=("%Y-%m-%d",)) -> pd.Series:
    """Dates in one of ``formats``, read strictly: "2013-01-035" is an error, not 2013-01-03."""
    raw = _strip(frame[column])
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = out.isna()
        if not todo.any():
            break
        text = raw[todo]
        if fmt == "%Y-%m-%d":
            # a time of day after an ISO date is dropped; nothing else may follow the day
            text = text.where(~text.str.fullmatch(_ISO_DATE_TIME), text.str.slice(0, 10))
        out[todo] = pd.to_datetime(text, format=fmt, exact=True, errors="coerce")
    bad = out.isna()
    if bad.any():
        pos = _first(bad)
        raise DataError(
            f"unparseable date {raw.iloc[pos]!r} (expected {' or '.join(formats)})",
            path=path,
            row=int(lines[pos]),
            column=column,
        )
    return out


def _as_text(frame, columns, path, lines, required=()) -> None:
    """Text columns in place: a blank cell becomes missing (NaN), never the string ``""``.

    A blank cell in a ``required`` column is an error naming its row.
    """
    for column in columns:
        raw = frame[column]
        blank = np.fromiter((not c.strip() for c in raw.to_numpy()), bool, len(raw))
        if column in required and blank.any():
            pos = int(np.argmax(blank))
            raise DataError(
                "empty cell in a required column",
                path=path,
                row=int(lines[pos]),
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
    frame, lines = read_csv_strict(path, skip=1 if hxl else 0)
    require_columns(frame.columns, GED_REQUIRED, path=path, context=f"layout {layout!r}")
    for col in _GED_INTEGER:
        if col in frame.columns:
            frame[col] = _as_whole(frame, col, path, lines, required=col in GED_REQUIRED)
    for col in _GED_NUMERIC:
        if col in frame.columns:
            frame[col] = _as_float(frame, col, path, lines)
    for col in _GED_DATES:
        frame[col] = _as_dates(frame, col, path, lines)
    typed = {*_GED_INTEGER, *_GED_NUMERIC, *_GED_DATES}
    text = [c for c in frame.columns if c not in typed]
    _as_text(frame, text, path, lines, required=GED_REQUIRED)
    backwards = (frame["date_end"] < frame["date_start"]).to_numpy()
    if backwards.any():
        pos = int(np.argmax(backwards))
        raise DataError(
            f"date_end {frame['date_end'].iloc[pos]:%Y-%m-%d} is before date_start "
            f"{frame['date_start'].iloc[pos]:%Y-%m-%d}",
            path=path,
            row=int(lines[pos]),
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
            row=int(lines[pos]),
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
    frame, lines = read_csv_strict(path)
    require_columns(frame.columns, ACLED_REQUIRED, path=path, context=f"layout {layout!r}")
    frame["fatalities"] = _as_whole(frame, "fatalities", path, lines)
    if "year" in frame.columns:
        frame["year"] = _as_whole(frame, "year", path, lines, required=False)
    frame["event_date"] = _as_dates(frame, "event_date", path, lines, _ACLED_DATE_FORMATS)
    for col in ("latitude", "longitude"):
        if col in frame.columns:
            frame[col] = _as_float(frame, col, path, lines)
    typed = {"fatalities", "year", "event_date", "latitude", "longitude"}
    text = [c for c in frame.columns if c not in typed]
    _as_text(frame, text, path, lines, required=ACLED_REQUIRED)
    frame.attrs.update({"source": "acled", "layout": layout, "path": str(path)})
    return frame
