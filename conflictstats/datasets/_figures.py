"""Reading CSV files of reported figures: one qualified phrase per row, parsed and checked."""

from __future__ import annotations

import math
import os
from typing import Any

import pandas as pd

from ..reported import ReportedFigureError, parse_figure
from ._csv import read_csv_strict
from ._errors import DataError, require_columns

__all__ = ["read_figures", "FIGURE_COLUMNS"]

#: Columns a reported-figure table must have.
REQUIRED = ("id", "text")
#: Columns read_figures adds (a table must not already use these names).
FIGURE_COLUMNS = ("figure", "rule", "central", "low", "high", "rounding")
_PASSED = {"unit": "unit", "per": "per", "source": "source", "quote": "quote"}


def read_figures(path: str | os.PathLike, *, rules: Any = None) -> pd.DataFrame:
    """Read a CSV of reported figures into a DataFrame with one parsed figure per row.

    Parameters
    ----------
    path : str or path-like
        CSV file with at least the columns ``id`` (unique, non-empty) and ``text`` (the
        phrase :func:`conflictstats.reported.parse_figure` reads). The columns ``unit``,
        ``per``, ``source``, ``quote`` and ``period`` (or ``date``) are passed to the parser;
        ``value`` and ``value_high``, when present, must hold the number(s) as written and
        are checked against the parsed phrase. Other columns are kept unchanged.
    rules : None, str or mapping, optional
        The qualifier → interval rules (see :func:`conflictstats.reported.get_rules`).

    Returns
    -------
    pandas.DataFrame
        The file's columns (as strings, empty cells as ``""``), plus ``figure`` (the
        :class:`~conflictstats.reported.ReportedFigure`), ``rule`` (the rule applied),
        ``central``, ``low``, ``high`` and ``rounding`` (floats; ``high`` is ``inf`` for
        open-ended figures, ``rounding`` NaN where the rule uses none).

    Raises
    ------
    DataError
        Unreadable or malformed file (a row with more or fewer fields than the header,
        e.g. an unquoted comma in ``about 7,000``), a missing required column, a reserved column name, an
        empty or duplicated id, a phrase that cannot be read, or a ``value`` that disagrees
        with its phrase; the message names the file, the row (the line of the file: header =
        row 1, blank lines counted) and the column.

    Examples
    --------
    >>> from conflictstats.datasets import read_figures
    >>> df = read_figures("data/hajin_2018/figures.csv")  # doctest: +SKIP
    >>> df.loc[df.id == "hajin-23", ["text", "low", "high"]]  # doctest: +SKIP
    """
    df, lines = read_csv_strict(path)
    require_columns(df.columns, REQUIRED, path=path)
    clash = [c for c in FIGURE_COLUMNS if c in df.columns]
    if clash:
        raise DataError("column name is reserved for parsed figures", path=path, column=clash[0])

    figures = []
    seen: dict[str, int] = {}
    for i, row in enumerate(df.itertuples(index=False, name=None)):
        rec = dict(zip(df.columns, row))
        rownum = int(lines[i])
        ident = rec["id"].strip()
        if not ident:
            raise DataError("empty id", path=path, row=rownum, column="id")
        if ident in seen:
            raise DataError(
                f"duplicate id {ident!r} (first at row {seen[ident]})",
                path=path,
                row=rownum,
                column="id",
            )
        seen[ident] = rownum
        kwargs = {k: (rec[c].strip() or None) for c, k in _PASSED.items() if c in rec}
        date = rec.get("period") or rec.get("date") or None
        try:
            fig = parse_figure(rec["text"], date=date, rules=rules, **kwargs)
        except ReportedFigureError as exc:
            raise DataError(str(exc), path=path, row=rownum, column="text") from None
        for col, stated in (("value", fig.stated), ("value_high", fig.stated_high)):
            if col in rec:
                _check_stated(rec[col], stated, path=path, row=rownum, column=col)
        figures.append(fig)

    out = df.copy()
    out["figure"] = pd.Series(figures, index=df.index, dtype=object)
    out["rule"] = [f.qualifier for f in figures]
    out["central"] = [f.value for f in figures]
    out["low"] = [f.low for f in figures]
    out["high"] = [f.high for f in figures]
    out["rounding"] = [math.nan if f.rounding is None else f.rounding for f in figures]
    return out


def _check_stated(cell: str, stated: float | None, **where: Any) -> None:
    cell = cell.strip()
    if not cell:
        if stated is not None:
            raise DataError(f"empty, but the phrase states {stated:g}", **where)
        return
    try:
        number = float(cell)
    except ValueError:
        raise DataError(f"not a number: {cell!r}", **where) from None
    if not math.isfinite(number):
        raise DataError(f"not a finite number: {cell!r}", **where)
    if stated is None:
        raise DataError(f"{cell!r} given, but the phrase states no number", **where)
    if not math.isclose(number, stated, rel_tol=1e-9):
        raise DataError(f"{cell!r} disagrees with the phrase, which states {stated:g}", **where)
