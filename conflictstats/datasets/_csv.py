"""Reading a CSV file strictly, with the file's line number of every record.

pandas' reader skips blank lines (so a position in the frame is not a line of the file), takes a
first data row with one field too many as an index column, and pads short rows: all three
hide a broken file. Every loader reads through :func:`read_csv_strict` instead.
"""

from __future__ import annotations

import csv
import os

import numpy as np
import pandas as pd

from ._errors import DataError

__all__ = ["read_csv_strict"]


def read_csv_strict(path: str | os.PathLike, *, skip: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a CSV file of text cells, checking its shape record by record.

    Parameters
    ----------
    path : str or path-like
        A UTF-8 CSV file (a byte-order mark is dropped) whose first record is the header.
    skip : int
        Records to skip after the header (e.g. the HXL hashtag row of HDX files).

    Returns
    -------
    frame : pandas.DataFrame
        One column per header field (names stripped of surrounding spaces), every cell a
        ``str``; blank lines are left out.
    lines : numpy.ndarray of int
        For each row of ``frame``, the line of the file where its record begins (the header
        is line 1), for error messages: a blank line or a quoted field spanning lines does
        not shift it.

    Raises
    ------
    DataError
        The file is missing, not UTF-8, empty, not CSV, has a duplicated column name, or has
        a record with more or fewer fields than the header (an unquoted comma in a cell, a
        lost field); the message names the file, the line and, for a short record, the first
        column without a value.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, "f.csv")
    ...     _ = open(path, "w").write("id,text\\n\\na,about 7,000\\n")
    ...     read_csv_strict(path)
    Traceback (most recent call last):
    ...
    conflictstats.datasets._errors.DataError: ...f.csv, row 3: 3 fields where the header has 2: 'a', 'about 7', '000' (a cell with an unquoted comma? put the cell in double quotes, e.g. "about 7,000")
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            # strict: a quote left open at the end of the file is an error, not a cell
            reader = csv.reader(fh, strict=True)
            try:
                header = next(reader, None)
                if not header:
                    raise DataError("malformed CSV: the file is empty", path=path)
                rows, lines = [], []
                last = reader.line_num
                skipped = 0
                for record in reader:
                    start, last = last + 1, reader.line_num
                    if not record or (len(record) == 1 and not record[0].strip()):
                        continue  # a blank line
                    if skipped < skip:
                        skipped += 1
                        continue
                    if len(record) != len(header):
                        _wrong_width(record, header, path, start)
                    rows.append(record)
                    lines.append(start)
            except csv.Error as exc:
                raise DataError(f"malformed CSV ({exc})", path=path, row=reader.line_num) from None
    except FileNotFoundError:
        raise DataError("file not found (no such file)", path=path) from None
    except IsADirectoryError:
        raise DataError("a folder, not a file", path=path) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"not a UTF-8 text file ({exc.reason})", path=path) from None
    names = [h.strip() for h in header]
    duplicated = sorted({h for h in names if names.count(h) > 1})
    if duplicated:
        raise DataError(f"duplicated column names {duplicated}", path=path, row=1)
    frame = (
        pd.DataFrame(rows, columns=names, dtype=object)
        if rows
        else pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
    )
    return frame, np.asarray(lines, dtype=np.int64)


def _wrong_width(record: list[str], header: list[str], path, line: int) -> None:
    n, m = len(record), len(header)
    if n > m:
        cells = ", ".join(repr(c) for c in record)
        raise DataError(
            f"{n} fields where the header has {m}: {cells} (a cell with an unquoted comma? "
            'put the cell in double quotes, e.g. "about 7,000")',
            path=path,
            row=line,
        )
    raise DataError(
        f"{n} field(s) where the header has {m}: no value for the columns from here on",
        path=path,
        row=line,
        column=header[n].strip(),
    )
